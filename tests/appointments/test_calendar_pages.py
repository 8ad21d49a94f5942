"""Calendar pages: permissions, day/week layouts, booking/moving/cancelling/marking through forms,
refusals naming the clash, colours by class (no inline styles), constant query count."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import Appointment, AppointmentStatus
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


def make(therapist, appointment_type, starts_at, status=AppointmentStatus.BOOKED, client=None, room=None):
    return Appointment.objects.create(
        client=client or ClientFactory(),
        therapist=therapist,
        appointment_type=appointment_type,
        room=room,
        starts_at=starts_at,
        ends_at=starts_at + appointment_type_duration(appointment_type),
        status=status,
    )


def appointment_type_duration(appointment_type):
    from datetime import timedelta

    return timedelta(minutes=appointment_type.duration_minutes)


PAGES = ["/appointments/", "/appointments/?view=day", "/appointments/{a}/", "/appointments/new/"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["receptionist", "therapist", "clinic_admin", "no_role_user", "anonymous"])
@pytest.mark.parametrize("url", PAGES)
def test_page_permissions(role, url, theo, treatment, request, client):
    appointment = make(theo, treatment, at(2026, 11, 3, 10))
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(url.format(a=appointment.id))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role == "no_role_user" or (role == "clinic_admin" and url.endswith("new/")):
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["clinic_admin", "no_role_user"])
def test_people_without_change_permission_cannot_move_cancel_or_mark(role, theo, treatment, request, client):
    appointment = make(theo, treatment, at(2026, 11, 3, 10))
    client.force_login(request.getfixturevalue(role))
    base = f"/appointments/{appointment.id}/"
    assert client.post(base + "move/", {"therapist": theo.id, "date": "2026-11-03", "time": "11:00"}).status_code == 403
    assert client.post(base + "cancel/", {"reason": "x"}).status_code == 403
    assert client.post(base + "mark/", {"status": "ATTENDED"}).status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "BOOKED" and appointment.starts_at == at(2026, 11, 3, 10)


@pytest.mark.django_db
def test_the_week_view_for_a_therapist_has_a_column_per_day_and_colour_classes(client, receptionist, theo, types):
    from appointments.models import AppointmentKind

    make(theo, types[AppointmentKind.TREATMENT], at(2026, 11, 3, 10), client=ClientFactory(first_name="Ada"))
    make(theo, types[AppointmentKind.INITIAL_ASSESSMENT], at(2026, 11, 2, 9), status=AppointmentStatus.NO_SHOW)
    cancelled = make(theo, types[AppointmentKind.TREATMENT], at(2026, 11, 4, 9), status=AppointmentStatus.CANCELLED)
    client.force_login(receptionist)
    html = client.get(f"/appointments/?view=week&date=2026-11-04&therapist={theo.id}").content.decode()
    assert html.count('class="cal-col"') + html.count('class="cal-col is-today"') == 7
    assert "Theo Hart" in html and "week of 2 Nov – 8 Nov 2026" in html
    # 10:00 is 2 rows of header/offset: row 2 is 08:00, so 10:00 is row 2 + 8 = 10; 30 minutes spans 2 rows.
    assert re.search(r'class="appt r-10 s-2 kind-treatment status-booked" data-colour="#8a5a00"', html)
    assert re.search(r'class="appt r-6 s-4 kind-initial-assessment status-no-show"', html)
    assert "10:00–10:30" in html and "Ada" in html
    assert f'href="/appointments/{cancelled.id}/"' in html and "status-cancelled" in html
    # Strict CSP: no inline style attributes and no inline scripts.
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "js/calendar.js" in html and "css/calendar.css" in html


@pytest.mark.django_db
def test_the_day_view_for_the_clinic_has_a_column_per_therapist_with_free_slots(
    client, receptionist, theo, weekday_hours, treatment
):
    other = weekday_hours(TherapistFactory(first_name="Una", last_name="Other"))
    make(other, treatment, at(2026, 11, 3, 9))
    client.force_login(receptionist)
    html = client.get("/appointments/?view=day&date=2026-11-03&therapist=all").content.decode()
    assert html.count('data-therapist="') == 2
    assert "Theo Hart" in html and "Una Other" in html
    assert f'href="/appointments/new/?therapist={theo.id}&amp;date=2026-11-03&amp;time=09:00"' in html
    # The other therapist's 09:00 is taken, so there is no free cell there.
    assert f"therapist={other.id}&amp;date=2026-11-03&amp;time=09:00" not in html
    assert f"therapist={other.id}&amp;date=2026-11-03&amp;time=09:30" in html


@pytest.mark.django_db
def test_therapists_see_their_own_calendar_by_default_and_reception_the_clinic(client, theo, receptionist, treatment):
    make(theo, treatment, at(2026, 11, 3, 10))
    client.force_login(theo)
    assert "Theo Hart · week of" in client.get("/appointments/").content.decode()
    client.force_login(receptionist)
    html = client.get("/appointments/").content.decode()
    assert "Whole clinic · week of 2 Nov" in html and "cal-matrix" in html
    assert client.get("/appointments/?therapist=999999").status_code == 404
    assert "is not a date" in client.get("/appointments/?date=yesterday").content.decode()


def _week_queries(client, n):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/appointments/?view=week&date=2026-11-02&therapist=all")
    assert response.status_code == 200
    assert response.content.decode().count(' data-colour="') == n
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_week_calendar_runs_the_same_number_of_queries_for_10_or_100_appointments(
    client, receptionist, weekday_hours, treatment
):
    from datetime import time, timedelta

    therapists = [weekday_hours(TherapistFactory(), start=time(8), end=time(18), weekdays=range(7)) for _ in range(5)]
    client.force_login(receptionist)

    def fill(count):
        Appointment.objects.all().delete()
        for i in range(count):
            therapist = therapists[i % 5]
            day, slot = divmod(i // 5, 20)
            make(therapist, treatment, at(2026, 11, 2 + day % 7, 8) + timedelta(minutes=30 * slot))

    fill(10)
    few = _week_queries(client, 10)
    fill(100)
    many = _week_queries(client, 100)
    assert few == many, (few, many)
    assert 5 <= many <= 13  # not vacuous: the page does query (13 = 12 + the clinic's name from Clinic settings)


@pytest.mark.django_db
def test_booking_from_the_calendar_form(client, receptionist, theo, treatment):
    patient = ClientFactory(first_name="Bea", last_name="Booked")
    client.force_login(receptionist)
    page = client.get(f"/appointments/new/?therapist={theo.id}&date=2026-11-03&time=10:00").content.decode()
    assert 'value="2026-11-03"' in page and 'value="10:00"' in page
    response = client.post(
        "/appointments/new/",
        {
            "client": patient.id,
            "therapist": theo.id,
            "appointment_type": treatment.id,
            "date": "2026-11-03",
            "time": "10:00",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == at(2026, 11, 3, 10) and appointment.created_by == receptionist
    assert response["Location"] == f"/appointments/?date=2026-11-03&therapist={theo.id}"


@pytest.mark.django_db
def test_a_refused_booking_is_a_form_error_linking_the_clash(client, receptionist, theo, treatment):
    first = make(theo, treatment, at(2026, 11, 3, 10), client=ClientFactory(last_name="Earlier"))
    client.force_login(receptionist)
    data = {"client": ClientFactory().id, "therapist": theo.id, "appointment_type": treatment.id, "date": "2026-11-03"}
    response = client.post("/appointments/new/", {**data, "time": "10:15"})
    assert response.status_code == 409
    html = response.content.decode()
    assert f"Clashes with appointment #{first.id}" in html and "Earlier" in html
    assert f'class="clash-link" href="/appointments/{first.id}/"' in html
    outside = client.post("/appointments/new/", {**data, "time": "17:45"}).content.decode()
    assert "Outside Theo Hart&#x27;s working hours" in outside
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_move_cancel_and_mark_from_the_detail_page(client, receptionist, theo, treatment, frozen):
    a = make(theo, treatment, at(2026, 11, 3, 10))
    b = make(theo, treatment, at(2026, 11, 3, 11))
    client.force_login(receptionist)
    detail = client.get(f"/appointments/{a.id}/").content.decode()
    assert "Move appointment" in detail and "Cancel appointment" in detail and "Mark attended" in detail
    moved = client.post(f"/appointments/{a.id}/move/", {"therapist": theo.id, "date": "2026-11-03", "time": "12:00"})
    assert moved.status_code == 302
    a.refresh_from_db()
    assert a.starts_at == at(2026, 11, 3, 12)
    clash = client.post(f"/appointments/{a.id}/move/", {"therapist": theo.id, "date": "2026-11-03", "time": "11:15"})
    assert clash.status_code == 409 and f'href="/appointments/{b.id}/"' in clash.content.decode()
    no_reason = client.post(f"/appointments/{b.id}/cancel/", {"reason": ""})
    assert no_reason.status_code == 400 and "This field is required" in no_reason.content.decode()
    assert client.post(f"/appointments/{b.id}/cancel/", {"reason": "Ill"}).status_code == 302
    b.refresh_from_db()
    assert b.status == "CANCELLED" and b.cancel_reason == "Ill"
    too_early = client.post(f"/appointments/{a.id}/mark/", {"status": "ATTENDED"}, follow=True)
    assert "before it has started" in too_early.content.decode()
    frozen.move_to(at(2026, 11, 3, 12, 10))
    client.force_login(receptionist)  # the session from "yesterday" has expired
    done = client.post(f"/appointments/{a.id}/mark/", {"status": "ATTENDED"}, follow=True)
    assert "Marked attended" in done.content.decode(), done.content.decode()[-3000:]
    a.refresh_from_db()
    assert a.status == "ATTENDED"
    history = client.get(f"/appointments/{a.id}/").content.decode()
    assert "Moved from Tue 3 Nov 2026 10:00" in history


@pytest.mark.django_db
def test_the_home_page_lists_todays_appointments(client, theo, weekday_hours, receptionist, treatment):
    other = weekday_hours(TherapistFactory(first_name="Una", last_name="Other"))
    make(theo, treatment, at(2026, 11, 2, 9), client=ClientFactory(first_name="Mine"))
    make(other, treatment, at(2026, 11, 2, 10), client=ClientFactory(first_name="Theirs"))
    make(theo, treatment, at(2026, 11, 3, 9), client=ClientFactory(first_name="Tomorrow"))
    client.force_login(theo)
    html = client.get("/").content.decode()
    assert "Your appointments today" in html and "Mine" in html and "Theirs" not in html and "Tomorrow" not in html
    client.force_login(receptionist)
    html = client.get("/").content.decode()
    assert "Appointments today" in html and "Mine" in html and "Theirs" in html and "Una Other" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["room", "appointmenttype", "workinghours", "availabilityexception", "appointment", "reminder"]
)
def test_clinic_admins_manage_availability_rooms_and_types_in_the_admin(
    model, client, clinic_admin, receptionist, theo
):
    client.force_login(clinic_admin)
    assert client.get(f"/admin/appointments/{model}/").status_code == 200
    can_add = client.get(f"/admin/appointments/{model}/add/").status_code
    # Bookings and reminders are never added by hand: they go through the booking rules / the job.
    assert can_add == (403 if model in ("appointment", "reminder") else 200)
    client.force_login(receptionist)  # not staff: no admin site at all
    assert client.get(f"/admin/appointments/{model}/").status_code == 302


@pytest.mark.django_db
def test_working_hours_admin_lists_therapist_and_weekday(client, clinic_admin, theo):
    client.force_login(clinic_admin)
    html = client.get("/admin/appointments/workinghours/").content.decode()
    assert "Theo Hart" in html and "Mon" in html and "09:00" in html
