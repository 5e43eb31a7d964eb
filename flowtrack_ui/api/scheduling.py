"""Scheduling: suggested slots for recruiters, self-scheduling links, and the link holder's
booking routes (no sign-in: the link's token is the key). Times are UTC (ISO 8601)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from flowtrack_ui.core.scheduling import links

from .applications import AppId
from .deps import Caller, Db
from .errors import errors
from .schemas import ErrorOut, FromView

router = APIRouter(prefix="/api", tags=["scheduling"])

Token = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


def _gone() -> dict:
    return {410: {"model": ErrorOut, "description": "The link has expired or no longer works"}}


class SlotOut(FromView):
    start: datetime
    end: datetime
    unknown: list[int] = Field(
        default_factory=list, description="Interviewers whose calendar could not be read"
    )


class SlotsOut(FromView):
    slots: list[SlotOut]
    unknown: list[int] = Field(
        description="Interviewers whose calendar could not be read: never shown as free"
    )
    warnings: list[str]
    time_zone: str = Field(description="The zone you read times in (yours, else UTC)")


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interviewer_ids: list[int] = Field(min_length=1, max_length=10)
    duration_minutes: int = Field(default=45, ge=15, le=480)
    window_days: int = Field(default=10, ge=1, le=30, description="Working days offered, from today")
    location: str = Field(default="", max_length=300)
    video_link: str = Field(default="", max_length=500)
    buffer_before: int = Field(default=0, ge=0, le=240)
    buffer_after: int = Field(default=0, ge=0, le=240)
    min_notice_minutes: int = Field(default=24 * 60, ge=0, le=60 * 24 * 14)
    cutoff_minutes: int = Field(
        default=24 * 60, ge=0, le=60 * 24 * 14, description="Changes allowed until then"
    )


class LinkOut(FromView):
    url: str
    token: str
    expires_at: datetime


class PublicSlotOut(FromView):
    start: datetime
    end: datetime


class LinkPageOut(FromView):
    """All the link's holder sees: the slots, the job's title, the company, interviewers' first names."""

    company: str
    job_title: str
    interviewers: list[str]
    duration_minutes: int
    state: str = Field(description="open, booked or expired")
    slots: list[PublicSlotOut]
    booked_start: datetime | None
    booked_end: datetime | None
    change_until: datetime | None
    can_change: bool
    expires_at: datetime | None
    some_unknown: bool


class BookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: datetime = Field(description="A slot's start, as listed")
    time_zone: str | None = Field(default=None, max_length=64, description="The candidate's IANA zone")


@router.get("/scheduling/slots", response_model=SlotsOut, responses=errors(401, 403, 422))
def slots(
    caller: Caller,
    db: Db,
    interviewer_ids: Annotated[list[int], Query(min_length=1, max_length=10)],
    duration_minutes: Annotated[int, Query(ge=15, le=480)] = 45,
    start: datetime | None = None,
    end: datetime | None = None,
    buffer_before: Annotated[int, Query(ge=0, le=240)] = 0,
    buffer_after: Annotated[int, Query(ge=0, le=240)] = 0,
    notice_minutes: Annotated[int, Query(ge=0, le=60 * 24 * 30)] = 60,
) -> SlotsOut:
    """The next slots where every interviewer is at work and free (default: the next 10 working days)."""
    found = links.suggest(
        db,
        caller,
        interviewer_ids,
        duration_minutes,
        start,
        end,
        buffer_before=buffer_before,
        buffer_after=buffer_after,
        notice_minutes=notice_minutes,
        limit=links.MAX_SLOTS,
    )
    return SlotsOut(
        slots=[SlotOut(start=x.start, end=x.end, unknown=list(x.unknown)) for x in found.slots],
        unknown=list(found.unknown),
        warnings=found.warnings,
        time_zone=found.time_zone,
    )


@router.post(
    "/applications/{application_id}/scheduling-links",
    response_model=LinkOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 404, 422),
)
def create_link(application_id: AppId, body: LinkIn, caller: Caller, db: Db) -> LinkOut:
    """Recruiters: the candidate is emailed a link to book their own interview."""
    made = links.create_link(db, caller, application_id, {**body.model_dump(), "video_url": body.video_link})
    return LinkOut.model_validate(made)


def _page(page: links.LinkPage) -> LinkPageOut:
    return LinkPageOut(
        company=page.company,
        job_title=page.job_title,
        interviewers=list(page.interviewers),
        duration_minutes=page.duration_minutes,
        state=page.state,
        slots=[PublicSlotOut(start=x.start, end=x.end) for x in page.slots],
        booked_start=page.booked_start,
        booked_end=page.booked_end,
        change_until=page.change_until,
        can_change=page.can_change,
        expires_at=page.expires_at,
        some_unknown=page.some_unknown,
    )


@router.get("/scheduling/{token}", response_model=LinkPageOut, responses={**errors(404, 422), **_gone()})
def read_link(token: Token, db: Db) -> LinkPageOut:
    return _page(links.view(db, token))


@router.post(
    "/scheduling/{token}/book",
    response_model=LinkPageOut,
    responses={
        **errors(404, 409, 422),
        **_gone(),
        409: {"model": ErrorOut, "description": "The slot was just taken: `slots` holds the fresh ones"},
    },
)
def book(token: Token, body: BookIn, db: Db) -> LinkPageOut | JSONResponse:
    """Book (or move to) a slot; everyone gets the calendar invitation."""
    try:
        return _page(links.book(db, token, body.start, body.time_zone))
    except links.SlotTaken as exc:
        fresh = [{"start": x.start.isoformat(), "end": x.end.isoformat()} for x in exc.slots]
        return JSONResponse({"detail": exc.message, "slots": fresh}, status_code=409)


@router.post(
    "/scheduling/{token}/cancel", response_model=LinkPageOut, responses={**errors(404, 409, 422), **_gone()}
)
def cancel(token: Token, db: Db) -> LinkPageOut:
    """Cancel the booked interview (until the link's cut-off)."""
    return _page(links.cancel(db, token))
