"""Personalised bands (cadence from speed and body size; step and stride length) and priorities."""

from __future__ import annotations

import math

import pytest

from gait.clinical.targets import (
    CADENCE_SD_SPM,
    Runner,
    cadence_band,
    judge_metrics,
    priorities,
    step_length_band,
)


def metrics(**values):
    """A report `metrics` block: name=(left, right)."""
    units = {"cadence": "steps/min", "arm_crossover": "% shoulder width"}
    return {k: {"left": left, "right": right, "unit": units.get(k, "deg")} for k, (left, right) in values.items()}


def finding(code, side, value, threshold=None):
    item = {"code": code, "side": side, "value": value, "unit": "deg", "severity": "moderate", "confidence": 0.8}
    if threshold is not None:
        item["threshold"] = threshold
    return item


def test_reference_runner_gets_the_literature_centre():
    band = cadence_band(Runner(height_cm=175, speed_kmh=10.8))  # 3.0 m/s
    assert (band.low, band.high) == pytest.approx((170 - CADENCE_SD_SPM, 170 + CADENCE_SD_SPM))
    assert band.personalised and "Lieberman" in band.source
    assert "= 170 +- 8 steps/min" in band.formula


def test_cadence_band_rises_with_speed_and_falls_with_body_size():
    slow, fast = (cadence_band(Runner(height_cm=175, speed_kmh=v)) for v in (9.0, 12.6))
    assert fast.low - slow.low == pytest.approx(6.5 * (12.6 - 9.0) / 3.6)
    short, tall = (cadence_band(Runner(height_cm=h, speed_kmh=10.8)) for h in (160, 190))
    assert short.low + 8 == pytest.approx(170 * math.sqrt(175 / 160))
    assert tall.low + 8 == pytest.approx(170 * math.sqrt(175 / 190))


def test_a_measured_leg_length_wins_over_height():
    band = cadence_band(Runner(height_cm=175, speed_kmh=10.8, leg_length_cm=100))
    assert band.low + 8 == pytest.approx(170 * math.sqrt(0.53 * 175 / 100))
    assert "measured leg" in band.formula


def test_speed_outside_the_studied_range_is_marked_extrapolated():
    assert "extrapolated" in cadence_band(Runner(height_cm=175, speed_kmh=18)).formula
    assert "extrapolated" not in cadence_band(Runner(height_cm=175, speed_kmh=10)).formula


def test_step_and_stride_length_follow_speed_and_the_cadence_band():
    runner = Runner(height_cm=175, speed_kmh=10.8)
    step, stride = step_length_band(runner), step_length_band(runner, stride=True)
    assert (step.low, step.high) == pytest.approx((3.0 * 60 / 178, 3.0 * 60 / 162))
    assert (stride.low, stride.high) == pytest.approx((2 * step.low, 2 * step.high))


def test_judge_metrics_gives_band_verdict_and_source_per_metric():
    runner = Runner(height_cm=175, speed_kmh=10.8)
    found = judge_metrics(runner, metrics(cadence=(158, 158), pelvic_drop=(4.0, 9.0), trunk_lean=(11.0, 13.0)), 158.0)
    by_key = {(t.metric, t.side): t for t in found}
    cadence = by_key[("cadence", None)]
    assert (cadence.verdict, cadence.excess) == ("below", pytest.approx(0.5))
    step = by_key[("step_length", None)]
    assert step.value == pytest.approx(3.0 * 60 / 158, abs=0.01) and step.verdict == "above"
    assert by_key[("stride_length", None)].value == pytest.approx(2 * 3.0 * 60 / 158, abs=0.01)
    assert by_key[("pelvic_drop", "left")].verdict == "within"
    drop = by_key[("pelvic_drop", "right")]
    assert (drop.verdict, drop.excess) == ("above", pytest.approx(1.0))  # (9 - 6) / 3
    assert not drop.band.personalised and "Bramah" in drop.band.source and "fixed" in drop.band.formula
    assert by_key[("trunk_lean", None)].value == 12.0  # one trunk: the mean of both stances


def test_clinic_thresholds_change_the_band():
    found = judge_metrics(
        Runner(height_cm=175), metrics(pelvic_drop=(4.0, 4.5)), thresholds={"pelvic_drop": 4.0}
    )  # at the threshold = within, as in the engine
    assert [t.verdict for t in found] == ["within", "above"]
    assert found[0].band.source == "set by the clinician"


def test_without_speed_there_is_no_cadence_band():
    found = judge_metrics(Runner(height_cm=175), metrics(cadence=(170, 170), pelvic_drop=(3, 3)))
    assert {t.metric for t in found} == {"pelvic_drop"}
    with pytest.raises(ValueError, match="treadmill speed"):
        cadence_band(Runner(height_cm=175))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"height_cm": 20}, "height"),
        ({"height_cm": 175, "speed_kmh": 0}, "speed"),
        ({"height_cm": 175, "sex": "x"}, "sex"),
    ],
)
def test_bad_runner_data_gets_a_specific_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Runner(**kwargs)


def test_priorities_rank_worst_first_and_stop_at_three():
    found = [
        finding("pelvic_drop", "left", 7.0),  # (7 - 6) / 3 = 0.33
        finding("arm_crossover", "right", 25.0),  # 25 / 10 = 2.5
        finding("trunk_lean", None, 14.0),  # 4 / 4 = 1
        finding("knee_valgus", "right", 17.5),  # 7.5 / 5 = 1.5
    ]
    top = priorities(found)
    assert [(p.code, p.side, p.score) for p in top] == [
        ("arm_crossover", "right", 2.5),
        ("knee_valgus", "right", 1.5),
        ("trunk_lean", None, 1.0),
    ]
    assert top[0].title == "Right arm crosses the body"


def test_heavy_heel_landing_replaces_overstride_heel_strike_and_low_cadence():
    runner = Runner(height_cm=175, speed_kmh=10.8)
    targets = judge_metrics(runner, metrics(cadence=(150, 150)), 150.0)
    found = [
        finding("overstride", None, 12.0),
        finding("heel_strike", "left", 15.0),
        finding("pelvic_drop", "left", 7.0),
    ]
    top = priorities(found, targets)
    assert [p.code for p in top] == ["heavy_heel_landing", "pelvic_drop"]
    heavy = top[0]
    assert heavy.parts == ("heel_strike:left", "overstride:both", "low_cadence:both")
    assert heavy.score == pytest.approx(1.5)  # cadence (162 - 150) / 8 is the worst part


def test_low_cadence_alone_is_its_own_priority():
    targets = judge_metrics(Runner(height_cm=175, speed_kmh=10.8), metrics(cadence=(158, 158)), 158.0)
    (only,) = priorities([], targets)
    assert (only.code, only.score) == ("low_cadence", 0.5)


@pytest.mark.parametrize("leg, other", [("left", "right"), ("right", "left")])
def test_gluteus_medius_triad_is_one_priority(leg, other):
    found = [
        finding("knee_valgus", leg, 12.0),
        finding("pelvic_drop", other, 12.0),
        finding("foot_turn_out", leg, 18.0),
    ]
    (only,) = priorities(found)
    assert (only.code, only.side, only.score) == ("weak_gluteus_medius", leg, 2.0)  # drop (12 - 6) / 3
    assert only.parts == (f"knee_valgus:{leg}", f"pelvic_drop:{other}", f"foot_turn_out:{leg}")


def test_the_threshold_in_the_finding_is_the_one_used():
    (only,) = priorities([finding("pelvic_drop", "left", 7.0, threshold=4.0)])
    assert only.score == 1.0
