"""Suggests a draft programme from what the assessment found.

The input is plain data — suggestion codes (from the clinical reasoning) or raw gait finding
codes, each with an optional side, and the measured cadence — so this module does not depend on
how gait sessions store their findings.

| code                        | sided | exercises (library slugs)                                      | cues                          |
|-----------------------------|-------|----------------------------------------------------------------|-------------------------------|
| weak_gluteus_medius         | yes   | side-lying-hip-abduction, clamshell, hip-hike                  | level-pelvis                  |
| hip_abductor_weakness       | yes   | side-lying-hip-abduction, lateral-band-walk, side-plank        | level-pelvis                  |
| pelvic_drop                 | opp.  | hip-hike, single-leg-bridge, side-plank                        | level-pelvis                  |
| knee_valgus                 | yes   | step-down, clamshell, single-leg-squat                         | knees-over-toes               |
| foot_turn_out               | yes   | big-toe-press, toe-yoga, single-leg-calf-raise                 | push-off-big-toe              |
| low_cadence                 | no    | pogo-hops                                                      | cadence (metronome +5/+10 %)  |
| overstride                  | no    | —                                                              | cadence, run-quietly          |
| heel_strike                 | no    | pogo-hops, tibialis-raise                                      | run-quietly, cadence          |
| trunk_hip_extensor_control  | no    | single-leg-romanian-deadlift, glute-bridge, dead-bug           | belly-button-to-spine         |
| trunk_lean                  | no    | dead-bug, wall-march, single-leg-romanian-deadlift             | tall-posture                  |
| arm_drive (or arm_drive_cue)| no    | arm-swing-drill                                                | arms-back-chest-open          |
| arm_crossover               | no    | arm-swing-drill, pallof-press                                  | arms-back-chest-open          |

A side ("left"/"right") makes one-sided exercises start on that side ("left first": the weaker
side works first, while fresh); an exercise asked for on both sides is done evenly. Sides follow
the gait engine's findings: a pelvic drop's side is the side that DROPS (the swing side), so its
exercises ("opp." above) start on the other leg, the stance leg whose abductors let it drop; the
reasoning's suggestions (weak_gluteus_medius, hip_abductor_weakness) already name the stance leg. Hidden
library entries are left out. Each line says why it was suggested.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .models import Exercise, RetrainingCue, Side

SUGGESTIONS: dict[str, tuple[str, bool, tuple[str, ...], tuple[str, ...]]] = {
    # code: (label, sided, exercise slugs, cue slugs)
    "weak_gluteus_medius": ("Weak gluteus medius", True,
                            ("side-lying-hip-abduction", "clamshell", "hip-hike"), ("level-pelvis",)),
    "hip_abductor_weakness": ("Hip abductor weakness", True,
                              ("side-lying-hip-abduction", "lateral-band-walk", "side-plank"), ("level-pelvis",)),
    "pelvic_drop": ("Pelvic drop", True, ("hip-hike", "single-leg-bridge", "side-plank"), ("level-pelvis",)),
    "knee_valgus": ("Knee moving in (valgus)", True,
                    ("step-down", "clamshell", "single-leg-squat"), ("knees-over-toes",)),
    "foot_turn_out": ("Foot turning out", True,
                      ("big-toe-press", "toe-yoga", "single-leg-calf-raise"), ("push-off-big-toe",)),
    "low_cadence": ("Low cadence", False, ("pogo-hops",), ("cadence",)),
    "overstride": ("Overstriding", False, (), ("cadence", "run-quietly")),
    "heel_strike": ("Heavy heel strike", False, ("pogo-hops", "tibialis-raise"), ("run-quietly", "cadence")),
    "trunk_hip_extensor_control": ("Trunk and hip extensor control", False,
                                   ("single-leg-romanian-deadlift", "glute-bridge", "dead-bug"),
                                   ("belly-button-to-spine",)),
    "trunk_lean": ("Forward trunk lean", False,
                   ("dead-bug", "wall-march", "single-leg-romanian-deadlift"), ("tall-posture",)),
    "arm_drive": ("Arm drive", False, ("arm-swing-drill",), ("arms-back-chest-open",)),
    "arm_crossover": ("Arm crossover", False, ("arm-swing-drill", "pallof-press"), ("arms-back-chest-open",)),
}
# Other names for a code (gait/clinical/reasoning.py calls its arm suggestion "arm_drive_cue").
ALIASES = {"arm_drive_cue": "arm_drive"}
SIDES = ("left", "right")
OTHER_SIDE = {"left": "right", "right": "left"}
# Findings whose side is not the leg to train (the pelvis drops on the swing side).
OPPOSITE_SIDE_CODES = {"pelvic_drop"}
CADENCE_RANGE = (100, 250)  # steps per minute a running cadence can plausibly be

FIRST_SIDE = {"left": Side.LEFT_FIRST, "right": Side.RIGHT_FIRST}


@dataclass
class SuggestedExercise:
    exercise: Exercise
    side: str
    reason: str


@dataclass
class SuggestedCue:
    cue: RetrainingCue
    wording: str
    reason: str


@dataclass
class Suggestion:
    exercises: list[SuggestedExercise]
    cues: list[SuggestedCue]


def _check(focus: list[dict], cadence) -> None:
    errors = []
    for item in focus:
        code, side = item.get("code"), item.get("side")
        if code not in SUGGESTIONS:
            errors.append(f"Unknown focus '{code}': choose from {', '.join(SUGGESTIONS)}.")
        elif side not in (None, "", *SIDES):
            errors.append(f"Side for '{code}' must be left or right, not '{side}'.")
    problems = {"focus": errors} if errors else {}
    if cadence is not None and not CADENCE_RANGE[0] <= cadence <= CADENCE_RANGE[1]:
        problems["measured_cadence"] = [
            f"A running cadence is {CADENCE_RANGE[0]}–{CADENCE_RANGE[1]} steps/min; got {cadence}."
        ]
    if problems:
        raise ValidationError(problems)


def suggest_programme(*, focus: list[dict], measured_cadence: float | None = None) -> Suggestion:
    """Draft programme lines for focus items [{"code": ..., "side": "left"|"right"|None}, ...],
    in the order given. Two queries. Raises ValidationError naming a bad code, side or cadence."""
    focus = [{**item, "code": ALIASES.get(item.get("code"), item.get("code"))} for item in focus]
    _check(focus, measured_cadence)
    wanted_exercises = {slug for item in focus for slug in SUGGESTIONS[item["code"]][2]}
    wanted_cues = {slug for item in focus for slug in SUGGESTIONS[item["code"]][3]}
    library = {e.slug: e for e in Exercise.objects.filter(slug__in=wanted_exercises, hidden=False)}
    cue_library = {c.slug: c for c in RetrainingCue.objects.filter(slug__in=wanted_cues, hidden=False)}

    exercise_sides: dict[str, set[str]] = {}
    exercise_reasons: dict[str, list[str]] = {}
    cue_reasons: dict[str, list[str]] = {}
    for item in focus:
        label, sided, exercise_slugs, cue_slugs = SUGGESTIONS[item["code"]]
        side = (item.get("side") or None) if sided else None
        reason = f"{label} ({side})" if side else label
        if side and item["code"] in OPPOSITE_SIDE_CODES:
            reason = f"{label} ({side} side drops: {OTHER_SIDE[side]} stance leg)"
            side = OTHER_SIDE[side]
        for slug in exercise_slugs:
            if slug in library:
                exercise_sides.setdefault(slug, set()).add(side or "both")
                if reason not in exercise_reasons.setdefault(slug, []):
                    exercise_reasons[slug].append(reason)
        for slug in cue_slugs:
            if slug in cue_library and reason not in cue_reasons.setdefault(slug, []):
                cue_reasons[slug].append(reason)

    exercises = []
    for slug, sides in exercise_sides.items():
        exercise = library[slug]
        only = next(iter(sides)) if len(sides) == 1 else None
        side = FIRST_SIDE.get(only, Side.BOTH) if exercise.one_sided else Side.BOTH
        exercises.append(SuggestedExercise(exercise=exercise, side=side, reason="; ".join(exercise_reasons[slug])))
    cues = [
        SuggestedCue(cue=cue_library[slug], wording=cue_library[slug].wording_for(measured_cadence),
                     reason="; ".join(reasons))
        for slug, reasons in cue_reasons.items()
    ]
    return Suggestion(exercises=exercises, cues=cues)
