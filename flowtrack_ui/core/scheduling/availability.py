"""Each staff member's working hours and calendar connection, and the busy times of a panel.

The CalDAV password and the feed address are sealed at rest (sealed.py) and never leave the core
in a view: the account page and ``/api/me/settings`` see only whether they are set. A connection
is checked at save (the server answers a PROPFIND with these credentials), so a typo is refused
then, not discovered as "unknown" slots later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, select

from .. import time_zones, validation
from ..db import Database, existing
from ..errors import InvalidInput
from ..models import Interview, InterviewInterviewer, StaffAvailability, User
from ..permissions import STAFF_ROLES, Action, Principal, require
from ..sealed import SealedSecretError, seal, unseal
from . import calendars
from .slots import DEFAULT_DAYS, DEFAULT_END, DEFAULT_START, Interval, Person, WorkingHours

log = logging.getLogger("flowtrack.scheduling")

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class AvailabilityView:
    """What the account page and ``/api/me/settings`` show: never a password or a feed address."""

    days: tuple[int, ...]
    start: str  # "09:00"
    end: str
    time_zone: str | None  # the hours' zone; None: the person's own
    caldav_url: str
    caldav_username: str
    caldav_connected: bool  # a password is stored
    ics_connected: bool
    ics_host: str  # only the host of the feed address, so the person recognises it


@dataclass(frozen=True)
class Connection:
    """One person's calendar access, unsealed: only inside the core, for one computation."""

    user_id: int
    name: str
    hours: WorkingHours
    caldav: tuple[str, str, str] | None  # url, username, password
    ics_url: str | None
    broken: str = ""  # a sealed secret this server cannot open


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _minute(value: object, label: str) -> int:
    text = validation.text(value, label, max_len=5)
    try:
        h, m = text.split(":")
        hours, minutes = int(h), int(m)
    except ValueError:
        raise InvalidInput(f"{label} must be a time like 09:00.") from None
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or hours * 60 + minutes > 24 * 60:
        raise InvalidInput(f"{label} must be a time like 09:00.")
    return hours * 60 + minutes


def _days(raw: object) -> frozenset[int]:
    if not isinstance(raw, list | tuple):
        raise InvalidInput("Working days must be a list of weekdays, Monday = 0 to Sunday = 6.")
    try:
        days = frozenset(int(d) for d in raw)
    except (TypeError, ValueError):
        raise InvalidInput("Working days must be a list of weekdays, Monday = 0 to Sunday = 6.") from None
    if not days or not days <= set(range(7)):
        raise InvalidInput("Choose at least one working day (Monday = 0 to Sunday = 6).")
    return days


def hours_of(row: StaffAvailability | None, user: User) -> WorkingHours:
    """The person's working hours: their row, else Monday to Friday 9:00–17:00, in their zone."""
    own = time_zones.own_zone(user) or time_zones.UTC_NAME
    if row is None:
        return WorkingHours(own, DEFAULT_DAYS, DEFAULT_START, DEFAULT_END)
    days = frozenset(int(d) for d in row.days.split(",") if d.strip())
    return WorkingHours(row.time_zone or own, days, row.start_minute, row.end_minute)


def _view(row: StaffAvailability | None, user: User) -> AvailabilityView:
    hours = hours_of(row, user)
    ics_host = ""
    if row is not None and row.ics_url_sealed:
        try:
            ics_host = urlsplit(unseal(row.ics_url_sealed)).hostname or ""
        except SealedSecretError:
            ics_host = "(stored under another key: enter it again)"
    return AvailabilityView(
        days=tuple(sorted(hours.days)),
        start=_hhmm(hours.start_minute),
        end=_hhmm(hours.end_minute),
        time_zone=row.time_zone if row else None,
        caldav_url=row.caldav_url if row else "",
        caldav_username=row.caldav_username if row else "",
        caldav_connected=bool(row and row.caldav_password_sealed),
        ics_connected=bool(row and row.ics_url_sealed),
        ics_host=ics_host,
    )


def _require_staff(principal: Principal) -> None:
    require(principal, Action.SET_OWN_AVAILABILITY)


def get(db: Database, principal: Principal) -> AvailabilityView:
    """The caller's own hours and connections (staff)."""
    if principal.role not in STAFF_ROLES:
        require(principal, Action.SET_OWN_AVAILABILITY)
    with db.session() as s:
        return _view(s.get(StaffAvailability, principal.user_id), existing(s, User, principal.user_id))


def save(db: Database, principal: Principal, fields: Mapping[str, object]) -> AvailabilityView:
    """Change the caller's hours and calendar connection; only the fields given change.

    ``caldav_password`` omitted or empty keeps the stored one; ``caldav_url`` "" disconnects.
    A CalDAV connection is checked against the server before it is stored (blocking, with a
    timeout: callers run this off the event loop).
    """
    _require_staff(principal)
    if not isinstance(fields, Mapping):
        raise InvalidInput("Send the settings as an object.")
    with db.session() as s:
        row = s.get(StaffAvailability, principal.user_id)
        current = {
            "caldav_url": row.caldav_url if row else "",
            "caldav_username": row.caldav_username if row else "",
            "password": row.caldav_password_sealed if row else "",
        }
    changes: dict[str, object] = {}
    if "days" in fields and fields["days"] is not None:
        changes["days"] = ",".join(str(d) for d in sorted(_days(fields["days"])))
    if fields.get("start") is not None:
        changes["start_minute"] = _minute(fields["start"], "Start of the working day")
    if fields.get("end") is not None:
        # "00:00" as the end is midnight at the end of the day (a time field cannot say 24:00).
        changes["end_minute"] = _minute(fields["end"], "End of the working day") or 24 * 60
    if "hours_time_zone" in fields:
        raw = fields["hours_time_zone"]
        changes["time_zone"] = None if raw in (None, "") else str(time_zones.zone(raw).key)
    if "caldav_url" in fields or fields.get("caldav_password") or "caldav_username" in fields:
        url = validation.text(
            fields.get("caldav_url", current["caldav_url"]), "CalDAV address", max_len=500, required=False
        )
        username = validation.text(
            fields.get("caldav_username", current["caldav_username"]),
            "CalDAV user name",
            max_len=200,
            required=False,
        )
        password = validation.text(
            fields.get("caldav_password"), "CalDAV password", max_len=500, required=False
        )
        if not url and password:
            raise InvalidInput("Give the CalDAV address with the password.")
        if not url:
            changes.update(caldav_url="", caldav_username="", caldav_password_sealed="")
        else:
            try:
                calendars.check_url(url)
            except ValueError:
                raise InvalidInput("The CalDAV address must start with https:// (or http://).") from None
            if not password and current["password"]:
                try:
                    password = unseal(str(current["password"]))
                except SealedSecretError as exc:
                    raise InvalidInput(str(exc)) from None
            if not password:
                raise InvalidInput(
                    "Give the CalDAV app password (it is stored encrypted and never shown again)."
                )
            try:
                calendars.check_caldav(url, username, password)
            except calendars.CalendarUnavailable as exc:
                raise InvalidInput(f"Could not connect to that calendar: {exc}.") from None
            changes.update(caldav_url=url, caldav_username=username, caldav_password_sealed=seal(password))
    if "ics_url" in fields:
        feed = validation.text(fields.get("ics_url"), "Calendar feed address", max_len=1000, required=False)
        if feed:
            try:
                calendars.check_url(feed)
            except ValueError:
                raise InvalidInput(
                    "The calendar feed address must start with https:// (or http://)."
                ) from None
            now = datetime.now(UTC)
            try:
                calendars.fetch_feed(feed, now, now + timedelta(days=1), time_zones.UTC_NAME)
            except calendars.CalendarUnavailable as exc:
                raise InvalidInput(f"Could not read that calendar feed: {exc}.") from None
        changes["ics_url_sealed"] = seal(feed) if feed else ""
    with db.session(write=True) as s:
        user = existing(s, User, principal.user_id)
        row = s.get(StaffAvailability, principal.user_id) or StaffAvailability(user_id=principal.user_id)
        for key, value in changes.items():
            setattr(row, key, value)
        if row.end_minute <= row.start_minute:
            raise InvalidInput("The working day must end after it starts.")
        row.updated_at = datetime.now(UTC)
        s.add(row)
        s.flush()
        return _view(row, user)


def connections(s: Session, user_ids: Iterable[int]) -> list[Connection]:
    """The people's hours and unsealed calendar access, in id order (unknown ids are skipped)."""
    ids = sorted(set(user_ids))
    users = {u.id: u for u in s.exec(select(User).where(User.id.in_(ids))).all()}  # type: ignore[union-attr]
    rows = {
        r.user_id: r
        for r in s.exec(select(StaffAvailability).where(StaffAvailability.user_id.in_(ids))).all()
    }  # type: ignore[attr-defined]
    out = []
    for uid in ids:
        user = users.get(uid)
        if user is None:
            continue
        row = rows.get(uid)
        caldav = None
        ics = None
        broken = ""
        try:
            if row and row.caldav_url and row.caldav_password_sealed:
                caldav = (row.caldav_url, row.caldav_username, unseal(row.caldav_password_sealed))
            if row and row.ics_url_sealed:
                ics = unseal(row.ics_url_sealed)
        except SealedSecretError:
            broken = "a stored calendar secret cannot be decrypted"
        out.append(Connection(uid, user.full_name, hours_of(row, user), caldav, ics, broken))
    return out


def interview_busy(
    s: Session, user_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """FlowTrack's own scheduled interviews of these people overlapping [start, end)."""
    out: dict[int, list[Interval]] = {uid: [] for uid in user_ids}
    rows = s.exec(
        select(InterviewInterviewer.user_id, Interview.starts_at, Interview.duration_minutes)
        .join(Interview, Interview.id == InterviewInterviewer.interview_id)
        .where(
            InterviewInterviewer.user_id.in_(list(out)),  # type: ignore[attr-defined]
            Interview.status == "scheduled",
            Interview.starts_at < end,
            Interview.starts_at > start - timedelta(hours=8),  # interviews last at most 8 hours
        )
    ).all()
    for uid, starts_at, minutes in rows:
        out[uid].append((starts_at, starts_at + timedelta(minutes=minutes)))
    return out


@dataclass(frozen=True)
class Panel:
    people: list[Person]
    warnings: list[str]  # one per person whose calendar could not be read, naming them


def panel(
    db: Database,
    user_ids: Iterable[int],
    start: datetime,
    end: datetime,
    exclude_interview: int | None = None,
) -> Panel:
    """Each person's working hours and busy times from all three sources. A calendar that fails
    marks its owner unknown with a warning naming them; it never makes them free."""
    ids = sorted(set(user_ids))
    with db.session() as s:
        conns = connections(s, ids)
        own = interview_busy(s, ids, start, end)
        # The interview being moved does not stand in its own way (here, or written in a calendar).
        mine = None
        if exclude_interview is not None and (iv := s.get(Interview, exclude_interview)) is not None:
            mine = (iv.starts_at, iv.starts_at + timedelta(minutes=iv.duration_minutes))
    people: list[Person] = []
    warnings: list[str] = []
    for c in conns:
        busy = list(own.get(c.user_id, []))
        problem = c.broken
        try:
            if c.caldav:
                busy += calendars.caldav_busy(*c.caldav, start, end, c.hours.zone)
            if c.ics_url:
                busy += calendars.fetch_feed(c.ics_url, start, end, c.hours.zone)
        except calendars.CalendarUnavailable as exc:
            problem = str(exc)
        if problem:
            log.warning("calendar of user %s unavailable: %s", c.user_id, problem)
            warnings.append(f"{c.name}'s calendar could not be read ({problem}): their times are unknown.")
        people.append(Person(c.user_id, c.hours, tuple(b for b in busy if b != mine), unknown=bool(problem)))
    return Panel(people, warnings)
