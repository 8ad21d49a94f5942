"""In a real browser with a real worker and MediaPipe: a therapist starts a gait session from the
client page, uploads the treadmill clip, watches the progress, accepts a finding and signs off."""

from __future__ import annotations

import pytest

from clients.models import ConsentPurpose
from clients.services import consent_record
from gait.models import Finding, GaitSession, Review
from tests.factories import ClientFactory, TherapistFactory

from .conftest import NOW, TREADMILL_CLIP

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]


def test_therapist_uploads_watches_progress_accepts_a_finding_and_signs_off(gait_worker, page, login):
    therapist = TherapistFactory(first_name="Tess", last_name="Runner")
    client = ClientFactory(first_name="Cal", last_name="Stride")
    consent_record(client=client, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=therapist, now=NOW)
    page.set_default_timeout(30_000)
    failed = []  # any request of the page that failed (the browser's own favicon probe aside)
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failed.append(r.url))
    page.on("pageerror", lambda error: failed.append(str(error)))

    login(therapist)
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="New gait session").click()
    page.get_by_label("Treadmill speed (km/h)").fill("11.5")
    page.get_by_label("Hip abduction strength, left (0–5)").fill("4")
    page.get_by_label("Trendelenburg, right").select_option("positive")
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/gait/sessions/*/")
    session = GaitSession.objects.get(client=client)
    assert "Hip abduction strength" in page.content()

    page.locator(".dropzone [data-files]").first.set_input_files(str(TREADMILL_CLIP))
    page.wait_for_selector("text=Uploaded; queued for analysis.", timeout=180_000)  # slow on a loaded CI box
    # The page polls the API: the reloaded page shows the video, its progress bar moves.
    page.wait_for_selector("[data-video]", timeout=60_000)
    percents = set()
    for _ in range(600):
        locator = page.locator('[data-video] [data-field="percent"]')
        if locator.count():
            try:
                percents.add(int(locator.first.get_attribute("value") or 0))
            except Exception:  # noqa: BLE001, S112 - the page reloads when the analysis ends
                continue
        if page.locator("#findings .finding").count():
            break
        page.wait_for_timeout(500)
    assert len({p for p in percents if 0 < p < 100}) >= 2, percents  # progress was seen moving
    assert page.locator("video").count() >= 2  # original and annotated

    first = page.locator("#findings .finding").first
    finding_id = int(first.get_attribute("data-finding"))
    assert first.locator("img.keyframe").count() == 1
    first.get_by_label("Note").fill("Agree, visible on the overlay.")
    first.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=Review saved.")
    assert Finding.objects.get(pk=finding_id).review == Review.ACCEPTED
    for other in Finding.objects.filter(session=session, review=Review.PENDING):  # the rest, by the page too
        page.locator(f'#finding-{other.pk}').get_by_role("button", name="Reject").click()
        page.wait_for_selector("text=Review saved.")

    page.get_by_role("button", name="Sign off session").click()
    page.wait_for_selector("text=Session signed off.")
    session.refresh_from_db()
    assert session.signed_off_by == therapist
    assert "Reason for amendment" in page.content()
    assert not failed, failed
