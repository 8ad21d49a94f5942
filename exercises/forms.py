from django import forms

from .models import BodyRegion, Exercise, ExerciseCategory, Side
from .suggestions import SUGGESTIONS


class LibraryFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", help_text="Name, muscle or what it addresses.")
    region = forms.ChoiceField(required=False, choices=[("", "Any region"), *BodyRegion.choices])
    category = forms.ChoiceField(required=False, choices=[("", "Any kind"), *ExerciseCategory.choices])
    hidden = forms.ChoiceField(required=False, label="Show", choices=[
        ("false", "In use"), ("true", "Hidden only"), ("all", "All")])


class ExerciseForm(forms.Form):
    name = forms.CharField(max_length=120)
    category = forms.ChoiceField(choices=ExerciseCategory.choices)
    region = forms.ChoiceField(choices=BodyRegion.choices, label="Body region")
    target_muscles = forms.CharField(max_length=300)
    instructions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="Plain words, one step per line.")
    common_mistakes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    default_sets = forms.IntegerField(min_value=1, max_value=10, initial=3, label="Sets")
    default_reps = forms.IntegerField(min_value=1, max_value=100, required=False, label="Repetitions")
    default_hold_seconds = forms.IntegerField(min_value=1, max_value=600, required=False, label="Hold (seconds)")
    default_per_week = forms.IntegerField(min_value=1, max_value=14, initial=3, label="Sessions per week")
    one_sided = forms.BooleanField(required=False, label="Done one side at a time")
    progression = forms.ModelChoiceField(Exercise.objects.filter(hidden=False), required=False)
    progression_text = forms.CharField(max_length=300, required=False, label="How to progress")
    regression = forms.ModelChoiceField(Exercise.objects.filter(hidden=False), required=False)
    regression_text = forms.CharField(max_length=300, required=False, label="How to regress")

    def clean(self):
        data = super().clean()
        if not data.get("default_reps") and not data.get("default_hold_seconds"):
            self.add_error("default_reps", "Give repetitions or a hold time (or both).")
        return data


class FocusForm(forms.Form):
    """What the programme should address: one checkbox per code, a side for the sided ones."""

    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    review_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text="The next reassessment (from the care plan when there is one).")
    measured_cadence = forms.IntegerField(min_value=100, max_value=250, required=False,
                                          label="Measured cadence (steps/min)",
                                          help_text="Gives the cadence cue its metronome figure.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, (label, sided, _, _) in SUGGESTIONS.items():
            self.fields[f"focus_{code}"] = forms.BooleanField(required=False, label=label)
            if sided:
                self.fields[f"side_{code}"] = forms.ChoiceField(
                    required=False, label=f"Side for {label.lower()}",
                    choices=[("", "Both / not sided"), ("left", "Left"), ("right", "Right")])

    def focus_rows(self):
        return [(self[f"focus_{code}"], self[f"side_{code}"] if f"side_{code}" in self.fields else None)
                for code in SUGGESTIONS]

    def focus(self) -> list[dict]:
        return [{"code": code, "side": self.cleaned_data.get(f"side_{code}") or None}
                for code in SUGGESTIONS if self.cleaned_data.get(f"focus_{code}")]

    def clean(self):
        data = super().clean()
        start, review = data.get("start_date"), data.get("review_date")
        if start and review and review < start:
            self.add_error("review_date", "The review date must be on or after the start date.")
        return data


class LineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    sets = forms.IntegerField(min_value=1, max_value=10)
    reps = forms.IntegerField(min_value=1, max_value=100, required=False)
    hold_seconds = forms.IntegerField(min_value=1, max_value=600, required=False, label="Hold (s)")
    load = forms.CharField(max_length=80, required=False)
    per_week = forms.IntegerField(min_value=1, max_value=14, label="Per week")
    side = forms.ChoiceField(choices=Side.choices)
    notes = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("reps") and not data.get("hold_seconds"):
            self.add_error("reps", "Give repetitions or a hold time.")
        return data


LineFormSet = forms.formset_factory(LineForm, extra=0)


class DraftForm(forms.Form):
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    review_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    notes = forms.CharField(required=False, label="Advice for the client", widget=forms.Textarea(attrs={"rows": 2}))


class AddExerciseForm(forms.Form):
    exercise = forms.ModelChoiceField(Exercise.objects.filter(hidden=False).order_by("name"), label="Add an exercise")


class AddCueForm(forms.Form):
    cue = forms.ModelChoiceField(None, label="Add a cue")

    def __init__(self, *args, **kwargs):
        from .models import RetrainingCue

        super().__init__(*args, **kwargs)
        self.fields["cue"].queryset = RetrainingCue.objects.filter(hidden=False)
