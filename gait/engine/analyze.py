"""Public entry point: landmarks in, clinical findings JSON out.

result = analyze_full(series, view="auto", thresholds=None)
result.report  # JSON-ready dict, schema "stridewell.gait/1"
result.clean   # cleaned LandmarkSeries, same length as the input, for overlays
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import camera, cleanup, events, findings, metrics, quality
from . import landmarks as lm
from .errors import GaitInputError
from .landmarks import LandmarkSeries
from .thresholds import QUALITY, finding_thresholds
from .view import estimate_view

SCHEMA = "stridewell.gait/1"
LEGS = [lm.LEFT_HIP, lm.RIGHT_HIP, lm.LEFT_KNEE, lm.RIGHT_KNEE, lm.LEFT_ANKLE, lm.RIGHT_ANKLE]
# Below this mean magnitude an asymmetry percentage is noise (angles near 0 deg, etc.).
ASYMMETRY_FLOOR = {"deg": 3.0, "% shoulder width": 10.0, "% leg length": 5.0, "ms": 1.0, "%": 1.0, "steps/min": 1.0}


@dataclass
class AnalysisResult:
    report: dict
    clean: LandmarkSeries


def analyze(series: LandmarkSeries, view: str = "auto", thresholds: dict | None = None) -> dict:
    return analyze_full(series, view, thresholds).report


def analyze_full(series: LandmarkSeries, view: str = "auto", thresholds: dict | None = None) -> AnalysisResult:
    _check_input(series)
    limits = finding_thresholds(thresholds)
    clean, stats = cleanup.clean(series)
    scale = np.array([series.width, series.height, series.width], dtype=float)
    xyz = clean.landmarks[..., :3] * scale
    vis = clean.landmarks[..., 3]
    _check_legs_visible(series)

    est = estimate_view(xyz, view)
    foot_events = events.detect(xyz, series.fps, est.view, est.facing, stats.unfiltered)
    n_contacts = sum(len(ev.ic) for ev in foot_events.values())
    if n_contacts < QUALITY["min_total_steps"]:
        raise GaitInputError(
            f"only {n_contacts} foot strikes were found; at least "
            f"{QUALITY['min_total_steps']} are needed (film at least 10 s of steady running)"
        )
    cadence = events.cadence_spm(foot_events, clean.timestamps)
    leg_px = cleanup.leg_length_px(xyz)
    cam = camera.estimate(xyz, foot_events, est.view, leg_px, stats.unfiltered)

    ctx = metrics.Context(
        xyz,
        vis,
        clean.timestamps,
        series.fps,
        est.view,
        est.facing,
        leg_px,
        foot_events,
        series.audio,
        series.audio_rate,
        cam.belt_direction,
        cam.depth_shear,
        cam.inverse_focal,
    )
    timing_allowed = series.fps >= QUALITY["timing_refused_below_fps"]
    measured = metrics.measure(ctx, timing_allowed)
    found = findings.judge(measured, est.view, est.confidence, series.fps, limits)

    report = {
        "schema": SCHEMA,
        "view": est.view,
        "fps": series.fps,
        "frames": series.frames,
        "duration_s": _duration(series),
        "cadence_spm": cadence,
        "steps": {side: len(ev.complete) for side, ev in foot_events.items()},
        "metrics": _metrics_block(measured, foot_events, clean.timestamps),
        "findings": found,
        "events": {
            side: {name: ev.frames(name) for name in ("initial_contact", "toe_off", "mid_stance")}
            for side, ev in foot_events.items()
        },
        "quality": quality.report(
            series.landmarks,
            xyz,
            vis,
            series.fps,
            est,
            foot_events,
            cadence,
            stats,
            series.view,
            cam,
            (series.width, series.height),
        ),
    }
    return AnalysisResult(_jsonable(report), clean)


def _check_input(series) -> None:
    if not isinstance(series, LandmarkSeries):
        raise GaitInputError(f"expected a LandmarkSeries, got {type(series).__name__}")
    data = np.asarray(series.landmarks)
    if data.ndim != 3 or data.shape[1:] != (lm.N_LANDMARKS, 4):
        raise GaitInputError(f"landmarks must have shape (T, 33, 4), got {data.shape}")
    if not np.isfinite(data[:, :, :2]).any():
        raise GaitInputError("no person was found in any frame of the video")
    duration = _duration(series)
    if duration < QUALITY["min_duration_s"]:
        raise GaitInputError(
            f"the video is too short ({duration:.1f} s); at least "
            f"{QUALITY['min_duration_s']:.0f} s of running are needed, 10 s or more advised"
        )


def _check_legs_visible(series) -> None:
    vis = series.landmarks[:, LEGS, 3]
    mean = float(np.nanmean(vis)) if np.isfinite(vis).any() else 0.0
    if mean < QUALITY["min_leg_visibility"]:
        raise GaitInputError(
            "the runner's legs are not visible enough to analyse "
            f"(mean visibility {mean:.2f}); film the whole body, feet included"
        )


def _duration(series) -> float:
    t = series.timestamps
    return float(t[-1] - t[0] + 1.0 / series.fps) if len(t) else 0.0


def _metrics_block(measured, foot_events, times) -> dict:
    block = {}
    per_side_cadence = {}
    for side, ev in foot_events.items():
        per_side_cadence[side] = events.cadence_spm({side: ev}, times)
    block["cadence"] = _entry(
        per_side_cadence.get("left"),
        per_side_cadence.get("right"),
        "steps/min",
        n={s: len(ev.ic) for s, ev in foot_events.items()},
    )
    block["cadence"]["per_step"] = _cadence_per_stride(foot_events, times)
    for name, metric in measured.items():
        left, right = metric.median("left"), metric.median("right")
        entry = _entry(left, right, metric.unit, n={s: len(metric.steps.get(s, [])) for s in metrics.SIDES})
        entry["per_step"] = _per_step(metric)
        if name == "strike_loudness" and left is not None and right is not None:
            entry["left_minus_right_db"] = left - right
            entry["left_right_ratio"] = 10 ** ((left - right) / 20)  # amplitude ratio
        block[name] = entry
    return block


def _per_step(metric) -> dict:
    """Each step's value in step order, with the frame of the initial contact it belongs to
    (the chart's time axis). Pelvic drop is listed under the side that drops, at the other
    leg's contact, as its median is."""
    out = {side: [s.value for s in metric.steps.get(side, [])] for side in metrics.SIDES}
    out["frames"] = {side: [s.frames[0] for s in metric.steps.get(side, [])] for side in metrics.SIDES}
    return out


def _cadence_per_stride(foot_events, times) -> dict:
    """Cadence of each stride (two steps) from one foot's contact to its next, at the first
    contact. A gap of 1.5 strides or more is a missed contact, not a slow stride: left out."""
    index = np.arange(len(times))
    out, frames = {}, {}
    for side in metrics.SIDES:
        ic = np.asarray(foot_events[side].ic, dtype=float) if side in foot_events else np.array([])
        dt = np.diff(np.interp(ic, index, times)) if len(ic) > 1 else np.array([])
        keep = (dt > 0) & (dt < 1.5 * np.median(dt)) if len(dt) else np.array([], dtype=bool)
        out[side] = (120.0 / dt[keep]).tolist()
        frames[side] = [int(round(f)) for f in ic[:-1][keep]]
    out["frames"] = frames
    return out


def _entry(left, right, unit, n) -> dict:
    floor = ASYMMETRY_FLOOR.get(unit, 1.0)
    if unit == "dBFS":  # a level, not a magnitude: compare amplitudes
        asym = (
            None if left is None or right is None else metrics.asymmetry_pct(10 ** (left / 20), 10 ** (right / 20), 0)
        )
    else:
        asym = metrics.asymmetry_pct(left, right, floor)
    return {"left": left, "right": right, "unit": unit, "asymmetry_pct": asym, "steps": n}


def _jsonable(value):
    """Plain JSON types only: numpy scalars unwrapped, NaN/inf to None, floats rounded."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return round(value, 2) if math.isfinite(value) else None
    return value
