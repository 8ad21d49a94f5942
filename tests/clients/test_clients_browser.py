"""In a real browser: a receptionist finds a client by date of birth and records a consent."""

from __future__ import annotations

from datetime import date

import pytest

from clients.models import Consent
from tests.factories import ClientFactory, ReceptionistFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_receptionist_searches_for_a_client_and_records_consent(page, login, live_server):
    receptionist = ReceptionistFactory(first_name="Rita")
    ada = ClientFactory(first_name="Ada", last_name="Lovelace", date_of_birth=date(1988, 4, 12),
                        presenting_complaint="COMPLAINT-7781", consents={})
    ClientFactory(first_name="Alan", last_name="Turing", date_of_birth=date(1988, 12, 4))

    login(receptionist)
    page.get_by_role("link", name="Clients").click()
    page.fill("#id_q", "12/04/1988")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/clients/?q=*")
    rows = page.locator("table.table tbody tr")
    assert rows.count() == 1
    assert "Turing" not in rows.inner_text()

    page.get_by_role("link", name="Ada Lovelace").click()
    page.wait_for_url(f"{live_server.url}/clients/{ada.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ada Lovelace")
    assert "COMPLAINT-7781" not in page.content()
    assert page.locator('tr[data-purpose="VIDEO"]').inner_text().count("Not asked") == 1

    form = page.get_by_role("form", name="Record consent")
    form.get_by_label("Purpose").select_option("VIDEO")
    form.get_by_label("Consent given").check()
    form.get_by_label("Note").fill("Signed the video form")
    form.get_by_role("button", name="Record consent").click()

    page.wait_for_selector("text=Consent for video recording and storage recorded as given.")
    assert "Given" in page.locator('tr[data-purpose="VIDEO"]').inner_text()
    assert "Rita" in page.locator('tr[data-purpose="VIDEO"]').inner_text()
    consent = Consent.objects.get(client=ada)
    assert (consent.purpose, consent.granted, consent.recorded_by_id, consent.note) == (
        "VIDEO", True, receptionist.pk, "Signed the video form")
