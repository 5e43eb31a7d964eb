"""/api/me/settings and /api/me/work: the signed-in person's own settings, and a staff member's
"My work" lists."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from flowtrack_ui.core import time_zones, work
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.permissions import Principal
from flowtrack_ui.core.scheduling import availability

from .deps import Caller, Db
from .errors import errors
from .schemas import FromView

router = APIRouter(prefix="/api/me", tags=["me"])


class WorkingHoursIn(BaseModel):
    """Staff: when interviews may be offered; fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    days: list[int] | None = Field(
        default=None, max_length=7, description="Weekdays, Monday = 0 … Sunday = 6"
    )
    start: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$", description="Local time, like 09:00")
    end: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$", description="Local time, like 17:00")
    time_zone: str | None = Field(default=None, max_length=64, description="The hours' zone; null: yours")


class SettingsIn(BaseModel):
    """Only the fields sent change; any other field is refused (422), not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(
        default=None,
        max_length=200,
        description="An IANA name such as Europe/Berlin; null clears it (times show in UTC).",
    )
    working_hours: WorkingHoursIn | None = Field(default=None, description="Staff only")
    caldav_url: str | None = Field(default=None, max_length=500, description='Staff: "" disconnects')
    caldav_username: str | None = Field(default=None, max_length=200)
    caldav_password: str | None = Field(
        default=None,
        max_length=500,
        description="Write-only: stored encrypted, never returned; empty keeps it",
    )
    ics_url: str | None = Field(
        default=None,
        max_length=1000,
        description='A read-only iCalendar feed (stored encrypted); "" removes it',
    )

    @model_validator(mode="after")
    def _something(self) -> SettingsIn:
        if not self.model_fields_set:
            raise ValueError("Send at least one setting.")
        return self


class WorkingHoursOut(BaseModel):
    days: list[int]
    start: str
    end: str
    time_zone: str | None = Field(description="The hours' zone; null: your own")


class SettingsOut(BaseModel):
    """A candidate's settings hold only ``time_zone``; staff's add their hours and calendars, never
    a password or a feed's address."""

    time_zone: str | None = Field(description="IANA name, or null while none is set")
    working_hours: WorkingHoursOut | None = None
    caldav_url: str | None = None
    caldav_username: str | None = None
    caldav_connected: bool | None = Field(default=None, description="A CalDAV password is stored")
    ics_connected: bool | None = Field(default=None, description="A calendar feed is stored")
    ics_host: str | None = Field(default=None, description="Only the feed address's host")


def _settings(db: Database, caller: Principal) -> SettingsOut:
    zone = time_zones.settings(db, caller).time_zone
    if not caller.is_staff:
        return SettingsOut(time_zone=zone)
    a = availability.get(db, caller)
    return SettingsOut(
        time_zone=zone,
        working_hours=WorkingHoursOut(days=list(a.days), start=a.start, end=a.end, time_zone=a.time_zone),
        caldav_url=a.caldav_url,
        caldav_username=a.caldav_username,
        caldav_connected=a.caldav_connected,
        ics_connected=a.ics_connected,
        ics_host=a.ics_host,
    )


class WorkInterviewOut(FromView):
    interview_id: int
    application_id: int
    job_title: str
    candidate_name: str
    starts_at: datetime
    duration_minutes: int
    when: str = Field(description="The start in the interview's zone, and in yours when it differs")
    location: str
    video_url: str
    today: bool
    interviewing: bool = Field(description="False when you scheduled it without being an interviewer")


class ScorecardDueOut(FromView):
    interview_id: int
    application_id: int
    job_title: str
    candidate_name: str
    ended_at: datetime
    when: str


class MentionOut(FromView):
    note_id: int
    application_id: int
    job_title: str
    candidate_name: str
    author_name: str
    excerpt: str
    created_at: datetime


class OverdueOut(FromView):
    application_id: int
    job_id: int
    job_title: str
    candidate_name: str
    stage: str
    days_in_stage: int
    target_days: int


class WorkOut(FromView):
    time_zone: str = Field(description="The zone the lists are made for: yours, else UTC")
    interviews: list[WorkInterviewOut]
    scorecards_due: list[ScorecardDueOut]
    mentions: list[MentionOut]
    overdue: list[OverdueOut]
    replies: list[dict] = Field(
        default_factory=list, description="Candidate replies not read yet (with the conversation feature)"
    )


@router.get("/settings", response_model=SettingsOut, response_model_exclude_unset=True, responses=errors(401))
def get_settings(caller: Caller, db: Db) -> SettingsOut:
    return _settings(db, caller)


@router.put(
    "/settings",
    response_model=SettingsOut,
    response_model_exclude_unset=True,
    responses=errors(401, 403, 422),
)
def put_settings(body: SettingsIn, caller: Caller, db: Db) -> SettingsOut:
    """An unknown zone is 422 naming it; a CalDAV connection is checked before it is stored (422
    with the server's answer when it fails)."""
    sent = body.model_fields_set
    if "time_zone" in sent and body.time_zone not in (None, ""):
        time_zones.zone(body.time_zone)  # refused before anything is stored
    changes: dict[str, object] = {k: getattr(body, k) or "" for k in _CALENDAR_FIELDS if k in sent}
    if body.working_hours is not None:
        hours = body.working_hours
        changes.update(
            {k: getattr(hours, k) for k in ("days", "start", "end") if k in hours.model_fields_set}
        )
        if "time_zone" in hours.model_fields_set:
            changes["hours_time_zone"] = hours.time_zone
    if changes or "working_hours" in sent:
        availability.save(db, caller, changes)
    if "time_zone" in sent:
        time_zones.set_time_zone(db, caller, body.time_zone)
    return _settings(db, caller)


_CALENDAR_FIELDS = ("caldav_url", "caldav_username", "caldav_password", "ics_url")


@router.get("/work", response_model=WorkOut, responses=errors(401, 403))
def get_work(caller: Caller, db: Db) -> WorkOut:
    """Staff only: interviews today and upcoming, scorecards due, unread mentions, overdue applications."""
    return WorkOut.model_validate(work.my_work(db, caller))


@router.post("/mentions/{note_id}/read", status_code=204, responses=errors(401, 403, 404, 422))
def read_mention(note_id: int, caller: Caller, db: Db) -> None:
    """Mark one mention of you read (opening the application marks its mentions read too)."""
    work.read_mention(db, caller, note_id)
