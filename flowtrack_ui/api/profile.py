"""/api/me/profile and /api/me/resume: the candidate's own profile and current résumé."""

from __future__ import annotations

from fastapi import APIRouter, File, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from flowtrack_ui.core.candidates import profile

from .deps import Caller, Db
from .errors import errors
from .files import file_response, read_upload
from .schemas import FileOut, ProfileIn, ProfileOut

router = APIRouter(prefix="/api/me", tags=["profile"])


@router.get("/profile", response_model=ProfileOut, responses=errors(401, 403))
def get_profile(caller: Caller, db: Db) -> ProfileOut:
    return ProfileOut.model_validate(profile.get_profile(db, caller))


@router.put("/profile", response_model=ProfileOut, responses=errors(401, 403, 422))
def put_profile(body: ProfileIn, caller: Caller, db: Db) -> ProfileOut:
    """Fields left out keep their value; URLs must be http(s), the phone a phone number."""
    changed = profile.update_profile(db, caller, body.model_dump(exclude_unset=True))
    return ProfileOut.model_validate(changed)


@router.put("/resume", response_model=FileOut, responses=errors(401, 403, 413, 415, 422, 429))
async def put_resume(caller: Caller, db: Db, file: UploadFile | None = File(default=None)) -> FileOut:
    """A PDF or DOCX of at most 10 MiB (type read from the content: 415 otherwise, 413 when larger).

    The file is read by a worker process in a thread, off the event loop; a file too large or too
    slow to read is kept with a note. 429 (with Retry-After) past the hourly upload quota.
    """
    data, name = await read_upload(file)
    return FileOut.model_validate(await run_in_threadpool(profile.upload_resume, db, caller, data, name))


@router.get(
    "/resume",
    responses={**errors(401, 403, 404), 200: {"content": {"application/pdf": {}}, "description": "The file"}},
    response_class=Response,
)
def get_resume(caller: Caller, db: Db) -> Response:
    view, data = profile.my_resume(db, caller)
    return file_response(view, data)
