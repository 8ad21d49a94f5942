"""Concurrent bookings over the API: one 201, the rest 409 naming the winner, never a 500.

(In its own file so that, like the other transactional tests here, it runs after
test_booking_rules' race test: a transactional test flushes the migration's default rows.)"""

import pytest
import time_machine

from appointments.models import Appointment
from tests.appointments.conftest import at
from tests.factories import ClientFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def book(api, client, therapist, appointment_type, starts_at):
    payload = {
        "client": client.id,
        "therapist": therapist.id,
        "appointment_type": appointment_type.id,
        "starts_at": starts_at.isoformat(),
    }
    return api.post("/api/appointments/", payload, format="json")


@pytest.mark.django_db(transaction=True)
def test_concurrent_api_bookings_of_one_slot_give_one_201_and_409s_never_a_500(weekday_hours, receptionist, frozen):
    import threading

    from django.db import connection
    from rest_framework.test import APIClient

    from appointments.models import AppointmentType

    # A transactional test may run after another one flushed the migration's default types.
    treatment, _ = AppointmentType.objects.get_or_create(
        name="Treatment / retraining", defaults={"kind": "TREATMENT", "duration_minutes": 30}
    )
    theo = weekday_hours(TherapistFactory())
    clients = [ClientFactory() for _ in range(30)]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def attempt(client):
        api = APIClient()
        api.force_authenticate(receptionist)
        try:
            barrier.wait()
            statuses.append(book(api, client, theo, treatment, at(2026, 11, 3, 10)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * (len(clients) - 1)
    # every loser was told which appointment won
    assert Appointment.objects.filter(therapist=theo).count() == 1
