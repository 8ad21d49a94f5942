"""Turn per-side metric medians into clinical findings with severity, confidence and a summary."""

from __future__ import annotations

from .metrics import SIDES, Metric
from .thresholds import LOUDNESS_ASYMMETRY_DB, QUALITY
from .view import FINDINGS_BY_VIEW

# How far a 2D video estimate of each finding can be trusted at best (docs/gait-thresholds.md):
# frontal knee and foot angles are the weakest, sagittal angles the strongest.
RELIABILITY = {
    "knee_valgus": 0.7,
    "pelvic_drop": 0.85,
    "foot_turn_out": 0.6,
    "arm_crossover": 0.85,
    "trunk_lean": 0.9,
    "overstride": 0.9,
    "heel_strike": 0.8,
}
# Findings that name one leg, or null when both legs show it.
ONE_FINDING_FOR_BOTH = ("overstride", "heel_strike")

SUMMARIES = {
    "knee_valgus": "Your {limb} knee moves inwards as you land: about {value:.0f}° off a straight "
    "hip-knee-ankle line, where we flag more than {threshold:.0f}°.",
    "pelvic_drop": "The {limb} side of your pelvis drops by about {value:.0f}° while you stand on "
    "the other leg, where we flag more than {threshold:.0f}°.",
    "foot_turn_out": "Your {limb} foot points outwards by about {value:.0f}° while it is on the "
    "ground, where we flag more than {threshold:.0f}°.",
    "arm_crossover": "Your {limb} hand swings across the middle of your body, about {value:.0f}% "
    "of your shoulder width past the centre line.",
    "trunk_lean": "You lean forward by about {value:.0f}° from upright while running, where we "
    "flag more than {threshold:.0f}°.",
    "overstride": "{limb} well in front of your body: the shin tilts forward about "
    "{value:.0f}° as the foot touches down, where we flag more than {threshold:.0f}°.",
    "heel_strike": "You land on {limb}, toes up about {value:.0f}° at touch-down, "
    "where we flag more than {threshold:.0f}°.",
}


def judge(metrics: dict[str, Metric], view: str, view_confidence: float, fps: float, limits: dict) -> list[dict]:
    """Findings present in the metrics, only for codes the view supports."""
    found = []
    for code in FINDINGS_BY_VIEW[view]:
        metric = metrics.get(code)
        if metric is None:
            continue
        limit = limits[code]
        over = [s for s in SIDES if _above(metric.median(s), limit["value"])]
        if code == "trunk_lean":  # one trunk: judge the mean over both legs' stances
            over = over and (SIDES if _above(_mean_of_sides(metric), limit["value"]) else [])
        if code == "heel_strike":
            over, louder_db = _prefer_louder(over, metrics.get("strike_loudness"))
        if not over:
            continue
        if code == "trunk_lean":
            found.append(_finding(code, None, metric, SIDES, limit, view_confidence, fps))
        elif code in ONE_FINDING_FOR_BOTH:
            side = over[0] if len(over) == 1 else None
            item = _finding(code, side, metric, over, limit, view_confidence, fps)
            if code == "heel_strike" and louder_db:
                item["summary"] += f" Those landings are about {louder_db:.0f} dB louder than the other foot's."
            found.append(item)
        else:
            found.extend(_finding(code, s, metric, [s], limit, view_confidence, fps) for s in over)
    return found


def _above(value: float | None, threshold: float) -> bool:
    return value is not None and value > threshold


def _mean_of_sides(metric: Metric) -> float | None:
    values = [v for v in (metric.median(s) for s in SIDES) if v is not None]
    return sum(values) / len(values) if values else None


def _prefer_louder(over: list[str], loudness: Metric | None) -> tuple[list[str], float | None]:
    """With audio, a clearly louder foot among the heel strikers is the one to name."""
    if loudness is None or len(over) < 1:
        return over, None
    left, right = loudness.median("left"), loudness.median("right")
    if left is None or right is None or abs(left - right) < LOUDNESS_ASYMMETRY_DB:
        return over, None
    louder = "left" if left > right else "right"
    return ([louder], abs(left - right)) if louder in over else (over, None)


def _finding(code, side, metric: Metric, sides, limit, view_confidence, fps) -> dict:
    values = [metric.median(s) for s in sides if metric.median(s) is not None]
    value = _mean_of_sides(metric) if code == "trunk_lean" else max(values)
    rep_side = side or max((s for s in sides if metric.median(s) is not None), key=metric.median)
    rep = metric.representative(rep_side)
    steps = [st for s in sides for st in metric.steps.get(s, [])]
    return {
        "code": code,
        "side": side,
        "value": round(value, 1),
        "unit": limit["unit"],
        "threshold": limit["value"],
        "severity": severity(value, limit["value"], limit["band"]),
        "confidence": confidence(code, steps, len(sides), view_confidence, fps),
        "evidence_frames": rep.frames if rep else [],
        "summary": SUMMARIES[code].format(limb=_limb(code, side), value=value, threshold=limit["value"]),
    }


def _limb(code, side) -> str:
    if code == "overstride":
        return f"Your {side} foot lands" if side else "Both feet land"
    if code == "heel_strike":
        return f"your {side} heel" if side else "both heels"
    return side or ""


def severity(value: float, threshold: float, band: float) -> str:
    excess = value - threshold
    return "mild" if excess < band else "moderate" if excess < 2 * band else "marked"


def confidence(code, steps, n_sides, view_confidence, fps) -> float:
    """Visibility x enough steps (>= 7 per side) x view fit x the method's best reliability."""
    if not steps:
        return 0.0
    visibility = sum(s.visibility for s in steps) / len(steps)
    enough = min(1.0, len(steps) / (QUALITY["min_steps_per_side"] * n_sides))
    rate = 1.0
    if code in ("overstride", "heel_strike"):  # instants at IC need a fast camera
        rate = 0.7 if fps < QUALITY["timing_approximate_below_fps"] else 0.85 if fps < QUALITY["fsa_good_fps"] else 1.0
    return round(max(0.0, min(1.0, visibility * enough * view_confidence * RELIABILITY[code] * rate)), 2)
