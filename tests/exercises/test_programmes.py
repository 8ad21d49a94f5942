"""Programmes: suggested drafts, editing, issuing versioned snapshots, revising."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from careplans.models import CarePlan
from core.exceptions import ApplicationError, ConflictError
from exercises import selectors, services
from exercises.models import Exercise, Programme, ProgrammeStatus, RetrainingCue, Side
from exercises.suggestions import SUGGESTIONS, suggest_programme
from tests.factories import ClientFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC"))
TODAY = NOW.date()


def _slugs(suggestion):
    return [line.exercise.slug for line in suggestion.exercises]


def test_weak_left_gluteus_medius_suggests_hip_abductor_work_left_side_first(library):
    suggestion = suggest_programme(focus=[{"code": "weak_gluteus_medius", "side": "left"}])
    assert _slugs(suggestion) == ["side-lying-hip-abduction", "clamshell", "hip-hike"]
    assert {line.side for line in suggestion.exercises} == {Side.LEFT_FIRST}
    assert suggestion.exercises[0].reason == "Weak gluteus medius (left)"
    assert [cue.cue.slug for cue in suggestion.cues] == ["level-pelvis"]


def test_low_cadence_suggests_the_cadence_cue_with_the_metronome_figure(library):
    suggestion = suggest_programme(focus=[{"code": "low_cadence"}], measured_cadence=160)
    (cadence,) = [c for c in suggestion.cues if c.cue.slug == "cadence"]
    assert "168 steps/min (+5 %)" in cadence.wording and "176 steps/min (+10 %)" in cadence.wording


def test_an_exercise_asked_for_on_both_sides_is_done_evenly_and_merges_reasons(library):
    suggestion = suggest_programme(focus=[{"code": "weak_gluteus_medius", "side": "left"},
                                          {"code": "knee_valgus", "side": "right"}])
    clamshell = next(line for line in suggestion.exercises if line.exercise.slug == "clamshell")
    assert clamshell.side == Side.BOTH
    assert clamshell.reason == "Weak gluteus medius (left); Knee moving in (valgus) (right)"
    step_down = next(line for line in suggestion.exercises if line.exercise.slug == "step-down")
    assert step_down.side == Side.RIGHT_FIRST


def test_every_code_suggests_something_and_hidden_exercises_are_left_out(library):
    for code in SUGGESTIONS:
        suggestion = suggest_programme(focus=[{"code": code, "side": "left"}], measured_cadence=165)
        assert suggestion.exercises or suggestion.cues, code
    services.exercise_set_hidden(exercise=library["clamshell"], hidden=True)
    assert "clamshell" not in _slugs(suggest_programme(focus=[{"code": "weak_gluteus_medius", "side": "left"}]))


@pytest.mark.parametrize(("focus", "cadence", "field"), [
    ([{"code": "weak_glutes"}], None, "focus"),
    ([{"code": "knee_valgus", "side": "up"}], None, "focus"),
    ([{"code": "low_cadence"}], 40, "measured_cadence"),
])
def test_bad_suggestion_input_is_refused_naming_the_problem(library, focus, cadence, field):
    with pytest.raises(ValidationError) as error:
        suggest_programme(focus=focus, measured_cadence=cadence)
    assert field in error.value.message_dict


def _draft(therapist, client=None, **focus_kwargs):
    suggestion = suggest_programme(focus=[{"code": "weak_gluteus_medius", "side": "left"}, {"code": "low_cadence"}],
                                   measured_cadence=160)
    return services.programme_create_draft(client=client or ClientFactory(), therapist=therapist, start_date=TODAY,
                                           measured_cadence=160, suggestion=suggestion)


def test_a_draft_from_suggestions_copies_library_content_and_default_dosage(library, therapist):
    programme = _draft(therapist)
    lines = list(programme.exercises.all())
    assert [line.name for line in lines][:2] == ["Side-lying hip abduction", "Clamshell"]
    assert (lines[0].sets, lines[0].reps, lines[0].side) == (3, 12, Side.LEFT_FIRST)
    assert lines[0].instructions == library["side-lying-hip-abduction"].instructions
    assert "168 steps/min" in programme.cues.get(cue__slug="cadence").wording


def test_issuing_numbers_versions_per_client_and_locks_the_programme(library, therapist):
    client = ClientFactory()
    first = services.programme_issue(programme=_draft(therapist, client), issued_by=therapist, now=NOW)
    second = services.programme_issue(programme=_draft(therapist, client), issued_by=therapist, now=NOW)
    other = services.programme_issue(programme=_draft(therapist), issued_by=therapist, now=NOW)
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert first.status == ProgrammeStatus.ISSUED and first.issued_by == therapist and first.issued_at == NOW
    with pytest.raises(ConflictError) as refused:
        services.programme_update_draft(programme=first, fields={"notes": "changed"})
    assert refused.value.code == "programme_issued"
    with pytest.raises(ConflictError):
        services.programme_issue(programme=first, issued_by=therapist, now=NOW)
    with pytest.raises(ConflictError):
        services.programme_add_exercise(programme=first, exercise=library["dead-bug"])


def test_an_empty_draft_cannot_be_issued(library, therapist):
    draft = services.programme_create_draft(client=ClientFactory(), therapist=therapist, start_date=TODAY)
    with pytest.raises(ApplicationError, match="at least one"):
        services.programme_issue(programme=draft, issued_by=therapist, now=NOW)


def test_editing_hiding_or_deleting_library_entries_never_changes_an_issued_programme(library, therapist):
    own = services.exercise_create(created_by=therapist, fields={
        "name": "Banded hip hitch", "region": "HIP", "target_muscles": "Gluteus medius",
        "instructions": "Stand tall.", "default_sets": 2, "default_reps": 10, "default_per_week": 3})
    draft = _draft(therapist)
    services.programme_add_exercise(programme=draft, exercise=own)
    issued = services.programme_issue(programme=draft, issued_by=therapist, now=NOW)
    before = [(line.name, line.instructions, line.sets, line.reps) for line in issued.exercises.all()]
    cue_before = list(issued.cues.values_list("wording", flat=True))

    services.exercise_update(exercise=own, user=therapist, fields={"name": "Renamed", "instructions": "New."})
    services.exercise_set_hidden(exercise=library["clamshell"], hidden=True)
    Exercise.objects.filter(slug="side-lying-hip-abduction").update(instructions="Rewritten.", default_reps=30)
    RetrainingCue.objects.filter(slug="cadence").update(client_wording="Different.")
    own.delete()  # staff-made exercises may be deleted; the line keeps its copy

    issued = selectors.programme_get(programme_id=issued.pk)
    assert [(line.name, line.instructions, line.sets, line.reps) for line in issued.exercises.all()] == before
    assert list(issued.cues.values_list("wording", flat=True)) == cue_before
    deleted_line = issued.exercises.get(name="Banded hip hitch")
    assert deleted_line.exercise is None


def test_revising_makes_a_new_draft_with_the_same_lines_and_the_next_version_on_issue(library, therapist):
    client = ClientFactory()
    issued = services.programme_issue(programme=_draft(therapist, client), issued_by=therapist, now=NOW)
    draft = services.programme_revise(programme=issued, therapist=therapist, start_date=TODAY + timedelta(days=7))
    assert draft.status == ProgrammeStatus.DRAFT and draft.revised_from == issued
    assert list(draft.exercises.values_list("name", "sets")) == list(issued.exercises.values_list("name", "sets"))
    first_line = draft.exercises.first()
    services.programme_update_draft(programme=draft, lines=[{"id": first_line.pk, "sets": 4, "reps": 15}])
    assert list(draft.exercises.values_list("sets", "reps")) == [(4, 15)]
    assert issued.exercises.count() == 4  # the issued original is untouched (3 hip + pogo hops)
    assert services.programme_issue(programme=draft, issued_by=therapist, now=NOW).version == 2


def test_draft_lines_are_replaced_in_order_and_bad_dosage_is_refused(library, therapist):
    draft = _draft(therapist)
    keep = draft.exercises.last()
    services.programme_update_draft(programme=draft, lines=[
        {"exercise": library["dead-bug"], "sets": 2, "reps": 8, "load": "none"},
        {"id": keep.pk, "side": Side.RIGHT_FIRST},
    ], cues=[])
    assert list(draft.exercises.values_list("name", "sets", "side")) == [
        ("Dead bug", 2, Side.BOTH), (keep.name, keep.sets, Side.RIGHT_FIRST)]
    assert not draft.cues.exists()
    with pytest.raises(ValidationError) as error:
        services.programme_update_draft(programme=draft, lines=[{"id": keep.pk, "reps": None, "hold_seconds": None}])
    assert "reps" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.programme_update_draft(programme=draft, fields={"review_date": TODAY - timedelta(days=1)})


def test_review_date_defaults_to_the_care_plans_next_reassessment(library, therapist):
    client = ClientFactory()
    assert selectors.programme_default_review_date(client=client, now=NOW) is None
    CarePlan.objects.create(client=client, therapist=therapist, start_date=TODAY, reassessment_interval_weeks=6,
                            next_reassessment_due=date(2026, 4, 13))
    assert selectors.programme_default_review_date(client=client, now=NOW) == date(2026, 4, 13)


def test_built_in_exercises_are_not_edited_and_others_only_by_their_author(library, therapist):
    from tests.factories import TherapistFactory

    with pytest.raises(ApplicationError, match="Built-in"):
        services.exercise_update(exercise=library["clamshell"], user=therapist, fields={"name": "x"})
    own = services.exercise_create(created_by=therapist, fields={
        "name": "Clamshell", "region": "HIP", "target_muscles": "m", "instructions": "i", "default_reps": 10})
    assert own.slug == "clamshell-2" and not own.builtin
    with pytest.raises(ApplicationError, match="Only the person"):
        services.exercise_update(exercise=own, user=TherapistFactory(), fields={"name": "x"})
    assert Programme.objects.count() == 0


def test_a_pelvic_drop_trains_the_stance_leg_opposite_the_side_that_drops(library):
    suggestion = suggest_programme(focus=[{"code": "pelvic_drop", "side": "right"}])
    hip_hike = next(line for line in suggestion.exercises if line.exercise.slug == "hip-hike")
    assert hip_hike.side == Side.LEFT_FIRST
    assert hip_hike.reason == "Pelvic drop (right side drops: left stance leg)"


def test_the_reasoning_modules_arm_drive_cue_code_is_understood(library):
    suggestion = suggest_programme(focus=[{"code": "arm_drive_cue"}])
    assert [cue.cue.slug for cue in suggestion.cues] == ["arms-back-chest-open"]
