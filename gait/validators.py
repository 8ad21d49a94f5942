"""Checks of the gait parts of the clinic's settings, registered with core in GaitConfig.ready()."""

from django.core.exceptions import ValidationError

from .engine.errors import GaitInputError
from .engine.thresholds import finding_thresholds


def validate_threshold_overrides(clinic_settings) -> None:
    """Refuse overrides the engine would refuse (unknown code, not a number, negative), saying which."""
    try:
        finding_thresholds(clinic_settings.gait_threshold_overrides)
    except GaitInputError as exc:
        raise ValidationError({"gait_threshold_overrides": f'Not valid: {exc}. Use e.g. {{"trunk_lean": 8}}.'}) from exc
