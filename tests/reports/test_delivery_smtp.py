"""The report email reaches a real SMTP server (aiosmtpd, started by the test) with the PDF
attached: retried with back-off while the server is down, delivered exactly once when it is up;
a server refusing the recipient shows as a failed attempt with its reason."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core.files.storage import default_storage

from core.jobs import jobs_sweep
from core.models import OutboundEmail
from reports import selectors, services
from reports.models import Report
from tests.emails import deliver_queued_emails
from tests.processes import SmtpSink, free_port
from tests.reports.conftest import NOW, TODAY, pdf_text

SITE = "https://clinic.example/"


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    settings.EMAIL_USE_TLS = False
    return settings


def _sent_report(session, therapist):
    report = services.report_generate(session=session, by=therapist, now=NOW)
    assert services.report_render(report_id=report.pk, now=NOW, today=TODAY)
    services.report_preview(report_id=report.pk, user=therapist, now=NOW, ip="10.0.0.5", user_agent="test")
    report.refresh_from_db()
    return report, services.report_send(report=report, by=therapist, now=NOW, site_url=SITE)


def _state(report):
    return selectors.report_delivery_state(selectors.report_get(report_id=report.pk))


@pytest.mark.django_db
def test_mail_server_down_at_first_then_the_report_arrives_exactly_once(media_root, session, therapist, smtp_settings):
    report, delivery = _sent_report(session, therapist)

    # Nobody listens on the port yet: the attempt fails and is queued again with back-off.
    assert deliver_queued_emails(now=NOW) == 0
    state = _state(report)
    assert state.code == "retrying" and "attempt 1 failed (ConnectionRefusedError" in state.label

    sink = SmtpSink(port=smtp_settings.EMAIL_PORT)
    try:
        assert deliver_queued_emails(now=NOW + timedelta(seconds=30)) == 0  # not due yet
        assert deliver_queued_emails(now=NOW + timedelta(minutes=1)) == 1
        # Later sweeps and deliveries never send it again.
        jobs_sweep(now=NOW + timedelta(minutes=10))
        assert deliver_queued_emails(now=NOW + timedelta(minutes=10)) == 0
    finally:
        sink.stop()

    email = OutboundEmail.objects.get(pk=delivery.email_id)
    assert dict(sink.received) == {email.message_id: 1}
    [raw] = sink.messages
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "paula@example.com"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    data = attachment.get_content()
    assert data == default_storage.open(report.pdf.name).read() and "Paula Radcliffe" in pdf_text(data)
    text = message.get_body(("plain",)).get_content()
    assert SITE + "reports/download/" in text and "Stridewell Clinic" in text
    assert message.get_body(("html",)) is not None
    state = _state(report)
    assert (state.code, state.label, email.attempts) == ("sent", "Sent", 2)


@pytest.mark.django_db
def test_a_server_refusing_the_recipient_is_a_failed_attempt_with_its_reason(
    media_root, session, therapist, smtp_settings
):
    from aiosmtpd.controller import Controller

    class Refuse:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
            return "550 5.1.1 No such mailbox"

    controller = Controller(Refuse(), hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        report, _ = _sent_report(session, therapist)
        assert deliver_queued_emails(now=NOW) == 0
    finally:
        controller.stop()
    state = _state(report)
    assert state.code == "retrying" and "SMTPRecipientsRefused" in state.label and "No such mailbox" in state.label


def _wait(condition, limit: float, what: str) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def routed_to(settings):
    """Send the report and email tasks this test publishes to a queue of its own (its worker's)."""
    from clinic.celery import app

    queue = f"reports-{os.getpid()}"
    routes = app.conf.task_routes
    app.conf.task_routes = {name: {"queue": queue} for name in ("reports.tasks.render_report", "core.tasks.send_email")}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)  # a cached property built from the old routes
    yield queue
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_through_a_real_worker_the_report_is_rendered_and_its_email_retried_until_the_server_is_up(
    settings, tmp_path, therapist, routed_to
):
    from django.utils import timezone

    from reports.models import ReportStatus
    from tests.processes import Worker, project_env
    from tests.reports.conftest import report_client, signed_off_session

    settings.MEDIA_ROOT = tmp_path / "media"
    port = free_port()
    env = project_env(CELERY_DEFAULT_QUEUE=routed_to, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                      EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), EMAIL_TIMEOUT="5")  # fmt: skip
    worker = Worker(env, "reports", tmp_path / "worker.log")
    runner = report_client(first_name="Paula", last_name="Radcliffe", email="paula@example.com")
    session = signed_off_session(client=runner, therapist=therapist, now=timezone.now())
    sink = None
    try:
        worker.start()
        report = services.report_generate(session=session, by=therapist, now=timezone.now())
        _wait(lambda: Report.objects.get(pk=report.pk).status == ReportStatus.READY, 120, "the report to render")
        report.refresh_from_db()
        services.report_preview(report_id=report.pk, user=therapist, now=timezone.now(), ip=None, user_agent="")
        delivery = services.report_send(report=report, by=therapist, now=timezone.now(), site_url=SITE)
        email = OutboundEmail.objects.get(pk=delivery.email_id)
        _wait(lambda: OutboundEmail.objects.get(pk=email.pk).attempts == 1
              and OutboundEmail.objects.get(pk=email.pk).status == "queued", 60, "the first attempt to fail")  # fmt: skip
        assert _state(report).code == "retrying"

        sink = SmtpSink(port=port)
        email.refresh_from_db()
        # The back-off: the retry is due a minute after the failure; beat's sweep then nudges it.
        _wait(lambda: timezone.now() > email.run_after, 90, "the retry to fall due")
        jobs_sweep(now=timezone.now())
        _wait(lambda: OutboundEmail.objects.get(pk=email.pk).status == "done", 60, "the email to be sent")
        jobs_sweep(now=timezone.now() + timedelta(minutes=10))  # nothing left to send
        time.sleep(2)
    finally:
        worker.stop()
        if sink:
            sink.stop()
    assert dict(sink.received) == {email.message_id: 1}
    [attachment] = list(message_from_bytes(sink.messages[0], policy=policy.default).iter_attachments())
    assert attachment.get_content() == default_storage.open(report.pdf.name).read()
    assert _state(report).code == "sent"
