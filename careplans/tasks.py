from celery import shared_task
from django.utils import timezone


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_self_booking_email(invite_id: int, link: str) -> bool:
    """Email a self-booking link (idempotent: an invite is emailed at most once)."""
    from .services import self_booking_email_send

    return self_booking_email_send(invite_id=invite_id, link=link, now=timezone.now())
