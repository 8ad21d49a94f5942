"""Reads about care plans, the recall list and self-booking links."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from accounts.selectors import UnknownTherapist, therapist_get
from appointments.models import Appointment, AppointmentKind, AppointmentStatus, AppointmentType
from appointments.selectors import Slot, free_slots, overlapping, treadmill_room
from clients.timeline import TimelineEntry, day_start
from core.clinic_time import clinic_tz
from core.exceptions import NotFoundError

from .models import CarePlan, CarePlanStatus, SelfBookingInvite

# How far ahead the recall list looks for reassessments falling due (overridable in settings).
DEFAULT_RECALL_WITHIN_DAYS = 14
MAX_RECALL_WITHIN_DAYS = 365
# The automatic scheduler looks this many working days (Mon–Fri) either side of the due date.
WORKING_DAYS_EITHER_SIDE = 3


def recall_within_days_default() -> int:
    return int(getattr(settings, "RECALL_WITHIN_DAYS", DEFAULT_RECALL_WITHIN_DAYS))


# Care plans ------------------------------------------------------------------------------
def care_plan_list(*, filters: dict | None = None) -> QuerySet[CarePlan]:
    """Care plans, newest first; filters: client (id), status (ACTIVE/PAUSED/DISCHARGED).

    Raises ValidationError naming the bad filter."""
    filters = filters or {}
    plans = CarePlan.objects.select_related("client", "therapist").filter(client__erased_at__isnull=True)
    client_id = filters.get("client")
    if client_id not in (None, ""):
        if not str(client_id).isdigit():
            raise ValidationError({"client": ["Give a client id (a whole number)."]})
        plans = plans.filter(client_id=int(client_id))
    status = filters.get("status")
    if status not in (None, ""):
        status = str(status).upper()
        if status not in CarePlanStatus.values:
            raise ValidationError({"status": [f"Choose one of {', '.join(CarePlanStatus.values)}."]})
        plans = plans.filter(status=status)
    return plans.order_by("-start_date", "-id")


def care_plan_get(*, plan_id) -> CarePlan:
    try:
        return CarePlan.objects.select_related("client", "therapist").get(pk=plan_id, client__erased_at__isnull=True)
    except (CarePlan.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such care plan.") from None


def care_plan_active_for_client(client) -> CarePlan | None:
    return CarePlan.objects.filter(client=client, status=CarePlanStatus.ACTIVE).select_related("therapist").first()


# Scheduling helpers -----------------------------------------------------------------------
def reassessment_type() -> AppointmentType | None:
    """The appointment type reassessments are booked as (the first REASSESSMENT type)."""
    return AppointmentType.objects.filter(kind=AppointmentKind.REASSESSMENT).order_by("id").first()


def shift_working_days(day: date, n: int) -> date:
    """`day` moved by n working days (Mon–Fri); negative n moves back."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if day.weekday() < 5:
            remaining -= 1
    return day


def reassessment_window(due: date) -> tuple[datetime, datetime]:
    """[start, end) of the ± WORKING_DAYS_EITHER_SIDE working-day window around the due date, local time."""
    tz = clinic_tz()
    first = shift_working_days(due, -WORKING_DAYS_EITHER_SIDE)
    last = shift_working_days(due, WORKING_DAYS_EITHER_SIDE)
    return datetime.combine(first, time.min, tzinfo=tz), datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)


def _start_of_day(now: datetime) -> datetime:
    tz = clinic_tz()
    return datetime.combine(now.astimezone(tz).date(), time.min, tzinfo=tz)


def future_reassessments(*, client, now: datetime) -> QuerySet[Appointment]:
    """The client's BOOKED reassessments from the start of today on."""
    return Appointment.objects.filter(
        client=client,
        appointment_type__kind=AppointmentKind.REASSESSMENT,
        status=AppointmentStatus.BOOKED,
        starts_at__gte=_start_of_day(now),
    ).order_by("starts_at")


# Recall list -------------------------------------------------------------------------------
def recall_list(*, now: datetime, within_days: int | None = None) -> QuerySet[CarePlan]:
    """Active plans whose reassessment is overdue, due, or due within `within_days`, with no
    BOOKED reassessment from today on; oldest due first. Archived/erased clients are left out."""
    if within_days is None:
        within_days = recall_within_days_default()
    today = now.astimezone(clinic_tz()).date()
    booked = Appointment.objects.filter(
        client=OuterRef("client"),
        appointment_type__kind=AppointmentKind.REASSESSMENT,
        status=AppointmentStatus.BOOKED,
        starts_at__gte=_start_of_day(now),
    )
    return (
        CarePlan.objects.filter(
            status=CarePlanStatus.ACTIVE,
            next_reassessment_due__isnull=False,
            next_reassessment_due__lte=today + timedelta(days=within_days),
            client__archived_at__isnull=True,
            client__erased_at__isnull=True,
        )
        .exclude(Exists(booked))
        .select_related("client", "therapist")
        .order_by("next_reassessment_due", "id")
    )


def parse_within_days(value) -> int:
    """The recall look-ahead from a query parameter; raises ValidationError if it is not 0–365."""
    if value in (None, ""):
        return recall_within_days_default()
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MAX_RECALL_WITHIN_DAYS:
        raise ValidationError({"within_days": [f"Give a whole number of days from 0 to {MAX_RECALL_WITHIN_DAYS}."]})
    return days


def spread_slots(slots: list[Slot], n: int, *, one_per_day: bool = False) -> list[Slot]:
    """Up to n of the time-ordered slots that do not overlap each other (optionally one a day),
    so that the choices offered are real alternatives, not 09:00, 09:15 and 09:30."""
    tz = clinic_tz()
    chosen: list[Slot] = []
    for slot in slots:
        if len(chosen) >= n:
            break
        if any(slot.starts_at < c.ends_at and c.starts_at < slot.ends_at for c in chosen):
            continue
        if one_per_day and any(
            slot.starts_at.astimezone(tz).date() == c.starts_at.astimezone(tz).date() for c in chosen
        ):
            continue
        chosen.append(slot)
    return chosen


def recall_slot_options(
    *, plan: CarePlan, now: datetime, count: int = 3, others: int = 2, one_per_day: bool = False
) -> list[Slot]:
    """Free reassessment slots to offer for a plan: `count` of the plan's therapist first, then
    `others` of other therapists (more if the plan's therapist has fewer free). Slots start no
    earlier than the due date's working-day window, never in the past, and do not overlap."""
    rtype = reassessment_type()
    if rtype is None:
        return []
    after = now
    if plan.next_reassessment_due:
        after = max(now, reassessment_window(plan.next_reassessment_due)[0])
    fetch = 40 if one_per_day else 4
    own = []
    if plan.therapist.is_active and count:
        own = free_slots(appointment_type=rtype, after=after, count=count * fetch, therapist=plan.therapist)
        own = spread_slots(own, count, one_per_day=one_per_day)
    wanted = max(others, count - len(own))
    rest = []
    if wanted:
        rest = [
            s
            for s in free_slots(appointment_type=rtype, after=after, count=(count + others) * fetch)
            if s.therapist_id != plan.therapist_id
        ]
        rest = spread_slots(rest, wanted, one_per_day=one_per_day)
    return own + rest


@dataclass
class RecallRow:
    plan: CarePlan
    overdue_days: int
    slots: list[Slot] = field(default_factory=list)

    @property
    def due_in_days(self) -> int:
        return -self.overdue_days


def recall_rows(*, plans, now: datetime, with_slots: bool = True) -> list[RecallRow]:
    today = now.astimezone(clinic_tz()).date()
    return [
        RecallRow(
            plan=plan,
            overdue_days=(today - plan.next_reassessment_due).days,
            slots=recall_slot_options(plan=plan, now=now) if with_slots else [],
        )
        for plan in plans
    ]


# Self-booking ----------------------------------------------------------------------------
def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def self_booking_invite_for_token(token: str) -> SelfBookingInvite | None:
    """The invite a link's token belongs to, or None (unknown, mangled or tampered link)."""
    if not token or len(token) > 100:
        return None
    return (
        SelfBookingInvite.objects.select_related("client", "plan", "appointment")
        .filter(token_hash=token_hash(token))
        .first()
    )


@dataclass(frozen=True)
class OfferedSlot:
    index: int
    therapist_id: int
    appointment_type_id: int
    starts_at: datetime
    ends_at: datetime


def offered_slots(invite: SelfBookingInvite) -> list[OfferedSlot]:
    types = {
        t.id: t for t in AppointmentType.objects.filter(id__in={s["appointment_type_id"] for s in invite.offered_slots})
    }
    result = []
    for index, slot in enumerate(invite.offered_slots):
        rtype = types.get(slot["appointment_type_id"])
        if rtype is None:
            continue
        starts_at = datetime.fromisoformat(slot["starts_at"])
        result.append(
            OfferedSlot(
                index, slot["therapist_id"], rtype.id, starts_at, starts_at + timedelta(minutes=rtype.duration_minutes)
            )
        )
    return result


def offered_slots_still_free(invite: SelfBookingInvite, *, now: datetime) -> list[OfferedSlot]:
    """The invite's offered slots that are in the future and still free for therapist and room."""
    room = treadmill_room()
    needs_room = {t.id for t in AppointmentType.objects.filter(needs_treadmill=True)}
    free = []
    for slot in offered_slots(invite):
        if slot.starts_at <= now:
            continue
        try:
            therapist = therapist_get(therapist_id=slot.therapist_id)
        except UnknownTherapist:
            continue  # no longer an active therapist: the slot cannot be booked
        clash = overlapping(
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            therapist=therapist,
            room=room if slot.appointment_type_id in needs_room else None,
        )
        if not clash.exists():
            free.append(slot)
    return free


def recall_counts(*, today: date) -> dict:
    """For the home page: how many unbooked reassessments are overdue or due today, and due soon."""
    start = datetime.combine(today, time.min, tzinfo=clinic_tz())
    due_now = recall_list(now=start, within_days=0).count()
    return {
        "due_now": due_now,
        "due_soon": recall_list(now=start).count() - due_now,
        "within_days": recall_within_days_default(),
    }


def client_care_plans_timeline(*, client, user, now: datetime, limit: int | None) -> list[TimelineEntry]:
    """Timeline source: the client's care plans at their start date, with status and the next
    reassessment due (the goal is clinical and stays on the plan's page). Two queries."""
    if not user.has_perm("careplans.view_careplan"):
        return []
    today = now.astimezone(clinic_tz()).date()
    base = CarePlan.objects.filter(client=client).select_related("therapist")
    upcoming = base.filter(start_date__gt=today).order_by("start_date", "id")
    past = base.filter(start_date__lte=today).order_by("-start_date", "-id")
    if limit is not None:
        upcoming, past = upcoming[:limit], past[:limit]
    entries = []
    for plan in [*upcoming, *past]:
        status = plan.get_status_display()
        due = plan.next_reassessment_due
        if plan.is_active and due:
            status += f" · next reassessment due {due.day} {due:%b %Y}"
        entries.append(
            TimelineEntry(
                at=day_start(plan.start_date),
                kind="care_plan",
                kind_label="Care plan",
                title=f"Care plan with {plan.therapist.display_name}, every {plan.reassessment_interval_weeks} weeks",
                status=status,
                url=reverse("careplans:detail", args=[plan.pk]),
                all_day=True,
            )
        )
    return entries
