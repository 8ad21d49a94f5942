from __future__ import annotations

from datetime import datetime


def reassessment_schedule_next(*, appointment, now: datetime):
    """Schedule the reassessment that follows an attended (re)assessment. Idempotent."""
    return None
