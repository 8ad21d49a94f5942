"""The built-in library: seeded content, illustrations, and built-ins that are never destroyed."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from core.exceptions import ConflictError
from exercises import illustrations
from exercises.library_data import CUES, EXERCISES
from exercises.models import Exercise, RetrainingCue, metronome_figures

ILLUSTRATIONS = Path(settings.BASE_DIR) / "exercises" / "static" / "exercises" / "illustrations"


def test_the_migration_seeds_at_least_30_exercises_and_8_cues_complete(library):
    exercises = Exercise.objects.filter(builtin=True)
    assert exercises.count() == len(EXERCISES) >= 30
    assert RetrainingCue.objects.filter(builtin=True).count() == len(CUES) >= 8
    for exercise in exercises:
        assert exercise.target_muscles and exercise.instructions and exercise.common_mistakes, exercise.slug
        assert exercise.default_reps or exercise.default_hold_seconds, exercise.slug
        assert exercise.progression_id or exercise.progression_text, exercise.slug
        assert exercise.regression_id or exercise.regression_text, exercise.slug
        assert exercise.addresses, exercise.slug
        assert (ILLUSTRATIONS / f"{exercise.slug}.svg").is_file(), exercise.slug
    assert library["single-leg-bridge"].regression == library["glute-bridge"]
    assert library["glute-bridge"].progression == library["single-leg-bridge"]


def test_every_illustration_is_an_accessible_black_on_white_line_drawing_and_current():
    for exercise in EXERCISES:
        svg = (ILLUSTRATIONS / f"{exercise['slug']}.svg").read_text()
        assert re.search(rf"<title id=\"t\">{re.escape(exercise['name'])}", svg)
        assert 'role="img"' in svg and 'stroke="#000"' in svg
        assert set(re.findall(r"#[0-9a-fA-F]{3,6}", svg)) <= {"#000", "#fff"}
        # The committed files are what the generator draws (nobody edited one by hand).
        assert svg == illustrations.render(illustrations.POSES[exercise["slug"]], f"{exercise['name']}: line drawing")


def test_a_built_in_exercise_cannot_be_deleted_by_the_app_or_the_database(library):
    clamshell = library["clamshell"]
    with pytest.raises(ConflictError, match="hide it instead"):
        clamshell.delete()
    with pytest.raises(Exception, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM exercises_exercise WHERE slug = 'clamshell'")
    with pytest.raises(Exception, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM exercises_retrainingcue WHERE slug = 'cadence'")
    assert Exercise.objects.filter(slug="clamshell").exists()


def test_an_exercise_needs_reps_or_a_hold(library):
    with pytest.raises(IntegrityError), transaction.atomic():
        Exercise.objects.create(slug="x", name="X", region="HIP", target_muscles="m", instructions="i",
                                default_reps=None, default_hold_seconds=None)


@pytest.mark.parametrize(("cadence", "figures"), [(160, (168, 176)), (170, (179, 187)), (172, (181, 189)), (150.4, (158, 165))])
def test_metronome_figures_are_plus_5_and_plus_10_percent_rounded(cadence, figures):
    assert metronome_figures(cadence) == figures


def test_the_cadence_cue_gives_a_metronome_figure_from_the_measured_cadence(library):
    cue = RetrainingCue.objects.get(slug="cadence")
    assert "168 steps/min (+5 %)" in cue.wording_for(160) and "176 steps/min (+10 %)" in cue.wording_for(160)
    assert cue.wording_for(None) == cue.client_wording
    assert RetrainingCue.objects.get(slug="run-quietly").wording_for(160) == RetrainingCue.objects.get(
        slug="run-quietly").client_wording
