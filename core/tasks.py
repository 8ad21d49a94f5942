from celery import shared_task
from django.core import management
from django.utils import timezone


@shared_task
def ping(value: str = "pong") -> dict:
    """Round-trip check: proves a worker runs jobs and can reach the database."""
    from .selectors import database_check

    return {"echo": value, "database": database_check()}


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task(name="core.tasks.send_email", ignore_result=True)
def send_email(email_id: int) -> bool:
    """Send one OutboundEmail row (idempotent: the row's claim decides who sends)."""
    from .services import email_send

    return email_send(email_id=email_id, now=timezone.now())


@shared_task(name="core.tasks.sweep_background_jobs", ignore_result=True)
def sweep_background_jobs() -> dict:
    """Beat, every minute: re-send work nobody picked up and reclaim work whose lease expired."""
    from .services import background_sweep

    return background_sweep(now=timezone.now())
