"""In a real browser: a therapist confirms a clinical reasoning suggestion, opens the comparison of a baseline and a cued run from the
session page, steps both videos stride by stride (both land on the matched contact times), works
the player with the keyboard alone, and opens the client's gait timeline with its trend charts.

Set-up (`setup_world`) and each step (`confirm_a_suggestion`, `walk_through_comparison`,
`check_phone_layout`) are functions of their own, so steps can be added or reused."""

from __future__ import annotations

import pytest

from gait.comparisons import trial_comparison
from gait.models import ClinicalSuggestion, SuggestionStatus
from tests.factories import TherapistFactory

from .scenario import build_client_with_sessions

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def setup_world(folder):
    """A therapist and a client with an earlier session and today's baseline and cued runs."""
    therapist = TherapistFactory(first_name="Tess", last_name="Runner")
    return build_client_with_sessions(therapist, folder)


def video_times(page):
    return page.evaluate("[...document.querySelectorAll('[data-compare-player] video')].map(v => v.currentTime)")


def wait_for_times(page, time_a, time_b, tolerance=0.01):
    page.wait_for_function(
        """([a, b, tol]) => {
            const [va, vb] = document.querySelectorAll('[data-compare-player] video');
            return !va.seeking && !vb.seeking && Math.abs(va.currentTime - a) < tol && Math.abs(vb.currentTime - b) < tol;
        }""",
        arg=[time_a, time_b, tolerance],
    )


def confirm_a_suggestion(page, world):
    """On today's session page: confirm the suggestion the overstriding, heel-first baseline
    gives (a higher cadence), with a note."""
    page.goto(f"/gait/sessions/{world.current.pk}/")
    card = page.locator("#suggestions article.suggestion").first
    suggestion_id = int(card.get_attribute("data-suggestion"))
    card.get_by_label("Note").fill("Try +7 % cadence.")
    card.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("text=Suggestion confirmed.")
    suggestion = ClinicalSuggestion.objects.get(pk=suggestion_id)
    assert (suggestion.session_id, suggestion.status, suggestion.decided_by) == (
        world.current.pk, SuggestionStatus.CONFIRMED, world.therapist)  # fmt: skip


def walk_through_comparison(page, world):
    """From the session page: open the comparison, step both videos stride by stride with the
    buttons and then the keyboard, and open the client's gait timeline."""
    baseline, cues = world.trials["baseline"], world.trials["cues"]
    strides = trial_comparison(trial_a_id=baseline.pk, trial_b_id=cues.pk).views[0].strides
    assert len(strides) >= 3
    fps = 60.0

    page.goto(f"/gait/sessions/{world.current.pk}/")
    page.get_by_role("link", name="Compare baseline with cues").click()
    page.wait_for_url("**/gait/compare/?a=*")
    assert page.get_by_role("heading", name="Side view: what changed").is_visible()
    page.wait_for_function(
        "[...document.querySelectorAll('[data-compare-player] video')].every(v => v.readyState >= 1)"
    )
    overstride = page.locator('tr[data-metric="overstride"][data-side="left"]')
    assert overstride.get_attribute("data-verdict") == "improved"
    assert page.locator('tr[data-verdict="no detectable change"]').count() >= 1

    # Stride by stride with the buttons: both videos land on left contact n of their own run.
    status = page.locator("[data-player-status]")
    for n in (0, 1):
        page.get_by_role("button", name="Next stride").click()
        wait_for_times(page, strides[n]["time_a"], strides[n]["time_b"])
        assert status.inner_text().startswith(f"Stride {n + 1} of {len(strides)}")
        assert f"frame {strides[n]['frame_a']}" in status.inner_text()
    page.get_by_role("button", name="Previous stride").click()
    wait_for_times(page, strides[0]["time_a"], strides[0]["time_b"])
    page.get_by_role("button", name="Forward one frame").click()
    wait_for_times(page, strides[0]["time_a"] + 1 / fps, strides[0]["time_b"] + 1 / fps)

    # The keyboard alone: N / P strides, arrows frames, Tab to Play and Space to pause.
    page.keyboard.press("n")
    wait_for_times(page, strides[1]["time_a"], strides[1]["time_b"])
    page.keyboard.press("n")
    wait_for_times(page, strides[2]["time_a"], strides[2]["time_b"])
    assert page.locator('tr[data-stride="2"]').get_attribute("aria-current") == "true"
    page.keyboard.press("ArrowLeft")
    wait_for_times(page, strides[2]["time_a"] - 1 / fps, strides[2]["time_b"] - 1 / fps)
    page.keyboard.press("p")
    wait_for_times(page, strides[1]["time_a"], strides[1]["time_b"])
    play = page.locator('[data-action="play"]')
    play.focus()
    assert page.evaluate("document.activeElement.textContent") == "Play"
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('[data-action=\"play\"]').textContent === 'Pause'")
    page.wait_for_function(
        "([a]) => document.querySelector('[data-video=\"a\"]').currentTime > a + 0.1", arg=[strides[1]["time_a"]]
    )
    page.keyboard.press(" ")  # Space on the focused button pauses both
    page.wait_for_function("document.querySelector('[data-action=\"play\"]').textContent === 'Play'")
    assert page.evaluate("[...document.querySelectorAll('video')].every(v => v.paused)")
    time_a, time_b = video_times(page)
    assert time_a > strides[1]["time_a"] and time_b > strides[1]["time_b"]  # both played, together
    page.locator("button[data-goto='0']").click()  # the stride table's own buttons
    wait_for_times(page, strides[0]["time_a"], strides[0]["time_b"])

    page.get_by_role("link", name="Gait timeline").first.click()
    page.wait_for_url("**/timeline/")
    charts = page.locator("figure.trend svg[role=img]")
    assert charts.count() >= 4
    assert page.get_by_text("Overstride (shank angle at contact) (deg), left and right, 2 sessions").is_visible()
    page.get_by_text("Overstride (shank angle at contact) as a table").click()
    assert page.locator('figure[data-metric="overstride"] table tbody tr').count() == 2


def check_phone_layout(page, world):
    """At 390 px the two videos stack and neither page scrolls sideways."""
    baseline, cues = world.trials["baseline"], world.trials["cues"]
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/gait/compare/?a={baseline.pk}&b={cues.pk}", f"/gait/clients/{world.client.pk}/timeline/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    page.goto(f"/gait/compare/?a={baseline.pk}&b={cues.pk}")
    first, second = (page.locator(f'video[data-video="{v}"]').bounding_box() for v in "ab")
    assert second["y"] >= first["y"] + first["height"] and first["width"] > 300  # stacked, full width


def test_therapist_confirms_a_suggestion_then_steps_baseline_and_cued_runs_stride_by_stride(
    page, login, media_root, tmp_path
):
    world = setup_world(tmp_path)
    failed = []
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failed.append(r.url))
    page.on("pageerror", lambda error: failed.append(str(error)))
    login(world.therapist)
    confirm_a_suggestion(page, world)
    walk_through_comparison(page, world)
    check_phone_layout(page, world)
    assert not failed, failed
