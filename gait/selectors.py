from __future__ import annotations

from core.selectors import clinic_settings


def gait_threshold_overrides() -> dict:
    """The clinic's own finding thresholds ({code: value}); empty means the literature defaults.

    Raises DatabaseError when the database is not reachable or not migrated.
    """
    return dict(clinic_settings().gait_threshold_overrides or {})
