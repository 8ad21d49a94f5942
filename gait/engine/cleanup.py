"""Landmark clean-up: L/R swap repair, outlier rejection, short-gap filling, zero-lag low-pass."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import butter, sosfiltfilt

from . import landmarks as lm
from .landmarks import LandmarkSeries
from .thresholds import CLEANUP

LEG_PAIRS = [
    (lm.LEFT_KNEE, lm.RIGHT_KNEE),
    (lm.LEFT_ANKLE, lm.RIGHT_ANKLE),
    (lm.LEFT_HEEL, lm.RIGHT_HEEL),
    (lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX),
]
ARM_PAIRS = [(lm.LEFT_ELBOW, lm.RIGHT_ELBOW), (lm.LEFT_WRIST, lm.RIGHT_WRIST)]


@dataclass
class CleanupStats:
    swapped_frames: int = 0
    outliers_removed: int = 0
    short_gaps_filled: int = 0
    long_gap_frames: int = 0
    long_gaps: list[tuple[int, int]] = field(default_factory=list)
    cutoff_hz: float = 0.0
    # Pixels (T, 33, 3) after repair and gap filling but before the low-pass: event timing
    # refines turning points on it, which the filter rounds off by ~20 ms.
    unfiltered: np.ndarray | None = field(default=None, repr=False)


def clean(series: LandmarkSeries) -> tuple[LandmarkSeries, CleanupStats]:
    """A cleaned copy of the series (same length) and what was changed."""
    stats = CleanupStats()
    data = series.landmarks.copy()
    scale = np.array([series.width, series.height, series.width], dtype=float)
    xyz = data[..., :3] * scale  # pixels, so x and y distances are comparable
    vis = data[..., 3]
    leg = leg_length_px(xyz)

    max_run = max(1, int(round(CLEANUP["swap_max_s"] * series.fps)))
    stats.swapped_frames = sum(repair_swaps(xyz, vis, pairs, leg, max_run) for pairs in (LEG_PAIRS, ARM_PAIRS))
    stats.outliers_removed = reject_outliers(xyz, vis, leg)
    max_gap = max(1, int(round(CLEANUP["max_gap_s"] * series.fps)))
    stats.short_gaps_filled = fill_short_gaps(xyz, vis, max_gap)
    stats.long_gaps = person_gaps(xyz)
    stats.long_gap_frames = sum(b - a for a, b in stats.long_gaps)
    stats.unfiltered = xyz.copy()
    stats.cutoff_hz = lowpass(xyz, series.fps)

    data[..., :3] = xyz / scale
    data[..., 3] = vis
    cleaned = LandmarkSeries(
        data,
        fps=series.fps,
        width=series.width,
        height=series.height,
        view=series.view,
        audio=series.audio,
        audio_rate=series.audio_rate,
        timestamps=series.timestamps,
    )
    return cleaned, stats


def leg_length_px(xyz: np.ndarray) -> float:
    """Median hip-knee-ankle length over both legs, the engine's unit of body size."""
    lengths = []
    for hip, knee, ankle in ((lm.LEFT_HIP, lm.LEFT_KNEE, lm.LEFT_ANKLE), (lm.RIGHT_HIP, lm.RIGHT_KNEE, lm.RIGHT_ANKLE)):
        xy = xyz[..., :2]
        lengths.append(
            np.linalg.norm(xy[:, hip] - xy[:, knee], axis=1) + np.linalg.norm(xy[:, knee] - xy[:, ankle], axis=1)
        )
    value = np.nanmedian(np.concatenate(lengths)) if np.isfinite(lengths).any() else np.nan
    return float(value) if np.isfinite(value) and value > 0 else 1.0


def repair_swaps(xyz, vis, pairs, leg: float, max_run: int) -> int:
    """Undo frames where left and right labels swap, judged by continuity; returns frames fixed.

    Each frame is compared with a constant-velocity prediction from the repaired previous
    frames. A swap is accepted only when it is clearly cheaper, and runs of swapped frames
    longer than a glitch are undone, since the tracker's own labels are right most of the time.
    """
    left = [a for a, _ in pairs]
    right = [b for _, b in pairs]
    raw = xyz.copy()
    raw_vis = vis.copy()
    swapped = np.zeros(len(xyz), dtype=bool)
    margin = CLEANUP["swap_min_gain"] * leg * len(pairs)
    # The loop is sequential (each frame is judged against repaired ones), so it works on a
    # small (T, 2, pairs, 2) copy with plain arithmetic: ~10x faster than indexing xyz.
    pts = np.stack([xyz[:, left, :2], xyz[:, right, :2]], axis=1)
    finite = np.isfinite(pts).all(axis=(1, 2, 3))
    for t in range(1, len(pts)):
        if not (finite[t] and finite[t - 1]):
            continue
        prev = pts[t - 1]
        pred = 2 * prev - pts[t - 2] if t >= 2 and finite[t - 2] else prev
        cur = pts[t]
        keep = _dist(cur, pred)
        swap = _dist(cur[::-1], pred)
        if swap < 0.5 * keep and keep - swap > margin:
            pts[t] = cur[::-1].copy()
            _swap_frame(xyz, vis, t, left, right)
            swapped[t] = True
    for start, stop in _runs(swapped):
        if stop - start > max_run:
            xyz[start:stop], vis[start:stop] = raw[start:stop], raw_vis[start:stop]
            swapped[start:stop] = False
    return int(swapped.sum())


def _dist(a, b) -> float:
    d = a - b
    return float(np.sqrt((d * d).sum(axis=-1)).sum())


def _swap_frame(xyz, vis, t, left, right):
    xyz[t, left + right] = xyz[t, right + left]
    vis[t, left + right] = vis[t, right + left]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True."""
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=False))


def reject_outliers(xyz, vis, leg: float) -> int:
    """Blank points far from their 5-frame running median (robust to the MAD noise level)."""
    half = 2
    padded = np.pad(xyz[..., :2], ((half, half), (0, 0), (0, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows are expected
        median = np.nanmedian(windows, axis=-1)
        residual = np.abs(xyz[..., :2] - median)
        mad = np.nanmedian(residual, axis=0) * 1.4826
    limit = np.maximum(CLEANUP["outlier_mad"] * mad, CLEANUP["outlier_min_leg"] * leg)
    bad = (residual > limit).any(axis=-1)
    count = int(bad.sum())
    xyz[bad] = np.nan
    vis[bad] = np.nan
    return count


def fill_short_gaps(xyz, vis, max_gap: int) -> int:
    """Linearly interpolate gaps of at most max_gap frames; longer gaps stay NaN."""
    filled = 0
    frames = np.arange(len(xyz))
    for j in range(xyz.shape[1]):
        missing = ~np.isfinite(xyz[:, j]).all(axis=1)
        if not missing.any() or missing.all():
            continue
        for start, stop in _runs(missing):
            if start == 0 or stop == len(xyz) or stop - start > max_gap:
                continue
            idx = frames[start:stop]
            for c in range(3):
                xyz[idx, j, c] = np.interp(idx, [start - 1, stop], xyz[[start - 1, stop], j, c])
            vis[idx, j] = np.interp(idx, [start - 1, stop], vis[[start - 1, stop], j])
            filled += stop - start
    return filled


def person_gaps(xyz) -> list[tuple[int, int]]:
    """Frame ranges where the hips are missing after gap filling."""
    missing = ~np.isfinite(xyz[:, [lm.LEFT_HIP, lm.RIGHT_HIP], :2]).all(axis=(1, 2))
    return _runs(missing)


def lowpass(xyz, fps: float) -> float:
    """Zero-lag Butterworth (2nd order, run forward and back) on every finite stretch."""
    cutoff = min(CLEANUP["cutoff_hz"], CLEANUP["cutoff_max_nyquist"] * fps / 2)
    sos = butter(2, cutoff, fs=fps, output="sos")
    for j in range(xyz.shape[1]):
        finite = np.isfinite(xyz[:, j]).all(axis=1)
        for start, stop in _runs(finite):
            if stop - start > 15:  # sosfiltfilt needs a few samples of padding
                xyz[start:stop, j] = sosfiltfilt(sos, xyz[start:stop, j], axis=0)
    return float(cutoff)
