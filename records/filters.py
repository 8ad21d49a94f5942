"""Filters for the treatment note list (API)."""

from __future__ import annotations

import django_filters

from .models import TreatmentNote


class TreatmentNoteFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="appointment__client_id")
    appointment = django_filters.NumberFilter(field_name="appointment_id")
    signed = django_filters.BooleanFilter(field_name="signed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = TreatmentNote
        fields = ["client", "appointment", "signed"]
