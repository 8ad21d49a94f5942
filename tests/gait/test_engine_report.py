"""Report shape, JSON safety, view detection, input errors and quality warnings."""

import json

import numpy as np
import pytest

from gait.engine.analyze import analyze, analyze_full
from gait.engine.errors import GaitInputError
from gait.engine.landmarks import LandmarkSeries
from gait.engine.synthetic import Runner, generate


def test_report_is_strict_json_with_the_documented_shape():
    report = analyze(generate(Runner(view="side", fps=60, audio=True, heel_strike={"left": 20})))
    text = json.dumps(report, allow_nan=False)
    assert json.loads(text) == report
    assert report["schema"] == "stridewell.gait/1"
    assert {
        "view",
        "fps",
        "frames",
        "duration_s",
        "cadence_spm",
        "steps",
        "metrics",
        "findings",
        "events",
        "quality",
    } <= set(report)
    for name in ("trunk_lean", "overstride", "heel_strike", "cadence", "contact_time", "duty_factor"):
        assert {"left", "right", "unit", "asymmetry_pct"} <= set(report["metrics"][name])
    finding = report["findings"][0]
    assert set(finding) == {
        "code",
        "side",
        "value",
        "unit",
        "threshold",
        "severity",
        "confidence",
        "evidence_frames",
        "summary",
    }
    for side in ("left", "right"):
        ev = report["events"][side]
        assert len(ev["initial_contact"]) >= 14
        assert all(isinstance(f, int) for f in ev["mid_stance"])
    assert isinstance(report["quality"]["warnings"], list)


@pytest.mark.parametrize("view", ["side", "rear"])
def test_metrics_carry_each_steps_value_at_its_initial_contact(view):
    report = analyze(generate(Runner(view=view, fps=60, heel_strike={"left": 20}, knee_valgus={"right": 12})))
    contacts = {side: set(report["events"][side]["initial_contact"]) for side in ("left", "right")}
    for name, entry in report["metrics"].items():
        per_step = entry["per_step"]
        for side in ("left", "right"):
            values, frames = per_step[side], per_step["frames"][side]
            assert len(values) == len(frames) >= 10, (name, side)
            assert frames == sorted(frames)  # step order
            if name != "cadence":  # cadence per stride; the summary is over whole strides
                assert np.median(values) == pytest.approx(entry[side], abs=0.01), (name, side)
            if name != "pelvic_drop":  # measured in the other leg's stance, listed under the side that drops
                assert set(frames) <= contacts[side], (name, side)
    if view == "side":
        strike = report["metrics"]["heel_strike"]["per_step"]
        assert min(strike["left"]) > max(strike["right"]) + 10  # the left heel strikes every step
    else:
        valgus = report["metrics"]["knee_valgus"]["per_step"]
        assert min(valgus["right"]) > max(valgus["left"])


def test_analyze_full_returns_cleaned_series_of_same_length():
    series = generate(Runner(view="rear", fps=30, noise_px=2.0))
    result = analyze_full(series)
    assert result.clean.landmarks.shape == series.landmarks.shape
    assert result.report == analyze(series)


@pytest.mark.parametrize("view", ["rear", "front", "side"])
def test_view_is_detected(view):
    report = analyze(generate(Runner(view=view)))
    assert report["view"] == view
    assert report["quality"]["view_confidence"] >= 0.9


def test_caller_view_overrides_detection_and_lowers_confidence_when_it_does_not_fit():
    report = analyze(generate(Runner(view="rear")), view="side")
    assert report["view"] == "side"
    assert report["quality"]["view_confidence"] < 0.5


def nan_series(frames=300):
    return LandmarkSeries(np.full((frames, 33, 4), np.nan), fps=30, width=720, height=1280)


def test_no_person_raises_specific_error():
    with pytest.raises(GaitInputError, match="no person"):
        analyze(nan_series())


def test_too_short_raises_specific_error():
    with pytest.raises(GaitInputError, match="too short"):
        analyze(generate(Runner(duration=1.5)))


def test_wrong_shape_raises_specific_error():
    with pytest.raises(GaitInputError, match=r"shape \(T, 33, 4\)"):
        LandmarkSeries(np.zeros((100, 17, 4)), fps=30, width=720, height=1280)
    series = generate(Runner())
    series.landmarks = series.landmarks[:, :17]
    with pytest.raises(GaitInputError, match=r"shape \(T, 33, 4\)"):
        analyze(series)


def test_standing_still_raises_too_few_strikes():
    series = generate(Runner())
    series.landmarks[:] = series.landmarks[:1]
    with pytest.raises(GaitInputError, match="foot strikes"):
        analyze(series)


def test_hidden_legs_raise_specific_error():
    with pytest.raises(GaitInputError, match="legs are not visible"):
        analyze(generate(Runner(visibility=0.1)))


def test_unknown_view_and_threshold_code_raise():
    with pytest.raises(GaitInputError, match="view must be"):
        analyze(generate(Runner()), view="diagonal")
    with pytest.raises(GaitInputError, match="unknown finding code"):
        analyze(generate(Runner()), thresholds={"knee_wobble": 3})


def test_low_frame_rate_refuses_timing_and_warns():
    report = analyze(generate(Runner(view="side", fps=24)))
    assert "contact_time" not in report["metrics"]
    assert "duty_factor" not in report["metrics"]
    assert any("not reported" in w for w in report["quality"]["warnings"])


def test_30_fps_timing_is_reported_as_approximate():
    report = analyze(generate(Runner(view="side", fps=30)))
    assert report["metrics"]["contact_time"]["left"] is not None
    assert any("approximate" in w for w in report["quality"]["warnings"])


def test_slow_motion_file_gets_implausible_cadence_warning():
    # 240 fps footage tagged as 30 fps: cadence reads 8x too slow.
    series = generate(Runner(view="rear", fps=240, duration=10))
    slow = LandmarkSeries(series.landmarks, fps=30, width=series.width, height=series.height)
    report = analyze(slow)
    assert report["cadence_spm"] == pytest.approx(170 / 8, rel=0.02)
    assert any("slow-motion" in w for w in report["quality"]["warnings"])


def test_too_few_steps_warns():
    report = analyze(generate(Runner(view="rear", duration=3)))
    assert any("at least 7 per side" in w for w in report["quality"]["warnings"])


def test_tilted_camera_is_estimated():
    series = generate(Runner(view="side", fps=60))
    theta = np.radians(8.0)
    px = series.landmarks[..., :2] * [series.width, series.height]
    centre = px.reshape(-1, 2).mean(axis=0)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    series.landmarks[..., :2] = ((px - centre) @ rot.T + centre) / [series.width, series.height]
    report = analyze(series)
    assert abs(report["quality"]["camera_tilt_deg"]) == pytest.approx(8.0, abs=1.5)
    assert any("tilted" in w for w in report["quality"]["warnings"])


def test_hidden_far_leg_in_side_view_is_warned_about():
    series = generate(Runner(view="side"))
    series.landmarks[:, [26, 28, 30, 32], 3] = 0.5  # right leg is the far one, facing left
    report = analyze(series)
    assert report["quality"]["leg_visibility"]["right"] == pytest.approx(0.5)
    assert any("right leg was partly hidden" in w for w in report["quality"]["warnings"])
