"""The client timeline: everything that happened or will happen to a client, newest first.

`clients` sits low in the layering, so it knows nothing of appointments, care plans or notes.
Higher apps register a *source* in their AppConfig.ready():

    register_timeline_source(source)

A source is a callable `source(*, client, user, now, limit) -> list[TimelineEntry]` returning
at most `limit` upcoming entries (at >= now, soonest first) and at most `limit` past entries
(newest first), or every entry when `limit` is None, in a constant number of queries. It leaves
out what `user` may not see; entries marked `clinical` are dropped again here for users without
clients.view_clinical, so reception never sees clinical content on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from core.clinic_time import clinic_tz

# Entries shown per section (upcoming, past) before "show all".
TIMELINE_LIMIT = 10

_sources: list = []


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # short machine name, e.g. "appointment", "care_plan", "treatment_note"
    kind_label: str  # what a person reads, e.g. "Appointment"
    title: str
    status: str = ""
    url: str = ""
    clinical: bool = False
    all_day: bool = False  # a date without a time of day (e.g. a care plan's start)


def register_timeline_source(source) -> None:
    if source not in _sources:
        _sources.append(source)


def day_start(day: date) -> datetime:
    """A date as the start of that day in the clinic's time zone, for date-only entries."""
    return datetime.combine(day, time.min, tzinfo=clinic_tz())


@dataclass(frozen=True)
class Timeline:
    upcoming: list[TimelineEntry]
    past: list[TimelineEntry]
    # True when entries were left out to keep the page short ("show all" brings them).
    truncated: bool


def client_timeline(*, client, user, now: datetime, limit: int | None = TIMELINE_LIMIT) -> Timeline:
    """Upcoming entries (soonest first) and past entries (newest first) for this user."""
    may_see_clinical = user.has_perm("clients.view_clinical")
    # One more than shown, so we know whether anything was left out.
    ask = None if limit is None else limit + 1
    entries = [
        entry
        for source in _sources
        for entry in source(client=client, user=user, now=now, limit=ask)
        if may_see_clinical or not entry.clinical
    ]
    upcoming = sorted((e for e in entries if e.at >= now), key=lambda e: e.at)
    past = sorted((e for e in entries if e.at < now), key=lambda e: e.at, reverse=True)
    if limit is None:
        return Timeline(upcoming=upcoming, past=past, truncated=False)
    truncated = len(upcoming) > limit or len(past) > limit
    return Timeline(upcoming=upcoming[:limit], past=past[:limit], truncated=truncated)
