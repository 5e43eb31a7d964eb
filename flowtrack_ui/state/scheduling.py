"""The account page's "Working hours and calendar" card: a staff member's hours and the calendar
FlowTrack reads their busy times from. The password and the feed address go to the core and are
never held here after the save (the form is cleared): the page never shows them again."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from flowtrack_ui.core import time_zones
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.scheduling import availability, links

from .application_team import TeamState
from .session import SessionState, db

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class CalendarSettingsState(SessionState):
    days: list[int] = [0, 1, 2, 3, 4]
    start: str = "09:00"
    end: str = "17:00"
    hours_zone: str = ""
    caldav_url: str = ""
    caldav_username: str = ""
    caldav_connected: bool = False
    ics_connected: bool = False
    ics_host: str = ""
    hours_error: str = ""
    calendar_error: str = ""
    checking: bool = False
    # Re-keys the calendar form after a save, so its password field is empty again.
    form_key: int = 0

    def _show(self, view: availability.AvailabilityView) -> None:
        self.days = list(view.days)
        # A time field cannot show 24:00: midnight at the day's end reads 00:00 (saved back as 24:00).
        end = "00:00" if view.end == "24:00" else view.end
        self.start, self.end, self.hours_zone = view.start, end, view.time_zone or ""
        self.caldav_url, self.caldav_username = view.caldav_url, view.caldav_username
        self.caldav_connected, self.ics_connected, self.ics_host = (
            view.caldav_connected,
            view.ics_connected,
            view.ics_host,
        )

    @rx.event
    def load(self):
        if (p := self.require()) is None or not p.is_staff:
            return None
        try:
            self._show(availability.get(db(), p))
        except DomainError as exc:
            return self.refuse(exc) if exc.status_code == 401 else None
        self.hours_error = self.calendar_error = ""
        return None

    @rx.event
    def save_hours(self, form: dict):
        fields = {
            "days": [i for i in range(7) if form.get(f"day_{i}") in ("on", True)],
            "start": form.get("start", ""),
            "end": form.get("end", ""),
            "hours_time_zone": str(form.get("hours_zone", "")).strip(),
        }
        try:
            self._show(availability.save(db(), self.principal(), fields))
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.hours_error = exc.message
            return None
        self.hours_error = ""
        return rx.toast.success("Working hours saved: interviews are offered only then.")

    @rx.event
    async def save_calendar(self, form: dict):
        """Checked against the server before it is stored (a few seconds at most, off the event loop)."""
        fields = {
            "caldav_url": str(form.get("caldav_url", "")).strip(),
            "caldav_username": str(form.get("caldav_username", "")).strip(),
            "caldav_password": str(form.get("caldav_password", "")),
        }
        feed = str(form.get("ics_url", "")).strip()
        if feed:
            fields["ics_url"] = feed
        self.checking, self.calendar_error = True, ""
        yield
        try:
            view = await asyncio.to_thread(availability.save, db(), self.principal(), fields)
        except Unauthenticated as exc:
            self.checking = False
            yield self.refuse(exc)
            return
        except DomainError as exc:
            self.checking, self.calendar_error = False, exc.message
            return
        self._show(view)
        self.checking, self.form_key = False, self.form_key + 1
        yield rx.toast.success("Calendar connected: your busy times are read from it.")

    @rx.event
    def disconnect(self, which: str):
        fields = {"caldav_url": ""} if which == "caldav" else {"ics_url": ""}
        try:
            self._show(availability.save(db(), self.principal(), fields))
        except DomainError as exc:
            self.calendar_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.form_key += 1
        return rx.toast.success("Disconnected.")


@dataclasses.dataclass
class SlotRow:
    value: str  # the start, ISO UTC
    label: str  # in the scheduler's zone
    unknown: bool  # someone's calendar could not be read: not known to be free


class SlotsState(SessionState):
    """Suggested times in the schedule dialog (picking one fills the form), and the dialog that
    emails the candidate a self-scheduling link. Recruiters only; the core checks every call.

    A sibling of the application page's ``TeamState`` (read through ``get_state``), not its
    substate: the websocket guard refuses event names longer than 200 characters."""

    picked: list[int] = []
    duration: str = "45"
    suggestions: list[SlotRow] = []
    slot_warnings: list[str] = []
    finding: bool = False
    searched: bool = False
    link_open: bool = False
    link_error: str = ""

    @rx.event
    async def reset_panel(self):
        team = await self.get_state(TeamState)
        if self.suggestions and team.form_starts and self.picked == sorted(team.form_interviewers):
            return  # a picked time re-drew the form: the list stays for another pick
        self.picked = sorted(team.form_interviewers)
        self.duration = team.form_duration or "45"
        self.suggestions, self.slot_warnings, self.searched = [], [], False

    @rx.event
    def toggle(self, user_id: int, on: bool):
        self.picked = sorted(set(self.picked) | {user_id}) if on else [i for i in self.picked if i != user_id]
        self.suggestions, self.searched = [], False

    @rx.event
    def set_duration(self, value: str):
        self.duration = str(value)[:4]

    @rx.event
    async def find(self):
        """The next times the ticked interviewers are all at work and free (calendars read off the loop)."""
        team = await self.get_state(TeamState)
        zone = team.timezone or time_zones.UTC_NAME
        self.finding, self.slot_warnings = True, []
        yield
        try:
            found = await asyncio.to_thread(
                links.suggest, db(), self.principal(), list(self.picked), str(self.duration)
            )
        except DomainError as exc:
            self.finding, self.searched, self.suggestions = False, True, []
            self.slot_warnings = [exc.message]
            if exc.status_code == 401:
                yield self.refuse(exc)
            return
        tz = ZoneInfo(zone)
        self.suggestions = [
            SlotRow(
                value=s.start.isoformat(),
                label=f"{s.start.astimezone(tz):%a %d %b %H:%M}" + (" ?" if s.unknown else ""),
                unknown=bool(s.unknown),
            )
            for s in found.slots[:12]
        ]
        self.slot_warnings = found.warnings
        self.finding, self.searched = False, True

    @rx.event
    async def pick(self, value: str):
        """Fill the schedule form with this time (in the form's zone) and the ticked interviewers."""
        team = await self.get_state(TeamState)
        when = datetime.fromisoformat(value)
        team.form_starts = time_zones.local_input(when, team.timezone or time_zones.UTC_NAME)
        team.form_interviewers = list(self.picked)
        team.form_duration = self.duration

    @rx.event
    def set_link_open(self, value: bool):
        self.link_open, self.link_error = value, ""

    @rx.event
    async def send_link(self, form: dict):
        team = await self.get_state(TeamState)
        fields = {
            "interviewer_ids": [
                c.id for c in team.colleagues if form.get(f"link_interviewer_{c.id}") in ("on", True)
            ],
            "duration_minutes": form.get("link_duration", "45"),
            "window_days": form.get("link_window", "10"),
            "location": form.get("link_location", ""),
            "video_url": form.get("link_video", ""),
            "buffer_before": form.get("link_buffer_before", "0"),
            "buffer_after": form.get("link_buffer_after", "0"),
            "min_notice_minutes": _hours_to_minutes(form.get("link_notice", "24")),
        }
        try:
            links.create_link(db(), self.principal(), team.app_id, fields)
        except DomainError as exc:
            self.link_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.link_open, self.link_error = False, ""
        return rx.toast.success("Link sent: the candidate picks a time when the whole panel is free.")


def _hours_to_minutes(raw: object) -> object:
    """The dialog asks for hours; the core takes minutes (and names a bad value itself)."""
    try:
        return int(float(str(raw)) * 60)
    except (ValueError, OverflowError):
        return raw
