"""Fixtures for the clinical record tests: a therapist with hours, a client and their visits."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from appointments.models import AppointmentKind, AppointmentType
from appointments.services import appointment_book, appointment_mark
from tests.appointments.conftest import at, weekday_hours  # noqa: F401
from tests.factories import ClientFactory, TherapistFactory

__all__ = ["at"]


@pytest.fixture
def treatment_type(db):
    return AppointmentType.objects.get(kind=AppointmentKind.TREATMENT)


@pytest.fixture
def theo(db, weekday_hours):  # noqa: F811
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"))


@pytest.fixture
def ada(db):
    return ClientFactory(first_name="Ada", last_name="Lovelace")


@pytest.fixture
def book(theo, ada, treatment_type):
    """book(starts_at, status="BOOKED"|"ATTENDED"|"NO_SHOW", client=ada) -> an appointment."""

    def make(starts_at: datetime, status: str = "BOOKED", *, client=None, therapist=None):
        visit = appointment_book(
            client=client or ada,
            therapist=therapist or theo,
            appointment_type=treatment_type,
            starts_at=starts_at,
            now=starts_at - timedelta(days=30),
        )
        if status != "BOOKED":
            visit = appointment_mark(appointment=visit, status=status, now=starts_at + timedelta(hours=1))
        return visit

    return make


@pytest.fixture
def attended(book):
    """Ada's treatment with Theo on Monday 2 March 2026 at 10:00, attended."""
    return book(at(2026, 3, 2, 10), "ATTENDED")
