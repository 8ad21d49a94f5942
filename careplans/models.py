from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from clients.models import Client
from core.models import REASSESSMENT_WEEKS_MAX, REASSESSMENT_WEEKS_MIN, TimeStampedModel


class CarePlanStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    PAUSED = "PAUSED", "Paused"
    DISCHARGED = "DISCHARGED", "Discharged"


class CarePlan(TimeStampedModel):
    """One episode of care for a client: while ACTIVE, reassessments are booked or chased."""

    # Free text that may hold clinical detail: blanked by the GDPR erasure (clients.services).
    GDPR_ERASE_FIELDS = ("goal",)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="care_plans")
    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_plans")
    goal = models.TextField(blank=True)
    start_date = models.DateField()
    reassessment_interval_weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(REASSESSMENT_WEEKS_MIN), MaxValueValidator(REASSESSMENT_WEEKS_MAX)]
    )
    status = models.CharField(max_length=10, choices=CarePlanStatus.choices, default=CarePlanStatus.ACTIVE)
    next_reassessment_due = models.DateField(null=True, blank=True)
    # The latest attended (re)assessment the schedule was worked out from: scheduling runs once
    # per visit, and an older visit marked late never moves the schedule back.
    last_assessment = models.ForeignKey(
        "appointments.Appointment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(status="ACTIVE"), name="careplan_one_active_per_client"
            ),
            models.CheckConstraint(
                condition=Q(
                    reassessment_interval_weeks__gte=REASSESSMENT_WEEKS_MIN,
                    reassessment_interval_weeks__lte=REASSESSMENT_WEEKS_MAX,
                ),
                name="careplan_interval_1_52_weeks",
            ),
            models.CheckConstraint(
                condition=Q(status="DISCHARGED", discharged_at__isnull=False)
                | (~Q(status="DISCHARGED") & Q(discharged_at__isnull=True)),
                name="careplan_discharged_at_iff_discharged",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_reassessment_due"])]

    def __str__(self):
        return f"Care plan #{self.pk} for client #{self.client_id} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == CarePlanStatus.ACTIVE


class SelfBookingInvite(models.Model):
    """An emailed link letting a client pick one of a few reassessment slots without logging in.

    Only a SHA-256 hash of the link's token is stored; the link works once, until expires_at.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="self_booking_invites")
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="self_booking_invites")
    token_hash = models.CharField(max_length=64, unique=True)
    # [{"therapist_id": int, "starts_at": ISO 8601}, ...]
    offered_slots = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    email = models.OneToOneField(
        "core.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="self_booking_invite"
    )
    confirmation_email = models.OneToOneField(
        "core.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="self_booking_confirmed"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    appointment = models.OneToOneField(
        "appointments.Appointment", null=True, blank=True, on_delete=models.SET_NULL, related_name="self_booking_invite"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="invite_expires_after_created"
            ),
            models.CheckConstraint(
                condition=Q(appointment__isnull=True) | Q(used_at__isnull=False), name="invite_booked_only_when_used"
            ),
        ]

    def __str__(self):
        return f"Self-booking invite #{self.pk} for client #{self.client_id}"

    @property
    def emailed_at(self):
        return self.email.finished_at if self.email_id and self.email.status == "done" else None
