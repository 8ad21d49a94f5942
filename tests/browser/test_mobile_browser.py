"""Every page works on a phone (390 x 844): no sideways scrolling of the page itself, wide
calendars scroll inside their own box with a visible hint, short appointments are readable.
Screenshots of every page are saved for a human look under $MOBILE_SCREENSHOTS, else pytest's tmp dir."""

import os
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus, AppointmentType, WorkingHours
from careplans.models import CarePlan
from core.clinic_time import clinic_tz
from tests.factories import PASSWORD, ClientFactory, ClinicAdminFactory, ReceptionistFactory, TherapistFactory

PHONE = {"width": 390, "height": 844}


def _types():
    defaults = {
        "Initial gait assessment": ("INITIAL_ASSESSMENT", 60, "#0f6e6e"),
        "Treatment / retraining": ("TREATMENT", 30, "#8a5a00"),
    }
    return {
        kind: AppointmentType.objects.get_or_create(
            name=name, defaults={"kind": kind, "duration_minutes": minutes, "colour": colour}
        )[0]
        for name, (kind, minutes, colour) in defaults.items()
    }


@pytest.fixture
def clinic(db):
    """A small but realistic clinic: three therapists, today's appointments, a care plan due."""
    types = _types()
    therapists = [
        TherapistFactory(first_name="Theodora", last_name="Hartington-Smythe"),
        TherapistFactory(first_name="Una", last_name="Other"),
        TherapistFactory(first_name="Vic", last_name="Third"),
    ]
    for therapist in therapists:
        for weekday in range(7):
            WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time=time(8), end_time=time(18))
    ada = ClientFactory(
        first_name="Adelaide-Josephine", last_name="Featherstonehaugh-Worthington",
        email="adelaide.josephine.featherstonehaugh-worthington@example-clinic-mail.co.uk", phone="+44 7700 900123",
        address="Flat 12, The Very Long Building Name, 123 Longest Street Imaginable, Cambridge CB1 2AB",
        alerts="Latex allergy",
    )  # fmt: skip
    tz = clinic_tz()
    today = timezone.localdate(timezone.now(), tz)
    appointments = []
    for i, therapist in enumerate(therapists):
        for hour, kind in ((9, "TREATMENT"), (10, "INITIAL_ASSESSMENT"), (14, "TREATMENT")):
            starts = timezone.make_aware(timezone.datetime.combine(today, time(hour + i % 2)), tz)
            kind_type = types[kind]
            appointments.append(
                Appointment.objects.create(
                    client=ada, therapist=therapist, appointment_type=kind_type, starts_at=starts,
                    ends_at=starts + timedelta(minutes=kind_type.duration_minutes),
                    status=AppointmentStatus.ATTENDED if hour == 9 else AppointmentStatus.BOOKED,
                )  # fmt: skip
            )
    plan = CarePlan.objects.create(
        client=ada, therapist=therapists[0], start_date=today - timedelta(weeks=6),
        reassessment_interval_weeks=6, next_reassessment_due=today - timedelta(days=2),
    )  # fmt: skip
    return {"therapist": therapists[0], "client": ada, "appointment": appointments[1], "plan": plan, "today": today,
            "short": appointments[0]}  # fmt: skip


def pages(c) -> list[str]:
    client, therapist, plan, appointment = c["client"].id, c["therapist"].id, c["plan"].id, c["appointment"].id
    return [
        "/",
        "/clients/",
        "/clients/new/",
        f"/clients/{client}/",
        f"/clients/{client}/edit/",
        "/appointments/?view=week&therapist=all",
        "/appointments/?view=day&therapist=all",
        f"/appointments/?view=week&therapist={therapist}",
        f"/appointments/?view=day&therapist={therapist}",
        f"/appointments/{appointment}/",
        f"/appointments/new/?client={client}",
        "/care/recalls/",
        f"/care/clients/{client}/",
        f"/care/plans/{plan}/",
    ]


def _gait_pages(c) -> list[str]:
    from gait.services import session_create

    session = session_create(client=c["client"], therapist=c["therapist"], created_by=c["therapist"], date=c["today"],
                             treadmill_speed_kmh=11, height_cm=172, leg_length_cm=88, notes="Left knee pain.")
    return [f"/gait/clients/{c['client'].id}/sessions/new/", f"/gait/sessions/{session.pk}/",
            f"/gait/sessions/{session.pk}/edit/"]


def _login(page, live_server, user):
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _check_pages(browser, live_server, user, urls, shots, name):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    overflowing = []
    try:
        if user is not None:
            _login(page, live_server, user)
        for i, url in enumerate(urls):
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            page.screenshot(path=str(shots / f"{name}-{i:02d}.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                overflowing.append((url, width))
    finally:
        context.close()
    return overflowing


def _report_pages(c) -> list[str]:
    """A client's reports page and a report (queued: its page shows the waiting state)."""
    from reports.models import Report
    from tests.reports.conftest import signed_off_session

    session = signed_off_session(client=c["client"], therapist=c["therapist"], day=c["today"], now=timezone.now())
    report = Report.objects.create(client=c["client"], session=session, version=1, created_by=c["therapist"],
                                   created_at=timezone.now(), run_after=timezone.now() + timedelta(days=1))  # fmt: skip
    return [f"/reports/clients/{c['client'].id}/", f"/reports/{report.pk}/"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_390_px_phone(browser, live_server, clinic, tmp_path_factory):
    shots = Path(os.environ["MOBILE_SCREENSHOTS"]) if os.environ.get("MOBILE_SCREENSHOTS") else None
    shots = shots or tmp_path_factory.mktemp("mobile")
    shots.mkdir(parents=True, exist_ok=True)
    therapist_pages = [*pages(clinic), f"/care/plans/{clinic['plan'].id}/edit/", f"/care/clients/{clinic['client'].id}/new/"]
    therapist_pages += _report_pages(clinic)
    therapist_pages += _gait_pages(clinic)
    overflowing = _check_pages(browser, live_server, ReceptionistFactory(), pages(clinic), shots, "reception")
    overflowing += _check_pages(browser, live_server, clinic["therapist"], therapist_pages, shots, "therapist")
    overflowing += _check_pages(browser, live_server, ClinicAdminFactory(), ["/accounts/staff/", "/admin/"], shots, "admin")
    overflowing += _check_pages(browser, live_server, None, ["/accounts/login/"], shots, "anonymous")
    assert overflowing == [], f"pages wider than the phone: {overflowing} (screenshots in {shots})"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_week_says_it_scrolls_and_short_appointments_are_readable(browser, live_server, clinic):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        _login(page, live_server, ReceptionistFactory())
        page.goto(f"/appointments/?view=week&therapist={clinic['therapist'].id}")
        assert page.locator("#cal-scroll-hint").is_visible()
        assert "Swipe sideways" in page.locator("#cal-scroll-hint").inner_text()
        box = page.locator(".cal-scroll").first
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the calendar, not the page, scrolls

        page.goto(f"/appointments/?view=day&therapist={clinic['therapist'].id}")
        short = page.locator(f'a.appt[href="/appointments/{clinic["short"].id}/"]')
        assert short.evaluate("el => el.scrollHeight <= el.clientHeight + 1"), "a 30-minute appointment is clipped"
        client_box = short.locator(".appt-client").bounding_box()
        appt_box = short.bounding_box()
        assert client_box["y"] + client_box["height"] <= appt_box["y"] + appt_box["height"] + 1

        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/appointments/?view=week&therapist={clinic['therapist'].id}")
        assert not page.locator("#cal-scroll-hint").is_visible()  # no hint where nothing scrolls
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_attended_looks_different_from_an_initial_assessment(page, login, clinic):
    login(ReceptionistFactory())
    page.goto("/appointments/?view=day&therapist=all")

    def rgb(selector):
        colour = page.locator(selector).evaluate("el => getComputedStyle(el).backgroundColor")
        return [int(part) for part in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]

    attended, initial = rgb(".cal-legend .status-attended"), rgb(".cal-legend .kind-initial-assessment")
    distance = sum((a - b) ** 2 for a, b in zip(attended, initial, strict=True)) ** 0.5
    assert distance > 150, (attended, initial)


