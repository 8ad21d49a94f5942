from __future__ import annotations

from django import forms

from accounts.selectors import therapist_list
from core.models import REASSESSMENT_WEEKS_MAX, REASSESSMENT_WEEKS_MIN


class CarePlanForm(forms.Form):
    therapist = forms.ModelChoiceField(queryset=None, label="Lead therapist")
    goal = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Goal")
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reassessment_interval_weeks = forms.IntegerField(
        required=False,
        min_value=REASSESSMENT_WEEKS_MIN,
        max_value=REASSESSMENT_WEEKS_MAX,
        label="Reassess every (weeks)",
        help_text="Leave blank for the clinic's default.",
    )
    next_reassessment_due = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Next reassessment due",
        help_text="Leave blank on a new plan: one interval after the start.",
    )

    def __init__(self, *args, clinical: bool = True, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapist_list()
        if not clinical:
            # The goal may hold clinical detail: only clinical staff see or change it.
            del self.fields["goal"]
        if editing:
            self.fields["reassessment_interval_weeks"].required = True
            self.fields["reassessment_interval_weeks"].help_text = ""
            self.fields["next_reassessment_due"].help_text = ""

    def plan_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("reassessment_interval_weeks") is None:
            data.pop("reassessment_interval_weeks", None)
        return data


class RecallBookForm(forms.Form):
    therapist_id = forms.IntegerField(widget=forms.HiddenInput)
    starts_at = forms.DateTimeField(widget=forms.HiddenInput)  # ISO 8601 with offset


class SelfBookForm(forms.Form):
    slot = forms.IntegerField(min_value=0, max_value=20)
