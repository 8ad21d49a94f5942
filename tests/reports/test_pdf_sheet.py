"""The one-page exercise sheet (for the fridge) of an issued programme."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from core.exceptions import NotFoundError
from exercises import services as programme_services
from exercises.library_data import EXERCISES as LIBRARY
from exercises.models import Exercise
from reports import rendering
from tests.factories import ClientFactory
from tests.reports import pdf_data

TODAY = date(2026, 3, 20)


def _read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(p.extract_text() for p in reader.pages).split())


@pytest.fixture
def runner(db):
    return ClientFactory(first_name="Tomasz", last_name="Wielgosz")


def test_sheet_is_one_a4_page_with_every_exercise_and_dosage(runner, therapist):
    programme = pdf_data.add_programme(runner, therapist, start=date(2026, 3, 16), review=date(2026, 4, 27))
    reader, text = _read(rendering.render_exercise_sheet(programme_id=programme.pk, today=TODAY))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert "Tomasz Wielgosz" in text and "Mon 27 Apr 2026" in text
    for line in programme.exercises.all():
        assert f"{line.name} {line.dosage}" in text, line.name
    assert "Run quietly" in text
    images = [ref.get_object() for ref in reader.pages[0]["/Resources"].get("/XObject", {}).values()]
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert not any(x.get("/Subtype") == "/Image" for x in images)  # drawings are vector SVG, not bitmaps


def test_a_long_programme_still_fits_one_page(runner, therapist):
    slugs = [e["slug"] for e in LIBRARY][:16]
    programme = pdf_data.add_programme(runner, therapist, start=date(2026, 3, 16), review=None, exercises=slugs)
    reader, text = _read(rendering.render_exercise_sheet(programme_id=programme.pk, today=TODAY))
    assert len(reader.pages) == 1
    assert all(name in text for name in programme.exercises.values_list("name", flat=True))


def test_sheet_comes_from_the_snapshot_and_refuses_drafts(runner, therapist):
    programme = pdf_data.add_programme(runner, therapist, start=date(2026, 3, 16), review=None, exercises=["clamshell"])
    Exercise.objects.filter(slug="clamshell").update(name="Renamed clam", hidden=True)
    _, text = _read(rendering.render_exercise_sheet(programme_id=programme.pk, today=TODAY))
    assert "Clamshell" in text and "Renamed clam" not in text
    draft = programme_services.programme_revise(programme=programme, therapist=therapist, start_date=TODAY)
    with pytest.raises(ValueError):
        rendering.render_exercise_sheet(programme_id=draft.pk, today=TODAY)
    with pytest.raises(NotFoundError):
        rendering.render_exercise_sheet(programme_id=999999, today=TODAY)
