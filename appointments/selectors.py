from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.selectors import therapist_list

from . import scheduling
from .models import OCCUPYING_STATUSES, Appointment, AppointmentType, AvailabilityException, Room, WorkingHours


def clinic_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def overlapping(*, starts_at: datetime, ends_at: datetime, therapist=None, room=None, exclude_id=None) -> QuerySet:
    """Occupying appointments of the therapist or the room that overlap [starts_at, ends_at)."""
    who = Q()
    if therapist is not None:
        who |= Q(therapist=therapist)
    if room is not None:
        who |= Q(room=room)
    clashes = Appointment.objects.filter(
        who, status__in=OCCUPYING_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude_id is not None:
        clashes = clashes.exclude(id=exclude_id)
    return clashes.select_related("client", "therapist", "room").order_by("starts_at")


def treadmill_room() -> Room | None:
    return Room.objects.filter(has_treadmill=True).order_by("id").first()


def therapist_available_intervals(*, therapist, day: date) -> list[scheduling.Interval]:
    return _available_by_therapist([therapist.id], day, day)[(therapist.id, day)]


def _available_by_therapist(therapist_ids: list[int], first: date, last: date) -> dict:
    """{(therapist_id, day): available intervals} for every day in [first, last], in two queries."""
    tz = clinic_tz()
    blocks: dict[int, list] = {tid: [] for tid in therapist_ids}
    for wh in WorkingHours.objects.filter(therapist_id__in=therapist_ids):
        blocks[wh.therapist_id].append((wh.weekday, wh.start_time, wh.end_time))
    window_start = scheduling.local(first, datetime.min.time(), tz)
    window_end = scheduling.local(last + timedelta(days=1), datetime.min.time(), tz)
    leave: dict[int, list] = {tid: [] for tid in therapist_ids}
    extra: dict[int, list] = {tid: [] for tid in therapist_ids}
    exceptions = AvailabilityException.objects.filter(
        therapist_id__in=therapist_ids, starts_at__lt=window_end, ends_at__gt=window_start
    )
    for exc in exceptions:
        target = leave if exc.kind == AvailabilityException.Kind.LEAVE else extra
        target[exc.therapist_id].append((exc.starts_at, exc.ends_at))
    result = {}
    day = first
    while day <= last:
        for tid in therapist_ids:
            result[(tid, day)] = scheduling.available_intervals(day, blocks[tid], leave[tid], extra[tid], tz)
        day += timedelta(days=1)
    return result


@dataclass(frozen=True)
class Slot:
    therapist_id: int
    therapist_name: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None


def free_slots(
    *,
    appointment_type: AppointmentType,
    after: datetime,
    count: int = 10,
    therapist=None,
    step_minutes: int = 15,
    horizon_days: int = 60,
    before: datetime | None = None,
) -> list[Slot]:
    """The next `count` free slots for the type, for one therapist or any, ordered by time.

    Looks a week at a time so a busy calendar costs a few queries, not one per day.
    """
    therapists = {t.id: t for t in ([therapist] if therapist is not None else therapist_list())}
    if not therapists:
        return []
    duration = timedelta(minutes=appointment_type.duration_minutes)
    step = timedelta(minutes=step_minutes)
    room = treadmill_room() if appointment_type.needs_treadmill else None
    if appointment_type.needs_treadmill and room is None:
        return []
    tz = clinic_tz()
    first_day = after.astimezone(tz).date()
    last_day = first_day + timedelta(days=horizon_days)
    if before is not None:
        last_day = min(last_day, before.astimezone(tz).date())
    slots: list[Slot] = []
    week_start = first_day
    while week_start <= last_day and len(slots) < count:
        week_end = min(week_start + timedelta(days=6), last_day)
        slots.extend(_free_in_window(therapists, week_start, week_end, duration, step, after, before, room))
        week_start = week_end + timedelta(days=1)
    slots.sort(key=lambda s: (s.starts_at, s.therapist_name))
    return slots[:count]


def _free_in_window(therapists, first, last, duration, step, after, before, room) -> list[Slot]:
    tz = clinic_tz()
    window_start = scheduling.local(first, datetime.min.time(), tz)
    window_end = scheduling.local(last + timedelta(days=1), datetime.min.time(), tz)
    available = _available_by_therapist(list(therapists), first, last)
    busy: dict[int, list] = {tid: [] for tid in therapists}
    room_busy: list = []
    occupying = Appointment.objects.filter(
        status__in=OCCUPYING_STATUSES, starts_at__lt=window_end, ends_at__gt=window_start
    ).filter(Q(therapist_id__in=list(therapists)) | Q(room=room) if room else Q(therapist_id__in=list(therapists)))
    for therapist_id, room_id, starts_at, ends_at in occupying.values_list(
        "therapist_id", "room_id", "starts_at", "ends_at"
    ):
        if therapist_id in busy:
            busy[therapist_id].append((starts_at, ends_at))
        if room is not None and room_id == room.id:
            room_busy.append((starts_at, ends_at))
    slots = []
    for (tid, _day), intervals in sorted(available.items(), key=lambda item: item[0][1]):
        for start in scheduling.free_starts(intervals, busy[tid] + room_busy, duration, step, after):
            if before is not None and start > before:
                break
            therapist = therapists[tid]
            slots.append(Slot(tid, therapist.display_name, start, start + duration, room.id if room else None))
    return slots
