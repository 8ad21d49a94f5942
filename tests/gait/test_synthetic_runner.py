"""The synthetic runner itself: shape, determinism, and that injected sizes are what they claim."""

import numpy as np
import pytest

from gait.engine import landmarks as lm
from gait.engine.synthetic import Runner, generate


def test_series_has_mediapipe_shape_and_requested_timing():
    series = generate(Runner(view="rear", fps=60, duration=5))
    assert series.landmarks.shape == (300, 33, 4)
    assert series.fps == 60
    assert series.view == "rear"
    assert np.isfinite(series.landmarks).all()


def test_same_seed_same_data_and_noise_changes_it():
    a = generate(Runner(noise_px=2.0, seed=3)).landmarks
    b = generate(Runner(noise_px=2.0, seed=3)).landmarks
    c = generate(Runner(noise_px=2.0, seed=4)).landmarks
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_rear_view_puts_left_side_on_image_left_and_front_view_mirrors_it():
    rear = generate(Runner(view="rear")).landmarks
    front = generate(Runner(view="front")).landmarks
    assert np.all(rear[:, lm.LEFT_HIP, 0] < rear[:, lm.RIGHT_HIP, 0])
    assert np.all(front[:, lm.LEFT_HIP, 0] > front[:, lm.RIGHT_HIP, 0])


def test_injected_pelvic_drop_is_the_hip_line_angle_at_left_mid_stance():
    runner = Runner(view="rear", fps=240, pelvic_drop={"right": 8.0}, contact_ms=250)
    series = generate(runner)
    mid_stance = int(round(0.125 * runner.fps))  # left IC at t=0, stance 250 ms
    px = series.landmarks[mid_stance, :, :2] * [series.width, series.height]
    d = px[lm.RIGHT_HIP] - px[lm.LEFT_HIP]
    assert np.degrees(np.arctan2(d[1], d[0])) == pytest.approx(8.0, abs=0.05)


def test_gaps_and_swaps_are_applied_where_asked():
    clean = generate(Runner(view="rear"))
    glitched = generate(Runner(view="rear", gaps=[(10, 14)], swaps=[(30, 32)]))
    assert np.isnan(glitched.landmarks[10:14]).all()
    assert np.allclose(glitched.landmarks[30, lm.LEFT_ANKLE], clean.landmarks[30, lm.RIGHT_ANKLE])


def test_audio_has_one_thump_per_initial_contact_louder_on_the_asked_side():
    runner = Runner(view="side", audio=True, strike_loudness_db={"right": 6.0})
    series = generate(runner)
    assert series.audio_rate == 8000
    peaks = {}
    for side in ("left", "right"):
        levels = []
        for t in runner.initial_contacts(side)[:-1]:
            i = int(t * series.audio_rate)
            levels.append(np.abs(series.audio[i : i + 200]).max())
        peaks[side] = np.median(levels)
    assert 20 * np.log10(peaks["right"] / peaks["left"]) == pytest.approx(6.0, abs=1.0)
