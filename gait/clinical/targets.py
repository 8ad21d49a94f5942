"""Bands personalised to the runner, and the three priorities to work on.

    runner = Runner(height_cm=178, speed_kmh=10.8, leg_length_cm=94)
    targets = judge_metrics(runner, report["metrics"], cadence_spm=report["cadence_spm"])
    top = priorities(report["findings"], targets)

Where the literature gives a relation (cadence with speed and body size; step and stride length
from speed and cadence) the band follows the runner; every other metric is judged against the
engine's fixed threshold, and its band says so. Each band carries its formula and source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from gait.engine.thresholds import finding_thresholds

from .reasoning import OTHER, SIDES, Finding

SEXES = ("female", "male")

# Cadence reference: adult recreational runners choose about 170 steps/min at 3.0 m/s
# (Lieberman 2015: metabolic optimum 84.8 +- 3.6 strides/min at 3.0 m/s; uninjured runners
# 171.0 +- 7.9 steps/min, PMC6044588). Speed: +3 steps/min for +15 % speed at about 3 m/s
# (Eur J Sport Sci 2020 20(2):182-190), i.e. about 6.5 steps/min per m/s. Body size: step
# frequency scales with 1/sqrt(leg length) (dynamic similarity); taller runners step more
# slowly (same study, r -0.49 to -0.66). Band: +- 1 between-runner SD (about 8 steps/min).
CADENCE_REF_SPM = 170.0
CADENCE_REF_SPEED_MS = 3.0
CADENCE_PER_MS = 6.5
CADENCE_SD_SPM = 8.0
REF_HEIGHT_CM = 175.0
LEG_PER_HEIGHT = 0.53  # hip (greater trochanter) height / stature, the usual anthropometric ratio
CADENCE_STUDIED_SPEEDS_MS = (2.2, 4.0)  # outside these the relation is extrapolated

CADENCE_SOURCE = (
    "Centre 170 steps/min at 3.0 m/s (Lieberman et al. 2015 J Exp Biol 218:3406: optimum 84.8 "
    "strides/min at 3.0 m/s; uninjured recreational runners 171.0 +- 7.9 steps/min, PMC6044588 "
    "Table 2); +6.5 steps/min per m/s (step frequency rose 3 steps/min with 15 % more speed, "
    "'Individual optimal step frequency during outdoor running', Eur J Sport Sci 2020 "
    "20(2):182-190); scaled by sqrt(reference leg / leg) for body size (dynamic similarity; the "
    "same study found taller runners step more slowly); +- 8 steps/min = one between-runner SD. "
    "No published regression on height and speed for adults was available to us: this is "
    "Stridewell's conservative combination of those relations. Sex is not used: no sex effect "
    "beyond body size is reported in these sources."
)
STEP_LENGTH_SOURCE = (
    "On a treadmill step length = belt speed / step frequency and stride = 2 steps (as OpenCap "
    "derives stride length from belt speed); the band follows from the runner's cadence band"
)


@dataclass(frozen=True)
class Runner:
    height_cm: float
    speed_kmh: float | None = None  # treadmill belt speed
    leg_length_cm: float | None = None  # floor to greater trochanter
    sex: str | None = None

    def __post_init__(self):
        if not 100 <= self.height_cm <= 230:
            raise ValueError(f"height must be 100-230 cm, got {self.height_cm}")
        if self.speed_kmh is not None and not 0 < self.speed_kmh <= 40:
            raise ValueError(f"treadmill speed must be above 0 and at most 40 km/h, got {self.speed_kmh}")
        if self.leg_length_cm is not None and not 40 <= self.leg_length_cm <= 130:
            raise ValueError(f"leg length must be 40-130 cm, got {self.leg_length_cm}")
        if self.sex is not None and self.sex not in SEXES:
            raise ValueError(f"sex must be female, male or left out, got {self.sex!r}")

    @property
    def speed_ms(self) -> float | None:
        return None if self.speed_kmh is None else self.speed_kmh / 3.6


@dataclass(frozen=True)
class Band:
    metric: str
    low: float | None  # None = no lower limit
    high: float | None  # None = no upper limit
    unit: str
    formula: str
    source: str
    personalised: bool
    step: float  # how far past the band counts as one "band" of excess (for ranking)

    def contains(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def excess(self, value: float) -> float:
        """How far the value lies outside the band, in band steps (0 inside)."""
        if self.low is not None and value < self.low:
            return (self.low - value) / self.step
        if self.high is not None and value > self.high:
            return (value - self.high) / self.step
        return 0.0


@dataclass(frozen=True)
class Target:
    metric: str
    side: str | None
    value: float | None
    unit: str
    band: Band
    verdict: str  # "below", "within", "above" or "no value"
    excess: float

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Priority:
    code: str
    side: str | None
    title: str
    score: float  # excess past threshold or band, in severity bands; higher is worse
    parts: tuple[str, ...]  # "code:side" of the findings and targets it stands for
    why: str

    def as_dict(self) -> dict:
        return asdict(self)


# ---- bands ---------------------------------------------------------------------------------


def cadence_band(runner: Runner) -> Band:
    if runner.speed_ms is None:
        raise ValueError("a cadence band needs the treadmill speed")
    leg = runner.leg_length_cm or LEG_PER_HEIGHT * runner.height_cm
    leg_note = "measured leg" if runner.leg_length_cm else f"leg = {LEG_PER_HEIGHT} x height"
    ref_leg = LEG_PER_HEIGHT * REF_HEIGHT_CM
    centre = (CADENCE_REF_SPM + CADENCE_PER_MS * (runner.speed_ms - CADENCE_REF_SPEED_MS)) * math.sqrt(ref_leg / leg)
    lo, hi = CADENCE_STUDIED_SPEEDS_MS
    extrapolated = "" if lo <= runner.speed_ms <= hi else f"; speed outside the studied {lo}-{hi} m/s, extrapolated"
    formula = (
        f"({CADENCE_REF_SPM:.0f} + {CADENCE_PER_MS} x (speed {runner.speed_ms:.2f} m/s - {CADENCE_REF_SPEED_MS})) "
        f"x sqrt({ref_leg:.1f} / {leg:.1f} cm) = {centre:.0f} +- {CADENCE_SD_SPM:.0f} steps/min ({leg_note}{extrapolated})"
    )
    return Band(
        "cadence", centre - CADENCE_SD_SPM, centre + CADENCE_SD_SPM, "steps/min", formula, CADENCE_SOURCE, True,
        step=CADENCE_SD_SPM,
    )  # fmt: skip


def step_length_band(runner: Runner, stride: bool = False) -> Band:
    cadence = cadence_band(runner)
    steps = 2 if stride else 1
    speed = runner.speed_ms
    low, high = (steps * speed * 60 / c for c in (cadence.high, cadence.low))
    name = "stride_length" if stride else "step_length"
    formula = (
        f"{steps} x speed {speed:.2f} m/s / (cadence / 60), cadence {cadence.low:.0f}-{cadence.high:.0f} "
        f"-> {low:.2f}-{high:.2f} m"
    )
    return Band(name, low, high, "m", formula, STEP_LENGTH_SOURCE, True, step=(high - low) / 2)


def finding_band(code: str, limits: Mapping) -> Band:
    limit = limits[code]
    return Band(
        code, None, limit["value"], limit["unit"],
        f"at most {limit['value']:g} {limit['unit']} (fixed: no relation to body size, sex or speed in our sources)",
        limit["source"], False, step=limit["band"],
    )  # fmt: skip


# ---- judging -------------------------------------------------------------------------------


def judge_metrics(
    runner: Runner,
    metrics: Mapping[str, Mapping],
    cadence_spm: float | None = None,
    thresholds: Mapping | None = None,
) -> list[Target]:
    """Per-metric band and verdict for one analysis.

    metrics: the report's `metrics` block; cadence_spm: the report's `cadence_spm` (else the
    mean of the per-side cadences); thresholds: the clinic's overrides, as given to the engine.
    Cadence, step and stride length need the treadmill speed and are left out without it.
    """
    limits = finding_thresholds(dict(thresholds or {}))
    out = []
    if cadence_spm is None and "cadence" in metrics:
        cadence_spm = _mean([metrics["cadence"].get(s) for s in SIDES])
    if runner.speed_ms is not None:
        out.append(_target("cadence", None, cadence_spm, cadence_band(runner)))
        for stride in (False, True):
            band = step_length_band(runner, stride)
            length = None if not cadence_spm else (2 if stride else 1) * runner.speed_ms * 60 / cadence_spm
            out.append(_target(band.metric, None, length, band))
    for code in limits:
        if code not in metrics:
            continue
        band = finding_band(code, limits)
        entry = metrics[code]
        if code == "trunk_lean":  # one trunk: the engine judges the mean over both stances
            out.append(_target(code, None, _mean([entry.get(s) for s in SIDES]), band))
        else:
            out.extend(_target(code, side, entry.get(side), band) for side in SIDES)
    return out


def _target(metric, side, value, band: Band) -> Target:
    if value is None:
        return Target(metric, side, None, band.unit, band, "no value", 0.0)
    value = float(value)
    verdict = "within" if band.contains(value) else "below" if band.low is not None and value < band.low else "above"
    return Target(metric, side, round(value, 2), band.unit, band, verdict, round(band.excess(value), 3))


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


# ---- priorities ----------------------------------------------------------------------------

TITLES = {
    "weak_gluteus_medius": "{Leg} hip control: knee in, pelvis drop, foot out",
    "heavy_heel_landing": "Heavy heel landing",
    "knee_valgus": "{Leg} knee moves in",
    "pelvic_drop": "{Leg} side of the pelvis drops",
    "foot_turn_out": "{Leg} foot turns out",
    "arm_crossover": "{Leg} arm crosses the body",
    "trunk_lean": "Forward lean",
    "overstride": "Overstride",
    "heel_strike": "Heel strike",
    "low_cadence": "Low cadence",
}
SEVERITY_EXCESS = {"mild": 0.5, "moderate": 1.5, "marked": 2.5}  # when a finding has no value


def priorities(
    findings: Iterable[Finding | Mapping],
    targets: Iterable[Target] = (),
    thresholds: Mapping | None = None,
    limit: int = 3,
) -> list[Priority]:
    """At most `limit` priorities, worst first; a combined pattern replaces its parts.

    Score = how far past its threshold (findings: in the engine's severity bands) or its band
    (targets: in band half-widths) the worst part lies. The gluteus medius triad of one leg is one
    priority; overstride + heel strike (+ a cadence below the band) is one "heavy heel landing".
    Step and stride length are left out: on a treadmill they mirror cadence.
    """
    limits = finding_thresholds(dict(thresholds or {}))
    items = {}
    for item in findings:
        f = item if isinstance(item, Finding) else Finding.from_dict(item)
        threshold = item.get("threshold") if isinstance(item, Mapping) else None
        items[f"{f.code}:{f.side or 'both'}"] = (f, _finding_excess(f, threshold, limits))
    cadence = next((t for t in targets if t.metric == "cadence" and t.verdict == "below"), None)

    out = []
    for leg in SIDES:
        keys = [f"knee_valgus:{leg}", f"pelvic_drop:{OTHER[leg]}", f"foot_turn_out:{leg}"]
        if all(k in items for k in keys):
            out.append(_combined("weak_gluteus_medius", leg, keys, items, "the triad of one weak gluteus medius"))
    heel = sorted(k for k in items if k.split(":")[0] in ("overstride", "heel_strike"))
    if {k.split(":")[0] for k in heel} == {"overstride", "heel_strike"}:
        if cadence:
            items["low_cadence:both"] = (None, cadence.excess)
            heel.append("low_cadence:both")
            cadence = None
        out.append(_combined("heavy_heel_landing", None, heel, items, "overstride with a heel strike"))
    for key, (f, excess) in items.items():
        if f is not None:
            out.append(Priority(f.code, f.side, _title(f.code, f.side), round(excess, 3), (key,), "finding"))
    if cadence:
        out.append(
            Priority("low_cadence", None, TITLES["low_cadence"], cadence.excess, ("cadence:both",),
                     f"{cadence.value:.0f} steps/min is below the band {cadence.band.low:.0f}-{cadence.band.high:.0f}")
        )  # fmt: skip
    out.sort(key=lambda p: (-p.score, p.code, p.side or ""))
    return out[:limit]


def _combined(code, side, keys, items, why) -> Priority:
    score = max(items[k][1] for k in keys)
    for k in keys:
        items[k] = (None, items[k][1])  # consumed: the combined pattern replaces its parts
    return Priority(code, side, _title(code, side), round(score, 3), tuple(keys), why)


def _finding_excess(f: Finding, threshold, limits) -> float:
    limit = limits.get(f.code)
    if f.value is None or limit is None:
        return SEVERITY_EXCESS.get(f.severity, 0.5)
    threshold = limit["value"] if threshold is None else threshold
    return max(0.0, (f.value - threshold) / limit["band"])


def _title(code, side) -> str:
    leg = side or "both"
    return TITLES.get(code, code.replace("_", " ")).format(Leg=leg.capitalize(), leg=leg)
