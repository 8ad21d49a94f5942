from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from .models import BodyRegion, Exercise, ExerciseCategory, Side
from .suggestions import CADENCE_RANGE, SUGGESTIONS


# The draft editor shows ~8 inputs per exercise line, the focus form ~20: rendering each through
# Django's widget templates was most of those pages' time (make bench-programme). These write the
# same HTML in Python.
class _PlainInput:
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        value_attr = format_html(' value="{}"', value) if value is not None else ""
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], name, value_attr, flatatt(widget["attrs"]))


class PlainHiddenInput(_PlainInput, forms.HiddenInput):
    pass


class PlainNumberInput(_PlainInput, forms.NumberInput):
    pass


class PlainTextInput(_PlainInput, forms.TextInput):
    pass


class PlainCheckboxInput(_PlainInput, forms.CheckboxInput):
    pass


class PlainSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           options)


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


class ProgrammeDatesForm(forms.Form):
    """A new programme's start and review dates and the measured cadence (for the cadence cue's
    metronome figure); shared by the focus form here and prescribing from a gait session."""

    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    review_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text="The next reassessment (from the care plan when there is one).")
    measured_cadence = forms.IntegerField(min_value=CADENCE_RANGE[0], max_value=CADENCE_RANGE[1], required=False,
                                          label="Measured cadence (steps/min)",
                                          help_text="Gives the cadence cue its metronome figure (+5 % and +10 %).")

    def clean(self):
        data = super().clean()
        start, review = data.get("start_date"), data.get("review_date")
        if start and review and review < start:
            self.add_error("review_date", "The review date must be on or after the start date.")
        return data


class FocusForm(ProgrammeDatesForm):
    """What the programme should address: one checkbox per code, a side for the sided ones."""


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, (label, sided, _, _) in SUGGESTIONS.items():
            self.fields[f"focus_{code}"] = forms.BooleanField(required=False, label=label, widget=PlainCheckboxInput)
            if sided:
                self.fields[f"side_{code}"] = forms.ChoiceField(
                    required=False, label=f"Side for {label.lower()}", widget=PlainSelect,
                    choices=[("", "Both / not sided"), ("left", "Left"), ("right", "Right")])

    def focus_rows(self):
        return [(self[f"focus_{code}"], self[f"side_{code}"] if f"side_{code}" in self.fields else None)
                for code in SUGGESTIONS]

    def focus(self) -> list[dict]:
        return [{"code": code, "side": self.cleaned_data.get(f"side_{code}") or None}
                for code in SUGGESTIONS if self.cleaned_data.get(f"focus_{code}")]


class LineForm(forms.Form):
    line_id = forms.IntegerField(widget=PlainHiddenInput)
    sets = forms.IntegerField(min_value=1, max_value=10, widget=PlainNumberInput)
    reps = forms.IntegerField(min_value=1, max_value=100, required=False, widget=PlainNumberInput)
    hold_seconds = forms.IntegerField(min_value=1, max_value=600, required=False, label="Hold (s)",
                                      widget=PlainNumberInput)
    load = forms.CharField(max_length=80, required=False, widget=PlainTextInput)
    per_week = forms.IntegerField(min_value=1, max_value=14, label="Per week", widget=PlainNumberInput)
    side = forms.ChoiceField(choices=Side.choices, widget=PlainSelect)
    notes = forms.CharField(required=False, widget=PlainTextInput)

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


def _listed_choices(field: forms.ModelChoiceField, label: str) -> None:
    """The select's options from one plain query, when it is rendered: a ModelChoiceField
    iterates its queryset through a server-side cursor (three round trips on PostgreSQL).
    Validation still uses the queryset."""
    queryset, listed = field.queryset, []

    def choices():  # asked for twice per render (the required attribute looks at the first option)
        if not listed:
            listed.extend([("", field.empty_label), *queryset.values_list("pk", label)])
        return listed

    field.widget = PlainSelect(attrs=field.widget.attrs)
    field.choices = choices


class AddExerciseForm(forms.Form):
    exercise = forms.ModelChoiceField(Exercise.objects.filter(hidden=False).order_by("name"), label="Add an exercise")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _listed_choices(self.fields["exercise"], "name")


class AddCueForm(forms.Form):
    cue = forms.ModelChoiceField(None, label="Add a cue")

    def __init__(self, *args, **kwargs):
        from .models import RetrainingCue

        super().__init__(*args, **kwargs)
        self.fields["cue"].queryset = RetrainingCue.objects.filter(hidden=False)
        _listed_choices(self.fields["cue"], "title")
