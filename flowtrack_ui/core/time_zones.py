"""Time zones: which zone is a person's, and how a time is shown to them (the one home of both).

A person's zone is an IANA name kept on their account (``User.time_zone``); it starts empty and is
filled once from their browser at the first sign-in, then changed only by them. A time is shown in
the zone it was entered in (an interview's), and in the viewer's own zone beside it when the two
read differently: "Fri 04 Dec 2026, 14:00 Europe/Berlin (13:00 UTC)", never "14:00 UTC (14:00 UTC)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlmodel import Session

from .db import Database, existing
from .errors import InvalidInput
from .models import User
from .permissions import Principal

UTC_NAME = "UTC"
MAX_ZONE_NAME = 64
_LONG = "%a %d %b %Y, %H:%M"
_TIME = "%H:%M"
_DAY_TIME = "%a %d %b, %H:%M"


@dataclass(frozen=True)
class Settings:
    """A person's own settings (``GET /api/me/settings``); more fields come with later features."""

    time_zone: str | None


@cache
def _names() -> frozenset[str]:
    """Read once: listing the time zone database walks its files (about 20 ms)."""
    return frozenset(n for n in available_timezones() if len(n) <= MAX_ZONE_NAME)


@cache
def zone_names() -> tuple[str, ...]:
    """Every zone a person may choose, sorted, for a searchable list."""
    return tuple(sorted(_names()))


def is_zone(name: object) -> bool:
    return isinstance(name, str) and name in _names()


def zone(name: object) -> ZoneInfo:
    """The zone of an IANA name; anything else is refused with a message naming what was given."""
    if not is_zone(name):
        shown = str(name)[:MAX_ZONE_NAME] if isinstance(name, str) else type(name).__name__
        raise InvalidInput(
            f"“{shown}” is not a time zone: use a name like Europe/Lisbon or America/New_York."
        )
    try:
        return ZoneInfo(str(name))
    except ZoneInfoNotFoundError:
        raise InvalidInput(f"“{name}” is not a time zone on this server.") from None


def own_zone(user: User | None) -> str | None:
    """The person's zone, or None while they have none (nothing assumed: callers decide)."""
    if user is None or not is_zone(user.time_zone):
        return None
    return user.time_zone


def entry_zone(s: Session, user_id: int) -> str:
    """The zone a person enters times in (an interview's start): theirs, else UTC."""
    return own_zone(s.get(User, user_id)) or UTC_NAME


def describe(when: datetime, event_zone: str, viewer_zone: str | None = UTC_NAME) -> str:
    """``when`` in the zone it was entered in, then in the viewer's when it reads differently.

    ``viewer_zone`` None shows the event's zone only (a candidate whose zone is unknown). The
    viewer's part carries the day too when it is another day there.
    """
    local = when.astimezone(zone(event_zone))
    text = f"{local:{_LONG}} {event_zone}"
    if not viewer_zone or viewer_zone == event_zone or not is_zone(viewer_zone):
        return text
    theirs = when.astimezone(ZoneInfo(viewer_zone))
    if theirs.utcoffset() == local.utcoffset():
        return text  # the same wall-clock time: once is enough
    shown = f"{theirs:{_TIME}}" if theirs.date() == local.date() else f"{theirs:{_DAY_TIME}}"
    return f"{text} ({shown} {viewer_zone})"


def local_input(when: datetime, zone_name: str) -> str:
    """``when`` as a ``datetime-local`` field's value in ``zone_name`` (``2026-12-01T14:30``)."""
    return f"{when.astimezone(zone(zone_name)):%Y-%m-%dT%H:%M}"


def settings(db: Database, principal: Principal) -> Settings:
    """The caller's own settings; every signed-in person has them."""
    with db.session() as s:
        return Settings(time_zone=own_zone(existing(s, User, principal.user_id)))


def set_time_zone(db: Database, principal: Principal, name: object) -> Settings:
    """The caller chooses their zone (None or "" clears it: times then show in UTC)."""
    chosen = None if name in (None, "") else str(zone(name).key)
    with db.session(write=True) as s:
        user = existing(s, User, principal.user_id)
        user.time_zone = chosen
        s.add(user)
        return Settings(time_zone=chosen)


def remember_browser_zone(db: Database, principal: Principal, name: object) -> str | None:
    """The browser's zone, stored only while the person has none (a choice is never overwritten).

    What a browser reports is not trusted: a name that is no zone is ignored. Returns the
    person's zone afterwards.
    """
    with db.session(write=True) as s:
        user = existing(s, User, principal.user_id)
        if own_zone(user) is None and is_zone(name):
            user.time_zone = str(name)
            s.add(user)
        return own_zone(user)


def now_in(zone_name: str | None, now: datetime | None = None) -> datetime:
    """The current time in a zone (UTC when None)."""
    return (now or datetime.now(UTC)).astimezone(zone(zone_name or UTC_NAME))
