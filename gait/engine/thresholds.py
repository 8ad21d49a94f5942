"""Every number the engine judges by, in one place, each finding threshold with its source.

Sources refer to /work/shared/reference/gait-literature.md section 2. Where the literature
gives no validated cut-off (most of them), the value is the engine's own convention and the
source says so; clinicians can override any of them per call.
"""

from __future__ import annotations

import copy
import math

from .errors import GaitInputError

# value: the finding is reported when the measured value is above it.
# band: severity steps above the threshold (mild < band <= moderate < 2*band <= marked).
FINDINGS = {
    "knee_valgus": {
        "value": 10.0,
        "band": 5.0,
        "unit": "deg",
        "source": "2D frontal plane projection angle at mid-stance (Willson & Davis 2008 JOSPT "
        "38(10):606-615); no validated running cut-off exists, 2D knee valgus in running "
        "is not related to 3D knee abduction; 10 deg is the engine's convention",
    },
    "pelvic_drop": {
        "value": 6.0,
        "band": 3.0,
        "unit": "deg",
        "source": "contralateral pelvic drop at mid-stance; +1 deg CPD = +80% odds of injury "
        "(Bramah et al. 2018 AJSM 46(12):3023-3031); group means roughly 4-5 deg healthy "
        "vs 7-8 deg injured (recalled, verify); 2D SDD 2.7-2.8 deg (Dingenen 2018)",
    },
    "foot_turn_out": {
        "value": 15.0,
        "band": 5.0,
        "unit": "deg",
        "source": "foot progression angle at mid-stance; walking FPA commonly 5-13 deg toe-out "
        "(recalled, verify); +-5 deg changes rearfoot mechanics (Mousavi et al. 2021 "
        "PLoS One 16(2):e0246425); no running norm, 15 deg is the engine's convention",
    },
    "arm_crossover": {
        "value": 0.0,
        "band": 10.0,
        "unit": "% shoulder width",
        "source": "wrist crossing the mid-shoulder/mid-hip line in forward swing, operational "
        "definition without a validated standard (arm swing mechanics: Arellano & Kram "
        "2014 J Exp Biol 217(14):2456)",
    },
    "trunk_lean": {
        "value": 10.0,
        "band": 4.0,
        "unit": "deg",
        "source": "trunk flexion from vertical over stance; high-flexion group 10.8 +- 2.2 deg vs "
        "low 3.6 +- 2.8 deg (Teng & Powers 2015 MSSE 47(3):625-630)",
    },
    "overstride": {
        "value": 10.0,
        "band": 4.0,
        "unit": "deg",
        "source": "shank (tibia) angle from vertical at initial contact, forward = overstride "
        "(Souza 2016 PM&R Clin N Am 27(1):217-236: no cut-off, a sliding scale); tibia "
        "inclination SDD 2.2-4.8 deg (Dingenen 2018); 10 deg is the engine's convention",
    },
    "heel_strike": {
        "value": 8.0,
        "band": 7.0,
        "unit": "deg",
        "source": "foot-strike angle at initial contact, rearfoot strike above 8 deg (Altman & "
        "Davis 2012 Gait Posture 35(2):298-300, recalled, verify); loudness as a proxy "
        "for impact (Tate & Milner 2017 JOSPT 47(8):565-569)",
    },
}

# A foot counts as the louder one when its strikes are this much louder (dB) than the other's:
# +3 dB is double the sound power (the engine's convention).
LOUDNESS_ASYMMETRY_DB = 3.0

QUALITY = {
    "min_steps_per_side": 7,  # Dingenen et al. 2018 Phys Ther Sport 33:40-47
    "timing_approximate_below_fps": 60.0,  # IC/TO errors 10-25 ms vs 17 ms frames (lit. 3.2)
    "timing_refused_below_fps": 25.0,  # a 40 ms frame is longer than the event error
    "fsa_good_fps": 120.0,  # foot-strike angle needs 120-240 fps (lit. 2.7)
    "cadence_plausible_spm": (120.0, 230.0),  # running; outside suggests a slow-motion file
    "min_duration_s": 2.0,
    "min_total_steps": 4,
    "camera_tilt_warn_deg": 5.0,
    "min_leg_visibility": 0.3,
    "hidden_leg_visibility_gap": 0.15,  # side view: far leg this much less visible than the near one
}

CLEANUP = {
    "max_gap_s": 0.1,  # gaps up to this long are interpolated
    "swap_max_s": 0.5,  # longer swapped runs are taken as the tracker's own (right) labels
    "swap_min_gain": 0.05,  # per landmark, in leg lengths
    "outlier_mad": 6.0,
    "outlier_min_leg": 0.1,  # never call a point an outlier for less than this (leg lengths)
    "cutoff_hz": 12.0,  # OpenCap gait filter; Pose2Sim 6-15 Hz for running
    "cutoff_max_nyquist": 0.8,
}


def finding_thresholds(overrides: dict | None = None) -> dict:
    """Defaults merged with overrides: {code: number} or {code: {"value": .., "band": ..}}.

    Raises GaitInputError, naming the code, for an unknown code or a value that is not a number
    of 0 or more (a band must be above 0): a negative threshold would report every runner.
    """
    if not isinstance(overrides, dict | None):
        raise GaitInputError(f"thresholds must map finding codes to numbers, got {overrides!r}")
    merged = copy.deepcopy(FINDINGS)
    for code, override in (overrides or {}).items():
        if code not in merged:
            raise GaitInputError(f"unknown finding code {code!r} in thresholds")
        parts = override if isinstance(override, dict) else {"value": override}
        for key, number in parts.items():
            merged[code][key] = _threshold_number(code, key, number)
        if "value" in parts:
            merged[code]["source"] = "set by the clinician"
    return merged


def _threshold_number(code: str, key: str, number) -> float:
    what = f"{code} threshold" if key == "value" else f"{code} {key}"
    if key not in ("value", "band"):
        raise GaitInputError(f'{code} takes a number or {{"value": .., "band": ..}}, not {key!r}')
    try:
        value = float(number)  # numbers, and numbers written as text ("8")
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(number, bool) or not math.isfinite(value):
        raise GaitInputError(f"{what} must be a number, got {number!r}")
    if value < 0 or (key == "band" and value == 0):
        limit = "above 0" if key == "band" else "0 or more"
        raise GaitInputError(f"{what} must be {limit}, got {value:g}")
    return value
