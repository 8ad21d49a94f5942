"""Suggestion rules on synthetic sessions: each pattern, its mirror, combinations, clinical tests."""

from __future__ import annotations

import pytest

from gait.clinical.reasoning import RULES, ClinicalTests, Finding, suggest
from gait.clinical.targets import Runner, cadence_band
from gait.engine.analyze import analyze
from gait.engine.synthetic import Runner as SyntheticRunner
from gait.engine.synthetic import generate


def finding(code, side, value=12.0, severity="moderate", confidence=0.8):
    return {"code": code, "side": side, "value": value, "unit": "deg", "severity": severity, "confidence": confidence}


def triad(leg):
    other = {"left": "right", "right": "left"}[leg]
    return [finding("knee_valgus", leg, 16.0), finding("pelvic_drop", other, 9.0), finding("foot_turn_out", leg, 22.0)]


def summary(suggestions):
    return [(s.code, s.side, s.strength) for s in suggestions]


@pytest.mark.parametrize("leg, other", [("left", "right"), ("right", "left")])
def test_textbook_triad_is_one_gluteus_medius_suggestion_on_the_stance_leg(leg, other):
    (only,) = suggest(triad(leg))
    assert (only.code, only.side, only.strength) == ("weak_gluteus_medius", leg, "likely")
    assert [(e.code, e.side, e.effect) for e in only.evidence] == [
        ("knee_valgus", leg, "pattern"),
        ("pelvic_drop", other, "pattern"),
        ("foot_turn_out", leg, "pattern"),
    ]
    assert [e.value for e in only.evidence] == [16.0, 9.0, 22.0]
    assert f"{other} side of the pelvis drops" in only.rationale
    assert any("Bramah" in s for s in only.sources)


def test_triad_parts_on_the_wrong_sides_are_not_the_gluteus_medius_pattern():
    # Left knee in and left foot out, but the LEFT pelvis drops (i.e. standing on the right leg).
    found = [finding("knee_valgus", "left"), finding("pelvic_drop", "left"), finding("foot_turn_out", "left")]
    assert summary(suggest(found)) == [("hip_abductor_weakness", "right", "possible")]


@pytest.mark.parametrize("drop_side, stance_leg", [("right", "left"), ("left", "right")])
def test_pelvic_drop_alone_is_hip_abductor_weakness_of_the_stance_leg(drop_side, stance_leg):
    (only,) = suggest([finding("pelvic_drop", drop_side)])
    assert (only.code, only.side, only.strength) == ("hip_abductor_weakness", stance_leg, "possible")
    assert only.evidence[0].side == drop_side


def test_pelvic_drop_on_both_sides_gives_one_suggestion_per_stance_leg():
    found = [finding("pelvic_drop", "left"), finding("pelvic_drop", "right")]
    assert sorted(summary(suggest(found))) == [
        ("hip_abductor_weakness", "left", "possible"),
        ("hip_abductor_weakness", "right", "possible"),
    ]


def test_triad_on_one_leg_and_a_drop_of_the_other_side_keep_both():
    found = [*triad("left"), finding("pelvic_drop", "left")]
    assert summary(suggest(found)) == [
        ("weak_gluteus_medius", "left", "likely"),
        ("hip_abductor_weakness", "right", "possible"),
    ]


@pytest.mark.parametrize("overstride_side, heel_side", [(None, None), ("left", "right"), ("right", None)])
def test_overstride_with_heel_strike_is_low_cadence(overstride_side, heel_side):
    found = [finding("overstride", overstride_side), finding("heel_strike", heel_side, 20.0)]
    (only,) = suggest(found)
    assert (only.code, only.side, only.strength) == ("low_cadence", None, "likely")
    assert [e.code for e in only.evidence] == ["overstride", "heel_strike"]
    assert "+5-10 %" in only.title


def test_low_cadence_gives_a_metronome_target_and_follows_the_runners_band():
    found = [finding("overstride", None), finding("heel_strike", None)]
    (below,) = suggest(found, cadence_spm=160.0, cadence_band=(162.0, 178.0))
    assert below.strength == "strong"
    assert "try 168-176" in below.rationale  # 160 x 1.05 and x 1.10
    assert below.evidence[-1].code == "cadence" and below.evidence[-1].effect == "raises"
    (above,) = suggest(found, cadence_spm=182.0, cadence_band=(162.0, 178.0))
    assert above.strength == "possible" and above.evidence[-1].effect == "lowers"
    (within,) = suggest(found, cadence_spm=170.0, cadence_band=cadence_band(Runner(height_cm=175, speed_kmh=10.8)))
    assert within.strength == "likely" and within.evidence[-1].effect == "context"


@pytest.mark.parametrize("code", ["overstride", "heel_strike", "knee_valgus", "foot_turn_out"])
def test_a_part_of_a_pattern_alone_suggests_nothing(code):
    assert suggest([finding(code, "left")]) == []


def test_forward_lean_is_trunk_and_hip_extensor_control():
    (only,) = suggest([finding("trunk_lean", None, 13.0)])
    assert (only.code, only.side, only.strength) == ("trunk_hip_extensor_control", None, "possible")
    assert any("Teng & Powers" in s for s in only.sources)


@pytest.mark.parametrize("sides, expected_side", [(["right"], "right"), (["left", "right"], None)])
def test_arm_crossover_is_an_arm_drive_cue(sides, expected_side):
    (only,) = suggest([finding("arm_crossover", s, 15.0) for s in sides])
    assert (only.code, only.side) == ("arm_drive_cue", expected_side)
    assert len(only.evidence) == len(sides)
    assert only.rationale.startswith("The right arm swings" if expected_side else "The arms swing")


def test_clean_runner_has_no_suggestion():
    assert suggest([]) == []
    assert suggest([], tests={"left": ClinicalTests(hip_abduction_grade=3, trendelenburg_positive=True)}) == []


def test_weak_hip_abduction_and_positive_trendelenburg_raise_the_triad_to_strong():
    tests = {"left": ClinicalTests(hip_abduction_grade=4, trendelenburg_positive=True, single_leg_squat="poor")}
    (only,) = suggest(triad("left"), tests=tests)
    assert (only.strength, only.score) == ("strong", 3)
    effects = {e.code: (e.side, e.value, e.effect) for e in only.evidence if e.kind == "clinical_test"}
    assert effects == {
        "hip_abduction_grade": ("left", 4, "raises"),
        "trendelenburg": ("left", "positive", "raises"),
        "single_leg_squat": ("left", "poor", "raises"),
    }
    assert "Hip abduction grade raises it; trendelenburg raises it;" in only.rationale


def test_normal_strength_and_negative_trendelenburg_lower_the_triad_but_keep_it_visible():
    (one_down,) = suggest(triad("left"), tests={"left": ClinicalTests(hip_abduction_grade=5)})
    assert one_down.strength == "possible"
    tests = {"left": ClinicalTests(hip_abduction_grade=5, trendelenburg_positive=False)}
    (both_down,) = suggest(triad("left"), tests=tests)
    assert (both_down.strength, both_down.score) == ("unlikely", 0)
    assert [e.effect for e in both_down.evidence if e.kind == "clinical_test"] == ["lowers", "lowers"]


def test_only_the_stance_legs_tests_count():
    tests = {"right": ClinicalTests(hip_abduction_grade=2, trendelenburg_positive=True)}
    (only,) = suggest(triad("left"), tests=tests)
    assert only.strength == "likely"
    assert all(e.kind == "finding" for e in only.evidence)
    (mirror,) = suggest(triad("right"), tests=tests)
    assert mirror.strength == "strong"


def test_tests_move_pelvic_drop_alone_on_the_stance_leg():
    weak = {"left": ClinicalTests(trendelenburg_positive=True)}
    assert summary(suggest([finding("pelvic_drop", "right")], tests=weak)) == [
        ("hip_abductor_weakness", "left", "likely")
    ]
    normal = {"left": ClinicalTests(hip_abduction_grade=5)}
    assert summary(suggest([finding("pelvic_drop", "right")], tests=normal)) == [
        ("hip_abductor_weakness", "left", "unlikely")
    ]


def test_dynamometer_force_is_judged_against_the_other_leg():
    weaker = {"left": ClinicalTests(hip_abduction_n_per_kg=1.5), "right": ClinicalTests(hip_abduction_n_per_kg=2.0)}
    (only,) = suggest(triad("left"), tests=weaker)
    force = next(e for e in only.evidence if e.code == "hip_abduction_force")
    assert (force.effect, only.strength) == ("raises", "strong")
    assert "75%" in force.note
    even = {"left": ClinicalTests(hip_abduction_n_per_kg=1.9), "right": ClinicalTests(hip_abduction_n_per_kg=2.0)}
    (only,) = suggest(triad("left"), tests=even)
    assert only.strength == "likely"
    newtons = {"left": ClinicalTests(hip_abduction_newtons=120.0), "right": ClinicalTests(hip_abduction_newtons=160.0)}
    (only,) = suggest(triad("left"), tests=newtons)
    force = next(e for e in only.evidence if e.code == "hip_abduction_force")
    assert (force.value, force.unit, force.effect, only.strength) == (120.0, "N", "raises", "strong")
    mixed = {"left": ClinicalTests(hip_abduction_newtons=120.0), "right": ClinicalTests(hip_abduction_n_per_kg=2.0)}
    (only,) = suggest(triad("left"), tests=mixed)
    assert only.strength == "likely"  # different units cannot be compared


def test_balance_and_a_good_squat_are_context_not_strength():
    tests = {"left": ClinicalTests(single_leg_squat="good", single_leg_balance_s=8.0)}
    (only,) = suggest(triad("left"), tests=tests)
    assert only.strength == "likely"
    assert [e.effect for e in only.evidence if e.kind == "clinical_test"] == ["context", "context"]


def test_tests_do_not_move_rules_that_are_not_about_the_hip():
    tests = {s: ClinicalTests(hip_abduction_grade=2, trendelenburg_positive=True) for s in ("left", "right")}
    (only,) = suggest([finding("trunk_lean", None)], tests=tests)
    assert only.strength == "possible"


def test_suggestions_are_ordered_strongest_first_and_serialise():
    found = [*triad("right"), finding("trunk_lean", None), finding("overstride", None), finding("heel_strike", None)]
    result = suggest(found, tests={"right": ClinicalTests(trendelenburg_positive=True)})
    assert [s.code for s in result] == ["weak_gluteus_medius", "low_cadence", "trunk_hip_extensor_control"]
    as_dict = result[0].as_dict()
    assert as_dict["evidence"][0]["code"] == "knee_valgus" and as_dict["sources"]


def test_bad_input_gets_a_specific_error():
    with pytest.raises(ValueError, match="grade must be 0-5"):
        ClinicalTests(hip_abduction_grade=6)
    with pytest.raises(ValueError, match="single-leg squat"):
        ClinicalTests(single_leg_squat="excellent")
    with pytest.raises(ValueError, match="side must be"):
        suggest([finding("pelvic_drop", "middle")])
    with pytest.raises(ValueError, match="keyed by left/right"):
        suggest([], tests={"LEFT": ClinicalTests()})


def test_every_rule_cites_sources_and_finding_objects_work_too():
    assert all(rule.sources for rule in RULES)
    (only,) = suggest([Finding("pelvic_drop", "left", 8.0)])
    assert only.side == "right"


def test_engine_sides_end_to_end_on_a_synthetic_rear_view_runner():
    """The engine names the dropping side; the suggestion names the stance leg opposite it."""
    report = analyze(
        generate(
            SyntheticRunner(
                view="rear", knee_valgus={"left": 16.0}, pelvic_drop={"right": 10.0}, foot_turn_out={"left": 25.0}
            )
        )
    )
    assert {(f["code"], f["side"]) for f in report["findings"]} == {
        ("knee_valgus", "left"),
        ("pelvic_drop", "right"),
        ("foot_turn_out", "left"),
    }
    assert summary(suggest(report["findings"])) == [("weak_gluteus_medius", "left", "likely")]
