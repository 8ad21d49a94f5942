from django.conf import settings
from django.db import models
from django.db.models import Q

from appointments.models import Appointment
from core.models import TimeStampedModel


class TreatmentNote(TimeStampedModel):
    """The therapist's SOAP note on one attended appointment. A draft until signed; once signed
    it is locked and later changes are amendments, so what was signed stays readable."""

    # Clinical free text: blanked by the GDPR erasure (clients.services).
    GDPR_ERASE_FIELDS = ("subjective", "objective", "assessment", "plan")
    SOAP_FIELDS = ("subjective", "objective", "assessment", "plan")

    # One-to-one: the database refuses a second note for the same appointment.
    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="treatment_note")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subjective = models.TextField(blank=True, help_text="What the client reports: symptoms, history, goals.")
    objective = models.TextField(blank=True, help_text="What you observed and measured.")
    assessment = models.TextField(blank=True, help_text="Your clinical impression.")
    plan = models.TextField(blank=True, help_text="Treatment given, advice, exercises and next steps.")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("sign_treatmentnote", "Can sign a treatment note")]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signed_by__isnull=True)
                | Q(signed_at__isnull=False, signed_by__isnull=False),
                name="treatment_note_signed_by_and_at_together",
            ),
        ]

    def __str__(self):
        return f"Treatment note #{self.pk} for appointment #{self.appointment_id}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class TreatmentNoteAmendment(models.Model):
    """A correction or addition to a signed note, with who, when and why; never edited."""

    GDPR_ERASE_FIELDS = ("reason", "text")

    note = models.ForeignKey(TreatmentNote, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Amendment #{self.pk} to treatment note #{self.note_id}"
