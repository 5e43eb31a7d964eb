"""/api/company/careers and /api/company/logo: the careers site as the company's staff set it up."""

from __future__ import annotations

from fastapi import APIRouter, File, UploadFile
from starlette.concurrency import run_in_threadpool

from flowtrack_ui.core.careers import settings as careers
from flowtrack_ui.core.errors import InvalidInput, TooLarge
from flowtrack_ui.core.files.images import MAX_LOGO_BYTES

from .deps import Caller, Db
from .errors import errors
from .schemas import CareersIn, CareersOut

router = APIRouter(prefix="/api/company", tags=["company"])


@router.get("/careers", response_model=CareersOut, responses=errors(401, 403))
def get_careers(caller: Caller, db: Db) -> CareersOut:
    """Staff of the company: the careers site's settings, its address and the embed snippets."""
    return CareersOut.model_validate(careers.get_careers(db, caller))


@router.put("/careers", response_model=CareersOut, responses=errors(401, 403, 409, 422))
def put_careers(body: CareersIn, caller: Caller, db: Db) -> CareersOut:
    """Recruiters: fields left out (or null) keep their value. 409 when another company holds (or held) the
    slug; the company's own old slugs may be taken back."""
    return CareersOut.model_validate(
        careers.update_careers(db, caller, body.model_dump(exclude_unset=True, exclude_none=True))
    )


async def _read_logo(file: UploadFile | None) -> bytes:
    if file is None:
        raise InvalidInput("Send the logo as the multipart field 'file'.")
    data = await file.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise TooLarge("The logo is larger than 2 MiB; at most 2 MiB is accepted.")
    return data


@router.put("/logo", response_model=CareersOut, responses=errors(401, 403, 413, 415, 422, 429))
async def put_logo(caller: Caller, db: Db, file: UploadFile | None = File(default=None)) -> CareersOut:
    """Recruiters: a PNG, JPEG or WebP of at most 2 MiB (415 for another type, 413 when larger),
    re-encoded to a PNG of at most 512 px a side by a worker process, off the event loop. A refused
    file keeps the current logo."""
    data = await _read_logo(file)
    return CareersOut.model_validate(await run_in_threadpool(careers.set_logo, db, caller, data))


@router.delete("/logo", response_model=CareersOut, responses=errors(401, 403))
def delete_logo(caller: Caller, db: Db) -> CareersOut:
    """Recruiters: the careers site goes without a logo."""
    return CareersOut.model_validate(careers.remove_logo(db, caller))
