"""Free slots for a panel: a pure function of working hours, busy periods and the rules of a request.

No database and no network here, so the hand-worked cases in the tests (a DST change, buffers,
notice, recurring and all-day events, a panel of three) pin the rule exactly. Times are aware
datetimes; working hours are read in each person's own zone, day by day, so a DST change moves
the UTC hours of a working day and never its local ones.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]

# Bookings claim an interviewer's time in blocks of this many minutes (links.py): any two
# overlapping bookings share a block, so the database refuses the second.
BLOCK_MINUTES = 15
DEFAULT_DAYS = frozenset({0, 1, 2, 3, 4})  # Monday to Friday
DEFAULT_START, DEFAULT_END = 9 * 60, 17 * 60


@dataclass(frozen=True)
class WorkingHours:
    """The days (Monday = 0) and local hours (minutes after midnight) someone takes interviews."""

    zone: str
    days: frozenset[int] = DEFAULT_DAYS
    start_minute: int = DEFAULT_START
    end_minute: int = DEFAULT_END


@dataclass(frozen=True)
class Person:
    """One interviewer as the computation sees them. ``unknown``: a calendar could not be read, so
    their busy times are not all known and no slot of theirs may be called free."""

    user_id: int
    hours: WorkingHours
    busy: tuple[Interval, ...] = ()
    unknown: bool = False


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    unknown: tuple[int, ...] = field(default=())  # people whose calendar could not be read

    @property
    def free(self) -> bool:
        """Free for certain: every calendar of the panel was read."""
        return not self.unknown


def _at(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The local wall time ``minute`` after midnight of ``day``, as UTC (24:00 is the next midnight)."""
    local = datetime.combine(day, time(0), tzinfo=tz) + timedelta(minutes=minute)
    # Wall-clock arithmetic: re-attach the zone so the offset is the one valid at that local time.
    return local.replace(tzinfo=tz).astimezone(UTC)


def working_windows(hours: WorkingHours, start: datetime, end: datetime) -> list[Interval]:
    """The person's working periods overlapping [start, end), in UTC, in order."""
    tz = ZoneInfo(hours.zone)
    if hours.end_minute <= hours.start_minute:
        return []
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    out: list[Interval] = []
    while day <= last:
        if day.weekday() in hours.days:
            ws, we = _at(day, hours.start_minute, tz), _at(day, hours.end_minute, tz)
            if we > start and ws < end:
                out.append((ws, we))
        day += timedelta(days=1)
    return out


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, overlapping or touching intervals joined; empty ones dropped."""
    out: list[Interval] = []
    for s, e in sorted(i for i in intervals if i[1] > i[0]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class _Busy:
    """One person's merged busy intervals, asked "anything in [s, e)?" by bisection."""

    def __init__(self, busy: Iterable[Interval]):
        self.intervals = merge(busy)
        self.ends = [e for _s, e in self.intervals]

    def overlaps(self, s: datetime, e: datetime) -> bool:
        i = bisect.bisect_right(self.ends, s)  # the first interval ending after s
        return i < len(self.intervals) and self.intervals[i][0] < e


def free_slots(
    people: Sequence[Person],
    *,
    start: datetime,
    end: datetime,
    duration_minutes: int,
    now: datetime,
    notice_minutes: int = 0,
    buffer_before: int = 0,
    buffer_after: int = 0,
    step_minutes: int = 30,
    limit: int | None = None,
) -> list[Slot]:
    """Slots of ``duration_minutes`` in [start, end) where the whole panel is at work and free.

    A slot starts no earlier than ``now`` + notice, lies inside one working period of each person,
    and keeps ``buffer_before`` / ``buffer_after`` minutes clear of anything in their calendars.
    Starts step by ``step_minutes`` from the beginning of each working period. A person whose
    calendar is unknown leaves the slot listed with their id in ``unknown``: never free.
    """
    if not people or duration_minutes <= 0:
        return []
    length = timedelta(minutes=duration_minutes)
    before, after = timedelta(minutes=buffer_before), timedelta(minutes=buffer_after)
    earliest = max(start, now + timedelta(minutes=notice_minutes))
    windows = {p.user_id: working_windows(p.hours, start, end) for p in people}
    busy = {p.user_id: _Busy(p.busy) for p in people}
    unknown = tuple(sorted(p.user_id for p in people if p.unknown))
    step = timedelta(minutes=max(5, step_minutes))
    starts: set[datetime] = set()
    for wins in windows.values():
        for ws, we in wins:
            t = ws
            while t + length <= we:
                starts.add(t)
                t += step
    out: list[Slot] = []
    for s in sorted(starts):
        e = s + length
        if s < earliest or e > end:
            continue
        if not all(any(ws <= s and e <= we for ws, we in windows[p.user_id]) for p in people):
            continue
        if any(busy[p.user_id].overlaps(s - before, e + after) for p in people):
            continue
        out.append(Slot(s, e, unknown))
        if limit is not None and len(out) >= limit:
            break
    return out


def blocks(start: datetime, end: datetime) -> list[datetime]:
    """The BLOCK_MINUTES blocks (UTC, on the hour's grid) that [start, end) touches."""
    size = timedelta(minutes=BLOCK_MINUTES)
    first = start.astimezone(UTC).replace(second=0, microsecond=0)
    first -= timedelta(minutes=first.minute % BLOCK_MINUTES)
    out = []
    t = first
    while t < end:
        out.append(t)
        t += size
    return out


def working_days_end(start: datetime, days: int, zone: str) -> datetime:
    """The end (next local midnight) of the ``days``-th working day (Monday to Friday) after ``start``."""
    tz = ZoneInfo(zone)
    day = start.astimezone(tz).date()
    counted = 0
    while counted < max(1, days):
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return _at(day, 24 * 60, tz)
