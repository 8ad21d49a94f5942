"""In a real browser: a receptionist books an overdue client's reassessment from the recall list."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from appointments.models import Appointment, WorkingHours
from appointments.selectors import clinic_tz
from careplans.models import CarePlan
from tests.careplans.conftest import ensure_default_types
from tests.factories import ClientFactory, ReceptionistFactory, TherapistFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_receptionist_books_a_reassessment_from_the_recall_list(page, login, live_server):
    ensure_default_types()
    theo = TherapistFactory(first_name="Theo", last_name="Hart")
    for weekday in range(7):  # every day, so there are free slots whenever the test runs
        WorkingHours.objects.create(therapist=theo, weekday=weekday, start_time=time(9), end_time=time(17))
    today = timezone.localdate(timezone.now(), clinic_tz())
    plan = CarePlan.objects.create(
        client=ClientFactory(first_name="Ola", last_name="Overdue"),
        therapist=theo,
        start_date=today - timedelta(weeks=7),
        reassessment_interval_weeks=6,
        next_reassessment_due=today - timedelta(days=7),
    )
    ClientFactory(first_name="Nat", last_name="Notdue")

    login(ReceptionistFactory())
    page.goto("/care/recalls/")
    assert page.get_by_role("heading", level=1).inner_text() == "Recalls"
    row = page.locator(f'tr.recall[data-plan="{plan.pk}"]')
    assert "Ola Overdue" in row.inner_text() and "7 days overdue" in row.inner_text()
    assert "Notdue" not in page.content()
    first_slot = row.locator("button.slot-button").first
    label = first_slot.inner_text()
    assert "Theo Hart" in label  # the plan's therapist is offered first
    first_slot.click()

    page.wait_for_url("**/care/recalls/**")
    assert "Reassessment booked for Ola Overdue" in page.get_by_role("status").inner_text()
    assert page.locator(f'tr.recall[data-plan="{plan.pk}"]').count() == 0
    booked = Appointment.objects.get(client=plan.client)
    assert booked.therapist == theo and booked.appointment_type.kind == "REASSESSMENT"
    assert booked.starts_at > timezone.now()
    assert timezone.localtime(booked.starts_at, clinic_tz()).strftime("%a %-d %b %H:%M") in label
