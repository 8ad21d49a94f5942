"""Writes about care plans: plan lifecycle, the six-weekly reassessment scheduler, one-click
booking from the recall list and client self-booking links."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urljoin

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from accounts.selectors import THERAPIST_REQUIRED, UnknownTherapist, is_therapist, therapist_get
from appointments.ics import appointment_ics
from appointments.models import Appointment, AppointmentKind, AppointmentStatus, AppointmentType, BookedVia
from appointments.selectors import free_slots
from appointments.services import appointment_book
from clients.models import ConsentPurpose
from clients.selectors import client_has_consent, client_is_bookable, client_not_bookable_reason
from clients.services import require_consent
from core.clinic_time import clinic_tz, local_display
from core.exceptions import ApplicationError, ConflictError
from core.models import REASSESSMENT_WEEKS_MAX, REASSESSMENT_WEEKS_MIN
from core.selectors import clinic_name, clinic_settings
from core.services import email_queue

from . import selectors
from .models import CarePlan, CarePlanStatus, SelfBookingInvite

logger = logging.getLogger(__name__)

INVITE_VALID_DAYS = 7
INVITE_SLOT_COUNT = 3


class CarePlanError(ApplicationError):
    code = "care_plan_refused"


class SelfBookingError(ApplicationError):
    """A self-booking link that cannot be used; the message is safe to show the client."""

    code = "self_booking_refused"


class InviteInvalid(SelfBookingError):
    status_code = 404
    code = "invite_invalid"


class InviteExpired(SelfBookingError):
    status_code = 410
    code = "invite_expired"


class InviteUsed(SelfBookingError):
    status_code = 410
    code = "invite_used"


class InviteWithdrawn(SelfBookingError):
    status_code = 410
    code = "invite_withdrawn"


class SlotTaken(SelfBookingError):
    status_code = 409
    code = "slot_taken"


def _check_therapist(therapist) -> None:
    if not isinstance(therapist, User) or not is_therapist(therapist):
        raise CarePlanError(f"Unknown therapist. {THERAPIST_REQUIRED}")


def _check_client(client) -> None:
    reason = client_not_bookable_reason(client)
    if reason is not None:
        raise CarePlanError(reason)


def _check_interval(weeks) -> None:
    if weeks is None or not REASSESSMENT_WEEKS_MIN <= int(weeks) <= REASSESSMENT_WEEKS_MAX:
        raise CarePlanError(
            f"The reassessment interval must be from {REASSESSMENT_WEEKS_MIN} to {REASSESSMENT_WEEKS_MAX} weeks."
        )


def _save_active(plan: CarePlan) -> None:
    """Save; the partial unique constraint refuses a second ACTIVE plan even under a race."""
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        if "careplan_one_active_per_client" in str(exc):
            other = CarePlan.objects.filter(client_id=plan.client_id, status=CarePlanStatus.ACTIVE).first()
            raise ConflictError(
                "This client already has an active care plan; pause or discharge it first.",
                extra={"active_care_plan_id": other.id if other else None},
            ) from None
        raise


# Plan lifecycle ----------------------------------------------------------------------------
def care_plan_create(
    *,
    client,
    therapist,
    start_date: date,
    goal: str = "",
    reassessment_interval_weeks: int | None = None,
    next_reassessment_due: date | None = None,
    created_by=None,
) -> CarePlan:
    """Start an ACTIVE plan. The interval defaults to the clinic's; the first reassessment is due
    one interval after the start unless a date is given."""
    _check_client(client)
    _check_therapist(therapist)
    if reassessment_interval_weeks is None:
        reassessment_interval_weeks = clinic_settings().reassessment_interval_weeks
    _check_interval(reassessment_interval_weeks)
    if start_date is None:
        raise CarePlanError("Give the plan's start date.")
    plan = CarePlan(
        client=client,
        therapist=therapist,
        goal=(goal or "").strip(),
        start_date=start_date,
        reassessment_interval_weeks=reassessment_interval_weeks,
        next_reassessment_due=next_reassessment_due or start_date + timedelta(weeks=reassessment_interval_weeks),
        created_by=created_by,
    )
    _save_active(plan)
    return plan


UPDATABLE_FIELDS = ("therapist", "goal", "start_date", "reassessment_interval_weeks", "next_reassessment_due")


@transaction.atomic
def care_plan_update(*, plan: CarePlan, data: dict) -> CarePlan:
    """Change a plan's therapist, goal, dates or interval (not its status: see pause/resume/discharge)."""
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == CarePlanStatus.DISCHARGED:
        raise CarePlanError("A discharged care plan cannot be changed; start a new plan instead.")
    unknown = set(data) - set(UPDATABLE_FIELDS)
    if unknown:
        raise CarePlanError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if "therapist" in data:
        _check_therapist(data["therapist"])
    if "reassessment_interval_weeks" in data:
        _check_interval(data["reassessment_interval_weeks"])
    if "start_date" in data and data["start_date"] is None:
        raise CarePlanError("Give the plan's start date.")
    for name, value in data.items():
        setattr(plan, name, value.strip() if name == "goal" and isinstance(value, str) else value)
    plan.save()
    return plan


@transaction.atomic
def care_plan_pause(*, plan: CarePlan, now: datetime) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != CarePlanStatus.ACTIVE:
        raise CarePlanError(f"Only an active plan can be paused; this one is {plan.get_status_display().lower()}.")
    plan.status, plan.paused_at = CarePlanStatus.PAUSED, now
    plan.save(update_fields=["status", "paused_at", "updated_at"])
    return plan


@transaction.atomic
def care_plan_resume(*, plan: CarePlan, now: datetime) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != CarePlanStatus.PAUSED:
        raise CarePlanError(f"Only a paused plan can be resumed; this one is {plan.get_status_display().lower()}.")
    _check_client(plan.client)
    plan.status, plan.paused_at = CarePlanStatus.ACTIVE, None
    today = now.astimezone(clinic_tz()).date()
    if plan.next_reassessment_due is None:
        plan.next_reassessment_due = today
    _save_active(plan)
    return plan


@transaction.atomic
def care_plan_discharge(*, plan: CarePlan, now: datetime) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == CarePlanStatus.DISCHARGED:
        raise CarePlanError("This plan is already discharged.")
    plan.status, plan.discharged_at = CarePlanStatus.DISCHARGED, now
    plan.save(update_fields=["status", "discharged_at", "updated_at"])
    return plan


def care_plan_set_status(*, plan: CarePlan, action: str, now: datetime) -> CarePlan:
    actions = {"pause": care_plan_pause, "resume": care_plan_resume, "discharge": care_plan_discharge}
    if action not in actions:
        raise CarePlanError("Choose pause, resume or discharge.")
    return actions[action](plan=plan, now=now)


# The six-weekly scheduler ------------------------------------------------------------------
class Outcome:
    BOOKED_SAME_TIME = "booked_same_time"
    BOOKED_NEARBY = "booked_nearby"
    RECALL = "recall"
    ALREADY_SCHEDULED = "already_scheduled"
    ALREADY_BOOKED = "already_booked"
    NOT_SCHEDULED = "not_scheduled"


@dataclass(frozen=True)
class ScheduleResult:
    outcome: str
    plan: CarePlan | None = None
    appointment: Appointment | None = None
    due: date | None = None
    reason: str = ""
    plan_created: bool = False

    @property
    def summary(self) -> str:
        """What happened, for the member of staff who marked the visit attended."""
        parts = ["A care plan was started."] if self.plan_created else []
        if self.outcome in (Outcome.BOOKED_SAME_TIME, Outcome.BOOKED_NEARBY):
            parts.append(
                f"Next reassessment booked for {local_display(self.appointment.starts_at)} "
                f"with {self.appointment.therapist.display_name}."
            )
        elif self.outcome in (Outcome.ALREADY_BOOKED, Outcome.ALREADY_SCHEDULED) and self.appointment is not None:
            parts.append(f"Next reassessment already booked for {local_display(self.appointment.starts_at)}.")
        elif self.outcome == Outcome.RECALL:
            due = date_format(self.due, "D j M Y")
            reason = self.reason.rstrip(".")
            parts.append(
                f"Next reassessment due {due}, not booked ({reason[:1].lower()}{reason[1:]}): "
                "the client is on the recall list."
            )
        elif self.outcome == Outcome.NOT_SCHEDULED and self.reason:
            parts.append(f"No reassessment was scheduled: {self.reason[0].lower()}{self.reason[1:]}")
        return " ".join(parts)


def _plan_for_visit(visit: Appointment) -> tuple[CarePlan | None, bool]:
    """The client's ACTIVE plan (locked) and whether it was created now. An initial assessment
    with no plan at all (or only discharged ones) starts a new ACTIVE plan led by the assessing
    therapist; a paused plan is respected: nothing is created or scheduled until staff resume it."""
    plans = CarePlan.objects.select_for_update().filter(client_id=visit.client_id)
    plan = plans.filter(status=CarePlanStatus.ACTIVE).first()
    if plan is not None or visit.appointment_type.kind != AppointmentKind.INITIAL_ASSESSMENT:
        return plan, False
    if plans.filter(status=CarePlanStatus.PAUSED).exists():
        return None, False
    try:
        with transaction.atomic():
            created = CarePlan.objects.create(
                client_id=visit.client_id,
                therapist=visit.therapist,
                start_date=visit.starts_at.astimezone(clinic_tz()).date(),
                reassessment_interval_weeks=clinic_settings().reassessment_interval_weeks,
            )
            return created, True
    except IntegrityError:
        # Another visit of the same client created it first.
        return plans.filter(status=CarePlanStatus.ACTIVE).first(), False


def _try_book(*, visit, rtype, starts_at, now) -> Appointment | None:
    try:
        return appointment_book(
            client=visit.client,
            therapist=visit.therapist,
            appointment_type=rtype,
            starts_at=starts_at,
            now=now,
            booked_via=BookedVia.AUTO,
            scheduled_from=visit,
        )
    except ApplicationError as refused:  # taken, outside hours, in the past...
        logger.info("Reassessment for visit #%s not booked at %s: %s", visit.pk, starts_at, refused.message)
        return None


@transaction.atomic
def reassessment_schedule_next(*, appointment, now: datetime) -> ScheduleResult:
    """Schedule the reassessment that follows an attended (re)assessment. Idempotent.

    The next reassessment is due `plan.reassessment_interval_weeks` after the visit's local date:
    1. the same therapist at the same local wall-clock time on the due date, if free;
    2. else the free slot of that therapist nearest in time to it within ±3 working days
       (Mon–Fri), never in the past;
    3. else nothing is booked and the plan, with its due date, shows on the recall list.
    Nothing is booked if the client already has a BOOKED reassessment after the visit.
    Runs once per visit: the visit row is locked, and a visit that already scheduled a
    follow-up (Appointment.scheduled_from is unique) or already set the plan's due date is left alone.
    """
    visit = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("appointment_type", "client", "therapist")
        .get(pk=appointment.pk)
    )
    if visit.status != AppointmentStatus.ATTENDED or not visit.appointment_type.is_assessment:
        return ScheduleResult(Outcome.NOT_SCHEDULED, reason="Only an attended assessment or reassessment schedules.")
    existing = Appointment.objects.filter(scheduled_from=visit).first()
    if existing is not None:
        return ScheduleResult(
            Outcome.ALREADY_SCHEDULED, appointment=existing, due=existing.starts_at.astimezone(clinic_tz()).date()
        )
    if not client_is_bookable(visit.client):
        return ScheduleResult(Outcome.NOT_SCHEDULED, reason="The client is archived or erased.")
    plan, created = _plan_for_visit(visit)
    if plan is None:
        return ScheduleResult(Outcome.NOT_SCHEDULED, reason="The client has no active care plan.")
    if plan.last_assessment_id == visit.id:
        return ScheduleResult(Outcome.ALREADY_SCHEDULED, plan=plan, due=plan.next_reassessment_due)
    last = plan.last_assessment
    if last is not None and last.starts_at > visit.starts_at:
        return ScheduleResult(Outcome.NOT_SCHEDULED, plan=plan, reason="A later visit already set the schedule.")

    tz = clinic_tz()
    local_start = visit.starts_at.astimezone(tz)
    due = local_start.date() + timedelta(weeks=plan.reassessment_interval_weeks)
    # Same wall-clock time on the due date (zoneinfo picks the right UTC offset across DST).
    target = datetime.combine(due, local_start.time(), tzinfo=tz)
    plan.next_reassessment_due = due
    plan.last_assessment = visit
    plan.save(update_fields=["next_reassessment_due", "last_assessment", "updated_at"])

    upcoming = (
        Appointment.objects.filter(
            client_id=visit.client_id,
            appointment_type__kind=AppointmentKind.REASSESSMENT,
            status=AppointmentStatus.BOOKED,
            starts_at__gte=visit.ends_at,
        )
        .order_by("starts_at")
        .first()
    )
    if upcoming is not None:
        # Staff already booked the next reassessment (e.g. at the desk before the visit was
        # marked): the client is not booked twice.
        return ScheduleResult(Outcome.ALREADY_BOOKED, plan=plan, plan_created=created, appointment=upcoming, due=due)

    rtype = visit.appointment_type
    if rtype.kind != AppointmentKind.REASSESSMENT:
        rtype = selectors.reassessment_type()
    if rtype is None:
        return ScheduleResult(
            Outcome.RECALL, plan=plan, plan_created=created, due=due, reason="No reassessment appointment type exists."
        )

    if not client_has_consent(visit.client, ConsentPurpose.TREATMENT):
        return ScheduleResult(
            Outcome.RECALL,
            plan=plan,
            plan_created=created,
            due=due,
            reason="No current consent to assessment and treatment is recorded.",
        )

    if target >= now:
        booked = _try_book(visit=visit, rtype=rtype, starts_at=target, now=now)
        if booked is not None:
            return ScheduleResult(
                Outcome.BOOKED_SAME_TIME, plan=plan, plan_created=created, appointment=booked, due=due
            )

    window_start, window_end = selectors.reassessment_window(due)
    if window_end > now:
        candidates = free_slots(
            appointment_type=rtype,
            after=max(now, window_start),
            before=window_end - timedelta(minutes=1),
            therapist=visit.therapist,
            count=10_000,
        )
        candidates.sort(key=lambda slot: (abs(slot.starts_at - target), slot.starts_at))
        for slot in candidates[:5]:
            booked = _try_book(visit=visit, rtype=rtype, starts_at=slot.starts_at, now=now)
            if booked is not None:
                return ScheduleResult(
                    Outcome.BOOKED_NEARBY, plan=plan, plan_created=created, appointment=booked, due=due
                )
    return ScheduleResult(
        Outcome.RECALL, plan=plan, plan_created=created, due=due, reason="No free slot near the due date."
    )


# Recall list: one-click booking ------------------------------------------------------------
@transaction.atomic
def recall_book(*, plan: CarePlan, therapist_id, starts_at: datetime, now: datetime, booked_by) -> Appointment:
    """Book a plan's reassessment from the recall list (raises BookingError/ConflictError/CarePlanError)."""
    plan = CarePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if plan.status != CarePlanStatus.ACTIVE:
        raise CarePlanError(f"This care plan is {plan.get_status_display().lower()}; nothing is booked for it.")
    _check_client(plan.client)
    try:
        therapist = therapist_get(therapist_id=therapist_id)
    except UnknownTherapist as exc:
        raise CarePlanError(exc.message) from None
    if starts_at is None or timezone.is_naive(starts_at):
        raise CarePlanError("Give the slot's start time with its time zone.")
    already = selectors.future_reassessments(client=plan.client, now=now).first()
    if already is not None:
        raise ConflictError(
            f"{plan.client.full_name} already has a reassessment booked for {local_display(already.starts_at)}.",
            extra={"appointment_id": already.id},
        )
    rtype = selectors.reassessment_type()
    if rtype is None:
        raise CarePlanError("No reassessment appointment type exists; a clinic admin must add one.")
    return appointment_book(
        client=plan.client,
        therapist=therapist,
        appointment_type=rtype,
        starts_at=starts_at,
        now=now,
        created_by=booked_by,
        booked_via=BookedVia.STAFF,
    )


# Self-booking links --------------------------------------------------------------------------
@dataclass(frozen=True)
class SentInvite:
    invite: SelfBookingInvite
    token: str


@transaction.atomic
def self_booking_invite_create(*, plan: CarePlan, site_url: str, now: datetime, created_by=None) -> SentInvite:
    """Create a single-use link offering a few free reassessment slots and queue its email (in
    this transaction; the link is built here, so the raw token never goes through the broker).
    `site_url` is where clients reach the site, e.g. "https://clinic.example/". Refuses without
    an email address or consent to email."""
    plan = CarePlan.objects.select_for_update().select_related("client", "therapist").get(pk=plan.pk)
    client = plan.client
    if plan.status != CarePlanStatus.ACTIVE:
        raise CarePlanError(f"This care plan is {plan.get_status_display().lower()}; no booking link is sent.")
    _check_client(client)
    if not client.email:
        raise CarePlanError(
            f"{client.full_name} has no email address on record: add one, or book the reassessment by phone."
        )
    require_consent(client, ConsentPurpose.CONTACT_EMAIL)
    already = selectors.future_reassessments(client=client, now=now).first()
    if already is not None:
        raise ConflictError(
            f"{client.full_name} already has a reassessment booked for {local_display(already.starts_at)}.",
            extra={"appointment_id": already.id},
        )
    # The plan's therapist first (one a day); other therapists only make up the number.
    slots = selectors.recall_slot_options(plan=plan, now=now, count=INVITE_SLOT_COUNT, others=0, one_per_day=True)
    if not slots:
        raise CarePlanError("There are no free reassessment slots to offer; book the client by phone.")
    rtype = selectors.reassessment_type()
    token = secrets.token_urlsafe(32)
    invite = SelfBookingInvite.objects.create(
        client=client,
        plan=plan,
        token_hash=selectors.token_hash(token),
        offered_slots=[
            {"therapist_id": s.therapist_id, "appointment_type_id": rtype.id, "starts_at": s.starts_at.isoformat()}
            for s in slots[:INVITE_SLOT_COUNT]
        ],
        created_at=now,
        expires_at=now + timedelta(days=INVITE_VALID_DAYS),
        created_by=created_by,
    )
    link = urljoin(site_url, reverse("careplans:self-book", args=[token]))
    invite.email = email_queue(
        to=client.email,
        template="self_booking_invite",
        purpose="self-booking link",
        now=now,
        context={
            "first_name": client.first_name,
            "link": link,
            "expires": date_format(timezone.localtime(invite.expires_at, clinic_tz()), "l j F Y, H:i"),
        },
        contains_secret=True,
    )
    invite.save(update_fields=["email"])
    return SentInvite(invite=invite, token=token)


def _invite_refusal(invite: SelfBookingInvite, now: datetime) -> SelfBookingError | None:
    if invite.used_at is not None:
        return InviteUsed("This booking link has already been used. Each link books one appointment only.")
    if invite.expires_at <= now:
        when = date_format(timezone.localtime(invite.expires_at, clinic_tz()), "j F Y")
        return InviteExpired(f"This booking link expired on {when}. Please contact the clinic for a new one.")
    if invite.plan.status != CarePlanStatus.ACTIVE or not client_is_bookable(invite.client):
        return InviteWithdrawn("This booking link is no longer needed. Please contact the clinic.")
    return None


def self_booking_check(*, token: str, now: datetime) -> SelfBookingInvite:
    """The usable invite for a link, or the SelfBookingError saying why it cannot be used."""
    invite = selectors.self_booking_invite_for_token(token)
    if invite is None:
        raise InviteInvalid(
            "This booking link is not valid. Check that you opened the whole link from the email, "
            "or contact the clinic for a new one."
        )
    refusal = _invite_refusal(invite, now)
    if refusal is not None:
        raise refusal
    return invite


def self_booking_book(*, token: str, slot_index, now: datetime) -> Appointment:
    """Book one of the link's offered slots. All or nothing: the link is spent only if the booking is made."""
    invite = self_booking_check(token=token, now=now)
    try:
        slot = next(s for s in selectors.offered_slots(invite) if s.index == int(slot_index))
    except (StopIteration, TypeError, ValueError):
        raise SlotTaken("Please choose one of the times offered.") from None
    with transaction.atomic():
        # Claim the link: a concurrent second use waits on this row and then finds used_at set.
        claimed = SelfBookingInvite.objects.filter(pk=invite.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        if not claimed:
            invite.refresh_from_db()
            raise _invite_refusal(invite, now) or InviteUsed("This booking link has already been used.")
        if selectors.future_reassessments(client=invite.client, now=now).exists():
            raise InviteWithdrawn("Your reassessment has already been booked. Please contact the clinic to change it.")
        if slot.starts_at <= now:
            raise SlotTaken("That time has passed. Please choose another.")
        try:
            appointment = appointment_book(
                client=invite.client,
                therapist=therapist_get(therapist_id=slot.therapist_id),
                appointment_type=AppointmentType.objects.get(pk=slot.appointment_type_id),
                starts_at=slot.starts_at,
                now=now,
                booked_via=BookedVia.SELF,
            )
        except ApplicationError:
            raise SlotTaken("Sorry, that time has just been taken. Please choose another.") from None
        invite.appointment = appointment
        invite.confirmation_email = email_queue(
            to=invite.client.email,
            template="self_booking_confirmation",
            purpose="self-booking confirmation",
            now=now,
            context={
                "first_name": invite.client.first_name,
                "appointment_type": appointment.appointment_type.name.lower(),
                "when": local_display(appointment.starts_at),
            },
            attachments=[
                {
                    "filename": "appointment.ics",
                    "content": appointment_ics(appointment=appointment, clinic_name=clinic_name(), now=now)
                    .decode(),
                    "mimetype": "text/calendar",
                }
            ],
        )
        invite.save(update_fields=["appointment", "confirmation_email"])
    return appointment
