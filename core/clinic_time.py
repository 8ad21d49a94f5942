"""The clinic's wall-clock time. Appointments are stored in UTC; people see clinic time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format


def clinic_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_display(moment: datetime) -> str:
    """An instant as clinic wall-clock time for messages, e.g. 'Tue 3 Nov 2026 10:00'."""
    return date_format(timezone.localtime(moment, clinic_tz()), "D j M Y H:i")


def local_day_display(day: date) -> str:
    """A date the way every page and message shows it, e.g. 'Tue 3 Nov 2026'."""
    return date_format(day, "D j M Y")
