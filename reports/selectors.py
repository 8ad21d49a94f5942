"""Reads about progress reports: lists, one report, its delivery state, the client's download
link, and the timeline source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from clients.models import Client, ConsentPurpose
from clients.selectors import client_get, client_has_consent
from clients.timeline import TimelineEntry
from core.clinic_time import local_display
from core.exceptions import ApplicationError, NotFoundError
from core.models import EmailStatus, JobStatus
from exercises.selectors import programme_default_review_date
from gait.models import GaitSession

from .models import AccessKind, Report, ReportDelivery, ReportStatus

VIEW_REPORT = "reports.view_report"
LINK_SALT = "reports.download-link"


class LinkInvalid(ApplicationError):
    """A download link that was not made by us, or was changed."""

    status_code = 403
    code = "link_invalid"


class LinkExpired(ApplicationError):
    status_code = 410
    code = "link_expired"


class ReportGone(ApplicationError):
    """The link was good, but the report's file is no longer held (e.g. the client was erased)."""

    status_code = 410
    code = "report_gone"


def _with_deliveries(reports: QuerySet[Report]) -> QuerySet[Report]:
    deliveries = ReportDelivery.objects.select_related("email", "requested_by").order_by("-attempt")
    return reports.select_related("client", "session", "created_by").prefetch_related(
        Prefetch("deliveries", queryset=deliveries)
    )


def report_list(*, client_id=None, session_id=None) -> QuerySet[Report]:
    reports = Report.objects.filter(client__erased_at__isnull=True)
    if client_id is not None:
        reports = reports.filter(client_id=client_id)
    if session_id is not None:
        reports = reports.filter(session_id=session_id)
    return _with_deliveries(reports).order_by("-created_at", "-id")


def report_get(*, report_id) -> Report:
    try:
        return _with_deliveries(Report.objects.filter(client__erased_at__isnull=True)).get(pk=report_id)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such report.") from None


def report_pending(*, session_id) -> Report | None:
    """The report of this session being generated now, if any."""
    return Report.objects.filter(session_id=session_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()


def report_latest_delivery(report: Report) -> ReportDelivery | None:
    deliveries = list(report.deliveries.all())  # prefetched, newest attempt first
    return max(deliveries, key=lambda d: d.attempt) if deliveries else None


@dataclass(frozen=True)
class DeliveryState:
    code: str  # "not_sent", "queued", "retrying", "sending", "sent", "failed"
    label: str  # what staff read, e.g. "Sent", "Failed: SMTPRecipientsRefused ..."
    to: str = ""
    at: datetime | None = None
    may_send: bool = False  # a (first or new) send is allowed now


def report_delivery_state(report: Report) -> DeliveryState:
    delivery = report_latest_delivery(report)
    if delivery is None:
        return DeliveryState("not_sent", "Not sent", may_send=report.status == ReportStatus.READY)
    email = delivery.email
    if email.status == EmailStatus.DONE:
        return DeliveryState("sent", "Sent", to=delivery.to, at=email.finished_at)
    if email.status == EmailStatus.FAILED:
        reason = email.last_error or "unknown reason"
        return DeliveryState("failed", f"Failed: {reason}", to=delivery.to, at=email.finished_at, may_send=True)
    if email.status == EmailStatus.RUNNING:
        return DeliveryState("sending", "Sending", to=delivery.to, at=delivery.requested_at)
    if email.attempts:
        label = (
            f"Not sent yet: attempt {email.attempts} failed ({email.last_error}); "
            f"trying again after {local_display(email.run_after)}"
        )
        return DeliveryState("retrying", label, to=delivery.to, at=delivery.requested_at)
    return DeliveryState("queued", "Queued to send", to=delivery.to, at=delivery.requested_at)


def report_next_reassessment(*, client: Client, now: datetime) -> date | None:
    return programme_default_review_date(client=client, now=now)


# The client's download link -----------------------------------------------------------------
def link_max_age() -> timedelta:
    return timedelta(days=settings.REPORT_LINK_DAYS)


def report_download_token(report: Report) -> str:
    """A signed token naming this report and its client; valid for REPORT_LINK_DAYS."""
    return signing.TimestampSigner(salt=LINK_SALT).sign_object({"r": report.pk, "c": report.client_id})


def report_for_download_token(token: str) -> Report:
    """The report a link names, if the link is ours, unexpired and still names that client's
    report; LinkInvalid (403), LinkExpired or ReportGone (410) otherwise."""
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        data = signer.unsign_object(token, max_age=link_max_age())
    except signing.SignatureExpired:
        raise LinkExpired("This download link has expired. Please ask the clinic to send your report again.") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid(
            "This download link is not valid. Please use the link exactly as it was sent to you."
        ) from None
    report = (
        Report.objects.select_related("client").filter(pk=data.get("r") if isinstance(data, dict) else None).first()
    )
    if report is None or report.client_id != data.get("c"):
        raise LinkInvalid("This download link is not valid. Please use the link exactly as it was sent to you.")
    if report.client.erased_at is not None or not report.is_ready:
        raise ReportGone("This report is no longer available. Please contact the clinic.")
    return report


# Timeline -----------------------------------------------------------------------------------
def client_reports_timeline(*, client, user, now, limit) -> list[TimelineEntry]:
    """Timeline source: each report version with its state (clinical: therapists only). Two queries."""
    if not user.has_perm(VIEW_REPORT):
        return []
    reports = report_list(client_id=client.pk)
    if limit is not None:
        reports = reports[:limit]
    entries = []
    for report in reports:
        state = report_delivery_state(report)
        status = report.get_status_display() if report.status != ReportStatus.READY else state.label
        entries.append(
            TimelineEntry(
                at=min(report.created_at, now - timedelta(microseconds=1)),  # a past event
                kind="report",
                kind_label="Progress report",
                title=f"Progress report v{report.version} (gait session of {report.session.date:%-d %b %Y})",
                status=status,
                url=reverse("reports:detail", args=[report.pk]),
                clinical=True,
            )
        )
    return entries


# Pages --------------------------------------------------------------------------------------
def session_for_report(*, session_id) -> GaitSession:
    try:
        return GaitSession.objects.select_related("client").get(pk=session_id, client__erased_at__isnull=True)
    except (GaitSession.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such gait session.") from None


def client_reports_page(*, client_id) -> dict:
    client = client_get(client_id=client_id)
    reports = list(report_list(client_id=client.pk))
    sessions = GaitSession.objects.filter(client=client, signed_off_at__isnull=False).order_by("-date", "-id")
    return {
        "client": client,
        "rows": [(report, report_delivery_state(report)) for report in reports],
        "sessions": sessions,
        "has_email": bool(client.email),
        "has_consent": client_has_consent(client, ConsentPurpose.EMAIL_REPORTS),
    }


def report_page(*, report_id) -> dict:
    report = report_get(report_id=report_id)
    client = report.client
    return {
        "report": report,
        "client": client,
        "state": report_delivery_state(report),
        "deliveries": list(report.deliveries.all()),
        "accesses": report.accesses.select_related("user").order_by("-at", "-id")[:50],
        "previewed": report.accesses.filter(kind=AccessKind.PREVIEW).exists(),
        "has_email": bool(client.email),
        "has_consent": client_has_consent(client, ConsentPurpose.EMAIL_REPORTS),
        "link_days": settings.REPORT_LINK_DAYS,
    }
