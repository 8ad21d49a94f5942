"""Treatment notes: a draft per attended appointment, signed once, then only amended."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.exceptions import ConflictError
from records import services
from records.models import TreatmentNote
from tests.factories import TherapistFactory

from .conftest import at

NOW = at(2026, 3, 2, 12)
SOAP = {
    "subjective": "Left anterior knee pain at 8 km, 4/10.",
    "objective": "Knee valgus on the left at landing.",
    "assessment": "Patellofemoral pain, load-related.",
    "plan": "Cadence +5 %, hip strength twice a week.",
}


@pytest.mark.django_db
def test_draft_is_created_and_edited_until_signed(attended, theo):
    note = services.note_create(appointment=attended, author=theo, fields={"subjective": "  sore knee  "})
    assert (note.subjective, note.is_signed, note.author) == ("sore knee", False, theo)

    note = services.note_update(note=note, fields={"objective": SOAP["objective"]})
    note.refresh_from_db()
    assert (note.subjective, note.objective) == ("sore knee", SOAP["objective"])


@pytest.mark.django_db
def test_signing_locks_the_note(attended, theo):
    note = services.note_create(appointment=attended, author=theo, fields=SOAP)
    signed = services.note_sign(note=note, signed_by=theo, now=NOW)
    assert (signed.signed_by, signed.signed_at) == (theo, NOW)

    with pytest.raises(services.NoteLocked):
        services.note_update(note=note, fields={"plan": "changed"})
    with pytest.raises(services.NoteLocked):
        services.note_sign(note=note, signed_by=theo, now=NOW)
    with pytest.raises(services.NoteLocked):
        services.note_save(appointment=attended, author=theo, fields={"plan": "changed"}, now=NOW)
    note.refresh_from_db()
    assert note.plan == SOAP["plan"]


@pytest.mark.django_db
def test_an_empty_note_cannot_be_signed(attended, theo):
    note = services.note_create(appointment=attended, author=theo, fields={"plan": "   "})
    with pytest.raises(services.EmptyNote):
        services.note_sign(note=note, signed_by=theo, now=NOW)
    note.refresh_from_db()
    assert note.signed_at is None


@pytest.mark.django_db
def test_amendments_keep_the_signed_text(attended, theo):
    colleague = TherapistFactory()
    note = services.note_save(appointment=attended, author=theo, fields=SOAP, now=NOW, sign=True)
    amendment = services.note_amend(
        note=note, author=colleague, reason="Wrong side", text="The valgus was on the right.", now=at(2026, 3, 3, 9)
    )
    note.refresh_from_db()
    assert note.objective == SOAP["objective"]
    assert [(a.author, a.reason, a.text, a.created_at) for a in note.amendments.all()] == [
        (colleague, "Wrong side", "The valgus was on the right.", at(2026, 3, 3, 9))
    ]
    assert amendment.note == note


@pytest.mark.django_db
def test_amendment_needs_a_signed_note_a_reason_and_text(attended, theo):
    note = services.note_create(appointment=attended, author=theo, fields=SOAP)
    with pytest.raises(ConflictError, match="still a draft"):
        services.note_amend(note=note, author=theo, reason="r", text="t", now=NOW)
    services.note_sign(note=note, signed_by=theo, now=NOW)
    with pytest.raises(ValidationError) as error:
        services.note_amend(note=note, author=theo, reason=" ", text="", now=NOW)
    assert set(error.value.message_dict) == {"reason", "text"}
    assert note.amendments.count() == 0


@pytest.mark.django_db
def test_one_note_per_appointment(attended, theo):
    services.note_create(appointment=attended, author=theo, fields=SOAP)
    with pytest.raises(services.NoteExists):
        services.note_create(appointment=attended, author=theo, fields=SOAP)
    # The database refuses a second note even if the service is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentNote.objects.create(appointment=attended, author=theo)
    assert TreatmentNote.objects.filter(appointment=attended).count() == 1


@pytest.mark.django_db
def test_page_save_creates_then_updates_the_same_draft(attended, theo):
    first = services.note_save(appointment=attended, author=theo, fields={"subjective": "a"}, now=NOW)
    second = services.note_save(appointment=attended, author=theo, fields={"subjective": "b"}, now=NOW)
    assert first.pk == second.pk
    assert TreatmentNote.objects.get().subjective == "b"


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["BOOKED", "NO_SHOW"])
def test_only_attended_appointments_get_a_note(book, theo, status):
    visit = book(at(2026, 3, 4, 10), status)
    with pytest.raises(services.AppointmentNotAttended):
        services.note_create(appointment=visit, author=theo, fields=SOAP)
    with pytest.raises(services.AppointmentNotAttended):
        services.note_save(appointment=visit, author=theo, fields=SOAP, now=NOW)
    assert not TreatmentNote.objects.exists()


@pytest.mark.django_db
def test_signed_by_and_signed_at_go_together(attended, theo):
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentNote.objects.create(appointment=attended, author=theo, signed_by=theo)
