from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from .jobs import job_claim, job_done, job_failed, job_publish_on_commit, jobs_sweep
from .models import Heartbeat, JobStatus, OutboundEmail
from .selectors import clinic_settings

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


@transaction.atomic
def demo_data_seed(*, now: datetime) -> list[tuple[str, str, str]]:
    """Create the demo staff, clients, hours and diary if missing; return (username, password, role) rows."""
    from accounts.models import User
    from accounts.services import user_create
    from clients.models import Client

    for username, password, role, first, last in DEMO_STAFF:
        if not User.objects.filter(username=username).exists():
            user_create(username=username, password=password, roles=[role], first_name=first, last_name=last,
                        email=f"{username}@stridewell.example")
    clients = [
        Client.objects.get_or_create(first_name=data["first_name"], last_name=data["last_name"], defaults=data)[0]
        for data in DEMO_CLIENTS
    ]
    _demo_diary(therapist=User.objects.get(username="therapist"), clients=clients, now=now)
    return [(username, password, role) for username, password, role, *_ in DEMO_STAFF]


def _demo_diary(*, therapist, clients, now: datetime) -> None:
    """Working hours, consents, a few bookings this week and one client due for reassessment."""
    from django.utils import timezone

    from appointments.models import AppointmentKind, AppointmentType, WorkingHours
    from appointments.services import appointment_book
    from careplans.services import care_plan_create
    from clients.models import ConsentPurpose
    from clients.services import consent_record

    if WorkingHours.objects.filter(therapist=therapist).exists():
        return  # already seeded
    for weekday in range(6):  # Monday to Saturday, so the demo diary is never empty
        WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time=time(8), end_time=time(19))
    for client in clients:
        for purpose in ConsentPurpose.values:
            consent_record(client=client, purpose=purpose, granted=True, recorded_by=therapist, now=now,
                           note="Demo data")
    types = {t.kind: t for t in AppointmentType.objects.all()}
    today = timezone.localdate(now)
    plan = [  # (client, type, days from today, hour)
        (clients[0], AppointmentKind.INITIAL_ASSESSMENT, 1, 9),
        (clients[1], AppointmentKind.TREATMENT, 1, 11),
        (clients[0], AppointmentKind.TREATMENT, 2, 15),
        (clients[1], AppointmentKind.REASSESSMENT, 3, 10),
    ]
    for client, kind, days, hour in plan:
        day = today + timedelta(days=days)
        if day.weekday() == 6:
            day += timedelta(days=1)
        starts_at = timezone.make_aware(datetime.combine(day, time(hour)))
        appointment_book(client=client, therapist=therapist, appointment_type=types[kind], starts_at=starts_at,
                         now=now, created_by=therapist)
    # Assessed seven weeks ago and never rebooked: shows on the recall list.
    care_plan_create(client=clients[2], therapist=therapist, start_date=today - timedelta(weeks=7),
                     goal="Run a parkrun PB without hip pain", created_by=therapist)


# Outgoing email -----------------------------------------------------------------------------
# Bodies are templates: templates/emails/<name>_subject.txt, <name>.txt and <name>.html.


def _email_context(context: dict) -> dict:
    return {
        "clinic_name": clinic_settings().name,
        "reply_to": settings.EMAIL_REPLY_TO,
        "clinic_phone": settings.CLINIC_PHONE,
        "clinic_email": settings.CLINIC_EMAIL,
        **context,
    }


def email_queue(
    *, to: str, template: str, context: dict, purpose: str, now: datetime,
    attachments: list[dict] | None = None, contains_secret: bool = False,
) -> OutboundEmail:
    """Render an email and promise to send it: call inside the transaction that causes it.

    The row commits (or not) with that transaction; the worker is nudged after the commit. Never
    blocks on the broker. `contains_secret` blanks the bodies once sent (e.g. a single-use link).
    """
    context = _email_context(context)
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "stridewell.invalid"
    email = OutboundEmail.objects.create(
        purpose=purpose,
        message_id=make_msgid(domain=domain),
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=settings.EMAIL_REPLY_TO,
        subject=" ".join(render_to_string(f"emails/{template}_subject.txt", context).split())[:255],
        text_body=render_to_string(f"emails/{template}.txt", context),
        html_body=render_to_string(f"emails/{template}.html", context),
        attachments=attachments or [],
        forget_body_when_finished=contains_secret,
        created_at=now,
        run_after=now,
    )
    job_publish_on_commit(email)
    return email


def _email_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Message-ID": email.message_id},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for part in email.attachments:
        message.attach(part["filename"], part["content"], part["mimetype"])
    return message


def email_send(*, email_id: int, now: datetime) -> bool:
    """Send one queued email if nobody else is sending or has sent it; True if this call sent it.

    The one window for a duplicate: the mail server accepted the message and the worker died
    before the next statement marked the row sent. The resend carries the same Message-ID.
    """
    email = job_claim(OutboundEmail, email_id, now=now)
    if email is None:
        return False
    forget = {"text_body": "", "html_body": ""} if email.forget_body_when_finished else {}
    try:
        _email_message(email).send()
    except Exception as exc:  # noqa: BLE001 - any mail failure is retried, then shown to staff
        logger.warning("Email #%s (%s) failed on attempt %s: %s", email.pk, email.purpose, email.attempts, exc)
        job_failed(email, now=now, error=f"{type(exc).__name__}: {exc}", **forget)
        return False
    job_done(email, now=now, **forget)
    return True


def emails_forget_recipient(*, address: str, now: datetime) -> int:
    """GDPR erasure: blank every email to this address; one not yet sent is never sent."""
    if not address:
        return 0
    rows = OutboundEmail.objects.filter(to__iexact=address)
    rows.filter(status=JobStatus.QUEUED).update(
        status=JobStatus.FAILED, finished_at=now, last_error="Not sent: the recipient's personal data was erased."
    )
    return rows.update(to="", reply_to="", subject="(erased)", text_body="", html_body="", attachments=[])


# Background plumbing ------------------------------------------------------------------------


def background_sweep(*, now: datetime) -> dict[str, int]:
    """Beat, every minute on a worker: prove the worker runs, and see every job to its end."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"at": now})
    return jobs_sweep(now=now)
