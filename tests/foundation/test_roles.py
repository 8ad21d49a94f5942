"""Each role sees the pages and endpoints it should, and is refused the rest."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import CLINIC_ADMIN, RECEPTION, THERAPIST

PAGES = {
    # url: roles that may see it
    "/": {"reception", "therapist", "admin", "norole"},
    "/clients/": {"reception", "therapist", "admin"},
    "/accounts/staff/": {"admin"},
    "/admin/": {"admin"},
}

ENDPOINTS = {
    "/api/me/": {"reception", "therapist", "admin", "norole"},
    "/api/clients/": {"reception", "therapist", "admin"},
    "/api/staff/": {"admin"},
}


@pytest.fixture
def users(receptionist, therapist, clinic_admin, no_role_user):
    return {"reception": receptionist, "therapist": therapist, "admin": clinic_admin, "norole": no_role_user}


@pytest.mark.django_db
@pytest.mark.parametrize("url,allowed", PAGES.items())
def test_pages_are_shown_only_to_their_roles(client, users, url, allowed):
    for role, user in users.items():
        client.force_login(user)
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url)
        else:
            # The admin site redirects non-staff to its login; everything else is a 403 page.
            assert response.status_code in (302, 403), (role, url, response.status_code)
            if response.status_code == 403:
                assert b"have access" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_send_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("url,allowed", ENDPOINTS.items())
def test_endpoints_answer_only_their_roles(api_as, users, url, allowed):
    for role, user in users.items():
        response = api_as(user).get(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (role, url, response.status_code)
        if expected == 403:
            assert response.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoints_refuse_anonymous_callers(api_client, url):
    response = api_client.get(url)
    assert response.status_code in (401, 403)
    assert response.json()["message"]


@pytest.mark.django_db
def test_reception_role_has_no_clinical_permission():
    def perms(role):
        return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}

    reception, therapist, admin = perms(RECEPTION), perms(THERAPIST), perms(CLINIC_ADMIN)
    assert "clients.view_clinical" in therapist
    assert "clients.view_clinical" not in reception | admin
    assert "clients.view_client" in reception
    assert "accounts.add_user" in admin and "accounts.add_user" not in reception | therapist
    assert "core.change_clinicsettings" in admin and "core.change_clinicsettings" not in therapist
    assert "clients.add_consent" in reception & therapist
    assert not {"clients.change_consent", "clients.delete_consent"} & (reception | therapist | admin)


@pytest.mark.django_db
def test_api_token_auth_works_and_lists_clients(api_client, receptionist, client_record):
    from tests.factories import PASSWORD

    response = api_client.post("/api/auth/token/", {"username": receptionist.username, "password": PASSWORD})
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listing = api_client.get("/api/clients/")
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == 1 and body["results"][0]["last_name"] == client_record.last_name
