"""Filters for the appointment list (API and selectors)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters

from core.clinic_time import clinic_tz

from .models import Appointment, AppointmentStatus


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=clinic_tz())


class AppointmentFilter(django_filters.FilterSet):
    """`date_from` / `date_to` are clinic-local dates, both inclusive."""

    therapist = django_filters.NumberFilter(field_name="therapist_id")
    client = django_filters.NumberFilter(field_name="client_id")
    status = django_filters.MultipleChoiceFilter(choices=AppointmentStatus.choices)
    date_from = django_filters.DateFilter(method="filter_date_from", label="From (clinic date, inclusive)")
    date_to = django_filters.DateFilter(method="filter_date_to", label="To (clinic date, inclusive)")

    class Meta:
        model = Appointment
        fields = ["therapist", "client", "status", "date_from", "date_to"]

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(starts_at__gte=_local_midnight(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(starts_at__lt=_local_midnight(value + timedelta(days=1)))
