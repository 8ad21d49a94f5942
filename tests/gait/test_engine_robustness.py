"""A healthy runner yields no findings across cadence, frame rate, noise, size, glitches."""

import contextlib

import numpy as np
import pytest

from gait.engine.analyze import analyze
from gait.engine.errors import GaitInputError
from gait.engine.landmarks import LandmarkSeries
from gait.engine.synthetic import Runner, generate


@pytest.mark.parametrize("view", ["rear", "side"])
@pytest.mark.parametrize(
    ("cadence", "fps", "noise_px", "body_height_px"),
    [
        (150, 30, 0.5, 600),
        (160, 60, 1.5, 900),
        (170, 120, 1.0, 1100),
        (180, 240, 2.0, 1400),
        (190, 60, 1.0, 700),
    ],
)
def test_healthy_runner_has_no_findings_and_exact_cadence(view, cadence, fps, noise_px, body_height_px):
    runner = Runner(view=view, cadence=cadence, fps=fps, noise_px=noise_px, body_height_px=body_height_px)
    report = analyze(generate(runner))
    assert report["findings"] == []
    assert report["cadence_spm"] == pytest.approx(cadence, rel=0.01)
    assert min(report["steps"].values()) >= 12


@pytest.mark.parametrize("view", ["rear", "side"])
def test_swaps_and_short_gaps_do_not_create_findings(view):
    swaps = [(40, 43), (150, 152), (300, 304)]
    gaps = [(100, 104), (400, 405)]  # <= 0.1 s at 60 fps
    report = analyze(generate(Runner(view=view, fps=60, noise_px=1.0, swaps=swaps, gaps=gaps)))
    assert report["findings"] == []
    assert report["quality"]["swapped_frames_repaired"] >= 9
    assert report["quality"]["long_gap_frames"] == 0
    assert report["cadence_spm"] == pytest.approx(170, rel=0.01)


def test_long_gap_is_kept_and_reported():
    report = analyze(generate(Runner(view="rear", fps=60, gaps=[(200, 260)])))
    assert report["quality"]["long_gap_frames"] == 60
    assert report["quality"]["long_gaps"] == [[200, 260]]
    assert any("gaps longer" in w for w in report["quality"]["warnings"])
    assert report["findings"] == []


def test_contact_time_and_duty_factor_match_the_synthetic_runner():
    # Events from a 12 Hz-filtered signal put IC ~20 ms early and TO ~12 ms late: +-45 ms.
    report = analyze(generate(Runner(view="side", fps=120, contact_ms=250, cadence=170)))
    for side in ("left", "right"):
        assert report["metrics"]["contact_time"][side] == pytest.approx(250, abs=45)
        assert report["metrics"]["duty_factor"][side] == pytest.approx(250 / (120 / 170 * 1000) * 100, abs=6)


@pytest.mark.parametrize("view", ["auto", "rear", "front", "side"])
@pytest.mark.parametrize(
    ("frames", "fps", "width", "height"), [(1, 30, 2, 2), (50, 240, 320, 240), (400, 30, 320, 240)]
)
def test_noise_instead_of_a_runner_gets_a_reason_not_an_internal_error(view, frames, fps, width, height):
    """Random landmarks once gave 'IndexError' from the stride period (an all-NaN signal)."""
    series = LandmarkSeries(np.random.default_rng(0).random((frames, 33, 4)), fps=fps, width=width, height=height)
    with contextlib.suppress(GaitInputError):  # a reason is fine; anything else fails the test
        analyze(series, view=view)
