"""Background jobs. Each takes ids (or nothing), reads the clock here and calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="appointments.tasks.send_due_reminders", ignore_result=True)
def send_due_reminders() -> int:
    """Beat job (every 15 minutes): queue reminder emails for appointments coming up. Idempotent."""
    return services.reminders_send_due(now=timezone.now())
