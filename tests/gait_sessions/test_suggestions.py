"""Clinical reasoning suggestions on synthetic sessions, through the Django services, the API and
the session page: which patterns give which suggestion, how the standing tests move it, the
therapist's decision (who, when, locked at sign-off), who may see and decide; and the runner's
personalised targets with their priorities."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gait import selectors, services
from gait.models import AccessKind, ClinicalSuggestion, GaitAccess, SuggestionStatus, TrialKind
from tests.gait_sessions.conftest import NOW, make_clip
from tests.gait_sessions.scenarios import analysed_video

pytestmark = pytest.mark.django_db

TRIAD_LEFT = [("knee_valgus", "left"), ("pelvic_drop", "right"), ("foot_turn_out", "left")]
TRIAD_RIGHT = [("knee_valgus", "right"), ("pelvic_drop", "left"), ("foot_turn_out", "right")]


def add_findings(session, therapist, findings, severity="moderate"):
    """The therapist records the findings (as they would from the video): each refreshes the suggestions."""
    return [
        services.finding_add(
            session=session, code=code, side=side, severity=severity, summary="", by=therapist, now=NOW
        )
        for code, side in findings
    ]


def record_test(session, therapist, kind, side, **values):
    return services.clinical_test_record(session=session, kind=kind, side=side, by=therapist, now=NOW, **values)


def current(session):
    return [(s.code, s.side, s.strength) for s in selectors.session_suggestions(session=session) if s.current]


# ---- the rules, on sessions ----------------------------------------------------------------


def test_textbook_triad_suggests_a_weak_left_gluteus_medius_and_not_its_parts(gait_session, therapist):
    add_findings(gait_session, therapist, TRIAD_LEFT)
    assert current(gait_session) == [("weak_gluteus_medius", "left", "likely")]
    row = gait_session.suggestions.get()
    assert [(e["code"], e["side"], e["effect"]) for e in row.evidence] == [
        ("knee_valgus", "left", "pattern"),
        ("pelvic_drop", "right", "pattern"),
        ("foot_turn_out", "left", "pattern"),
    ]
    assert any("Souza 2016" in s for s in row.sources) and row.title == "Weak gluteus medius on the left leg"


def test_mirror_triad_suggests_a_weak_right_gluteus_medius(gait_session, therapist):
    add_findings(gait_session, therapist, TRIAD_RIGHT)
    assert current(gait_session) == [("weak_gluteus_medius", "right", "likely")]


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([("pelvic_drop", "right")], [("hip_abductor_weakness", "left", "possible")]),  # stance leg = the other side
        ([("pelvic_drop", "left")], [("hip_abductor_weakness", "right", "possible")]),
        ([("overstride", "left"), ("heel_strike", "right")], [("low_cadence", "", "likely")]),
        ([("trunk_lean", "")], [("trunk_hip_extensor_control", "", "possible")]),
        ([("arm_crossover", "right")], [("arm_drive_cue", "right", "possible")]),
        # a part alone names no cause
        ([("knee_valgus", "left")], []),
        ([("foot_turn_out", "left")], []),
        ([("overstride", "")], []),
        ([("heel_strike", "")], []),
        # the triad needs the drop on the OTHER side: same-side drop is the right leg's abductors
        (
            [("knee_valgus", "left"), ("pelvic_drop", "left"), ("foot_turn_out", "left")],
            [("hip_abductor_weakness", "right", "possible")],
        ),
    ],
)
def test_each_single_pattern(gait_session, therapist, findings, expected):
    add_findings(gait_session, therapist, findings)
    assert current(gait_session) == expected


def test_a_clean_runner_gets_no_suggestion(media_root, trial, therapist, tmp_path):
    """A synthetic runner without deviations, analysed for real (landmarks synthetic, no MediaPipe)."""
    video = analysed_video(trial, therapist, make_clip(tmp_path / "clean.mp4", seed=5))
    session = video.trial.session
    assert video.report["metrics"] and not session.findings.exists()
    assert services.suggestions_refresh(session_id=session.pk) == [] and not session.suggestions.exists()
    assert selectors.session_targets(session=session)["priorities"] == []


def test_rejecting_the_engines_findings_leaves_no_suggestion(therapist, analysed):
    session = analysed.trial.session
    add_findings(session, therapist, [("heel_strike", "")])
    assert current(session) == [("low_cadence", "", "likely")]  # the engine's overstride + the heel strike
    for finding in session.findings.filter(source="ENGINE"):
        services.finding_review(finding=finding, action="reject", by=therapist, now=NOW)
    assert current(session) == [] and not session.suggestions.exists()


def test_rejecting_a_part_of_the_triad_falls_back_to_what_remains(gait_session, therapist):
    knee, drop, foot = add_findings(gait_session, therapist, TRIAD_LEFT)
    services.finding_review(finding=knee, action="reject", by=therapist, now=NOW)
    assert current(gait_session) == [("hip_abductor_weakness", "left", "possible")]
    services.finding_review(finding=drop, action="edit", side="left", by=therapist, now=NOW)  # therapist's side counts
    assert current(gait_session) == [("hip_abductor_weakness", "right", "possible")]


@pytest.mark.parametrize(
    ("tests", "strength", "effects"),
    [
        ([("HIP_ABDUCTION_STRENGTH", "LEFT", {"strength_grade": 4})], "strong", ["raises"]),
        ([("HIP_ABDUCTION_STRENGTH", "LEFT", {"strength_grade": 5})], "possible", ["lowers"]),
        ([("TRENDELENBURG", "LEFT", {"trendelenburg_positive": True})], "strong", ["raises"]),
        ([("TRENDELENBURG", "LEFT", {"trendelenburg_positive": False})], "possible", ["lowers"]),
        ([("SINGLE_LEG_SQUAT", "LEFT", {"squat_quality": "POOR"})], "strong", ["raises"]),
        ([("SINGLE_LEG_SQUAT", "LEFT", {"squat_quality": "GOOD"})], "likely", ["context"]),
        ([("SINGLE_LEG_BALANCE", "LEFT", {"balance_seconds": 12})], "likely", ["context"]),
        # normal strength and a negative Trendelenburg: two steps down, to "unlikely"
        (
            [
                ("HIP_ABDUCTION_STRENGTH", "LEFT", {"strength_grade": 5}),
                ("TRENDELENBURG", "LEFT", {"trendelenburg_positive": False}),
            ],
            "unlikely",
            ["lowers", "lowers"],
        ),
        # the other leg's tests do not move the left leg's suggestion
        (
            [
                ("HIP_ABDUCTION_STRENGTH", "RIGHT", {"strength_grade": 3}),
                ("TRENDELENBURG", "RIGHT", {"trendelenburg_positive": True}),
            ],
            "likely",
            [],
        ),
    ],
)
def test_standing_tests_raise_or_lower_the_triad(gait_session, therapist, tests, strength, effects):
    add_findings(gait_session, therapist, TRIAD_LEFT)
    for kind, side, values in tests:
        record_test(gait_session, therapist, kind, side, **values)
    row = gait_session.suggestions.get(code="weak_gluteus_medius", side="left")
    assert row.strength == strength
    assert [e["effect"] for e in row.evidence if e["kind"] == "clinical_test"] == effects


def test_strength_is_capped_and_a_corrected_test_moves_it_back(gait_session, therapist):
    add_findings(gait_session, therapist, TRIAD_LEFT)
    record_test(gait_session, therapist, "HIP_ABDUCTION_STRENGTH", "LEFT", strength_grade=4)
    record_test(gait_session, therapist, "TRENDELENBURG", "LEFT", trendelenburg_positive=True)
    row = gait_session.suggestions.get()
    assert (row.strength, row.score) == ("strong", 3)  # 2 + 1 + 1, capped at 3
    assert "Hip abduction grade raises it; trendelenburg raises it." in row.rationale
    record_test(gait_session, therapist, "HIP_ABDUCTION_STRENGTH", "LEFT", strength_grade=5)  # corrected
    record_test(gait_session, therapist, "TRENDELENBURG", "LEFT", trendelenburg_positive=False)
    row.refresh_from_db()
    assert (row.strength, row.score) == ("unlikely", 0)


def test_pelvic_drop_alone_is_moved_by_the_stance_legs_tests(gait_session, therapist):
    add_findings(gait_session, therapist, [("pelvic_drop", "right")])  # left stance
    record_test(gait_session, therapist, "TRENDELENBURG", "LEFT", trendelenburg_positive=True)
    assert current(gait_session) == [("hip_abductor_weakness", "left", "likely")]


def test_a_cued_runs_findings_do_not_make_suggestions(therapist, analysed):
    session = analysed.trial.session
    services.finding_review(finding=session.findings.get(), action="accept", by=therapist, now=NOW)
    add_findings(session, therapist, [("heel_strike", "")])
    assert current(session) == [("low_cadence", "", "likely")]  # the engine's overstride + heel strike
    analysed.trial.kind = TrialKind.WITH_CUES
    analysed.trial.save()
    services.suggestions_refresh(session_id=session.pk)
    assert current(session) == []


def test_cadence_below_the_runners_band_raises_low_cadence(therapist, analysed):
    session = analysed.trial.session  # the synthetic runner: about 170 steps/min at 11 km/h
    add_findings(session, therapist, [("heel_strike", "")])
    row = session.suggestions.get(code="low_cadence")
    assert row.strength == "likely" and [e["effect"] for e in row.evidence if e["kind"] == "metric"] == ["context"]
    # At 16 km/h the band moves up past 170: the measured cadence is now below it.
    services.session_update(session=session, data={"treadmill_speed_kmh": 16, "height_cm": 170}, by=therapist, now=NOW)
    row.refresh_from_db()
    assert row.strength == "strong"
    assert [e["effect"] for e in row.evidence if e["kind"] == "metric"] == ["raises"]
    assert "From 170 steps/min: try 179-187 (a metronome helps). Cadence raises it." in row.rationale  # +5-10 %


# ---- deciding --------------------------------------------------------------------------------


def test_confirm_and_dismiss_through_the_api_record_author_time_and_note(api_as, therapist, gait_session):
    add_findings(gait_session, therapist, [*TRIAD_LEFT, ("trunk_lean", "")])
    glute = gait_session.suggestions.get(code="weak_gluteus_medius")
    lean = gait_session.suggestions.get(code="trunk_hip_extensor_control")
    api = api_as(therapist)
    base = f"/api/gait-sessions/{gait_session.pk}/suggestions/"
    listed = api.get(base)
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 2 and [r["code"] for r in body["results"]] == [
        "weak_gluteus_medius",
        "trunk_hip_extensor_control",
    ]
    first = body["results"][0]
    assert first["status"] == "SUGGESTED" and first["decided_by"] is None and first["current"] is True
    assert first["strength"] == "likely" and len(first["evidence"]) == 3 and first["sources"]
    assert GaitAccess.objects.filter(user=therapist, kind=AccessKind.FINDINGS, what__contains="suggestions").exists()

    confirmed = api.post(f"{base}{glute.pk}/confirm/", {"note": "Fits the lateral hip pain."}, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    out = confirmed.json()
    assert out["status"] == "CONFIRMED" and out["decided_by"] == therapist.pk
    assert out["decided_by_name"] == therapist.display_name and out["note"] == "Fits the lateral hip pain."
    glute.refresh_from_db()
    assert glute.decided_by == therapist and glute.decided_at is not None
    dismissed = api.post(f"{base}{lean.pk}/dismiss/", {}, format="json")
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "DISMISSED"
    assert list(selectors.confirmed_suggestions(session=gait_session)) == [glute]

    # Locked at sign-off: 409 with the reason, nothing changed.
    services.session_sign_off(session=gait_session, by=therapist, now=NOW + timedelta(hours=1))
    locked = api.post(f"{base}{lean.pk}/confirm/", {}, format="json")
    assert locked.status_code == 409 and locked.json()["code"] == "session_signed_off"
    lean.refresh_from_db()
    assert lean.status == SuggestionStatus.DISMISSED
    # ... and a later finding does not recompute them.
    services.finding_add(
        session=gait_session,
        code="arm_crossover",
        side="left",
        severity="mild",
        summary="",
        by=therapist,
        now=NOW + timedelta(hours=2),
        reason="Seen on review of the video.",
    )
    assert not gait_session.suggestions.filter(code="arm_drive_cue").exists()


def test_a_decision_survives_a_refresh_and_can_be_changed_while_open(gait_session, therapist):
    add_findings(gait_session, therapist, TRIAD_LEFT)
    row = gait_session.suggestions.get()
    services.suggestion_decide(suggestion=row, decision="dismiss", by=therapist, now=NOW, note="Pain is medial.")
    record_test(gait_session, therapist, "HIP_ABDUCTION_STRENGTH", "LEFT", strength_grade=4)  # refreshes
    row.refresh_from_db()
    assert (row.status, row.strength, row.note) == (SuggestionStatus.DISMISSED, "strong", "Pain is medial.")
    later = NOW + timedelta(minutes=5)
    services.suggestion_decide(suggestion=row, decision="confirm", by=therapist, now=later)
    row.refresh_from_db()
    assert (row.status, row.decided_at) == (SuggestionStatus.CONFIRMED, later)


def test_unknown_ids_and_bad_decisions(api_as, therapist, gait_session, consenting_client):
    add_findings(gait_session, therapist, [("trunk_lean", "")])
    row = gait_session.suggestions.get()
    other = services.session_create(
        client=consenting_client, therapist=therapist, created_by=therapist, date=gait_session.date
    )
    api = api_as(therapist)
    assert api.get("/api/gait-sessions/999999/suggestions/").status_code == 404
    assert api.post(f"/api/gait-sessions/{gait_session.pk}/suggestions/999999/confirm/", {}).status_code == 404
    # a suggestion is only reached through its own session
    assert api.post(f"/api/gait-sessions/{other.pk}/suggestions/{row.pk}/confirm/", {}).status_code == 404
    assert api.get(f"/api/gait-sessions/{gait_session.pk}/suggestions/?page=5").status_code == 400
    with pytest.raises(Exception, match="decision"):
        services.suggestion_decide(suggestion=row, decision="maybe", by=therapist, now=NOW)


@pytest.mark.parametrize("role", ["receptionist", "clinic_admin"])
def test_reception_and_admin_may_neither_see_nor_decide(api_as, client, request, role, therapist, gait_session):
    add_findings(gait_session, therapist, TRIAD_LEFT)
    row = gait_session.suggestions.get()
    user = request.getfixturevalue(role)
    api = api_as(user)
    base = f"/api/gait-sessions/{gait_session.pk}"
    assert api.get(f"{base}/suggestions/").status_code == 403
    assert api.get(f"{base}/targets/").status_code == 403
    for decision in ("confirm", "dismiss"):
        assert api.post(f"{base}/suggestions/{row.pk}/{decision}/", {}, format="json").status_code == 403
    client.force_login(user)
    assert client.get(f"/gait/sessions/{gait_session.pk}/").status_code == 403
    response = client.post(f"/gait/sessions/{gait_session.pk}/suggestions/{row.pk}/decide/", {"decision": "confirm"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == SuggestionStatus.SUGGESTED and row.decided_by is None


def test_anonymous_gets_nothing(api_client, client, therapist, gait_session):
    add_findings(gait_session, therapist, TRIAD_LEFT)
    row = gait_session.suggestions.get()
    assert api_client.get(f"/api/gait-sessions/{gait_session.pk}/suggestions/").status_code in (401, 403)
    response = client.post(f"/gait/sessions/{gait_session.pk}/suggestions/{row.pk}/decide/", {"decision": "confirm"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---- the page ------------------------------------------------------------------------------


def test_page_lists_suggestions_with_evidence_and_decides_without_javascript(client, therapist, gait_session):
    add_findings(gait_session, therapist, [*TRIAD_LEFT, ("arm_crossover", "right")])
    record_test(gait_session, therapist, "HIP_ABDUCTION_STRENGTH", "LEFT", strength_grade=4)
    client.force_login(therapist)
    url = f"/gait/sessions/{gait_session.pk}/"
    page = client.get(url).content.decode()
    assert "Clinical reasoning" in page and "not a diagnosis" in page
    glute = gait_session.suggestions.get(code="weak_gluteus_medius")
    arm = gait_session.suggestions.get(code="arm_drive_cue")
    assert page.index(f'id="suggestion-{glute.pk}"') < page.index(f'id="suggestion-{arm.pk}"')  # strongest first
    section = page[page.index('id="suggestions"') : page.index('id="targets"')]
    assert "Knee valgus" in section and "part of the pattern" in section and "raises it" in section
    assert "Hip abduction grade" in section and "Souza 2016" in section

    response = client.post(
        f"/gait/sessions/{gait_session.pk}/suggestions/{glute.pk}/decide/",
        {"decision": "confirm", "note": "Matches the hip pain."},
        follow=True,
    )
    page = response.content.decode()
    assert "Suggestion confirmed." in page
    assert f"Confirmed by {therapist.display_name} on" in page and "Matches the hip pain." in page
    glute.refresh_from_db()
    assert glute.status == SuggestionStatus.CONFIRMED and glute.decided_by == therapist

    services.session_sign_off(session=gait_session, by=therapist, now=NOW)
    page = client.get(url).content.decode()
    section = page[page.index('id="suggestions"') : page.index('id="targets"')]
    assert "Confirm</button>" not in section and "can no longer be changed" in section
    response = client.post(
        f"/gait/sessions/{gait_session.pk}/suggestions/{arm.pk}/decide/", {"decision": "dismiss"}, follow=True
    )
    assert "signed off" in response.content.decode()
    arm.refresh_from_db()
    assert arm.status == SuggestionStatus.SUGGESTED


# ---- targets -------------------------------------------------------------------------------


def test_targets_without_a_height_use_the_default_bands_and_say_so(api_as, client, therapist, analysed):
    session = analysed.trial.session
    body = api_as(therapist).get(f"/api/gait-sessions/{session.pk}/targets/").json()
    assert body["personalised"] is False and "Add the runner's height" in body["messages"][0]
    rows = {(t["metric"], t["side"]): t for t in body["videos"][0]["targets"]}
    cadence = rows[("cadence", None)]
    assert cadence["verdict"] == "within" and "Lieberman" in cadence["band"]["source"]
    assert cadence["band"]["personalised"] is False  # the reference runner's band
    assert rows[("overstride", "left")]["verdict"] == "above"
    assert "fixed" in rows[("overstride", "left")]["band"]["formula"]
    client.force_login(therapist)
    page = client.get(f"/gait/sessions/{session.pk}/").content.decode()
    section = page[page.index('id="targets"') :]
    assert "Targets for this runner" in section and "Add the runner&#x27;s height" in section
    assert "Overstride" in section and "Lieberman" in section


def test_targets_follow_the_runners_height_and_speed(therapist, analysed):
    session = analysed.trial.session
    default = selectors.session_targets(session=session)["videos"][0]["targets"][0]["band"]
    services.session_update(session=session, data={"height_cm": 160, "leg_length_cm": 80}, by=therapist, now=NOW)
    session.refresh_from_db()
    out = selectors.session_targets(session=session)
    band = out["videos"][0]["targets"][0]["band"]
    assert out["personalised"] is True and out["messages"] == []
    assert band["personalised"] is True and "measured leg" in band["formula"]
    assert band["low"] > default["low"] + 5  # a shorter leg steps faster
    assert out["runner"]["height_cm"] == 160.0


def test_priorities_at_most_three_worst_first_combined_pattern_replaces_its_parts(therapist, analysed):
    session = analysed.trial.session
    services.finding_review(finding=session.findings.get(), action="accept", by=therapist, now=NOW)
    add_findings(session, therapist, [("heel_strike", "")], severity="mild")
    add_findings(session, therapist, TRIAD_LEFT, severity="marked")
    add_findings(session, therapist, [("arm_crossover", "right")], severity="mild")
    add_findings(session, therapist, [("trunk_lean", "")], severity="moderate")
    top = selectors.session_targets(session=session)["priorities"]
    # marked triad (2.5 bands) > moderate lean (1.5) > overstride 15.2 deg (1.3) with a heel strike; the mild
    # arm crossover (0.5) is the fourth and left out
    assert [(p["code"], p["side"]) for p in top] == [
        ("weak_gluteus_medius", "left"),
        ("trunk_lean", None),
        ("heavy_heel_landing", None),
    ]
    assert set(top[0]["parts"]) == {"knee_valgus:left", "pelvic_drop:right", "foot_turn_out:left"}
    assert top[2]["title"] == "Heavy heel landing" and set(top[2]["parts"]) == {"overstride:both", "heel_strike:both"}
    assert not {"knee_valgus", "overstride", "heel_strike"} & {p["code"] for p in top}


def test_targets_without_an_analysed_baseline(client, therapist, gait_session):
    out = selectors.session_targets(session=gait_session)
    assert out["videos"] == [] and out["priorities"] == []
    client.force_login(therapist)
    assert "No analysed baseline video yet" in client.get(f"/gait/sessions/{gait_session.pk}/").content.decode()


def test_refresh_is_idempotent(gait_session, therapist):
    add_findings(gait_session, therapist, TRIAD_LEFT)
    first = [(s.pk, s.strength) for s in services.suggestions_refresh(session_id=gait_session.pk)]
    again = [(s.pk, s.strength) for s in services.suggestions_refresh(session_id=gait_session.pk)]
    assert first == again and ClinicalSuggestion.objects.filter(session=gait_session).count() == 1
