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


class IsoDateInput(forms.DateInput):
    """A browser date input: its value must be ISO (2026-12-03), whatever the display locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TherapistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def client_label(client) -> str:
    """How the client picker names a client: enough to tell two people with one name apart."""
    born = f" · born {client.date_of_birth:%d/%m/%Y}" if client.date_of_birth else ""
    phone = f" · {client.phone}" if client.phone else ""
    return f"{client.last_name}, {client.first_name}{born}{phone}"


class ClientChoiceField(forms.ModelChoiceField):
    """A client chosen by search (the clinic may have thousands), never a list of them all: the
    form carries the chosen id; templates/appointments/_client_picker.html renders the search."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Choose a client: search by name, phone or date of birth, then pick one.",
                "invalid_choice": "That client cannot be booked (archived or removed): search again.",
            },
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return client_label(obj)


class BookForm(forms.Form):
    client = ClientChoiceField(queryset=bookable_client_list())
    client_search = forms.CharField(
        required=False,
        max_length=100,
        label="Find a client",
        help_text="Name, phone or date of birth (e.g. 12/04/1988).",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    therapist = TherapistChoiceField(queryset=therapists_for_booking())
    appointment_type = forms.ModelChoiceField(queryset=AppointmentType.objects.order_by("name"), label="Type")
    date = forms.DateField(widget=IsoDateInput())
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))
    room = forms.ModelChoiceField(
        queryset=Room.objects.order_by("name"), required=False, help_text="Gait appointments get the treadmill room."
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def starts_at(self) -> datetime:
        return local_datetime(self.cleaned_data["date"], self.cleaned_data["time"])

    @property
    def chosen_client(self):
        """The client picked so far (bound value or ?client= prefill), or None."""
        value = self["client"].value()
        if not value:
            return None
        return self.fields["client"].queryset.filter(pk=value).first() if str(value).isdigit() else None

    @property
    def chosen_client_label(self) -> str:
        client = self.chosen_client
        return client_label(client) if client else ""

    @property
    def other_fields(self):
        return [self[name] for name in self.fields if name not in ("client", "client_search")]


class RescheduleForm(forms.Form):
    therapist = TherapistChoiceField(queryset=therapists_for_booking())
    date = forms.DateField(widget=IsoDateInput())
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))

    def starts_at(self) -> datetime:
        return local_datetime(self.cleaned_data["date"], self.cleaned_data["time"])


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"placeholder": "e.g. client unwell"}))


class MarkForm(forms.Form):
    status = forms.ChoiceField(choices=[("ATTENDED", "Attended"), ("NO_SHOW", "No-show")])
