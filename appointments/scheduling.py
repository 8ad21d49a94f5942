"""Pure scheduling arithmetic: working intervals, exceptions, free slots.

No Django models here: callers pass plain values, so the rules are testable on their own.
All datetimes are timezone-aware; working hours are wall-clock times in the clinic's time
zone, turned into instants per calendar day (so a 09:00 start stays 09:00 across DST).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


def day_intervals(day: date, blocks: Iterable[tuple[int, time, time]], tz: ZoneInfo) -> list[Interval]:
    """The working intervals on `day` from weekly blocks (weekday, start, end) in local time.

    Returned in UTC so that later arithmetic is exact across a DST change.
    """
    return sorted(
        (local(day, start, tz), local(day, end, tz)) for weekday, start, end in blocks if weekday == day.weekday()
    )


def local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract(intervals: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """Remove every hole from the intervals."""
    result = merge(intervals)
    for hole_start, hole_end in merge(holes):
        pieces = []
        for start, end in result:
            if hole_end <= start or hole_start >= end:
                pieces.append((start, end))
                continue
            if start < hole_start:
                pieces.append((start, hole_start))
            if hole_end < end:
                pieces.append((hole_end, end))
        result = pieces
    return result


def available_intervals(
    day: date,
    blocks: Iterable[tuple[int, time, time]],
    leave: Iterable[Interval],
    extra: Iterable[Interval],
    tz: ZoneInfo,
) -> list[Interval]:
    """Regular hours on `day`, plus extra hours, minus leave."""
    day_start, day_end = local(day, time.min, tz), local(day + timedelta(days=1), time.min, tz)
    extra_today = [(max(s, day_start), min(e, day_end)) for s, e in extra if s < day_end and e > day_start]
    return subtract(merge([*day_intervals(day, blocks, tz), *extra_today]), leave)


def fits(intervals: Iterable[Interval], start: datetime, end: datetime) -> bool:
    return any(s <= start and end <= e for s, e in intervals)


def free_starts(
    available: Iterable[Interval], busy: Iterable[Interval], duration: timedelta, step: timedelta, not_before: datetime
) -> Iterator[datetime]:
    """Start times, on a `step` grid from each interval's start, where `duration` fits and nothing is busy."""
    for start, end in subtract(available, busy):
        slot = start
        if slot < not_before:
            # Round up to the next grid point at or after not_before.
            steps = -(-(not_before - start) // step)
            slot = start + steps * step
        while slot + duration <= end:
            yield slot
            slot += step
