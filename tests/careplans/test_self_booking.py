"""Self-booking links: emailed, single-use, expiring; the public page shows almost nothing."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from appointments.models import Appointment, BookedVia
from appointments.services import appointment_book
from careplans.models import CarePlanStatus, SelfBookingInvite
from careplans.services import CarePlanError, self_booking_invite_create
from clients.models import ConsentPurpose
from clients.services import ConsentMissing, consent_record
from tests.careplans.conftest import at
from tests.factories import ClientFactory

NOW = at(2026, 12, 7, 8)  # Monday 7 Dec 2026, 08:00


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def plan(theo, plan_for):
    client = ClientFactory(first_name="Robin", last_name="Quartermaine", email="robin@example.com")
    consent_record(client=client, purpose=ConsentPurpose.CONTACT_EMAIL, granted=True, recorded_by=None, now=NOW)
    return plan_for(client, theo, due=date(2026, 12, 1), goal="Reduce left knee valgus before the marathon")


@pytest.fixture
def sent_link(client, receptionist, plan, frozen, mailoutbox, celery_eager, django_capture_on_commit_callbacks):
    """Staff press "Email a booking link"; returns the link path from the email."""
    client.force_login(receptionist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("careplans:invite", args=[plan.pk]), follow=True)
    assert "being emailed to Robin Quartermaine" in response.content.decode()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["robin@example.com"]
    assert "Quartermaine" not in message.body and "valgus" not in message.body
    client.logout()
    return re.search(r"https?://[^/]+(/care/book/[^/\s]+/)", message.body).group(1)


@pytest.mark.django_db
def test_happy_path_client_books_without_logging_in(client, sent_link, plan, theo, frozen):
    invite = SelfBookingInvite.objects.get()
    assert invite.emailed_at == NOW and invite.expires_at == NOW + timedelta(days=7)
    assert sent_link.rstrip("/").rsplit("/", 1)[-1] not in str(invite.__dict__)  # only the hash is stored

    page = client.get(sent_link)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Robin" in html and "Stridewell Clinic" in html
    for secret in ("Quartermaine", "valgus", "robin@example.com", theo.last_name):
        assert secret not in html
    assert html.count('name="slot"') == 3
    # One a day, so that the client has real alternatives.
    for day in ("Monday 7 December 2026, 09:00", "Tuesday 8 December 2026, 09:00", "Wednesday 9 December 2026, 09:00"):
        assert day in html

    done = client.post(sent_link, {"slot": 1})
    assert done.status_code == 200 and "You're booked" in done.content.decode()
    booked = Appointment.objects.get(client=plan.client)
    assert booked.booked_via == BookedVia.SELF and booked.therapist == theo
    assert booked.starts_at == at(2026, 12, 8, 9)
    invite.refresh_from_db()
    assert invite.used_at == NOW and invite.appointment == booked


@pytest.mark.django_db
def test_a_used_link_cannot_be_used_again(client, sent_link, plan, frozen):
    client.post(sent_link, {"slot": 0})
    again = client.post(sent_link, {"slot": 1})
    assert again.status_code == 410
    assert "already been used" in again.content.decode() and "Robin" not in again.content.decode()
    assert client.get(sent_link).status_code == 410
    assert Appointment.objects.filter(client=plan.client).count() == 1


@pytest.mark.django_db
def test_an_expired_link_is_refused(client, sent_link, plan, frozen):
    frozen.move_to(NOW + timedelta(days=7, minutes=1))
    page = client.get(sent_link)
    assert page.status_code == 410
    assert "expired on 14 December 2026" in page.content.decode() and "Robin" not in page.content.decode()
    assert client.post(sent_link, {"slot": 0}).status_code == 410
    assert not Appointment.objects.filter(client=plan.client).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: t[:20], lambda t: "x"]
)
def test_a_tampered_link_reveals_nothing(client, sent_link, plan, frozen, mangle):
    token = sent_link.rstrip("/").rsplit("/", 1)[-1]
    bad = f"/care/book/{mangle(token)}/"
    for response in (client.get(bad), client.post(bad, {"slot": 0})):
        assert response.status_code == 404
        html = response.content.decode()
        assert "not valid" in html and "Robin" not in html and "09:00" not in html
    assert not Appointment.objects.filter(client=plan.client).exists()
    assert SelfBookingInvite.objects.get().used_at is None


@pytest.mark.django_db
def test_slot_taken_meanwhile_offers_the_remaining_ones_and_saves_nothing(
    client, sent_link, plan, theo, treatment, frozen
):
    appointment_book(
        client=ClientFactory(), therapist=theo, appointment_type=treatment, starts_at=at(2026, 12, 7, 9), now=NOW
    )  # 09:00–09:30
    response = client.post(sent_link, {"slot": 0})
    html = response.content.decode()
    assert response.status_code == 409
    assert "that time has just been taken" in html
    assert html.count('name="slot"') == 2
    assert "Monday 7 December" not in html and "Tuesday 8 December 2026, 09:00" in html
    assert not Appointment.objects.filter(client=plan.client).exists()
    assert SelfBookingInvite.objects.get().used_at is None
    assert client.post(sent_link, {"slot": 2}).status_code == 200
    assert Appointment.objects.get(client=plan.client).starts_at == at(2026, 12, 9, 9)


@pytest.mark.django_db
def test_not_sent_without_consent_or_email_or_active_plan(client, receptionist, plan, frozen, mailoutbox):
    consent_record(client=plan.client, purpose=ConsentPurpose.CONTACT_EMAIL, granted=False, recorded_by=None, now=NOW)
    with pytest.raises(ConsentMissing, match="no current consent for appointment emails"):
        self_booking_invite_create(plan=plan, site_url="https://clinic.example/", now=NOW)
    client.force_login(receptionist)
    response = client.post(reverse("careplans:invite", args=[plan.pk]), follow=True)
    assert "no current consent" in response.content.decode()

    other = ClientFactory(email="")
    consent_record(client=other, purpose=ConsentPurpose.CONTACT_EMAIL, granted=True, recorded_by=None, now=NOW)
    plan.client = other
    plan.save()
    with pytest.raises(CarePlanError, match="has no email address on record"):
        self_booking_invite_create(plan=plan, site_url="https://clinic.example/", now=NOW)
    plan.status, plan.paused_at = CarePlanStatus.PAUSED, NOW
    plan.save()
    with pytest.raises(CarePlanError, match="is paused"):
        self_booking_invite_create(plan=plan, site_url="https://clinic.example/", now=NOW)
    assert not SelfBookingInvite.objects.exists() and not mailoutbox


@pytest.mark.django_db
def test_link_for_a_discharged_plan_no_longer_books(client, sent_link, plan, frozen):
    plan.status, plan.discharged_at = CarePlanStatus.DISCHARGED, NOW
    plan.save()
    response = client.post(sent_link, {"slot": 0})
    assert response.status_code == 410 and "no longer needed" in response.content.decode()
    assert not Appointment.objects.filter(client=plan.client).exists()


@pytest.mark.django_db
def test_email_task_sends_once_and_forgets_the_link(sent_link, mailoutbox, frozen):
    from core.tasks import send_email

    invite = SelfBookingInvite.objects.get()
    assert send_email(invite.email_id) is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == invite.email.message_id
    # The single-use link lived in the database only until it was sent.
    assert invite.email.text_body == "" and invite.email.html_body == ""
    assert invite.email.get_status_display() == "Sent"


@pytest.mark.django_db
def test_email_wording_follows_the_reply_to_configuration(plan, frozen, mailoutbox, settings):
    from tests.emails import deliver_queued_emails

    settings.CLINIC_PHONE, settings.CLINIC_EMAIL = "020 7946 0000", "desk@clinic.example"
    self_booking_invite_create(plan=plan, site_url="https://clinic.example/", now=NOW)
    deliver_queued_emails(now=NOW)
    body = mailoutbox[0].body
    assert "reply" not in body and "call us on 020 7946 0000 or email desk@clinic.example" in body
    assert mailoutbox[0].reply_to == []
    assert re.search(r"https://clinic\.example/care/book/[^/\s]+/", body)
    html = mailoutbox[0].alternatives[0].content
    assert 'href="tel:02079460000"' in html and 'href="https://clinic.example/care/book/' in html

    SelfBookingInvite.objects.all().delete()
    settings.EMAIL_REPLY_TO = "Stridewell Desk <desk@clinic.example>"
    self_booking_invite_create(plan=plan, site_url="https://clinic.example/", now=NOW)
    deliver_queued_emails(now=NOW)
    assert "please reply to this email" in mailoutbox[1].body
    assert mailoutbox[1].reply_to == ["Stridewell Desk <desk@clinic.example>"]


@pytest.mark.django_db
def test_booking_through_the_link_emails_a_confirmation_with_an_ics(client, sent_link, plan, frozen, mailoutbox):
    from icalendar import Calendar

    from tests.emails import deliver_queued_emails

    client.post(sent_link, {"slot": 1})
    assert deliver_queued_emails(now=NOW) == 1
    confirmation = mailoutbox[-1]
    assert confirmation.to == ["robin@example.com"]
    assert confirmation.subject == "Booked: your reassessment on Tue 8 Dec 2026 09:00"
    assert "Dear Robin" in confirmation.body and "Quartermaine" not in confirmation.body
    (name, content, mimetype) = confirmation.attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    assert Calendar.from_ical(content).walk("VEVENT")[0].decoded("dtstart") == at(2026, 12, 8, 9)
    assert SelfBookingInvite.objects.get().confirmation_email.status == "done"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_uses_of_one_link_book_once(weekday_hours, types):
    """Two browser tabs submit different slots at the same moment: one booking, the other refused."""
    import threading

    from django.db import connection

    from careplans.models import CarePlan
    from careplans.services import InviteUsed, self_booking_book
    from tests.factories import TherapistFactory

    theo = weekday_hours(TherapistFactory())
    client = ClientFactory(email="a@example.com")
    consent_record(client=client, purpose=ConsentPurpose.CONTACT_EMAIL, granted=True, recorded_by=None, now=NOW)
    plan = CarePlan.objects.create(
        client=client,
        therapist=theo,
        start_date=date(2026, 10, 1),
        reassessment_interval_weeks=6,
        next_reassessment_due=date(2026, 12, 1),
    )
    token = self_booking_invite_create(plan=plan, site_url="https://clinic.example/", now=NOW).token
    barrier = threading.Barrier(2)
    outcomes = []

    def use(slot):
        try:
            barrier.wait()
            outcomes.append(self_booking_book(token=token, slot_index=slot, now=NOW).pk)
        except InviteUsed:
            outcomes.append("used")
        finally:
            connection.close()

    threads = [threading.Thread(target=use, args=(slot,)) for slot in (0, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str).count("used") == 1, outcomes
    assert Appointment.objects.filter(client=client).count() == 1
    assert SelfBookingInvite.objects.get().appointment_id == Appointment.objects.get(client=client).pk


@pytest.mark.django_db
def test_api_sends_a_link_without_exposing_the_token(
    api_as, receptionist, plan, frozen, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(receptionist).post(f"/api/care-plans/{plan.pk}/self-booking-invites/")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "plan_id", "expires_at", "offered_slots", "email_status"}
    assert len(body["offered_slots"]) == 3 and body["email_status"] == "queued"
    token = re.search(r"/care/book/([^/\s]+)/", mailoutbox[0].body).group(1)
    assert token not in response.content.decode()
    plan.client.email = ""
    plan.client.save()
    refused = api_as(receptionist).post(f"/api/care-plans/{plan.pk}/self-booking-invites/")
    assert refused.status_code == 400 and "has no email address on record" in refused.json()["message"]
