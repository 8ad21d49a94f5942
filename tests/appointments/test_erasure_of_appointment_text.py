import pytest

from appointments.models import Appointment, AppointmentStatusChange
from appointments.services import appointment_book, appointment_cancel
from clients.services import client_erase
from tests.appointments.conftest import at
from tests.factories import TherapistFactory

NOW = at(2026, 11, 2, 8)


@pytest.mark.django_db
def test_erasing_a_client_blanks_free_text_on_their_appointments_but_keeps_the_visits(
    weekday_hours, client_record, treatment, clinic_admin
):
    therapist = weekday_hours(TherapistFactory())
    appointment = appointment_book(client=client_record, therapist=therapist, appointment_type=treatment,
                                   starts_at=at(2026, 11, 3, 10), now=NOW, notes="Jamie's knee is worse")
    appointment_cancel(appointment=appointment, reason="Jamie phoned: family emergency", now=NOW)

    client_erase(client=client_record, erased_by=clinic_admin, now=NOW, confirmation=client_record.full_name)

    appointment = Appointment.objects.get(pk=appointment.pk)
    assert appointment.notes == "" and appointment.cancel_reason == ""
    assert set(AppointmentStatusChange.objects.filter(appointment=appointment).values_list("note", flat=True)) == {""}
    assert appointment.status == "CANCELLED" and appointment.client_id == client_record.pk
