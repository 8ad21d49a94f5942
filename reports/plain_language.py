"""The report's own words for the client: findings, confirmed suggestions, metric names and
changes, in plain language, and the scan that keeps diagnoses out of them.

Rules (docs/reports.md): short sentences in the second person; say what was seen, how much, and
why it matters for running; no jargon where a plain word exists; never name a diagnosis (only the
therapist may, in their own words). `diagnosis_terms_in()` scans texts for the terms below; the
report scans every sentence it generates and the tests scan every finding and suggestion code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Diagnoses and conditions a runner's report must not name unless the therapist wrote them.
# Lower case; matched as whole words, case-insensitively (plurals and "-itis" spellings listed).
DIAGNOSIS_TERMS = (
    "patellofemoral pain",
    "patellofemoral pain syndrome",
    "pfps",
    "runner's knee",
    "runners knee",
    "chondromalacia",
    "iliotibial band syndrome",
    "itb syndrome",
    "it band syndrome",
    "itbs",
    "tendinopathy",
    "tendinitis",
    "tendonitis",
    "tendinosis",
    "plantar fasciitis",
    "plantar fasciopathy",
    "stress fracture",
    "stress reaction",
    "bone stress injury",
    "fracture",
    "shin splints",
    "medial tibial stress syndrome",
    "mtss",
    "compartment syndrome",
    "bursitis",
    "achilles tendinopathy",
    "achilles rupture",
    "morton's neuroma",
    "neuroma",
    "metatarsalgia",
    "sesamoiditis",
    "sciatica",
    "piriformis syndrome",
    "disc herniation",
    "herniated disc",
    "slipped disc",
    "spondylolysis",
    "spondylolisthesis",
    "osteoarthritis",
    "arthritis",
    "femoroacetabular impingement",
    "fai",
    "impingement",
    "labral tear",
    "meniscus tear",
    "meniscal tear",
    "acl",
    "ligament tear",
    "sprain",
    "strain",
    "gluteal tendinopathy",
    "greater trochanteric pain syndrome",
    "gtps",
    "hamstring tendinopathy",
    "osgood-schlatter",
    "sever's disease",
    "sinding-larsen",
    "syndrome",
    "injury",
    "disease",
    "diagnosis",
)

_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(t) for t in sorted(DIAGNOSIS_TERMS, key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE,
)


def diagnosis_terms_in(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(term, text) for every diagnosis term found in the texts; empty when there is none."""
    hits = []
    for text in texts:
        for match in _PATTERN.finditer(text or ""):
            hits.append((match.group(1).lower(), text))
    return hits


SEVERITY_WORDS = {"mild": "slightly", "moderate": "noticeably", "marked": "markedly"}

# What each finding code means, for the client: what was seen (with {side} and {how}), and why
# it matters. The engine's codes (gait/engine/findings.py) first.
FINDINGS = {
    "knee_valgus": (
        "Your {side}knee moves inwards {how} as your foot lands.",
        "A knee that stays in line over the foot shares the load of landing more evenly.",
    ),
    "pelvic_drop": (
        "The {side}side of your pelvis dips {how} while you stand on the other leg.",
        "The muscles on the side of the hip hold the pelvis level; a level pelvis keeps the load off the knee and hip.",
    ),
    "foot_turn_out": (
        "Your {side}foot points outwards {how} while it is on the ground.",
        "A foot that points ahead lets the ankle and knee work in a straight line.",
    ),
    "arm_crossover": (
        "Your {side}hand swings {how} across the middle of your body.",
        "Arms that swing forwards and back help you run straight and keep your upper body steady.",
    ),
    "trunk_lean": (
        "You lean forwards {how} from the hips while you run.",
        "Leaning forward moves work from the knees to the hips and lower back.",
    ),
    "overstride": (
        "Your {side}foot lands {how} in front of your body.",
        "Landing closer under your body means less braking with each step.",
    ),
    "heel_strike": (
        "You land {how} on your {side}heel, with the toes pointing up.",
        "A softer landing closer under your body lowers the jolt with each step.",
    ),
}
FINDING_FALLBACK = (
    "Your therapist noted something about the way you run here.",
    "They will go through it with you at your next visit.",
)

# Confirmed suggestions (gait/clinical/reasoning.py codes), what the client is told.
SUGGESTIONS = {
    "weak_gluteus_medius": "The muscles on the side of your {side}hip need to get stronger, so they hold your pelvis "
    "and knee steady when you land on that leg.",
    "hip_abductor_weakness": "The muscles on the side of your {side}hip are not quite holding your pelvis level "
    "when you stand on that leg: strengthening them is part of your plan.",
    "low_cadence": "Taking slightly quicker, shorter steps (about 5 to 10 % more steps a minute) will help you land "
    "closer under your body.",
    "trunk_hip_extensor_control": "Strength and control of your trunk and the muscles at the back of your hips will "
    "help you run more upright.",
    "arm_drive_cue": "Driving your arms forwards and back, rather than across your body, will help you run straight.",
}
SUGGESTION_FALLBACK = (
    "Your therapist agreed one more point to work on with you; they will explain it at your next visit."
)

# The metrics charted and compared, in plain words.
METRICS = {
    "cadence": "Steps per minute (cadence)",
    "knee_valgus": "Knee moving inwards",
    "pelvic_drop": "Pelvis dipping",
    "foot_turn_out": "Foot pointing outwards",
    "arm_crossover": "Hand crossing the middle",
    "trunk_lean": "Leaning forwards",
    "overstride": "Foot landing in front (shin angle)",
    "heel_strike": "Heel landing (toes up)",
    "heel_ahead_of_hip": "Heel ahead of the hip",
    "contact_time": "Time on the ground",
    "duty_factor": "Share of each stride on the ground",
    "strike_loudness": "Loudness of the landing",
}
UNITS = {
    "deg": "°",
    "steps/min": " steps/min",
    "ms": " ms",
    "%": " %",
    "% shoulder width": " % of shoulder width",
    "% leg length": " % of leg length",
    "dBFS": " dB",
}

VERDICTS = {
    "improved": "better",
    "worse": "worse",
    "changed": "changed",
    "no detectable change": "no detectable change",
}


def side_word(side: str) -> str:
    return f"{side} " if side in ("left", "right") else ""


def finding_text(code: str, side: str, severity: str) -> tuple[str, str]:
    """(what was seen, why it matters) for a finding, in the report's words."""
    seen, why = FINDINGS.get(code, FINDING_FALLBACK)
    how = SEVERITY_WORDS.get(severity, "")
    seen = seen.format(side=side_word(side), how=how)
    return " ".join(seen.split()).replace(" .", "."), why


def finding_title(code: str, side: str) -> str:
    label = METRICS.get(code)
    if not label:
        return "Something your therapist noted"
    return f"{label} ({side})" if side in ("left", "right") else label


def suggestion_text(code: str, side: str) -> str:
    return SUGGESTIONS.get(code, SUGGESTION_FALLBACK).format(side=side_word(side))


def metric_label(name: str) -> str:
    return METRICS.get(name, name.replace("_", " ").capitalize())


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    return f"{value:.0f}{UNITS.get(unit, ' ' + unit if unit else '')}"


def change_text(metric: str, side: str, unit: str, a: float, b: float, verdict: str, *, first: str, second: str) -> str:
    """One sentence about a compared metric, e.g. 'Knee moving inwards (left): 9° at your first
    assessment, 4° now: better.'"""
    name = metric_label(metric) + (f" ({side})" if side in ("left", "right") and metric != "cadence" else "")
    if metric == "cadence" and side in ("left", "right"):
        name = f"{metric_label(metric)}, {side} foot"
    word = VERDICTS.get(verdict, verdict)  # the report's introduction explains "no detectable change"
    return f"{name}: {value_text(a, unit)} {first}, {value_text(b, unit)} {second}: {word}."
