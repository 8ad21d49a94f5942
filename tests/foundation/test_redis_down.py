"""Redis unreachable degrades, never breaks: the real server (gunicorn) with REDIS_URL on a closed
port answers the API in JSON without 5xx, keeps rate limits, queues emails instead of failing,
and /healthz names the broker as down. Once the broker is back, the queued email is sent."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from datetime import time as dtime

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from appointments.models import AppointmentType, WorkingHours
from careplans.models import CarePlan, SelfBookingInvite
from clients.models import ConsentPurpose
from clients.services import consent_record
from core.models import Heartbeat
from tests.factories import PASSWORD, ClientFactory, ReceptionistFactory, TherapistFactory
from tests.processes import Server, SmtpSink, Worker, closed_port_redis_url, project_env, run_django

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def call(url: str, method: str = "GET", data: dict | None = None, token: str | None = None):
    """(status, JSON body or None, content type, seconds taken)."""
    request = urllib.request.Request(url, method=method)  # noqa: S310 - our own test server
    request.add_header("Accept", "application/json")
    if data is not None:
        request.data = json.dumps(data).encode()
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    started = time.monotonic()
    try:
        response = urllib.request.urlopen(request, timeout=30)  # noqa: S310
    except urllib.error.HTTPError as error:
        response = error
    body = response.read()
    content_type = response.headers.get("Content-Type", "")
    parsed = json.loads(body) if content_type.startswith("application/json") else None
    return response.status, parsed, content_type, time.monotonic() - started


@pytest.fixture
def clinic():
    receptionist = ReceptionistFactory(username="desk")
    # The server checks passwords with the product's hashers (the test process uses MD5 for speed).
    receptionist.password = PBKDF2PasswordHasher().encode(PASSWORD, "stridewell-test-salt", iterations=1000)
    receptionist.save(update_fields=["password"])
    therapist = TherapistFactory()
    for weekday in range(5):
        WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time=dtime(9), end_time=dtime(17))
    client = ClientFactory(first_name="Robin", email="robin@example.com")
    consent_record(client=client, purpose=ConsentPurpose.CONTACT_EMAIL, granted=True, recorded_by=None,
                   now=timezone.now())
    plan = CarePlan.objects.create(
        client=client, therapist=therapist, start_date=date.today() - timedelta(weeks=6),
        reassessment_interval_weeks=6, next_reassessment_due=date.today() + timedelta(days=3),
    )
    treatment, _ = AppointmentType.objects.get_or_create(
        name="Treatment / retraining", defaults={"kind": "TREATMENT", "duration_minutes": 30}
    )
    Heartbeat.objects.create(name="worker", at=timezone.now())
    return {"receptionist": receptionist, "therapist": therapist, "client": client, "plan": plan,
            "treatment": treatment}


def test_api_answers_in_json_without_5xx_while_redis_is_down_and_the_email_goes_later(clinic, tmp_path):
    dead = closed_port_redis_url()
    queue = f"redis-down-{os.getpid()}"
    server = Server(project_env(REDIS_URL=dead, CELERY_DEFAULT_QUEUE=queue), tmp_path / "server.log")
    try:
        status, body, _, _ = call(server.url + "/healthz")
        assert status == 200 and body["status"] == "degraded"
        assert body["checks"]["broker"] == {"status": "down", "detail": "broker unreachable"}
        assert body["checks"]["database"]["status"] == "ok"

        status, body, content_type, seconds = call(
            server.url + "/api/auth/token/", "POST", {"username": "desk", "password": PASSWORD}
        )
        assert status == 200 and content_type == "application/json", (status, body)
        token = body["token"]
        status, body, _, _ = call(server.url + "/api/me/", token=token)
        assert status == 200 and body["username"] == "desk"

        starts_at = timezone.localtime(timezone.now() + timedelta(days=7)).replace(hour=10, minute=0, second=0,
                                                                                    microsecond=0)
        while starts_at.weekday() >= 5:
            starts_at += timedelta(days=1)
        status, body, _, _ = call(server.url + "/api/appointments/", "POST", {
            "client": clinic["client"].id, "therapist": clinic["therapist"].id,
            "appointment_type": clinic["treatment"].id, "starts_at": starts_at.isoformat(),
        }, token=token)
        assert status == 201, body

        # The email is promised (a row) and the request does not wait for the dead broker.
        status, body, _, seconds = call(
            server.url + f"/api/care-plans/{clinic['plan'].id}/self-booking-invites/", "POST", {}, token=token
        )
        assert status == 201 and body["email_status"] == "queued", body
        print(f"\nself-booking invite with the broker down: {seconds * 1000:.0f} ms")
        assert seconds < 3.0

        # Rate limiting still works (per process, in memory) and answers in JSON, not HTML.
        # (Token requests: 10 a minute per address; distinct usernames keep axes' lockout out of it.)
        answers = [call(server.url + "/api/auth/token/", "POST", {"username": f"nobody{i}", "password": "x"})
                   for i in range(10)]
        assert all(a[0] < 500 and a[2] == "application/json" for a in answers)
        assert answers[0][0] == 400 and answers[-1][0] == 429 and answers[-1][1]["code"] == "throttled"
    finally:
        server.stop()

    invite = SelfBookingInvite.objects.select_related("email").get()
    assert invite.email.status == "queued" and invite.email.attempts == 0

    # The broker is back: the sweeper (beat, every minute) sends what waited; a worker sends it.
    smtp = SmtpSink()
    env = project_env(CELERY_DEFAULT_QUEUE=queue, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                      EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port))
    worker = Worker(env, "redis-back", tmp_path / "worker.log")
    try:
        worker.start()
        run_django("from datetime import timedelta\nfrom django.utils import timezone\n"
                   "from core.jobs import STALE_AFTER, jobs_sweep\n"
                   "print(jobs_sweep(now=timezone.now() + STALE_AFTER))", env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not smtp.received:
            time.sleep(0.2)
    finally:
        worker.stop()
        smtp.stop()
    invite.email.refresh_from_db()
    assert invite.email.status == "done"
    assert smtp.received == {invite.email.message_id: 1}


def test_healthz_is_503_with_a_machine_readable_body_when_the_database_is_down(tmp_path):
    server = Server(project_env(DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing"), tmp_path / "server.log")
    try:
        status, body, content_type, _ = call(server.url + "/healthz")
    finally:
        server.stop()
    assert status == 503 and content_type == "application/json"
    assert body["status"] == "down"
    assert body["checks"]["database"] == {"status": "down", "detail": "database unreachable"}
    assert body["checks"]["worker"]["status"] == "unknown"
