"""Writes about progress reports: generate a version (a durable job renders it), record who
looked at it, and email it to the client with a signed download link (through the outbox)."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime
from urllib.parse import urljoin

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clients.models import ConsentPurpose
from clients.services import require_consent
from core.clinic_time import clinic_tz
from core.exceptions import ConflictError
from core.jobs import job_claim, job_done, job_failed, job_publish_on_commit
from core.models import JobStatus
from core.services import email_queue
from gait.models import GaitSession

from . import rendering, selectors
from .models import AccessKind, Report, ReportAccess, ReportDelivery, report_upload_to

logger = logging.getLogger(__name__)


class ReportNotReady(ConflictError):
    code = "report_not_ready"


class ReportAlreadySent(ConflictError):
    code = "report_already_sent"


class NoEmailAddress(ConflictError):
    code = "no_email_address"


def _require(user, perm: str, message: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(message)


# Generation ---------------------------------------------------------------------------------
def report_generate(*, session: GaitSession, by, now: datetime) -> Report:
    """Queue a new version of the progress report for a signed-off session. Refuses (409) while
    the session is not signed off or another version of it is still being generated."""
    _require(by, "reports.add_report", "Only clinical staff may generate reports.")
    try:
        with transaction.atomic():
            # The session row is the lock that numbers versions one at a time.
            session = GaitSession.objects.select_for_update().select_related("client").get(pk=session.pk)
            if session.client.erased_at is not None:
                raise ConflictError("This client's personal data has been erased.")
            if session.signed_off_at is None:
                raise ReportNotReady(
                    "No signed-off findings yet: review every finding and sign off the gait session first.",
                    extra={"session_id": session.pk},
                )
            pending = selectors.report_pending(session_id=session.pk)
            if pending is not None:
                raise ConflictError(
                    f"Version {pending.version} of this report is still being generated; wait for it to finish.",
                    extra={"report_id": pending.pk},
                )
            last = Report.objects.filter(session=session).aggregate(v=Max("version"))["v"] or 0
            report = Report.objects.create(
                client=session.client, session=session, version=last + 1, created_by=by, created_at=now, run_after=now
            )
            job_publish_on_commit(report)
    except IntegrityError:  # a race past the lock (e.g. a second database connection): the constraints hold
        raise ConflictError("A report for this session is already being generated; wait for it to finish.") from None
    return report


def _finish_with_problems(job: Report, *, now: datetime, problems: list[str]) -> None:
    # Not worth retrying: the content is not there yet. Shown to the therapist as is.
    Report.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
        status=JobStatus.FAILED,
        finished_at=now,
        lease_expires_at=None,
        problems="\n".join(problems),
        last_error="The report cannot be made yet.",
    )


def report_render(*, report_id: int, now: datetime, today: date) -> bool:
    """Render one queued report version and store its PDF; True if this call finished it.
    Idempotent: only the worker holding the claim renders, and a finished report is left alone."""
    job = job_claim(Report, report_id, now=now)
    if job is None:
        return False
    try:
        rendered = rendering.render_progress_report(client_id=job.client_id, session_id=job.session_id, today=today)
    except Exception as exc:  # noqa: BLE001 - any failure is retried with back-off, then shown to staff
        logger.warning("Report #%s failed on attempt %s: %s", job.pk, job.attempts, exc)
        job_failed(job, now=now, error=f"{type(exc).__name__}: {exc}")
        return False
    if rendered.problems:
        _finish_with_problems(job, now=now, problems=rendered.problems)
        return False
    filename = f"progress-report-v{job.version}.pdf"
    name = default_storage.save(report_upload_to(job, filename), ContentFile(rendered.pdf))
    finished = job_done(
        job,
        now=now,
        pdf=name,
        size_bytes=len(rendered.pdf),
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        rendered_at=now,
        problems="",
        warnings="\n".join(rendered.warnings),
    )
    if not finished:  # our lease expired and someone else took the job: theirs is the file
        default_storage.delete(name)
    return finished


# Access log ---------------------------------------------------------------------------------
def report_preview(*, report_id: int, user, now: datetime, ip: str | None, user_agent: str, log: bool = True) -> Report:
    """The report a staff user previews, its file ready; the viewing is logged (`log`: False for
    the follow-up range requests of one viewing)."""
    _require(user, selectors.VIEW_REPORT, "Only clinical staff may see reports.")
    report = selectors.report_get(report_id=report_id)
    if not report.is_ready:
        raise ReportNotReady(f"This report is {report.get_status_display().lower()}: there is no PDF to show yet.")
    if log:
        ReportAccess.objects.create(
            report=report,
            client_id=report.client_id,
            kind=AccessKind.PREVIEW,
            user=user,
            at=now,
            ip=ip,
            user_agent=user_agent[:300],
        )
    return report


def report_download(*, token: str, user, now: datetime, ip: str | None, user_agent: str, log: bool = True) -> Report:
    """The report a client's link names (see selectors.report_for_download_token); every
    download is logged with the address it came from (and the staff user, if one is logged in)."""
    report = selectors.report_for_download_token(token)
    if log:
        ReportAccess.objects.create(
            report=report,
            client_id=report.client_id,
            kind=AccessKind.LINK,
            user=user if getattr(user, "is_authenticated", False) else None,
            at=now,
            ip=ip,
            user_agent=user_agent[:300],
        )
    return report


# Sending ------------------------------------------------------------------------------------
def report_send(*, report: Report, by, now: datetime, site_url: str) -> ReportDelivery:
    """Email a ready report version to the client: the PDF attached and a signed download link,
    through the outbox (retried with back-off, sent at most once). Only after a preview, with
    the client's consent to email reports and an address; a version is sent once (a new send is
    allowed only after the last one failed for good). `site_url` is where clients reach the site."""
    _require(by, "reports.send_report", "Only clinical staff may send reports.")
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("client", "session").get(pk=report.pk)
        client = report.client
        if client.erased_at is not None:
            raise ConflictError("This client's personal data has been erased.")
        if not report.is_ready:
            raise ReportNotReady(
                f"This report is {report.get_status_display().lower()}: only a ready report can be sent."
            )
        last = ReportDelivery.objects.select_related("email").filter(report=report).order_by("-attempt").first()
        if last is not None and last.email.status != JobStatus.FAILED:
            already = "was sent" if last.email.status == JobStatus.DONE else "is already being sent"
            raise ReportAlreadySent(
                f"Version {report.version} of this report {already} to {last.to}. Generate a new version to send again.",
                extra={"delivery_id": last.pk},
            )
        if not report.accesses.filter(kind=AccessKind.PREVIEW).exists():
            raise ReportNotReady("Preview the report before sending it.")
        if not client.email:
            raise NoEmailAddress(f"{client.full_name} has no email address on record: add one first.")
        require_consent(client, ConsentPurpose.EMAIL_REPORTS)
        link = urljoin(site_url, reverse("reports:download", args=[selectors.report_download_token(report)]))
        expires = timezone.localtime(now + selectors.link_max_age(), clinic_tz())
        reassessment = selectors.report_next_reassessment(client=client, now=now)
        email = email_queue(
            to=client.email,
            template="progress_report",
            purpose="progress report",
            now=now,
            context={
                "first_name": client.first_name,
                "session_date": date_format(report.session.date, "j F Y"),
                "next_reassessment": date_format(reassessment, "l j F Y") if reassessment else "",
                "link": link,
                "link_expires": date_format(expires, "j F Y"),
            },
            attachments=[
                {
                    "filename": f"progress-report-{report.session.date:%Y-%m-%d}-v{report.version}.pdf",
                    "storage_name": report.pdf.name,
                    "mimetype": "application/pdf",
                }
            ],
            contains_secret=True,  # the link: blanked from the row once sent
        )
        return ReportDelivery.objects.create(
            report=report,
            attempt=(last.attempt + 1) if last else 1,
            email=email,
            to=client.email,
            requested_by=by,
            requested_at=now,
        )
