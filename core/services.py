"""Writes of the shared plumbing: outgoing email (durable, see core/jobs.py) and the background sweep."""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .jobs import job_claim, job_done, job_failed, job_publish_on_commit, jobs_sweep
from .models import Heartbeat, JobStatus, OutboundEmail
from .selectors import clinic_name

logger = logging.getLogger(__name__)


# Outgoing email -----------------------------------------------------------------------------
# Bodies are templates: templates/emails/<name>_subject.txt, <name>.txt and <name>.html.


def _email_context(context: dict) -> dict:
    return {
        "clinic_name": clinic_name(),
        "reply_to": settings.EMAIL_REPLY_TO,
        "clinic_phone": settings.CLINIC_PHONE,
        "clinic_email": settings.CLINIC_EMAIL,
        **context,
    }


def email_queue(
    *, to: str, template: str, context: dict, purpose: str, now: datetime,
    attachments: list[dict] | None = None, contains_secret: bool = False,
) -> OutboundEmail:
    """Render an email and promise to send it: call inside the transaction that causes it.

    The row commits (or not) with that transaction; the worker is nudged after the commit. Never
    blocks on the broker. `contains_secret` blanks the bodies once sent (e.g. a single-use link).
    """
    context = _email_context(context)
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "stridewell.invalid"
    email = OutboundEmail.objects.create(
        purpose=purpose,
        message_id=make_msgid(domain=domain),
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=settings.EMAIL_REPLY_TO,
        subject=" ".join(render_to_string(f"emails/{template}_subject.txt", context).split())[:255],
        text_body=render_to_string(f"emails/{template}.txt", context),
        html_body=render_to_string(f"emails/{template}.html", context),
        attachments=attachments or [],
        forget_body_when_finished=contains_secret,
        created_at=now,
        run_after=now,
    )
    job_publish_on_commit(email)
    return email


def _email_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Message-ID": email.message_id},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for part in email.attachments:
        message.attach(part["filename"], _attachment_content(part), part["mimetype"])
    return message


def _attachment_content(part: dict) -> str | bytes:
    """A small text part is kept in the row; a file (e.g. a PDF report) is read from the default
    storage at send time, so the row stays small and an erased file is never sent."""
    if "storage_name" in part:
        with default_storage.open(part["storage_name"], "rb") as handle:
            return handle.read()
    return part["content"]


def email_send(*, email_id: int, now: datetime) -> bool:
    """Send one queued email if nobody else is sending or has sent it; True if this call sent it.

    The one window for a duplicate: the mail server accepted the message and the worker died
    before the next statement marked the row sent. The resend carries the same Message-ID.
    """
    email = job_claim(OutboundEmail, email_id, now=now)
    if email is None:
        return False
    forget = {"text_body": "", "html_body": ""} if email.forget_body_when_finished else {}
    try:
        _email_message(email).send()
    except Exception as exc:  # noqa: BLE001 - any mail failure is retried, then shown to staff
        logger.warning("Email #%s (%s) failed on attempt %s: %s", email.pk, email.purpose, email.attempts, exc)
        job_failed(email, now=now, error=f"{type(exc).__name__}: {exc}", **forget)
        return False
    job_done(email, now=now, **forget)
    return True


def emails_forget_recipient(*, address: str, now: datetime) -> int:
    """GDPR erasure: blank every email to this address; one not yet sent is never sent."""
    if not address:
        return 0
    rows = OutboundEmail.objects.filter(to__iexact=address)
    rows.filter(status=JobStatus.QUEUED).update(
        status=JobStatus.FAILED, finished_at=now, last_error="Not sent: the recipient's personal data was erased."
    )
    return rows.update(to="", reply_to="", subject="(erased)", text_body="", html_body="", attachments=[])


# Background plumbing ------------------------------------------------------------------------


def background_sweep(*, now: datetime) -> dict[str, int]:
    """Beat, every minute on a worker: prove the worker runs, and see every job to its end."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"at": now})
    return jobs_sweep(now=now)
