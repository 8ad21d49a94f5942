"""Issue 12 end to end, in a real browser with a real Celery worker: a therapist prescribes from a
session's confirmed suggestions, edits a dosage and issues the programme, signs the session off,
generates the progress report, previews it and sends it; the client's email holds the PDF with
the programme in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans.models import CarePlan
from gait import services as gait_services
from reports.models import Report
from tests.factories import TherapistFactory
from tests.gait_sessions.conftest import NOW
from tests.prescribing import assessed_session, issue_in_browser, prescribe_in_browser, seed_library
from tests.reports.conftest import pdf_text, report_client
from tests.reports.test_delivery_browser import generate_preview_and_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prescribe_from_suggestions_then_preview_and_send_the_report(
    page, login, live_server, tmp_path, celery_worker_process
):
    seed_library()
    therapist = TherapistFactory(first_name="Tess", last_name="Runner")
    runner = report_client(first_name="Cal", last_name="Stride", email="cal@example.com")
    due = timezone.localdate() + timedelta(weeks=6)
    CarePlan.objects.create(client=runner, therapist=therapist, start_date=NOW.date(),
                            reassessment_interval_weeks=6, next_reassessment_due=due)
    session = assessed_session(client=runner, therapist=therapist, now=NOW, folder=tmp_path, cadence=160)

    login(therapist)
    prescribe_in_browser(page, session)
    issue_in_browser(page, exercise="Side-lying hip abduction", sets="4", load="light band")
    gait_services.session_sign_off(session=session, by=therapist, now=NOW + timedelta(hours=1))

    generate_preview_and_send(page, live_server, client=runner, session_date=f"{NOW:%-d %b %Y}")

    report = Report.objects.get(client=runner)
    text = pdf_text(report.pdf.read())
    assert "Cal Stride" in text
    assert "Side-lying hip abduction" in text
    assert "light band" in text  # the dosage as the therapist edited it (4 sets)
    issued = report.client.programmes.exclude(issued_at=None).latest("id")
    abduction = issued.exercises.get(name__startswith="Side-lying hip abduction")
    assert abduction.sets == 4 and abduction.dosage.split(",")[0] in " ".join(text.split())
    assert f"{due:%-d %B %Y}" in text or f"{due:%-d %b %Y}" in text
