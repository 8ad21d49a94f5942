"""The recall list: who is on it, in what order, and one-click booking from it."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from appointments.models import Appointment, AppointmentStatus, BookedVia
from appointments.services import appointment_book, appointment_cancel
from careplans.models import CarePlanStatus
from careplans.selectors import reassessment_type, recall_list, recall_slot_options
from careplans.services import CarePlanError, recall_book
from core.exceptions import ConflictError
from tests.careplans.conftest import at
from tests.factories import ClientFactory, TherapistFactory

NOW = at(2026, 12, 7, 8)  # Monday 7 Dec 2026, 08:00


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def plans(theo, plan_for):
    rtype = reassessment_type()
    overdue = plan_for(ClientFactory(last_name="Overdue"), theo, due=date(2026, 11, 20))
    soon = plan_for(ClientFactory(last_name="Soon"), theo, due=date(2026, 12, 10))
    later = plan_for(ClientFactory(last_name="Later"), theo, due=date(2027, 1, 15))
    booked = plan_for(ClientFactory(last_name="Booked"), theo, due=date(2026, 11, 25))
    appointment_book(
        client=booked.client, therapist=theo, appointment_type=rtype, starts_at=at(2026, 12, 9, 10), now=NOW
    )
    paused = plan_for(ClientFactory(last_name="Paused"), theo, due=date(2026, 11, 1), status=CarePlanStatus.PAUSED)
    archived = plan_for(ClientFactory(last_name="Archived", archived_at=NOW), theo, due=date(2026, 11, 1))
    # A cancelled future reassessment and a past unattended one do not count as booked.
    cancelled = plan_for(ClientFactory(last_name="Cancelled"), theo, due=date(2026, 11, 22))
    gone = appointment_book(
        client=cancelled.client, therapist=theo, appointment_type=rtype, starts_at=at(2026, 12, 9, 14), now=NOW
    )
    appointment_cancel(appointment=gone, reason="Ill", now=NOW)
    return {
        "overdue": overdue,
        "soon": soon,
        "later": later,
        "booked": booked,
        "paused": paused,
        "archived": archived,
        "cancelled": cancelled,
    }


@pytest.mark.django_db
def test_recall_list_is_due_or_overdue_and_unbooked_active_plans_oldest_first(plans):
    assert list(recall_list(now=NOW)) == [plans["overdue"], plans["cancelled"], plans["soon"]]
    assert list(recall_list(now=NOW, within_days=0)) == [plans["overdue"], plans["cancelled"]]
    assert plans["later"] in recall_list(now=NOW, within_days=60)


@pytest.mark.django_db
def test_slots_offer_the_plans_therapist_first(plans, theo, weekday_hours):
    other = weekday_hours(TherapistFactory(first_name="Ada", last_name="Other"))
    slots = recall_slot_options(plan=plans["overdue"], now=NOW)
    assert [s.therapist_id for s in slots[:3]] == [theo.id] * 3
    # Real alternatives: slots that do not overlap (a reassessment takes 45 minutes).
    assert [s.starts_at for s in slots[:3]] == [at(2026, 12, 7, 9), at(2026, 12, 7, 9, 45), at(2026, 12, 7, 10, 30)]
    assert other.id in {s.therapist_id for s in slots[3:]}
    assert all(s.starts_at >= NOW for s in slots)


@pytest.mark.django_db
def test_recall_page_lists_clients_with_slot_buttons(client, receptionist, plans, frozen):
    client.force_login(receptionist)
    response = client.get(reverse("careplans:recalls"))
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(plans[k].client.full_name) for k in ("overdue", "cancelled", "soon")]
    assert order == sorted(order)
    for k in ("later", "booked", "paused", "archived"):
        assert plans[k].client.full_name not in html
    assert "17 days overdue" in html
    assert html.count('class="slot-button"') >= 3
    assert (
        plans["later"].client.full_name in client.get(reverse("careplans:recalls") + "?within_days=60").content.decode()
    )
    bad = client.get(reverse("careplans:recalls") + "?within_days=lots")
    assert "Give a whole number of days from 0 to 365." in bad.content.decode()


@pytest.mark.django_db
def test_one_click_booking_books_and_takes_the_client_off_the_list(client, receptionist, theo, plans, frozen):
    client.force_login(receptionist)
    plan = plans["overdue"]
    response = client.post(
        reverse("careplans:recall-book", args=[plan.pk]),
        {"therapist_id": theo.pk, "starts_at": at(2026, 12, 7, 9).isoformat()},
        follow=True,
    )
    booked = Appointment.objects.get(client=plan.client)
    assert booked.starts_at == at(2026, 12, 7, 9) and booked.therapist == theo
    assert booked.booked_via == BookedVia.STAFF and booked.created_by == receptionist
    assert booked.appointment_type.kind == "REASSESSMENT" and booked.status == AppointmentStatus.BOOKED
    assert "Reassessment booked for" in response.content.decode()
    assert plan not in recall_list(now=NOW)


@pytest.mark.django_db
def test_one_click_booking_of_a_slot_taken_meanwhile_says_so(client, receptionist, theo, plans, frozen):
    appointment_book(
        client=ClientFactory(),
        therapist=theo,
        appointment_type=reassessment_type(),
        starts_at=at(2026, 12, 7, 9),
        now=NOW,
    )
    client.force_login(receptionist)
    response = client.post(
        reverse("careplans:recall-book", args=[plans["overdue"].pk]),
        {"therapist_id": theo.pk, "starts_at": at(2026, 12, 7, 9).isoformat()},
        follow=True,
    )
    assert "Clashes with appointment" in response.content.decode()
    assert not Appointment.objects.filter(client=plans["overdue"].client).exists()


@pytest.mark.django_db
def test_recall_book_refusals_are_specific(theo, plans, receptionist):
    plan = plans["overdue"]
    with pytest.raises(CarePlanError, match="Unknown therapist"):
        recall_book(
            plan=plan, therapist_id=receptionist.pk, starts_at=at(2026, 12, 8, 10), now=NOW, booked_by=receptionist
        )
    with pytest.raises(CarePlanError, match="Unknown therapist"):
        recall_book(plan=plan, therapist_id=999999, starts_at=at(2026, 12, 8, 10), now=NOW, booked_by=receptionist)
    with pytest.raises(Exception, match="is in the past"):
        recall_book(plan=plan, therapist_id=theo.pk, starts_at=at(2026, 12, 4, 10), now=NOW, booked_by=receptionist)
    with pytest.raises(CarePlanError, match="is paused"):
        recall_book(
            plan=plans["paused"], therapist_id=theo.pk, starts_at=at(2026, 12, 8, 10), now=NOW, booked_by=receptionist
        )
    plans["archived"].status = CarePlanStatus.ACTIVE
    with pytest.raises(CarePlanError, match="is archived"):
        recall_book(
            plan=plans["archived"], therapist_id=theo.pk, starts_at=at(2026, 12, 8, 10), now=NOW, booked_by=receptionist
        )
    with pytest.raises(ConflictError, match="already has a reassessment booked"):
        recall_book(
            plan=plans["booked"], therapist_id=theo.pk, starts_at=at(2026, 12, 8, 10), now=NOW, booked_by=receptionist
        )
    assert Appointment.objects.filter(client=plan.client).count() == 0


@pytest.mark.django_db
def test_recall_api_lists_and_books(api_as, receptionist, theo, plans, frozen):
    api = api_as(receptionist)
    body = api.get("/api/recalls/").json()
    assert [r["plan_id"] for r in body["results"]] == [plans[k].pk for k in ("overdue", "cancelled", "soon")]
    first = body["results"][0]
    assert first["overdue_days"] == 17 and first["slots"][0]["therapist_id"] == theo.pk
    slot = first["slots"][0]
    booked = api.post(
        f"/api/recalls/{first['plan_id']}/book/",
        {"therapist_id": slot["therapist_id"], "starts_at": slot["starts_at"]},
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    assert booked.json()["booked_via"] == "STAFF"
    again = api.post(
        f"/api/recalls/{first['plan_id']}/book/",
        {"therapist_id": slot["therapist_id"], "starts_at": slot["starts_at"]},
        format="json",
    )
    assert again.status_code == 409 and "already has a reassessment booked" in again.json()["message"]
    assert api.get("/api/recalls/?within_days=-1").json()["errors"] == {
        "within_days": ["Give a whole number of days from 0 to 365."]
    }
    assert plans["overdue"].pk not in [r["plan_id"] for r in api.get("/api/recalls/").json()["results"]]


@pytest.mark.django_db
def test_home_page_tells_reception_how_many_to_recall(client, receptionist, clinic_admin, plans, frozen):
    client.force_login(receptionist)
    html = client.get("/").content.decode()
    assert "Reassessments to book" in html
    assert "2 clients overdue or due today and 1 more due within 14 days" in html
    client.force_login(clinic_admin)
    assert "Reassessments to book" not in client.get("/").content.decode()
