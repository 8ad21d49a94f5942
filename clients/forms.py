from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .models import CLINICAL_FIELDS, Client, ConsentPurpose
from .services import EDITABLE_FIELDS


class ClientForm(forms.ModelForm):
    """The client record. Clinical fields are only part of the form for clinical staff."""

    allow_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person with the same name and date of birth: save anyway",
    )

    class Meta:
        model = Client
        fields = EDITABLE_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 3}),
            "alerts": forms.Textarea(attrs={"rows": 2}),
            "presenting_complaint": forms.Textarea(attrs={"rows": 3}),
            "injury_history": forms.Textarea(attrs={"rows": 3}),
            "pain_score": forms.NumberInput(attrs={"min": 0, "max": 10}),
        }

    def __init__(self, *args, clinical: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not clinical:
            for name in CLINICAL_FIELDS:
                del self.fields[name]
        self.show_duplicate_confirmation = False

    def record_data(self) -> dict:
        """The cleaned record fields (never fields the user may not edit)."""
        return {name: self.cleaned_data[name] for name in self.fields if name in EDITABLE_FIELDS}

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)

    @property
    def admin_fields(self):
        return [self[name] for name in self.fields if name not in CLINICAL_FIELDS and name != "allow_duplicate"]

    @property
    def clinical_fields(self):
        return [self[name] for name in self.fields if name in CLINICAL_FIELDS]


class ConsentForm(forms.Form):
    DECISIONS = (("yes", "Consent given"), ("no", "Consent refused or withdrawn"))

    purpose = forms.ChoiceField(choices=ConsentPurpose.choices, label="Purpose")
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect, label="Decision")
    note = forms.CharField(
        max_length=300, required=False, label="Note", help_text="e.g. 'signed paper form', 'by phone'"
    )

    @property
    def granted(self) -> bool:
        return self.cleaned_data["decision"] == "yes"


class IntakeConsentForm(forms.Form):
    """The consent section of the new-client form: one decision per purpose, recorded with the
    client (a purpose left at "not asked yet" records nothing)."""

    DECISIONS = (("", "Not asked yet"), ("yes", "Given"), ("no", "Refused"))

    note = forms.CharField(
        max_length=300, required=False, label="How consent was taken", help_text="e.g. 'signed paper form', 'by phone'"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="consent", **kwargs)
        for purpose, label in ConsentPurpose.choices:
            self.fields[purpose] = forms.ChoiceField(
                choices=self.DECISIONS, required=False, initial="", label=label, widget=forms.RadioSelect
            )
        self.order_fields([*ConsentPurpose.values, "note"])

    @property
    def decision_fields(self):
        return [self[purpose] for purpose in ConsentPurpose.values]

    def decisions(self) -> dict[str, bool]:
        """{purpose: granted} for the purposes that were asked."""
        return {p: self.cleaned_data[p] == "yes" for p in ConsentPurpose.values if self.cleaned_data.get(p)}


class EraseForm(forms.Form):
    confirmation = forms.CharField(
        max_length=250, label="Type the client's full name to confirm", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
