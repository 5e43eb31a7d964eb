"""/api/applications and /api/history: applying, moving through the pipeline, reading history."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated

from fastapi import APIRouter, Body, File, Header, Path, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from flowtrack_ui.core import queries
from flowtrack_ui.core.analytics.sources import Source
from flowtrack_ui.core.applications import applying, public_apply
from flowtrack_ui.core.applications import details as application_details
from flowtrack_ui.core.applications.public_apply import PublicApplication
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.errors import InvalidInput, NotFound
from flowtrack_ui.core.files.file_types import MAX_RESUME_BYTES
from flowtrack_ui.core.pipelines import moves
from flowtrack_ui.core.pipelines.definitions import MAX_STAGE_NAME
from flowtrack_ui.core.pipelines.moves import MAX_NOTE
from flowtrack_ui.core.views import ApplicationView

from .deps import Caller, ClientAddress, Db, Token, principal_for
from .errors import errors
from .files import file_response, page_response, read_upload
from .jobs import JobId, Limit, Offset
from .schemas import (
    ApplicationDetailOut,
    ApplicationOut,
    ApplyIn,
    ApplyProblemsOut,
    CompanyApplicationOut,
    EmailOut,
    FormTokenOut,
    HistoryOut,
    PublicApplyIn,
    PublicApplyOut,
    ResumeFieldsOut,
    TimelineOut,
)

router = APIRouter(prefix="/api", tags=["applications"])

AppId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def app_out(a: ApplicationView) -> ApplicationOut:
    """An application as the API shows it: its view's fields (rejections and the talent pool too)."""
    return ApplicationOut.model_validate(a)


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


APPLIED = "Thank you: your application is in. We emailed you a link to follow it."
_PUBLIC_APPLY_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": PublicApplyIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["full_name", "email", "resume", "started"],
                    "properties": {
                        "full_name": {"type": "string"},
                        "email": {"type": "string"},
                        "phone": {"type": "string"},
                        "linkedin_url": {"type": "string"},
                        "cover_letter": {"type": "string"},
                        "resume": {"type": "string", "format": "binary"},
                        "source": {"type": "string"},
                        "started": {"type": "string"},
                        "website": {"type": "string", "description": "Must stay empty."},
                    },
                    "additionalProperties": {"type": "string", "description": "answer_{question_id}"},
                }
            },
        },
    }
}


async def _public_form(request: Request) -> PublicApplication:
    """The application as sent: JSON (the résumé base64) or multipart (the résumé a file)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = PublicApplyIn.model_validate(json.loads(await request.body() or b"null"))
            resume = base64.b64decode(body.resume_base64, validate=True)
        except (ValueError, ValidationError, binascii.Error) as exc:
            if isinstance(exc, ValidationError):
                fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")}))
                raise InvalidInput(f"Check these fields: {fields}.") from None
            raise InvalidInput("Send a JSON object; resume_base64 holds the file in base64.") from None
        return PublicApplication(
            full_name=body.full_name,
            email=body.email,
            phone=body.phone,
            linkedin_url=body.linkedin_url,
            cover_letter=body.cover_letter,
            answers=[{"question_id": a.question_id, "answer": a.answer} for a in body.answers],
            resume=resume,
            resume_name=body.resume_name,
            source=body.source,
            honeypot=body.website,
            started=body.started,
        )
    if kind != "multipart/form-data":
        raise InvalidInput("Send the application as JSON or as multipart/form-data.")
    async with request.form(max_files=1, max_fields=60) as form:
        upload = form.get("resume")
        uploaded: bytes | None = None
        name = ""
        if isinstance(upload, StarletteUpload):
            uploaded = await upload.read(MAX_RESUME_BYTES + 1)
            name = upload.filename or ""
        texts = {k: v for k, v in form.items() if isinstance(v, str)}
    return public_apply.from_form(texts, uploaded, name)


@router.post(
    "/jobs/{job_id}/applications",
    response_model=PublicApplyOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        **errors(404, 409, 413, 415, 429),
        422: {"model": ApplyProblemsOut, "description": "Fields to correct, each named"},
    },
    openapi_extra=_PUBLIC_APPLY_BODY,
    tags=["applications"],
    summary="Apply without an account",
)
async def apply_without_account(
    job_id: JobId, request: Request, db: Db, client: ClientAddress
) -> PublicApplyOut | JSONResponse:
    """The careers site's one-step form as an API: JSON or multipart, no account needed.

    The candidate record is found by email (or made without a password); nothing of it is shown.
    An email with a single-use sign-in link to the tracker goes to the address. ``started`` comes
    from GET /api/apply/form-token at least 3 seconds before; ``website`` must stay empty.
    404 for a job that takes no applications, 409 when closed or already applied, 413/415 for the
    résumé, 422 with ``fields`` naming each problem, 429 past the hourly limits (Retry-After).
    """
    form = await _public_form(request)
    try:
        applied = await run_in_threadpool(
            public_apply.apply_without_account, db, job_id, form, client=client, default_source=Source.API
        )
    except public_apply.FormProblems as exc:
        return JSONResponse({"detail": exc.message, "fields": exc.fields}, status_code=exc.status_code)
    return PublicApplyOut(detail=APPLIED, job_id=applied.job_id, email=applied.email)


@router.get("/apply/form-token", response_model=FormTokenOut, tags=["applications"])
def form_token(response: Response) -> FormTokenOut:
    """When an application form was shown, signed: send it back as ``started`` (not within 3 s)."""
    response.headers["Cache-Control"] = "no-store"
    return FormTokenOut(started=public_apply.form_token(), min_seconds=public_apply.MIN_FILL_SECONDS)


@router.post(
    "/apply/resume-fields",
    response_model=ResumeFieldsOut,
    responses=errors(413, 415, 422, 429),
    tags=["applications"],
    summary="Read a résumé's contact details to pre-fill the form",
)
async def resume_fields(
    db: Db, client: ClientAddress, file: UploadFile | None = File(default=None)
) -> ResumeFieldsOut:
    """Name, email, phone and LinkedIn profile found in the résumé's text (empty when not found).

    The file is checked like any résumé (413, 415), read in a file worker and not stored; 429
    past the hourly limit per client address.
    """
    data, name = await read_upload(file)
    found = await run_in_threadpool(public_apply.resume_fields, db, data, name, client=client)
    return ResumeFieldsOut.model_validate(found)


def moved_json(
    db: Database,
    token: str,
    application_id: int,
    new_stage: str,
    expected_stage: str | None = None,
    note: str | None = None,
    reason: str | None = None,
) -> str:
    """A stage move by the token's holder, answered as JSON: the route below, and the direct path
    that API clients' moves take (``direct_moves``). Blocking: runs in the thread pool, in the
    writer queue from the caller's check on (on SQLite moves are written one at a time anyway; with
    the check inside it, 16 moves in flight cost about 0.2 ms less CPU each). A caller refused
    there (401, 403) has taken a turn too, as long as its check: one read."""
    with db.writer_turn():
        caller = principal_for(db, token, "PATCH")  # a session, or an API token with write
        view = moves.move_stage(
            db, caller, application_id, new_stage, expected_stage=expected_stage, note=note, reason=reason
        )
        # The same JSON the response model documents, serialised once (without revalidation).
        return app_out(view).model_dump_json()


@router.patch(
    "/applications/{application_id}/stage",
    response_model=ApplicationOut,
    responses=errors(401, 403, 404, 409, 422),
)
async def change_stage(
    application_id: AppId,
    new_stage: Annotated[
        str, Query(max_length=MAX_STAGE_NAME, description="A stage name of the job's pipeline.")
    ],
    token: Token,
    db: Db,
    expected_stage: Annotated[
        str | None,
        Query(max_length=MAX_STAGE_NAME, description="Refuse (409) if the application is no longer here."),
    ] = None,
    note: Annotated[
        str | None, Query(max_length=MAX_NOTE, description="An internal note; the reason of a correction.")
    ] = None,
    reason: Annotated[
        str | None,
        Query(max_length=MAX_NOTE, description="A rejection: one of the company's standard reasons."),
    ] = None,
) -> Response:
    """Moves an application along its job's pipeline, as the transition table allows: the next
    stage (forward), or a later one in progress (a skip; Hired only from the stage before it).

    409 names the allowed stages when the move is not allowed; 422 for an unknown stage, or a
    correction (back, reopen, un-hire) without a reason (``note``).
    """
    # The caller's check and the move share one hop to the thread pool (on SQLite both queue on
    # the core's one writer lock, Database.writer_turn).
    body = await run_in_threadpool(
        moved_json, db, token, application_id, new_stage, expected_stage, note, reason
    )
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


# Declared before any "/applications/{application_id}/…" GET route, so "recruiter" is never read
# as an application id.
@router.get(
    "/applications/recruiter/all",
    response_model=list[CompanyApplicationOut],
    responses=errors(401, 403, 422),
)
def company_applications(
    caller: Caller, db: Db, limit: Limit = 50, offset: Offset = 0
) -> list[CompanyApplicationOut]:
    """Every application to the caller's company's jobs, newest first: recruiters and hiring managers."""
    return [
        CompanyApplicationOut.model_validate(a)
        for a in queries.company_applications(db, caller, limit, offset)
    ]


@router.get(
    "/history/application/{application_id}",
    response_model=list[HistoryOut],
    responses=errors(401, 403, 404, 422),
    tags=["history"],
)
def history(application_id: AppId, caller: Caller, db: Db) -> list[HistoryOut]:
    """Full history with notes: recruiters of the application's company."""
    return [HistoryOut.model_validate(h) for h in queries.application_history(db, caller, application_id)]


@router.get(
    "/history/application/{application_id}/emails",
    response_model=list[EmailOut],
    responses=errors(401, 403, 404, 422),
    tags=["history"],
)
def emails(application_id: AppId, caller: Caller, db: Db) -> list[EmailOut]:
    """The emails sent (or queued) to the candidate about the application: its company's recruiters."""
    return [EmailOut.model_validate(e) for e in queries.application_emails(db, caller, application_id)]


@router.get(
    "/history/me/{application_id}",
    response_model=list[TimelineOut],
    responses=errors(401, 403, 404, 422),
    tags=["history"],
)
def my_history(application_id: AppId, caller: Caller, db: Db) -> list[TimelineOut]:
    """A candidate's own application: stages and dates, no notes, no staff names."""
    return [TimelineOut.model_validate(t) for t in queries.my_timeline(db, caller, application_id)]


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationDetailOut,
    responses=errors(401, 404, 422),
)
def application_detail(application_id: AppId, caller: Caller, db: Db) -> ApplicationDetailOut:
    """Profile, cover letter, answers and résumé metadata: the company's staff and the candidate."""
    return ApplicationDetailOut.model_validate(
        application_details.application_detail(db, caller, application_id)
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
