"""In a real browser, with a real Celery worker: a therapist generates a report for a signed-off
session, waits for it (the page follows the job), previews the PDF, sends it, and sees "Sent"."""

from __future__ import annotations

import re

import pytest

from reports.models import AccessKind, Report, ReportAccess
from tests.reports.conftest import report_client, signed_off_session

JOB_TIMEOUT_MS = 90_000  # the worker renders with WeasyPrint on a loaded 2-core machine


def generate_preview_and_send(page, live_server, *, client, session_date: str) -> None:
    """From the client's page (logged in as a therapist): generate, wait, preview, send, see "Sent".
    Reusable after other flows (e.g. a prescribe flow) that end with a signed-off session; the test
    needs the `celery_worker_process` fixture (the worker renders and sends)."""
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="Progress reports").click()
    page.get_by_role("button", name=f"Generate report for the session of {session_date}").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    page.locator("#report-status", has_text="Ready").wait_for(timeout=JOB_TIMEOUT_MS)

    with (
        page.context.expect_event("response", lambda r: r.url.endswith("/pdf/")) as pdf_response,
        page.context.expect_page() as preview_tab,
    ):
        page.get_by_role("link", name=re.compile("Preview the PDF")).click()
    response = pdf_response.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    preview_tab.value.close()

    page.reload()
    page.get_by_role("button", name=f"Send to {client.first_name}").click()
    page.get_by_text(f"The report is on its way to {client.email}.").wait_for()
    page.locator("#delivery-status", has_text="Sent").wait_for(timeout=JOB_TIMEOUT_MS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_therapist_generates_previews_and_sends_a_report(page, login, live_server, therapist, celery_worker_process):
    runner = report_client(first_name="Paula", last_name="Radcliffe", email="paula@example.com")
    signed_off_session(client=runner, therapist=therapist)
    login(therapist)
    generate_preview_and_send(page, live_server, client=runner, session_date="2 Mar 2026")

    report = Report.objects.get(client=runner)
    assert report.version == 1 and report.is_ready
    assert ReportAccess.objects.filter(report=report, kind=AccessKind.PREVIEW, user=therapist).exists()
    assert report.deliveries.get().email.status == "done"
    # The client's page shows the report and its delivery on the timeline.
    page.goto(f"/clients/{runner.pk}/")
    page.get_by_text("Progress report v1").wait_for()
    # A changed link gets a page that says so (checked with axe like every page).
    page.context.clear_cookies()
    response = page.goto("/reports/download/not-a-real-link/")
    assert response.status == 403
    page.get_by_role("heading", name="This link cannot be used").wait_for()
