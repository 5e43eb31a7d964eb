"""Notes, interviews, scorecards and the activity feed of an application: staff of its company."""

from __future__ import annotations

from fastapi import APIRouter, status

from flowtrack_ui.core.collaboration import activity, interviews, notes, scorecards

from .applications import AppId
from .deps import Caller, Db
from .errors import errors
from .schemas import (
    ActivityOut,
    InterviewIn,
    InterviewOut,
    InterviewPatch,
    NoteIn,
    NoteOut,
    ScorecardIn,
    ScorecardOut,
)

router = APIRouter(prefix="/api", tags=["collaboration"])
InterviewId = AppId


@router.get(
    "/applications/{application_id}/notes", response_model=list[NoteOut], responses=errors(401, 403, 404, 422)
)
def list_notes(application_id: AppId, caller: Caller, db: Db) -> list[NoteOut]:
    """Newest first; never shown to the candidate."""
    return [NoteOut.model_validate(n) for n in notes.list_notes(db, caller, application_id)]


@router.post(
    "/applications/{application_id}/notes",
    response_model=NoteOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 404, 422),
)
def add_note(application_id: AppId, body: NoteIn, caller: Caller, db: Db) -> NoteOut:
    """Colleagues mentioned with @handle (their email's local part) get an email with a link."""
    return NoteOut.model_validate(notes.add_note(db, caller, application_id, body.body))


@router.get(
    "/applications/{application_id}/interviews",
    response_model=list[InterviewOut],
    responses=errors(401, 403, 404, 422),
)
def list_interviews(application_id: AppId, caller: Caller, db: Db) -> list[InterviewOut]:
    return [InterviewOut.model_validate(i) for i in interviews.for_application(db, caller, application_id)]


@router.post(
    "/applications/{application_id}/interviews",
    response_model=InterviewOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 404, 422),
)
def schedule(application_id: AppId, body: InterviewIn, caller: Caller, db: Db) -> InterviewOut:
    """The candidate and each interviewer get an email with a calendar invitation (METHOD:REQUEST)."""
    return InterviewOut.model_validate(interviews.schedule(db, caller, application_id, body.model_dump()))


@router.patch(
    "/interviews/{interview_id}", response_model=InterviewOut, responses=errors(401, 403, 404, 409, 422)
)
def reschedule(interview_id: InterviewId, body: InterviewPatch, caller: Caller, db: Db) -> InterviewOut:
    """An update to everyone: same UID, SEQUENCE + 1."""
    changes = body.model_dump(exclude_unset=True)
    return InterviewOut.model_validate(interviews.reschedule(db, caller, interview_id, changes))


@router.delete(
    "/interviews/{interview_id}", response_model=InterviewOut, responses=errors(401, 403, 404, 409, 422)
)
def cancel(interview_id: InterviewId, caller: Caller, db: Db) -> InterviewOut:
    """Cancelled for everyone: METHOD:CANCEL."""
    return InterviewOut.model_validate(interviews.cancel(db, caller, interview_id))


@router.post(
    "/interviews/{interview_id}/scorecard",
    response_model=ScorecardOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 404, 409, 422),
)
def submit_scorecard(interview_id: InterviewId, body: ScorecardIn, caller: Caller, db: Db) -> ScorecardOut:
    """The caller's scorecard, once per interview they are an interviewer of."""
    return ScorecardOut.model_validate(scorecards.submit(db, caller, interview_id, body.model_dump()))


@router.get(
    "/applications/{application_id}/scorecards",
    response_model=list[ScorecardOut],
    responses=errors(401, 403, 404, 422),
)
def list_scorecards(application_id: AppId, caller: Caller, db: Db) -> list[ScorecardOut]:
    """An interviewer sees the others' scorecards only after submitting their own."""
    return [ScorecardOut.model_validate(c) for c in scorecards.for_application(db, caller, application_id)]


@router.get(
    "/applications/{application_id}/activity",
    response_model=list[ActivityOut],
    responses=errors(401, 403, 404, 422),
)
def application_activity(application_id: AppId, caller: Caller, db: Db) -> list[ActivityOut]:
    """Stage changes (not for hiring managers), notes, emails, interviews, scorecards; newest first."""
    return [ActivityOut.model_validate(a) for a in activity.feed(db, caller, application_id)]
