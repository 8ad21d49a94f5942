"""Client API: permissions on every endpoint, clinical fields only for clinical staff, errors in
the project's format."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clients.models import CLINICAL_FIELDS, Client, Consent
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

ROLES = ("receptionist", "therapist", "clinic_admin", "no_role_user")


@pytest.fixture
def ada():
    return ClientFactory(
        first_name="Ada", last_name="Lovelace", date_of_birth=date(1988, 4, 12), alerts="Latex allergy",
        presenting_complaint="COMPLAINT-7781", pain_region="foot", pain_location_detail="DETAIL-7781",
        injury_history="HISTORY-7781", pain_score=7, consents={},
    )


ACCESS = {
    #                                      receptionist therapist clinic_admin no_role_user
    ("get", "/api/clients/"): (200, 200, 200, 403),
    ("post", "/api/clients/"): (400, 400, 403, 403),
    ("get", "/api/clients/{id}/"): (200, 200, 200, 403),
    ("patch", "/api/clients/{id}/"): (200, 200, 403, 403),
    ("post", "/api/clients/{id}/archive/"): (200, 200, 403, 403),
    ("post", "/api/clients/{id}/unarchive/"): (409, 409, 403, 403),
    ("get", "/api/clients/{id}/consents/"): (200, 200, 200, 403),
    ("post", "/api/clients/{id}/consents/"): (400, 400, 403, 403),
    ("get", "/api/clients/{id}/export/"): (403, 403, 200, 403),
    ("post", "/api/clients/{id}/erase/"): (403, 403, 400, 403),
}


@pytest.mark.parametrize(("method", "path"), list(ACCESS))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_endpoint_permissions(api_as, request, ada, method, path, role_index, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = request.getfixturevalue(ROLES[role_index])
    response = getattr(api_as(user), method)(path.format(id=ada.pk), {}, format="json")
    assert response.status_code == ACCESS[(method, path)][role_index], response.content
    body = response.json() if response["Content-Type"] == "application/json" else None
    if body is not None and response.status_code >= 400:
        assert set(body) >= {"message", "code", "errors"}


@pytest.mark.parametrize(("method", "path"), list(ACCESS))
def test_anonymous_is_refused(api_client, ada, method, path):
    response = getattr(api_client, method)(path.format(id=ada.pk), {}, format="json")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("role", ["receptionist", "clinic_admin"])
def test_non_clinical_staff_get_no_clinical_fields(api_as, request, ada, role):
    api = api_as(request.getfixturevalue(role))
    detail = api.get(f"/api/clients/{ada.pk}/")
    listing = api.get("/api/clients/")
    for body in (detail.json(), listing.json()["results"][0]):
        assert not set(CLINICAL_FIELDS) & set(body)
        assert body["alerts"] == "Latex allergy"
    for response in (detail, listing):
        assert b"7781" not in response.content


def test_therapist_gets_clinical_fields(api_as, therapist, ada):
    body = api_as(therapist).get(f"/api/clients/{ada.pk}/").json()
    assert (body["presenting_complaint"], body["pain_score"], body["pain_location_detail"]) == (
        "COMPLAINT-7781", 7, "DETAIL-7781")


def test_reception_cannot_write_clinical_fields(api_as, receptionist, ada):
    api = api_as(receptionist)
    response = api.patch(f"/api/clients/{ada.pk}/", {"pain_score": 1, "phone": "0161"}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "Only clinical staff may set clinical fields: pain_score."
    ada.refresh_from_db()
    assert (ada.pain_score, ada.phone) != (1, "0161")
    created = api.post("/api/clients/", {"first_name": "A", "last_name": "B", "injury_history": "x"}, format="json")
    assert created.status_code == 403 and not Client.objects.filter(last_name="B").exists()


def test_create_and_update(api_as, therapist):
    api = api_as(therapist)
    response = api.post("/api/clients/", {
        "first_name": "Grace", "last_name": "Hopper", "date_of_birth": "1975-01-09", "sex": "F",
        "email": "grace@example.com", "pain_score": 4, "pain_region": "knee", "pain_side": "RIGHT",
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    grace = Client.objects.get(pk=body["id"])
    assert (grace.created_by, grace.pain_score, body["full_name"]) == (therapist, 4, "Grace Hopper")
    response = api.patch(f"/api/clients/{grace.pk}/", {"goal_race": "Boston"}, format="json")
    assert response.status_code == 200 and response.json()["goal_race"] == "Boston"
    grace.refresh_from_db()
    assert (grace.goal_race, grace.email) == ("Boston", "grace@example.com")


def test_bad_input_gives_field_errors_and_saves_nothing(api_as, therapist):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api_as(therapist).post("/api/clients/", {
        "first_name": "Ada", "last_name": "Byron", "pain_score": 11, "email": "nope", "date_of_birth": tomorrow,
    }, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["pain_score"] == ["Pain score must be from 0 to 10."]
    assert body["errors"]["email"] == ["Enter a valid email address."]
    assert not Client.objects.exists()
    # The date rule lives in the service: alone, it is reported the same way.
    response = api_as(therapist).post("/api/clients/", {"first_name": "Ada", "last_name": "Byron",
                                                        "date_of_birth": tomorrow}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"date_of_birth": ["Date of birth cannot be in the future."]}
    assert not Client.objects.exists()


def test_probable_duplicate_is_a_409_until_confirmed(api_as, receptionist, ada):
    api = api_as(receptionist)
    data = {"first_name": "Ada", "last_name": "Lovelace", "date_of_birth": "1988-04-12"}
    response = api.post("/api/clients/", data, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "probable_duplicate" and response.json()["duplicate_ids"] == [ada.pk]
    assert api.post("/api/clients/", {**data, "allow_duplicate": True}, format="json").status_code == 201


def test_list_search_filters_and_pagination(api_as, receptionist, ada):
    ClientFactory(first_name="Alan", last_name="Turing", sex="M", date_of_birth=date(1988, 12, 4))
    api = api_as(receptionist)
    assert [c["last_name"] for c in api.get("/api/clients/?q=12/04/1988").json()["results"]] == ["Lovelace"]
    assert [c["last_name"] for c in api.get("/api/clients/?search=turing").json()["results"]] == ["Turing"]
    assert [c["last_name"] for c in api.get("/api/clients/?sex=M").json()["results"]] == ["Turing"]
    page = api.get("/api/clients/?page_size=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]
    bad = api.get("/api/clients/?sex=Q")
    assert bad.status_code == 400 and "sex" in bad.json()["errors"]


def test_archive_hides_from_the_list(api_as, receptionist, ada):
    api = api_as(receptionist)
    response = api.post(f"/api/clients/{ada.pk}/archive/")
    assert response.status_code == 200 and response.json()["is_archived"] is True
    assert api.get("/api/clients/").json()["count"] == 0
    assert api.get("/api/clients/?archived=true").json()["count"] == 1
    again = api.post(f"/api/clients/{ada.pk}/archive/")
    assert again.status_code == 409 and again.json()["message"] == "This client is already archived."
    assert api.post(f"/api/clients/{ada.pk}/unarchive/").json()["is_archived"] is False


def test_consents_api_keeps_history(api_as, receptionist, ada):
    api = api_as(receptionist)
    url = f"/api/clients/{ada.pk}/consents/"
    created = api.post(url, {"purpose": "EMAIL_REPORTS", "granted": True, "note": "ticked box"}, format="json")
    assert created.status_code == 201
    assert created.json()["recorded_by"] == receptionist.display_name
    api.post(url, {"purpose": "EMAIL_REPORTS", "granted": False}, format="json")
    body = api.get(url).json()
    current = {row["purpose"]: row["granted"] for row in body["current"]}
    assert current == {"TREATMENT": None, "VIDEO": None, "EMAIL_REPORTS": False, "CONTACT_EMAIL": None}
    assert [row["granted"] for row in body["history"]] == [False, True]
    bad = api.post(url, {"purpose": "MARKETING", "granted": True}, format="json")
    assert bad.status_code == 400 and "purpose" in bad.json()["errors"]
    assert Consent.objects.count() == 2


def test_unknown_client_is_404_in_the_error_format(api_as, therapist):
    response = api_as(therapist).get("/api/clients/999999/")
    assert response.status_code == 404
    assert response.json() == {"message": "No such client.", "code": "not_found", "errors": {}}


def test_schema_documents_the_client_endpoints(api_as, therapist):
    schema = api_as(therapist).get("/api/schema/?format=json").json()
    for path in ("/api/clients/", "/api/clients/{client_id}/", "/api/clients/{client_id}/archive/",
                 "/api/clients/{client_id}/consents/", "/api/clients/{client_id}/export/",
                 "/api/clients/{client_id}/erase/"):
        assert path in schema["paths"], path
    assert "application/zip" in schema["paths"]["/api/clients/{client_id}/export/"]["get"]["responses"]["200"]["content"]
