"""Durable background work: a row in PostgreSQL is the job, a broker message is only a nudge.

How to make a new kind of job (emails, video analysis, reports...):

1. A model subclassing ``core.models.DurableJob`` with ``task_name`` the dotted path of a Celery
   task that takes the row id (``acks_late``, ``ignore_result``), e.g. "core.tasks.send_email".
2. Create the row inside the transaction that causes it and call ``job_publish_on_commit(row)``.
3. In the task's service: ``job = job_claim(Model, pk, now=now)``; return if None (someone else
   has it, or it is finished); do the work idempotently; then ``job_done(job, now=...)`` or
   ``job_failed(job, now=..., error=...)``.

``jobs_sweep`` (beat, every minute) re-publishes queued rows nobody picked up within
``STALE_AFTER`` (the broker was down, or lost the message) and puts back running rows whose lease
expired (the worker was killed), so every job runs to an end: at least once. A claim is a
conditional UPDATE, so two workers handed the same id never both run it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import F, Q
from django.utils.module_loading import import_string

from .models import DurableJob, JobStatus

logger = logging.getLogger(__name__)

# A queued row not started this long after it became due is nudged again.
STALE_AFTER = timedelta(seconds=60)


def job_models() -> list[type[DurableJob]]:
    return [model for model in apps.get_models() if issubclass(model, DurableJob)]


def job_publish(model: type[DurableJob], pk: int) -> bool:
    """Send the row's task. Never raises: with the broker down the row stays queued and the
    sweeper sends it later. Publishing gives up within about a second (see CELERY_* settings)."""
    try:
        import_string(model.task_name).apply_async((pk,), ignore_result=True)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the job for the sweeper
        logger.warning("Could not publish %s #%s (the sweeper will): %s", model.__name__, pk, exc)
        return False
    return True


def job_publish_on_commit(job: DurableJob) -> None:
    model, pk = type(job), job.pk
    transaction.on_commit(lambda: job_publish(model, pk))


def job_claim(model: type[DurableJob], pk: int, *, now: datetime) -> DurableJob | None:
    """Take a queued, due job with a lease; None if it is not there to take."""
    claimed = model.objects.filter(pk=pk, status=JobStatus.QUEUED, run_after__lte=now).update(
        status=JobStatus.RUNNING, lease_expires_at=now + model.lease, attempts=F("attempts") + 1
    )
    return model.objects.get(pk=pk) if claimed else None


def _ours(job: DurableJob):
    # The attempt count fences off a worker whose lease expired and whose job was taken again.
    return type(job).objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def job_done(job: DurableJob, *, now: datetime, **fields) -> bool:
    return bool(
        _ours(job).update(status=JobStatus.DONE, finished_at=now, lease_expires_at=None, last_error="", **fields)
    )


def job_failed(job: DurableJob, *, now: datetime, error: str, **fields_when_final) -> bool:
    """Record a failed attempt: queued again with back-off (1, 2, 4... minutes), or failed for
    good after ``max_attempts``. Returns True if this was the final attempt."""
    final = job.attempts >= job.max_attempts
    if final:
        changes = {"status": JobStatus.FAILED, "finished_at": now, **fields_when_final}
    else:
        changes = {"status": JobStatus.QUEUED, "run_after": now + timedelta(minutes=2 ** (job.attempts - 1))}
    _ours(job).update(lease_expires_at=None, last_error=error[:500], **changes)
    return final


def jobs_sweep(*, now: datetime) -> dict[str, int]:
    """Put back jobs whose lease expired and re-publish jobs nobody started. Idempotent."""
    counts = {"reclaimed": 0, "published": 0}
    for model in job_models():
        counts["reclaimed"] += model.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=now).update(
            status=JobStatus.QUEUED, lease_expires_at=None
        )
        stale = model.objects.filter(
            Q(status=JobStatus.QUEUED, run_after__lte=now - STALE_AFTER)
            | Q(status=JobStatus.QUEUED, run_after__lte=now, attempts__gt=0)
        )
        for pk in stale.order_by("run_after", "pk").values_list("pk", flat=True)[:5000]:
            if not job_publish(model, pk):
                break  # the broker is down: leave the rest for the next sweep
            counts["published"] += 1
    return counts
