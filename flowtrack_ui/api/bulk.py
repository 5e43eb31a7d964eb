"""/api/applications/bulk and /api/batches/{id}/undo: one action on many applications, one undo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from flowtrack_ui.core.bulk import actions

from .deps import Caller, Db
from .errors import errors
from .schemas import BulkIn, BulkOut

router = APIRouter(prefix="/api", tags=["bulk actions"])

BatchId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("/applications/bulk", response_model=BulkOut, responses=errors(401, 403, 404, 409, 422))
def run_bulk(body: BulkIn, caller: Caller, db: Db) -> BulkOut:
    """Moves, rejects, tags, adds to a job or emails (one template) many applications at once
    (recruiters).

    Each application goes through the same rules as one: those refused are listed in ``failed``
    with the candidate's name and the reason, the others are done. Another company's ids fail as
    not found. 422 for input no application could take (an unknown action or reason, an empty or
    too long list); 404/409 for an ``add_to_job`` job that is not yours or not open.
    """
    return BulkOut.model_validate(
        actions.run_bulk(
            db,
            caller,
            body.action,
            body.application_ids,
            target_stage=body.target_stage,
            reason=body.reason,
            reason_id=body.reason_id,
            note=body.note,
            send_in_minutes=body.send_in_minutes,
            notify=body.notify,
            template_id=body.template_id,
            tags=body.tags,
            job_id=body.job_id,
        )
    )


@router.post("/batches/{batch_id}/undo", response_model=BulkOut, responses=errors(401, 403, 404, 409, 422))
def undo_batch(batch_id: BatchId, caller: Caller, db: Db) -> BulkOut:
    """Undoes a batch of moves within 10 seconds of its end (its recruiter only); cards moved
    since by someone else stay and are listed in ``failed``. Their held emails are cancelled."""
    return BulkOut.model_validate(actions.undo_batch(db, caller, batch_id))
