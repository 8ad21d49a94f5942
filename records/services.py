"""Writes to the clinical record: treatment notes (draft, sign) and amendments.

A note belongs to one attended appointment. Until signed it is a draft anyone with the
permission may edit; signing locks it, and later corrections are amendments that keep the
signed text readable. Rows are locked (SELECT ... FOR UPDATE) so that a save racing a
signature cannot change a signed note.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from appointments.models import Appointment, AppointmentStatus
from core.exceptions import ApplicationError, ConflictError

from .models import TreatmentNote, TreatmentNoteAmendment


class NoteLocked(ConflictError):
    code = "note_signed"

    def __init__(self, note: TreatmentNote):
        super().__init__(
            "This note is signed and can no longer be edited; add an amendment instead.",
            extra={"treatment_note_id": note.pk},
        )


class AppointmentNotAttended(ConflictError):
    code = "appointment_not_attended"


class NoteExists(ConflictError):
    code = "note_exists"


class EmptyNote(ApplicationError):
    code = "note_empty"


def _soap(fields: dict) -> dict:
    unknown = set(fields) - set(TreatmentNote.SOAP_FIELDS)
    if unknown:
        raise TypeError(f"Not treatment note fields: {', '.join(sorted(unknown))}")
    return {name: (value or "").strip() for name, value in fields.items()}


def _attended_appointment(appointment: Appointment) -> Appointment:
    """The appointment, locked: creating its note waits for any other creator."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.ATTENDED:
        raise AppointmentNotAttended(
            f"A treatment note is written for an attended appointment; this one is "
            f"{appointment.get_status_display().lower()}.",
            extra={"appointment_id": appointment.pk},
        )
    return appointment


def _locked(note: TreatmentNote) -> TreatmentNote:
    return TreatmentNote.objects.select_for_update().get(pk=note.pk)


@transaction.atomic
def note_create(*, appointment: Appointment, author, fields: dict) -> TreatmentNote:
    """Start the (draft) note for an attended appointment. One note per appointment."""
    appointment = _attended_appointment(appointment)
    existing = TreatmentNote.objects.filter(appointment=appointment).first()
    if existing:
        raise NoteExists(
            "This appointment already has a treatment note; edit it instead.",
            extra={"treatment_note_id": existing.pk},
        )
    return TreatmentNote.objects.create(appointment=appointment, author=author, **_soap(fields))


@transaction.atomic
def note_update(*, note: TreatmentNote, fields: dict) -> TreatmentNote:
    """Change a draft note's SOAP fields (only those given). Signed notes are locked."""
    note = _locked(note)
    if note.is_signed:
        raise NoteLocked(note)
    for name, value in _soap(fields).items():
        setattr(note, name, value)
    note.save()
    return note


@transaction.atomic
def note_sign(*, note: TreatmentNote, signed_by, now: datetime) -> TreatmentNote:
    """Sign a draft: from now on the note is locked."""
    note = _locked(note)
    if note.is_signed:
        raise NoteLocked(note)
    if not any(getattr(note, name).strip() for name in TreatmentNote.SOAP_FIELDS):
        raise EmptyNote("An empty note cannot be signed; write at least one of S, O, A or P.")
    note.signed_by = signed_by
    note.signed_at = now
    note.save(update_fields=["signed_by", "signed_at", "updated_at"])
    return note


@transaction.atomic
def note_save(*, appointment: Appointment, author, fields: dict, now: datetime, sign: bool = False) -> TreatmentNote:
    """The note page's save: create the appointment's draft or change it, and sign it if asked."""
    appointment = _attended_appointment(appointment)  # locked: two first saves make one note
    existing = TreatmentNote.objects.filter(appointment=appointment).first()
    if existing is None:
        note = note_create(appointment=appointment, author=author, fields=fields)
    else:
        note = note_update(note=existing, fields=fields)
    if sign:
        note = note_sign(note=note, signed_by=author, now=now)
    return note


@transaction.atomic
def note_amend(*, note: TreatmentNote, author, reason: str, text: str, now: datetime) -> TreatmentNoteAmendment:
    """Add an amendment to a signed note. Drafts are edited instead."""
    note = _locked(note)
    if not note.is_signed:
        raise ConflictError("This note is still a draft: edit it instead of amending it.", extra={"treatment_note_id": note.pk})
    reason, text = (reason or "").strip(), (text or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = ["Say why the signed note is being amended."]
    if not text:
        errors["text"] = ["Write the amendment."]
    if errors:
        raise ValidationError(errors)
    amendment = TreatmentNoteAmendment(note=note, author=author, created_at=now, reason=reason, text=text)
    amendment.full_clean()
    amendment.save()
    return amendment
