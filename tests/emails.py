"""Test helper: do what the worker does for queued emails, in this process (locmem outbox)."""

from __future__ import annotations

from datetime import datetime

from core.models import JobStatus, OutboundEmail
from core.services import email_send


def deliver_queued_emails(*, now: datetime) -> int:
    ids = OutboundEmail.objects.filter(status=JobStatus.QUEUED, run_after__lte=now).order_by("pk")
    return sum(email_send(email_id=pk, now=now) for pk in list(ids.values_list("pk", flat=True)))
