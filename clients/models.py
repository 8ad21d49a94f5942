from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from core.models import TimeStampedModel


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    INTERSEX = "X", "Intersex / other"
    UNKNOWN = "U", "Not recorded"


class Channel(models.TextChoices):
    EMAIL = "EMAIL", "Email"
    SMS = "SMS", "Text message"
    PHONE = "PHONE", "Phone call"


class Side(models.TextChoices):
    LEFT = "LEFT", "Left"
    RIGHT = "RIGHT", "Right"
    BOTH = "BOTH", "Both"
    NONE = "NONE", "Not applicable"


class Client(TimeStampedModel):
    """A person the clinic treats. Archived, never deleted; erasure blanks personal data."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    address = models.TextField(blank=True)
    preferred_channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)

    # Running background
    weekly_distance_km = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message="Weekly distance cannot be negative.")],
    )
    goal_race = models.CharField(max_length=200, blank=True)

    # Clinical intake (therapists only)
    presenting_complaint = models.TextField(blank=True)
    pain_region = models.CharField(max_length=100, blank=True, help_text="Body region, e.g. 'foot (dorsum)'")
    pain_side = models.CharField(max_length=5, choices=Side.choices, default=Side.NONE)
    pain_location_detail = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'top of left foot, lateral three toes'"
    )
    pain_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10, message="Pain score must be from 0 to 10.")], help_text="0 (none) to 10 (worst)"
    )
    injury_history = models.TextField(blank=True)

    referral_source = models.CharField(max_length=200, blank=True)
    alerts = models.TextField(blank=True, help_text="Shown to all staff, e.g. 'latex allergy'.")

    archived_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # Kept after erasure for anonymised statistics (the full date of birth is removed).
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            ("view_clinical", "Can see clinical content"),
            ("export_client", "Can export all data held about a client"),
            ("erase_client", "Can erase a client's personal data"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_score__isnull=True) | models.Q(pain_score__lte=10),
                name="client_pain_score_0_10",
                violation_error_message="Pain score must be from 0 to 10.",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_distance_km__isnull=True) | models.Q(weekly_distance_km__gte=0),
                name="client_weekly_distance_not_negative",
                violation_error_message="Weekly distance cannot be negative.",
            ),
        ]
        indexes = [
            models.Index(Lower("last_name"), Lower("first_name"), name="client_name_ci"),
            models.Index(fields=["date_of_birth"]),
        ]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def __str__(self):
        return f"{self.full_name} (#{self.pk})"


# Fields only users with clients.view_clinical may see or change.
CLINICAL_FIELDS = (
    "presenting_complaint",
    "pain_region",
    "pain_side",
    "pain_location_detail",
    "pain_score",
    "injury_history",
)


class ConsentPurpose(models.TextChoices):
    """What a client can consent to; the rule for each is in README.md ("Consent")."""

    TREATMENT = "TREATMENT", "Assessment and treatment"
    VIDEO = "VIDEO", "Video recording and storage"
    EMAIL_REPORTS = "EMAIL_REPORTS", "Reports by email"
    CONTACT_EMAIL = "CONTACT_EMAIL", "Appointment emails (reminders, booking links)"


class Consent(models.Model):
    """One decision by a client about one purpose. Never edited: a change is a new row,
    and the client's current consent for a purpose is the latest row."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=16, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["client", "purpose", "-recorded_at"], name="consent_current")]

    def __str__(self):
        state = "given" if self.granted else "withdrawn"
        return f"{self.get_purpose_display()} {state} for client #{self.client_id}"


class DataEventAction(models.TextChoices):
    EXPORTED = "EXPORTED", "Data exported"
    ERASED = "ERASED", "Personal data erased"


class ClientDataEvent(models.Model):
    """Audit trail of GDPR exports and erasures: who and when, no personal data."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="data_events")
    action = models.CharField(max_length=8, choices=DataEventAction.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} for client #{self.client_id} at {self.at:%Y-%m-%d %H:%M}"
