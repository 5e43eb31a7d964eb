"""/api/applications and /api/history: applying, moving through the pipeline, reading history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Query, Response, status
from starlette.concurrency import run_in_threadpool

from flowtrack_ui.core import queries
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.analytics.sources import Source
from flowtrack_ui.core.applications import applying
from flowtrack_ui.core.applications import details as application_details
from flowtrack_ui.core.errors import NotFound
from flowtrack_ui.core.pipelines import moves
from flowtrack_ui.core.views import ApplicationView

from .deps import Caller, Db, Token
from .errors import errors
from .files import file_out, file_response, page_response
from .jobs import JobId, Limit, Offset
from .schemas import (
    AnswerOut,
    ApplicationDetailOut,
    ApplicationOut,
    ApplyIn,
    EmailOut,
    HistoryOut,
    PossibleDuplicateOut,
    TimelineOut,
)

router = APIRouter(prefix="/api", tags=["applications"])

AppId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def app_out(a: ApplicationView) -> ApplicationOut:
    return ApplicationOut(
        id=a.id,
        candidate_id=a.candidate_id,
        job_id=a.job_id,
        stage=a.stage,
        version=a.version,
        created_at=a.created_at,
        updated_at=a.updated_at,
    )


@router.post(
    "/applications/",
    response_model=ApplicationOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 404, 409, 422),
)
def apply(
    job_id: Annotated[int, Query(ge=1, le=2**63 - 1)],
    caller: Caller,
    db: Db,
    body: Annotated[ApplyIn | None, Body()] = None,
    source: Annotated[
        str | None, Query(max_length=40, description="A shared link's tag (e.g. linkedin), for the reports.")
    ] = None,
) -> ApplicationOut:
    """A candidate applies to an open job, once, with their current résumé (snapshotted).

    The body is optional: a cover letter and the answers to the job's screening questions.
    A missing required answer is 422, naming the question.
    """
    answers = [{"question_id": a.question_id, "answer": a.answer} for a in body.answers] if body else []
    return app_out(
        applying.apply(
            db,
            caller,
            job_id,
            cover_letter=body.cover_letter if body else None,
            answers=answers,
            source=Source.API,
            source_tag=source,
        )
    )


@router.patch(
    "/applications/{application_id}/stage",
    response_model=ApplicationOut,
    responses=errors(401, 403, 404, 409, 422),
)
async def change_stage(
    application_id: AppId,
    new_stage: Annotated[str, Query(max_length=40, description="A stage name of the job's pipeline.")],
    token: Token,
    db: Db,
    expected_stage: Annotated[
        str | None, Query(max_length=40, description="Refuse (409) if the application is no longer here.")
    ] = None,
    note: Annotated[
        str | None, Query(max_length=2000, description="An internal note; the reason of a correction.")
    ] = None,
    reason: Annotated[
        str | None,
        Query(max_length=2000, description="A rejection: one of the company's standard reasons."),
    ] = None,
) -> Response:
    """Moves an application along its job's pipeline, as the transition table allows.

    409 names the allowed stages when the move is not allowed; 422 for an unknown stage, or a
    correction (back, reopen, un-hire) without a reason (``note``).
    """

    def move() -> ApplicationView:
        caller = sign_in.principal_from_token(db, token)
        return moves.move_stage(
            db, caller, application_id, new_stage, expected_stage=expected_stage, note=note, reason=reason
        )

    # The busiest route: the caller's check and the move share one hop to the thread pool (on SQLite
    # the move's transaction queues on the core's one writer lock, Database.session), and the
    # answer is serialised once (the same JSON the response model documents, without revalidation).
    body = app_out(await run_in_threadpool(move)).model_dump_json()
    return Response(content=body, media_type="application/json")


@router.post(
    "/applications/{application_id}/undo",
    response_model=ApplicationOut,
    responses=errors(401, 403, 404, 409, 422),
)
def undo(application_id: AppId, caller: Caller, db: Db) -> ApplicationOut:
    """Undoes the caller's last move of this application within 10 seconds; its email is cancelled."""
    return app_out(moves.undo_move(db, caller, application_id))


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationOut,
    responses=errors(401, 403, 404, 409, 422),
)
def withdraw(application_id: AppId, caller: Caller, db: Db) -> ApplicationOut:
    """The candidate withdraws their own application (from any stage not yet final)."""
    return app_out(moves.withdraw(db, caller, application_id))


@router.get(
    "/applications/job/{job_id}",
    response_model=list[ApplicationOut],
    responses=errors(401, 403, 404, 422),
)
def applications_for_job(
    job_id: JobId,
    caller: Caller,
    db: Db,
    limit: Limit = 50,
    offset: Offset = 0,
    q: Annotated[str, Query(max_length=100, description="Name, email or résumé text contains")] = "",
) -> list[ApplicationOut]:
    return [app_out(a) for a in queries.applications_for_job(db, caller, job_id, limit, offset, q)]


@router.get("/applications/me", response_model=list[ApplicationOut], responses=errors(401, 403, 422))
def my_applications(caller: Caller, db: Db, limit: Limit = 50, offset: Offset = 0) -> list[ApplicationOut]:
    mine = queries.my_applications(db, caller, limit, offset)
    return [
        ApplicationOut(
            id=m.id,
            candidate_id=caller.user_id,
            job_id=m.job_id,
            stage=m.stage,
            version=len(m.timeline),  # one history entry per version
            created_at=m.created_at,
            updated_at=m.updated_at,
        )
        for m in mine
    ]


@router.get(
    "/history/application/{application_id}",
    response_model=list[HistoryOut],
    responses=errors(401, 403, 404, 422),
    tags=["history"],
)
def history(application_id: AppId, caller: Caller, db: Db) -> list[HistoryOut]:
    """Full history with notes: recruiters of the application's company."""
    return [HistoryOut(**vars(h)) for h in queries.application_history(db, caller, application_id)]


@router.get(
    "/history/application/{application_id}/emails",
    response_model=list[EmailOut],
    responses=errors(401, 403, 404, 422),
    tags=["history"],
)
def emails(application_id: AppId, caller: Caller, db: Db) -> list[EmailOut]:
    """The emails sent (or queued) to the candidate about the application: its company's recruiters."""
    return [
        EmailOut(**vars(e), status=e.status) for e in queries.application_emails(db, caller, application_id)
    ]


@router.get(
    "/history/me/{application_id}",
    response_model=list[TimelineOut],
    responses=errors(401, 403, 404, 422),
    tags=["history"],
)
def my_history(application_id: AppId, caller: Caller, db: Db) -> list[TimelineOut]:
    """A candidate's own application: stages and dates, no notes, no staff names."""
    return [TimelineOut(**vars(t)) for t in queries.my_timeline(db, caller, application_id)]


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationDetailOut,
    responses=errors(401, 404, 422),
)
def application_detail(application_id: AppId, caller: Caller, db: Db) -> ApplicationDetailOut:
    """Profile, cover letter, answers and résumé metadata: the company's staff and the candidate."""
    d = application_details.application_detail(db, caller, application_id)
    return ApplicationDetailOut(
        **{
            k: v
            for k, v in vars(d).items()
            if k not in ("answers", "resume", "company_name", "tags", "possible_duplicates")
        },
        answers=[AnswerOut(**vars(a)) for a in d.answers],
        resume=file_out(d.resume),
        tags=list(d.tags),
        possible_duplicates=[PossibleDuplicateOut(**vars(p)) for p in d.possible_duplicates],
    )


@router.get(
    "/applications/{application_id}/resume",
    responses={**errors(401, 404, 422), 200: {"content": {"application/pdf": {}}, "description": "The file"}},
    response_class=Response,
)
def application_resume(application_id: AppId, caller: Caller, db: Db) -> Response:
    """The résumé as sent with the application, as an attachment."""
    view, data = application_details.application_resume(db, caller, application_id)
    return file_response(view, data)


@router.get(
    "/applications/{application_id}/resume/pages/{page}",
    responses={**errors(401, 404, 422), 200: {"content": {"image/png": {}}, "description": "The page"}},
    response_class=Response,
)
def application_resume_page(
    application_id: AppId,
    page: Annotated[int, Path(ge=1, le=10_000, description="From 1")],
    caller: Caller,
    db: Db,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """A page of the résumé as a PNG, drawn once at upload (the first pages only); 404 if not drawn."""
    image = application_details.resume_page_image(db, caller, application_id, page - 1)
    if image.png is None:
        raise NotFound("This page has no image; download the file to read it.")
    return page_response(image.png, f'"{image.file_sha256}-{page}"', if_none_match)
