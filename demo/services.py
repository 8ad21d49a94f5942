"""Demo data for `manage.py seed_demo`: staff with known passwords, clients, a diary that
always has something on the day it is seeded (so the Today screen is never empty), and Priya's
gait sessions and home programme (demo/gait.py)."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from appointments.models import Appointment, AppointmentKind, AppointmentStatus, AppointmentType, WorkingHours
from appointments.services import appointment_book, appointment_mark
from careplans.services import care_plan_create
from clients.models import Client, ConsentPurpose
from clients.services import consent_record
from core.clinic_time import clinic_tz
from core.exceptions import ApplicationError
from demo.gait import demo_gait_seed

logger = logging.getLogger(__name__)

DEMO_STAFF = [
    # username, password, role, first name, last name
    ("admin", "stride-admin-2026", "Clinic admin", "Alex", "Morgan"),
    ("reception", "stride-desk-2026", "Reception", "Rita", "Desk"),
    ("therapist", "stride-physio-2026", "Therapist", "Theo", "Hart"),
]

DEMO_CLIENTS = [
    {"first_name": "Jamie", "last_name": "Rivers", "date_of_birth": date(1988, 4, 12), "sex": "F",
         "email": "jamie.rivers@example.com", "phone": "07700 900101", "goal_race": "London Marathon",
         "presenting_complaint": "Lateral knee pain after 10 km", "pain_region": "knee (lateral)",
         "pain_side": "RIGHT", "pain_score": 4},
    {"first_name": "Sam", "last_name": "Okafor", "date_of_birth": date(1979, 11, 3), "sex": "M",
         "email": "sam.okafor@example.com", "phone": "07700 900102", "goal_race": "Half marathon",
         "presenting_complaint": "Pain on top of the left foot", "pain_region": "foot (dorsum)",
         "pain_side": "LEFT", "pain_location_detail": "top of left foot, lateral three toes", "pain_score": 3},
    {"first_name": "Priya", "last_name": "Shah", "date_of_birth": date(1995, 7, 21), "sex": "F",
         "email": "priya.shah@example.com", "phone": "07700 900103", "goal_race": "Parkrun PB",
         "presenting_complaint": "Hip pain in mid-stance", "pain_region": "hip (lateral)", "pain_side": "LEFT",
         "pain_score": 5},
]


JAMIE, SAM, PRIYA = range(3)


class DemoVisit(NamedTuple):
    client: int  # index into DEMO_CLIENTS
    kind: str
    days: int  # after the day the demo is seeded
    at: time  # clinic-local


# Day 0 is the day of seeding, so the therapist's and reception's Today screens have something on:
# treatments that have already started are marked attended; the assessment is left for staff to
# mark (which books the six-weekly reassessment).
DEMO_DIARY = [
    DemoVisit(JAMIE, AppointmentKind.INITIAL_ASSESSMENT, 0, time(9)),
    DemoVisit(SAM, AppointmentKind.TREATMENT, 0, time(11)),
    DemoVisit(PRIYA, AppointmentKind.TREATMENT, 0, time(14, 30)),
    DemoVisit(SAM, AppointmentKind.TREATMENT, 1, time(11)),
    DemoVisit(JAMIE, AppointmentKind.TREATMENT, 2, time(15)),
    DemoVisit(SAM, AppointmentKind.REASSESSMENT, 3, time(10)),
]


@transaction.atomic
def demo_data_seed(*, now: datetime) -> list[tuple[str, str, str]]:
    """Create the demo staff, clients, hours and diary if missing; return (username, password, role) rows.

    Safe to run again: a later day only adds that day's appointments, so the Today screen is never empty;
    Priya's gait sessions are made once.
    """
    for username, password, role, first, last in DEMO_STAFF:
        if not User.objects.filter(username=username).exists():
            user_create(username=username, password=password, roles=[role], first_name=first, last_name=last,
                        email=f"{username}@stridewell.example")
    clients = [
        Client.objects.get_or_create(first_name=data["first_name"], last_name=data["last_name"], defaults=data)[0]
        for data in DEMO_CLIENTS
    ]
    therapist = User.objects.get(username="therapist")
    today = timezone.localdate(now, clinic_tz())
    if not WorkingHours.objects.filter(therapist=therapist).exists():
        _demo_practice(therapist=therapist, clients=clients, today=today, now=now)
        _demo_book(therapist=therapist, clients=clients, today=today, now=now,
                   visits=[visit for visit in DEMO_DIARY if visit.days > 0])
    if not _appointments_on(today, therapist=therapist).exists():
        _demo_book(therapist=therapist, clients=clients, today=today, now=now,
                   visits=[visit for visit in DEMO_DIARY if visit.days == 0])
        _demo_attend(_appointments_on(today, therapist=therapist), now=now)
    demo_gait_seed(client=clients[PRIYA], therapist=therapist, today=today)
    return [(username, password, role) for username, password, role, *_ in DEMO_STAFF]


def _demo_practice(*, therapist, clients, today: date, now: datetime) -> None:
    """Working hours, consents, and one client due for reassessment."""
    for weekday in range(7):  # every day, so the demo diary is never empty whatever day it is seeded
        WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time=time(8), end_time=time(19))
    for client in clients:
        for purpose in ConsentPurpose.values:
            consent_record(client=client, purpose=purpose, granted=True, recorded_by=therapist, now=now,
                           note="Demo data")
    # Assessed seven weeks ago and never rebooked: shows on the recall list.
    care_plan_create(client=clients[PRIYA], therapist=therapist, start_date=today - timedelta(weeks=7),
                     goal="Run a parkrun PB without hip pain", created_by=therapist)


def _demo_book(*, therapist, clients, today: date, now: datetime, visits: list[DemoVisit]) -> None:
    types = {t.kind: t for t in AppointmentType.objects.all()}
    booked_at = now - timedelta(weeks=1)  # as if booked last week, so this morning's visits can be booked too
    for visit in visits:
        starts_at = datetime.combine(today + timedelta(days=visit.days), visit.at, tzinfo=clinic_tz())
        try:
            appointment_book(client=clients[visit.client], therapist=therapist, appointment_type=types[visit.kind],
                             starts_at=starts_at, now=booked_at, created_by=therapist)
        except ApplicationError as refused:  # e.g. a booking from an earlier run of the demo is in the way
            logger.info("Demo appointment at %s skipped: %s", starts_at, refused.message)


def _demo_attend(appointments, *, now: datetime) -> None:
    started = appointments.filter(starts_at__lte=now, appointment_type__kind=AppointmentKind.TREATMENT)
    for appointment in started:
        appointment_mark(appointment=appointment, status=AppointmentStatus.ATTENDED, now=now,
                         changed_by=appointment.therapist)


def _appointments_on(day: date, *, therapist):
    start = datetime.combine(day, time.min, tzinfo=clinic_tz())
    return Appointment.objects.filter(therapist=therapist, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
