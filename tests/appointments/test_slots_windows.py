"""free_slots searches in growing windows (1, 2, 4, then 7 days); the answer must be exactly what
one search over the whole horizon gives, whatever the calendar looks like."""

import random
from datetime import time, timedelta

import pytest

from appointments import selectors
from appointments.models import Appointment, AppointmentStatus, AvailabilityException
from tests.appointments.conftest import at
from tests.factories import ClientFactory, TherapistFactory


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_windowed_search_equals_one_search_over_the_whole_horizon(
    seed, weekday_hours, treatment, reassessment, treadmill
):
    rng = random.Random(seed)
    therapists = [
        weekday_hours(TherapistFactory(), start=time(rng.choice([8, 9, 10])), end=time(rng.choice([15, 17, 19])))
        for _ in range(3)
    ]
    client = ClientFactory()
    for therapist in therapists:
        for day in range(21):
            for hour in rng.sample(range(8, 19), 4):
                kind = rng.choice([treatment, reassessment])
                starts_at = at(2026, 11, 2, hour) + timedelta(days=day)
                clash = Appointment.objects.filter(
                    therapist=therapist, starts_at__lt=starts_at + timedelta(hours=1), ends_at__gt=starts_at
                ).exists() or (
                    kind.needs_treadmill
                    and Appointment.objects.filter(
                        room=treadmill, starts_at__lt=starts_at + timedelta(hours=1), ends_at__gt=starts_at
                    ).exists()
                )
                if clash:
                    continue
                Appointment.objects.create(
                    client=client, therapist=therapist, appointment_type=kind,
                    room=treadmill if kind.needs_treadmill else None, starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=kind.duration_minutes),
                    status=rng.choice([AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED]),
                )  # fmt: skip
    AvailabilityException.objects.create(
        therapist=therapists[0], kind="LEAVE", starts_at=at(2026, 11, 3, 0), ends_at=at(2026, 11, 10, 0)
    )
    after = at(2026, 11, 2, 12, 7)
    for appointment_type in (treatment, reassessment):
        for therapist in (None, therapists[0]):
            found = selectors.free_slots(appointment_type=appointment_type, after=after, count=150, therapist=therapist)
            pool = {t.id: t for t in ([therapist] if therapist else therapists)}
            room = treadmill if appointment_type.needs_treadmill else None
            reference = selectors._free_in_window(
                pool, after.date(), after.date() + timedelta(days=60),
                timedelta(minutes=appointment_type.duration_minutes), timedelta(minutes=15), after, None, room,
            )  # fmt: skip
            reference.sort(key=lambda s: (s.starts_at, s.therapist_name))
            assert len(found) == 150
            assert found == reference[:150]
