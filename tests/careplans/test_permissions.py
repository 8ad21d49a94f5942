"""Who may open each care-plan page and endpoint: with and without permission, and anonymous."""

from datetime import date

import pytest
from rest_framework.test import APIClient

ALLOWED, FORBIDDEN = "allowed", "forbidden"
ROLES = ("anonymous", "no_role_user", "receptionist", "therapist", "clinic_admin")


def expect(
    anonymous=FORBIDDEN, no_role_user=FORBIDDEN, receptionist=FORBIDDEN, therapist=ALLOWED, clinic_admin=FORBIDDEN
):
    return {
        "anonymous": anonymous,
        "no_role_user": no_role_user,
        "receptionist": receptionist,
        "therapist": therapist,
        "clinic_admin": clinic_admin,
    }


VIEW = expect(receptionist=ALLOWED, clinic_admin=ALLOWED)
RECALL = expect(receptionist=ALLOWED)  # careplans.view_careplan + appointments.add_appointment
CHANGE = expect()  # therapists only

PAGES = [
    ("GET", "/care/recalls/", RECALL),
    ("POST", "/care/recalls/{plan}/book/", RECALL),
    ("GET", "/care/clients/{client}/", VIEW),
    ("GET", "/care/clients/{client}/new/", CHANGE),
    ("GET", "/care/plans/{plan}/", VIEW),
    ("GET", "/care/plans/{plan}/edit/", CHANGE),
    ("POST", "/care/plans/{plan}/status/", CHANGE),
    ("POST", "/care/plans/{plan}/invite/", RECALL),
]

APIS = [
    ("GET", "/api/care-plans/", VIEW),
    ("POST", "/api/care-plans/", CHANGE),
    ("GET", "/api/care-plans/{plan}/", VIEW),
    ("PATCH", "/api/care-plans/{plan}/", CHANGE),
    ("POST", "/api/care-plans/{plan}/status/", CHANGE),
    ("POST", "/api/care-plans/{plan}/self-booking-invites/", RECALL),
    ("GET", "/api/recalls/", RECALL),
    ("POST", "/api/recalls/{plan}/book/", RECALL),
]


@pytest.fixture
def user(request, role, db):
    """Only the user the test needs (password hashing makes each one slow to create)."""
    return None if role == "anonymous" else request.getfixturevalue(role)


@pytest.fixture
def target(theo, client_record, plan_for):
    return plan_for(client_record, theo, due=date(2026, 11, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,url,rule", PAGES, ids=[f"{m} {u}" for m, u, _ in PAGES])
def test_pages(client, user, target, role, method, url, rule):
    if user:
        client.force_login(user)
    path = url.format(plan=target.pk, client=target.client_id)
    response = client.get(path) if method == "GET" else client.post(path, {"action": "unknown"})
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif rule[role] == FORBIDDEN:
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,url,rule", APIS, ids=[f"{m} {u}" for m, u, _ in APIS])
def test_api(user, target, role, method, url, rule):
    api = APIClient()
    if user:
        api.force_authenticate(user)
    path = url.format(plan=target.pk)
    response = getattr(api, method.lower())(path, {}, format="json")
    if role == "anonymous":
        assert response.status_code in (401, 403)
    elif rule[role] == FORBIDDEN:
        assert response.status_code == 403, response.content
    else:
        assert response.status_code not in (401, 403), response.content


@pytest.mark.django_db
def test_public_self_booking_page_needs_no_login_but_reveals_nothing_without_a_valid_token(client, target):
    for path in ("/care/book/not-a-token/", "/care/book/" + "A" * 43 + "/"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.content.decode()
        assert "not valid" in html and target.client.first_name not in html
    assert client.get("/care/book/").status_code == 404


@pytest.mark.django_db
def test_recall_page_is_only_for_staff_who_can_book(client, clinic_admin, receptionist, target):
    # A clinic admin can see care plans but cannot book appointments, so no recall list.
    client.force_login(clinic_admin)
    assert client.get("/care/recalls/").status_code == 403
    assert client.get(f"/care/plans/{target.pk}/").status_code == 200
    client.force_login(receptionist)
    assert target.client.full_name in client.get("/care/recalls/").content.decode()
