"""Durable background work (core/jobs.py): a job is a PostgreSQL row; claims are exclusive, a
killed worker's job is reclaimed when its lease expires, and work nobody picked up is re-sent.

The worker test SIGKILLs a real Celery worker (its pool process, or the whole of it) at random
moments while it queues 80 reminders and emails them to a real SMTP server, and counts what
arrived: nothing may be lost, and a duplicate is possible only for a message that was being
handed to the SMTP server at the moment of a kill (README: "Delivery promise").
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from appointments.models import Appointment, AppointmentType, Reminder
from appointments.tasks import send_due_reminders
from core.jobs import STALE_AFTER, job_claim, job_done, jobs_sweep
from core.models import JobStatus, OutboundEmail
from core.services import email_queue
from tests.factories import ClientFactory, TherapistFactory
from tests.processes import SmtpSink, Worker, project_env, run_django

NOW = timezone.make_aware(timezone.datetime(2026, 11, 2, 8))


def queue_email(now=NOW) -> OutboundEmail:
    return email_queue(to="ada@example.com", template="reminder", purpose="test", now=now,
                       context={"first_name": "Ada", "appointment_type": "treatment", "therapist": "Theo Hart",
                                "when": "Tue 3 Nov 2026 10:00"})


@pytest.mark.django_db
def test_a_claim_is_exclusive_and_a_worker_whose_lease_expired_cannot_finish(mailoutbox):
    email = queue_email()
    first = job_claim(OutboundEmail, email.pk, now=NOW)
    assert first is not None and first.attempts == 1 and first.lease_expires_at == NOW + OutboundEmail.lease
    assert job_claim(OutboundEmail, email.pk, now=NOW) is None  # taken

    # The first worker stalls past its lease; the sweeper puts the job back and a second takes it.
    expired = NOW + OutboundEmail.lease + timedelta(seconds=1)
    assert jobs_sweep(now=expired)["reclaimed"] == 1
    second = job_claim(OutboundEmail, email.pk, now=expired)
    assert second is not None and second.attempts == 2
    assert job_done(first, now=expired) is False  # fenced off by the attempt count
    assert job_done(second, now=expired) is True
    assert job_claim(OutboundEmail, email.pk, now=expired) is None  # finished: never sent again


@pytest.mark.django_db
def test_the_sweeper_leaves_fresh_work_alone_and_nudges_work_nobody_started(mailoutbox):
    queue_email(now=NOW)
    assert jobs_sweep(now=NOW + timedelta(seconds=10)) == {"reclaimed": 0, "published": 0}
    # The broker at the test's settings is up, so the nudge is published (nobody consumes it here).
    assert jobs_sweep(now=NOW + STALE_AFTER) == {"reclaimed": 0, "published": 1}


# Worker kills ------------------------------------------------------------------------------------

# benchmarks/bench_worker_kills.py runs this test bigger through these variables.
APPOINTMENTS = int(os.environ.get("KILL_TEST_REMINDERS", "80"))
KILL_COUNT = int(os.environ.get("KILL_TEST_KILLS", "7"))
# Every third kill takes the whole worker down (no chance to hand its job back to the broker).
KILLS = ["whole" if i % 3 == 2 else "child" for i in range(KILL_COUNT)]
SEED = int(os.environ.get("KILL_TEST_SEED", "8"))


def _settled(worker: Worker, queue: str, limit: float) -> None:
    """Wait until the worker's queue is empty and the worker runs and holds nothing."""
    broker = redis.Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not broker.llen(queue) and worker.idle():
            return
        time.sleep(0.5)
    raise AssertionError("the worker did not settle")


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkilled_workers_lose_no_reminder_and_duplicate_only_in_the_documented_window(tmp_path):
    started = time.monotonic()
    rng = random.Random(SEED)
    treatment, _ = AppointmentType.objects.get_or_create(
        name="Treatment / retraining", defaults={"kind": "TREATMENT", "duration_minutes": 30}
    )
    # Each therapist's day-and-a-half of half-hour slots stays inside the 48-hour reminder window.
    therapists = [TherapistFactory() for _ in range(max(4, -(-APPOINTMENTS // 80)))]
    first_start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=2)
    for i in range(APPOINTMENTS):
        starts_at = first_start + timedelta(minutes=30 * (i // len(therapists)))
        Appointment.objects.create(
            client=ClientFactory(email=f"client{i}@example.com"), therapist=therapists[i % len(therapists)],
            appointment_type=treatment, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30),
        )

    # Holding each message briefly after receiving it widens the duplicate window on purpose.
    smtp = SmtpSink(delay=0.02)
    queue = f"kill-{os.getpid()}"
    env = project_env(CELERY_DEFAULT_QUEUE=queue, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                      EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port))
    worker = Worker(env, "kill", tmp_path / "worker.log")
    kills = []

    def beat():  # time runs fast here: the 15-minute reminder job is due after every kill
        send_due_reminders.apply_async(queue=queue)

    def progress() -> tuple[int, int]:
        return Reminder.objects.count(), OutboundEmail.objects.filter(status=JobStatus.DONE).count()

    # Kills land at random points of the whole run: each at a random amount of work done
    # (reminders queued + emails sent, out of twice the number of appointments), plus a random
    # few milliseconds, so some hit the reminder job, some a send, some the gap in between.
    targets = sorted(rng.sample(range(1, 2 * APPOINTMENTS), len(KILLS)))
    try:
        worker.start()
        beat()
        for kind, target in zip(KILLS, targets, strict=True):
            deadline = time.monotonic() + 60
            while sum(progress()) < target and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.05))
            reminders, sent = progress()
            if kind == "whole":
                worker.kill_all()
                worker.start()
            elif not worker.kill_child():
                continue
            kills.append((kind, reminders, sent))
            beat()
        # Once the worker has gone quiet, the sweep that beat runs every minute, as it runs
        # after the killed jobs' leases have expired.
        _settled(worker, queue, limit=60 + APPOINTMENTS / 2)
        run_django("from django.utils import timezone\nfrom core.jobs import STALE_AFTER, jobs_sweep\n"
                   "from core.models import OutboundEmail\n"
                   "print(jobs_sweep(now=timezone.now() + OutboundEmail.lease + STALE_AFTER))", env)
        deadline = time.monotonic() + 60 + APPOINTMENTS / 2
        while OutboundEmail.objects.exclude(status=JobStatus.DONE).exists() and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        worker.stop()
        smtp.stop()

    emails = {e.message_id: e for e in OutboundEmail.objects.filter(reminder__isnull=False)}
    lost = [m for m in emails if smtp.received[m] == 0]
    duplicates = {m: n - 1 for m, n in smtp.received.items() if n > 1}
    print(
        f"\nworker kills: {APPOINTMENTS} reminder jobs, {len(kills)} SIGKILLs "
        f"({sum(k[0] == 'child' for k in kills)} pool process, {sum(k[0] == 'whole' for k in kills)} whole worker; "
        f"at reminders queued/emails sent = {[(k[1], k[2]) for k in kills]}), "
        f"lost {len(lost)}, duplicates {sum(duplicates.values())}, {time.monotonic() - started:.0f} s"
    )
    assert Reminder.objects.count() == APPOINTMENTS  # one per appointment, none lost or doubled
    assert len(emails) == APPOINTMENTS and all(e.status == JobStatus.DONE for e in emails.values())
    assert set(smtp.received) == set(emails)
    assert lost == []
    # A duplicate only for an email that was in a worker's hands at a kill: retried, same Message-ID.
    assert sum(duplicates.values()) <= len(kills)
    assert all(emails[m].attempts >= 2 for m in duplicates)
    assert {k[0] for k in kills} == {"whole", "child"}
