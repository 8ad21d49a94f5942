"""Prescribing a home programme from a gait session: the focus comes from the confirmed
suggestions and the reviewed findings (the therapist's side), the draft opens in the programme
editor, and nothing is prescribed from a session with nothing reviewed or by staff who may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans.models import CarePlan
from clients.services import client_erase
from exercises import services as exercise_services
from exercises.models import Exercise, Programme, ProgrammeStatus, Side
from exercises.suggestions import ALIASES, SUGGESTIONS
from gait import selectors, services
from gait.clinical.reasoning import RULES
from gait.engine.findings import RELIABILITY
from gait.models import Finding, GaitAccess, Review
from tests.factories import ClientFactory
from tests.gait_sessions.conftest import NOW, TODAY
from tests.prescribing import analysed_video, decide, new_session, record_triad, seed_library


@pytest.fixture(autouse=True)
def _library(db):
    seed_library()


def _url(session):
    return reverse("gait:session-prescribe", args=[session.pk])


def _post(http, session, **extra):
    """POST the prescribe form as the page offers it: every focus item ticked, today's date."""
    data = {"start_date": TODAY.isoformat(), "measured_cadence": "", "review_date": ""}
    for item in selectors.programme_focus(session):
        data[f"focus_{item['code']}_{item['side'] or 'both'}"] = "on"
    data.update(extra)
    return http.post(_url(session), data)


def _pending(session, code, side):
    return Finding.objects.create(
        session=session,
        source="THERAPIST",
        code=code,
        side=side,
        value=10.0,
        severity="moderate",
        review=Review.PENDING,
    )


def test_every_reasoning_suggestion_and_engine_finding_maps_to_the_library():
    for code in [rule.code for rule in RULES] + list(RELIABILITY):
        assert ALIASES.get(code, code) in SUGGESTIONS, code


def test_textbook_triad_confirmed_prescribes_hip_abductor_exercises_left_first(client, therapist, gait_session):
    record_triad(session=gait_session, therapist=therapist, now=NOW, leg="left")
    decide(session=gait_session, code="weak_gluteus_medius", side="left", therapist=therapist, now=NOW)

    focus = selectors.programme_focus(gait_session)
    assert (focus[0]["code"], focus[0]["side"], focus[0]["source"]) == ("weak_gluteus_medius", "left", "suggestion")
    assert [(f["code"], f["side"]) for f in focus[1:]] == [
        ("knee_valgus", "left"),
        ("pelvic_drop", "right"),
        ("foot_turn_out", "left"),
    ]

    client.force_login(therapist)
    page = client.get(_url(gait_session))
    assert page.status_code == 200
    assert "Confirmed suggestion: Weak gluteus medius on the left leg" in page.content.decode()
    assert "Pelvic drop: the right side drops (trains the left leg)" in page.content.decode()
    assert "No analysed video gives a cadence" not in page.content.decode()  # nothing here needs one

    response = _post(client, gait_session)
    assert response.status_code == 302
    programme = Programme.objects.get(client=gait_session.client)
    assert response["Location"] == reverse("exercises:programme", args=[programme.pk])
    assert programme.status == ProgrammeStatus.DRAFT and programme.start_date == TODAY
    lines = list(programme.exercises.all())
    assert [line.exercise.slug for line in lines[:3]] == ["side-lying-hip-abduction", "clamshell", "hip-hike"]
    assert lines[0].reason.startswith("Weak gluteus medius (left)")
    # Every one-sided exercise starts on the left: the pelvic drop on the right is the left stance leg.
    assert {line.side for line in lines if line.one_sided} == {Side.LEFT_FIRST}
    assert "level-pelvis" in [cue.cue.slug for cue in programme.cues.all()]


def test_a_dismissed_suggestion_is_not_used(client, therapist, gait_session):
    record_triad(session=gait_session, therapist=therapist, now=NOW)
    decide(
        session=gait_session, code="weak_gluteus_medius", side="left", therapist=therapist, now=NOW, decision="dismiss"
    )
    services.finding_add(
        session=gait_session, code="trunk_lean", side="", severity="mild", summary="", by=therapist, now=NOW
    )
    decide(session=gait_session, code="trunk_hip_extensor_control", therapist=therapist, now=NOW, decision="dismiss")

    codes = [item["code"] for item in selectors.programme_focus(gait_session)]
    assert "weak_gluteus_medius" not in codes and "trunk_hip_extensor_control" not in codes
    assert "knee_valgus" in codes and "trunk_lean" in codes  # the accepted findings still count

    client.force_login(therapist)
    assert _post(client, gait_session).status_code == 302
    reasons = " ".join(line.reason for line in Programme.objects.get().exercises.all())
    assert "Weak gluteus medius" not in reasons and "Trunk and hip extensor control" not in reasons


def test_rejected_and_pending_findings_are_not_used_and_an_edit_uses_the_therapists_side(therapist, gait_session):
    valgus = _pending(gait_session, "knee_valgus", "left")
    turn_out = _pending(gait_session, "foot_turn_out", "right")
    _pending(gait_session, "arm_crossover", "left")  # never reviewed
    services.finding_review(finding=valgus, action="reject", by=therapist, now=NOW)
    services.finding_review(
        finding=turn_out, action="edit", side="left", note="Left on review of the video.", by=therapist, now=NOW
    )

    focus = selectors.programme_focus(gait_session)
    assert [(f["code"], f["side"], f["reason"]) for f in focus] == [
        ("foot_turn_out", "left", "Edited finding: Foot turning out, left")
    ]


def test_low_cadence_gives_the_cadence_cue_with_a_metronome_figure_from_the_measured_cadence(
    client, therapist, consenting_client, media_root, tmp_path
):
    session = new_session(client=consenting_client, therapist=therapist, now=NOW)
    analysed_video(
        session=session,
        therapist=therapist,
        now=NOW,
        folder=tmp_path,
        view="side",
        seed=3,
        cadence=160,
        overstride=18.0,
        heel_strike=22.0,
    )
    for finding in Finding.objects.filter(session=session):
        services.finding_review(finding=finding, action="accept", by=therapist, now=NOW)
    decide(session=session, code="low_cadence", therapist=therapist, now=NOW)
    assert selectors.programme_focus(session)[0]["code"] == "low_cadence"

    client.force_login(therapist)
    page = client.get(_url(session)).content.decode()
    assert 'name="measured_cadence" value="160"' in page  # from the analysed video

    assert _post(client, session, measured_cadence="160").status_code == 302
    programme = Programme.objects.get(client=session.client)
    assert programme.measured_cadence == 160
    cadence = programme.cues.get(cue__slug="cadence")
    assert cadence.reason.startswith("Low cadence")
    assert "set a metronome to 168 steps/min (+5 %)" in cadence.wording and "176 steps/min (+10 %)" in cadence.wording


def test_without_an_analysed_video_the_page_asks_for_the_cadence_a_cadence_cue_needs(therapist, gait_session):
    services.finding_add(
        session=gait_session, code="overstride", side="", severity="moderate", summary="", by=therapist, now=NOW
    )
    prescription = selectors.prescription_for_session(session_id=gait_session.pk, now=NOW)
    assert prescription.cadence is None and "enter it for the cadence cue" in prescription.cadence_note


def test_review_date_defaults_to_the_care_plans_next_reassessment(client, therapist, gait_session):
    record_triad(session=gait_session, therapist=therapist, now=NOW)
    plan = CarePlan.objects.create(
        client=gait_session.client,
        therapist=therapist,
        start_date=TODAY,
        reassessment_interval_weeks=6,
        next_reassessment_due=TODAY + timedelta(weeks=6),
    )
    prescription = selectors.prescription_for_session(session_id=gait_session.pk, now=NOW)
    assert (prescription.start_date, prescription.review_date) == (TODAY, TODAY + timedelta(weeks=6))

    # An overdue reassessment is no review date for a programme starting today: left for the therapist.
    plan.next_reassessment_due = TODAY - timedelta(days=2)
    plan.save()
    assert selectors.prescription_for_session(session_id=gait_session.pk, now=NOW).review_date is None

    client.force_login(therapist)
    response = _post(client, gait_session, review_date=(TODAY - timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert "The review date must be on or after the start date." in response.content.decode()
    assert not Programme.objects.exists()


def test_a_session_with_no_reviewed_findings_gives_a_clear_message_not_an_empty_programme(
    client, therapist, gait_session
):
    _pending(gait_session, "knee_valgus", "left")
    client.force_login(therapist)
    session_page = client.get(reverse("gait:session-detail", args=[gait_session.pk])).content.decode()
    assert "No reviewed findings yet" in session_page and _url(gait_session) not in session_page

    page = client.get(_url(gait_session))
    assert page.status_code == 200 and "No reviewed findings yet" in page.content.decode()
    assert 'id="prescribe"' not in page.content.decode()
    response = client.post(_url(gait_session), {"start_date": TODAY.isoformat()})
    assert response.status_code == 409 and "No reviewed findings yet" in response.content.decode()
    assert not Programme.objects.exists()


def test_only_rejected_or_unmapped_findings_say_so(client, therapist, gait_session):
    services.finding_review(
        finding=_pending(gait_session, "knee_valgus", "left"), action="reject", by=therapist, now=NOW
    )
    assert "was rejected" in selectors.prescribe_unavailable_reason(gait_session)
    services.finding_add(
        session=gait_session,
        code="hamstring_tightness",
        side="right",
        severity="mild",
        summary="",
        by=therapist,
        now=NOW,
    )
    reason = selectors.prescribe_unavailable_reason(gait_session)
    assert "hamstring tightness (right)" in reason and "has exercises in the library" in reason

    client.force_login(therapist)
    assert _post(client, gait_session).status_code == 409
    assert not Programme.objects.exists()


def test_a_second_submit_opens_the_first_draft_instead_of_making_another(client, therapist, gait_session):
    record_triad(session=gait_session, therapist=therapist, now=NOW)
    client.force_login(therapist)
    first, second = _post(client, gait_session), _post(client, gait_session)
    assert first["Location"] == second["Location"]
    assert Programme.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "You started this draft moments ago" in page


@pytest.mark.django_db(transaction=True)
def test_two_prescriptions_at_the_same_moment_make_one_draft(therapist, gait_session):
    import threading

    from django.db import connection

    record_triad(session=gait_session, therapist=therapist, now=NOW)
    focus = selectors.programme_focus(gait_session)
    barrier, results = threading.Barrier(2), []

    def prescribe():
        try:
            barrier.wait()
            results.append(
                services.programme_prescribe(
                    session=gait_session,
                    focus=focus,
                    therapist=therapist,
                    start_date=TODAY,
                    review_date=None,
                    measured_cadence=None,
                    now=timezone.now(),
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=prescribe) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created for _, created in results) == [False, True]
    assert Programme.objects.count() == 1


def test_unticking_everything_is_refused(client, therapist, gait_session):
    record_triad(session=gait_session, therapist=therapist, now=NOW)
    client.force_login(therapist)
    response = client.post(_url(gait_session), {"start_date": TODAY.isoformat()})
    assert response.status_code == 400 and "Tick at least one thing" in response.content.decode()
    assert not Programme.objects.exists()


def test_session_page_offers_prescribing_once_findings_are_reviewed_also_after_sign_off(
    client, therapist, gait_session
):
    record_triad(session=gait_session, therapist=therapist, now=NOW)
    client.force_login(therapist)
    page = client.get(reverse("gait:session-detail", args=[gait_session.pk])).content.decode()
    assert f'href="{_url(gait_session)}"' in page and "Prescribe exercises" in page

    services.session_sign_off(session=gait_session, by=therapist, now=NOW)
    page = client.get(reverse("gait:session-detail", args=[gait_session.pk])).content.decode()
    assert f'href="{_url(gait_session)}"' in page
    assert _post(client, gait_session).status_code == 302
    assert GaitAccess.objects.filter(client=gait_session.client, what__contains="page").exists()
    client.get(_url(gait_session))  # the prescribe page shows findings: the look is logged
    assert GaitAccess.objects.filter(
        client=gait_session.client, what=f"session #{gait_session.pk} prescribing"
    ).exists()


@pytest.mark.parametrize("role", ["receptionist", "clinic_admin", "no_role_user"])
def test_staff_without_clinical_permissions_cannot_prescribe(request, client, role, therapist, gait_session):
    record_triad(session=gait_session, therapist=therapist, now=NOW)
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(gait_session)).status_code == 403
    assert _post(client, gait_session).status_code == 403
    assert not Programme.objects.exists()
    with pytest.raises(Exception, match="may not|Only clinical staff"):
        services.programme_prescribe(
            session=gait_session,
            focus=selectors.programme_focus(gait_session),
            therapist=request.getfixturevalue(role),
            start_date=TODAY,
            review_date=None,
            measured_cadence=None,
            now=NOW,
        )


def test_anonymous_visitors_are_sent_to_log_in(client, therapist, gait_session):
    response = client.get(_url(gait_session))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_an_erased_or_unknown_clients_session_is_not_found_and_the_programme_is_the_sessions_clients(
    client, therapist, gait_session
):
    other = ClientFactory()
    record_triad(session=gait_session, therapist=therapist, now=NOW)
    client.force_login(therapist)
    # A client field smuggled into the form changes nothing: the programme is the session's client's.
    assert _post(client, gait_session, client=str(other.pk)).status_code == 302
    assert list(Programme.objects.values_list("client_id", flat=True)) == [gait_session.client_id]

    assert client.get(reverse("gait:session-prescribe", args=[999_999])).status_code == 404
    runner = gait_session.client
    client_erase(client=runner, erased_by=therapist, now=NOW, confirmation=runner.full_name)
    assert client.get(_url(gait_session)).status_code == 404
    assert _post(client, gait_session).status_code == 404
    assert Programme.objects.count() == 1


def test_the_issued_snapshot_survives_library_edits_hiding_and_deleting(client, therapist, gait_session):
    record_triad(session=gait_session, therapist=therapist, now=NOW)
    decide(session=gait_session, code="weak_gluteus_medius", side="left", therapist=therapist, now=NOW)
    client.force_login(therapist)
    _post(client, gait_session)
    draft = Programme.objects.get()
    own = exercise_services.exercise_create(
        created_by=therapist,
        fields={
            "name": "Banded monster walk",
            "category": "STRENGTH",
            "region": "HIP",
            "target_muscles": "Gluteus medius",
            "instructions": "Band above the knees; walk forwards with feet wide.",
            "default_sets": 3,
            "default_reps": 10,
            "default_per_week": 3,
            "one_sided": False,
        },
    )
    exercise_services.programme_add_exercise(programme=draft, exercise=own)
    issued = exercise_services.programme_issue(programme=draft, issued_by=therapist, now=NOW)
    before = [(line.name, line.instructions, line.illustration, line.dosage) for line in issued.exercises.all()]

    abduction = Exercise.objects.get(slug="side-lying-hip-abduction")
    exercise_services.exercise_set_hidden(exercise=abduction, hidden=True)
    exercise_services.exercise_update(
        exercise=own,
        user=therapist,
        fields={"name": "Monster walk (renamed)", "instructions": "Completely different words.", "default_reps": 20},
    )
    own.delete()

    issued = Programme.objects.get(pk=issued.pk)
    assert [(line.name, line.instructions, line.illustration, line.dosage) for line in issued.exercises.all()] == before
    page = client.get(reverse("exercises:programme", args=[issued.pk])).content.decode()
    printed = client.get(reverse("exercises:programme-print", args=[issued.pk])).content.decode()
    for text in (abduction.name, "Banded monster walk", "Band above the knees"):
        assert text in printed
    assert abduction.name in page and "Banded monster walk" in page and "renamed" not in page + printed
    # A new prescription from the same session leaves the hidden exercise out.
    _post(client, gait_session)
    newest = Programme.objects.filter(status=ProgrammeStatus.DRAFT).get()
    assert "side-lying-hip-abduction" not in [line.exercise.slug for line in newest.exercises.all()]
