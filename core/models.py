from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# The range a reassessment interval may take, in weeks: the clinic's default and every care plan's.
REASSESSMENT_WEEKS_MIN, REASSESSMENT_WEEKS_MAX = 1, 52


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ClinicSettings(models.Model):
    """The clinic's own settings: one row, edited by a clinic admin."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    name = models.CharField(max_length=120, default="Stridewell Clinic")
    reminder_hours_before = models.PositiveSmallIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(14 * 24)]
    )
    late_cancellation_hours = models.PositiveSmallIntegerField(default=24, validators=[MaxValueValidator(14 * 24)])
    reassessment_interval_weeks = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(REASSESSMENT_WEEKS_MIN), MaxValueValidator(REASSESSMENT_WEEKS_MAX)]
    )
    gait_threshold_overrides = models.JSONField(
        default=dict, blank=True, help_text="Finding code -> threshold value, overriding the literature defaults."
    )

    class Meta:
        verbose_name = verbose_name_plural = "clinic settings"
        constraints = [models.CheckConstraint(condition=models.Q(singleton=1), name="clinic_settings_singleton")]

    def __str__(self):
        return self.name

    def clean(self):
        # Apps above core check their own parts of the settings (e.g. gait its thresholds).
        for validator in _settings_validators:
            validator(self)


_settings_validators = []


def register_settings_validator(validator) -> None:
    """Called from an app's AppConfig.ready(): `validator(clinic_settings)` raises ValidationError
    (naming the field) for values that app cannot use. Runs in ClinicSettings.clean()."""
    if validator not in _settings_validators:
        _settings_validators.append(validator)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class DurableJob(models.Model):
    """Work the app has promised to do later, kept as a row in PostgreSQL (see core/jobs.py).

    The row is written in the same transaction as the change that causes it; the broker only
    carries its id, as a nudge. A worker claims the row with a lease; the sweeper (beat, every
    minute) re-sends rows nobody picked up and puts back rows whose lease expired. A subclass
    names the Celery task that runs one row (``task_name``, taking the row id).
    """

    task_name: str = ""
    lease = timedelta(minutes=5)
    max_attempts = 5

    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_at = models.DateTimeField()
    run_after = models.DateTimeField(help_text="Not started before this time (retries back off).")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["status", "run_after"], name="%(app_label)s_%(class)s_due")]


class EmailStatus(models.TextChoices):
    """JobStatus in an email's words."""

    QUEUED = JobStatus.QUEUED.value, "Queued"
    RUNNING = JobStatus.RUNNING.value, "Sending"
    DONE = JobStatus.DONE.value, "Sent"
    FAILED = JobStatus.FAILED.value, "Failed"


class OutboundEmail(DurableJob):
    """One email the app has promised to send. Its Message-ID is the idempotency key: a resend
    after a worker died mid-send carries the same Message-ID, so a receiving server can tell."""

    task_name = "core.tasks.send_email"
    lease = timedelta(minutes=2)  # well above EMAIL_TIMEOUT, so a slow send is not taken over

    status = models.CharField(max_length=8, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    purpose = models.CharField(max_length=40, help_text="What the email is for, e.g. 'reminder'.")
    message_id = models.CharField(max_length=255, unique=True)
    to = models.CharField(max_length=254)
    from_email = models.CharField(max_length=254)
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    # [{"filename": ..., "content": text, "mimetype": ...}] for small text parts such as an .ics, or
    # [{"filename": ..., "storage_name": name in the default storage, "mimetype": ...}] for a file
    # (e.g. a PDF report), read as bytes when the email is sent.
    attachments = models.JSONField(default=list, blank=True)
    # A body holding a secret (a single-use link) is blanked once the email is finished with.
    forget_body_when_finished = models.BooleanField(default=False)

    class Meta(DurableJob.Meta):
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.purpose} to {self.to} ({self.get_status_display()})"


class Heartbeat(models.Model):
    """When a background process last proved it runs (the worker stamps 'worker' every minute)."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
