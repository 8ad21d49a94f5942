"""In a real browser (axe-checked, at a phone's width): the per-step charts of an analysed video
load under the strict CSP with their table of values, and the session details form edits the
runner's height and leg length, refusing an implausible value."""

from __future__ import annotations

import pytest

from gait.models import GaitSession

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def test_per_step_charts_and_the_details_form_in_a_browser(transactional_db, analysed, therapist, page, login):
    problems = []
    # CSP refusals are console errors; failed requests are checked by status (the favicon probe aside).
    page.on(
        "console", lambda m: m.type == "error" and "Failed to load resource" not in m.text and problems.append(m.text)
    )
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and problems.append(r.url))
    page.on("pageerror", lambda error: problems.append(str(error)))
    login(therapist)
    page.set_viewport_size(PHONE)
    session_id = analysed.trial.session_id
    page.goto(f"/gait/sessions/{session_id}/")

    charts = page.locator("img.metric-chart.per-step")
    assert charts.count() == len(analysed.report["metrics"])
    for i in range(charts.count()):  # every chart decoded: the data: SVG is allowed and valid
        assert charts.nth(i).evaluate("img => img.complete && img.naturalWidth > 0"), i
        assert charts.nth(i).bounding_box()["width"] <= PHONE["width"]
    overstride = page.locator('figure[data-metric="overstride"]')
    assert "Overstride per step, left" in overstride.locator("img").get_attribute("alt")
    overstride.get_by_text("Values per step").click()
    rows = overstride.locator("tbody tr")
    assert rows.count() == max(analysed.report["metrics"]["overstride"]["steps"].values())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="Edit session details").click()
    height = page.get_by_label("Height (cm)")
    height.fill("50")
    page.get_by_role("button", name="Save details").click()
    # The browser stops it before sending (the server's own message is tested without a browser).
    assert height.evaluate("el => el.validity.rangeUnderflow") and "/edit/" in page.url
    page.get_by_label("Height (cm)").fill("178")
    page.get_by_label("Leg length, floor to greater trochanter (cm)").fill("92.5")
    page.get_by_role("button", name="Save details").click()
    page.wait_for_selector("text=Session details saved.")
    assert "178.0 cm, 92.5 cm" in page.content()
    session = GaitSession.objects.get(pk=session_id)
    assert (float(session.height_cm), float(session.leg_length_cm)) == (178.0, 92.5)
    assert not problems, problems
