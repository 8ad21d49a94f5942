"""Accessibility in a real browser.

The `page` fixture runs axe (WCAG 2.1 A/AA) on every document a browser test loads
(tests/accessibility.py). Here: the pages of the issue's audit as reception and as therapist,
proof that the check really fails on inaccessible pages, and the keyboard-only flows.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from appointments.models import WorkingHours
from appointments.selectors import clinic_tz
from appointments.services import appointment_book
from careplans.models import CarePlan
from careplans.services import self_booking_invite_create
from clients.models import ConsentPurpose
from clients.services import consent_record
from tests.accessibility import AccessibilityViolations
from tests.careplans.conftest import ensure_default_types
from tests.factories import ClientFactory, ReceptionistFactory, TherapistFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic():
    """A therapist working every day, a client with a care plan, a booked appointment and a booking link."""
    types = ensure_default_types()
    theo = TherapistFactory(first_name="Theo", last_name="Hart")
    for weekday in range(7):
        WorkingHours.objects.create(therapist=theo, weekday=weekday, start_time=time(9), end_time=time(17))
    now = timezone.now()
    today = timezone.localdate(now, clinic_tz())
    ada = ClientFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    consent_record(client=ada, purpose=ConsentPurpose.EMAIL_REPORTS, granted=True, recorded_by=None, now=now)
    plan = CarePlan.objects.create(
        client=ada, therapist=theo, start_date=today - timedelta(weeks=7),
        reassessment_interval_weeks=6, next_reassessment_due=today - timedelta(days=7),
    )
    invite = self_booking_invite_create(plan=plan, site_url="http://testserver/", now=now)
    treatment = types["TREATMENT"]
    starts_at = timezone.make_aware(
        timezone.datetime.combine(today + timedelta(days=2), time(11)), clinic_tz()
    )
    appointment = appointment_book(client=ada, therapist=theo, appointment_type=treatment, starts_at=starts_at, now=now)
    return {"theo": theo, "ada": ada, "plan": plan, "token": invite.token, "appointment": appointment, "today": today}


def submit_empty(page, button_name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()
    assert page.locator("[aria-invalid=true]").count() > 0, "the empty form should come back with field errors"


@pytest.mark.parametrize("role_factory", [ReceptionistFactory, TherapistFactory], ids=["reception", "therapist"])
def test_the_audited_pages_pass_axe_as_each_role(page, login, clinic, role_factory):
    ada, plan, appointment, today = clinic["ada"], clinic["plan"], clinic["appointment"], clinic["today"]
    day = today.isoformat()
    login(role_factory())  # the login page, then Today
    for path in [
        "/no-such-page/",
        "/clients/",
        f"/clients/{ada.pk}/",
        f"/clients/{ada.pk}/edit/",
        f"/appointments/?view=day&date={day}&therapist={clinic['theo'].pk}",
        f"/appointments/?view=day&date={day}&therapist=all",
        f"/appointments/?view=week&date={day}&therapist={clinic['theo'].pk}",
        f"/appointments/?view=week&date={day}&therapist=all",
        f"/appointments/{appointment.pk}/",
        f"/care/clients/{ada.pk}/",
        f"/care/plans/{plan.pk}/",
        "/care/recalls/",
    ]:
        page.goto(path)
    page.goto("/clients/new/")
    submit_empty(page, "Save")
    page.goto("/appointments/new/")
    submit_empty(page, "Book")
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    page.goto(f"/care/book/{clinic['token']}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Book your reassessment"
    page.goto("/care/book/not-a-real-link/")
    page.goto("/accounts/login/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong password")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()

    checked = [re.sub(r"^https?://[^/]+", "", url) for url in page.checked_urls]
    # The login page, Today, 12 pages, 2 forms before and after submitting, the login page after
    # logging out, 2 booking links, the login page before and after a wrong password.
    assert len(checked) == 23, checked
    assert "/no-such-page/" in checked and f"/care/book/{clinic['token']}/" in checked


def test_axe_really_runs_and_fails_on_an_inaccessible_page(page, login, clinic):
    login(TherapistFactory())
    # The header's clinic name as it was before issue 13 (4.49:1 on the teal bar); through the
    # CSSOM, so the page's CSP stays as it is.
    page.evaluate("() => document.querySelector('.brand .clinic').style.opacity = '0.8'")
    page.evaluate("""() => {
      const img = document.createElement('img');  // no alt text
      img.src = '/static/none.png';
      document.querySelector('main').append(img);
      const input = document.createElement('input');  // no label, help text that is not there
      input.setAttribute('aria-describedby', 'id_nothing_helptext');
      document.querySelector('main').append(input);
    }""")
    with pytest.raises(AccessibilityViolations) as raised:
        page.check_loaded_document()
    message = str(raised.value)
    for rule in ("color-contrast (serious)", "image-alt (critical)", "label (critical)", "broken-idref"):
        assert rule in message
    assert ".clinic" in message or "4.49" in message
    assert "https://dequeuniversity.com/rules/axe/" in message
    page.disable_accessibility_checks()  # the page is still broken when the test ends


def test_a_loaded_page_is_checked_before_the_test_goes_on(page, live_server):
    page.route("**/broken/", lambda route: route.fulfill(
        content_type="text/html", body="<html><body><img src='x.png'><button></button></body></html>"
    ))
    page.goto("/broken/")
    with pytest.raises(AccessibilityViolations) as raised:
        page.title()  # any use of the page after a load runs the check first
    assert "html-has-lang" in str(raised.value) and "button-name (critical)" in str(raised.value)
    page.disable_accessibility_checks()  # the final-state check would fail this test too


@pytest.mark.accessibility_exempt()
def test_the_exemption_marker_needs_a_reason(request):
    with pytest.raises(pytest.fail.Exception, match="needs reason"):
        request.getfixturevalue("page")
