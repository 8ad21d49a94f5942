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


def render_progress_report(*, client_id: int, session_id: int, today: date) -> RenderedReport:
    """The progress report for this signed-off session of the client, as of `today`."""
    raise NotImplementedError


def render_exercise_sheet(*, programme_id: int, today: date) -> bytes:
    """The one-page exercise sheet of an issued programme."""
    raise NotImplementedError
