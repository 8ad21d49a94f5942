"""Client pages: who may see and do what, and reception never sees clinical content."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clients.models import Client, Consent
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

CLINICAL_MARKERS = ("COMPLAINT-7781", "REGION-7781", "DETAIL-7781", "HISTORY-7781")


@pytest.fixture
def intake_client():
    return ClientFactory(
        first_name="Ada", last_name="Lovelace", date_of_birth=date(1988, 4, 12), alerts="Latex allergy",
        presenting_complaint="COMPLAINT-7781", pain_region="REGION-7781", pain_location_detail="DETAIL-7781",
        injury_history="HISTORY-7781", pain_score=7, pain_side="LEFT", consents={},
    )


def as_user(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


# role -> expected status, for each page
PAGE_ACCESS = {
    #                      receptionist therapist clinic_admin no_role_user
    ("get", "list"): (200, 200, 200, 403),
    ("get", "detail"): (200, 200, 200, 403),
    ("get", "create"): (200, 200, 403, 403),
    ("get", "edit"): (200, 200, 403, 403),
    ("post", "archive"): (302, 302, 403, 403),
    ("post", "consents"): (302, 302, 403, 403),
    ("get", "export"): (403, 403, 200, 403),
    ("get", "erase"): (403, 403, 200, 403),
}
ROLES = ("receptionist", "therapist", "clinic_admin", "no_role_user")


def page_url(name, client_id):
    return {
        "list": "/clients/", "create": "/clients/new/", "detail": f"/clients/{client_id}/",
        "edit": f"/clients/{client_id}/edit/", "archive": f"/clients/{client_id}/archive/",
        "consents": f"/clients/{client_id}/consents/", "export": f"/clients/{client_id}/export/",
        "erase": f"/clients/{client_id}/erase/",
    }[name]


@pytest.mark.parametrize(("method", "name"), list(PAGE_ACCESS))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_page_permissions(client, request, intake_client, method, name, role_index, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    as_user(client, request, ROLES[role_index])
    data = {"purpose": "VIDEO", "decision": "yes"} if name == "consents" else {}
    response = getattr(client, method)(page_url(name, intake_client.pk), data)
    assert response.status_code == PAGE_ACCESS[(method, name)][role_index]


@pytest.mark.parametrize(("method", "name"), list(PAGE_ACCESS))
def test_anonymous_visitors_are_sent_to_login(client, intake_client, method, name):
    response = getattr(client, method)(page_url(name, intake_client.pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_unknown_client_is_404(client, therapist):
    client.force_login(therapist)
    assert client.get("/clients/999999/").status_code == 404
    assert client.get("/clients/999999/edit/").status_code == 404


@pytest.mark.parametrize("role", ["receptionist", "clinic_admin"])
def test_non_clinical_staff_never_get_clinical_content(client, request, intake_client, role):
    as_user(client, request, role)
    pages = [f"/clients/{intake_client.pk}/", "/clients/", "/clients/?q=ada"]
    if role == "receptionist":
        pages += [f"/clients/{intake_client.pk}/edit/", "/clients/new/"]
    for url in pages:
        html = client.get(url).content.decode()
        for marker in CLINICAL_MARKERS:
            assert marker not in html, (url, marker)
        assert "Clinical intake" not in html
        assert "presenting_complaint" not in html and "pain_score" not in html
    # Alerts are for everyone.
    assert "Latex allergy" in client.get(f"/clients/{intake_client.pk}/").content.decode()


def test_therapist_sees_and_edits_the_clinical_intake(client, therapist, intake_client):
    client.force_login(therapist)
    html = client.get(f"/clients/{intake_client.pk}/").content.decode()
    assert all(marker in html for marker in CLINICAL_MARKERS)
    assert "7/10" in html
    form = client.get(f"/clients/{intake_client.pk}/edit/").content.decode()
    assert 'name="presenting_complaint"' in form and "COMPLAINT-7781" in form


def edit_data(client_record, **changes):
    data = {
        "first_name": client_record.first_name, "last_name": client_record.last_name,
        "date_of_birth": client_record.date_of_birth.isoformat() if client_record.date_of_birth else "",
        "sex": client_record.sex, "email": client_record.email, "phone": client_record.phone,
        "preferred_channel": client_record.preferred_channel, "pain_side": client_record.pain_side,
    }
    data.update(changes)
    return data


def test_reception_edit_cannot_touch_clinical_fields(client, receptionist, intake_client):
    client.force_login(receptionist)
    response = client.post(
        f"/clients/{intake_client.pk}/edit/",
        edit_data(intake_client, phone="0161 111 2222", presenting_complaint="changed", pain_score="1"),
    )
    assert response.status_code == 302
    intake_client.refresh_from_db()
    assert intake_client.phone == "0161 111 2222"
    assert (intake_client.presenting_complaint, intake_client.pain_score) == ("COMPLAINT-7781", 7)


def test_therapist_creates_a_client_with_intake(client, therapist):
    client.force_login(therapist)
    response = client.post("/clients/new/", {
        "first_name": "Grace", "last_name": "Hopper", "date_of_birth": "09/01/1975", "sex": "F",
        "email": "grace@example.com", "phone": "0113 496 0999", "preferred_channel": "SMS",
        "weekly_distance_km": "35.5", "goal_race": "London 10k", "presenting_complaint": "Knee pain downhill",
        "pain_region": "knee (lateral)", "pain_side": "RIGHT", "pain_location_detail": "outside of right knee",
        "pain_score": "5", "injury_history": "ITB 2022", "referral_source": "GP", "alerts": "",
    })
    grace = Client.objects.get(last_name="Hopper")
    assert response.status_code == 302 and response["Location"] == f"/clients/{grace.pk}/"
    assert (grace.date_of_birth, grace.pain_score, grace.pain_side, grace.created_by) == (
        date(1975, 1, 9), 5, "RIGHT", therapist)


def test_reception_creates_a_client_without_clinical_fields(client, receptionist):
    client.force_login(receptionist)
    response = client.post("/clients/new/", {
        "first_name": "Alan", "last_name": "Turing", "sex": "M", "preferred_channel": "EMAIL",
        "presenting_complaint": "sneaked in", "pain_score": "3",
    })
    assert response.status_code == 302
    alan = Client.objects.get(last_name="Turing")
    assert (alan.presenting_complaint, alan.pain_score) == ("", None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pain_score": "11"}, "Pain score must be from 0 to 10."),
        ({"date_of_birth": (timezone.localdate() + timedelta(days=2)).isoformat()},
         "Date of birth cannot be in the future."),
        ({"email": "ada@"}, "Enter a valid email address."),
        ({"first_name": ""}, "This field is required."),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(client, therapist, changes, message):
    client.force_login(therapist)
    data = {"first_name": "Ada", "last_name": "Byron", "sex": "F", "preferred_channel": "EMAIL",
            "pain_side": "NONE", **changes}
    response = client.post("/clients/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Client.objects.exists()


def test_probable_duplicate_is_warned_and_can_be_confirmed(client, receptionist, intake_client):
    client.force_login(receptionist)
    data = {"first_name": "ada", "last_name": "LOVELACE", "date_of_birth": "1988-04-12", "sex": "F",
            "preferred_channel": "EMAIL"}
    response = client.post("/clients/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A client with the same name and date of birth already exists" in html
    assert 'name="allow_duplicate"' in html
    assert Client.objects.count() == 1
    response = client.post("/clients/new/", {**data, "allow_duplicate": "on"})
    assert response.status_code == 302 and Client.objects.count() == 2


def test_archive_and_unarchive_from_the_client_page(client, receptionist, intake_client):
    client.force_login(receptionist)
    archived = client.post(f"/clients/{intake_client.pk}/archive/", follow=True)
    assert "was archived. Archived clients cannot be booked." in archived.content.decode()
    intake_client.refresh_from_db()
    assert intake_client.archived_at is not None
    assert "Lovelace" not in client.get("/clients/").content.decode()
    assert "Lovelace" in client.get("/clients/?archived=true").content.decode()
    detail = client.get(f"/clients/{intake_client.pk}/").content.decode()
    assert "Archived" in detail and "Unarchive" in detail
    again = client.post(f"/clients/{intake_client.pk}/archive/", follow=True)
    assert "already archived" in again.content.decode()
    client.post(f"/clients/{intake_client.pk}/unarchive/")
    intake_client.refresh_from_db()
    assert intake_client.archived_at is None
    assert client.get(f"/clients/{intake_client.pk}/archive/").status_code == 405


def test_reception_records_consent_and_sees_the_history(client, receptionist, intake_client):
    client.force_login(receptionist)
    response = client.post(f"/clients/{intake_client.pk}/consents/",
                           {"purpose": "VIDEO", "decision": "yes", "note": "paper form"}, follow=True)
    html = response.content.decode()
    assert "Consent for video recording and storage recorded as given." in html
    consent = Consent.objects.get(client=intake_client)
    assert (consent.purpose, consent.granted, consent.recorded_by, consent.note) == (
        "VIDEO", True, receptionist, "paper form")
    client.post(f"/clients/{intake_client.pk}/consents/", {"purpose": "VIDEO", "decision": "no"})
    assert Consent.objects.filter(client=intake_client).count() == 2
    html = client.get(f"/clients/{intake_client.pk}/").content.decode()
    assert "History (2)" in html and "Refused / withdrawn" in html
    bad = client.post(f"/clients/{intake_client.pk}/consents/", {"purpose": "MARKETING", "decision": "yes"},
                      follow=True)
    assert "Choose a purpose and a decision" in bad.content.decode()
    assert Consent.objects.filter(client=intake_client).count() == 2


def test_clinic_admin_sees_export_and_erase_but_not_consents(client, clinic_admin, intake_client):
    client.force_login(clinic_admin)
    html = client.get(f"/clients/{intake_client.pk}/").content.decode()
    assert "Export all data" in html and "Erase personal data" in html
    assert "Record consent" not in html and "Edit" not in html


def test_list_filters_and_a_bad_filter(client, receptionist, intake_client):
    ClientFactory(first_name="Alan", last_name="Turing", sex="M")
    client.force_login(receptionist)
    html = client.get("/clients/?sex=M").content.decode()
    assert "Turing" in html and "Lovelace" not in html
    html = client.get("/clients/?q=12/04/1988").content.decode()
    assert "Lovelace" in html and "Turing" not in html
    bad = client.get("/clients/?sex=Q")
    assert bad.status_code == 200 and "sex:" in bad.content.decode() and "Lovelace" not in bad.content.decode()


def test_admin_site_hides_clinical_fields_from_clinic_admins(client, clinic_admin, therapist, intake_client):
    client.force_login(clinic_admin)
    response = client.get(f"/admin/clients/client/{intake_client.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lovelace" in html
    assert not any(marker in html for marker in CLINICAL_MARKERS)
