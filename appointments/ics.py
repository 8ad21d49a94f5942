"""iCalendar (.ics) files for appointments. Times are written in UTC (``...Z``), which every
calendar program converts to its user's own zone, so no VTIMEZONE block is needed."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event


def appointment_ics(*, appointment, clinic_name: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Stridewell//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@stridewell")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", f"{appointment.appointment_type.name} at {clinic_name}")
    event.add("description", f"With {appointment.therapist.display_name}.")
    if appointment.room_id:
        event.add("location", f"{clinic_name}, {appointment.room.name}")
    else:
        event.add("location", clinic_name)
    calendar.add_component(event)
    return calendar.to_ical()
