"""/api/treatment-notes/: therapists create, edit drafts, sign and amend; nobody else reads."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from records.models import TreatmentNote
from tests.factories import ClientFactory, ClinicAdminFactory, ReceptionistFactory, UserFactory

from .conftest import at

URL = "/api/treatment-notes/"
SECRET = "OBJECTIVE-SECRET-5523"


@pytest.mark.django_db
def test_therapist_lifecycle_through_the_api(api_as, attended, theo):
    api = api_as(theo)
    created = api.post(URL, {"appointment": attended.pk, "subjective": "Knee sore"}, format="json")
    assert created.status_code == 201, created.json()
    note = created.json()
    assert (note["status"], note["client"], note["subjective"]) == ("draft", attended.client_id, "Knee sore")

    again = api.post(URL, {"appointment": attended.pk}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "note_exists")

    patched = api.patch(f"{URL}{note['id']}/", {"objective": SECRET}, format="json")
    assert patched.json()["objective"] == SECRET and patched.json()["subjective"] == "Knee sore"

    signed = api.post(f"{URL}{note['id']}/sign/")
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert signed.json()["signed_by"] == theo.pk

    locked = api.patch(f"{URL}{note['id']}/", {"objective": "rewritten"}, format="json")
    assert (locked.status_code, locked.json()["code"]) == (409, "note_signed")

    bad = api.post(f"{URL}{note['id']}/amendments/", {"reason": "", "text": "x"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    amended = api.post(f"{URL}{note['id']}/amendments/", {"reason": "Typo", "text": "Left, not right."}, format="json")
    assert amended.status_code == 201
    assert [(a["reason"], a["text"]) for a in amended.json()["amendments"]] == [("Typo", "Left, not right.")]
    assert amended.json()["objective"] == SECRET


@pytest.mark.django_db
def test_list_filters_by_client_and_appointment(api_as, book, theo, ada):
    api = api_as(theo)
    mine = book(at(2026, 3, 2, 10), "ATTENDED")
    other_visit = book(at(2026, 3, 3, 10), "ATTENDED", client=ClientFactory())
    for visit in (mine, other_visit):
        assert api.post(URL, {"appointment": visit.pk, "plan": "p"}, format="json").status_code == 201

    by_client = api.get(URL, {"client": ada.pk}).json()
    assert [n["appointment"] for n in by_client["results"]] == [mine.pk]
    by_appointment = api.get(URL, {"appointment": other_visit.pk}).json()
    assert [n["appointment"] for n in by_appointment["results"]] == [other_visit.pk]
    assert api.get(URL).json()["count"] == 2
    bad = api.get(URL, {"client": "abc"})
    assert bad.status_code == 400 and "client" in bad.json()["errors"]


@pytest.mark.django_db
def test_note_for_an_unattended_or_missing_appointment_is_refused(api_as, book, theo):
    api = api_as(theo)
    booked = book(at(2026, 3, 4, 10))
    refused = api.post(URL, {"appointment": booked.pk, "plan": "p"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "appointment_not_attended")
    missing = api.post(URL, {"appointment": 999999}, format="json")
    assert missing.status_code == 400 and "appointment" in missing.json()["errors"]
    assert not TreatmentNote.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [ReceptionistFactory, ClinicAdminFactory, UserFactory])
def test_non_clinical_staff_are_refused_everything(api_as, attended, theo, make_user):
    note = api_as(theo).post(URL, {"appointment": attended.pk, "objective": SECRET}, format="json").json()
    api = api_as(make_user())
    responses = [
        api.get(URL),
        api.get(URL, {"client": attended.client_id}),
        api.get(f"{URL}{note['id']}/"),
        api.post(URL, {"appointment": attended.pk}, format="json"),
        api.patch(f"{URL}{note['id']}/", {"objective": "x"}, format="json"),
        api.post(f"{URL}{note['id']}/sign/"),
        api.post(f"{URL}{note['id']}/amendments/", {"reason": "r", "text": "t"}, format="json"),
    ]
    for response in responses:
        assert response.status_code == 403
        assert SECRET not in response.content.decode()
    stored = TreatmentNote.objects.get()
    assert (stored.objective, stored.is_signed) == (SECRET, False)


@pytest.mark.django_db
def test_anonymous_callers_are_refused(api_client, attended):
    assert api_client.get(URL).status_code in (401, 403)


@pytest.mark.django_db
def test_each_permission_opens_only_its_endpoint(api_as, attended, theo):
    note = api_as(theo).post(URL, {"appointment": attended.pk, "objective": SECRET}, format="json").json()
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_treatmentnote"))
    api = api_as(type(reader).objects.get(pk=reader.pk))
    assert api.get(f"{URL}{note['id']}/").json()["objective"] == SECRET
    assert api.patch(f"{URL}{note['id']}/", {"objective": "x"}, format="json").status_code == 403
    assert api.post(f"{URL}{note['id']}/sign/").status_code == 403


@pytest.mark.django_db
def test_schema_documents_the_treatment_note_endpoints(api_as, theo):
    schema = api_as(theo).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/treatment-notes/", "/api/treatment-notes/{note_id}/", "/api/treatment-notes/{note_id}/sign/",
            "/api/treatment-notes/{note_id}/amendments/"} <= set(schema["paths"])
