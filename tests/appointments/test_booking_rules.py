"""Booking rules: clashes, working hours, bad input; refusals say why."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from appointments.models import Appointment, AppointmentStatus, AvailabilityException
from appointments.services import (
    BookingError,
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointment_reschedule,
)
from core.exceptions import ConflictError
from tests.appointments.conftest import at
from tests.factories import ClientFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)  # Monday 2 Nov 2026, 08:00


@pytest.fixture
def theo(db, weekday_hours):
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"))


def book(client, therapist, kind, starts_at, **kw):
    return appointment_book(
        client=client, therapist=therapist, appointment_type=kind, starts_at=starts_at, now=NOW, **kw
    )


@pytest.mark.django_db
def test_booking_fills_in_the_end_time_room_and_history(theo, client_record, reassessment, treadmill):
    appointment = book(client_record, theo, reassessment, at(2026, 11, 3, 10))
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=45)
    assert appointment.room == treadmill
    assert list(appointment.history.values_list("to_status", flat=True)) == [AppointmentStatus.BOOKED]


@pytest.mark.django_db
def test_a_therapist_cannot_be_double_booked_and_the_refusal_names_the_clash(theo, reassessment, treatment):
    first = book(ClientFactory(last_name="First"), theo, treatment, at(2026, 11, 3, 10))
    with pytest.raises(ConflictError) as refused:
        book(ClientFactory(), theo, treatment, at(2026, 11, 3, 10, 15))
    assert refused.value.extra == {"clashing_appointment_id": first.id}
    assert f"#{first.id}" in refused.value.message and "First" in refused.value.message
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_two_gait_appointments_cannot_share_the_treadmill_room(theo, weekday_hours, reassessment):
    other = weekday_hours(TherapistFactory())
    first = book(ClientFactory(), theo, reassessment, at(2026, 11, 3, 10))
    with pytest.raises(ConflictError) as refused:
        book(ClientFactory(), other, reassessment, at(2026, 11, 3, 10, 30))
    assert refused.value.extra["clashing_appointment_id"] == first.id
    assert "Treadmill room" in refused.value.message


@pytest.mark.django_db
def test_back_to_back_and_cancelled_slots_are_free(theo, treatment):
    first = book(ClientFactory(), theo, treatment, at(2026, 11, 3, 10))
    book(ClientFactory(), theo, treatment, at(2026, 11, 3, 10, 30))
    appointment_cancel(appointment=first, reason="Client ill", now=NOW)
    assert book(ClientFactory(), theo, treatment, at(2026, 11, 3, 10)).status == AppointmentStatus.BOOKED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "starts_at,message",
    [
        (
            at(2026, 11, 3, 16, 45),
            "Outside Theo Hart's working hours: Tue 3 Nov 2026 16:45–17:15 is not within 09:00–17:00.",
        ),
        (at(2026, 11, 7, 10), "Outside Theo Hart's working hours: they are not working on Sat 7 Nov 2026."),
        (at(2026, 11, 1, 10), "Sun 1 Nov 2026 10:00 is in the past."),
    ],
)
def test_refusals_say_why(theo, client_record, treatment, starts_at, message):
    with pytest.raises(BookingError) as refused:
        book(client_record, theo, treatment, starts_at)
    assert refused.value.message.startswith(message)
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_leave_blocks_and_extra_hours_open_time(theo, client_record, treatment):
    AvailabilityException.objects.create(
        therapist=theo, kind="LEAVE", starts_at=at(2026, 11, 4, 0), ends_at=at(2026, 11, 5, 0)
    )
    AvailabilityException.objects.create(
        therapist=theo, kind="EXTRA", starts_at=at(2026, 11, 7, 9), ends_at=at(2026, 11, 7, 12)
    )
    with pytest.raises(BookingError, match="not working on Wed 4 Nov"):
        book(client_record, theo, treatment, at(2026, 11, 4, 10))
    assert book(client_record, theo, treatment, at(2026, 11, 7, 9, 30)).pk


@pytest.mark.django_db
def test_archived_clients_and_unknown_therapists_are_refused(theo, client_record, treatment):
    client_record.archived_at = NOW
    client_record.save()
    with pytest.raises(BookingError, match="is archived"):
        book(client_record, theo, treatment, at(2026, 11, 3, 10))
    with pytest.raises(BookingError, match="Unknown therapist"):
        book(ClientFactory(), TherapistFactory(roles=[]), treatment, at(2026, 11, 3, 10))


@pytest.mark.django_db
def test_cancel_inside_the_window_is_marked_late_and_kept_in_history(theo, client_record, treatment):
    appointment = book(client_record, theo, treatment, at(2026, 11, 3, 10))
    cancelled = appointment_cancel(appointment=appointment, reason="Work", now=at(2026, 11, 2, 12))
    assert cancelled.late_cancellation and cancelled.cancel_reason == "Work"
    with pytest.raises(BookingError, match="Only a booked appointment can be cancelled"):
        appointment_cancel(appointment=appointment, reason="again", now=NOW)
    assert [h.to_status for h in appointment.history.all()] == ["BOOKED", "CANCELLED"]
    early = book(client_record, theo, treatment, at(2026, 11, 5, 10))
    assert not appointment_cancel(appointment=early, reason="Holiday", now=NOW).late_cancellation
    with pytest.raises(BookingError, match="Give a reason"):
        appointment_cancel(appointment=book(client_record, theo, treatment, at(2026, 11, 6, 10)), reason=" ", now=NOW)


@pytest.mark.django_db
def test_reschedule_checks_the_same_rules_and_ignores_itself(theo, treatment):
    appointment = book(ClientFactory(), theo, treatment, at(2026, 11, 3, 10))
    other = book(ClientFactory(), theo, treatment, at(2026, 11, 3, 11))
    moved = appointment_reschedule(appointment=appointment, starts_at=at(2026, 11, 3, 10, 15), now=NOW)
    assert moved.starts_at == at(2026, 11, 3, 10, 15)
    with pytest.raises(ConflictError) as refused:
        appointment_reschedule(appointment=appointment, starts_at=at(2026, 11, 3, 10, 45), now=NOW)
    assert refused.value.extra["clashing_appointment_id"] == other.id


@pytest.mark.django_db
def test_attend_and_no_show_only_after_the_start(theo, client_record, treatment):
    appointment = book(client_record, theo, treatment, at(2026, 11, 3, 10))
    with pytest.raises(BookingError, match="before it has started"):
        appointment_mark(appointment=appointment, status="ATTENDED", now=NOW)
    marked = appointment_mark(appointment=appointment, status="NO_SHOW", now=at(2026, 11, 3, 10, 20))
    assert marked.status == "NO_SHOW"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_of_one_slot_make_exactly_one(theo, treatment):
    assert connection.vendor == "postgresql"
    clients = [ClientFactory() for _ in range(50)]
    barrier = threading.Barrier(50)
    outcomes = []

    def attempt(client):
        try:
            barrier.wait()
            book(client, theo, treatment, at(2026, 11, 3, 10))
            outcomes.append("booked")
        except ConflictError:
            outcomes.append("clash")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("booked") == 1 and outcomes.count("clash") == 49
    assert Appointment.objects.filter(therapist=theo).count() == 1


@pytest.mark.django_db
def test_the_database_itself_refuses_an_overlap_that_skips_the_service(theo, client_record, treatment):
    from django.db import IntegrityError, transaction

    first = book(client_record, theo, treatment, at(2026, 11, 3, 10))
    with pytest.raises(IntegrityError, match="appointment_therapist_no_overlap"), transaction.atomic():
        Appointment.objects.create(
            client=client_record,
            therapist=theo,
            appointment_type=treatment,
            starts_at=first.starts_at + timedelta(minutes=10),
            ends_at=first.ends_at,
        )
