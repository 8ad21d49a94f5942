"""GET /api/slots/: free slots for one therapist or any, and clear 400s."""

from datetime import time

import pytest
import time_machine

from appointments.models import Appointment
from tests.appointments.conftest import at
from tests.factories import ClientFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)  # Monday 08:00


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(api_as, receptionist):
    return api_as(receptionist)


@pytest.fixture
def two(db, weekday_hours):
    early = weekday_hours(TherapistFactory(first_name="Early", last_name="Bird"), start=time(8), end=time(12))
    late = weekday_hours(TherapistFactory(first_name="Late", last_name="Owl"), start=time(13), end=time(18))
    return early, late


@pytest.mark.django_db
def test_slots_for_one_therapist_skip_booked_time(api, two, treatment):
    early, _ = two
    Appointment.objects.create(
        client=ClientFactory(), therapist=early, appointment_type=treatment,
        starts_at=at(2026, 11, 2, 8), ends_at=at(2026, 11, 2, 9),
    )  # fmt: skip
    response = api.get(f"/api/slots/?therapist={early.id}&type={treatment.id}&count=3")
    assert response.status_code == 200, response.json()
    slots = response.json()
    assert [s["starts_at"][:16] for s in slots] == ["2026-11-02T09:00", "2026-11-02T09:15", "2026-11-02T09:30"]
    assert {s["therapist_id"] for s in slots} == {early.id}
    assert slots[0]["ends_at"][:16] == "2026-11-02T09:30"


@pytest.mark.django_db
def test_slots_for_any_therapist_come_in_time_order(api, two, treatment):
    early, late = two
    response = api.get(f"/api/slots/?type={treatment.id}&from=2026-11-03&count=20")
    slots = response.json()
    assert len(slots) == 20
    assert [s["starts_at"] for s in slots] == sorted(s["starts_at"] for s in slots)
    assert slots[0]["starts_at"][:16] == "2026-11-03T08:00" and slots[0]["therapist_name"] == "Early Bird"
    response = api.get(f"/api/slots/?type={treatment.id}&from=2026-11-03T12:00&count=2")
    assert [(s["starts_at"][:16], s["therapist_id"]) for s in response.json()] == [
        ("2026-11-03T13:00", late.id),
        ("2026-11-03T13:15", late.id),
    ]


@pytest.mark.django_db
def test_slots_never_start_in_the_past(api, two, treatment):
    response = api.get(f"/api/slots/?type={treatment.id}&from=2020-01-01&count=1")
    assert response.json()[0]["starts_at"][:16] == "2026-11-02T08:00"


@pytest.mark.django_db
def test_gait_slots_carry_the_treadmill_room(api, two, reassessment, treadmill):
    response = api.get(f"/api/slots/?type={reassessment.id}&count=1")
    assert response.json()[0]["room_id"] == treadmill.id


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,message",
    [
        ("therapist=999999&type={t}", "Unknown therapist: 999999."),
        ("therapist={r}&type={t}", "Unknown therapist"),
        ("therapist=abc&type={t}", "Unknown therapist: abc."),
        ("type=999999", "Unknown appointment type: 999999."),
        ("type=abc", "Unknown appointment type: abc."),
        ("type={t}&from=31/12/2026", "from: “31/12/2026” is not a date or date-time"),
        ("type={t}&from=2026-13-45", "is not a date or date-time"),
        ("type={t}&count=0", "count:"),
        ("", "type: This field is required."),
    ],
)
def test_bad_queries_are_clear_400s(api, two, treatment, receptionist, query, message):
    response = api.get("/api/slots/?" + query.format(t=treatment.id, r=receptionist.id))
    assert response.status_code == 400, response.json()
    assert message in response.json()["message"], response.json()["message"]
