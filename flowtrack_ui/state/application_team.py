"""The hiring team's side of the application page: notes, interviews, scorecards, the activity feed.

Live: it re-reads when a colleague adds something or moves the application (the application's
change topic), so the stage shown follows a move made on the board or through the API.
"""

from __future__ import annotations

import dataclasses
import re

import reflex as rx

from flowtrack_ui.core import live_access, time_zones, work
from flowtrack_ui.core.applications import details as application_details
from flowtrack_ui.core.changes import CardMove, Change
from flowtrack_ui.core.collaboration import activity, interviews, notes, scorecards
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.permissions import Action, may

from . import live
from .application import ApplicationState
from .format import exact, relative
from .session import db

COMMON_ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Stockholm",
    "Europe/Athens",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
]
_TRAILING_MENTION = re.compile(r"(?:^|\s)@([A-Za-z0-9._+-]*)$")


@dataclasses.dataclass
class ColleagueRow:
    id: int
    name: str
    handle: str


@dataclasses.dataclass
class InterviewerChip:
    """One interviewer and their answer to the invitation ("accepted", "declined", "maybe" or "")."""

    name: str
    response: str


# How an iCalendar answer reads beside the interviewer's name.
RESPONSE_LABELS = {"accepted": "accepted", "declined": "declined", "tentative": "maybe"}


@dataclasses.dataclass
class InterviewRow:
    id: int
    when: str  # in the interview's zone, and the viewer's beside it when it reads differently
    duration: int
    where: str
    video_url: str
    status: str
    interviewers: str
    can_score: bool
    scored: bool
    people: list[InterviewerChip] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ScorecardRow:
    interviewer: str
    recommendation: str
    label: str
    ratings: list[str]
    notes: str
    when: str


@dataclasses.dataclass
class ActivityRow:
    kind: str
    when: str
    exact: str
    actor: str
    title: str
    body: str


class TeamState(ApplicationState):
    can_schedule: bool = False
    can_write_notes: bool = False
    colleagues: list[ColleagueRow] = []
    note_draft: str = ""
    note_error: str = ""
    mention_suggestions: list[ColleagueRow] = []
    interviews_list: list[InterviewRow] = []
    scorecards_list: list[ScorecardRow] = []
    scorecard_summary: str = ""
    feed: list[ActivityRow] = []
    criteria: list[str] = []
    zones: list[str] = COMMON_ZONES
    timezone: str = "UTC"
    schedule_open: bool = False
    schedule_error: str = ""
    editing_interview: int = 0
    form_starts: str = ""
    form_duration: str = "45"
    form_location: str = ""
    form_video: str = ""
    form_interviewers: list[int] = []
    scorecard_open: bool = False
    scorecard_interview: int = 0
    scorecard_error: str = ""
    _watch_gen: int = 0
    # The change feed's mark before the last read of the stage and the team's side.
    _read_mark: str = ""

    @rx.event
    def load_team(self):
        if not self.app_id or self.not_found:
            return None
        self._watch_gen += 1
        result = self._refresh_team()
        if result is not None:
            return result
        # Times are entered in the scheduler's own zone (their account's), not UTC.
        self.set_browser_timezone(self.time_zone or time_zones.UTC_NAME)
        try:
            work.read_mentions_of(db(), self.principal(), self.app_id)  # opened: their mentions are read
        except DomainError as exc:
            return self.refuse(exc)
        # From "My work" or a reminder email: ?scorecard=<interview id> opens the form.
        wanted = self.router.url.query_parameters.get("scorecard", "")
        if wanted.isdigit() and len(wanted) < 12:
            due = next((i for i in self.interviews_list if i.id == int(wanted)), None)
            if due is not None and due.can_score and not due.scored:
                self.open_scorecard(due.id)
        return TeamState.watch

    @rx.event
    def set_browser_timezone(self, name: str):
        """The form's zone (the select): an IANA name only."""
        if not time_zones.is_zone(name):
            return
        self.timezone = str(name)
        if self.timezone not in self.zones:
            self.zones = [self.timezone, *COMMON_ZONES]

    def _refresh_team(self, colleagues: bool = True):
        """The application's stage and the team's side, read after noting the change feed's mark:
        the live watch skips a wake on signals heard before it, so this page's own note,
        interview or scorecard is not read a second time. ``colleagues`` False: a change of the
        application (the live watch) leaves the company's staff as they were."""
        mark = db().feed.mark()
        try:
            p = self.principal()
            stage = application_details.application_stage(db(), p, self.app_id)
            staff = notes.company_colleagues(db(), p) if colleagues else None
            found_interviews = interviews.for_application(db(), p, self.app_id)
            cards = scorecards.for_application(db(), p, self.app_id)
            items = activity.feed(db(), p, self.app_id)
        except DomainError as exc:
            return self.refuse(exc)
        self.stage, self._read_mark = stage, mark
        self.can_schedule = may(p, Action.SCHEDULE_INTERVIEWS)
        self.can_write_notes = may(p, Action.WRITE_NOTES)
        if staff is not None:
            self.colleagues = [ColleagueRow(c.user_id, c.name, c.handle) for c in staff]
        mine = {c.interview_id for c in cards if c.interviewer_id == p.user_id}
        self.interviews_list = [
            InterviewRow(
                id=i.id,
                when=i.when,
                duration=i.duration_minutes,
                where=i.location,
                video_url=i.video_url,
                status=i.status,
                interviewers=", ".join(name for _id, name in i.interviewers),
                can_score=i.status == "scheduled" and any(uid == p.user_id for uid, _n in i.interviewers),
                scored=i.id in mine,
                people=[
                    InterviewerChip(name, RESPONSE_LABELS.get(dict(i.responses).get(uid, ""), ""))
                    for uid, name in i.interviewers
                ],
            )
            for i in found_interviews
        ]
        self.scorecards_list = [
            ScorecardRow(
                interviewer=c.interviewer_name,
                recommendation=c.recommendation,
                label=scorecards.LABELS[c.recommendation],
                ratings=[f"{k}: {v}/4" for k, v in c.ratings],
                notes=c.notes,
                when=relative(c.submitted_at),
            )
            for c in cards
        ]
        self.scorecard_summary = scorecards.summary([c.recommendation for c in cards])
        self._show_feed(items)
        return None

    def _show_feed(self, items: list[activity.ActivityItem]) -> None:
        self.feed = [
            ActivityRow(a.kind, relative(a.at), exact(a.at, self.time_zone), a.actor, a.title, a.body)
            for a in items
        ]

    @rx.event(background=True)
    async def watch(self):
        """Live: moves, and colleagues' notes, interviews and scorecards, appear without a reload."""
        async with self:
            gen, app_id = self._watch_gen, self.app_id
        return await live.follow(
            self,
            lambda _signal: live_access.application_topic_for(db(), self.principal(), app_id),
            still_wanted=lambda: self._watch_gen == gen and self.app_id == app_id,
            refresh=self._live_refresh,
            read_mark=lambda: self._read_mark,
            on_changes=self._on_changes,
        )

    def _live_refresh(self):
        """The application's stage (a move elsewhere) and the team's side, which is what an
        application's change can alter (not the company's staff)."""
        return self._refresh_team(colleagues=False)

    def _on_changes(self, changes: list[Change], lost: bool):
        """A wake of moves alone (each commit names the cards it moved) takes the stage from the
        newest move of this application and reads the activity feed only: a move adds history and
        maybe an email, never an interview or a scorecard. Any other change reads it all."""
        if lost:
            return self._live_refresh()
        newest: tuple[int, CardMove] | None = None
        for change in changes:
            if not change.jobs:
                return self._live_refresh()
            for job in change.jobs.values():
                seq = job.seq
                if seq is None or not job.moves:
                    return self._live_refresh()  # something else changed: only a read tells what
                for move in job.moves:
                    if move.application_id == self.app_id and (newest is None or seq > newest[0]):
                        newest = (seq, move)
        if not changes:
            return None
        if newest is not None:
            if newest[1].to_stage is None:  # gone (erased): the read says so
                return self._live_refresh()
            self.stage = newest[1].to_stage
        try:
            items = activity.feed(db(), self.principal(), self.app_id)
        except DomainError as exc:
            return self.refuse(exc)
        self._show_feed(items)
        return None

    # --- notes with mentions ----------------------------------------------------------------

    @rx.event
    def set_note_draft(self, value: str):
        self.note_draft = value[:5000]
        match = _TRAILING_MENTION.search(self.note_draft)
        if match is None:
            self.mention_suggestions = []
            return
        prefix = match.group(1).lower()
        self.mention_suggestions = [
            c for c in self.colleagues if c.handle.startswith(prefix) or c.name.lower().startswith(prefix)
        ][:6]

    @rx.event
    def pick_mention(self, handle: str):
        self.note_draft = _TRAILING_MENTION.sub(
            lambda m: m.group(0).split("@")[0] + "@" + handle + " ", self.note_draft
        )
        self.mention_suggestions = []

    @rx.event
    def add_note(self):
        try:
            note = notes.add_note(db(), self.principal(), self.app_id, self.note_draft)
        except DomainError as exc:
            self.note_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.note_draft, self.note_error, self.mention_suggestions = "", "", []
        self._refresh_team()
        told = f" {', '.join(note.mentioned)} will get an email." if note.mentioned else ""
        return rx.toast.success("Note added." + told)

    # --- interviews -------------------------------------------------------------------------

    @rx.event
    def open_schedule(self):
        self.set_browser_timezone(self.time_zone or time_zones.UTC_NAME)
        self.editing_interview, self.schedule_error = 0, ""
        self.form_starts, self.form_duration, self.form_location, self.form_video = "", "45", "", ""
        self.form_interviewers = []
        self.schedule_open = True

    @rx.event
    def open_reschedule(self, interview_id: int):
        try:
            found = {i.id: i for i in interviews.for_application(db(), self.principal(), self.app_id)}
        except DomainError as exc:
            return self.refuse(exc)
        i = found.get(interview_id)
        if i is None:
            return rx.toast.error("Interview not found.")
        self.editing_interview, self.schedule_error = i.id, ""
        self.timezone = i.timezone if i.timezone in self.zones else self.timezone
        self.form_starts = time_zones.local_input(i.starts_at, self.timezone)
        self.form_duration, self.form_location, self.form_video = (
            str(i.duration_minutes),
            i.location,
            i.video_url,
        )
        self.form_interviewers = [uid for uid, _n in i.interviewers]
        self.schedule_open = True
        return None

    @rx.event
    def set_schedule_open(self, value: bool):
        self.schedule_open = value

    @rx.event
    def save_interview(self, form: dict):
        fields = {
            "starts_at": form.get("starts_at", ""),
            "timezone": form.get("timezone") or self.timezone,
            "duration_minutes": form.get("duration_minutes", "45"),
            "location": form.get("location", ""),
            "video_url": form.get("video_url", ""),
            "interviewer_ids": [
                c.id for c in self.colleagues if form.get(f"interviewer_{c.id}") in ("on", True)
            ],
        }
        try:
            if self.editing_interview:
                interviews.reschedule(db(), self.principal(), self.editing_interview, fields)
                message = "Interview moved; everyone gets an updated invitation."
            else:
                interviews.schedule(db(), self.principal(), self.app_id, fields)
                message = "Interview scheduled; the candidate and the interviewers get an invitation."
        except DomainError as exc:
            self.schedule_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.schedule_open, self.schedule_error = False, ""
        self._refresh_team()
        return rx.toast.success(message)

    @rx.event
    def cancel_interview(self, interview_id: int):
        try:
            interviews.cancel(db(), self.principal(), interview_id)
        except DomainError as exc:
            return self.refuse(exc)
        self._refresh_team()
        return rx.toast.success("Interview cancelled; everyone's calendar is told.")

    # --- scorecards -------------------------------------------------------------------------

    @rx.event
    def open_scorecard(self, interview_id: int):
        self.scorecard_interview, self.scorecard_error = interview_id, ""
        self.criteria = self._criteria()
        self.scorecard_open = True

    def _criteria(self) -> list[str]:
        from flowtrack_ui.core import jobs

        try:
            return list(jobs.get_job(db(), self.principal(), self.job_id).criteria)
        except DomainError:
            return []

    @rx.event
    def set_scorecard_open(self, value: bool):
        self.scorecard_open = value

    @rx.event
    def submit_scorecard(self, form: dict):
        ratings = {name: form.get(f"rating_{n}") for n, name in enumerate(self.criteria)}
        try:
            scorecards.submit(
                db(),
                self.principal(),
                self.scorecard_interview,
                {
                    "recommendation": form.get("recommendation"),
                    "ratings": ratings,
                    "notes": form.get("notes", ""),
                },
            )
        except DomainError as exc:
            self.scorecard_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.scorecard_open, self.scorecard_error = False, ""
        self._refresh_team()
        return rx.toast.success("Scorecard submitted. You can now read your colleagues' scorecards.")
