from django import forms

from .models import TreatmentNote, TreatmentNoteAmendment


class NoteForm(forms.Form):
    subjective = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    objective = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    assessment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    plan = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = TreatmentNote._meta.get_field(name)
            field.label = f"{name.capitalize()}"
            field.help_text = model_field.help_text


class AmendmentForm(forms.Form):
    reason = forms.CharField(
        max_length=TreatmentNoteAmendment._meta.get_field("reason").max_length,
        label="Reason for the amendment",
        help_text="e.g. 'wrong side recorded', 'result received later'.",
    )
    text = forms.CharField(label="Amendment", widget=forms.Textarea(attrs={"rows": 4}))
