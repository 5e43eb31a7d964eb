"""Busy periods from an iCalendar text: the parser shared by the scheduling capability (CalDAV
objects) and the sandboxed worker (feeds fetched from a URL, untrusted files like any other).

Recurring events are expanded only inside the asked window (exceptions and cancelled occurrences
honoured); all-day events take the whole local day in the owner's zone; TRANSP:TRANSPARENT
("show as free") and STATUS:CANCELLED events take nothing. More than ``MAX_OCCURRENCES`` events in
the window is refused rather than read forever.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events  # type: ignore[import-untyped]
from icalendar import Calendar

MAX_OCCURRENCES = 20_000


def _as_utc(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A DTSTART/DTEND value as UTC: a date is local midnight, a floating time is local too."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=zone).astimezone(UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone).astimezone(UTC)
    return value.astimezone(UTC)


def busy_periods(
    text: str | bytes, start: datetime, end: datetime, zone: str
) -> list[tuple[datetime, datetime]]:
    """The busy periods in [start, end), in UTC; ValueError (or the parser's own) when malformed."""
    tz = ZoneInfo(zone)
    cal = Calendar.from_ical(text)
    query = recurring_ical_events.of(cal, components=["VEVENT"])
    out: list[tuple[datetime, datetime]] = []
    for n, event in enumerate(query.between(start, end)):
        if n >= MAX_OCCURRENCES:
            raise ValueError(f"more than {MAX_OCCURRENCES} events in the window")
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        dtstart = event.get("DTSTART")
        if dtstart is None:
            continue
        s = _as_utc(dtstart.dt, tz)
        dtend = event.get("DTEND")
        if dtend is not None:
            e = _as_utc(dtend.dt, tz)
        elif event.get("DURATION") is not None:
            e = s + event["DURATION"].dt
        elif not isinstance(dtstart.dt, datetime):
            e = _as_utc(dtstart.dt + timedelta(days=1), tz)
        else:
            e = s
        if e > s and e > start and s < end:
            out.append((s, e))
    return out


def busy_json(data: bytes, start: str, end: str, zone: str) -> list[list[str]]:
    """The worker's job: the periods as ISO strings (its answer is JSON)."""
    found = busy_periods(data, datetime.fromisoformat(start), datetime.fromisoformat(end), zone)
    return [[s.isoformat(), e.isoformat()] for s, e in found]
