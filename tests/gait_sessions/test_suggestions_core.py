"""Suggestions are stored per session, follow the reviewed findings and tests, keep the
therapist's decision, and lock with the session at sign-off."""

from datetime import timedelta

import pytest

from gait import selectors, services
from gait.models import ClinicalSuggestion, Finding, SuggestionStatus
from tests.gait_sessions.conftest import NOW


def _engine_finding(session, code, side, value=10.0):
    return Finding.objects.create(session=session, source="THERAPIST", code=code, side=side, value=value,
                                  severity="moderate", review="ACCEPTED")


def test_triad_suggests_weak_gluteus_medius_and_follows_review(gait_session, therapist):
    _engine_finding(gait_session, "knee_valgus", "left")
    drop = _engine_finding(gait_session, "pelvic_drop", "right")
    _engine_finding(gait_session, "foot_turn_out", "left")
    rows = services.suggestions_refresh(session_id=gait_session.pk)
    assert [(r.code, r.side) for r in rows if r.current] == [("weak_gluteus_medius", "left")]

    services.clinical_test_record(session=gait_session, kind="HIP_ABDUCTION_STRENGTH", side="LEFT",
                                  strength_grade=4, by=therapist, now=NOW)
    row = ClinicalSuggestion.objects.get(session=gait_session, code="weak_gluteus_medius")
    assert any(e["effect"] == "raises" for e in row.evidence)

    services.suggestion_decide(suggestion=row, decision="confirm", by=therapist, now=NOW)
    assert [s.pk for s in selectors.confirmed_suggestions(session=gait_session)] == [row.pk]

    services.finding_review(finding=drop, action="reject", by=therapist, now=NOW)
    row.refresh_from_db()
    assert row.status == SuggestionStatus.CONFIRMED and not row.current  # decision kept, marked not current


def test_decisions_lock_at_sign_off(gait_session, therapist):
    _engine_finding(gait_session, "trunk_lean", "")
    row = services.suggestions_refresh(session_id=gait_session.pk)[0]
    services.suggestion_decide(suggestion=row, decision="dismiss", by=therapist, now=NOW, note="Hip flexor tightness.")
    row.refresh_from_db()
    assert (row.status, row.decided_by, row.decided_at) == (SuggestionStatus.DISMISSED, therapist, NOW)
    services.session_sign_off(session=gait_session, by=therapist, now=NOW)
    gait_session.refresh_from_db()
    assert gait_session.signed_off_record["suggestions"][0]["status"] == "DISMISSED"
    with pytest.raises(services.SessionSignedOff):
        services.suggestion_decide(suggestion=row, decision="confirm", by=therapist, now=NOW + timedelta(hours=1))
