"""The consent rule per purpose (README.md, "Consent"), enforced in the services, and the
consent section of the new-client form."""

import re
from datetime import timedelta

import pytest
import time_machine

from appointments.models import Appointment, AppointmentKind, AppointmentStatus
from appointments.selectors import reminders_due
from appointments.services import appointment_book, appointment_mark
from careplans.services import Outcome, reassessment_schedule_next, self_booking_invite_create
from clients.models import Client, Consent, ConsentPurpose
from clients.services import ConsentMissing, consent_record
from tests.appointments.conftest import at
from tests.factories import INTAKE_CONSENTS, ClientFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)  # Monday 2 Nov 2026
TREATMENT, CONTACT = ConsentPurpose.TREATMENT, ConsentPurpose.CONTACT_EMAIL


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def theo(db, weekday_hours):
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"))


def book(client, therapist, appointment_type, starts_at=None):
    return appointment_book(
        client=client, therapist=therapist, appointment_type=appointment_type,
        starts_at=starts_at or at(2026, 11, 3, 10), now=NOW,
    )  # fmt: skip


# Booking needs consent to treatment; a first assessment may come first --------------------


@pytest.mark.django_db
def test_an_initial_assessment_may_be_booked_before_treatment_consent_is_recorded(theo, types):
    newcomer = ClientFactory(consents={})
    assert book(newcomer, theo, types[AppointmentKind.INITIAL_ASSESSMENT]).pk


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [AppointmentKind.TREATMENT, AppointmentKind.REASSESSMENT])
def test_other_appointments_need_recorded_treatment_consent(theo, types, kind):
    newcomer = ClientFactory(first_name="Nia", last_name="New", consents={})
    with pytest.raises(ConsentMissing) as refused:
        book(newcomer, theo, types[kind])
    assert refused.value.message.startswith("Nia New has no recorded consent to assessment and treatment")
    assert refused.value.extra["purpose"] == TREATMENT
    assert Appointment.objects.count() == 0
    consent_record(client=newcomer, purpose=TREATMENT, granted=True, recorded_by=None, now=NOW)
    assert book(newcomer, theo, types[kind]).pk


@pytest.mark.django_db
def test_a_withdrawn_treatment_consent_blocks_every_booking(theo, types):
    client = ClientFactory(first_name="Wes", last_name="Withdrawn", consents={TREATMENT: False})
    for kind in (AppointmentKind.INITIAL_ASSESSMENT, AppointmentKind.TREATMENT):
        with pytest.raises(ConsentMissing, match="Wes Withdrawn has refused or withdrawn consent"):
            book(client, theo, types[kind])


@pytest.mark.django_db
def test_the_booking_page_shows_the_consent_refusal(client, receptionist, theo, treatment):
    newcomer = ClientFactory(first_name="Nia", last_name="New", consents={})
    client.force_login(receptionist)
    data = {"client": newcomer.id, "therapist": theo.id, "appointment_type": treatment.id,
            "date": "2026-11-03", "time": "10:00"}  # fmt: skip
    response = client.post("/appointments/new/", data)
    assert response.status_code == 400
    assert "Nia New has no recorded consent to assessment and treatment" in response.content.decode()


@pytest.mark.django_db
def test_no_reassessment_is_booked_automatically_without_treatment_consent(theo, types, frozen):
    client = ClientFactory(consents={})
    visit = book(client, theo, types[AppointmentKind.INITIAL_ASSESSMENT])
    frozen.move_to(at(2026, 11, 3, 11))
    marked = appointment_mark(appointment=visit, status=AppointmentStatus.ATTENDED, now=at(2026, 11, 3, 11))
    assert marked.follow_up.outcome == Outcome.RECALL
    assert "not booked (no current consent to assessment and treatment is recorded)" in marked.follow_up.summary
    assert not Appointment.objects.filter(scheduled_from=visit).exists()
    consent_record(client=client, purpose=TREATMENT, granted=True, recorded_by=None, now=at(2026, 11, 3, 11))
    assert reassessment_schedule_next(appointment=visit, now=at(2026, 11, 3, 11)).outcome == Outcome.ALREADY_SCHEDULED


# Emails need consent to appointment emails -------------------------------------------------


@pytest.mark.django_db
def test_reminders_go_only_to_clients_who_agreed_to_appointment_emails(theo, treatment):
    from appointments.services import reminders_send_due

    def booked(client, hour):
        return Appointment.objects.create(
            client=client, therapist=theo, appointment_type=treatment, status=AppointmentStatus.BOOKED,
            starts_at=at(2026, 11, 3, hour), ends_at=at(2026, 11, 3, hour) + timedelta(minutes=30),
        )  # fmt: skip

    agreed = booked(ClientFactory(), 10)
    never_asked = booked(ClientFactory(consents={TREATMENT: True}), 11)
    refused = booked(ClientFactory(consents={TREATMENT: True, CONTACT: False}), 12)
    due = set(reminders_due(now=NOW, hours_before=48))
    assert due == {agreed}
    assert never_asked not in due and refused not in due
    assert reminders_send_due(now=NOW) == 1


@pytest.mark.django_db
def test_a_booking_link_needs_consent_to_appointment_emails_and_says_so(theo, plan_for):
    client = ClientFactory(
        first_name="Rae", last_name="Reports", email="rae@example.com",
        consents={TREATMENT: True, ConsentPurpose.EMAIL_REPORTS: True},
    )  # fmt: skip
    plan = plan_for(client, theo)
    with pytest.raises(ConsentMissing) as refused:
        self_booking_invite_create(plan=plan, site_url="https://clinic.example/", now=NOW)
    message = refused.value.message
    assert message.startswith("Rae Reports has no current consent for appointment emails (reminders, booking links)")
    assert "reports by email" not in message
    assert refused.value.extra["purpose"] == CONTACT


# The new-client form records consent with the client ----------------------------------------


NEW_CLIENT = {"first_name": "Ines", "last_name": "Intake", "sex": "U", "preferred_channel": "EMAIL",
              "email": "ines@example.com"}  # fmt: skip


@pytest.mark.django_db
def test_the_new_client_form_records_the_consents_taken_at_intake(client, receptionist):
    client.force_login(receptionist)
    form = client.get("/clients/new/").content.decode()
    assert "<legend>Consent</legend>" in form
    for purpose, label in ConsentPurpose.choices:
        assert f'name="consent-{purpose}"' in form and label in form
    response = client.post(
        "/clients/new/",
        {**NEW_CLIENT, "consent-TREATMENT": "yes", "consent-CONTACT_EMAIL": "yes", "consent-VIDEO": "no",
         "consent-EMAIL_REPORTS": "", "consent-note": "signed paper form"},  # fmt: skip
    )
    created = Client.objects.get(last_name="Intake")
    assert response.status_code == 302 and response["Location"] == f"/clients/{created.pk}/"
    decisions = {c.purpose: (c.granted, c.note, c.recorded_by) for c in Consent.objects.filter(client=created)}
    assert decisions == {
        TREATMENT: (True, "signed paper form", receptionist),
        CONTACT: (True, "signed paper form", receptionist),
        ConsentPurpose.VIDEO: (False, "signed paper form", receptionist),
    }


@pytest.mark.django_db
def test_consents_are_not_recorded_when_the_client_is_not_saved(client, receptionist):
    ClientFactory(first_name="Ines", last_name="Intake", date_of_birth="1990-01-02")
    client.force_login(receptionist)
    response = client.post(
        "/clients/new/", {**NEW_CLIENT, "date_of_birth": "1990-01-02", "consent-TREATMENT": "yes"}
    )
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert Client.objects.filter(last_name="Intake").count() == 1
    assert Consent.objects.filter(client__last_name="Intake").count() == len(INTAKE_CONSENTS)  # the first one's
    # The answers the user gave stay on the form.
    assert re.search(r'name="consent-TREATMENT" value="yes"[^>]*checked', response.content.decode())


@pytest.mark.django_db
def test_a_bad_consent_answer_is_a_form_error_and_saves_nothing(client, receptionist):
    client.force_login(receptionist)
    response = client.post("/clients/new/", {**NEW_CLIENT, "consent-TREATMENT": "maybe"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Client.objects.filter(last_name="Intake").exists()
