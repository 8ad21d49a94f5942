"""A made-up X-Forwarded-For must not change who is throttled or locked out, unless we run proxies."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_RATE = 10  # REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"], per minute


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def ask_for_token(username, password, forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return APIClient().post("/api/auth/token/", {"username": username, "password": password}, **headers)


def test_spoofed_forwarded_for_does_not_escape_the_token_throttle(therapist):
    statuses = [ask_for_token(therapist.username, "wrong", f"203.0.113.{n}").status_code for n in range(12)]
    assert statuses[:TOKEN_RATE] == [400] * TOKEN_RATE
    assert statuses[TOKEN_RATE:] == [429, 429]
    body = ask_for_token(therapist.username, PASSWORD, "198.51.100.7").json()
    assert body["code"] == "throttled" and "token" not in body


def test_spoofed_forwarded_for_does_not_escape_a_lockout(therapist, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        ask_for_token(therapist.username, "guess", f"203.0.113.{n}")
    attempts = AccessAttempt.objects.filter(username=therapist.username)
    assert [a.ip_address for a in attempts] == ["127.0.0.1"]  # the test client's real address
    response = ask_for_token(therapist.username, PASSWORD, "198.51.100.7")
    assert response.status_code != 200 and "token" not in response.json()


def test_with_one_trusted_proxy_the_address_it_saw_is_the_client(therapist, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; anything to its left was written by the client.
    statuses = [ask_for_token(therapist.username, "wrong", f"10.9.9.9, 203.0.113.{n}").status_code for n in range(12)]
    assert 429 not in statuses
    for _ in range(TOKEN_RATE):
        ask_for_token(therapist.username, "wrong", f"10.0.0.{_}, 192.0.2.1")
    assert ask_for_token(therapist.username, "wrong", "10.0.0.99, 192.0.2.1").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) >= {"203.0.113.0", "192.0.2.1"}
