"""The exercise and retraining-cue library, and the home programmes given to clients.

An issued programme is a snapshot: its lines copy the exercise's name, instructions and
illustration and the cue's wording, so later library edits (or deleting an exercise) never
change what a client was given.
"""

import math

from django.conf import settings
from django.db import models
from django.db.models import Q

from clients.models import Client
from core.models import TimeStampedModel


class BodyRegion(models.TextChoices):
    HIP = "HIP", "Hip and pelvis"
    KNEE = "KNEE", "Knee and thigh"
    FOOT_ANKLE = "FOOT_ANKLE", "Foot, ankle and calf"
    TRUNK = "TRUNK", "Trunk"


class ExerciseCategory(models.TextChoices):
    STRENGTH = "STRENGTH", "Strength"
    CONTROL = "CONTROL", "Control"


class Exercise(TimeStampedModel):
    """A library exercise. Built-in ones (seeded) are never deleted, only hidden; staff edit their own."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=ExerciseCategory.choices, default=ExerciseCategory.STRENGTH)
    region = models.CharField(max_length=20, choices=BodyRegion.choices)
    target_muscles = models.CharField(max_length=300)
    instructions = models.TextField(help_text="Plain-language steps, one per line.")
    common_mistakes = models.TextField(blank=True, help_text="What to watch for, one per line.")
    default_sets = models.PositiveSmallIntegerField(default=3)
    default_reps = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Per side for one-sided exercises.")
    default_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    default_per_week = models.PositiveSmallIntegerField(default=3, help_text="Sessions per week.")
    one_sided = models.BooleanField(default=False, help_text="Done one side at a time (a side can be emphasised).")
    # What the exercise addresses, as tags the suggestion service matches (e.g. "hip_abductors").
    addresses = models.JSONField(default=list, blank=True)
    progression = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    progression_text = models.CharField(max_length=300, blank=True, help_text="How to make it harder.")
    regression = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    regression_text = models.CharField(max_length=300, blank=True, help_text="How to make it easier.")
    # A static path (e.g. "exercises/illustrations/clamshell.svg"): generic drawings, not client data.
    illustration = models.CharField(max_length=200, blank=True)
    builtin = models.BooleanField(default=False, editable=False)
    hidden = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_reps__isnull=False) | Q(default_hold_seconds__isnull=False),
                name="exercise_has_reps_or_hold",
            ),
            models.CheckConstraint(condition=Q(default_sets__gte=1), name="exercise_sets_at_least_one"),
        ]

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        if self.builtin:
            from core.exceptions import ConflictError

            raise ConflictError("Built-in exercises cannot be deleted; hide it instead.")
        return super().delete(*args, **kwargs)


def metronome_figures(cadence_spm: float) -> tuple[int, int]:
    """Metronome settings for a cadence increase: +5 % and +10 %, in whole steps per minute
    (halves round up, as a person would: 170 + 5 % = 178.5 -> 179)."""
    return math.floor(cadence_spm * 1.05 + 0.5), math.floor(cadence_spm * 1.10 + 0.5)


class RetrainingCue(TimeStampedModel):
    """A running-retraining cue: what the client is told, and why (for the therapist)."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    client_wording = models.TextField(help_text="What the client reads, in plain words.")
    therapist_note = models.TextField(blank=True)
    addresses = models.JSONField(default=list, blank=True)
    # The cadence cue: its wording gains a metronome figure from the client's measured cadence.
    uses_metronome = models.BooleanField(default=False)
    builtin = models.BooleanField(default=False, editable=False)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    def delete(self, *args, **kwargs):
        if self.builtin:
            from core.exceptions import ConflictError

            raise ConflictError("Built-in cues cannot be deleted; hide it instead.")
        return super().delete(*args, **kwargs)

    def wording_for(self, cadence_spm: float | None) -> str:
        if not (self.uses_metronome and cadence_spm):
            return self.client_wording
        low, high = metronome_figures(cadence_spm)
        return (
            f"{self.client_wording} Your measured cadence is {round(cadence_spm)} steps/min: set a metronome to "
            f"{low} steps/min (+5 %), and once that feels natural, {high} steps/min (+10 %)."
        )


class ProgrammeStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    ISSUED = "ISSUED", "Issued"


class Side(models.TextChoices):
    BOTH = "BOTH", "Both sides evenly"
    LEFT_FIRST = "LEFT_FIRST", "Left first (weaker side)"
    RIGHT_FIRST = "RIGHT_FIRST", "Right first (weaker side)"


class Programme(TimeStampedModel):
    """A client's home programme. A draft is edited freely; issuing freezes it as version N for
    that client. An issued programme is never edited: revising makes a new draft from it."""

    GDPR_ERASE_FIELDS = ("notes",)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="programmes")
    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT)
    version = models.PositiveIntegerField(null=True, blank=True)
    start_date = models.DateField()
    review_date = models.DateField(null=True, blank=True, help_text="The next reassessment.")
    measured_cadence = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Steps per minute.")
    notes = models.TextField(blank=True, help_text="For the client: overall advice.")
    revised_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("issue_programme", "Can issue a programme")]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="programme_version_unique_per_client"),
            models.CheckConstraint(
                condition=Q(status="DRAFT", version__isnull=True, issued_at__isnull=True, issued_by__isnull=True)
                | Q(status="ISSUED", version__isnull=False, issued_at__isnull=False, issued_by__isnull=False),
                name="programme_issued_fields_with_status",
            ),
            models.CheckConstraint(
                condition=Q(review_date__isnull=True) | Q(review_date__gte=models.F("start_date")),
                name="programme_review_after_start",
            ),
        ]

    def __str__(self):
        if self.version:
            return f"Programme v{self.version} for client #{self.client_id}"
        return f"Draft programme #{self.pk} for client #{self.client_id}"

    @property
    def is_issued(self) -> bool:
        return self.status == ProgrammeStatus.ISSUED


class ProgrammeExercise(models.Model):
    """One exercise of a programme, with the library content copied in (the snapshot)."""

    GDPR_ERASE_FIELDS = ("notes",)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exercises")
    exercise = models.ForeignKey(Exercise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    instructions = models.TextField()
    common_mistakes = models.TextField(blank=True)
    illustration = models.CharField(max_length=200, blank=True)
    one_sided = models.BooleanField(default=False)
    sets = models.PositiveSmallIntegerField(default=3)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    load = models.CharField(max_length=80, blank=True, help_text="e.g. bodyweight, light band, 8 kg.")
    per_week = models.PositiveSmallIntegerField(default=3)
    side = models.CharField(max_length=12, choices=Side.choices, default=Side.BOTH)
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was suggested.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(reps__isnull=False) | Q(hold_seconds__isnull=False),
                                   name="programme_exercise_has_reps_or_hold"),
            models.CheckConstraint(condition=Q(sets__gte=1, per_week__gte=1, per_week__lte=14),
                                   name="programme_exercise_dosage_sensible"),
        ]

    def __str__(self):
        return f"{self.name} ({self.dosage})"

    @property
    def dosage(self) -> str:
        each = f"{self.reps}" if self.reps else f"{self.hold_seconds} s hold"
        if self.reps and self.hold_seconds:
            each = f"{self.reps} × {self.hold_seconds} s hold"
        per_side = " per side" if self.one_sided else ""
        return f"{self.sets} × {each}{per_side}, {self.per_week}× a week"


class ProgrammeCue(models.Model):
    """A retraining cue of a programme, its wording (with any metronome figure) copied in."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cues")
    cue = models.ForeignKey(RetrainingCue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120)
    wording = models.TextField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title
