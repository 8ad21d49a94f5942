"""In a real browser: a therapist opens a session in which the textbook triad was recorded, reads
the weak gluteus medius suggestion with its evidence, confirms it and sees who confirmed it; the
targets for the runner are beside it; the page fits a phone."""

from __future__ import annotations

import pytest

from gait.models import SuggestionStatus
from tests.factories import ClientFactory, TherapistFactory

from .scenarios import triad_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def seeded_triad(transactional_db, media_root, tmp_path):
    """Tess Runner's session with Cal Stride: the triad, a left hip abduction grade of 4/5, and an
    analysed baseline and cued run (see tests/gait_sessions/scenarios.py)."""
    therapist = TherapistFactory(first_name="Tess", last_name="Runner")
    client = ClientFactory(first_name="Cal", last_name="Stride")
    return triad_session(therapist=therapist, client=client, clips=tmp_path, videos=True)


def test_therapist_confirms_the_weak_gluteus_medius_suggestion(seeded_triad, page, login):
    session, therapist = seeded_triad.session, seeded_triad.session.therapist
    suggestion = seeded_triad.suggestion
    failed = []
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failed.append(r.url))
    page.on("pageerror", lambda error: failed.append(str(error)))

    login(therapist)
    page.goto(f"/gait/sessions/{session.pk}/")
    section = page.locator("#suggestions")
    assert "not a diagnosis" in section.inner_text()
    card = page.locator(f"#suggestion-{suggestion.pk}")
    assert "Weak gluteus medius on the left leg" in card.locator("h3").inner_text()
    assert "strong" in card.locator("h3").inner_text()  # 4/5 hip abduction raised it
    evidence = card.locator("table.evidence").inner_text()
    for text in ("Knee valgus", "Pelvic drop", "Foot turn out", "Hip abduction grade", "part of the pattern",
                 "raises it"):  # fmt: skip
        assert text in evidence, text
    card.get_by_text("Sources").click()
    assert card.get_by_text("Souza 2016", exact=False).is_visible()

    card.get_by_label("Note").fill("Fits her lateral hip pain.")
    card.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("text=Suggestion confirmed.")
    card = page.locator(f"#suggestion-{suggestion.pk}")
    assert "Confirmed by Tess Runner on" in card.locator(".decision").inner_text()
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by, suggestion.note) == (
        SuggestionStatus.CONFIRMED, therapist, "Fits her lateral hip pain.")  # fmt: skip

    targets = page.locator("#targets")
    assert "Add the runner's height" in targets.inner_text()
    assert "Left hip control" in targets.locator(".priorities").inner_text()
    assert targets.locator('tr[data-metric="overstride"][data-verdict="above"]').count() >= 1

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not failed, failed
