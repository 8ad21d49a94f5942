"""The schema is the contract: schemathesis fuzzes every operation in /api/schema/ as each role.

Checks: no 5xx, every status code is documented, every response body and content type matches the
documented schema. New endpoints are covered as soon as they appear in the schema. Each generated
case runs in the test's transaction against real PostgreSQL, through the WSGI app (no server).
About half the cases are pointed at objects that exist, so successful responses are checked too.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi import checks as openapi_checks

from appointments.defaults import ensure_defaults
from appointments.models import AppointmentType, AvailabilityException, Room, WorkingHours
from appointments.services import appointment_book, appointment_mark
from careplans.models import CarePlan
from gait.services import finding_add, session_create, session_sign_off
from records.services import note_create
from reports.models import Report
from tests.factories import ClientFactory, ClinicAdminFactory, ReceptionistFactory, TherapistFactory

pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
# Bounded for the suite's time budget (~90 boundary cases per operation and role would take many
# minutes): the schema's examples and a few random valid and invalid cases per operation.
# Paging limits, methods an endpoint lacks and extreme dates are tested head-on elsewhere.
schema.config.phases.coverage.enabled = False

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
ROLE_FACTORIES = {"reception": ReceptionistFactory, "therapist": TherapistFactory, "clinic_admin": ClinicAdminFactory}
REQUESTS: dict[str, int] = dict.fromkeys(ROLE_FACTORIES, 0)  # printed at the end (tests/foundation/conftest.py)


@pytest.fixture(scope="module", autouse=True)
def keep_the_test_transaction():
    """Like Django's test client: the app must not close the connection that holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    """A small clinic: a client with an appointment to come, an attended one with a treatment note, a care
    plan, and one of each availability row. Endpoints added later get random ids (404s) until listed here."""
    ensure_defaults()
    therapist = TherapistFactory()
    for weekday in range(7):
        WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time="08:00", end_time="18:00")
    client = ClientFactory()
    appointment_type = AppointmentType.objects.order_by("id").first()
    room = Room.objects.order_by("id").first()
    start = (timezone.now() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    appointment = appointment_book(client=client, therapist=therapist, appointment_type=appointment_type,
                                   starts_at=start, now=timezone.now())
    plan = CarePlan.objects.create(client=client, therapist=therapist, start_date=timezone.localdate(),
                                   reassessment_interval_weeks=6,
                                   next_reassessment_due=timezone.localdate() - timedelta(days=1))
    past = start - timedelta(days=7)
    visit = appointment_book(client=client, therapist=therapist, appointment_type=appointment_type, starts_at=past,
                             now=past - timedelta(days=1))
    visit = appointment_mark(appointment=visit, status="ATTENDED", now=past + timedelta(hours=1))
    note = note_create(appointment=visit, author=therapist, fields={"subjective": "Sore left knee"})
    gait_session = session_create(client=client, therapist=therapist, created_by=therapist,
                                  date=timezone.localdate(), treadmill_speed_kmh=11)
    finding = finding_add(session=gait_session, code="trunk_lean", side="", severity="moderate",
                          summary="Leans forward from the hips.", by=therapist, now=timezone.now())
    suggestion = gait_session.suggestions.get()
    leave = AvailabilityException.objects.create(therapist=therapist, kind=AvailabilityException.Kind.LEAVE, starts_at=start + timedelta(days=7),
                                                 ends_at=start + timedelta(days=7, hours=2))
    report_session = session_sign_off(session=session_create(client=client, therapist=therapist, created_by=therapist,
                                                             date=timezone.localdate()), by=therapist, now=timezone.now())
    report = Report.objects.create(client=client, session=report_session, version=1, created_by=therapist,
                                   created_at=timezone.now(), run_after=timezone.now() + timedelta(days=1))
    return {
        "tokens": {role: Token.objects.create(user=make()) for role, make in ROLE_FACTORIES.items()},
        "client_id": client.pk, "appointment_id": appointment.pk, "plan_id": plan.pk, "note_id": note.pk,
        "session_id": gait_session.pk, "finding_id": finding.pk, "suggestion_id": suggestion.pk,
        "report_id": report.pk,
        "/availability/working-hours/": therapist.working_hours.first().pk,
        "/availability/exceptions/": leave.pk, "/rooms/": room.pk, "/appointment-types/": appointment_type.pk,
    }


def _existing_ids(path: str, world: dict) -> dict:
    """Path parameters naming objects of the small clinic, where the path is one we know."""
    ids = {}
    for name in re.findall(r"{(\w+)}", path):
        if name in world:
            ids[name] = world[name]
        else:
            prefix = next((key for key in world if key.startswith("/") and key in path), None)
            if prefix:
                ids[name] = world[prefix]
    return ids


@pytest.mark.parametrize("role", list(ROLE_FACTORIES))
@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_matches_its_schema(case, role, world):
    cache.clear()  # throttling history from earlier examples is not what is tested here
    token = world["tokens"][role]
    if case.path_parameters and sum(map(hash, map(str, case.path_parameters.values()))) % 2 == 0:
        case.path_parameters.update(_existing_ids(case.path, world))
    REQUESTS[role] += 1
    response = case.call(headers={"Authorization": f"Token {token.key}"})
    case.validate_response(response, checks=CHECKS)
