"""In a real browser: a therapist opens a client, starts a programme from chosen focus areas,
changes a dosage, issues it and reads the issued version (and its printable page)."""

from __future__ import annotations

import pytest

from exercises.models import Programme, ProgrammeStatus
from tests.factories import ClientFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_therapist_builds_a_programme_from_suggestions_edits_a_dosage_and_issues_it(page, login, live_server,
                                                                                      library, therapist):
    runner = ClientFactory(first_name="Paula", last_name="Radcliffe")
    login(therapist)
    page.goto(f"/clients/{runner.pk}/")
    page.get_by_role("link", name="Exercise programmes").click()
    page.wait_for_url(f"{live_server.url}/exercises/clients/{runner.pk}/programmes/")

    page.get_by_role("checkbox", name="Weak gluteus medius").check()
    page.get_by_label("Side for weak gluteus medius").select_option("left")
    page.get_by_role("checkbox", name="Low cadence").check()
    page.get_by_label("Measured cadence (steps/min)").fill("160")
    page.get_by_role("button", name="Start the draft").click()
    page.wait_for_url(f"{live_server.url}/exercises/programmes/*/")

    first = page.locator("fieldset.line").first
    assert "Side-lying hip abduction" in first.inner_text()
    assert "Weak gluteus medius (left)" in first.inner_text()
    assert first.get_by_label("Side", exact=True).input_value() == "LEFT_FIRST"
    assert "168 steps/min" in page.locator("#draft-form").inner_text()
    first.get_by_label("Sets", exact=True).fill("4")
    first.get_by_label("Load", exact=True).fill("light band")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and issue").click()
    page.get_by_role("heading", name="Programme version 1").wait_for()
    issued = page.locator("article.issued-line").first
    assert "4 × 12 per side, 3× a week · light band · Left first" in issued.inner_text()
    assert page.get_by_role("button", name="Save draft").count() == 0
    assert "set a metronome to 168 steps/min" in page.content()

    programme = Programme.objects.get(client=runner)
    assert programme.status == ProgrammeStatus.ISSUED and programme.version == 1

    page.get_by_role("link", name="Printable page").click()
    page.get_by_role("heading", name="Home programme for Paula Radcliffe").wait_for()
    assert page.locator(".print-exercises img").first.evaluate("img => img.naturalWidth") > 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_therapist_finds_hides_and_reads_library_pages(page, login, live_server, library, therapist):
    """The library pages in a browser (each is checked with axe as it loads)."""
    login(therapist)
    page.get_by_role("link", name="Exercises").click()
    page.get_by_label("Search").fill("adductor")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Copenhagen plank").click()
    page.get_by_role("heading", name="Copenhagen plank").wait_for()
    assert page.locator("figure img").evaluate("img => img.naturalWidth") > 0
    page.get_by_role("button", name="Hide from the library").click()
    page.get_by_role("button", name="Show in the library again").wait_for()
    page.goto("/exercises/cues/")
    assert "metronome" in page.get_by_role("heading", name="Cadence +5–10 %").locator("..").inner_text()
    page.goto("/exercises/new/")
    page.get_by_role("button", name="Save").click()  # empty: errors are shown with the fields
    page.get_by_text("Give repetitions or a hold time").wait_for()
