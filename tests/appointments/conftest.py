from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from appointments.models import AppointmentKind, AppointmentType, Room, WorkingHours

LONDON = ZoneInfo("Europe/London")


def at(y, m, d, hh, mm=0):
    """An instant given as clinic-local wall-clock time."""
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.fixture
def weekday_hours():
    def give(therapist, start=time(9), end=time(17), weekdays=range(5)):
        for weekday in weekdays:
            WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time=start, end_time=end)
        return therapist

    return give


@pytest.fixture
def types(db):
    return {t.kind: t for t in AppointmentType.objects.all()}


@pytest.fixture
def reassessment(types):
    return types[AppointmentKind.REASSESSMENT]


@pytest.fixture
def treatment(types):
    return types[AppointmentKind.TREATMENT]


@pytest.fixture
def treadmill(db):
    return Room.objects.get(has_treadmill=True)
