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
