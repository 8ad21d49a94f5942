"""Booking rules. Every write to an appointment goes through here."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.selectors import THERAPIST_REQUIRED, is_therapist
from clients.models import ConsentPurpose
from clients.selectors import client_has_consent, client_not_bookable_reason, consent_current
from clients.services import ConsentMissing
from core.clinic_time import clinic_tz, local_day_display, local_display
from core.exceptions import ApplicationError, ConflictError
from core.selectors import clinic_name, clinic_settings
from core.services import email_queue

from . import scheduling
from .ics import appointment_ics
from .models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AppointmentStatusChange,
    AppointmentType,
    AvailabilityException,
    BookedVia,
    Reminder,
    WorkingHours,
)
from .selectors import overlapping, reminders_due, therapist_available_intervals, treadmill_room
from .signals import assessment_attended


class BookingError(ApplicationError):
    code = "booking_refused"


def _check_therapist(therapist) -> None:
    if not is_therapist(therapist):
        raise BookingError(f"Unknown therapist. {THERAPIST_REQUIRED}")


def _check_client(client) -> None:
    reason = client_not_bookable_reason(client)
    if reason is not None:
        raise BookingError(reason)


def _check_treatment_consent(client, appointment_type: AppointmentType) -> None:
    """Booking needs the client's consent to assessment and treatment (README.md, "Consent").

    One exception: an initial assessment may be booked before any decision is recorded, because
    informed consent is taken at that visit, once the therapist has explained the assessment.
    A recorded refusal or withdrawal blocks every booking.
    """
    current = consent_current(client, ConsentPurpose.TREATMENT)
    if current is not None and current.granted:
        return
    extra = {"purpose": ConsentPurpose.TREATMENT, "client_id": client.pk}
    if current is not None:
        raise ConsentMissing(
            f"{client.full_name} has refused or withdrawn consent to assessment and treatment, so no "
            "appointment can be booked. Record their new decision on the client page first.",
            extra=extra,
        )
    if appointment_type.kind != AppointmentKind.INITIAL_ASSESSMENT:
        raise ConsentMissing(
            f"{client.full_name} has no recorded consent to assessment and treatment: record it on the client "
            f"page before booking a {appointment_type.name.lower()}. Only an initial assessment can be booked "
            "first (consent is then taken at that visit).",
            extra=extra,
        )


def _check_time(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if timezone.is_naive(starts_at):
        raise BookingError("The start time must include a time zone.")
    if ends_at <= starts_at:
        raise BookingError("The appointment must end after it starts.")
    if starts_at < now:
        raise BookingError(f"{local_display(starts_at)} is in the past.")


def _check_working_hours(therapist, starts_at: datetime, ends_at: datetime) -> None:
    day = timezone.localtime(starts_at, clinic_tz()).date()
    intervals = therapist_available_intervals(therapist=therapist, day=day)
    if scheduling.fits(intervals, starts_at, ends_at):
        return
    hours = ", ".join(
        f"{timezone.localtime(s, clinic_tz()):%H:%M}–{timezone.localtime(e, clinic_tz()):%H:%M}" for s, e in intervals
    )
    when = f"{local_display(starts_at)}–{timezone.localtime(ends_at, clinic_tz()):%H:%M}"
    if hours:
        raise BookingError(f"Outside {therapist.display_name}'s working hours: {when} is not within {hours}.")
    raise BookingError(
        f"Outside {therapist.display_name}'s working hours: they are not working on {local_day_display(day)}."
    )


def _room_for(appointment_type: AppointmentType, room):
    if not appointment_type.needs_treadmill:
        return room
    if room is not None and room.has_treadmill:
        return room
    found = treadmill_room()
    if found is None:
        raise BookingError(f"{appointment_type.name} needs the treadmill room, and no room has a treadmill.")
    return found


def _raise_clash(*, therapist, room, starts_at, ends_at, exclude_id=None) -> None:
    clash = overlapping(
        therapist=therapist, room=room, starts_at=starts_at, ends_at=ends_at, exclude_id=exclude_id
    ).first()
    if clash is None:
        return
    what = "the therapist" if clash.therapist_id == therapist.id else f"the {clash.room.name}"
    raise ConflictError(
        f"Clashes with appointment #{clash.id} ({clash.appointment_type.name} for {clash.client.full_name}, "
        f"{local_display(clash.starts_at)}–{timezone.localtime(clash.ends_at, clinic_tz()):%H:%M}), which already uses {what}.",
        extra={"clashing_appointment_id": clash.id},
    )


# Advisory-lock namespaces (first key of pg_advisory_xact_lock(int, int)).
_THERAPIST_LOCK, _ROOM_LOCK = 7301, 7302


def _serialize_bookings(*, therapist, room) -> None:
    """Take transaction-scoped locks on the therapist (then the room) being booked.

    Without them, concurrent inserts of overlapping appointments each wait on the other's
    uncommitted row while checking the exclusion constraint, and PostgreSQL aborts some of them
    with "deadlock detected" (an HTTP 500) instead of a clash. With them, bookings of the same
    therapist or room queue for a moment and every loser sees the winner's committed row and gets
    the ConflictError naming it. Always therapist before room, so the locks cannot deadlock.
    """
    if connection.vendor != "postgresql":
        return  # SQLite: the IMMEDIATE transaction already serializes writers
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_THERAPIST_LOCK, therapist.id])
        if room is not None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ROOM_LOCK, room.id])


def _save_or_clash(appointment: Appointment, *, exclude_id=None) -> None:
    """Save; a concurrent booking that won the race surfaces as the exclusion constraint's error."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        _raise_clash(
            therapist=appointment.therapist,
            room=appointment.room,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            exclude_id=exclude_id,
        )
        raise


def _record(appointment: Appointment, *, from_status: str, now: datetime, by, note: str = "") -> None:
    AppointmentStatusChange.objects.create(
        appointment=appointment,
        from_status=from_status,
        to_status=appointment.status,
        changed_at=now,
        changed_by=by,
        note=note,
    )


@transaction.atomic
def appointment_book(
    *,
    client,
    therapist,
    appointment_type: AppointmentType,
    starts_at: datetime,
    now: datetime,
    created_by=None,
    room=None,
    booked_via: str = BookedVia.STAFF,
    scheduled_from: Appointment | None = None,
    notes: str = "",
) -> Appointment:
    """Book an appointment, or raise BookingError / ConflictError saying exactly why not."""
    _check_therapist(therapist)
    _check_client(client)
    _check_treatment_consent(client, appointment_type)
    ends_at = starts_at + timedelta(minutes=appointment_type.duration_minutes)
    _check_time(starts_at, ends_at, now)
    room = _room_for(appointment_type, room)
    _check_working_hours(therapist, starts_at, ends_at)
    _serialize_bookings(therapist=therapist, room=room)
    _raise_clash(therapist=therapist, room=room, starts_at=starts_at, ends_at=ends_at)
    appointment = Appointment(
        client=client,
        therapist=therapist,
        appointment_type=appointment_type,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        booked_via=booked_via,
        scheduled_from=scheduled_from,
        notes=notes,
        created_by=created_by,
    )
    appointment.full_clean(exclude=["scheduled_from"], validate_constraints=False)
    _save_or_clash(appointment)
    _record(
        appointment, from_status="", now=now, by=created_by, note=f"Booked by {BookedVia(booked_via).label.lower()}"
    )
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("client", "therapist", "appointment_type")
        .get(pk=appointment.pk)
    )


def _require_booked(appointment: Appointment, action: str) -> None:
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(
            f"Only a booked appointment can be {action}; this one is {appointment.get_status_display().lower()}."
        )


@transaction.atomic
def appointment_reschedule(
    *, appointment: Appointment, starts_at: datetime, now: datetime, changed_by=None, therapist=None
) -> Appointment:
    appointment = _locked(appointment)
    _require_booked(appointment, "moved")
    therapist = therapist or appointment.therapist
    _check_therapist(therapist)
    ends_at = starts_at + (appointment.ends_at - appointment.starts_at)
    _check_time(starts_at, ends_at, now)
    _check_working_hours(therapist, starts_at, ends_at)
    _serialize_bookings(therapist=therapist, room=appointment.room)
    _raise_clash(
        therapist=therapist, room=appointment.room, starts_at=starts_at, ends_at=ends_at, exclude_id=appointment.id
    )
    old = local_display(appointment.starts_at)
    appointment.therapist, appointment.starts_at, appointment.ends_at = therapist, starts_at, ends_at
    _save_or_clash(appointment, exclude_id=appointment.id)
    _record(appointment, from_status=appointment.status, now=now, by=changed_by, note=f"Moved from {old}")
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, reason: str, now: datetime, changed_by=None) -> Appointment:
    if not reason.strip():
        raise BookingError("Give a reason for the cancellation.")
    appointment = _locked(appointment)
    _require_booked(appointment, "cancelled")
    window = timedelta(hours=clinic_settings().late_cancellation_hours)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason.strip()
    appointment.cancelled_at = now
    appointment.late_cancellation = appointment.starts_at - now < window
    appointment.save()
    _record(appointment, from_status=AppointmentStatus.BOOKED, now=now, by=changed_by, note=appointment.cancel_reason)
    return appointment


@transaction.atomic
def appointment_mark(*, appointment: Appointment, status: str, now: datetime, changed_by=None) -> Appointment:
    """Mark a booked appointment attended or a no-show (not before it has started).

    An attended (re)assessment schedules the next reassessment; what happened is on the returned
    appointment's `follow_up` (a careplans ScheduleResult, with a `summary` for staff), else None.
    """
    if status not in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
        raise BookingError("An appointment can only be marked attended or no-show.")
    appointment = _locked(appointment)
    _require_booked(appointment, f"marked {AppointmentStatus(status).label.lower()}")
    if appointment.starts_at > now:
        raise BookingError("An appointment cannot be marked before it has started.")
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    _record(appointment, from_status=AppointmentStatus.BOOKED, now=now, by=changed_by)
    appointment.follow_up = None
    if status == AppointmentStatus.ATTENDED and appointment.appointment_type.is_assessment:
        # Care plans answer with what they scheduled (a ScheduleResult with a `summary`).
        responses = assessment_attended.send(sender=Appointment, appointment=appointment, now=now)
        appointment.follow_up = next((answer for _, answer in responses if answer is not None), None)
    return appointment


# Reminders -------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


def _reminder_still_due(appointment: Appointment, now: datetime) -> bool:
    client = appointment.client
    return (
        appointment.status == AppointmentStatus.BOOKED
        and appointment.starts_at > now
        and bool(client.email)
        and client.archived_at is None
        and client.erased_at is None
        and client_has_consent(client, ConsentPurpose.CONTACT_EMAIL)
    )


def _reminder_email(appointment: Appointment, *, now: datetime):
    clinic = clinic_name()
    return email_queue(
        to=appointment.client.email,
        template="reminder",
        purpose="reminder",
        now=now,
        context={
            "first_name": appointment.client.first_name,
            "appointment_type": appointment.appointment_type.name.lower(),
            "therapist": appointment.therapist.display_name,
            "when": local_display(appointment.starts_at),
        },
        attachments=[
            {
                "filename": "appointment.ics",
                "content": appointment_ics(appointment=appointment, clinic_name=clinic, now=now).decode(),
                "mimetype": "text/calendar",
            }
        ],
    )


def reminder_queue(*, appointment_id: int, now: datetime) -> Reminder | None:
    """Promise the reminder for one appointment's current start time, at most once.

    The Reminder row (unique per appointment and start time) and its email row are written in
    one transaction; the email is sent after the commit by the worker, and the background
    sweeper sees it through if that worker dies. Returns the reminder, or None if this call did
    not create it (already reminded, or no longer due).
    """
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("client", "therapist", "appointment_type", "room")
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None or not _reminder_still_due(appointment, now):
            return None
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    appointment=appointment,
                    kind=Reminder.Kind.EMAIL,
                    for_starts_at=appointment.starts_at,
                    recipient=appointment.client.email,
                    claimed_at=now,
                )
        except IntegrityError:
            return None
        reminder.email = _reminder_email(appointment, now=now)
        reminder.save(update_fields=["email"])
    return reminder


def reminders_send_due(*, now: datetime) -> int:
    """Queue a reminder email for every client whose booked appointment is within
    ClinicSettings.reminder_hours_before. Idempotent: run it as often as you like (each
    appointment commits on its own, so a run killed half-way loses nothing). Returns how many
    reminders this run queued."""
    hours = clinic_settings().reminder_hours_before
    due = list(reminders_due(now=now, hours_before=hours).values_list("id", flat=True))
    return sum(reminder_queue(appointment_id=appointment_id, now=now) is not None for appointment_id in due)


# Availability, rooms and types (clinic admins) ----------------------------------------------


def _save_validated(instance, data: dict):
    """Apply `data`, validate (model rules and constraints) and save; ValidationError on bad input."""
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance


def _check_availability_therapist(data: dict) -> None:
    therapist = data.get("therapist")
    if therapist is not None and not is_therapist(therapist):
        raise ValidationError({"therapist": [THERAPIST_REQUIRED]})


@transaction.atomic
def availability_save(*, instance, data: dict):
    """Create or update WorkingHours, an AvailabilityException, a Room or an AppointmentType."""
    if isinstance(instance, WorkingHours | AvailabilityException):
        _check_availability_therapist(data)
    return _save_validated(instance, data)


@transaction.atomic
def availability_delete(*, instance) -> None:
    """Delete working hours or an exception; a room or type still used by appointments is kept."""
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError:
        raise ApplicationError(
            f"{instance} is used by existing appointments and cannot be deleted.", extra={}
        ) from None
