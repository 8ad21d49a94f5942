"""Small things staff tripped over on the calendar pages (issue 7, "Rough edges")."""

import re

import pytest
import time_machine

from appointments.models import Appointment, AppointmentKind, AppointmentStatus
from tests.appointments.conftest import at
from tests.factories import ClientFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)  # Monday 2 Nov 2026


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def theo(db, weekday_hours):
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"))


def make(therapist, appointment_type, starts_at, client=None):
    from datetime import timedelta

    return Appointment.objects.create(
        client=client or ClientFactory(),
        therapist=therapist,
        appointment_type=appointment_type,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=appointment_type.duration_minutes),
        status=AppointmentStatus.BOOKED,
    )


@pytest.mark.django_db
def test_the_move_form_keeps_the_date_as_an_iso_value(client, receptionist, theo, treatment):
    appointment = make(theo, treatment, at(2026, 12, 3, 10))
    client.force_login(receptionist)
    html = client.get(f"/appointments/{appointment.id}/").content.decode()
    move_form = html[html.index('id="move-form"') :]
    assert re.search(r'<input type="date" name="date" value="2026-12-03"', move_form), move_form[:1500]


@pytest.mark.django_db
def test_the_booking_message_writes_dates_like_every_other_page(client, receptionist, theo, treatment):
    client.force_login(receptionist)
    data = {"client": ClientFactory(first_name="Bea", last_name="Booked").id, "therapist": theo.id,
            "appointment_type": treatment.id, "date": "2026-11-03", "time": "10:00"}  # fmt: skip
    html = client.post("/appointments/new/", data, follow=True).content.decode()
    assert "Booked Bea Booked on Tue 3 Nov 2026 10:00." in html


@pytest.mark.django_db
def test_marking_an_initial_assessment_attended_says_what_was_scheduled(client, receptionist, theo, types, frozen):
    visit = make(theo, types[AppointmentKind.INITIAL_ASSESSMENT], at(2026, 11, 3, 10))
    frozen.move_to(at(2026, 11, 3, 11))
    client.force_login(receptionist)
    html = client.post(f"/appointments/{visit.id}/mark/", {"status": "ATTENDED"}, follow=True).content.decode()
    follow_up = Appointment.objects.get(scheduled_from=visit)
    plan = follow_up.client.care_plans.get()
    message = html[html.index('class="messages"') :]
    message = message[: message.index("</ul>")]
    assert "Marked attended. A care plan was started." in message
    assert "Next reassessment booked for Tue 15 Dec 2026 10:00 with Theo Hart." in message
    assert f'<a href="/appointments/{follow_up.id}/">the reassessment</a>' in message
    assert f'<a href="/care/plans/{plan.id}/">the care plan</a>' in message


@pytest.mark.django_db
def test_marking_attended_without_a_free_slot_points_to_the_recall_list(client, receptionist, theo, types, frozen):
    from appointments.models import AvailabilityException

    visit = make(theo, types[AppointmentKind.INITIAL_ASSESSMENT], at(2026, 11, 3, 10))
    AvailabilityException.objects.create(  # on leave around the due date
        therapist=theo, kind="LEAVE", starts_at=at(2026, 12, 7, 0), ends_at=at(2026, 12, 24, 0)
    )
    frozen.move_to(at(2026, 11, 3, 11))
    client.force_login(receptionist)
    html = client.post(f"/appointments/{visit.id}/mark/", {"status": "ATTENDED"}, follow=True).content.decode()
    assert "Next reassessment due Tue 15 Dec 2026, not booked" in html
    assert "the client is on the recall list" in html and '<a href="/care/recalls/">the recall list</a>' in html


@pytest.mark.django_db
def test_marking_a_treatment_attended_says_only_that(client, receptionist, theo, treatment, frozen):
    visit = make(theo, treatment, at(2026, 11, 3, 10))
    frozen.move_to(at(2026, 11, 3, 11))
    client.force_login(receptionist)
    html = client.post(f"/appointments/{visit.id}/mark/", {"status": "ATTENDED"}, follow=True).content.decode()
    assert "Marked attended.</li>" in html
