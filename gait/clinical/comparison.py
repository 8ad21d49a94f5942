"""Compare two trials: change per metric against its smallest detectable difference (SDD), and
matched gait events for a side-by-side player.

    rows = compare(report_a["metrics"], report_b["metrics"], bands={"cadence": (162, 178)})
    pairs = matched_events(report_a["events"], report_b["events"], report_a["fps"], report_b["fps"])

A change counts as detectable when |b - a| >= SDD (a change exactly AT the SDD is detectable,
compared after rounding to 1e-6 so that 7.8 - 5.0 is 2.8). Smaller changes are "no detectable
change", whatever their sign.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

SIDES = ("left", "right")
LARGEST_2D_SDD_DEG = 4.8  # tibia inclination, the largest between-day 2D SDD in Dingenen 2018

DINGENEN = (
    "Dingenen et al. 2018, Phys Ther Sport 33:40-47: 2D video of treadmill running, 21 runners "
    "one week apart, mean of 10 steps per leg"
)
NO_SDD = (
    "no between-session SDD is published for this 2D measure; Stridewell uses the largest 2D "
    f"angle SDD of {DINGENEN} ({LARGEST_2D_SDD_DEG} deg, tibia inclination) as a conservative default"
)


@dataclass(frozen=True)
class Sdd:
    value: float
    unit: str
    better: str | None  # "lower", "band" (closer to the runner's band) or None (no direction)
    source: str


# Defaults; a clinic that measured its own test-retest passes `sdd=` to compare().
SDD = {
    "pelvic_drop": Sdd(2.8, "deg", "lower", f"contralateral pelvic drop SDD 2.7-2.8 deg, {DINGENEN}; upper value"),
    "overstride": Sdd(
        4.8, "deg", "lower", f"tibia (shank) inclination at initial contact SDD 2.2-4.8 deg, {DINGENEN}; upper value"
    ),
    "heel_strike": Sdd(
        2.3, "deg", "lower", f"foot inclination at initial contact SDD 1.3-2.3 deg, {DINGENEN}; upper value"
    ),
    "knee_valgus": Sdd(LARGEST_2D_SDD_DEG, "deg", "lower", f"knee frontal plane projection angle in running: {NO_SDD}"),
    "foot_turn_out": Sdd(LARGEST_2D_SDD_DEG, "deg", "lower", f"foot progression angle: {NO_SDD}"),
    "trunk_lean": Sdd(
        LARGEST_2D_SDD_DEG,
        "deg",
        "lower",
        f"sagittal trunk flexion (only the lateral trunk SDD 1.3-2.3 deg is published): {NO_SDD}",
    ),
    "arm_crossover": Sdd(
        10.0,
        "% shoulder width",
        "lower",
        "no published SDD and no validated measure; default: one severity band of the engine's threshold (10 % of shoulder width)",
    ),
    "heel_ahead_of_hip": Sdd(
        5.0,
        "% leg length",
        "lower",
        "no published SDD (Wille et al. 2014 define the measure); default: 5 % of leg length, the engine's floor for meaningful values of this unit",
    ),
    "cadence": Sdd(
        9.96,
        "steps/min",
        "band",
        "between-session MDC of cadence from markerless video, 9.96 steps/min (Schoenwether et al. 2025 PLoS One 20(1):e0316119; walking, so conservative for running at a fixed treadmill speed)",
    ),
    "contact_time": Sdd(
        33.0,
        "ms",
        None,
        "no published SDD for video; default: one frame at 30 fps, the timing resolution of the slowest clips the engine times (event errors 10-25 ms, Fellin et al. 2010)",
    ),
    "duty_factor": Sdd(
        5.0,
        "%",
        None,
        "no published SDD for video; default: one 30 fps frame of contact in a stride of about 0.7 s (about 5 %)",
    ),
    "strike_loudness": Sdd(
        3.0,
        "dBFS",
        "lower",
        "no published SDD; default: 3 dB, double the sound power (the engine's convention for a louder foot)",
    ),
}


@dataclass(frozen=True)
class Change:
    metric: str
    side: str
    unit: str
    a: float | None
    b: float | None
    change: float | None  # b - a
    sdd: float | None
    detectable: bool | None  # None when a value or the SDD is missing
    verdict: str  # "improved", "worse", "changed", "no detectable change" or "not compared"
    sdd_source: str

    def as_dict(self) -> dict:
        return asdict(self)


def compare(
    metrics_a: Mapping[str, Mapping],
    metrics_b: Mapping[str, Mapping],
    bands: Mapping[str, tuple[float | None, float | None]] | None = None,
    sdd: Mapping[str, float] | None = None,
) -> list[Change]:
    """Per metric and side: a, b, b - a, the SDD and the verdict (trial b relative to trial a).

    metrics_a / metrics_b: the reports' `metrics` blocks ({name: {left, right, unit, ...}}).
    bands: the runner's band for metrics judged by closeness to a band, e.g. {"cadence": (low, high)}
    from targets.cadence_band; without one a detectable cadence change is just "changed".
    sdd: overrides of the default SDDs, {metric: value} in the metric's unit.
    """
    bands, overrides = dict(bands or {}), dict(sdd or {})
    out = []
    for metric in [m for m in metrics_a if m in metrics_b]:
        default = SDD.get(metric)
        limit = overrides.get(metric, default.value if default else None)
        source = (
            "set by the clinic"
            if metric in overrides
            else default.source
            if default
            else "no SDD known for this metric"
        )
        for side in SIDES:
            a, b = metrics_a[metric].get(side), metrics_b[metric].get(side)
            unit = metrics_a[metric].get("unit") or (default.unit if default else "")
            if a is None or b is None or limit is None:
                out.append(
                    Change(
                        metric,
                        side,
                        unit,
                        a,
                        b,
                        None if a is None or b is None else round(b - a, 6),
                        limit,
                        None,
                        "not compared",
                        source,
                    )
                )
                continue
            change = round(b - a, 6)
            detectable = abs(change) >= limit - 1e-9
            verdict = (
                _verdict(a, b, default.better if default else None, bands.get(metric))
                if detectable
                else "no detectable change"
            )
            out.append(Change(metric, side, unit, a, b, change, limit, detectable, verdict, source))
    return out


def _verdict(a: float, b: float, better: str | None, band) -> str:
    if better == "lower":
        return "improved" if b < a else "worse"
    if better == "band" and band is not None:
        before, after = _distance(a, band), _distance(b, band)
        if after < before:
            return "improved"
        if after > before:
            return "worse"
    return "changed"


def _distance(value: float, band) -> float:
    low, high = band
    if low is not None and value < low:
        return low - value
    if high is not None and value > high:
        return value - high
    return 0.0


# ---- matched events for the side-by-side player -------------------------------------------


@dataclass(frozen=True)
class MatchedEvent:
    side: str
    n: int  # the n-th event of this side in both trials, counted from each trial's start
    frame_a: int
    frame_b: int
    time_a: float  # seconds from the start of each video
    time_b: float

    def as_dict(self) -> dict:
        return asdict(self)


def matched_events(
    events_a: Mapping[str, Mapping[str, Sequence[int]]],
    events_b: Mapping[str, Mapping[str, Sequence[int]]],
    fps_a: float,
    fps_b: float,
    event: str = "initial_contact",
    start_a: int = 0,
    start_b: int = 0,
    timestamps_a: Sequence[float] | None = None,
    timestamps_b: Sequence[float] | None = None,
) -> list[MatchedEvent]:
    """Pairs of frames, left contact n in A with left contact n in B (and the same for right),
    in the order they happen in trial A, so a player can step both videos stride by stride.

    events_*: the reports' `events` blocks ({side: {"initial_contact": [frames], ...}}).
    start_a / start_b: the event index each trial starts from (default the first of each), to
    line up a particular stride. timestamps_*: per-frame times (s) for variable frame rate
    videos; otherwise time = frame / fps.
    """
    if fps_a <= 0 or fps_b <= 0:
        raise ValueError("frame rates must be positive")
    if start_a < 0 or start_b < 0:
        raise ValueError("start indices cannot be negative")
    pairs = []
    for side in SIDES:
        frames_a = list(events_a.get(side, {}).get(event, []))[start_a:]
        frames_b = list(events_b.get(side, {}).get(event, []))[start_b:]
        for n, (fa, fb) in enumerate(zip(frames_a, frames_b, strict=False)):
            pairs.append(
                MatchedEvent(side, n, int(fa), int(fb), _time(fa, fps_a, timestamps_a), _time(fb, fps_b, timestamps_b))
            )
    pairs.sort(key=lambda p: (p.frame_a, p.side))
    return pairs


def _time(frame: int, fps: float, timestamps) -> float:
    if timestamps is not None and 0 <= frame < len(timestamps):
        return round(float(timestamps[frame]), 4)
    return round(frame / fps, 4)
