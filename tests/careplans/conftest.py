from datetime import datetime, time, timedelta

import pytest

from appointments.defaults import ensure_defaults
from appointments.models import AppointmentKind, AppointmentType
from appointments.services import appointment_book, appointment_mark
from careplans.models import CarePlan
from tests.appointments.conftest import LONDON, at, reassessment, treadmill, treatment, weekday_hours  # noqa: F401
from tests.factories import ClientFactory, TherapistFactory

__all__ = ["LONDON", "at"]


def ensure_default_types():
    """The clinic's appointment types (post_migrate restores them after a flush)."""
    ensure_defaults()
    return {t.kind: t for t in AppointmentType.objects.all()}


@pytest.fixture
def types(db):
    return ensure_default_types()


@pytest.fixture
def initial(types):  # noqa: F811
    return types[AppointmentKind.INITIAL_ASSESSMENT]


@pytest.fixture
def theo(db, weekday_hours):  # noqa: F811
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"))


@pytest.fixture
def attend():
    """attend(client, therapist, type, starts_at) -> an appointment booked earlier and marked ATTENDED."""

    def make(client, therapist, appointment_type, starts_at: datetime, *, marked_at: datetime | None = None):
        visit = appointment_book(
            client=client,
            therapist=therapist,
            appointment_type=appointment_type,
            starts_at=starts_at,
            now=starts_at - timedelta(days=1),
        )
        return appointment_mark(appointment=visit, status="ATTENDED", now=marked_at or starts_at + timedelta(hours=1))

    return make


@pytest.fixture
def plan_for():
    def make(client, therapist, *, weeks=6, due=None, start=None, **kw):
        start = start or datetime(2026, 9, 1).date()
        return CarePlan.objects.create(
            client=client,
            therapist=therapist,
            start_date=start,
            reassessment_interval_weeks=weeks,
            next_reassessment_due=due,
            **kw,
        )

    return make


def local_time(moment):
    return moment.astimezone(LONDON).time()


def make_client(**kw):
    return ClientFactory(**kw)


ELEVEN = time(11)
