"""Clinical reasoning suggestions from gait findings and clinical tests.

    suggestions = suggest(report["findings"], tests={"left": ClinicalTests(hip_abduction_grade=4)})

Every rule is one row of RULES below: the pattern of findings it needs, the strength it starts
at, which clinical tests move it, and its sources. The therapist confirms or dismisses each
suggestion; nothing here is a diagnosis.

Side conventions are the engine's (gait/engine/findings.py): a finding's side is the knee that
moves in, the foot that turns out, the side of the pelvis that DROPS (the swing side, so the
stance leg is the other one), the arm that crosses, the leg that overstrides or heel-strikes
(None = both). A suggestion's side is the leg it is about: for the hip abductors that is the
stance leg, i.e. the side opposite the pelvic drop.

Strength is a score from 0 to 3, shown as unlikely / possible / likely / strong. A rule starts at
its base score; each clinical test on that leg adds one (it points the same way), takes one away
(it points the other way) or leaves it (listed as context). A combined pattern replaces its
parts: the gluteus medius triad is not also reported as "pelvic drop alone".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass

SIDES = ("left", "right")
OTHER = {"left": "right", "right": "left"}
STRENGTHS = ("unlikely", "possible", "likely", "strong")
SQUAT_QUALITIES = ("good", "fair", "poor")
# Hand-held dynamometry: no absolute N/kg cut-off is established in our sources, so force is
# judged side to side; a leg under 85 % of the other is the common limb-symmetry convention.
FORCE_SYMMETRY_MIN = 0.85
CADENCE_RETRAINING = (0.05, 0.10)  # +5-10 % of the preferred step rate (Heiderscheit 2011)


# ---- inputs and outputs ------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One engine finding, as in the report JSON's `findings` list."""

    code: str
    side: str | None
    value: float | None = None
    unit: str = ""
    severity: str = ""
    confidence: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping) -> Finding:
        side = data.get("side") or None
        if side not in (None, *SIDES):
            raise ValueError(f"finding {data.get('code')!r}: side must be left, right or empty, got {side!r}")
        return cls(
            code=str(data["code"]),
            side=side,
            value=data.get("value"),
            unit=data.get("unit") or "",
            severity=data.get("severity") or "",
            confidence=data.get("confidence"),
        )


@dataclass(frozen=True)
class ClinicalTests:
    """Clinical tests of one leg; leave out what was not tested.

    hip_abduction_grade: manual muscle test, 0-5 (5 = normal).
    hip_abduction_n_per_kg: isometric hand-held dynamometer force divided by body mass, or
    hip_abduction_newtons: the force itself; either is judged against the other leg's (same unit).
    trendelenburg_positive: standing on THIS leg, the other side of the pelvis drops.
    single_leg_squat: "good", "fair" or "poor" (knee or pelvic deviation, loss of balance).
    single_leg_balance_s: single-leg stance, eyes open, seconds.
    """

    hip_abduction_grade: float | None = None
    hip_abduction_n_per_kg: float | None = None
    hip_abduction_newtons: float | None = None
    trendelenburg_positive: bool | None = None
    single_leg_squat: str | None = None
    single_leg_balance_s: float | None = None

    def __post_init__(self):
        grade = self.hip_abduction_grade
        if grade is not None and not 0 <= grade <= 5:
            raise ValueError(f"hip abduction grade must be 0-5, got {grade}")
        for name in ("hip_abduction_n_per_kg", "hip_abduction_newtons", "single_leg_balance_s"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative, got {value}")
        if self.single_leg_squat is not None and self.single_leg_squat not in SQUAT_QUALITIES:
            raise ValueError(
                f"single-leg squat must be one of {', '.join(SQUAT_QUALITIES)}, got {self.single_leg_squat!r}"
            )


@dataclass(frozen=True)
class Evidence:
    """One finding, test or metric behind a suggestion, and what it did to the strength."""

    kind: str  # "finding", "clinical_test" or "metric"
    code: str
    side: str | None
    value: object
    unit: str
    effect: str  # "pattern" (part of the rule's pattern), "raises", "lowers" or "context"
    note: str


@dataclass(frozen=True)
class Suggestion:
    code: str
    side: str | None
    strength: str
    score: int
    title: str
    rationale: str
    evidence: tuple[Evidence, ...]
    sources: tuple[str, ...]

    def as_dict(self) -> dict:
        return asdict(self)


# ---- sources (in our own words; full list in docs/gait-clinical-reasoning.md) --------------

SOUZA_2016 = (
    "Souza 2016, PM&R Clin N Am 27(1):217-236: posterior and side video of running, judged at "
    "initial contact and mid-stance; no kinematic cut-off prevents injury, a finding matters when "
    "it fits the runner's complaint"
)
BRAMAH_2018 = (
    "Bramah et al. 2018, Am J Sports Med 46(12):3023-3031: injured runners ran with more "
    "contralateral pelvic drop and forward trunk lean at mid-stance; each extra degree of pelvic "
    "drop raised the odds of being in the injured group by about 80 %"
)
HIP_ADDUCTION_2D = (
    "Frontal plane kinematics predict three-dimensional hip adduction during running (30 male "
    "runners): 2D pelvic obliquity and femoral valgus explained 88 % of 3D peak hip adduction; "
    "2D knee valgus in running did not track 3D knee abduction, so the knee is read with the pelvis"
)
WILLSON_DAVIS_2008 = (
    "Willson & Davis 2008, JOSPT 38(10):606-615: the frontal plane projection angle of the knee "
    "as the 2D measure of the knee moving in"
)
DINGENEN_2018 = (
    "Dingenen et al. 2018, Phys Ther Sport 33:40-47: 2D contralateral pelvic drop at mid-stance "
    "of the stance leg, averaged over at least 7 steps"
)
WHITNEY_2022 = (
    "Whitney et al. 2022, J Phys Ther Sci 34(4):327-334: female runners with sacroiliac joint "
    "pain showed more pelvic drop in mid-stance on 2D video"
)
HEIDERSCHEIT_2011 = (
    "Heiderscheit et al. 2011, Med Sci Sports Exerc 43(2):296-302: step rate +5 % and +10 % "
    "lowered knee energy absorption; +10 % also lowered hip load and peak hip adduction"
)
ANDERSON_2022 = (
    "Anderson et al. 2022, Sports Med Open 8:112 (meta-analysis): a higher step rate shortens "
    "the step and lowers the foot-strike angle and knee extensor moment"
)
LIEBERMAN_2015 = (
    "Lieberman et al. 2015, J Exp Biol 218:3406-3414: each +5 strides/min brought the foot "
    "landing 5.9 % closer to the hip; landing far ahead of the hip went with larger braking forces"
)
WILLE_2014 = (
    "Wille et al. 2014, JOSPT 44(10):825-830: heel-to-centre-of-mass distance and foot "
    "inclination at initial contact predicted knee load and impact"
)
TENG_POWERS_2015 = (
    "Teng & Powers 2015, Med Sci Sports Exerc 47(3):625-630: more forward trunk flexion shifted "
    "work from the knee to the hip (high-flexion group about 11 deg vs 4 deg)"
)
ARELLANO_KRAM_2014 = (
    "Arellano & Kram 2014, J Exp Biol 217(14):2456: arm swing balances the legs' angular "
    "momentum; running without it cost more energy and rotated the trunk and pelvis more. "
    "Crossover as an injury factor is practitioners' opinion, not evidence"
)


# ---- the rules -----------------------------------------------------------------------------

Matches = list[tuple[str | None, list[Finding]]]  # (side of the suggestion, its pattern findings)


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    pattern: str  # in words, for the therapist and the docs
    base: int  # starting score, 0-3
    rationale: str
    match: Callable[[dict], Matches]
    hip_tests: bool  # whether the leg's hip-abductor tests move the strength
    sources: tuple[str, ...]


def _triad(found: dict, leg: str) -> list[Finding] | None:
    parts = [found.get(("knee_valgus", leg)), found.get(("pelvic_drop", OTHER[leg])), found.get(("foot_turn_out", leg))]
    return parts if all(parts) else None


def _match_gluteus_medius(found: dict) -> Matches:
    return [(leg, parts) for leg in SIDES if (parts := _triad(found, leg))]


def _match_pelvic_drop_alone(found: dict) -> Matches:
    """Pelvic drop on one side = the other (stance) leg's abductors; the triad replaces it."""
    return [
        (leg, [drop]) for leg in SIDES if (drop := found.get(("pelvic_drop", OTHER[leg]))) and not _triad(found, leg)
    ]


def _match_heavy_heel_landing(found: dict) -> Matches:
    overstride, heel = _any_side(found, "overstride"), _any_side(found, "heel_strike")
    return [(None, overstride + heel)] if overstride and heel else []


def _match_trunk_lean(found: dict) -> Matches:
    lean = _any_side(found, "trunk_lean")
    return [(None, lean)] if lean else []


def _match_arm_crossover(found: dict) -> Matches:
    arms = _any_side(found, "arm_crossover")
    if not arms:
        return []
    sides = {f.side for f in arms}
    return [(sides.pop() if len(sides) == 1 else None, arms)]


def _any_side(found: dict, code: str) -> list[Finding]:
    return [f for (c, _), f in sorted(found.items(), key=lambda kv: str(kv[0])) if c == code]


RULES: tuple[Rule, ...] = (
    Rule(
        code="weak_gluteus_medius",
        title="Weak gluteus medius on the {leg} leg",
        pattern="{leg} knee moves in + {other} side of the pelvis drops + {leg} foot turns out",
        base=2,
        rationale=(
            "While standing on the {leg} leg the {leg} knee moves in, the {other} side of the pelvis drops "
            "and the {leg} foot turns out: together the classic picture of a {leg} gluteus medius that "
            "does not hold the pelvis and thigh level."
        ),
        match=_match_gluteus_medius,
        hip_tests=True,
        sources=(SOUZA_2016, HIP_ADDUCTION_2D, BRAMAH_2018, WILLSON_DAVIS_2008),
    ),
    Rule(
        code="hip_abductor_weakness",
        title="Hip abductor weakness of the {leg} (stance) leg",
        pattern="{other} side of the pelvis drops (without the full triad)",
        base=1,
        rationale=(
            "The {other} side of the pelvis drops while the runner stands on the {leg} leg: the {leg} hip "
            "abductors may not hold the pelvis level."
        ),
        match=_match_pelvic_drop_alone,
        hip_tests=True,
        sources=(DINGENEN_2018, BRAMAH_2018, WHITNEY_2022),
    ),
    Rule(
        code="low_cadence",
        title="Low cadence: try +5-10 % step rate",
        pattern="overstride + heel strike (a heavy heel landing)",
        base=2,
        rationale=(
            "The foot lands well in front of the body on the heel. A slightly higher step rate "
            "(+5-10 % of the preferred one) shortens the step and brings the landing under the body."
        ),
        match=_match_heavy_heel_landing,
        hip_tests=False,
        sources=(HEIDERSCHEIT_2011, ANDERSON_2022, LIEBERMAN_2015, WILLE_2014),
    ),
    Rule(
        code="trunk_hip_extensor_control",
        title="Trunk and hip extensor control",
        pattern="forward lean of the trunk",
        base=1,
        rationale=(
            "The runner leans forward from the hips. Forward lean moves work from the knee to the hip, so "
            "check trunk control and the hip extensors' strength and endurance."
        ),
        match=_match_trunk_lean,
        hip_tests=False,
        sources=(TENG_POWERS_2015, BRAMAH_2018),
    ),
    Rule(
        code="arm_drive_cue",
        title="Trunk rotation / arm drive cue",
        pattern="arm crosses the body midline",
        base=1,
        rationale=(
            "The {arms} across the body's midline. Check trunk rotation and cue the arms to drive "
            "forward and back."
        ),
        match=_match_arm_crossover,
        hip_tests=False,
        sources=(ARELLANO_KRAM_2014,),
    ),
)


# ---- the engine ----------------------------------------------------------------------------


def suggest(
    findings: Iterable[Finding | Mapping],
    tests: Mapping[str, ClinicalTests] | None = None,
    cadence_spm: float | None = None,
    cadence_band: tuple[float, float] | None = None,
) -> list[Suggestion]:
    """Suggestions for these findings (engine report dicts or Finding), strongest first.

    tests: clinical tests per leg, {"left": ClinicalTests(...), "right": ...}.
    cadence_spm / cadence_band: the measured cadence and the runner's band (targets.cadence_band,
    or (low, high));
    a cadence below the band raises the low-cadence suggestion, above it lowers it.
    """
    found = _index(findings)
    tests = dict(tests or {})
    unknown = set(tests) - set(SIDES)
    if unknown:
        raise ValueError(f"clinical tests must be keyed by left/right, got {sorted(unknown)}")
    out = []
    for order, rule in enumerate(RULES):
        for side, parts in rule.match(found):
            evidence = [_finding_evidence(f) for f in parts]
            if rule.hip_tests:
                evidence += _hip_test_evidence(side, tests)
            if rule.code == "low_cadence":
                evidence += _cadence_evidence(cadence_spm, cadence_band)
            score = max(0, min(3, rule.base + sum(_DELTA[e.effect] for e in evidence)))
            out.append((order, _suggestion(rule, side, score, evidence, parts, cadence_spm)))
    out.sort(key=lambda item: (-item[1].score, item[0], item[1].side or ""))
    return [s for _, s in out]


_DELTA = {"pattern": 0, "context": 0, "raises": 1, "lowers": -1}


def _index(findings) -> dict:
    """{(code, side): Finding}; with the same finding twice (two videos), keep the larger value."""
    found: dict = {}
    for item in findings:
        f = item if isinstance(item, Finding) else Finding.from_dict(item)
        key = (f.code, f.side)
        if key not in found or (f.value or 0) > (found[key].value or 0):
            found[key] = f
    return found


def _finding_evidence(f: Finding) -> Evidence:
    note = f"{f.severity} finding" if f.severity else "finding"
    if f.confidence is not None:
        note += f", confidence {f.confidence:.2f}"
    return Evidence("finding", f.code, f.side, f.value, f.unit, "pattern", note)


def _hip_test_evidence(leg: str, tests: Mapping[str, ClinicalTests]) -> list[Evidence]:
    mine, other = tests.get(leg), tests.get(OTHER[leg])
    if mine is None:
        return []
    out = []
    if mine.hip_abduction_grade is not None:
        weak = mine.hip_abduction_grade < 5
        out.append(
            Evidence(
                "clinical_test", "hip_abduction_grade", leg, mine.hip_abduction_grade, "/5",
                "raises" if weak else "lowers",
                "hip abduction below normal strength on this leg" if weak else "normal hip abduction strength",
            )
        )  # fmt: skip
    force = _force(mine)
    if force is not None:
        value, unit = force
        theirs = _force(other) if other else None
        if theirs is not None and theirs[1] == unit and theirs[0] > 0:
            ratio = value / theirs[0]
            weaker = ratio < FORCE_SYMMETRY_MIN
            note = f"{ratio:.0%} of the other leg's force" + (
                f" (under {FORCE_SYMMETRY_MIN:.0%})" if weaker else ", no clear side difference"
            )
            effect = "raises" if weaker else "context"
        else:
            note, effect = "force without the other leg's to compare (no absolute cut-off is established)", "context"
        out.append(Evidence("clinical_test", "hip_abduction_force", leg, value, unit, effect, note))
    if mine.trendelenburg_positive is not None:
        positive = mine.trendelenburg_positive
        out.append(
            Evidence(
                "clinical_test", "trendelenburg", leg, "positive" if positive else "negative", "",
                "raises" if positive else "lowers",
                "pelvis drops on the other side when standing on this leg" if positive else "pelvis stays level standing on this leg",
            )
        )  # fmt: skip
    if mine.single_leg_squat is not None:
        poor = mine.single_leg_squat == "poor"
        out.append(
            Evidence(
                "clinical_test", "single_leg_squat", leg, mine.single_leg_squat, "",
                "raises" if poor else "context",
                "poor control of knee and pelvis" if poor else "a fair or good squat does not rule out weakness under running load",
            )
        )  # fmt: skip
    if mine.single_leg_balance_s is not None:
        out.append(
            Evidence(
                "clinical_test", "single_leg_balance", leg, mine.single_leg_balance_s, "s", "context",
                "balance is not specific to the hip abductors",
            )
        )  # fmt: skip
    return out


def _force(tests: ClinicalTests) -> tuple[float, str] | None:
    if tests.hip_abduction_n_per_kg is not None:
        return tests.hip_abduction_n_per_kg, "N/kg"
    if tests.hip_abduction_newtons is not None:
        return tests.hip_abduction_newtons, "N"
    return None


def _cadence_evidence(cadence: float | None, band: tuple[float, float] | None) -> list[Evidence]:
    if cadence is None:
        return []
    if band is None:
        return [Evidence("metric", "cadence", None, cadence, "steps/min", "context", "no personal band given")]
    low, high = (band.low, band.high) if hasattr(band, "low") else band  # a targets.Band or (low, high)
    if cadence < low:
        effect, note = "raises", f"below the runner's band {low:.0f}-{high:.0f}"
    elif cadence > high:
        effect, note = "lowers", f"above the runner's band {low:.0f}-{high:.0f}: step rate is not the obvious lever"
    else:
        effect, note = "context", f"within the runner's band {low:.0f}-{high:.0f}"
    return [Evidence("metric", "cadence", None, cadence, "steps/min", effect, note)]


def _suggestion(rule: Rule, side, score, evidence, parts, cadence) -> Suggestion:
    names = {
        "leg": side or "both",
        "other": OTHER.get(side, "other"),
        "arms": f"{side} arm swings" if side else "arms swing",
    }
    rationale = rule.rationale.format(**names)
    if rule.code == "low_cadence" and cadence is not None:
        low, high = (cadence * (1 + step) for step in CADENCE_RETRAINING)
        rationale += f" From {cadence:.0f} steps/min: try {low:.0f}-{high:.0f} (a metronome helps)."
    changes = [e for e in evidence if e.effect in ("raises", "lowers")]
    if changes:
        moved = "; ".join(f"{e.code.replace('_', ' ')} {e.effect} it" for e in changes)
        rationale += f" {moved[0].upper()}{moved[1:]}."
    return Suggestion(
        code=rule.code,
        side=side,
        strength=STRENGTHS[score],
        score=score,
        title=rule.title.format(**names),
        rationale=rationale,
        evidence=tuple(evidence),
        sources=rule.sources,
    )
