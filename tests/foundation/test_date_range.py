"""Dates are kept to 1900-01-01..2200-12-31 at every boundary, so no date arithmetic can overflow."""

from datetime import date

import pytest

from careplans.models import CarePlan
from core.dates import OUT_OF_RANGE
from tests.appointments.conftest import at, treatment, types, weekday_hours  # noqa: F401
from tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theo(weekday_hours):  # noqa: F811
    return weekday_hours(TherapistFactory())


@pytest.fixture
def api(api_as, receptionist):
    return api_as(receptionist)


@pytest.fixture
def appointment(api, theo, client_record, treatment):  # noqa: F811
    body = {"client": client_record.pk, "therapist": theo.pk, "appointment_type": treatment.pk,
            "starts_at": at(2030, 3, 5, 10).isoformat()}
    response = api.post("/api/appointments/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def plan(theo, client_record):
    return CarePlan.objects.create(client=client_record, therapist=theo, start_date=date(2026, 9, 1),
                                   reassessment_interval_weeks=6)


def assert_out_of_range(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][field] == [OUT_OF_RANGE], body
    assert OUT_OF_RANGE == "Date must be between 1900-01-01 and 2200-12-31."


@pytest.mark.parametrize("moment", ["9999-12-31", "9999-12-31T23:59:59-05:00", "0001-01-01", "1899-12-31"])
def test_free_slots_from_an_extreme_date_is_400(api, treatment, moment):  # noqa: F811
    assert_out_of_range(api.get("/api/slots/", {"type": treatment.pk, "from": moment}), "from")


def test_free_slots_at_the_end_of_the_range_still_answer(api, theo, treatment):  # noqa: F811
    response = api.get("/api/slots/", {"type": treatment.pk, "from": "2200-12-31", "count": 1})
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("starts_at", ["9999-12-31T10:00:00Z", "9999-12-31T23:30:00-05:00", "1800-01-01T10:00:00Z"])
def test_booking_in_an_extreme_year_is_400(api, theo, client_record, treatment, starts_at):  # noqa: F811
    body = {"client": client_record.pk, "therapist": theo.pk, "appointment_type": treatment.pk, "starts_at": starts_at}
    assert_out_of_range(api.post("/api/appointments/", body, format="json"), "starts_at")


def test_moving_an_appointment_to_year_9999_is_400_and_leaves_it(api, appointment):
    response = api.patch(f"/api/appointments/{appointment['id']}/", {"starts_at": "9999-12-31T10:00:00Z"}, format="json")
    assert_out_of_range(response, "starts_at")
    assert api.get(f"/api/appointments/{appointment['id']}/").json()["starts_at"] == appointment["starts_at"]


@pytest.mark.parametrize("param", ["date_from", "date_to"])
def test_listing_appointments_from_an_extreme_date_is_400(api, param):
    assert_out_of_range(api.get("/api/appointments/", {param: "9999-12-31"}), param)
    assert api.get("/api/appointments/", {param: "2200-12-31"}).status_code == 200


def test_starting_a_care_plan_in_9999_is_400(api_as, therapist, theo, client_record):
    body = {"client": client_record.pk, "therapist": theo.pk, "start_date": "9999-12-31"}
    assert_out_of_range(api_as(therapist).post("/api/care-plans/", body, format="json"), "start_date")
    assert not CarePlan.objects.exists()


@pytest.mark.parametrize("field", ["start_date", "next_reassessment_due"])
def test_moving_a_care_plan_to_9999_is_400_and_not_stored(api_as, therapist, plan, field):
    response = api_as(therapist).patch(f"/api/care-plans/{plan.pk}/", {field: "9999-12-31"}, format="json")
    assert_out_of_range(response, field)
    plan.refresh_from_db()
    assert plan.start_date == date(2026, 9, 1) and (plan.next_reassessment_due or date.min).year < 9999


def test_a_client_born_in_the_year_1066_is_400(api):
    body = {"first_name": "Harold", "last_name": "Godwinson", "date_of_birth": "1066-10-14"}
    assert_out_of_range(api.post("/api/clients/", body, format="json"), "date_of_birth")


def test_leave_ending_in_9999_is_400(api_as, clinic_admin, theo):
    body = {"therapist": theo.pk, "kind": "LEAVE", "starts_at": "2030-01-01T09:00:00Z", "ends_at": "9999-12-31T23:00:00Z"}
    assert_out_of_range(api_as(clinic_admin).post("/api/availability/exceptions/", body, format="json"), "ends_at")


def test_pages_refuse_extreme_dates_with_the_same_message(client, therapist, plan):
    client.force_login(therapist)
    calendar = client.get("/appointments/", {"date": "9999-12-31"})
    assert calendar.status_code == 200 and OUT_OF_RANGE in calendar.content.decode()
    form = {"therapist": plan.therapist_id, "goal": "", "start_date": "9999-12-31", "reassessment_interval_weeks": 6}
    response = client.post(f"/care/plans/{plan.pk}/edit/", form)
    assert response.status_code == 200 and OUT_OF_RANGE in response.content.decode()
    plan.refresh_from_db()
    assert plan.start_date == date(2026, 9, 1)
