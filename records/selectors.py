"""Reads of the clinical record. Callers check the user's permission (records.view_treatmentnote)
before showing anything; the timeline source and appointment section check it themselves."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse

from appointments.models import Appointment, AppointmentStatus
from appointments.selectors import appointment_get
from clients.timeline import TimelineEntry
from core.exceptions import NotFoundError

from .filters import TreatmentNoteFilter
from .models import TreatmentNote, TreatmentNoteAmendment

VIEW_PERM = "records.view_treatmentnote"


def _notes() -> QuerySet[TreatmentNote]:
    return TreatmentNote.objects.select_related(
        "appointment__client", "appointment__appointment_type", "appointment__therapist", "author", "signed_by"
    ).prefetch_related(Prefetch("amendments", TreatmentNoteAmendment.objects.select_related("author")))


def note_status(note: TreatmentNote | None) -> str:
    if note is None:
        return "Not written"
    if not note.is_signed:
        return "Draft"
    amended = getattr(note, "amendment_count", None)
    if amended is None:
        amended = len(note.amendments.all())
    return "Signed, amended" if amended else "Signed"


def note_list(*, filters: dict | None = None) -> QuerySet[TreatmentNote]:
    """Notes, newest appointment first, filtered by client, appointment or signed. Raises
    ValidationError naming a bad filter."""
    filterset = TreatmentNoteFilter(data=filters or {}, queryset=_notes().order_by("-appointment__starts_at", "-id"))
    if not filterset.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in filterset.errors.items()})
    return filterset.qs


def note_get(*, note_id) -> TreatmentNote:
    try:
        return _notes().get(pk=note_id)
    except (TreatmentNote.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such treatment note.") from None


def note_page(*, appointment_id, user) -> dict:
    """The note page for an appointment: the appointment, its note (or None) and what this user
    may do with it."""
    appointment = appointment_get(appointment_id=appointment_id)
    note = _notes().filter(appointment=appointment).first()
    attended = appointment.status == AppointmentStatus.ATTENDED
    draft = note is None or not note.is_signed
    return {
        "appointment": appointment,
        "note": note,
        "status": note_status(note),
        "attended": attended,
        "can_write": attended and draft and user.has_perm(
            "records.change_treatmentnote" if note else "records.add_treatmentnote"
        ),
        "can_sign": attended and draft and user.has_perm("records.sign_treatmentnote"),
        "can_amend": bool(note and note.is_signed and user.has_perm("records.add_treatmentnoteamendment")),
    }


def appointment_note_section(user, appointment: Appointment) -> dict | None:
    """Appointment page: the note's status and a link to write or read it (therapists only)."""
    if not user.has_perm(VIEW_PERM):
        return None
    note = TreatmentNote.objects.filter(appointment=appointment).annotate(amendment_count=Count("amendments")).first()
    return {
        "title": "Treatment note",
        "template": "records/_appointment_note.html",
        "note": note,
        "status": note_status(note),
        "attended": appointment.status == AppointmentStatus.ATTENDED,
        "url": reverse("records:note", args=[appointment.pk]),
        "can_add": user.has_perm("records.add_treatmentnote"),
    }


def client_notes_timeline(*, client, user, now: datetime, limit: int | None) -> list[TimelineEntry]:
    """Timeline source: the client's treatment notes at their appointment's time (clinical:
    only for users who may read notes). Two queries."""
    if not user.has_perm(VIEW_PERM):
        return []
    base = (
        TreatmentNote.objects.filter(appointment__client=client)
        .select_related("appointment__appointment_type")
        .annotate(amendment_count=Count("amendments"))
    )
    upcoming = base.filter(appointment__starts_at__gte=now).order_by("appointment__starts_at", "id")
    past = base.filter(appointment__starts_at__lt=now).order_by("-appointment__starts_at", "-id")
    if limit is not None:
        upcoming, past = upcoming[:limit], past[:limit]
    return [
        TimelineEntry(
            at=note.appointment.starts_at,
            kind="treatment_note",
            kind_label="Treatment note",
            title=f"Treatment note: {note.appointment.appointment_type.name}",
            status=note_status(note),
            url=reverse("records:note", args=[note.appointment_id]),
            clinical=True,
        )
        for note in [*upcoming, *past]
    ]
