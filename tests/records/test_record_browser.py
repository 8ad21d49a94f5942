"""In a real browser: a therapist opens a client, sees the timeline, opens the attended
appointment, writes and signs a SOAP note; the client and note pages fit a 390 px phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from records.models import TreatmentNote
from tests.factories import ReceptionistFactory

from .conftest import at

PHONE = {"width": 390, "height": 844}


def next_monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def assert_no_horizontal_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        too_wide = page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth)"
            ".map(e => `${e.tagName}.${e.className}`)"
        )
        pytest.fail(f"{page.url} is {width} px wide at {PHONE['width']} px; too wide: {too_wide[:5]}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_therapist_writes_and_signs_a_note_from_the_client_timeline(page, login, live_server, ada, theo, book):
    visit = book(at(2026, 3, 2, 10), "ATTENDED")
    upcoming_day = next_monday_after(date.today() + timedelta(days=7))
    upcoming = book(at(upcoming_day.year, upcoming_day.month, upcoming_day.day, 11))

    login(theo)
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Ada Lovelace").click()
    page.wait_for_url(f"{live_server.url}/clients/{ada.pk}/")
    timeline = page.locator("#timeline")
    upcoming_list = timeline.get_by_role("list", name="Upcoming")
    past_list = timeline.get_by_role("list", name="Past")
    assert "Booked" in upcoming_list.inner_text() and f"/appointments/{upcoming.pk}/" in upcoming_list.inner_html()
    assert "Attended" in past_list.inner_text()

    page.set_viewport_size(PHONE)
    assert_no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    past_list.get_by_role("link", name=f"{visit.appointment_type.name} with Theo Hart").click()
    page.wait_for_url(f"{live_server.url}/appointments/{visit.pk}/")
    assert page.get_by_role("heading", name="Treatment note").is_visible()
    page.get_by_role("link", name="Write the treatment note").click()
    page.wait_for_url(f"{live_server.url}/notes/appointments/{visit.pk}/")

    page.get_by_label("Subjective").fill("Left knee pain after 8 km.")
    page.get_by_label("Objective").fill("Left knee valgus at mid-stance.")
    page.get_by_label("Assessment").fill("Patellofemoral pain.")
    page.get_by_label("Plan").fill("Cadence +5 %; hip strength.")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_selector("text=Draft saved.")
    assert page.get_by_label("Objective").input_value() == "Left knee valgus at mid-stance."

    page.set_viewport_size(PHONE)
    assert_no_horizontal_overflow(page)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and sign").click()
    page.wait_for_selector("text=Note signed.")
    assert page.get_by_role("heading", name="Signed note").is_visible()
    assert page.get_by_role("button", name="Save draft").count() == 0
    assert_no_horizontal_overflow(page)

    note = TreatmentNote.objects.get(appointment=visit)
    assert (note.objective, note.signed_by_id, note.is_signed) == ("Left knee valgus at mid-stance.", theo.pk, True)

    # Both ways: the note page leads back to the client, whose timeline now lists the note.
    page.get_by_role("link", name="Ada Lovelace").click()
    page.wait_for_url(f"{live_server.url}/clients/{ada.pk}/")
    assert page.locator('#timeline [data-kind="treatment_note"]').inner_text().count("Signed") == 1
    assert_no_horizontal_overflow(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reception_timeline_fits_a_phone_and_shows_no_note(page, login, live_server, ada, theo, book):
    visit = book(at(2026, 3, 2, 10), "ATTENDED")
    TreatmentNote.objects.create(appointment=visit, author=theo, subjective="NOTE-SECRET-1188")
    page.set_viewport_size(PHONE)
    login(ReceptionistFactory())
    page.goto(f"/clients/{ada.pk}/")
    assert "Attended" in page.locator("#timeline").inner_text()
    assert page.locator('#timeline [data-kind="treatment_note"]').count() == 0
    assert "NOTE-SECRET-1188" not in page.content()
    assert_no_horizontal_overflow(page)
