"""The booking form's client picker: a search (name, phone, date of birth), never a list of every
client; works without JavaScript (search, then pick) and with it (results while typing)."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments.models import Appointment, AppointmentType, WorkingHours
from clients.models import Client
from core.clinic_time import clinic_tz
from tests.appointments.conftest import at
from tests.factories import ClientFactory, ReceptionistFactory, TherapistFactory

NOW = at(2026, 11, 2, 8)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def theo(db, weekday_hours):
    return weekday_hours(TherapistFactory(first_name="Theo", last_name="Hart"))


@pytest.mark.django_db
def test_the_form_has_a_search_not_a_list_of_every_client(client, receptionist, frozen):
    ClientFactory.create_batch(3)
    client.force_login(receptionist)
    html = client.get("/appointments/new/").content.decode()
    assert '<select name="client"' not in html
    assert 'type="search" name="client_search"' in html and 'name="find_client"' in html
    assert "none chosen yet" in html


@pytest.mark.django_db
def test_the_client_prefill_from_the_client_page_is_kept(client, receptionist, frozen):
    ada = ClientFactory(first_name="Ada", last_name="Lovelace", date_of_birth=date(1988, 4, 12), phone="07700 900123")
    client.force_login(receptionist)
    html = client.get(f"/appointments/new/?client={ada.id}").content.decode()
    assert f'<input type="hidden" name="client" value="{ada.id}"' in html
    assert "Lovelace, Ada · born 12/04/1988 · 07700 900123" in html


@pytest.mark.django_db
def test_without_javascript_find_lists_the_matches_and_books_nothing(client, receptionist, theo, treatment, frozen):
    ada = ClientFactory(first_name="Ada", last_name="Lovelace")
    ClientFactory(first_name="Alan", last_name="Turing")
    client.force_login(receptionist)
    form = {"client_search": "lovel", "therapist": theo.id, "appointment_type": treatment.id,
            "date": "2026-11-03", "time": "10:00", "find_client": "1"}  # fmt: skip
    response = client.post("/appointments/new/", form)
    html = response.content.decode()
    assert response.status_code == 200 and Appointment.objects.count() == 0
    assert f'<input type="radio" name="client" value="{ada.id}" checked>' in html and "Turing" not in html
    assert f'<option value="{theo.id}" selected>' in html and 'value="2026-11-03"' in html  # kept as typed
    del form["find_client"]
    booked = client.post("/appointments/new/", {**form, "client": ada.id, "book": "1"})
    assert booked.status_code == 302 and Appointment.objects.get().client == ada


@pytest.mark.django_db
def test_booking_without_a_client_says_how_to_choose_one(client, receptionist, theo, treatment, frozen):
    client.force_login(receptionist)
    data = {"therapist": theo.id, "appointment_type": treatment.id, "date": "2026-11-03", "time": "10:00"}
    html = client.post("/appointments/new/", data).content.decode()
    assert "Choose a client: search by name, phone or date of birth, then pick one." in html


@pytest.mark.django_db
def test_the_search_finds_by_name_phone_and_date_of_birth_and_skips_archived(client, receptionist, frozen):
    ada = ClientFactory(first_name="Ada", last_name="Lovelace", date_of_birth=date(1988, 4, 12), phone="07700 900123")
    ClientFactory(first_name="Ada", last_name="Archived", archived_at=NOW)
    client.force_login(receptionist)

    def ids(q):
        response = client.get("/appointments/new/clients/", {"q": q})
        assert response.status_code == 200
        return [r["id"] for r in response.json()["results"]]

    assert ids("lovelace") == [ada.id]
    assert ids("ada") == [ada.id]
    assert ids("900123") == [ada.id]
    assert ids("12/04/1988") == [ada.id]
    assert ids("a") == []  # too short to mean anything
    assert client.get("/appointments/new/clients/", {"q": "ada"}).json()["results"][0]["label"].startswith(
        "Lovelace, Ada"
    )


@pytest.mark.django_db
def test_the_search_scales_to_thousands_of_clients(client, receptionist, frozen):
    Client.objects.bulk_create(
        Client(first_name=f"Sam{i}", last_name=f"Smith{i % 50}", phone=f"0770{i:07d}") for i in range(3000)
    )
    client.force_login(receptionist)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/appointments/new/clients/", {"q": "smith"})
    assert len(response.json()["results"]) == 20
    assert len(queries) <= 6
    page = client.get("/appointments/new/")
    assert page.content.decode().count("Smith") == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("receptionist", 200), ("therapist", 200), ("clinic_admin", 403)])
def test_only_staff_who_book_may_search(client, request, role, status, frozen):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/appointments/new/clients/", {"q": "ada"}).status_code == status


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_typing_shows_matches_and_a_click_picks_one(page, login):
    treatment, _ = AppointmentType.objects.get_or_create(
        name="Treatment / retraining", defaults={"kind": "TREATMENT", "duration_minutes": 30, "colour": "#8a5a00"}
    )
    theo = TherapistFactory(first_name="Theo", last_name="Hart")
    for weekday in range(7):
        WorkingHours.objects.create(therapist=theo, weekday=weekday, start_time=time(9), end_time=time(17))
    bea = ClientFactory(first_name="Bea", last_name="Booker", phone="07700 900555")
    ClientFactory(first_name="Ben", last_name="Other")
    day = timezone.localdate(timezone.now(), clinic_tz()) + timedelta(days=7)
    login(ReceptionistFactory())
    page.goto(f"/appointments/new/?therapist={theo.id}&date={day.isoformat()}&time=10:00")
    page.fill("#id_client_search", "900555")
    page.get_by_role("button", name="Booker, Bea").click()
    assert "Booker, Bea" in page.locator("[data-chosen]").inner_text()
    assert page.locator("input[name=client]").input_value() == str(bea.id)
    page.select_option("#id_appointment_type", str(treatment.id))
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url("**/appointments/?date=**")
    assert Appointment.objects.get().client == bea
