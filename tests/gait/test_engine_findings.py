"""Injected deviations of known size and side are found from the right view only.

Tolerances (synthetic runner, 60-240 fps, 1 px noise), stated per finding:
knee_valgus, pelvic_drop, foot_turn_out, heel_strike, trunk_lean: +-1 deg;
arm_crossover: +-2 % of shoulder width; overstride: the shank angle reads 2.5-4.5 deg
under the injected one (the 12 Hz low-pass rounds off the sharp shank peak at initial
contact in the synthetic model), so its band is [-4.5, +0.5] deg.
"""

import pytest

from gait.engine.analyze import analyze
from gait.engine.synthetic import Runner, generate

FRONTAL = ("knee_valgus", "pelvic_drop", "foot_turn_out", "arm_crossover")
SAGITTAL = ("trunk_lean", "overstride", "heel_strike")
# code -> (view, injected size that must be found, tolerance (low, high) of measured - injected)
CASES = {
    "knee_valgus": ("rear", 16.0, (-1.0, 1.0)),
    "pelvic_drop": ("rear", 10.0, (-1.0, 1.0)),
    "foot_turn_out": ("rear", 25.0, (-1.0, 1.0)),
    "arm_crossover": ("rear", 20.0, (-2.0, 2.0)),
    "overstride": ("side", 20.0, (-4.5, 0.5)),
    "heel_strike": ("side", 22.0, (-1.0, 1.0)),
}
WRONG_VIEW = {"rear": "side", "side": "rear"}


def run(view, fps=60, **deviation):
    return analyze(generate(Runner(view=view, fps=fps, noise_px=1.0, **deviation)))


def codes(report):
    return [(f["code"], f["side"]) for f in report["findings"]]


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("code", list(CASES))
def test_one_sided_deviation_found_on_its_side_only(code, side):
    view, size, (low, high) = CASES[code]
    report = run(view, **{code: {side: size}})
    assert codes(report) == [(code, side)]
    finding = report["findings"][0]
    assert low <= finding["value"] - size <= high
    assert finding["threshold"] < finding["value"]
    assert finding["severity"] in ("mild", "moderate", "marked")
    assert 0.3 < finding["confidence"] <= 1.0
    assert len(finding["evidence_frames"]) == 3
    assert side in finding["summary"]


@pytest.mark.parametrize("code", list(CASES))
def test_deviation_not_reported_from_the_wrong_view(code):
    view, size, _ = CASES[code]
    report = run(WRONG_VIEW[view], **{code: {"left": size}})
    assert report["findings"] == []
    assert code not in report["metrics"]


def test_trunk_lean_found_from_side_with_no_side_and_not_from_rear():
    side = run("side", trunk_lean=16.0)
    assert codes(side) == [("trunk_lean", None)]
    assert side["findings"][0]["value"] == pytest.approx(16.0, abs=1.0)
    assert run("rear", trunk_lean=16.0)["findings"] == []


@pytest.mark.parametrize("code", ["knee_valgus", "pelvic_drop", "foot_turn_out", "arm_crossover"])
def test_bilateral_frontal_deviation_gives_one_finding_per_side(code):
    _, size, _ = CASES[code]
    assert sorted(codes(run("rear", **{code: size}))) == [(code, "left"), (code, "right")]


@pytest.mark.parametrize("code", ["overstride", "heel_strike"])
def test_bilateral_sagittal_deviation_gives_one_finding_without_side(code):
    _, size, _ = CASES[code]
    assert codes(run("side", **{code: size})) == [(code, None)]


def test_front_view_is_detected_and_keeps_sides_straight():
    report = run("front", knee_valgus={"right": 16.0})
    assert report["view"] == "front"
    assert codes(report) == [("knee_valgus", "right")]


SIZES = {
    "knee_valgus": ("rear", [6, 10, 14, 18]),
    "pelvic_drop": ("rear", [4, 7, 10, 13]),
    "foot_turn_out": ("rear", [10, 18, 25, 30]),
    "arm_crossover": ("rear", [-10, 5, 15, 30]),
    "overstride": ("side", [6, 12, 16, 20]),
    "heel_strike": ("side", [5, 12, 20, 28]),
}


@pytest.mark.parametrize("fps", [60, 240])
@pytest.mark.parametrize("code", list(SIZES))
def test_measured_value_grows_with_injected_size_within_tolerance(code, fps):
    view, sizes = SIZES[code]
    low, high = CASES[code][2]
    measured = [run(view, fps=fps, **{code: {"left": s}})["metrics"][code]["left"] for s in sizes]
    assert measured == sorted(measured) and len(set(measured)) == len(measured)
    for injected, value in zip(sizes, measured, strict=True):
        assert low <= value - injected <= high, (injected, value)


def test_trunk_lean_grows_with_injected_size():
    measured = [run("side", trunk_lean=s)["metrics"]["trunk_lean"]["left"] for s in (3, 8, 12, 16)]
    assert measured == pytest.approx([3, 8, 12, 16], abs=1.0)


def test_heel_strike_with_audio_names_the_louder_foot():
    report = analyze(
        generate(Runner(view="side", fps=120, heel_strike=20.0, audio=True, strike_loudness_db={"right": 6.0}))
    )
    assert codes(report) == [("heel_strike", "right")]
    loud = report["metrics"]["strike_loudness"]
    assert loud["left_minus_right_db"] == pytest.approx(-6.0, abs=1.0)
    assert "louder" in report["findings"][0]["summary"]


def test_threshold_override_changes_what_is_found():
    report = analyze(generate(Runner(view="rear", pelvic_drop={"left": 5.0})), thresholds={"pelvic_drop": 4.0})
    assert codes(report) == [("pelvic_drop", "left")]
    assert report["findings"][0]["threshold"] == 4.0
