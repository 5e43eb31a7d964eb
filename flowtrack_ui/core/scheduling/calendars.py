"""Busy periods from people's own calendars: CalDAV (read, and a booked interview written in) and
read-only iCalendar feed URLs.

Network calls block, with timeouts, and run in the caller's thread (REST routes run in a thread
pool; Reflex handlers call through ``asyncio.to_thread``), never on the event loop. A feed is read
up to ``MAX_FEED_BYTES`` and parsed in the sandboxed worker pool (files/sandbox.py) like any
untrusted file; the parser (files/calendar_busy.py) expands recurring events only inside the asked
window. Any failure is a ``CalendarUnavailable``: the caller marks that person's slots unknown,
never free.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from caldav.davclient import DAVClient
from caldav.lib import error as dav_error
from icalendar import Calendar

from ..files import calendar_busy, sandbox
from .slots import Interval

log = logging.getLogger("flowtrack.scheduling")

TIMEOUT_SECONDS = 8.0
MAX_FEED_BYTES = 5 * 1024 * 1024


class CalendarUnavailable(Exception):
    """A calendar that could not be read (unreachable, refused, malformed): its owner is unknown."""


def busy_from_ics(text: str | bytes, start: datetime, end: datetime, zone: str) -> list[Interval]:
    """The busy periods an iCalendar text holds in [start, end), in UTC (files/calendar_busy.py:
    recurring expanded, all-day in ``zone``, transparent and cancelled events taking nothing)."""
    try:
        return calendar_busy.busy_periods(text, start, end, zone)
    except Exception as exc:  # a malformed calendar of any kind
        raise CalendarUnavailable(f"the calendar could not be read ({exc})") from exc


def _busy_in_worker(data: bytes, start: datetime, end: datetime, zone: str) -> list[Interval]:
    """A feed is an untrusted file: parsed in the sandboxed worker pool, with its time and memory limits."""
    outcome = sandbox.run("calendar", data, start=start.isoformat(), end=end.isoformat(), zone=zone)
    if not outcome.ok:
        raise CalendarUnavailable(f"the feed could not be read ({outcome.status})")
    return [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in outcome.result["busy"]]


def check_url(url: str) -> str:
    """An http(s) URL with a host, or ValueError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must start with https:// (or http://)")
    return url


def fetch_feed(url: str, start: datetime, end: datetime, zone: str) -> list[Interval]:
    """Busy periods of a read-only iCalendar feed (Google's or Outlook's secret address)."""
    try:
        check_url(url)
        with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True, max_redirects=3) as client:
            with client.stream("GET", url, headers={"Accept": "text/calendar"}) as response:
                response.raise_for_status()
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_FEED_BYTES:
                        raise CalendarUnavailable(
                            f"the feed is larger than {MAX_FEED_BYTES // 1024 // 1024} MB"
                        )
                    chunks.append(chunk)
    except CalendarUnavailable:
        raise
    except (httpx.HTTPError, ValueError) as exc:
        raise CalendarUnavailable(f"the feed could not be fetched ({type(exc).__name__})") from exc
    return _busy_in_worker(b"".join(chunks), start, end, zone)


def _client(url: str, username: str, password: str) -> DAVClient:
    check_url(url)
    return DAVClient(
        url=url,
        username=username or None,
        password=password or None,
        timeout=int(TIMEOUT_SECONDS),
    )


def _calendars(client: DAVClient, url: str) -> list[Any]:
    """The calendars behind the URL: every calendar of the account, or the one the URL names."""
    try:
        found = client.principal().calendars()
    except Exception:
        found = []
    if not found:
        found = [client.calendar(url=url)]
    return found


def _target(found: list[Any], url: str) -> Any:
    """Where a booked interview goes: the calendar the address names, else the account's first."""
    for cal in found:
        if str(cal.url).rstrip("/") == url.rstrip("/"):
            return cal
    return found[0]


def caldav_busy(
    url: str, username: str, password: str, start: datetime, end: datetime, zone: str
) -> list[Interval]:
    """Busy periods of the account's calendars through a time-range calendar-query, expanded here."""
    try:
        with _client(url, username, password) as client:
            out: list[Interval] = []
            for cal in _calendars(client, url):
                for obj in cal.search(start=start, end=end, event=True):
                    out.extend(busy_from_ics(obj.data, start, end, zone))
            return out
    except CalendarUnavailable:
        raise
    except Exception as exc:
        raise CalendarUnavailable(f"the CalDAV server could not be read ({type(exc).__name__})") from exc


def check_caldav(url: str, username: str, password: str) -> None:
    """Connect and list the calendars (PROPFIND); CalendarUnavailable with the reason when that fails."""
    try:
        with _client(url, username, password) as client:
            client.principal().calendars()
    except ValueError as exc:
        raise CalendarUnavailable(f"the address {exc}") from exc
    except dav_error.AuthorizationError as exc:
        raise CalendarUnavailable("the server refused this user name and password") from exc
    except Exception as exc:
        raise CalendarUnavailable(
            f"the server could not be reached or is not CalDAV ({type(exc).__name__})"
        ) from exc


def put_event(url: str, username: str, password: str, ics_text: str) -> None:
    """Write the interview into the account's first calendar (a PUT of its VEVENT), so it shows
    without anyone accepting an email. The METHOD line of an invitation is not stored."""
    cal = Calendar.from_ical(ics_text)
    if "METHOD" in cal:
        del cal["METHOD"]
    try:
        with _client(url, username, password) as client:
            _target(_calendars(client, url), url).save_event(cal.to_ical().decode())
    except Exception as exc:
        raise CalendarUnavailable(f"the event could not be written ({type(exc).__name__})") from exc


def delete_event(url: str, username: str, password: str, uid: str) -> None:
    """Remove the interview with this UID from the account's calendars (cancelled by the candidate)."""
    try:
        with _client(url, username, password) as client:
            for cal in _calendars(client, url):
                try:
                    cal.event_by_uid(uid).delete()
                except dav_error.NotFoundError:
                    continue
    except Exception as exc:
        raise CalendarUnavailable(f"the event could not be removed ({type(exc).__name__})") from exc
