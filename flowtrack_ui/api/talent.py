"""/api/candidates (the talent pool), /api/erasures, /api/company/retention, /api/me/export and /api/me."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import StreamingResponse

from flowtrack_ui.core.applications import from_talent_pool
from flowtrack_ui.core.privacy import audit, erase, export, retention
from flowtrack_ui.core.talent import search, tags

from .applications import app_out
from .deps import Caller, ClientAddress, Db
from .errors import errors
from .schemas import (
    ApplicationOut,
    EraseMeIn,
    ErasureLogOut,
    ErasureOut,
    PoolPageOut,
    RetentionIn,
    RetentionOut,
    TagCountOut,
    TagsIn,
    TagsOut,
)

router = APIRouter(prefix="/api", tags=["talent pool and privacy"])

CandidateId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get("/candidates", response_model=PoolPageOut, responses=errors(401, 403, 404, 422))
def list_candidates(
    caller: Caller,
    db: Db,
    q: Annotated[str, Query(max_length=200, description="Words; each is a prefix, all must match.")] = "",
    tag: Annotated[str | None, Query(max_length=40)] = None,
    category: Annotated[
        str | None, Query(max_length=12, description="applied, screening, … rejected")
    ] = None,
    job_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    applied_since: date | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = search.PER_PAGE,
) -> PoolPageOut:
    """Every candidate who applied to your company, best match first (recruiters)."""
    found = search.search(
        db, caller, q, tag=tag, category=category, job_id=job_id, applied_since=applied_since,
        page=page, per_page=per_page,
    )  # fmt: skip
    return PoolPageOut.model_validate(found)


@router.get("/tags", response_model=list[TagCountOut], responses=errors(401, 403))
def list_tags(caller: Caller, db: Db) -> list[TagCountOut]:
    """The tags your company uses, with how many candidates carry each."""
    return [TagCountOut(tag=t, candidates=n) for t, n in tags.company_tags(db, caller)]


@router.put("/candidates/{candidate_id}/tags", response_model=TagsOut, responses=errors(401, 403, 404, 422))
def put_tags(candidate_id: CandidateId, body: TagsIn, caller: Caller, db: Db) -> TagsOut:
    """Replaces the candidate's tags in your company (lower-cased, duplicates dropped)."""
    return TagsOut(tags=tags.set_tags(db, caller, candidate_id, body.tags))


@router.post(
    "/candidates/{candidate_id}/applications",
    response_model=ApplicationOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 404, 409, 422),
)
def add_to_job(
    candidate_id: CandidateId, job_id: Annotated[int, Query(ge=1, le=2**63 - 1)], caller: Caller, db: Db
) -> ApplicationOut:
    """Adds a past candidate to another open job: first stage, source "talent_pool", emailed."""
    return app_out(from_talent_pool.add_to_job(db, caller, candidate_id, job_id))


@router.delete("/candidates/{candidate_id}", response_model=ErasureOut, responses=errors(401, 403, 404, 422))
def erase_candidate(candidate_id: CandidateId, caller: Caller, db: Db) -> ErasureOut:
    """Erases what your company holds about the candidate; the stage history stays, anonymous."""
    return ErasureOut.model_validate(erase.erase_candidate(db, caller, candidate_id))


@router.get("/erasures", response_model=list[ErasureLogOut], responses=errors(401, 403, 422))
def erasures(
    caller: Caller,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[ErasureLogOut]:
    """Who erased which (now anonymous) candidate, and when: by a recruiter, themself or retention."""
    return [ErasureLogOut.model_validate(e) for e in audit.erasure_log(db, caller, limit, offset)]


@router.get("/company/retention", response_model=RetentionOut, responses=errors(401, 403))
def get_retention(caller: Caller, db: Db) -> RetentionOut:
    return RetentionOut(months=retention.get_retention(db, caller))


@router.put("/company/retention", response_model=RetentionOut, responses=errors(401, 403, 422))
def put_retention(body: RetentionIn, caller: Caller, db: Db) -> RetentionOut:
    """Rejected and withdrawn candidates are erased this many months after their last change."""
    return RetentionOut(months=retention.set_retention(db, caller, body.months))


@router.get(
    "/me/export",
    response_class=StreamingResponse,
    responses={**errors(401, 403), 200: {"content": {"application/zip": {}}, "description": "A zip file"}},
)
def export_me(caller: Caller, db: Db) -> StreamingResponse:
    """All your data: data.json (profile, applications, timelines, your emails) and your files.

    Built in a temporary file by this worker thread, then streamed in 1 MiB blocks: its memory
    does not grow with the size of your files.
    """
    name, zipped = export.export_my_data(db, caller)
    size = zipped.seek(0, 2)
    zipped.seek(0)

    def blocks():
        # Closing removes the temporary file; if the client leaves first, the file object's
        # finaliser does (a spooled file on disk is unlinked from the start).
        with zipped:
            while block := zipped.read(export.CHUNK):
                yield block

    return StreamingResponse(
        blocks(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "Content-Length": str(size),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete("/me", response_model=ErasureOut, responses=errors(401, 403, 422, 429))
def erase_me(body: EraseMeIn, caller: Caller, db: Db, client: ClientAddress) -> ErasureOut:
    """Erases your account for good (your password confirms it); every session ends.

    Wrong passwords are throttled like sign-ins: 429 with Retry-After.
    """
    return ErasureOut.model_validate(erase.erase_own_account(db, caller, body.password, client))
