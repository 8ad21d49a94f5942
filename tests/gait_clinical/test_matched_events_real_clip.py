"""Matched events on two real analyses of the shared treadmill clip: the whole clip and a copy
that starts 1.5 s later (the same run filmed from a later start), analysed once per test session."""

from __future__ import annotations

import dataclasses

import pytest

from gait.clinical.comparison import compare, matched_events
from gait.engine import landmarks as lm
from gait.engine.analyze import analyze
from gait.engine.extract import extract_landmarks
from tests.conftest import GAIT_TEST_DATA

pytestmark = pytest.mark.slow

TRIM = 45  # frames (1.5 s at 30 fps) cut from the start of the second copy
HEEL = {"left": lm.LEFT_HEEL, "right": lm.RIGHT_HEEL}
OTHER = {"left": "right", "right": "left"}


@pytest.fixture(scope="session")
def clip():
    series = extract_landmarks(GAIT_TEST_DATA / "treadmill_side_male.mp4")
    later = dataclasses.replace(
        series,
        landmarks=series.landmarks[TRIM:],
        timestamps=series.timestamps[TRIM:] - series.timestamps[TRIM],
        audio=None,
        audio_rate=None,
    )
    return series, analyze(series), analyze(later)


def contacts(report, side):
    return report["events"][side]["initial_contact"]


def test_contact_n_of_each_side_is_paired_in_both_trials(clip):
    _, a, b = clip
    pairs = matched_events(a["events"], b["events"], a["fps"], b["fps"])
    for side in ("left", "right"):
        mine = [p for p in pairs if p.side == side]
        assert len(mine) == min(len(contacts(a, side)), len(contacts(b, side))) >= 10
        assert [p.frame_a for p in mine] == contacts(a, side)[: len(mine)]
        assert [p.frame_b for p in mine] == contacts(b, side)[: len(mine)]
        assert all(p.time_b == pytest.approx(p.frame_b / 30.0, abs=1e-3) for p in mine)
    assert [p.frame_a for p in pairs] == sorted(p.frame_a for p in pairs)


def test_both_frames_of_every_pair_show_that_foot_landing(clip):
    """At a left contact the left heel is ahead of the right one (the runner faces image-left, so
    ahead = smaller x), in both videos; frame f of the later copy is frame f + TRIM of the clip."""
    series, a, b = clip
    x = series.landmarks[:, :, 0]
    for p in matched_events(a["events"], b["events"], a["fps"], b["fps"]):
        for frame in (p.frame_a, p.frame_b + TRIM):
            assert x[frame, HEEL[OTHER[p.side]]] - x[frame, HEEL[p.side]] > 0.15, (p, frame)


def test_starting_indices_line_up_the_same_physical_strides(clip):
    _, a, b = clip
    for side in ("left", "right"):
        # The whole clip's contact that is the later copy's first one (edge contacts can be missed).
        skipped = sum(f < TRIM + contacts(b, side)[0] - 2 for f in contacts(a, side))
        pairs = [p for p in matched_events(a["events"], b["events"], 30.0, 30.0, start_a=skipped) if p.side == side]
        assert len(pairs) >= 10
        assert all(abs(p.frame_a - p.frame_b - TRIM) <= 1 for p in pairs), [(p.frame_a, p.frame_b) for p in pairs]


def test_the_same_run_shows_no_detectable_change(clip):
    _, a, b = clip
    rows = [r for r in compare(a["metrics"], b["metrics"]) if r.detectable is not None]
    assert {r.metric for r in rows} >= {"cadence", "overstride", "heel_strike", "trunk_lean"}
    assert [r for r in rows if r.verdict != "no detectable change"] == []
