"""Gait events per foot: initial contact (IC), toe-off (TO) and mid-stance, from landmarks.

Side view: IC = forward peak of the heel relative to the pelvis (Zeni-type, as OpenCap),
TO = the toe rising off the belt. Rear/front view: the same physics along the line of
sight. On a treadmill the runner stays in place while the standing foot rides the belt
backward, so each foot is furthest forward of the pelvis at IC and furthest back at TO;
from behind or in front that is the foot's depth relative to the pelvis (MediaPipe's z),
which no camera height, tilt or distance changes. Image height cannot be used: a pinhole
camera sees the standing foot slide down (rear) or up (front) the picture as it travels
with the belt, so "lowest in the image" is not "on the floor". Event positions are
sub-frame (float frame indices).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from . import landmarks as lm

FOOT = {"left": (lm.LEFT_HEEL, lm.LEFT_FOOT_INDEX), "right": (lm.RIGHT_HEEL, lm.RIGHT_FOOT_INDEX)}
STANCE_LEVEL = 0.1  # the foot is on the floor while within 10% of its swing height


@dataclass
class FootEvents:
    ic: np.ndarray  # float frames, ascending
    to: np.ndarray  # float frames; NaN where no toe-off was found before the next IC

    @property
    def complete(self) -> np.ndarray:
        """Indices of stances with both IC and TO."""
        return np.flatnonzero(np.isfinite(self.to))

    @property
    def mid_stance(self) -> np.ndarray:
        """Rounded frame half-way through each complete stance."""
        i = self.complete
        return np.round((self.ic[i] + self.to[i]) / 2).astype(int)

    def frames(self, which: str) -> list[int]:
        if which == "mid_stance":
            return self.mid_stance.tolist()
        values = self.ic if which == "initial_contact" else self.to[self.complete]
        return [int(round(v)) for v in values]


def detect(
    xyz: np.ndarray, fps: float, view: str, facing: int, unfiltered: np.ndarray | None = None
) -> dict[str, FootEvents]:
    """Events for both feet from cleaned pixel landmarks (T, 33, 3); `unfiltered` (the
    same before the low-pass), when given, refines rear/front turning points."""
    if view == "side":
        return {side: _side_view_events(xyz, side, facing, fps) for side in FOOT}
    forward = 1.0 if view == "rear" else -1.0  # + z = away from the camera
    return {side: _frontal_view_events(xyz, side, fps, forward, unfiltered) for side in FOOT}


def _side_view_events(xyz, side, facing, fps) -> FootEvents:
    heel, toe = FOOT[side]
    pelvis_x = (xyz[:, lm.LEFT_HIP, 0] + xyz[:, lm.RIGHT_HIP, 0]) / 2
    heel_ahead = facing * (xyz[:, heel, 0] - pelvis_x)
    period = stride_period_frames(heel_ahead, fps)
    ic = _peaks(heel_ahead, period)
    # Toe-off: the toe leaves the belt (Zeni's toe-behind-pelvis peak comes ~2 frames late
    # at 30 fps on the real treadmill clip, giving duty factors above 50%).
    toe_height = _fill_nan(-xyz[:, toe, 1])
    to = np.full(len(ic), np.nan)
    for k, start in enumerate(ic):
        stop = min(ic[k + 1] if k + 1 < len(ic) else np.inf, start + 0.75 * period, len(xyz) - 1)
        to[k] = _lift_off(toe_height, start, stop)
    return FootEvents(ic, to)


def foot_ahead_of_pelvis(xyz, side, forward) -> np.ndarray:
    """Depth of the foot (heel, ankle, toe averaged) ahead of the pelvis, x pixels."""
    heel, toe = FOOT[side]
    ankle = lm.LEFT_ANKLE if side == "left" else lm.RIGHT_ANKLE
    pelvis = (xyz[:, lm.LEFT_HIP, 2] + xyz[:, lm.RIGHT_HIP, 2]) / 2
    return forward * ((xyz[:, heel, 2] + xyz[:, toe, 2] + xyz[:, ankle, 2]) / 3 - pelvis)


def _frontal_view_events(xyz, side, fps, forward, unfiltered=None) -> FootEvents:
    """IC at each forward peak of the foot's depth, TO at the deepest point behind before
    the next IC: the turning points of the belt ride."""
    ahead = foot_ahead_of_pelvis(xyz, side, forward)
    period = stride_period_frames(ahead, fps)
    ic = _peaks(ahead, period)
    behind = _fill_nan(-ahead)
    to = np.full(len(ic), np.nan)
    for k, start in enumerate(ic):
        stop = min(ic[k + 1] if k + 1 < len(ic) else np.inf, start + 0.8 * period, len(xyz) - 1)
        to[k] = _peak_between(behind, start, stop)
    if unfiltered is not None:
        raw = foot_ahead_of_pelvis(unfiltered, side, forward)
        ic = np.array([_belt_ride_corner(raw, e, fps, stance_after=True) for e in ic])
        to = np.array([_belt_ride_corner(raw, e, fps, stance_after=False) if np.isfinite(e) else e for e in to])
    return FootEvents(ic, to)


RIDE_WINDOW_S = 0.1  # each side of a turning point used to place it
RIDE_SEARCH_S = 0.05  # how far from the filtered peak the corner may be


def _belt_ride_corner(signal, estimate, fps, stance_after) -> float:
    """Where the foot joins (IC) or leaves (TO) the belt, to a fraction of a frame.

    On the belt the foot's depth changes at the belt's constant speed: a straight line in
    time. In the air it turns round smoothly: a parabola. The event is the corner where
    the two meet (continuous there), found by least squares on the unfiltered depth; the
    low-pass filter would round that corner off and move the peak ~20 ms into the swing.
    """
    half = max(3, int(round(RIDE_WINDOW_S * fps)))
    lo, hi = int(np.floor(estimate)) - half, int(np.ceil(estimate)) + half
    if lo < 0 or hi >= len(signal):
        return estimate
    t = np.arange(lo, hi + 1, dtype=float)
    y = signal[lo : hi + 1]
    ok = np.isfinite(y)
    if ok.sum() < 7:
        return estimate
    t, y = t[ok], y[ok]
    search = max(1.0, RIDE_SEARCH_S * fps)
    # Whole frames first, then tenths around the best.
    coarse = _best_corner(t, y, np.arange(estimate - search, estimate + search + 1e-9, 1.0), stance_after)
    if coarse is None:
        return estimate
    fine = _best_corner(t, y, np.arange(coarse - 1.0, coarse + 1.0 + 1e-9, 0.1), stance_after)
    return estimate if fine is None else fine


def _best_corner(t, y, corners, stance_after) -> float | None:
    best, best_cost = None, np.inf
    for corner in corners:
        dt = t - corner
        on_belt = dt >= 0 if stance_after else dt <= 0
        if on_belt.sum() < 3 or (~on_belt).sum() < 3:
            continue
        # y = a + b*dt on the belt; y = a + c*dt + d*dt^2 in the air.
        air = np.where(on_belt, 0.0, dt)
        design = np.stack([np.ones_like(dt), np.where(on_belt, dt, 0.0), air, air**2], 1)
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        cost = float(np.sum((design @ coef - y) ** 2))
        if cost < best_cost:
            best, best_cost = float(corner), cost
    return best


def _peak_between(signal, start, stop) -> float:
    """Sub-frame position of the maximum strictly inside (start, stop), NaN at an edge."""
    lo, hi = int(np.floor(start)) + 1, int(np.ceil(stop)) - 1
    if hi - lo < 2:
        return np.nan
    i = lo + int(np.argmax(signal[lo : hi + 1]))
    if i in (lo, hi) and not (hi == len(signal) - 1 and False):
        return np.nan
    return i + _parabolic_offset(signal[i - 1 : i + 2])


def _level(seg) -> float:
    floor = seg.min()
    return floor + STANCE_LEVEL * (seg.max() - floor)


def _lift_off(height, start, stop) -> float:
    """Sub-frame time the foot rises through the stance level after its lowest point."""
    lo, hi = int(np.ceil(start)), int(np.floor(stop)) + 1
    seg = height[lo:hi]
    if len(seg) < 3:
        return np.nan
    level = _level(seg)
    bottom = int(np.argmin(seg))
    above = np.flatnonzero(seg[bottom:] > level)
    if len(above) == 0:
        return np.nan
    j = bottom + above[0]
    return lo + _crossing(seg, j - 1, j, level)


def _touch_down(height, start, stop) -> float:
    """Sub-frame time the foot comes down through the stance level before its lowest point."""
    lo, hi = int(np.ceil(start)), int(np.floor(stop)) + 1
    seg = height[lo:hi]
    if len(seg) < 3:
        return np.nan
    level = _level(seg)
    bottom = int(np.argmin(seg))
    above = np.flatnonzero(seg[: bottom + 1] > level)
    if len(above) == 0:
        return np.nan
    j = above[-1]
    return lo + _crossing(seg, j, j + 1, level)


def _crossing(seg, i, j, level) -> float:
    """Sub-frame position between samples i and j where seg crosses level."""
    di = seg[j] - seg[i]
    return i + (level - seg[i]) / di if di != 0 else float(i)


def _fill_nan(signal: np.ndarray) -> np.ndarray:
    ok = np.isfinite(signal)
    if ok.all() or not ok.any():
        return np.nan_to_num(signal)
    idx = np.arange(len(signal))
    return np.interp(idx, idx[ok], signal[ok])


def stride_period_frames(signal: np.ndarray, fps: float) -> float:
    """Stride period from the autocorrelation's first strong peak between 0.4 and 3 s."""
    x = _fill_nan(signal)
    x = x - x.mean()
    n = len(x)
    spectrum = np.fft.rfft(x, 2 * n)
    ac = np.fft.irfft(spectrum * np.conj(spectrum))[:n]
    ac = ac / np.maximum(ac[0], 1e-12) * n / np.maximum(n - np.arange(n), 1)  # unbiased
    lo, hi = int(0.4 * fps), min(int(3.0 * fps), n - 1)
    if hi <= lo + 2:
        return 0.7 * fps
    window = ac[lo:hi]
    if not np.isfinite(window).all():  # e.g. a signal that is NaN throughout
        return 0.7 * fps
    peaks, _ = find_peaks(window)
    if len(peaks) == 0:
        return 0.7 * fps
    strong = peaks[window[peaks] >= 0.8 * window[peaks].max()]
    return float(lo + strong[0]) if len(strong) else 0.7 * fps


def _peaks(signal: np.ndarray, period: float) -> np.ndarray:
    """Sub-frame positions of one peak per stride, skipping stretches with no data."""
    x = _fill_nan(signal)
    finite = np.isfinite(signal)
    spread = np.percentile(x, 95) - np.percentile(x, 5)
    idx, _ = find_peaks(x, distance=max(1, int(0.6 * period)), prominence=0.3 * spread)
    idx = idx[finite[idx] & (idx > 0) & (idx < len(x) - 1)]
    return np.array([i + _parabolic_offset(x[i - 1 : i + 2]) for i in idx], dtype=float)


def _parabolic_offset(three) -> float:
    a, b, c = three
    denom = a - 2 * b + c
    return float(np.clip(0.5 * (a - c) / denom, -0.5, 0.5)) if denom != 0 else 0.0


def cadence_spm(events: dict[str, FootEvents], times: np.ndarray) -> float | None:
    """Steps per minute from IC times, robust to a missed event (counts whole strides)."""
    strides, span = 0, 0.0
    frames = np.arange(len(times))
    for foot in events.values():
        t = np.interp(foot.ic, frames, times)
        if len(t) < 2:
            continue
        dt = np.diff(t)
        typical = np.median(dt)
        strides += int(np.round(dt / typical).sum())
        span += t[-1] - t[0]
    return 120.0 * strides / span if span > 0 else None
