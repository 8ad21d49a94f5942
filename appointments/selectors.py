from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from accounts.selectors import is_therapist, therapist_list
from clients.models import ConsentPurpose
from clients.selectors import consent_granted_expression
from clients.timeline import TimelineEntry
from core.clinic_time import clinic_tz
from core.exceptions import NotFoundError

from . import scheduling
from .filters import AppointmentFilter
from .models import (
    OCCUPYING_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    AppointmentType,
    AvailabilityException,
    Reminder,
    Room,
    WorkingHours,
)


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
    hours = WorkingHours.objects.filter(therapist_id__in=therapist_ids)
    for therapist_id, weekday, start_time, end_time in hours.values_list(
        "therapist_id", "weekday", "start_time", "end_time"
    ):
        blocks[therapist_id].append((weekday, start_time, end_time))
    window_start = scheduling.local(first, datetime.min.time(), tz)
    window_end = scheduling.local(last + timedelta(days=1), datetime.min.time(), tz)
    leave: dict[int, list] = {tid: [] for tid in therapist_ids}
    extra: dict[int, list] = {tid: [] for tid in therapist_ids}
    exceptions = AvailabilityException.objects.filter(
        therapist_id__in=therapist_ids, starts_at__lt=window_end, ends_at__gt=window_start
    )
    for therapist_id, kind, starts_at, ends_at in exceptions.values_list(
        "therapist_id", "kind", "starts_at", "ends_at"
    ):
        target = leave if kind == AvailabilityException.Kind.LEAVE else extra
        target[therapist_id].append((starts_at, ends_at))
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
    # Windows of 1, 2, 4, then 7 days: the next slots are usually within a day or two, and a
    # week of a busy clinic's free time is tens of thousands of candidate slots to build and sort.
    window_days = 1
    while week_start <= last_day and len(slots) < count:
        week_end = min(week_start + timedelta(days=window_days - 1), last_day)
        slots.extend(_free_in_window(therapists, week_start, week_end, duration, step, after, before, room))
        week_start = week_end + timedelta(days=1)
        window_days = min(window_days * 2, 7)
    slots.sort(key=lambda s: (s.starts_at, s.therapist_name))
    return slots[:count]


# An appointment never runs past the end of its own (local) day: the booking rules fit it inside
# that day's working hours. So one that overlaps a window starts at most a day before it, and this
# lower bound lets the (therapist, starts_at) index read just the window instead of all history.
MAX_APPOINTMENT_SPAN = timedelta(days=1, hours=1)


def _free_in_window(therapists, first, last, duration, step, after, before, room) -> list[Slot]:
    tz = clinic_tz()
    window_start = scheduling.local(first, datetime.min.time(), tz)
    window_end = scheduling.local(last + timedelta(days=1), datetime.min.time(), tz)
    available = _available_by_therapist(list(therapists), first, last)
    busy: dict[int, list] = {tid: [] for tid in therapists}
    room_busy: list = []
    occupying = (
        Appointment.objects.filter(status__in=OCCUPYING_STATUSES, starts_at__lt=window_end, ends_at__gt=window_start)
        .filter(starts_at__gte=window_start - MAX_APPOINTMENT_SPAN)
        .filter(Q(therapist_id__in=list(therapists)) | Q(room=room) if room else Q(therapist_id__in=list(therapists)))
    )
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


# Calendar ------------------------------------------------------------------------------

ROW_MINUTES = 15
SLOT_MINUTES = 30


@dataclass(frozen=True)
class CalendarEntry:
    """One appointment as the calendar shows it: clinic-local times and its grid position."""

    id: int
    therapist_id: int
    day: date
    starts_local: datetime
    ends_local: datetime
    label: str
    client_name: str
    type_name: str
    kind: str
    colour: str
    status: str
    status_label: str
    room_name: str
    row: int
    span: int


@dataclass(frozen=True)
class FreeCell:
    therapist_id: int
    day: date
    starts_local: datetime
    row: int
    span: int


@dataclass
class Calendar:
    days: list[date]
    therapists: list
    first_hour: int
    last_hour: int
    entries: dict  # (therapist_id, day) -> [CalendarEntry]
    free: dict  # (therapist_id, day) -> [FreeCell]
    cancelled: list[CalendarEntry]

    @property
    def hours(self) -> list[tuple[int, int]]:
        """(hour, grid row) for the time axis."""
        return [(h, 2 + (h - self.first_hour) * 60 // ROW_MINUTES) for h in range(self.first_hour, self.last_hour)]

    @property
    def rows(self) -> int:
        return (self.last_hour - self.first_hour) * 60 // ROW_MINUTES


def _grid_position(start: datetime, end: datetime, first_hour: int, last_hour: int) -> tuple[int, int]:
    """Grid row (2 = first_hour; row 1 is the header) and span in quarter hours, from wall-clock times.

    Wall-clock minutes, not UTC differences: on the day the clocks change 09:00 is still row 9h.
    """
    top, bottom = first_hour * 60, last_hour * 60
    start_min = max(top, min(bottom - ROW_MINUTES, start.hour * 60 + start.minute))
    end_min = end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60
    end_min = max(start_min + ROW_MINUTES, min(bottom, end_min))
    return 2 + (start_min - top) // ROW_MINUTES, max(1, -(-(end_min - start_min) // ROW_MINUTES))


def calendar_get(
    *, first_day: date, num_days: int, therapist=None, now: datetime | None = None, with_free: bool = True
) -> Calendar:
    """Everything a day or week calendar shows, in a fixed number of queries whatever the size.

    `therapist` None means the whole clinic. Free cells (for click-to-book) are the therapist's
    working time not taken by an occupying appointment, on a 30-minute grid, from `now` on
    (skipped with `with_free=False`, e.g. for the whole-clinic week, which has no time grid).
    """
    tz = clinic_tz()
    days = [first_day + timedelta(days=i) for i in range(num_days)]
    therapists = [therapist] if therapist is not None else list(therapist_list())
    ids = [t.id for t in therapists]
    window_start = scheduling.local(days[0], datetime.min.time(), tz)
    window_end = scheduling.local(days[-1] + timedelta(days=1), datetime.min.time(), tz)
    available = _available_by_therapist(ids, days[0], days[-1])
    rows = list(
        Appointment.objects.filter(therapist_id__in=ids, starts_at__lt=window_end, ends_at__gt=window_start)
        .filter(starts_at__gte=window_start - MAX_APPOINTMENT_SPAN)
        .order_by("starts_at", "id")
        .values_list(
            "id",
            "therapist_id",
            "starts_at",
            "ends_at",
            "status",
            "client__first_name",
            "client__last_name",
            "appointment_type__name",
            "appointment_type__kind",
            "appointment_type__colour",
            "room__name",
        )
    )
    # Visible hours: at least 08:00-18:00, widened to every working interval and appointment.
    first_hour, last_hour = 8, 18
    for intervals in available.values():
        for start, end in intervals:
            s, e = start.astimezone(tz), end.astimezone(tz)
            first_hour = min(first_hour, s.hour)
            last_hour = max(last_hour, 24 if e.date() > s.date() else e.hour + (1 if e.minute else 0))
    local_rows = []
    for row in rows:
        s, e = row[2].astimezone(tz), row[3].astimezone(tz)
        local_rows.append((row, s, e))
        first_hour = min(first_hour, s.hour)
        last_hour = max(last_hour, 24 if e.date() > s.date() else e.hour + (1 if e.minute else 0))
    labels = dict(AppointmentStatus.choices)
    entries: dict = {(tid, day): [] for tid in ids for day in days}
    cancelled: list[CalendarEntry] = []
    busy: dict = {tid: [] for tid in ids}
    for (aid, tid, starts_at, ends_at, status, first, last, type_name, kind, colour, room), s, e in local_rows:
        row, span = _grid_position(s, e, first_hour, last_hour)
        entry = CalendarEntry(
            aid, tid, s.date(), s, e, f"{s:%H:%M}–{e:%H:%M}", f"{first} {last}".strip(), type_name,
            kind.lower().replace("_", "-"), colour, status.lower().replace("_", "-"), labels[status],
            room or "", row, span,
        )  # fmt: skip
        if status == AppointmentStatus.CANCELLED:
            cancelled.append(entry)
            continue
        busy[tid].append((starts_at, ends_at))
        if (tid, entry.day) in entries:
            entries[(tid, entry.day)].append(entry)
    free: dict = {key: [] for key in entries}
    step = timedelta(minutes=SLOT_MINUTES)
    not_before = now or window_start
    for (tid, day), intervals in available.items() if with_free else ():
        cells = []
        for start in scheduling.free_starts(intervals, busy[tid], step, step, not_before):
            s = start.astimezone(tz)
            row, span = _grid_position(s, s + step, first_hour, last_hour)
            cells.append(FreeCell(tid, day, s, row, span))
        free[(tid, day)] = cells
    return Calendar(days, therapists, first_hour, last_hour, entries, free, cancelled)


# Appointments ----------------------------------------------------------------------------


def appointment_list(*, filters: dict | None = None) -> QuerySet[Appointment]:
    """Appointments filtered by AppointmentFilter (therapist, client, status, date_from, date_to)."""
    qs = Appointment.objects.select_related("client", "therapist", "appointment_type", "room").order_by(
        "starts_at", "id"
    )
    filterset = AppointmentFilter(data=filters or {}, queryset=qs)
    if not filterset.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in filterset.errors.items()})
    return filterset.qs


def appointment_get(*, appointment_id) -> Appointment:
    try:
        return Appointment.objects.select_related("client", "therapist", "appointment_type", "room").get(
            pk=appointment_id
        )
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such appointment.") from None


# Higher apps (e.g. treatment notes) add sections to the appointment page with
# `register_appointment_section`; each is a callable (user, appointment) -> dict | None with
# "title", "template" and its own context, and returns None for users who may not see it.
_appointment_sections = []


def register_appointment_section(section) -> None:
    if section not in _appointment_sections:
        _appointment_sections.append(section)


def appointment_detail(*, appointment_id, user) -> dict:
    appointment = appointment_get(appointment_id=appointment_id)
    sections = (section(user, appointment) for section in _appointment_sections)
    return {
        "appointment": appointment,
        "history": list(appointment.history.select_related("changed_by")),
        "reminders": list(appointment.reminders.all()),
        "sections": [section for section in sections if section],
    }


def client_appointments_timeline(*, client, user, now: datetime, limit: int | None) -> list:
    """Timeline source: the client's appointments with their status (not clinical: reception
    sees that a visit happened, never what was found). Two queries."""
    if not user.has_perm("appointments.view_appointment"):
        return []
    base = Appointment.objects.filter(client=client).select_related("appointment_type", "therapist")
    upcoming = base.filter(starts_at__gte=now).order_by("starts_at", "id")
    past = base.filter(starts_at__lt=now).order_by("-starts_at", "-id")
    if limit is not None:
        upcoming, past = upcoming[:limit], past[:limit]
    return [
        TimelineEntry(
            at=appointment.starts_at,
            kind="appointment",
            kind_label="Appointment",
            title=f"{appointment.appointment_type.name} with {appointment.therapist.display_name}",
            status=appointment.get_status_display(),
            url=reverse("appointments:detail", args=[appointment.pk]),
        )
        for appointment in [*upcoming, *past]
    ]


def appointment_history(*, appointment: Appointment) -> QuerySet[AppointmentStatusChange]:
    return appointment.history.select_related("changed_by").order_by("changed_at", "id")


def therapists_for_booking() -> QuerySet:
    return therapist_list()


def appointments_today(*, user, today: date) -> list[Appointment]:
    """A therapist's own appointments today; anyone else with access sees the whole clinic's."""
    tz = clinic_tz()
    start = scheduling.local(today, datetime.min.time(), tz)
    end = scheduling.local(today + timedelta(days=1), datetime.min.time(), tz)
    qs = Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if is_therapist(user):
        qs = qs.filter(therapist=user)
    return list(qs.select_related("client", "therapist", "appointment_type", "room").order_by("starts_at", "id"))


# Availability (read by all staff) ----------------------------------------------------------


def working_hours_list() -> QuerySet[WorkingHours]:
    return WorkingHours.objects.select_related("therapist").order_by("therapist_id", "weekday", "start_time")


def availability_exception_list() -> QuerySet[AvailabilityException]:
    return AvailabilityException.objects.select_related("therapist").order_by("starts_at", "id")


def room_list() -> QuerySet[Room]:
    return Room.objects.order_by("name")


def appointment_type_list() -> QuerySet[AppointmentType]:
    return AppointmentType.objects.order_by("name")


def appointment_type_get(*, type_id) -> AppointmentType:
    try:
        return AppointmentType.objects.get(pk=type_id)
    except (AppointmentType.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(f"Unknown appointment type: {type_id}.") from None


# Reminders ---------------------------------------------------------------------------------


def reminders_due(*, now: datetime, hours_before: int) -> QuerySet[Appointment]:
    """Booked appointments starting within `hours_before` hours whose client can be emailed (an
    address and a current consent to appointment emails) and who has not yet had a reminder for
    the appointment's current start time."""
    already = Reminder.objects.filter(appointment=OuterRef("pk"), for_starts_at=OuterRef("starts_at"))
    return (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=hours_before),
            client__archived_at__isnull=True,
            client__erased_at__isnull=True,
        )
        .exclude(client__email="")
        .alias(may_email=consent_granted_expression(ConsentPurpose.CONTACT_EMAIL, "client_id"))
        .filter(may_email=True)
        .filter(~Exists(already))
        .order_by("starts_at", "id")
    )
