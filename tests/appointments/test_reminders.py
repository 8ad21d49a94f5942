"""Reminder emails: queued once per appointment (twice-run and concurrent jobs) in the same
transaction as the reminder, sent with a parseable .ics, only to reachable clients, retried on
failure and visible to staff. (Worker kills: tests/foundation/test_durable_jobs.py.)"""

import threading
from datetime import UTC, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from icalendar import Calendar

from appointments.models import Appointment, AppointmentStatus, AppointmentType, Reminder
from appointments.services import appointment_cancel, appointment_reschedule, reminders_send_due
from appointments.tasks import send_due_reminders
from core.models import OutboundEmail
from core.selectors import clinic_settings
from tests.appointments.conftest import at
from tests.emails import deliver_queued_emails
from tests.factories import ClientFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)  # Monday 08:00; default window 48 h -> up to Wednesday 08:00


@pytest.fixture
def theo(db, weekday_hours):
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"))


def make(therapist, appointment_type, starts_at, client=None, status=AppointmentStatus.BOOKED):
    return Appointment.objects.create(
        client=client or ClientFactory(),
        therapist=therapist,
        appointment_type=appointment_type,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=appointment_type.duration_minutes),
        status=status,
    )


@pytest.mark.django_db
def test_a_due_reminder_is_sent_once_with_a_parseable_ics(theo, treatment):
    appointment = make(
        theo, treatment, at(2026, 11, 3, 10), client=ClientFactory(first_name="Ada", email="ada@example.com")
    )
    assert reminders_send_due(now=NOW) == 1
    assert reminders_send_due(now=NOW) == 0
    assert not mail.outbox and Reminder.objects.get().status_label == "Queued"
    assert deliver_queued_emails(now=NOW) == 1
    assert reminders_send_due(now=NOW + timedelta(minutes=15)) == 0
    assert deliver_queued_emails(now=NOW + timedelta(minutes=15)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert "Tue 3 Nov 2026 10:00" in message.subject and "Dear Ada" in message.body and "Theo Hart" in message.body
    assert message.extra_headers["Message-ID"] == Reminder.objects.get().email.message_id
    html = message.alternatives[0]
    assert html.mimetype == "text/html" and "<strong>Tue 3 Nov 2026 10:00</strong>" in html.content
    (name, content, mimetype) = message.attachments[0]
    assert name == "appointment.ics" and mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.starts_at.astimezone(UTC)
    assert event.decoded("dtend") == appointment.ends_at.astimezone(UTC)
    assert str(event["uid"]) == f"appointment-{appointment.id}@stridewell"
    text = content if isinstance(content, str) else content.decode()
    assert text.count("DTSTART:20261103T100000Z") == 1
    reminder = Reminder.objects.get()
    assert (reminder.status_label, reminder.recipient, reminder.for_starts_at) == (
        "Sent",
        "ada@example.com",
        appointment.starts_at,
    )
    assert reminder.sent_at == NOW


@pytest.mark.django_db
def test_only_booked_appointments_in_the_window_of_reachable_clients_are_reminded(theo, treatment):
    due = make(theo, treatment, at(2026, 11, 3, 10))
    make(theo, treatment, at(2026, 11, 4, 9))  # 49 h away: not yet
    make(theo, treatment, at(2026, 11, 2, 7))  # already started
    make(theo, treatment, at(2026, 11, 3, 11), status=AppointmentStatus.CANCELLED)
    make(theo, treatment, at(2026, 11, 3, 12), client=ClientFactory(email=""))
    make(theo, treatment, at(2026, 11, 3, 13), client=ClientFactory(archived_at=NOW))
    make(theo, treatment, at(2026, 11, 3, 14), client=ClientFactory(erased_at=NOW))
    assert reminders_send_due(now=NOW) == 1
    assert list(Reminder.objects.values_list("appointment_id", flat=True)) == [due.id]


@pytest.mark.django_db
def test_the_window_follows_clinic_settings(theo, treatment):
    make(theo, treatment, at(2026, 11, 4, 9))
    assert reminders_send_due(now=NOW) == 0
    settings_row = clinic_settings()
    settings_row.reminder_hours_before = 72
    settings_row.save()
    assert reminders_send_due(now=NOW) == 1


@pytest.mark.django_db
def test_a_cancelled_appointment_is_not_reminded_and_a_moved_one_is_reminded_of_its_new_time(theo, treatment):
    cancelled = make(theo, treatment, at(2026, 11, 3, 10))
    appointment_cancel(appointment=cancelled, reason="Ill", now=NOW)
    moved_before = make(theo, treatment, at(2026, 11, 3, 11))
    appointment_reschedule(appointment=moved_before, starts_at=at(2026, 11, 3, 15), now=NOW)
    assert reminders_send_due(now=NOW) == 1
    assert [(r.appointment_id, r.for_starts_at) for r in Reminder.objects.all()] == [
        (moved_before.id, at(2026, 11, 3, 15))
    ]
    # Moved after its reminder went out: the client is reminded once more, of the new time only.
    appointment_reschedule(appointment=moved_before, starts_at=at(2026, 11, 3, 16), now=NOW)
    assert reminders_send_due(now=NOW) == 1
    assert reminders_send_due(now=NOW) == 0
    assert sorted(r.for_starts_at for r in Reminder.objects.all()) == [at(2026, 11, 3, 15), at(2026, 11, 3, 16)]
    assert deliver_queued_emails(now=NOW) == 2
    assert "16:00" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_a_failed_send_is_retried_with_back_off_then_shown_as_failed(theo, treatment, monkeypatch):
    make(theo, treatment, at(2026, 11, 3, 10))
    assert reminders_send_due(now=NOW) == 1

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert deliver_queued_emails(now=NOW) == 0
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts, email.run_after) == ("queued", 1, NOW + timedelta(minutes=1))
    assert "mail server down" in Reminder.objects.get().error
    assert deliver_queued_emails(now=NOW) == 0  # not before its back-off
    later = NOW
    for attempt in range(2, 6):
        later += timedelta(minutes=2 ** (attempt - 2))
        deliver_queued_emails(now=later)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 5)
    reminder = Reminder.objects.get()
    assert reminder.status_label == "Failed" and "ConnectionRefusedError: mail server down" in reminder.error
    assert reminders_send_due(now=later) == 0  # failed for good: staff see it, nothing resends blindly


@pytest.mark.django_db
def test_the_beat_task_reads_the_clock_and_is_idempotent(theo, treatment):
    make(theo, treatment, at(2026, 11, 3, 10))
    with time_machine.travel(NOW, tick=False):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    assert deliver_queued_emails(now=NOW) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_reminder_exactly_once(theo, monkeypatch):
    # Committed rows would be published to whichever worker listens; here the emails are sent in
    # this process instead, as if the broker were down (they stay queued for the sweeper).
    monkeypatch.setattr("core.jobs.job_publish", lambda model, pk: False)
    assert connection.vendor == "postgresql"
    # A transactional test may run after another one flushed the migration's default types.
    treatment, _ = AppointmentType.objects.get_or_create(
        name="Treatment / retraining", defaults={"kind": "TREATMENT", "duration_minutes": 30}
    )
    for hour in (10, 11, 12, 13, 14):
        make(theo, treatment, at(2026, 11, 3, hour))
    barrier = threading.Barrier(8)
    counts = []

    def run():
        try:
            barrier.wait()
            counts.append(reminders_send_due(now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 5
    assert OutboundEmail.objects.count() == 5
    assert deliver_queued_emails(now=NOW) == 5
    assert len(mail.outbox) == 5
    assert Reminder.objects.count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(Appointment.objects.values_list("client__email", flat=True))


@pytest.mark.django_db
def test_staff_see_what_was_sent_on_the_appointment_page_and_in_admin(
    theo, treatment, receptionist, clinic_admin, client
):
    appointment = make(theo, treatment, at(2026, 11, 3, 10), client=ClientFactory(email="ada@example.com"))
    client.force_login(receptionist)
    assert "No reminder has been sent yet." in client.get(f"/appointments/{appointment.id}/").content.decode()
    reminders_send_due(now=NOW)
    deliver_queued_emails(now=NOW)
    html = client.get(f"/appointments/{appointment.id}/").content.decode()
    assert "Reminders sent" in html and "ada@example.com" in html and "Tue 3 Nov 2026 10:00" in html and "Sent" in html
    client.force_login(clinic_admin)
    admin_list = client.get("/admin/appointments/reminder/")
    assert admin_list.status_code == 200 and "ada@example.com" in admin_list.content.decode()
    admin_appointment = client.get(f"/admin/appointments/appointment/{appointment.id}/change/")
    assert admin_appointment.status_code == 200 and "ada@example.com" in admin_appointment.content.decode()
