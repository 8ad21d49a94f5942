"""Daylight saving: local wall-clock times stay put across the changes on 29 Mar and 25 Oct 2026."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from appointments.models import Appointment
from appointments.selectors import calendar_get, free_slots
from appointments.services import BookingError, appointment_book
from tests.appointments.conftest import at
from tests.factories import ClientFactory, TherapistFactory


@pytest.fixture
def weekend_theo(db, weekday_hours):
    """Works 09:00-17:00 clinic time every day, weekends included."""
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"), weekdays=range(7))


def utc(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now,before,after,week_start",
    [
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026 (GMT -> BST).
        (at(2026, 3, 20, 12), (2026, 3, 28, utc(2026, 3, 28, 9)), (2026, 3, 29, utc(2026, 3, 29, 8)), "2026-03-23"),
        # Clocks go back at 01:00 UTC on Sunday 25 October 2026 (BST -> GMT).
        (
            at(2026, 10, 16, 12),
            (2026, 10, 24, utc(2026, 10, 24, 8)),
            (2026, 10, 25, utc(2026, 10, 25, 9)),
            "2026-10-19",
        ),
    ],
)
def test_nine_oclock_is_stored_in_utc_and_shown_at_nine_either_side_of_the_change(
    weekend_theo, treatment, receptionist, client, now, before, after, week_start
):
    with time_machine.travel(now, tick=False):
        booked = []
        for y, m, d, expected_utc in (before, after):
            appointment = appointment_book(
                client=ClientFactory(), therapist=weekend_theo, appointment_type=treatment,
                starts_at=at(y, m, d, 9), now=now,
            )  # fmt: skip
            appointment.refresh_from_db()
            assert appointment.starts_at == expected_utc
            assert appointment.ends_at - appointment.starts_at == timedelta(minutes=30)
            booked.append(appointment)

        client.force_login(receptionist)
        html = client.get(f"/appointments/?view=week&date={week_start}&therapist={weekend_theo.id}").content.decode()
        for appointment in booked:
            # Same wall-clock label and the same grid row (09:00 = row 2 + 4) on both days.
            marker = f'class="appt r-6 s-2 kind-treatment status-booked" data-colour="#8a5a00" href="/appointments/{appointment.id}/"'
            assert marker in html
        assert html.count('<span class="appt-time">09:00–09:30</span>') == 2
        assert "08:00–08:30" not in html and "10:00–10:30" not in html

        api = client.get(
            f"/api/appointments/?date_from={before[:3][0]}-{before[1]:02d}-{before[2]:02d}&therapist={weekend_theo.id}"
        )
        assert [r["starts_at"][:19] for r in api.json()["results"]] == [
            f"{y}-{m:02d}-{d:02d}T09:00:00" for y, m, d, _ in (before, after)
        ]


@pytest.mark.django_db
@pytest.mark.parametrize("day", [(2026, 3, 28), (2026, 3, 29), (2026, 10, 24), (2026, 10, 25)])
def test_working_hours_mean_local_time_on_both_sides_of_the_change(weekend_theo, treatment, day):
    now = at(2026, 3, 1, 12)
    first = free_slots(appointment_type=treatment, therapist=weekend_theo, after=at(*day, 0), count=1)[0]
    assert first.starts_at == at(*day, 9)
    with pytest.raises(BookingError, match="not within 09:00–17:00"):
        appointment_book(
            client=ClientFactory(),
            therapist=weekend_theo,
            appointment_type=treatment,
            starts_at=at(*day, 8, 30),
            now=now,
        )
    last = appointment_book(
        client=ClientFactory(), therapist=weekend_theo, appointment_type=treatment, starts_at=at(*day, 16, 30), now=now
    )
    assert last.ends_at == at(*day, 17)
    with pytest.raises(BookingError, match="not within 09:00–17:00"):
        appointment_book(
            client=ClientFactory(),
            therapist=weekend_theo,
            appointment_type=treatment,
            starts_at=at(*day, 16, 45),
            now=now,
        )


@pytest.mark.django_db
def test_the_calendar_day_on_the_23_hour_sunday_holds_exactly_its_appointments(weekend_theo, treatment):
    # Sunday 29 March 2026 lasts 23 hours; a booking late on Saturday must not leak into it.
    sat = Appointment.objects.create(
        client=ClientFactory(), therapist=weekend_theo, appointment_type=treatment,
        starts_at=at(2026, 3, 28, 16, 30), ends_at=at(2026, 3, 28, 17),
    )  # fmt: skip
    sun = Appointment.objects.create(
        client=ClientFactory(), therapist=weekend_theo, appointment_type=treatment,
        starts_at=at(2026, 3, 29, 9), ends_at=at(2026, 3, 29, 9, 30),
    )  # fmt: skip
    cal = calendar_get(first_day=at(2026, 3, 28, 0).date(), num_days=2, therapist=weekend_theo, now=at(2026, 3, 1, 0))
    by_day = {day: [e.id for e in cal.entries[(weekend_theo.id, day)]] for day in cal.days}
    assert by_day == {at(2026, 3, 28, 0).date(): [sat.id], at(2026, 3, 29, 0).date(): [sun.id]}
    sunday_free = cal.free[(weekend_theo.id, at(2026, 3, 29, 0).date())]
    assert [f.starts_local.time() for f in sunday_free][:2] == [time(9, 30), time(10)]
    assert sunday_free[-1].starts_local.time() == time(16, 30)
