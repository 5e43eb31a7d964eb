"""Calendar invitations for interviews (RFC 5545/5546 iTIP, made with the icalendar library).

One UID per interview for its whole life: an update is the same UID with a higher SEQUENCE
and METHOD:REQUEST; a cancellation is METHOD:CANCEL with STATUS:CANCELLED. Times are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//FlowTrack//Interviews//EN"


@dataclass(frozen=True)
class Invite:
    uid: str
    sequence: int
    starts_at: datetime
    duration_minutes: int
    summary: str
    description: str
    location: str
    url: str
    organizer: str  # "Name <email>"
    attendees: tuple[tuple[str, str], ...]  # (name, email)
    cancelled: bool = False


def _address(email: str, name: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name or email)
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def ics(invite: Invite, now: datetime | None = None) -> tuple[str, str]:
    """(the iCalendar text, its METHOD)."""
    method = "CANCEL" if invite.cancelled else "REQUEST"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    start = invite.starts_at.astimezone(UTC)
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=invite.duration_minutes))
    event.add("summary", invite.summary)
    event.add("description", invite.description)
    if invite.location:
        event.add("location", invite.location)
    if invite.url:
        event.add("url", invite.url)
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    org_name, org_email = parseaddr(invite.organizer)
    event.add("organizer", _address(org_email or "no-reply@flowtrack.local", org_name or "FlowTrack"))
    for name, email in invite.attendees:
        event.add("attendee", _address(email, name, "REQ-PARTICIPANT"))
    cal.add_component(event)
    return cal.to_ical().decode(), method
