"""Renders the client's progress report and exercise sheet as PDF (WeasyPrint).

Interface used by the rest of the app (reports/services.py); the content is assembled from
signed-off gait sessions, confirmed suggestions, comparisons and the issued programme
(reports/content.py). Every image is embedded as a data URI and the URL fetcher refuses any
other scheme, so no file or URL outside the report's own bytes is ever read while rendering.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.clinic_time import local_day_display
from core.exceptions import NotFoundError
from exercises.selectors import programme_get

from . import charts, content
from .plain_language import diagnosis_terms_in

# Tagged PDF for screen readers (PDF/UA-1: tags, title, language, embedded fonts).
# Key frames are already small JPEGs: no optimize_images (it would re-encode them).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}
SHEET_MAX_PAGES = 1
# (font size pt, drawing size mm, instruction lines shown as a slice) tried in turn.
SHEET_STEPS = ((9, 26, ":99"), (8, 22, ":99"), (7.5, 18, ":2"), (7, 16, ":1"), (7, 14, ":0"))
# WeasyPrint logs every layout step at INFO; a worker's log needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    # Every sentence the report generated itself (not the therapist's own words, which are in
    # therapist_texts): what the diagnosis-term scan reads.
    texts: list[str] = field(default_factory=list)
    # Why the report cannot be made yet (e.g. no signed-off session); empty when it can. The
    # caller shows them; pdf is empty whenever there is one.
    problems: list[str] = field(default_factory=list)
    therapist_texts: list[str] = field(default_factory=list)
    # What the report lacks though it was made (no issued programme, no next date): for the
    # therapist's preview, not a reason to hold it back.
    warnings: list[str] = field(default_factory=list)
    pages: int = 0


class EmbeddedFetcher(URLFetcher):
    """Serves the report's own images (ReportContent.resources) and nothing else: no file,
    no network, no URL of client data."""

    def __init__(self, resources: dict[str, tuple[str, bytes]]):
        super().__init__(allowed_protocols={"embedded"})
        self.resources = resources

    def fetch(self, url, headers=None):
        if url not in self.resources:
            raise ValueError(f"Not part of the report: {url[:40]}")
        mime, data = self.resources[url]
        return URLFetcherResponse(url, data, {"Content-Type": mime})


def _pdf(html: str, resources: dict) -> tuple[bytes, int]:
    document = HTML(string=html, url_fetcher=EmbeddedFetcher(resources), base_url=None).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def render_progress_report(*, client_id: int, session_id: int, today: date, booking_url: str = "") -> RenderedReport:
    """The progress report for this signed-off session of the client, as of `today`.

    booking_url: the client's self-booking link, when the caller has one to give (only a hash of
    an emailed link is stored, so the report cannot rebuild it)."""
    c = content.progress_report_content(
        client_id=client_id, session_id=session_id, today=today, booking_url=booking_url
    )
    if not c.session_date:  # no signed-off session to report on
        return RenderedReport(pdf=b"", texts=c.texts, problems=c.problems)
    chart_items = [
        {"uri": c.embed("image/svg+xml", charts.trend_svg(series).encode()), "alt": charts.chart_description(series)}
        for series in c.charts
    ]
    texts = c.texts + [item["alt"] for item in chart_items]
    hits = diagnosis_terms_in(texts)
    if hits:  # a defect in the report's own wording: never send it
        return RenderedReport(
            pdf=b"", texts=texts, problems=[f"The report's wording names a diagnosis ({hits[0][0]}); not rendered."]
        )
    html = render_to_string("reports/pdf/progress_report.html", {"c": c, "charts": chart_items})
    pdf, pages = _pdf(html, c.resources)
    return RenderedReport(pdf=pdf, texts=texts, therapist_texts=c.therapist_texts, warnings=c.warnings, pages=pages)


def render_exercise_sheet(*, programme_id: int, today: date) -> bytes:
    """The one-page exercise sheet of an issued programme (smaller type when it needs it).

    Raises NotFoundError for an unknown programme, ValueError for a draft."""
    programme = programme_get(programme_id=programme_id)
    if not programme.is_issued:
        raise ValueError("Only an issued programme has an exercise sheet.")
    c = content.ReportContent(
        clinic_name=content.clinic_name(),
        clinic_contact=content._clinic_contact(),
        logo="",
        client_name=programme.client.full_name,
        today=local_day_display(today),
        programme_version=programme.version,
        programme_notes=programme.notes,
        cues=[{"title": cue.title, "wording": cue.wording} for cue in programme.cues.all()],
    )
    c.logo = c.embed("image/svg+xml", content.logo_svg())
    c.exercises = [content.exercise_item(line, c) for line in programme.exercises.all()]
    context = {
        "c": c,
        "start_date": local_day_display(programme.start_date),
        "review_date": local_day_display(programme.review_date) if programme.review_date else "",
    }
    pdf = b""
    # Shrink until it fits one page (a long programme): smaller type and drawings, then fewer
    # instruction lines (the full steps are in the report). The last step is printed regardless.
    for font_pt, art_mm, steps in SHEET_STEPS:
        html = render_to_string(
            "reports/pdf/exercise_sheet.html", {**context, "font_pt": font_pt, "art_mm": art_mm, "steps": steps}
        )
        pdf, pages = _pdf(html, c.resources)
        if pages <= SHEET_MAX_PAGES:
            break
    return pdf


__all__ = ["NotFoundError", "RenderedReport", "render_exercise_sheet", "render_progress_report"]
