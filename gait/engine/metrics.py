"""Per-step measurements, summarised per side as the median over steps.

All geometry is in image pixels (x right, y down). Angles are in degrees, signed so that a
larger value means more of the deviation the finding with the same name describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import landmarks as lm
from .camera import on_belt_line_x
from .events import FootEvents

SIDES = ("left", "right")
OTHER = {"left": "right", "right": "left"}
IDX = {
    "left": {
        "shoulder": lm.LEFT_SHOULDER,
        "wrist": lm.LEFT_WRIST,
        "hip": lm.LEFT_HIP,
        "knee": lm.LEFT_KNEE,
        "ankle": lm.LEFT_ANKLE,
        "heel": lm.LEFT_HEEL,
        "toe": lm.LEFT_FOOT_INDEX,
    },
    "right": {
        "shoulder": lm.RIGHT_SHOULDER,
        "wrist": lm.RIGHT_WRIST,
        "hip": lm.RIGHT_HIP,
        "knee": lm.RIGHT_KNEE,
        "ankle": lm.RIGHT_ANKLE,
        "heel": lm.RIGHT_HEEL,
        "toe": lm.RIGHT_FOOT_INDEX,
    },
}


@dataclass
class Context:
    xyz: np.ndarray  # (T, 33, 3) pixels; z in x-pixel scale, + = away from the camera
    vis: np.ndarray  # (T, 33)
    times: np.ndarray
    fps: float
    view: str
    facing: int  # side view only
    leg_px: float
    events: dict[str, FootEvents]
    audio: np.ndarray | None = None
    audio_rate: int | None = None
    # Rear/front: the belt's direction in the image at each foot (camera.estimate), or None.
    belt_direction: dict | None = None
    # Rear/front: camera.CameraEstimate.depth_shear (image x per unit depth along the belt).
    depth_shear: float = 0.0
    inverse_focal: float = 0.0  # camera.CameraEstimate.inverse_focal


@dataclass
class Step:
    value: float
    frames: list[int]
    visibility: float


@dataclass
class Metric:
    name: str
    unit: str
    steps: dict[str, list[Step]] = field(default_factory=dict)

    def median(self, side: str) -> float | None:
        values = [s.value for s in self.steps.get(side, [])]
        return float(np.median(values)) if values else None

    def representative(self, side: str) -> Step | None:
        """The step whose value is closest to the side's median."""
        steps = self.steps.get(side, [])
        if not steps:
            return None
        med = self.median(side)
        return min(steps, key=lambda s: abs(s.value - med))


# ---- geometry -------------------------------------------------------------------------


def _pt(ctx, t, j) -> np.ndarray:
    return ctx.xyz[t, j, :2]


def _frontal_pt(ctx, t, j) -> np.ndarray:
    """Image point with the belt-direction part of its depth taken out of x: as a camera on
    the belt's centre line would see it (see camera._depth_shear)."""
    x, y, z = ctx.xyz[t, j]
    return np.array([on_belt_line_x(x, z, ctx.depth_shear, ctx.inverse_focal), y])


def _medial_sign(ctx, t, side) -> float:
    """Image-x direction from this hip toward the other hip."""
    return float(np.sign(_pt(ctx, t, IDX[OTHER[side]]["hip"])[0] - _pt(ctx, t, IDX[side]["hip"])[0]) or 1.0)


def _visibility(ctx, frames, joints) -> float:
    v = ctx.vis[np.ix_(frames, joints)]
    return float(np.nanmean(v)) if np.isfinite(v).any() else 0.0


def _stances(ctx, side):
    """(ic, to, mid) integer frames of each complete stance of one foot."""
    ev = ctx.events[side]
    last = len(ctx.xyz) - 1
    for k in ev.complete:
        ic, to = int(round(ev.ic[k])), int(round(ev.to[k]))
        yield k, min(ic, last), min(to, last), min(int(round((ev.ic[k] + ev.to[k]) / 2)), last)


def _collect(ctx, name, unit, per_stance, joints_of) -> Metric:
    metric = Metric(name, unit)
    for side in SIDES:
        steps = []
        for k, ic, to, mid in _stances(ctx, side):
            result = per_stance(ctx, side, k, ic, to, mid)
            if result is None:
                continue
            value, frames = result
            if np.isfinite(value):
                steps.append(Step(float(value), frames, _visibility(ctx, frames, joints_of(side))))
        metric.steps[side] = steps
    return metric


def _joints(*names):
    return lambda side: [IDX[side][n] for n in names]


# ---- frontal plane (rear / front view) --------------------------------------------------


def knee_fppa(ctx, side, k, ic, to, mid):
    """Frontal plane projection angle at mid-stance; + = knee inside the hip-ankle line."""
    j = IDX[side]
    hip, knee, ankle = (_frontal_pt(ctx, mid, j[name]) for name in ("hip", "knee", "ankle"))
    thigh, shank = knee - hip, ankle - knee
    bend = np.degrees(np.arctan2(abs(np.cross(thigh, shank)), np.dot(thigh, shank)))
    line_x = hip[0] + (ankle[0] - hip[0]) * (knee[1] - hip[1]) / (ankle[1] - hip[1])
    inward = np.sign((knee[0] - line_x) * _medial_sign(ctx, mid, side))
    return inward * bend, [ic, mid, to]


def pelvic_drop(ctx, side, k, ic, to, mid):
    """At mid-stance of the standing leg `side`: how far the other side's hip is lower, deg."""
    this, other = IDX[OTHER[side]]["hip"], IDX[side]["hip"]
    a, b = _pt(ctx, mid, this), _pt(ctx, mid, other)
    return float(np.degrees(np.arctan2(a[1] - b[1], abs(a[0] - b[0])))), [ic, mid, to]


def foot_progression(ctx, side, k, ic, to, mid):
    """Toe-out angle at mid-stance from the heel->toe vector: lateral = how far the toe is
    off the belt's line through the heel in the image (a pinhole camera sees a straight
    foot's toe on that line, however far off-centre the camera is), forward from
    MediaPipe's depth (rough, so findings carry lower confidence)."""
    j = IDX[side]
    d = ctx.xyz[mid, j["toe"]] - ctx.xyz[mid, j["heel"]]
    d[0] = _frontal_pt(ctx, mid, j["toe"])[0] - _frontal_pt(ctx, mid, j["heel"])[0]  # as from the belt's line
    direction = (ctx.belt_direction or {}).get(side)
    if direction is None:
        direction = np.array([0.0, 1.0])  # straight into the picture
    across = d[0] * direction[1] - d[1] * direction[0]
    lateral = -across * np.sign(direction[1] or 1.0) * _medial_sign(ctx, mid, side)
    forward = abs(d[2])  # the foot points ahead; only the depth's size is usable
    angle = float(np.degrees(np.arctan2(lateral, forward)))
    return (angle, [ic, mid, to]) if abs(angle) <= 45 else None  # beyond that the depth failed


def arm_crossing(ctx, side, k, ic, to, mid):
    """Furthest the wrist passes the body midline during one stride, % of shoulder width."""
    ev = ctx.events[side]
    start = ic
    stop = int(round(ev.ic[k + 1])) if k + 1 < len(ev.ic) else None
    if stop is None:
        return None
    j, o = IDX[side], IDX[OTHER[side]]
    xy = ctx.xyz[start:stop, :, :2]
    mid_sh = (xy[:, j["shoulder"]] + xy[:, o["shoulder"]]) / 2
    mid_hip = (xy[:, j["hip"]] + xy[:, o["hip"]]) / 2
    wrist = xy[:, j["wrist"]]
    frac = (wrist[:, 1] - mid_sh[:, 1]) / (mid_hip[:, 1] - mid_sh[:, 1])
    line_x = mid_sh[:, 0] + (mid_hip[:, 0] - mid_sh[:, 0]) * frac
    toward_other = np.sign(xy[:, o["shoulder"], 0] - xy[:, j["shoulder"], 0])
    width = np.abs(xy[:, o["shoulder"], 0] - xy[:, j["shoulder"], 0])
    crossing = 100 * (wrist[:, 0] - line_x) * toward_other / width
    if not np.isfinite(crossing).any():
        return None
    peak = int(np.nanargmax(crossing))
    return float(crossing[peak]), [start, start + peak, stop]


# ---- sagittal plane (side view) ----------------------------------------------------------


def trunk_flexion(ctx, side, k, ic, to, mid):
    """Mean forward lean of mid-hip->mid-shoulder from vertical over the stance."""
    frames = np.arange(ic, to + 1)
    xy = ctx.xyz[frames, :, :2]
    sh = (xy[:, lm.LEFT_SHOULDER] + xy[:, lm.RIGHT_SHOULDER]) / 2
    hip = (xy[:, lm.LEFT_HIP] + xy[:, lm.RIGHT_HIP]) / 2
    lean = np.degrees(np.arctan2(ctx.facing * (sh[:, 0] - hip[:, 0]), hip[:, 1] - sh[:, 1]))
    return float(np.nanmean(lean)) if np.isfinite(lean).any() else np.nan, [ic, mid, to]


def _around_ic(ctx, ic):
    """Frames within +-30 ms (at least one frame) of IC: video IC timing errs by 10-25 ms."""
    half = max(1, int(round(0.03 * ctx.fps)))
    return np.arange(max(0, ic - half), min(len(ctx.xyz), ic + half + 1))


def shank_angle_at_ic(ctx, side, k, ic, to, mid):
    """Shank (knee->ankle) from vertical around IC, its most forward value; + = ankle ahead
    of the knee (overstride)."""
    j = IDX[side]
    frames = _around_ic(ctx, ic)
    d = ctx.xyz[frames, j["ankle"], :2] - ctx.xyz[frames, j["knee"], :2]
    angle = np.degrees(np.arctan2(ctx.facing * d[:, 0], d[:, 1]))
    return (float(np.nanmax(angle)), [ic, mid, to]) if np.isfinite(angle).any() else None


def heel_ahead_of_hip(ctx, side, k, ic, to, mid):
    """Heel ahead of the hip at IC, % of leg length (Wille et al. 2014 overstride distance)."""
    j = IDX[side]
    d = ctx.facing * (_pt(ctx, ic, j["heel"])[0] - _pt(ctx, ic, j["hip"])[0])
    return 100 * d / ctx.leg_px, [ic, mid, to]


def foot_strike_angle(ctx, side, k, ic, to, mid):
    """Heel->toe line vs horizontal around IC, its largest value; + = toe up."""
    j = IDX[side]
    frames = _around_ic(ctx, ic)
    d = ctx.xyz[frames, j["toe"], :2] - ctx.xyz[frames, j["heel"], :2]
    angle = np.degrees(np.arctan2(-d[:, 1], ctx.facing * d[:, 0]))
    if not np.isfinite(angle).any():
        return None
    return float(np.nanmax(angle)), [ic, mid, to]


# ---- timing ------------------------------------------------------------------------------


def _time(ctx, frame: float) -> float:
    return float(np.interp(frame, np.arange(len(ctx.times)), ctx.times))


def contact_time(ctx, side, k, ic, to, mid):
    ev = ctx.events[side]
    return 1000 * (_time(ctx, ev.to[k]) - _time(ctx, ev.ic[k])), [ic, mid, to]


def duty_factor(ctx, side, k, ic, to, mid):
    ev = ctx.events[side]
    if k + 1 >= len(ev.ic):
        return None
    stride = _time(ctx, ev.ic[k + 1]) - _time(ctx, ev.ic[k])
    return 100 * (_time(ctx, ev.to[k]) - _time(ctx, ev.ic[k])) / stride, [ic, mid, to]


def strike_loudness(ctx, side, k, ic, to, mid):
    """Peak level (dBFS) of the audio from 30 ms before to 60 ms after the IC."""
    t = _time(ctx, ctx.events[side].ic[k])
    a, b = int((t - 0.03) * ctx.audio_rate), int((t + 0.06) * ctx.audio_rate)
    seg = ctx.audio[max(0, a) : max(0, b)]
    if len(seg) == 0:
        return None
    peak = float(np.max(np.abs(seg)))
    return 20 * np.log10(max(peak, 1e-6)), [ic, mid, to]


def _normalised_audio(audio) -> np.ndarray:
    audio = np.asarray(audio)
    if audio.ndim > 1:  # mix channels down
        audio = audio.mean(axis=-1) if audio.shape[-1] < audio.shape[0] else audio.mean(axis=0)
    if np.issubdtype(audio.dtype, np.integer):
        return audio.astype(np.float64) / np.iinfo(audio.dtype).max
    return audio.astype(np.float64)


# ---- assembly ----------------------------------------------------------------------------


def _swap_sides(metric: Metric) -> Metric:
    """Pelvic drop is measured in the other leg's stance: relabel to the side that drops."""
    metric.steps = {side: metric.steps.get(OTHER[side], []) for side in SIDES}
    return metric


def measure(ctx: Context, timing_allowed: bool) -> dict[str, Metric]:
    """All metrics the view supports, keyed by name (finding metrics use the finding code)."""
    out = {}
    hips_knees_ankles = _joints("hip", "knee", "ankle")
    if ctx.view in ("rear", "front"):
        out["knee_valgus"] = _collect(ctx, "knee_valgus", "deg", knee_fppa, hips_knees_ankles)
        drop = _collect(ctx, "pelvic_drop", "deg", pelvic_drop, _joints("hip"))
        out["pelvic_drop"] = _swap_sides(drop)
        out["foot_turn_out"] = _collect(ctx, "foot_turn_out", "deg", foot_progression, _joints("heel", "toe"))
        out["arm_crossover"] = _collect(
            ctx, "arm_crossover", "% shoulder width", arm_crossing, _joints("shoulder", "wrist")
        )
    else:
        out["trunk_lean"] = _collect(ctx, "trunk_lean", "deg", trunk_flexion, _joints("shoulder", "hip"))
        out["overstride"] = _collect(ctx, "overstride", "deg", shank_angle_at_ic, _joints("knee", "ankle"))
        out["heel_ahead_of_hip"] = _collect(
            ctx, "heel_ahead_of_hip", "% leg length", heel_ahead_of_hip, _joints("heel", "hip")
        )
        out["heel_strike"] = _collect(ctx, "heel_strike", "deg", foot_strike_angle, _joints("heel", "toe"))
        if timing_allowed:
            out["contact_time"] = _collect(ctx, "contact_time", "ms", contact_time, _joints("heel", "toe"))
            out["duty_factor"] = _collect(ctx, "duty_factor", "%", duty_factor, _joints("heel", "toe"))
    if ctx.audio is not None and ctx.audio_rate:
        ctx.audio = _normalised_audio(ctx.audio)
        out["strike_loudness"] = _collect(ctx, "strike_loudness", "dBFS", strike_loudness, _joints("heel"))
    return out


def asymmetry_pct(left: float | None, right: float | None, floor: float) -> float | None:
    """|L - R| / mean(|L|, |R|) * 100; None when either is missing or both are near zero."""
    if left is None or right is None:
        return None
    mean = (abs(left) + abs(right)) / 2
    return 100 * abs(left - right) / mean if mean >= floor else None
