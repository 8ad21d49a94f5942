"""Which way the camera looks at the runner, and which findings that view can support."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from . import landmarks as lm
from .errors import GaitInputError
from .landmarks import VIEWS

FRONTAL = ("knee_valgus", "pelvic_drop", "foot_turn_out", "arm_crossover")
SAGITTAL = ("trunk_lean", "overstride", "heel_strike")
FINDINGS_BY_VIEW = {"rear": FRONTAL, "front": FRONTAL, "side": SAGITTAL}

# Body width / torso height: about 0.5 face-on, about 0.15 side-on.
WIDTH_RATIO_SPLIT = 0.3


@dataclass
class ViewEstimate:
    view: str
    confidence: float
    source: str  # "detected" or "caller"
    width_ratio: float
    facing: int  # side view: +1 runner faces image-right, -1 image-left; 0 otherwise


def estimate_view(xyz: np.ndarray, requested: str = "auto") -> ViewEstimate:
    """Detect rear/front/side from pixel landmarks (T, 33, 3), unless the caller fixed it."""
    if requested not in ("auto", *VIEWS):
        raise GaitInputError(f"view must be auto, {', '.join(VIEWS)}; got {requested!r}")
    ratio = width_ratio(xyz)
    frontal = ratio > WIDTH_RATIO_SPLIT
    fit = float(np.clip(abs(ratio - WIDTH_RATIO_SPLIT) / 0.15, 0, 1))
    if requested != "auto":
        view, source = requested, "caller"
        fits = (requested == "side") != frontal
        confidence = fit if fits else 0.3 * (1 - fit)
    elif frontal:
        rear_score = rear_vote(xyz)
        view = "rear" if rear_score > 0 else "front"
        confidence, source = fit * min(1.0, 0.5 + abs(rear_score)), "detected"
    else:
        view, confidence, source = "side", fit, "detected"
    facing = facing_direction(xyz) if view == "side" else 0
    return ViewEstimate(view, round(confidence, 2), source, round(ratio, 3), facing)


def _median(values) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmedian(values))


def width_ratio(xyz) -> float:
    """Median of (shoulder width + hip width) / (2 * torso height) in the image."""
    xy = xyz[..., :2]
    shoulders = np.abs(xy[:, lm.LEFT_SHOULDER, 0] - xy[:, lm.RIGHT_SHOULDER, 0])
    hips = np.abs(xy[:, lm.LEFT_HIP, 0] - xy[:, lm.RIGHT_HIP, 0])
    mid_sh = (xy[:, lm.LEFT_SHOULDER] + xy[:, lm.RIGHT_SHOULDER]) / 2
    mid_hip = (xy[:, lm.LEFT_HIP] + xy[:, lm.RIGHT_HIP]) / 2
    torso = np.linalg.norm(mid_sh - mid_hip, axis=1)
    return _median((shoulders + hips) / (2 * torso))


def rear_vote(xyz) -> float:
    """Evidence for a rear view, -1..1: from behind the left side is on image-left and the
    nose is farther from the camera than the shoulders."""
    x, z = xyz[..., 0], xyz[..., 2]
    order = np.sign(x[:, lm.RIGHT_SHOULDER] - x[:, lm.LEFT_SHOULDER]) + np.sign(x[:, lm.RIGHT_HIP] - x[:, lm.LEFT_HIP])
    depth = np.sign(z[:, lm.NOSE] - (z[:, lm.LEFT_SHOULDER] + z[:, lm.RIGHT_SHOULDER]) / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a person
        votes = np.nanmean(np.stack([order / 2, depth]), axis=0)
    return float(np.nanmean(votes)) if np.isfinite(votes).any() else 0.0


def facing_direction(xyz) -> int:
    """+1 if the runner faces image-right, -1 if image-left (toes and nose point forward)."""
    x = xyz[..., 0]
    toes = (x[:, lm.LEFT_FOOT_INDEX] - x[:, lm.LEFT_HEEL]) + (x[:, lm.RIGHT_FOOT_INDEX] - x[:, lm.RIGHT_HEEL])
    nose = x[:, lm.NOSE] - (x[:, 7] + x[:, 8]) / 2  # nose vs ears
    score = np.nan_to_num(_median(np.sign(toes))) + 0.5 * np.nan_to_num(_median(np.sign(nose)))
    return 1 if score >= 0 else -1
