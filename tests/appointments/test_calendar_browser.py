"""In a real browser: a receptionist opens the week calendar, clicks a free slot and books it."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from appointments.models import Appointment, AppointmentType, WorkingHours
from appointments.selectors import clinic_tz
from tests.factories import ClientFactory, ReceptionistFactory, TherapistFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_receptionist_books_from_the_week_calendar(page, login, live_server):
    # Transactional tests may follow one that flushed the migration's default types.
    treatment, _ = AppointmentType.objects.get_or_create(
        name="Treatment / retraining", defaults={"kind": "TREATMENT", "duration_minutes": 30, "colour": "#8a5a00"}
    )
    theo = TherapistFactory(first_name="Theo", last_name="Hart")
    for weekday in range(7):
        WorkingHours.objects.create(therapist=theo, weekday=weekday, start_time=time(9), end_time=time(17))
    ClientFactory(first_name="Bea", last_name="Booker")
    receptionist = ReceptionistFactory()
    # Next week's Wednesday at 10:00 clinic time: always in the future.
    today = timezone.localdate(timezone.now(), clinic_tz())
    wednesday = today - timedelta(days=today.weekday()) + timedelta(days=9)

    login(receptionist)
    page.goto(f"/appointments/?view=week&date={today.isoformat()}&therapist=all")
    assert "Whole clinic" in page.get_by_role("heading", level=1).inner_text()
    page.select_option("#cal-therapist", str(theo.id))  # calendar.js submits the filter form on change
    page.wait_for_url(f"**therapist={theo.id}**")
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url(f"**date=**therapist={theo.id}**")
    slot = page.locator(f'.cal-col[data-date="{wednesday.isoformat()}"] a.cal-free[data-time="10:00"]')
    slot.click()
    page.wait_for_url("**/appointments/new/**")
    assert page.input_value("#id_date") == wednesday.isoformat()
    assert page.input_value("#id_time") == "10:00"
    assert page.locator("#id_therapist").input_value() == str(theo.id)
    page.fill("#id_client_search", "Booker")
    page.get_by_role("button", name="Booker, Bea").click()
    page.select_option("#id_appointment_type", str(treatment.id))
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url(f"**/appointments/?date={wednesday.isoformat()}&therapist={theo.id}")
    assert "Booked Bea Booker" in page.locator(".messages").inner_text()
    booked = page.locator(f'.cal-col[data-date="{wednesday.isoformat()}"] a.appt')
    assert booked.count() == 1
    assert "10:00–10:30" in booked.inner_text() and "Bea Booker" in booked.inner_text()
    # The type colour is applied by calendar.js through a CSS custom property (no inline style attribute).
    assert booked.evaluate("el => el.style.getPropertyValue('--type-colour')") == "#8a5a00"
    appointment = Appointment.objects.get()
    assert appointment.starts_at.astimezone(clinic_tz()).time() == time(10)
    assert appointment.created_by == receptionist
