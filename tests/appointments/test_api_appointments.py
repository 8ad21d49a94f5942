"""Appointments API: booking rules over HTTP, the 409 body, filters, moves, cancel, attendance, history."""

from datetime import timedelta

import pytest
import time_machine

from appointments.models import Appointment, AppointmentStatus
from tests.appointments.conftest import at
from tests.factories import ClientFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)  # Monday 2 Nov 2026, 08:00 GMT


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def theo(db, weekday_hours):
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"))


@pytest.fixture
def api(api_as, receptionist):
    return api_as(receptionist)


def book(api, client, therapist, appointment_type, starts_at, **extra):
    payload = {
        "client": client.id,
        "therapist": therapist.id if hasattr(therapist, "id") else therapist,
        "appointment_type": appointment_type.id,
        "starts_at": starts_at.isoformat(),
        **extra,
    }
    return api.post("/api/appointments/", payload, format="json")


@pytest.mark.django_db
def test_booking_returns_201_and_stores_utc(api, theo, client_record, treatment):
    response = book(api, client_record, theo, treatment, at(2026, 11, 3, 10))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "BOOKED" and body["therapist"] == theo.id and body["client"] == client_record.id
    assert body["starts_at"].startswith("2026-11-03T10:00:00")
    stored = Appointment.objects.get(pk=body["id"])
    assert stored.ends_at - stored.starts_at == timedelta(minutes=30)
    assert stored.created_by.username.startswith("staff")


@pytest.mark.django_db
def test_a_clash_is_409_with_the_clashing_appointment_id(api, theo, treatment):
    first = book(api, ClientFactory(last_name="First"), theo, treatment, at(2026, 11, 3, 10)).json()
    response = book(api, ClientFactory(), theo, treatment, at(2026, 11, 3, 10, 15))
    assert response.status_code == 409
    body = response.json()
    assert body["clashing_appointment_id"] == first["id"]
    assert body["code"] == "conflict" and f"#{first['id']}" in body["message"] and "First" in body["message"]
    assert body["errors"] == {}
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case,message",
    [
        ("end_before_start", "The appointment must end after it starts."),
        ("wrong_duration", "lasts 30 minutes"),
        ("past", "Sun 1 Nov 2026 10:00 is in the past."),
        ("archived", "is archived; restore the client before booking."),
        ("unknown_therapist", "Unknown therapist"),
        ("not_a_therapist", "Unknown therapist"),
        ("outside_hours", "Outside Theo Hart's working hours: Tue 3 Nov 2026 07:00–07:30 is not within 09:00–17:00."),
    ],
)
def test_refusals_are_400_with_the_specific_message(api, theo, treatment, receptionist, case, message):
    client = ClientFactory()
    therapist, starts_at, extra = theo, at(2026, 11, 3, 10), {}
    if case == "end_before_start":
        extra["ends_at"] = at(2026, 11, 3, 9, 30).isoformat()
    elif case == "wrong_duration":
        extra["ends_at"] = at(2026, 11, 3, 11).isoformat()
    elif case == "past":
        starts_at = at(2026, 11, 1, 10)
    elif case == "archived":
        client.archived_at = NOW
        client.save()
    elif case == "unknown_therapist":
        therapist = 987654
    elif case == "not_a_therapist":
        therapist = receptionist
    elif case == "outside_hours":
        starts_at = at(2026, 11, 3, 7)
    response = book(api, client, therapist, treatment, starts_at, **extra)
    assert response.status_code == 400, response.json()
    assert message in response.json()["message"]
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_malformed_input_is_400_naming_the_field(api, theo, client_record, treatment):
    response = api.post(
        "/api/appointments/",
        {"client": client_record.id, "therapist": theo.id, "appointment_type": treatment.id, "starts_at": "tuesday"},
        format="json",
    )
    assert response.status_code == 400
    assert "starts_at" in response.json()["errors"]
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_list_filters_by_therapist_client_status_and_local_dates(api, theo, weekday_hours, treatment):
    other = weekday_hours(TherapistFactory())
    anna, ben = ClientFactory(), ClientFactory()
    a = book(api, anna, theo, treatment, at(2026, 11, 3, 10)).json()
    b = book(api, ben, other, treatment, at(2026, 11, 4, 10)).json()
    c = book(api, anna, other, treatment, at(2026, 11, 6, 16, 30)).json()
    api.post(f"/api/appointments/{c['id']}/cancel/", {"reason": "Ill"}, format="json")

    def ids(query):
        response = api.get(f"/api/appointments/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [a["id"], b["id"], c["id"]]
    assert ids(f"therapist={theo.id}") == [a["id"]]
    assert ids(f"client={anna.id}") == [a["id"], c["id"]]
    assert ids("status=CANCELLED") == [c["id"]]
    assert ids("status=BOOKED") == [a["id"], b["id"]]
    assert ids("date_from=2026-11-04&date_to=2026-11-04") == [b["id"]]
    assert ids("date_from=2026-11-04") == [b["id"], c["id"]]
    bad = api.get("/api/appointments/?date_from=04-11-2026")
    assert bad.status_code == 400 and "date_from" in bad.json()["errors"]


@pytest.mark.django_db
def test_patch_moves_and_refuses_a_clash_with_409(api, theo, weekday_hours, treatment):
    other = weekday_hours(TherapistFactory())
    a = book(api, ClientFactory(), theo, treatment, at(2026, 11, 3, 10)).json()
    b = book(api, ClientFactory(), theo, treatment, at(2026, 11, 3, 11)).json()
    moved = api.patch(f"/api/appointments/{a['id']}/", {"starts_at": at(2026, 11, 3, 12).isoformat()}, format="json")
    assert moved.status_code == 200 and moved.json()["starts_at"].startswith("2026-11-03T12:00")
    clash = api.patch(
        f"/api/appointments/{a['id']}/", {"starts_at": at(2026, 11, 3, 11, 15).isoformat()}, format="json"
    )
    assert clash.status_code == 409 and clash.json()["clashing_appointment_id"] == b["id"]
    assert Appointment.objects.get(pk=a["id"]).starts_at == at(2026, 11, 3, 12)
    to_other = api.patch(
        f"/api/appointments/{a['id']}/",
        {"starts_at": at(2026, 11, 3, 11).isoformat(), "therapist": other.id},
        format="json",
    )
    assert to_other.status_code == 200 and to_other.json()["therapist"] == other.id
    unknown = api.patch(
        f"/api/appointments/{a['id']}/",
        {"starts_at": at(2026, 11, 3, 9).isoformat(), "therapist": 999999},
        format="json",
    )
    assert unknown.status_code == 400 and "Unknown therapist" in unknown.json()["message"]
    past = api.patch(f"/api/appointments/{a['id']}/", {"starts_at": at(2026, 10, 30, 9).isoformat()}, format="json")
    assert past.status_code == 400 and "is in the past" in past.json()["message"]
    assert api.get("/api/appointments/424242/").status_code == 404


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_only_once(api, theo, client_record, treatment):
    a = book(api, client_record, theo, treatment, at(2026, 11, 3, 10)).json()
    url = f"/api/appointments/{a['id']}/cancel/"
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    blank = api.post(url, {"reason": "  "}, format="json")
    assert blank.status_code == 400 and blank.json()["message"] == "Give a reason for the cancellation."
    done = api.post(url, {"reason": "Client ill"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "CANCELLED" and done.json()["cancel_reason"] == "Client ill"
    again = api.post(url, {"reason": "again"}, format="json")
    assert again.status_code == 400 and "Only a booked appointment can be cancelled" in again.json()["message"]


@pytest.mark.django_db
def test_attend_and_no_show_only_after_the_start_and_history_lists_everything(
    api, theo, client_record, treatment, frozen
):
    a = book(api, client_record, theo, treatment, at(2026, 11, 3, 10)).json()
    b = book(api, client_record, theo, treatment, at(2026, 11, 3, 11)).json()
    early = api.post(f"/api/appointments/{a['id']}/attend/")
    assert early.status_code == 400 and "before it has started" in early.json()["message"]
    frozen.move_to(at(2026, 11, 3, 11, 5))
    assert api.post(f"/api/appointments/{a['id']}/attend/").json()["status"] == AppointmentStatus.ATTENDED
    assert api.post(f"/api/appointments/{b['id']}/no-show/").json()["status"] == AppointmentStatus.NO_SHOW
    twice = api.post(f"/api/appointments/{b['id']}/attend/")
    assert twice.status_code == 400 and "this one is no-show" in twice.json()["message"]
    history = api.get(f"/api/appointments/{a['id']}/history/").json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [("", "BOOKED"), ("BOOKED", "ATTENDED")]
    assert history[0]["changed_by"]


@pytest.mark.django_db
def test_the_schema_documents_every_endpoint(api):
    schema = api.get("/api/schema/?format=json").json()
    for path in [
        "/api/appointments/",
        "/api/appointments/{appointment_id}/",
        "/api/appointments/{appointment_id}/cancel/",
        "/api/appointments/{appointment_id}/attend/",
        "/api/appointments/{appointment_id}/no-show/",
        "/api/appointments/{appointment_id}/history/",
        "/api/slots/",
        "/api/availability/working-hours/",
        "/api/availability/exceptions/",
        "/api/rooms/",
        "/api/appointment-types/",
    ]:
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/appointments/"]["get"]["parameters"]}
    assert {"therapist", "client", "status", "date_from", "date_to"} <= params
    assert "409" in schema["paths"]["/api/appointments/"]["post"]["responses"]
