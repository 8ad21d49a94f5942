"""Rear and front views through a pinhole camera: events, measures and findings over a grid.

24 camera set-ups per frontal view span 2-5 m away, 0.3-1.5 m high, -10..+10 deg pitch,
30-240 fps, belts 2-6 m/s and cadences 150-200, the lens on or up to 0.5 m off the belt's
centre line (14 deg off axis at 2 m; both signs at 2 m), in rear and in front view.
Off the line, the knee's forward
bend at mid-stance shows as a sideways bend in the picture (0.5 m off at 2 m: a clean knee
reads 9-16 deg "in" by projection alone); the engine takes the belt-direction part of the
depth out of the image x (camera.depth_shear, with the pinhole's 1/depth: camera.on_belt_line_x), so the knee angle is compared with the
projection through the same camera moved onto the belt's line
(synthetic.expected_2d(on_belt_line=True)), and so is the foot's progression angle (a low
camera off the line sees the belt run almost across the picture); the pelvis with the
camera's own. Further
off than the grid the engine warns (test_far_off_centre_camera_is_warned_about).
Deviations are injected in 3-D; the expected 2-D values are the noise-free projection at
the true mid-stances. Pure numpy.
"""

from __future__ import annotations

import numpy as np
import pytest

from gait.engine.analyze import analyze
from gait.engine.synthetic import Camera, Runner, expected_2d, generate, true_events

DISTANCES = [2.0, 2.5, 3.0, 3.5, 4.0, 5.0]
HEIGHTS = [0.3, 0.6, 1.0, 1.5]
PITCHES = [-10, -5, 0, 5, 10]
FPS = [30, 60, 120, 240]
SPEEDS = [2.0, 3.0, 4.0, 5.0, 6.0]
CADENCES = [150, 160, 170, 180, 190, 200]
# Lens off the belt's centre line, m (+ = runner's left); see setups() for the pairing.
LATERALS = [0.5, -0.5, 0.0, 0.25, -0.25]


def setups():
    """24 set-ups; each parameter cycles through its range with its own period."""
    for i in range(24):
        distance = DISTANCES[i % 6]
        yield {
            "camera": Camera(
                distance=distance,
                height=HEIGHTS[(i // 2) % 4],
                pitch=PITCHES[(i * 3) % 5],
                # Its own period, shifted each round of distances: 2 m meets +0.5 and -0.5.
                lateral=LATERALS[(i + i // 6) % 5],
            ),
            "fps": FPS[(i // 3) % 4],
            "belt_speed": SPEEDS[(i * 2) % 5],
            # Contact shortens with speed: 290 ms at 2 m/s, 150 ms at 6 m/s.
            "contact_ms": 1000 * (0.36 - 0.035 * SPEEDS[(i * 2) % 5]),
            "cadence": CADENCES[(i * 5) % 6],
        }


SETUPS = list(setups())
TEXTBOOK = {"knee_valgus": "left", "pelvic_drop": "right", "foot_turn_out": "left"}
MIRROR = {code: ("right" if side == "left" else "left") for code, side in TEXTBOOK.items()}


def runner(view, setup, i, **deviations) -> Runner:
    return Runner(view=view, duration=7.0, noise_px=1.0, seed=i, **setup, **deviations)


def textbook(i, sides) -> dict:
    """Sizes vary over the grid: knee 14-20 deg, pelvis 7-12 deg, foot 22-28 deg."""
    return {
        "knee_valgus": {sides["knee_valgus"]: 14.0 + (i * 5) % 7},
        "pelvic_drop": {sides["pelvic_drop"]: 7.0 + (i * 5) % 6},
        "foot_turn_out": {sides["foot_turn_out"]: 22.0 + (i * 5) % 7},
    }


def under_threshold(i) -> dict:
    """Front-view runs: one knee 12-20 deg, the other 5-8, one side of the pelvis 3-5."""
    strong, weak = ("right", "left") if i % 2 else ("left", "right")
    return {
        "knee_valgus": {strong: 12.0 + (i * 7) % 9, weak: 5.0 + i % 4},
        "pelvic_drop": {weak: 3.0 + i % 3},
    }


def analysed(view, i, **deviations):
    r = runner(view, SETUPS[i], i, **deviations)
    return r, analyze(generate(r))


@pytest.fixture(scope="module")
def runs():
    out = {"rear": [], "front": []}
    for i in range(len(SETUPS)):
        out["rear"].append(("textbook", *analysed("rear", i, **textbook(i, TEXTBOOK))))
        out["rear"].append(("mirror", *analysed("rear", i, **textbook(i, MIRROR))))
        out["front"].append(("under", *analysed("front", i, **under_threshold(i))))
        for view in ("rear", "front"):
            out[view].append(("clean", *analysed(view, i)))
    return out


def findings(report):
    return sorted((f["code"], f["side"]) for f in report["findings"])


def event_errors_at_60fps(r, report):
    """|detected - true| per detected event, in 60 fps frames (33 ms = 2 frames)."""
    truth = true_events(r)
    errors = []
    for side in ("left", "right"):
        for name, key in (("initial_contact", "ic"), ("toe_off", "to")):
            for frame in report["events"][side][name]:
                errors.append(np.min(np.abs(truth[side][key] - frame)) * 60 / r.fps)
    return np.array(errors)


@pytest.mark.parametrize("view", ["rear", "front"])
def test_events_within_two_frames_at_60fps_in_95_percent_of_steps(runs, view):
    errors = np.concatenate([event_errors_at_60fps(r, report) for _, r, report in runs[view]])
    steps = sum(min(report["steps"].values()) for _, _, report in runs[view])
    assert steps >= 2 * 24 * 7
    share = np.mean(errors <= 2.0)
    print(f"{view}: {share:.1%} of {len(errors)} events within 2 frames at 60 fps; worst {errors.max():.2f}")
    assert share >= 0.95


@pytest.mark.parametrize("view", ["rear", "front"])
def test_every_step_is_found(runs, view):
    for _, r, report in runs[view]:
        for side in ("left", "right"):
            true_stances = np.sum(true_events(r)[side]["to"] < r.duration * r.fps - 1)
            assert report["steps"][side] >= true_stances - 2, (r.camera, side)


@pytest.mark.parametrize("view", ["rear", "front"])
def test_mid_stance_measures_match_the_projected_truth(runs, view):
    worst = {"knee_valgus": 0.0, "pelvic_drop": 0.0, "foot_turn_out": 0.0}
    limits = {"knee_valgus": 2.0, "pelvic_drop": 2.0, "foot_turn_out": 3.0}
    for _, r, report in runs[view]:
        truth = expected_2d(r)
        # Knee and foot as a camera on the belt's line sees them: what the engine corrects to.
        for side, values in expected_2d(r, on_belt_line=True).items():
            truth[side].update(knee_valgus=values["knee_valgus"], foot_turn_out=values["foot_turn_out"])
        for code in worst:
            for side in ("left", "right"):
                error = abs(report["metrics"][code][side] - truth[side][code])
                worst[code] = max(worst[code], error)
                assert error <= limits[code], (code, side, r.camera, report["metrics"][code][side], truth[side][code])
    print(view, {code: round(value, 2) for code, value in worst.items()})


def test_injected_sizes_span_the_required_ranges(runs):
    knee = [v for kind, r, _ in runs["rear"] + runs["front"] if kind != "clean" for v in r.knee_valgus.values()]
    pelvis = [v for kind, r, _ in runs["rear"] + runs["front"] if kind != "clean" for v in r.pelvic_drop.values()]
    assert min(knee) <= 5 and max(knee) >= 20
    assert min(pelvis) <= 3 and max(pelvis) >= 12


def test_textbook_weak_gluteus_medius_and_its_mirror_in_every_rear_setup(runs):
    for kind, r, report in runs["rear"]:
        if kind in ("textbook", "mirror"):
            expected = TEXTBOOK if kind == "textbook" else MIRROR
            assert findings(report) == sorted(expected.items()), (kind, r.camera, r.fps)


def test_front_view_finds_knee_valgus_of_12_degrees_or_more_on_its_side(runs):
    for kind, r, report in runs["front"]:
        if kind == "under":
            strong = max(r.knee_valgus, key=r.knee_valgus.get)
            assert findings(report) == [("knee_valgus", strong)], (
                r.camera,
                r.knee_valgus,
                report["metrics"]["knee_valgus"],
            )


@pytest.mark.parametrize("view", ["rear", "front"])
def test_clean_runner_has_no_finding_in_any_setup(runs, view):
    for kind, r, report in runs[view]:
        if kind == "clean":
            assert report["findings"] == [], (r.camera, findings(report))


def test_camera_geometry_is_reported_and_tested_setups_are_not_warned_about(runs):
    for _, r, report in runs["rear"] + runs["front"]:
        camera = report["quality"]["camera"]
        assert camera["feet_depth_travel_leg_lengths"] > 0.3
        assert not [w for w in report["quality"]["warnings"] if "tested" in w], (r.camera, report["quality"])


def test_feet_depth_travel_follows_the_belt_speed():
    slow = analyze(generate(Runner(view="rear", camera=Camera(), belt_speed=2.0, contact_ms=290, noise_px=1.0)))
    fast = analyze(generate(Runner(view="rear", camera=Camera(), belt_speed=5.0, contact_ms=185, noise_px=1.0)))
    travel = [r["quality"]["camera"]["feet_depth_travel_leg_lengths"] for r in (slow, fast)]
    # 0.58 m and 0.93 m of belt under a 0.9 m leg, read through MediaPipe-like depth.
    assert 0.5 < travel[0] < 0.85 < travel[1] < 1.3


def test_far_off_centre_camera_is_warned_about():
    """1 m off the centre line at 2 m (27 deg): beyond what the depth shear is proved on."""
    r = Runner(view="rear", camera=Camera(distance=2.0, height=1.0, lateral=1.0), belt_speed=3.0, noise_px=1.0)
    report = analyze(generate(r))
    assert abs(report["quality"]["camera"]["bearing_deg"]) > 16
    assert any("off the belt's line" in w for w in report["quality"]["warnings"])


def test_front_camera_half_a_metre_off_centre_holds_and_further_off_is_warned_about():
    """0.5 m off at 2 m in front, tilted 10 deg: the knee comes towards the lens at
    mid-stance and the first-order shear correction alone left ~2.5 deg; the pinhole's
    exact shift holds it within 2 deg and no warning. 1 m off (27 deg) is warned about."""
    knee = {"left": 16.0, "right": 6.0}
    for lateral in (-0.5, 0.5):
        r = Runner(
            view="front",
            camera=Camera(distance=2.0, height=0.6, pitch=10, lateral=lateral),
            belt_speed=3.0,
            noise_px=1.0,
            knee_valgus=knee,
        )
        report = analyze(generate(r))
        assert not [w for w in report["quality"]["warnings"] if "tested" in w], report["quality"]
        truth = expected_2d(r, on_belt_line=True)
        for side in ("left", "right"):
            measured = report["metrics"]["knee_valgus"][side]
            assert measured == pytest.approx(truth[side]["knee_valgus"], abs=2.0), (lateral, side)
    far = Runner(
        view="front", camera=Camera(distance=2.0, height=0.6, pitch=10, lateral=-1.0), belt_speed=3.0, noise_px=1.0
    )
    report = analyze(generate(far))
    assert abs(report["quality"]["camera"]["bearing_deg"]) > 16
    assert any("off the belt's line" in w for w in report["quality"]["warnings"])


def test_set_up_outside_the_tested_frame_rates_and_cadences_is_warned_about():
    report = analyze(generate(Runner(view="rear", camera=Camera(), fps=25, cadence=140, belt_speed=2.5)))
    text = " ".join(report["quality"]["warnings"])
    assert "tested at 30-240 frames per second, not 25" in text
    assert "steps/min" in text


def test_side_view_through_an_oblique_pinhole_keeps_its_events():
    r = Runner(view="side", camera=Camera(distance=3.0, height=1.0, lateral=0.6, pitch=5), belt_speed=3.5, noise_px=1.0)
    report = analyze(generate(r))
    assert report["view"] == "side"
    errors = event_errors_at_60fps(r, report)
    assert np.mean(errors <= 3.0) >= 0.9
    assert report["cadence_spm"] == pytest.approx(170, rel=0.01)
