"""Reusable set-up for report tests: a client who consented to reports by email, with a
signed-off gait session (no videos needed: a session with nothing pending can be signed off).

`signed_off_session(...)` is a plain function so other tests (e.g. a prescribe flow) can chain it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clients.models import ConsentPurpose
from clients.services import consent_record
from gait import services as gait_services
from tests.factories import ClientFactory

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 3, 2)
REPORT_CONSENTS = {ConsentPurpose.TREATMENT: True, ConsentPurpose.VIDEO: True, ConsentPurpose.EMAIL_REPORTS: True}


def report_client(**fields):
    """A client who consented to treatment, video and reports by email (override with consents=)."""
    fields.setdefault("consents", REPORT_CONSENTS)
    return ClientFactory(**fields)


def signed_off_session(*, client, therapist, now=NOW, day=TODAY, sign_off=True):
    """A gait session with one accepted therapist finding, signed off unless sign_off=False."""
    session = gait_services.session_create(
        client=client, therapist=therapist, created_by=therapist, date=day, treadmill_speed_kmh=11,
        footwear="SHOES", pain_today=2, notes="Left knee pain.",
    )  # fmt: skip
    # A reviewed finding, so a renderer that needs signed-off findings has one.
    gait_services.finding_add(session=session, code="overstride", side="", severity="mild", by=therapist, now=now,
                              summary="The foot lands a little ahead of the body.")  # fmt: skip
    if sign_off:
        session = gait_services.session_sign_off(session=session, by=therapist, now=now)
    return session


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)


def withdraw_report_consent(client, by):
    # After the intake grant (recorded when the client row was made, i.e. now).
    consent_record(
        client=client,
        purpose=ConsentPurpose.EMAIL_REPORTS,
        granted=False,
        recorded_by=by,
        now=timezone.now() + timedelta(seconds=1),
    )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def runner(db):
    return report_client(first_name="Paula", last_name="Radcliffe", email="paula@example.com")


@pytest.fixture
def session(runner, therapist):
    return signed_off_session(client=runner, therapist=therapist)
