"""The range of dates Stridewell accepts, at every page and API boundary.

Python's dates end in year 9999, so a date near the end plus a few weeks (a reassessment interval,
a calendar week, a slot search) overflows. Every date or date-time that comes in from a person or
a client program is checked against one sane range here, with one message; arithmetic on dates
that passed the check cannot overflow.
"""

from __future__ import annotations

from datetime import date, datetime, time

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2200, 12, 31)
OUT_OF_RANGE = f"Date must be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}."


def in_range(value: date | datetime) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def validate_date_range(value: date | datetime | None) -> None:
    if value is not None and not in_range(value):
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


# API (DRF) -------------------------------------------------------------------------------------
_RANGE_SCHEMA = {"description": f"Between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}."}


class DateField(serializers.DateField):
    """A DRF date in the accepted range."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not in_range(day):
            raise serializers.ValidationError(OUT_OF_RANGE, code="date_out_of_range")
        return day


class DateTimeField(serializers.DateTimeField):
    """A DRF date-time in the accepted range, checked before any time-zone arithmetic."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None
            if parsed is not None and not in_range(parsed):
                raise serializers.ValidationError(OUT_OF_RANGE, code="date_out_of_range")
        try:
            moment = super().to_internal_value(value)
        except OverflowError:  # a valid-looking date-time at the very edge of Python's range
            raise serializers.ValidationError(OUT_OF_RANGE, code="date_out_of_range") from None
        if not in_range(moment):
            raise serializers.ValidationError(OUT_OF_RANGE, code="date_out_of_range")
        return moment


extend_schema_field({"type": "string", "format": "date", **_RANGE_SCHEMA})(DateField)
extend_schema_field({"type": "string", "format": "date-time", **_RANGE_SCHEMA})(DateTimeField)


def parse_date_or_datetime(value: str, *, tz) -> datetime:
    """A query parameter given as YYYY-MM-DD (midnight in `tz`) or ISO 8601 date-time, in range.

    Raises django's ValidationError with a specific message when it is neither or out of range.
    """
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        try:
            moment = datetime.combine(date.fromisoformat(value), time.min)
        except ValueError:
            raise ValidationError(
                f"“{value}” is not a date or date-time; use YYYY-MM-DD or ISO 8601 (e.g. 2026-11-03T09:00).",
                code="invalid",
            ) from None
    validate_date_range(moment)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=tz)
    return moment


# Pages (Django forms) and list filters (django-filter) ------------------------------------------
class FormDateField(forms.DateField):
    default_validators = [validate_date_range]


class FormDateTimeField(forms.DateTimeField):
    default_validators = [validate_date_range]

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(OUT_OF_RANGE, code="date_out_of_range") from None


class DateFilter(django_filters.DateFilter):
    field_class = FormDateField
