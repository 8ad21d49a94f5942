"""The report email reaches a real SMTP server (aiosmtpd, started by the test) with the PDF
attached: retried with back-off while the server is down, delivered exactly once when it is up;
a server refusing the recipient shows as a failed attempt with its reason."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core.files.storage import default_storage

from core.jobs import jobs_sweep
from core.models import OutboundEmail
from reports import selectors, services
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
