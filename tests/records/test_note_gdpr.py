"""Treatment notes and their amendments are in the client's GDPR export and blanked by erasure."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from clients.services import client_erase, client_export
from records import services
from records.models import TreatmentNote, TreatmentNoteAmendment
from tests.factories import ClinicAdminFactory

from .conftest import at

NOW = at(2026, 3, 2, 12)
SOAP = {"subjective": "S-ADA-1", "objective": "O-ADA-2", "assessment": "A-ADA-3", "plan": "P-ADA-4"}


@pytest.fixture
def amended_note(attended, theo):
    note = services.note_save(appointment=attended, author=theo, fields=SOAP, now=NOW, sign=True)
    services.note_amend(note=note, author=theo, reason="R-ADA-5", text="T-ADA-6", now=at(2026, 3, 3, 9))
    return note


@pytest.mark.django_db
def test_export_contains_the_notes_and_amendments(amended_note, ada):
    export = client_export(client=ada, exported_by=ClinicAdminFactory(), now=NOW)
    document = json.loads(zipfile.ZipFile(io.BytesIO(export.file.read())).read("client.json"))
    notes = document["related"]["records.treatmentnote"]
    assert [{k: n["fields"][k] for k in SOAP} for n in notes] == [SOAP]
    amendments = document["related"]["records.treatmentnoteamendment"]
    assert [(a["fields"]["reason"], a["fields"]["text"]) for a in amendments] == [("R-ADA-5", "T-ADA-6")]


@pytest.mark.django_db
def test_erasure_blanks_note_text_and_keeps_the_rows(amended_note, ada):
    client_erase(client=ada, erased_by=ClinicAdminFactory(), now=NOW, confirmation="Ada Lovelace")
    note = TreatmentNote.objects.get(pk=amended_note.pk)
    assert [getattr(note, name) for name in SOAP] == ["", "", "", ""]
    assert note.is_signed  # that a signed note existed stays, for the clinic's statistics
    amendment = TreatmentNoteAmendment.objects.get(note=note)
    assert (amendment.reason, amendment.text) == ("", "")
