"""Outgoing email rows: written with the change that causes them, rendered from templates, sent
once per claim, and forgotten when the recipient is erased."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from clients.services import client_erase
from core.models import JobStatus, OutboundEmail
from core.services import email_queue
from tests.emails import deliver_queued_emails
from tests.factories import ClientFactory

NOW = timezone.make_aware(timezone.datetime(2026, 11, 2, 8))


def queue_for(address: str) -> OutboundEmail:
    return email_queue(to=address, template="reminder", purpose="reminder", now=NOW,
                       context={"first_name": "Ada", "appointment_type": "treatment", "therapist": "Theo Hart",
                                "when": "Tue 3 Nov 2026 10:00"})


@pytest.mark.django_db
def test_an_email_rolled_back_with_its_cause_is_never_sent(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_for("ada@example.com")
        raise RuntimeError("the booking failed")
    assert not OutboundEmail.objects.exists()
    assert deliver_queued_emails(now=NOW) == 0 and not mailoutbox


@pytest.mark.django_db
def test_text_and_html_bodies_come_from_templates_with_the_configured_sender(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Stridewell Clinic <clinic@clinic.example>"
    email = queue_for("ada@example.com")
    assert email.message_id.endswith("@clinic.example>")  # Message-ID on the sender's domain
    assert email.subject == "Reminder: your appointment on Tue 3 Nov 2026 10:00"
    assert "please contact the clinic as soon as possible" in email.text_body  # no reply-to, no phone
    assert "reply" not in email.text_body and "&" not in email.text_body
    assert email.html_body.startswith("<!doctype html>") and "<strong>Tue 3 Nov 2026 10:00</strong>" in email.html_body
    deliver_queued_emails(now=NOW)
    assert mailoutbox[0].from_email == "Stridewell Clinic <clinic@clinic.example>"


@pytest.mark.django_db
def test_erasing_a_client_blanks_their_emails_and_cancels_unsent_ones(mailoutbox, clinic_admin):
    ada = ClientFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    sent = queue_for("ada@example.com")
    deliver_queued_emails(now=NOW)
    unsent = queue_for("ADA@example.com")
    other = queue_for("grace@example.com")
    client_erase(client=ada, erased_by=clinic_admin, now=NOW + timedelta(hours=1), confirmation="Ada Lovelace")
    sent.refresh_from_db()
    unsent.refresh_from_db()
    other.refresh_from_db()
    assert (sent.status, sent.to, sent.text_body, sent.html_body) == (JobStatus.DONE, "", "", "")
    assert unsent.status == JobStatus.FAILED and "erased" in unsent.last_error and unsent.to == ""
    assert other.to == "grace@example.com" and other.text_body
    assert deliver_queued_emails(now=NOW + timedelta(hours=2)) == 1  # only Grace's
    assert [m.to for m in mailoutbox] == [["ada@example.com"], ["grace@example.com"]]
