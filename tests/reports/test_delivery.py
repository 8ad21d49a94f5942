"""Progress reports: generated as versions by a durable job, stored through the storage API,
previewed (logged), emailed once with the PDF attached and a signed, expiring download link,
only with consent and an address; reception never sees them."""

from __future__ import annotations

import hashlib
from datetime import UTC, timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from clients.services import ConsentMissing
from core.exceptions import ConflictError
from core.models import JobStatus, OutboundEmail
from reports import selectors, services
from reports.models import AccessKind, Report, ReportAccess, ReportStatus
from tests.emails import deliver_queued_emails
from tests.reports.conftest import NOW, TODAY, pdf_text, report_client, signed_off_session, withdraw_report_consent

SITE = "https://clinic.example/"


def ready_report(session, therapist, now=NOW) -> Report:
    report = services.report_generate(session=session, by=therapist, now=now)
    assert services.report_render(report_id=report.pk, now=now, today=TODAY) is True
    report.refresh_from_db()
    return report


def preview(report, user, now=NOW):
    return services.report_preview(report_id=report.pk, user=user, now=now, ip="10.0.0.5", user_agent="test")


# Generation ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_report_is_rendered_by_its_job_and_stored_under_a_path_naming_nobody(media_root, session, therapist, runner):
    report = services.report_generate(session=session, by=therapist, now=NOW)
    assert (report.status, report.version, report.pdf.name) == (ReportStatus.QUEUED, 1, "")
    assert services.report_render(report_id=report.pk, now=NOW, today=TODAY) is True
    assert services.report_render(report_id=report.pk, now=NOW, today=TODAY) is False  # finished: never again
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.rendered_at == NOW
    data = default_storage.open(report.pdf.name).read()
    assert data.startswith(b"%PDF") and report.size_bytes == len(data)
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert "Paula Radcliffe" in pdf_text(data)
    # The stored path names neither the client nor the report id, and is not guessable.
    assert "paula" not in report.pdf.name.lower() and f"/{runner.pk}/" not in report.pdf.name
    assert len(report.pdf.name.split("/")[1]) == 32


@pytest.mark.django_db
def test_what_the_report_lacks_is_shown_before_sending(media_root, session, therapist, client):
    """No programme issued and no care plan: the report is made, and its page says what is missing."""
    report = services.report_generate(session=session, by=therapist, now=NOW)
    services.report_render(report_id=report.pk, now=NOW, today=TODAY)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert any("No programme has been issued" in w for w in report.warning_list)
    client.force_login(therapist)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Check before sending:" in page and "No programme has been issued" in page


@pytest.mark.django_db
def test_each_generation_is_a_new_version_and_one_at_a_time(media_root, session, therapist):
    first = services.report_generate(session=session, by=therapist, now=NOW)
    with pytest.raises(ConflictError, match="still being generated") as refused:
        services.report_generate(session=session, by=therapist, now=NOW)
    assert refused.value.extra["report_id"] == first.pk
    services.report_render(report_id=first.pk, now=NOW, today=TODAY)
    second = ready_report(session, therapist)
    assert (first.version, second.version) == (1, 2)
    assert Report.objects.filter(session=session).count() == 2


@pytest.mark.django_db
def test_no_report_before_the_session_is_signed_off(media_root, runner, therapist):
    open_session = signed_off_session(client=runner, therapist=therapist, sign_off=False)
    with pytest.raises(services.ReportNotReady, match="No signed-off findings yet"):
        services.report_generate(session=open_session, by=therapist, now=NOW)
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_renderers_problems_fail_the_report_visibly_without_a_file(media_root, runner, therapist):
    """A row for a session that is not signed off (e.g. sign-off was undone by an amendment later):
    the renderer says why it cannot make the report, and the report shows it."""
    open_session = signed_off_session(client=runner, therapist=therapist, sign_off=False)
    report = Report.objects.create(client=runner, session=open_session, version=1, created_by=therapist,
                                   created_at=NOW, run_after=NOW)  # fmt: skip
    assert services.report_render(report_id=report.pk, now=NOW, today=TODAY) is False
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.problem_list and not report.pdf
    assert report.attempts == 1  # not retried: the content is not there yet


# Sending ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_previewed_report_is_emailed_once_with_the_pdf_and_a_link(media_root, session, therapist, runner, mailoutbox):
    report = ready_report(session, therapist)
    with pytest.raises(services.ReportNotReady, match="Preview the report before sending"):
        services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)
    preview(report, therapist)
    delivery = services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)
    assert selectors.report_delivery_state(selectors.report_get(report_id=report.pk)).label == "Queued to send"
    with pytest.raises(services.ReportAlreadySent, match="already being sent"):
        services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)

    assert deliver_queued_emails(now=NOW) == 1
    [message] = mailoutbox
    assert message.to == ["paula@example.com"]
    [(filename, content, mimetype)] = message.attachments
    assert mimetype == "application/pdf" and filename.endswith("-v1.pdf")
    assert content == default_storage.open(report.pdf.name).read()
    text = message.body
    html = message.alternatives[0][0]
    assert "Stridewell Clinic" in text and "2 March 2026" in text
    link = next(line for line in text.splitlines() if line.startswith(SITE + "reports/download/"))
    assert link in html
    assert "1 April 2026" in text  # the link works for 30 days
    # The link was a secret: blanked from the outbox once sent.
    email = OutboundEmail.objects.get(pk=delivery.email_id)
    assert (email.status, email.text_body, email.html_body) == (JobStatus.DONE, "", "")

    state = selectors.report_delivery_state(selectors.report_get(report_id=report.pk))
    assert (state.code, state.label, state.to, state.may_send) == ("sent", "Sent", "paula@example.com", False)
    with pytest.raises(services.ReportAlreadySent, match="was sent to paula@example.com"):
        services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)
    assert deliver_queued_emails(now=NOW + timedelta(hours=1)) == 0 and len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_email_names_the_next_reassessment_from_the_care_plan(media_root, session, therapist, runner, mailoutbox):
    from careplans.models import CarePlan

    CarePlan.objects.create(client=runner, therapist=therapist, start_date=TODAY, reassessment_interval_weeks=6,
                            next_reassessment_due=TODAY + timedelta(weeks=6))  # fmt: skip
    report = ready_report(session, therapist)
    preview(report, therapist)
    services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)
    deliver_queued_emails(now=NOW)
    assert "Your next reassessment is due on Monday 13 April 2026." in mailoutbox[0].body


@pytest.mark.django_db
def test_no_email_without_consent_or_an_address(media_root, therapist, mailoutbox):
    no_consent = report_client(consents={})
    no_address = report_client(email="")
    withdrawn = report_client()
    withdraw_report_consent(withdrawn, therapist)
    for client, error in ((no_consent, ConsentMissing), (withdrawn, ConsentMissing),
                          (no_address, services.NoEmailAddress)):  # fmt: skip
        report = ready_report(signed_off_session(client=client, therapist=therapist), therapist)
        preview(report, therapist)
        with pytest.raises(error):
            services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)
    assert not OutboundEmail.objects.exists()
    assert deliver_queued_emails(now=NOW) == 0 and not mailoutbox


@pytest.mark.django_db
def test_a_send_that_failed_for_good_shows_why_and_may_be_tried_again(media_root, session, therapist, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nobody listens
    report = ready_report(session, therapist)
    preview(report, therapist)
    first = services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)
    moment = NOW
    for attempt in range(OutboundEmail.max_attempts):
        deliver_queued_emails(now=moment)
        state = selectors.report_delivery_state(selectors.report_get(report_id=report.pk))
        if attempt < OutboundEmail.max_attempts - 1:
            assert state.code == "retrying" and f"attempt {attempt + 1} failed" in state.label and not state.may_send
        moment += timedelta(minutes=2**attempt)
    assert state.code == "failed" and state.label.startswith("Failed: ConnectionRefusedError") and state.may_send
    second = services.report_send(report=report, by=therapist, now=moment, site_url=SITE)
    assert (first.attempt, second.attempt) == (1, 2) and second.email_id != first.email_id


# Links --------------------------------------------------------------------------------------
def _link(report) -> str:
    return reverse("reports:download", args=[selectors.report_download_token(report)])


@pytest.mark.django_db
def test_the_link_serves_that_clients_pdf_and_logs_every_download(media_root, session, therapist, client):
    report = ready_report(session, therapist)
    response = client.get(_link(report), REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Phone")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == default_storage.open(report.pdf.name).read()
    client.get(_link(report), REMOTE_ADDR="203.0.113.8")
    log = list(ReportAccess.objects.order_by("at", "id").values_list("kind", "ip", "user", "user_agent", "client"))
    assert log == [(AccessKind.LINK, "203.0.113.7", None, "Phone", report.client_id),
                   (AccessKind.LINK, "203.0.113.8", None, "", report.client_id)]  # fmt: skip


@pytest.mark.django_db
def test_an_expired_link_gets_a_clear_410_page(media_root, session, therapist, client, settings):
    settings.REPORT_LINK_DAYS = 30
    start = NOW.astimezone(UTC)  # elapsed time, not wall-clock days (30 days from March cross the DST change)
    with time_machine.travel(start, tick=False):
        report = ready_report(session, therapist)
        link = _link(report)
    with time_machine.travel(start + timedelta(days=29, hours=23), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(start + timedelta(days=30, minutes=1), tick=False):
        response = client.get(link)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode() and "ask the clinic" in response.content.decode()
    assert ReportAccess.objects.count() == 1


@pytest.mark.django_db
def test_a_tampered_link_gets_a_clear_403_page_and_never_another_clients_report(media_root, therapist, client):
    mine = ready_report(signed_off_session(client=report_client(), therapist=therapist), therapist)
    theirs = ready_report(signed_off_session(client=report_client(), therapist=therapist), therapist)
    token = selectors.report_download_token(mine)
    value, _, signature = token.partition(":")
    forged_value = selectors.report_download_token(theirs).partition(":")[0]  # their report, my signature
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), f"{forged_value}:{signature}",
                "nonsense", token + "x"):  # fmt: skip
        response = client.get(reverse("reports:download", args=[bad]))
        assert response.status_code == 403, bad
        assert "This link cannot be used" in response.content.decode()
    assert not ReportAccess.objects.exists()


@pytest.mark.django_db
def test_erasure_deletes_the_pdf_and_the_link_is_gone(media_root, session, therapist, client, clinic_admin, runner,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    from clients.services import client_erase

    report = ready_report(session, therapist)
    services.report_preview(report_id=report.pk, user=therapist, now=NOW, ip="10.0.0.5", user_agent="test")
    delivery = services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)
    link = _link(report)
    assert client.get(link, REMOTE_ADDR="203.0.113.7").status_code == 200
    name = report.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        client_erase(client=runner, erased_by=clinic_admin, now=NOW, confirmation="Paula Radcliffe")
    assert not default_storage.exists(name)
    delivery.refresh_from_db()
    assert delivery.to == ""
    assert set(ReportAccess.objects.values_list("ip", "user_agent")) == {(None, "")}
    response = client.get(link)
    assert response.status_code == 410 and "no longer available" in response.content.decode()


# Permissions, pages and API -------------------------------------------------------------------
@pytest.mark.django_db
def test_reception_and_staff_without_a_role_never_see_reports(media_root, session, therapist, receptionist,
                                                              no_role_user, clinic_admin, api_as, client):  # fmt: skip
    report = ready_report(session, therapist)
    pages = [reverse("reports:client", args=[session.client_id]), reverse("reports:detail", args=[report.pk]),
             reverse("reports:preview", args=[report.pk])]  # fmt: skip
    for user in (receptionist, no_role_user, clinic_admin):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(reverse("reports:generate", args=[session.pk])).status_code == 403
        assert client.post(reverse("reports:send", args=[report.pk])).status_code == 403
        api = api_as(user)
        assert api.get("/api/reports/", {"client": session.client_id}).status_code == 403
        assert api.post("/api/reports/", {"session": session.pk}, format="json").status_code == 403
        assert api.get(f"/api/reports/{report.pk}/").status_code == 403
        assert api.post(f"/api/reports/{report.pk}/send/").status_code == 403
    assert not ReportAccess.objects.exists() and Report.objects.count() == 1
    client.force_login(therapist)
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert ReportAccess.objects.get().user == therapist  # the preview was logged


@pytest.mark.django_db
def test_the_timeline_shows_reports_to_therapists_only(media_root, session, therapist, receptionist, runner):
    from clients.timeline import client_timeline

    report = ready_report(session, therapist)
    entries = client_timeline(client=runner, user=therapist, now=NOW + timedelta(hours=1)).past
    [entry] = [e for e in entries if e.kind == "report"]
    assert entry.status == "Not sent" and entry.url == reverse("reports:detail", args=[report.pk])
    assert not [e for e in client_timeline(client=runner, user=receptionist, now=NOW).past if e.kind == "report"]


@pytest.mark.django_db
def test_api_generate_status_and_send(media_root, session, therapist, api_as, runner):
    api = api_as(therapist)
    created = api.post("/api/reports/", {"session": session.pk}, format="json")
    assert created.status_code == 202 and created.data["status"] == "queued" and created.data["pdf_url"] is None
    report_id = created.data["id"]
    again = api.post("/api/reports/", {"session": session.pk}, format="json")
    assert again.status_code == 409 and again.data["report_id"] == report_id
    assert api.post("/api/reports/", {"session": 999999}, format="json").status_code == 404
    assert api.post("/api/reports/", {}, format="json").status_code == 400
    assert api.post(f"/api/reports/{report_id}/send/").data["code"] == "report_not_ready"

    assert services.report_render(report_id=report_id, now=timezone.now(), today=TODAY)
    detail = api.get(f"/api/reports/{report_id}/").data
    assert detail["status"] == "done" and detail["delivery"]["code"] == "not_sent" and detail["pdf_url"]
    api.force_login(therapist)  # the preview is a page view (session login)
    assert api.get(detail["pdf_url"]).status_code == 200  # the preview, logged
    sent = api.post(f"/api/reports/{report_id}/send/")
    assert sent.status_code == 202 and sent.data["to"] == "paula@example.com"
    assert api.post(f"/api/reports/{report_id}/send/").data["code"] == "report_already_sent"
    listed = api.get("/api/reports/", {"client": runner.pk})
    assert listed.data["count"] == 1 and listed.data["results"][0]["delivery"]["code"] == "queued"
    assert api.get("/api/reports/", {"client": "x"}).status_code == 400
    assert api.get("/api/reports/", {"client": 999999}).status_code == 404


@pytest.mark.django_db
def test_api_refuses_to_send_without_consent(media_root, therapist, api_as):
    runner = report_client(consents={})
    report = ready_report(signed_off_session(client=runner, therapist=therapist), therapist)
    preview(report, therapist)
    response = api_as(therapist).post(f"/api/reports/{report.pk}/send/")
    assert response.status_code == 409 and response.data["code"] == "consent_missing"


@pytest.mark.django_db
def test_staff_see_the_delivery_state_on_the_timeline_and_no_pdf_before_it_is_ready(
    media_root, session, therapist, runner, client, mailoutbox
):
    from clients.timeline import client_timeline

    queued = services.report_generate(session=session, by=therapist, now=NOW)
    client.force_login(therapist)
    response = client.get(reverse("reports:preview", args=[queued.pk]))
    assert response.status_code == 409 and "there is no PDF to show yet" in response.content.decode()
    services.report_render(report_id=queued.pk, now=NOW, today=TODAY)
    preview(queued, therapist)
    services.report_send(report=queued, by=therapist, now=NOW, site_url=SITE)
    deliver_queued_emails(now=NOW)
    [entry] = [e for e in client_timeline(client=runner, user=therapist, now=NOW + timedelta(hours=1)).past
               if e.kind == "report"]  # fmt: skip
    assert entry.status == "Sent"
    page = client.get(reverse("reports:detail", args=[queued.pk])).content.decode()
    assert 'id="delivery-status" data-code="sent">Sent<' in page and "paula@example.com" in page


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_generations_make_one_version(media_root, therapist, runner):
    """Two requests at once (two database connections): the session lock and the constraint let
    exactly one through; the other is a clear conflict."""
    import threading

    from django.db import connection

    session = signed_off_session(client=runner, therapist=therapist)
    barrier = threading.Barrier(2)
    outcomes = []

    def generate():
        try:
            barrier.wait()
            outcomes.append(services.report_generate(session=session, by=therapist, now=NOW).version)
        except ConflictError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == sorted(
        [1, "Version 1 of this report is still being generated; wait for it to finish."], key=str
    )
    assert Report.objects.filter(session=session).count() == 1


@pytest.mark.django_db
def test_a_render_whose_worker_died_is_reclaimed_and_finished_once(media_root, session, therapist):
    from core.jobs import job_claim, jobs_sweep

    report = services.report_generate(session=session, by=therapist, now=NOW)
    assert job_claim(Report, report.pk, now=NOW) is not None  # a worker took it and was killed
    assert services.report_render(report_id=report.pk, now=NOW, today=TODAY) is False  # still leased
    later = NOW + Report.lease + timedelta(seconds=1)
    assert jobs_sweep(now=later)["reclaimed"] == 1
    assert services.report_render(report_id=report.pk, now=later, today=TODAY) is True
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 2


@pytest.mark.django_db
def test_a_50_session_history_lists_in_a_constant_number_of_queries(
    media_root, therapist, runner, client, django_assert_max_num_queries
):
    for i in range(50):
        day = TODAY - timedelta(weeks=i)
        session = signed_off_session(client=runner, therapist=therapist, day=day)
        Report.objects.create(client=runner, session=session, version=1, created_by=therapist, created_at=NOW,
                              run_after=NOW, status=ReportStatus.FAILED, problems="Not yet.")  # fmt: skip
    client.force_login(therapist)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("reports:client", args=[runner.pk]))
    assert page.status_code == 200 and page.content.decode().count("Version 1") == 50
    with django_assert_max_num_queries(25):
        assert client.get(reverse("clients:detail", args=[runner.pk])).status_code == 200


@pytest.mark.django_db
def test_the_signed_off_session_page_generates_a_report(media_root, session, therapist, client):
    client.force_login(therapist)
    page = client.get(reverse("gait:session-detail", args=[session.pk])).content.decode()
    assert "Generate progress report" in page and reverse("reports:generate", args=[session.pk]) in page
    response = client.post(reverse("reports:generate", args=[session.pk]))
    report = Report.objects.get(session=session)
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    again = client.post(reverse("reports:generate", args=[session.pk]), follow=True)
    assert "still being generated" in again.content.decode()
    assert Report.objects.filter(session=session).count() == 1
