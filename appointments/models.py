from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clients.models import Client
from core.models import TimeStampedModel


class Room(models.Model):
    name = models.CharField(max_length=80, unique=True)
    has_treadmill = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class AppointmentKind(models.TextChoices):
    INITIAL_ASSESSMENT = "INITIAL_ASSESSMENT", "Initial assessment"
    REASSESSMENT = "REASSESSMENT", "Gait reassessment"
    TREATMENT = "TREATMENT", "Treatment / retraining"


class AppointmentType(models.Model):
    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    duration_minutes = models.PositiveSmallIntegerField()
    needs_treadmill = models.BooleanField(default=False)
    colour = models.CharField(max_length=7, default="#0f6e6e", help_text="Calendar colour, e.g. #0f6e6e")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0),
                name="appointment_type_duration_positive",
                violation_error_message="The duration must be at least one minute.",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_assessment(self) -> bool:
        """Assessments and reassessments lead to the next reassessment."""
        return self.kind in (AppointmentKind.INITIAL_ASSESSMENT, AppointmentKind.REASSESSMENT)


class WorkingHours(models.Model):
    """A therapist's regular hours on one weekday (clinic local time); several blocks a day allowed."""

    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday ... 6 = Sunday")
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="working_hours_end_after_start",
                violation_error_message="The end time must be after the start time.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6),
                name="working_hours_weekday_0_6",
                violation_error_message="The weekday must be from 0 (Monday) to 6 (Sunday).",
            ),
            models.UniqueConstraint(fields=["therapist", "weekday", "start_time"], name="working_hours_unique_block"),
        ]

    def __str__(self):
        return f"{self.therapist} {self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def get_weekday_display(self):
        return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][self.weekday]


class AvailabilityException(models.Model):
    """Leave (not available) or extra hours (available) overriding the regular hours."""

    class Kind(models.TextChoices):
        LEAVE = "LEAVE", "Leave / unavailable"
        EXTRA = "EXTRA", "Extra hours"

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="availability_exception_end_after_start",
                violation_error_message="The end must be after the start.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.therapist} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "BOOKED", "Booked"
    ATTENDED = "ATTENDED", "Attended"
    NO_SHOW = "NO_SHOW", "No-show"
    CANCELLED = "CANCELLED", "Cancelled"


# Statuses that occupy the therapist's and room's time (a cancelled slot is free again).
OCCUPYING_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


class BookedVia(models.TextChoices):
    STAFF = "STAFF", "Staff"
    AUTO = "AUTO", "Automatic reassessment"
    SELF = "SELF", "Client self-booking"


class Appointment(TimeStampedModel):
    # Free text that may name the client; blanked when the client's data is erased.
    GDPR_ERASE_FIELDS = ("notes", "cancel_reason")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="appointments")
    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    booked_via = models.CharField(max_length=5, choices=BookedVia.choices, default=BookedVia.STAFF)
    cancel_reason = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)
    # The assessment whose attendance scheduled this reassessment: unique, so a visit can
    # never schedule two follow-ups however often the scheduling runs.
    scheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="scheduled_follow_up"
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointment_end_after_start",
                violation_error_message="The appointment must end after it starts.",
            ),
            # The no-overlap exclusion constraints (therapist, room) are PostgreSQL-only and
            # live in migration 0002; SQLite relies on the booking transaction's check.
        ]
        indexes = [
            models.Index(fields=["therapist", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self):
        return f"{self.appointment_type} for {self.client.full_name} at {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatusChange(models.Model):
    """History of an appointment: every booking, move and status change."""

    GDPR_ERASE_FIELDS = ("note",)

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=AppointmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=AppointmentStatus.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"#{self.appointment_id} {self.from_status or '-'} -> {self.to_status}"


class Reminder(models.Model):
    """One reminder for one appointment at one start time; its email is an OutboundEmail row.

    The unique constraint on (appointment, kind, for_starts_at) is the claim: however often or
    concurrently the reminder job runs, only one run can insert the row, and the email row is
    written in the same transaction, so a reminder is never claimed without its email being
    promised (core/jobs.py sees the email through). A moved appointment has a new start time, so
    the client is reminded of the new time (the reminder for the old time stays as history).
    """

    GDPR_ERASE_FIELDS = ("recipient",)

    class Kind(models.TextChoices):
        EMAIL = "EMAIL", "Email reminder"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.EMAIL)
    for_starts_at = models.DateTimeField(help_text="The appointment's start time this reminder was about.")
    recipient = models.CharField(max_length=254)
    claimed_at = models.DateTimeField()
    email = models.OneToOneField(
        "core.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminder"
    )

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "kind", "for_starts_at"], name="reminder_once_per_start")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for #{self.appointment_id} ({self.status_label})"

    @property
    def status_label(self) -> str:
        return self.email.get_status_display() if self.email_id else "Not recorded"

    @property
    def sent_at(self):
        return self.email.finished_at if self.email_id and self.email.status == "done" else None

    @property
    def error(self) -> str:
        return self.email.last_error if self.email_id else ""
