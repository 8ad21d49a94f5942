"""Calendar forms. Dates and times are entered as clinic-local wall-clock time and turned into
aware datetimes here; the services store them in UTC."""

from __future__ import annotations

from datetime import datetime

from django import forms

from clients.selectors import bookable_client_list
from core.clinic_time import clinic_tz

from .models import AppointmentType, Room
from .selectors import therapists_for_booking


def local_datetime(day, at) -> datetime:
    return datetime.combine(day, at, tzinfo=clinic_tz())


class TherapistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        born = f" ({obj.date_of_birth:%d/%m/%Y})" if obj.date_of_birth else ""
        return f"{obj.last_name}, {obj.first_name}{born}"


class BookForm(forms.Form):
    client = ClientChoiceField(queryset=bookable_client_list())
    therapist = TherapistChoiceField(queryset=therapists_for_booking())
    appointment_type = forms.ModelChoiceField(queryset=AppointmentType.objects.order_by("name"), label="Type")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))
    room = forms.ModelChoiceField(
        queryset=Room.objects.order_by("name"), required=False, help_text="Gait appointments get the treadmill room."
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def starts_at(self) -> datetime:
        return local_datetime(self.cleaned_data["date"], self.cleaned_data["time"])


class RescheduleForm(forms.Form):
    therapist = TherapistChoiceField(queryset=therapists_for_booking())
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))

    def starts_at(self) -> datetime:
        return local_datetime(self.cleaned_data["date"], self.cleaned_data["time"])


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"placeholder": "e.g. client unwell"}))


class MarkForm(forms.Form):
    status = forms.ChoiceField(choices=[("ATTENDED", "Attended"), ("NO_SHOW", "No-show")])
