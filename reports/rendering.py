"""Renders the client's progress report and exercise sheet as PDF (WeasyPrint).

Interface used by the rest of the app (reports/services.py); the content is assembled from
signed-off gait sessions, confirmed suggestions, comparisons and the issued programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    # Every client-facing sentence in the report (what the diagnosis-term scan reads).
    texts: list[str] = field(default_factory=list)
    # Why the report cannot be made yet (e.g. no signed-off session); empty when it can.
    problems: list[str] = field(default_factory=list)


def _html_page(title: str, lines: list[str]) -> bytes:
    from django.utils.html import escape
    from weasyprint import HTML

    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


def render_progress_report(*, client_id: int, session_id: int, today: date) -> RenderedReport:
    """The progress report for this signed-off session of the client, as of `today`."""
    # TEMP stub (reportsend): the real renderer comes from the reportpdf branch.
    from gait.models import GaitSession

    session = GaitSession.objects.select_related("client").get(pk=session_id, client_id=client_id)
    if session.signed_off_at is None:
        return RenderedReport(pdf=b"", problems=["No signed-off gait session yet."])
    texts = [session.client.full_name, f"Session of {session.date:%d %B %Y}", f"As of {today:%d %B %Y}"]
    return RenderedReport(pdf=_html_page("Progress report", texts), texts=texts)


def render_exercise_sheet(*, programme_id: int, today: date) -> bytes:
    """The one-page exercise sheet of an issued programme."""
    # TEMP stub (reportsend).
    return _html_page("Exercise sheet", [f"Programme #{programme_id}", f"{today:%d %B %Y}"])
