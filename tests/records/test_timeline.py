"""The client timeline: appointments with status, care plans and treatment notes, upcoming then
past, what each role may see, capped with "show all", constant queries per source."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.services import appointment_cancel
from careplans.models import CarePlan
from clients.timeline import TIMELINE_LIMIT, client_timeline
from records import services
from tests.factories import ClientFactory, ReceptionistFactory

from .conftest import at

NOW = at(2026, 3, 10, 12)
SECRET = "ASSESSMENT-SECRET-9902"


@pytest.fixture
def history(ada, theo, book, attended):
    """Ada: a care plan from 1 March, attended 2 March (signed note), no-show 4 March,
    booked 16 and 12 March, a cancelled 13 March; and another client's visit."""
    plan = CarePlan.objects.create(
        client=ada, therapist=theo, start_date=date(2026, 3, 1), reassessment_interval_weeks=6,
        next_reassessment_due=date(2026, 4, 13),
    )
    note = services.note_save(appointment=attended, author=theo, fields={"assessment": SECRET}, now=NOW, sign=True)
    no_show = book(at(2026, 3, 4, 10), "NO_SHOW")
    later = book(at(2026, 3, 16, 10))
    sooner = book(at(2026, 3, 12, 10))
    cancelled = appointment_cancel(appointment=book(at(2026, 3, 13, 10)), reason="Ill", now=at(2026, 3, 9, 9))
    book(at(2026, 3, 11, 10), client=ClientFactory())
    return {"plan": plan, "note": note, "attended": attended, "no_show": no_show, "later": later,
            "sooner": sooner, "cancelled": cancelled}


def summary(entries):
    return [(e.kind, e.at, e.status) for e in entries]


@pytest.mark.django_db
def test_therapist_sees_upcoming_soonest_first_then_past_newest_first(history, ada, theo):
    timeline = client_timeline(client=ada, user=theo, now=NOW)
    assert summary(timeline.upcoming) == [
        ("appointment", at(2026, 3, 12, 10), "Booked"),
        ("appointment", at(2026, 3, 13, 10), "Cancelled"),
        ("appointment", at(2026, 3, 16, 10), "Booked"),
    ]
    assert summary(timeline.past) == [
        ("appointment", at(2026, 3, 4, 10), "No-show"),
        ("appointment", at(2026, 3, 2, 10), "Attended"),
        ("treatment_note", at(2026, 3, 2, 10), "Signed"),
        ("care_plan", at(2026, 3, 1, 0), "Active · next reassessment due 13 Apr 2026"),
    ]
    assert not timeline.truncated
    assert [e.url for e in timeline.past] == [
        f"/appointments/{history['no_show'].pk}/",
        f"/appointments/{history['attended'].pk}/",
        f"/notes/appointments/{history['attended'].pk}/",
        f"/care/plans/{history['plan'].pk}/",
    ]


@pytest.mark.django_db
def test_reception_sees_visits_and_status_but_no_clinical_entry(history, ada):
    timeline = client_timeline(client=ada, user=ReceptionistFactory(), now=NOW)
    kinds = {e.kind for e in timeline.upcoming + timeline.past}
    assert kinds == {"appointment", "care_plan"}
    assert [e.status for e in timeline.past if e.kind == "appointment"] == ["No-show", "Attended"]


@pytest.mark.django_db
def test_client_page_shows_the_timeline_with_links_per_role(client, history, ada, theo):
    with time_machine.travel(NOW, tick=False):
        client.force_login(theo)
        page = client.get(f"/clients/{ada.pk}/").content.decode()
        client.force_login(ReceptionistFactory())
        reception_page = client.get(f"/clients/{ada.pk}/").content.decode()
    attended = history["attended"].pk
    assert 'id="timeline"' in page
    for link in (f"/appointments/{attended}/", f"/appointments/{history['sooner'].pk}/",
                 f"/care/plans/{history['plan'].pk}/", f"/notes/appointments/{attended}/"):
        assert f'href="{link}"' in page, link
    assert page.index("Upcoming") < page.index(f"/appointments/{history['sooner'].pk}/") < page.index("Past")

    assert f'href="/appointments/{attended}/"' in reception_page and "Attended" in reception_page
    assert "/notes/" not in reception_page and "Treatment note" not in reception_page
    assert SECRET not in page + reception_page  # the timeline never carries note content


@pytest.mark.django_db
def test_long_history_is_capped_with_show_all(client, ada, theo, book):
    first = date(2026, 1, 5)  # a Monday; twelve weekdays of visits before NOW
    days = [first + timedelta(days=i) for i in range(20) if (first + timedelta(days=i)).weekday() < 5][:12]
    for day in days:
        book(at(day.year, day.month, day.day, 10), "ATTENDED")
    client.force_login(theo)
    with time_machine.travel(NOW, tick=False):
        capped = client.get(f"/clients/{ada.pk}/").content.decode()
        full = client.get(f"/clients/{ada.pk}/?timeline=all").content.decode()
    assert capped.count('data-kind="appointment"') == TIMELINE_LIMIT
    assert "Show the whole timeline" in capped
    assert full.count('data-kind="appointment"') == 12
    assert "Show the whole timeline" not in full


@pytest.mark.django_db
def test_timeline_queries_do_not_grow_with_the_history(ada, theo, book):
    def count_queries():
        user = type(theo).objects.get(pk=theo.pk)  # permissions not cached yet, as in a request
        with CaptureQueriesContext(connection) as queries:
            timeline = client_timeline(client=ada, user=user, now=NOW, limit=None)
        return len(queries), len(timeline.past)

    def add_visits(days):
        for day in days:
            visit = book(at(2026, 2, day, 10), "ATTENDED")
            services.note_save(appointment=visit, author=theo, fields={"plan": "x"}, now=NOW)

    add_visits([2, 3])
    few, shown_few = count_queries()
    add_visits([4, 5, 6, 9, 10, 11, 12, 13, 16, 17])
    many, shown_many = count_queries()
    assert (shown_few, shown_many) == (4, 24)
    assert few == many
