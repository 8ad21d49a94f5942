from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


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
        default=6, validators=[MinValueValidator(1), MaxValueValidator(52)]
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
        from django.core.exceptions import ValidationError

        from gait.engine.errors import GaitInputError
        from gait.engine.thresholds import finding_thresholds

        try:
            finding_thresholds(self.gait_threshold_overrides)
        except (GaitInputError, TypeError, ValueError) as exc:
            raise ValidationError(
                {"gait_threshold_overrides": f'Not valid: {exc}. Use e.g. {{"trunk_lean": 8}}.'}
            ) from exc
