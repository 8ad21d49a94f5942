"""Progress report pages (therapists) and the client's download link (no login; the signed link
is the permission). Each view reads the clock here and makes one service or selector call."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.client_ip import client_ip
from core.decorators import staff_permission_required
from core.exceptions import ApplicationError, NotFoundError
from gait.media_views import serve_file

from . import selectors, services

VIEW = "reports.view_report"
RANGE_FROM_START = re.compile(r"^bytes=0?-")


def _or_404(get, **kwargs):
    try:
        return get(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


def _first_request(request) -> bool:
    """A PDF viewer may fetch one file in several range requests; the viewing is the first."""
    found = request.headers.get("Range", "").strip()
    return not found or bool(RANGE_FROM_START.match(found))


def _who(request) -> dict:
    return {"ip": client_ip(request), "user_agent": request.headers.get("User-Agent", "")}


@staff_permission_required(VIEW)
def client_reports(request, client_id):
    """A client's report versions, and the signed-off sessions a report can be generated for."""
    return render(request, "reports/client_reports.html", _or_404(selectors.client_reports_page, client_id=client_id))


@staff_permission_required("reports.add_report")
@require_POST
def generate(request, session_id):
    session = _or_404(selectors.session_for_report, session_id=session_id)
    try:
        report = services.report_generate(session=session, by=request.user, now=timezone.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        if exc.extra.get("report_id"):
            return redirect("reports:detail", report_id=exc.extra["report_id"])
        return redirect("reports:client", client_id=session.client_id)
    messages.success(request, f"Generating version {report.version} of the report.")
    return redirect("reports:detail", report_id=report.pk)


@staff_permission_required(VIEW)
@never_cache
def detail(request, report_id):
    return render(request, "reports/report_detail.html", _or_404(selectors.report_page, report_id=report_id))


@require_GET
@staff_permission_required(VIEW)
def preview(request, report_id):
    try:
        report = services.report_preview(
            report_id=report_id, user=request.user, now=timezone.now(), log=_first_request(request), **_who(request)
        )
    except NotFoundError:
        raise Http404("No such report.") from None
    except ApplicationError as exc:
        return render(
            request, "reports/link_error.html", {"title": "No PDF yet", "message": exc.message}, status=exc.status_code
        )
    return serve_file(request, report.pdf, f"progress-report-v{report.version}.pdf")


@staff_permission_required("reports.send_report")
@require_POST
def send(request, report_id):
    report = _or_404(selectors.report_get, report_id=report_id)
    try:
        delivery = services.report_send(
            report=report, by=request.user, now=timezone.now(), site_url=request.build_absolute_uri("/")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The report is on its way to {delivery.to}.")
    return redirect("reports:detail", report_id=report_id)


@require_GET
@never_cache
def download(request, token):
    """The client's signed, expiring link: a clear page (403 / 410) when it cannot be used."""
    try:
        report = services.report_download(
            token=token, user=request.user, now=timezone.now(), log=_first_request(request), **_who(request)
        )
    except ApplicationError as exc:
        title = "This link has expired" if exc.status_code == 410 else "This link cannot be used"
        return render(
            request, "reports/link_error.html", {"title": title, "message": exc.message}, status=exc.status_code
        )
    response = serve_file(request, report.pdf, f"progress-report-{report.session.date:%Y-%m-%d}.pdf")
    response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment")
    response["X-Robots-Tag"] = "noindex"
    return response
