"""/api/me/settings and /api/me/work: the signed-in person's own settings, and a staff member's
"My work" lists."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from flowtrack_ui.core import time_zones, work

from .deps import Caller, Db
from .errors import errors
from .schemas import FromView

router = APIRouter(prefix="/api/me", tags=["me"])


class SettingsIn(BaseModel):
    """Only the time zone for now; any other field is refused (422), not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(
        max_length=200, description="An IANA name such as Europe/Berlin; null clears it (times show in UTC)."
    )


class SettingsOut(FromView):
    time_zone: str | None = Field(description="IANA name, or null while none is set")


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


@router.get("/settings", response_model=SettingsOut, responses=errors(401))
def get_settings(caller: Caller, db: Db) -> SettingsOut:
    return SettingsOut.model_validate(time_zones.settings(db, caller))


@router.put("/settings", response_model=SettingsOut, responses=errors(401, 422))
def put_settings(body: SettingsIn, caller: Caller, db: Db) -> SettingsOut:
    """An unknown zone is 422 naming it."""
    return SettingsOut.model_validate(time_zones.set_time_zone(db, caller, body.time_zone))


@router.get("/work", response_model=WorkOut, responses=errors(401, 403))
def get_work(caller: Caller, db: Db) -> WorkOut:
    """Staff only: interviews today and upcoming, scorecards due, unread mentions, overdue applications."""
    return WorkOut.model_validate(work.my_work(db, caller))


@router.post("/mentions/{note_id}/read", status_code=204, responses=errors(401, 403, 404, 422))
def read_mention(note_id: int, caller: Caller, db: Db) -> None:
    """Mark one mention of you read (opening the application marks its mentions read too)."""
    work.read_mention(db, caller, note_id)
