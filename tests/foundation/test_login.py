import pytest
from axes.models import AccessAttempt

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_correct_password_logs_in(client, therapist):
    response = client.post("/accounts/login/", {"username": therapist.username, "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.context["user"] == therapist
    assert b"Today" in response.content


@pytest.mark.django_db
def test_wrong_password_gets_a_generic_error_and_is_counted(client, therapist):
    response = client.post("/accounts/login/", {"username": therapist.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"Your username or password is not right" in response.content
    # Unknown users get the very same message, so the page does not reveal who has an account.
    unknown = client.post("/accounts/login/", {"username": "no-such-user", "password": "wrong"})
    assert b"Your username or password is not right" in unknown.content
    assert AccessAttempt.objects.get(username=therapist.username).failures_since_start == 1


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password(client, therapist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": therapist.username, "password": "guess"})
    response = client.post("/accounts/login/", {"username": therapist.username, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_logout_requires_post_and_ends_the_session(client, therapist):
    client.force_login(therapist)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302
