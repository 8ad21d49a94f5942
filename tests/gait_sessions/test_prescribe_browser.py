"""In a real browser: a therapist opens a gait session whose suggestions are confirmed (weak left
gluteus medius, low cadence), prescribes from them, edits a dosage and issues the programme."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careplans.models import CarePlan
from exercises.models import ProgrammeStatus, Side
from tests.factories import ClientFactory, TherapistFactory
from tests.gait_sessions.conftest import NOW
from tests.prescribing import assessed_session, issue_in_browser, seed_library

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_therapist_prescribes_from_confirmed_suggestions_edits_a_dosage_and_issues(
    page, login, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_library()
    therapist = TherapistFactory(first_name="Tess", last_name="Runner")
    runner = ClientFactory(first_name="Cal", last_name="Stride")
    due = timezone.localdate() + timedelta(weeks=6)  # the programme starts today (the session is older)
    CarePlan.objects.create(
        client=runner,
        therapist=therapist,
        start_date=NOW.date(),
        reassessment_interval_weeks=6,
        next_reassessment_due=due,
    )
    session = assessed_session(client=runner, therapist=therapist, now=NOW, folder=tmp_path, cadence=160)

    login(therapist)
    page.goto(f"/gait/sessions/{session.pk}/")
    page.get_by_role("link", name="Prescribe exercises").click()
    page.get_by_role("heading", name="Prescribe exercises").wait_for()
    glute = page.get_by_role("checkbox", name="Weak gluteus medius, left")
    assert glute.is_checked()
    assert page.get_by_role("checkbox", name="Low cadence").is_checked()
    assert page.get_by_label("Measured cadence (steps/min)").input_value() == "160"
    assert page.get_by_label("Review date").input_value() == due.isoformat()
    page.set_viewport_size({"width": 390, "height": 844})  # fits a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("checkbox", name="Overstriding").uncheck()  # the therapist leaves one out
    page.get_by_role("button", name="Start the draft").click()
    page.wait_for_url(f"{live_server.url}/exercises/programmes/*/")

    # Exercises follow the suggestions' strength; every one-sided one starts on the weak left leg.
    abduction = page.locator("fieldset.line", has_text="Side-lying hip abduction").first
    assert "Weak gluteus medius (left)" in abduction.inner_text()
    assert abduction.get_by_label("Side", exact=True).input_value() == Side.LEFT_FIRST
    assert "set a metronome to 168 steps/min (+5 %)" in page.locator("#draft-form").inner_text()
    assert "Overstriding" not in page.locator("#draft-form").inner_text()

    issue_in_browser(page, exercise="Side-lying hip abduction", sets="4", load="light band")
    page.get_by_role("heading", name="Programme version 1").wait_for()
    issued = page.locator("article.issued-line", has_text="Side-lying hip abduction").first
    assert "4 × 12 per side, 3× a week · light band · Left first" in issued.inner_text()

    programme = runner.programmes.get()
    assert (programme.status, programme.version, programme.measured_cadence) == (ProgrammeStatus.ISSUED, 1, 160)
    assert programme.review_date == due
    line = programme.exercises.get(exercise__slug="side-lying-hip-abduction")
    assert (line.sets, line.load, line.side) == (4, "light band", Side.LEFT_FIRST)
    assert {line.side for line in programme.exercises.all() if line.one_sided} == {Side.LEFT_FIRST}
