"""Keyboard only: log in, find a client, book an appointment, with Tab, Enter, arrows and typing.

Every stop on the way must show the app's own focus ring (3 px solid, from :focus-visible), and
the skip link must take the next Tab past the header. Every page is also checked by axe (conftest).
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from appointments.models import Appointment, WorkingHours
from appointments.selectors import clinic_tz
from tests.careplans.conftest import ensure_default_types
from tests.factories import PASSWORD, ClientFactory, ReceptionistFactory, TherapistFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels[0];
  const name = el.getAttribute('aria-label') || (label && label.innerText) || el.innerText || el.value || '';
  // In a date or time field, Tab also stops on the browser's own picker button (it draws that ring itself).
  const inPicker = el.matches(':focus-within') && !el.matches(':focus');
  return {tag: el.tagName, name: name.trim(), outline: inPicker ? 'picker' : `${style.outlineStyle} ${style.outlineWidth}`,
          text: el.tagName === 'SELECT' ? el.selectedOptions[0].text : el.value, inMain: !!el.closest('main')};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, name: str, *, prefix: bool = False, limit: int = 80) -> int:
    """Press Tab until the focused control is called `name` (or starts with it); returns the presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["outline"] in ("solid 3px", "picker"), f"{now['tag']} '{now['name']}' has no visible focus ring: {now['outline']}"
        if now["name"] == name or (prefix and now["name"].startswith(name)):
            return presses
    raise AssertionError(f"Tab never reached '{name}' in {limit} presses")


def choose(page, text: str, *, limit: int = 30) -> None:
    """Pick an option of the focused field by keyboard: arrows through a <select>, typing into a search box."""
    if focused(page)["tag"] == "SELECT":
        for _ in range(limit):
            if text in focused(page)["text"]:
                return
            page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option '{text}' in the focused list")
    page.keyboard.type(text)
    if page.locator("[role=listbox]:visible").count():  # a search box's suggestions
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")


def test_log_in_find_a_client_and_book_by_keyboard_only(page, live_server):
    ensure_default_types()
    theo = TherapistFactory(first_name="Theo", last_name="Hart")
    for weekday in range(7):
        WorkingHours.objects.create(therapist=theo, weekday=weekday, start_time=time(9), end_time=time(17))
    ada = ClientFactory(first_name="Ada", last_name="Lovelace")
    ClientFactory(first_name="Alan", last_name="Turing")
    ReceptionistFactory(username="rita")
    tomorrow = timezone.localdate(timezone.now(), clinic_tz()) + timedelta(days=1)

    # Log in.
    page.goto("/")
    if focused(page)["name"] != "Username":
        tab_to(page, "Username")
    page.keyboard.type("rita")
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Today,")

    # Find a client: the main navigation, then the search box, then the result.
    header_stops = tab_to(page, "Clients")
    assert header_stops >= 3  # skip link, brand, Today, Clients
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The skip link is the first stop and takes the next Tab straight into the page's content.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Skip to main content"
    assert page.get_by_role("link", name="Skip to main content").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert focused(page)["tag"] == "MAIN"
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], "after the skip link, Tab goes to the page's own content"
    tab_to(page, "Search clients")
    page.keyboard.type("Lovelace")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Turing" not in page.locator("main").inner_text()
    tab_to(page, "Ada Lovelace", prefix=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ada Lovelace")

    # Book an appointment: the calendar's day view, the next day (right arrow), a free slot, then the
    # client and the type.
    tab_to(page, "Calendar")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "Day")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.keyboard.press("ArrowRight")
    tab_to(page, "Book Theo Hart", prefix=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "New appointment"
    # The client picker is a search box: type, wait for the matches, Tab to one, Enter picks it.
    tab_to(page, "Find a client")
    page.keyboard.type("Lovelace")
    page.locator("button.client-result").first.wait_for()
    tab_to(page, "Lovelace, Ada", prefix=True)
    page.keyboard.press("Enter")
    assert page.locator("[data-chosen]").inner_text().startswith("Lovelace, Ada")
    tab_to(page, "Type")
    choose(page, "Treatment")
    tab_to(page, "Book")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Booked Ada Lovelace" in page.get_by_role("status").inner_text()
    booked = Appointment.objects.get()
    assert booked.client == ada and booked.therapist == theo
    assert booked.starts_at.astimezone(clinic_tz()) == timezone.make_aware(
        timezone.datetime.combine(tomorrow, time(9)), clinic_tz()
    )
