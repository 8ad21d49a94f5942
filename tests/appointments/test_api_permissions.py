"""Who may call which appointments endpoint: reception, therapist, clinic admin, no role, anonymous."""

import pytest
import time_machine
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentType, AvailabilityException, Room, WorkingHours
from tests.appointments.conftest import at
from tests.factories import ClientFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)
ROLES = ["receptionist", "therapist", "clinic_admin", "no_role_user", "anonymous"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db, weekday_hours, treatment):
    theo = weekday_hours(TherapistFactory())
    appointment = Appointment.objects.create(
        client=ClientFactory(),
        therapist=theo,
        appointment_type=treatment,
        starts_at=at(2026, 11, 3, 10),
        ends_at=at(2026, 11, 3, 10, 30),
    )
    exception = AvailabilityException.objects.create(
        therapist=theo, kind="LEAVE", starts_at=at(2026, 12, 1, 0), ends_at=at(2026, 12, 2, 0)
    )
    return {"theo": theo, "appointment": appointment, "exception": exception, "type": treatment}


def client_for(role, request, api_as):
    if role == "anonymous":
        return APIClient()
    return api_as(request.getfixturevalue(role))


def denied(response):
    return response.status_code in (401, 403)


READS = [
    "/api/appointments/",
    "/api/appointments/{a}/",
    "/api/appointments/{a}/history/",
    "/api/slots/?type={t}",
    "/api/availability/working-hours/",
    "/api/availability/exceptions/",
    "/api/rooms/",
    "/api/appointment-types/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", READS)
def test_reads_are_for_every_staff_role_only(role, url, world, request, api_as):
    api = client_for(role, request, api_as)
    response = api.get(url.format(a=world["appointment"].id, t=world["type"].id))
    if role in ("anonymous", "no_role_user"):
        assert denied(response), response.status_code
        assert "message" in response.json()
    else:
        assert response.status_code == 200, (role, url, response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_booking_writes_are_for_reception_and_therapists(role, world, request, api_as):
    api = client_for(role, request, api_as)
    a = world["appointment"]
    calls = [
        api.post(
            "/api/appointments/",
            {
                "client": ClientFactory().id,
                "therapist": world["theo"].id,
                "appointment_type": world["type"].id,
                "starts_at": at(2026, 11, 4, 10).isoformat(),
            },
            format="json",
        ),
        api.patch(f"/api/appointments/{a.id}/", {"starts_at": at(2026, 11, 3, 11).isoformat()}, format="json"),
        api.post(f"/api/appointments/{a.id}/no-show/"),  # refused by the rules (not started), not by permissions
        api.post(f"/api/appointments/{a.id}/attend/"),
        api.post(f"/api/appointments/{a.id}/cancel/", {"reason": "Ill"}, format="json"),
    ]
    if role in ("receptionist", "therapist"):
        assert [c.status_code for c in calls] == [201, 200, 400, 400, 200]
    else:
        assert all(denied(c) for c in calls), [c.status_code for c in calls]
        assert Appointment.objects.count() == 1
        assert Appointment.objects.get().status == "BOOKED"


AVAILABILITY_WRITES = [
    ("/api/availability/working-hours/", {"weekday": 5, "start_time": "09:00", "end_time": "12:00"}, WorkingHours),
    (
        "/api/availability/exceptions/",
        {"kind": "EXTRA", "starts_at": "2026-11-07T09:00:00Z", "ends_at": "2026-11-07T12:00:00Z"},
        AvailabilityException,
    ),
    ("/api/rooms/", {"name": "Treatment room 2", "has_treadmill": False}, Room),
    (
        "/api/appointment-types/",
        {"name": "Sports massage", "kind": "TREATMENT", "duration_minutes": 45},
        AppointmentType,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url,payload,model", AVAILABILITY_WRITES)
def test_availability_rooms_and_types_are_written_by_clinic_admins_only(
    role, url, payload, model, world, request, api_as
):
    api = client_for(role, request, api_as)
    if "therapist" not in payload and model in (WorkingHours, AvailabilityException):
        payload = {**payload, "therapist": world["theo"].id}
    before = model.objects.count()
    created = api.post(url, payload, format="json")
    if role != "clinic_admin":
        assert denied(created), created.status_code
        assert model.objects.count() == before
        return
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    changed = api.patch(f"{url}{pk}/", {"note": "changed"} if model is AvailabilityException else {}, format="json")
    assert changed.status_code == 200
    assert api.delete(f"{url}{pk}/").status_code == 204
    assert model.objects.count() == before


@pytest.mark.django_db
def test_availability_validation_is_a_400_with_the_reason(world, clinic_admin, receptionist, api_as):
    api = api_as(clinic_admin)
    backwards = api.post(
        "/api/availability/working-hours/",
        {"therapist": world["theo"].id, "weekday": 5, "start_time": "12:00", "end_time": "09:00"},
        format="json",
    )
    assert backwards.status_code == 400
    not_a_therapist = api.post(
        "/api/availability/working-hours/",
        {"therapist": receptionist.id, "weekday": 5, "start_time": "09:00", "end_time": "12:00"},
        format="json",
    )
    assert not_a_therapist.status_code == 400 and "Therapist role" in not_a_therapist.json()["message"]
    in_use = api.delete(f"/api/appointment-types/{world['type'].id}/")
    assert in_use.status_code == 400 and "used by existing appointments" in in_use.json()["message"]
    assert WorkingHours.objects.filter(weekday=5).count() == 0


@pytest.mark.django_db
def test_options_is_not_a_way_round_the_view_permission(world, no_role_user, api_as):
    api = api_as(no_role_user)
    assert denied(api.options("/api/appointments/"))
    assert denied(api.options(f"/api/appointments/{world['appointment'].id}/"))
