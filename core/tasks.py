from celery import shared_task
from django.core import management


@shared_task
def ping(value: str = "pong") -> dict:
    """Round-trip check: proves a worker runs jobs and can reach the database."""
    from .selectors import database_check

    return {"echo": value, "database": database_check()}


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")
