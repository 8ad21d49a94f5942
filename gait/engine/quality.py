"""How far the report can be trusted: coverage, visibility, steps, view, frame rate, camera."""

from __future__ import annotations

import warnings

import numpy as np

from . import landmarks as lm
from .camera import CameraEstimate
from .cleanup import CleanupStats
from .events import FootEvents
from .thresholds import QUALITY
from .view import ViewEstimate

BODY = list(range(11, 33))


def report(
    raw: np.ndarray,
    xyz: np.ndarray,
    vis: np.ndarray,
    fps: float,
    est: ViewEstimate,
    events: dict[str, FootEvents],
    cadence: float | None,
    stats: CleanupStats,
    hinted_view: str | None,
    camera: CameraEstimate | None = None,
    size: tuple[int, int] = (1, 1),
) -> dict:
    """The `quality` block of the report, with plain-language warnings."""
    person = np.isfinite(raw[:, :, :2]).any(axis=(1, 2))
    steps = {side: int(len(ev.complete)) for side, ev in events.items()}
    tilt = camera_tilt_deg(xyz, est.view, events)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_vis = float(np.nanmean(raw[person][:, BODY, 3])) if person.any() else 0.0
    leg_vis = leg_visibility(raw, person)
    notes = _warnings(person, steps, fps, est, tilt, cadence, stats, hinted_view)
    notes += _hidden_leg_warning(leg_vis, est.view)
    notes += _untested_setup(fps, cadence, est.view)
    if camera is not None:
        notes += camera.warnings()
    return {
        "frames_with_person": int(person.sum()),
        "person_fraction": round(float(person.mean()), 3),
        "mean_visibility": round(mean_vis, 3),
        "steps": steps,
        "leg_visibility": {side: round(v, 3) for side, v in leg_vis.items()},
        "view": est.view,
        "view_confidence": est.confidence,
        "view_source": est.source,
        "body_width_ratio": est.width_ratio,
        "fps": round(float(fps), 3),
        "filter_cutoff_hz": round(stats.cutoff_hz, 2),
        "swapped_frames_repaired": stats.swapped_frames,
        "outliers_removed": stats.outliers_removed,
        "short_gap_frames_filled": stats.short_gaps_filled,
        "long_gap_frames": stats.long_gap_frames,
        "long_gaps": [[a, b] for a, b in stats.long_gaps],
        "camera_tilt_deg": None if tilt is None else round(tilt, 1),
        "camera": camera.report(*size) if camera is not None and est.view != "side" else None,
        "warnings": notes,
    }


def _warnings(person, steps, fps, est, tilt, cadence, stats, hinted_view) -> list[str]:
    notes = []
    if person.mean() < 0.8:
        notes.append(f"The runner was found in only {person.mean():.0%} of the frames.")
    if stats.long_gap_frames:
        notes.append(f"{stats.long_gap_frames} frames in gaps longer than 0.1 s were left out.")
    if fps < QUALITY["timing_refused_below_fps"]:
        notes.append(
            f"The video has {fps:.0f} frames per second: too few for contact time and duty "
            f"factor, which are not reported (at least 25 needed, 60 or more advised)."
        )
    elif fps < QUALITY["timing_approximate_below_fps"]:
        notes.append(
            f"The video has {fps:.0f} frames per second: contact time, duty factor, foot-strike "
            f"angle and the mid-stance angles (a fast runner's stance is only a few frames) are "
            f"approximate (60 or more advised, 120-240 for foot strike)."
        )
    low, high = QUALITY["cadence_plausible_spm"]
    if cadence is not None and not low <= cadence <= high:
        notes.append(
            f"Cadence of {cadence:.0f} steps/min is outside the running range ({low:.0f}-"
            f"{high:.0f}): is this walking, or a slow-motion file with the wrong frame rate?"
        )
    for side, n in steps.items():
        if n < QUALITY["min_steps_per_side"]:
            notes.append(
                f"Only {n} {side} steps were found; at least {QUALITY['min_steps_per_side']} "
                f"per side are needed for stable values."
            )
    if est.confidence < 0.5:
        notes.append(
            f"The camera angle does not look clearly like a {est.view} view; "
            f"film square-on from behind, in front or the side."
        )
    if hinted_view and est.source == "detected" and hinted_view != est.view:
        notes.append(f"The video was labelled {hinted_view} but looks like a {est.view} view.")
    if tilt is not None and abs(tilt) > QUALITY["camera_tilt_warn_deg"]:
        notes.append(f"The camera seems tilted by about {tilt:.0f}°; angles may be off by as much.")
    return notes


def _untested_setup(fps, cadence, view) -> list[str]:
    """Rear/front events are tested at 30-240 fps and 150-200 steps/min."""
    if view == "side":
        return []
    notes = []
    low, high = QUALITY["frontal_tested_fps"]
    if not 0.97 * low <= fps <= 1.03 * high:  # 29.97 fps is 30
        notes.append(f"Rear and front views are tested at {low:.0f}-{high:.0f} frames per second, not {fps:.0f}.")
    low, high = QUALITY["frontal_tested_cadence_spm"]
    if cadence is not None and not 0.97 * low <= cadence <= 1.03 * high:
        notes.append(f"Rear and front views are tested at {low:.0f}-{high:.0f} steps/min, not {cadence:.0f}.")
    return notes


LEG_POINTS = {"left": [25, 27, 29, 31], "right": [26, 28, 30, 32]}  # knee, ankle, heel, toe


def leg_visibility(raw, person) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return {
            side: float(np.nan_to_num(np.nanmean(raw[person][:, idx, 3]))) if person.any() else 0.0
            for side, idx in LEG_POINTS.items()
        }


def _hidden_leg_warning(leg_vis, view) -> list[str]:
    """A side camera sees the far leg through the near one (and here the treadmill console)."""
    hidden = min(leg_vis, key=leg_vis.get)
    if view != "side" or leg_vis["left"] + leg_vis["right"] == 0:
        return []
    if leg_vis[hidden] < max(leg_vis.values()) - QUALITY["hidden_leg_visibility_gap"]:
        return [
            f"The {hidden} leg was partly hidden (visibility {leg_vis[hidden]:.2f} vs "
            f"{max(leg_vis.values()):.2f}); its values are less reliable. Film from the {hidden} side too."
        ]
    return []


def camera_tilt_deg(xyz, view, events) -> float | None:
    """Side view: slope of the heel's path along the belt in flat-foot stance. Rear/front:
    median tilt of the hip and shoulder lines, which level out over strides."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if view != "side":
            angles = []
            for a, b in ((lm.LEFT_HIP, lm.RIGHT_HIP), (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER)):
                d = xyz[:, b, :2] - xyz[:, a, :2]
                d = d * np.sign(d[:, :1])  # point the line rightwards
                angles.append(np.degrees(np.arctan2(d[:, 1], d[:, 0])))
            value = np.nanmedian(np.concatenate(angles))
            return float(value) if np.isfinite(value) else None
        slopes = []
        for side, heel in (("left", lm.LEFT_HEEL), ("right", lm.RIGHT_HEEL)):
            ev = events[side]
            for k in ev.complete:
                # The heel slides back along the belt while the foot is flat (30-50% of stance).
                span = ev.to[k] - ev.ic[k]
                frames = np.arange(int(np.ceil(ev.ic[k] + 0.3 * span)), int(ev.ic[k] + 0.5 * span) + 1)
                pts = xyz[frames[frames < len(xyz)], heel, :2]
                pts = pts[np.isfinite(pts).all(axis=1)]
                if len(pts) >= 2 and np.ptp(pts[:, 0]) > 1:
                    slopes.append(np.polyfit(pts[:, 0], pts[:, 1], 1)[0])
        if len(slopes) < 3:
            return None
        slope = float(np.median(slopes))
        return float(np.degrees(np.arctan(slope)))
