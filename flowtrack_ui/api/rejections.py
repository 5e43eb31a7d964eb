"""Rejecting on the recruiter's terms (``POST /api/applications/{id}/reject``), what the reject
dialog offers, and the company's time zone for emails held until business hours."""

from __future__ import annotations

from fastapi import APIRouter

from flowtrack_ui.core.mail import automation
from flowtrack_ui.core.pipelines import moves

from .applications import AppId, app_out
from .deps import Caller, Db
from .errors import errors
from .schemas import (
    ApplicationOut,
    CompanyTimeZoneIO,
    RejectIn,
    RejectOptionsOut,
    RejectReasonOut,
    RejectTemplateOut,
)

router = APIRouter(prefix="/api", tags=["rejections"])


@router.post(
    "/applications/{application_id}/reject",
    response_model=ApplicationOut,
    responses=errors(401, 403, 404, 409, 422),
)
def reject(application_id: AppId, body: RejectIn, caller: Caller, db: Db) -> ApplicationOut:
    """Recruiters: to the job's rejected stage with a standard reason (``reason_id``) and an
    internal note. The candidate's email is written from ``template_id`` (a rejection template of
    the company; else the stage's own) and held in the outbox ``send_in_minutes`` or until
    ``send_at`` (never within the 10 s undo window), or not written with ``notify: false``.
    Reopening the application or undoing the rejection cancels a held email. 409 when the card
    cannot be rejected from where it is (or moved since ``expected_stage``)."""
    return app_out(
        moves.reject(
            db,
            caller,
            application_id,
            reason_id=body.reason_id,
            reason=body.reason,
            note=body.note,
            template_id=body.template_id,
            send_in_minutes=body.send_in_minutes,
            send_at=body.send_at,
            notify=body.notify,
            expected_stage=body.expected_stage,
        )
    )


@router.get("/reject-options", response_model=RejectOptionsOut, responses=errors(401, 403))
def reject_options(caller: Caller, db: Db) -> RejectOptionsOut:
    """Recruiters: the company's rejection reasons, each with the template it pre-chooses (one
    named like it, else the default: null), and its rejection templates, the default first."""
    options = moves.reject_options(db, caller)
    return RejectOptionsOut(
        reasons=[
            RejectReasonOut(id=r.id, label=r.label, template_id=options.template_for_reason.get(r.id))
            for r in options.reasons
        ],
        templates=[
            RejectTemplateOut(id=t.id, name=t.name, is_default=t.is_default) for t in options.templates
        ],
    )


@router.get("/company/time-zone", response_model=CompanyTimeZoneIO, responses=errors(401, 403))
def get_time_zone(caller: Caller, db: Db) -> CompanyTimeZoneIO:
    """Staff: the zone of the company's business hours (Monday to Friday, 09:00–17:00)."""
    return CompanyTimeZoneIO(time_zone=automation.company_time_zone(db, caller))


@router.put("/company/time-zone", response_model=CompanyTimeZoneIO, responses=errors(401, 403, 422))
def put_time_zone(body: CompanyTimeZoneIO, caller: Caller, db: Db) -> CompanyTimeZoneIO:
    """Recruiters: an IANA zone name; 422 for anything else."""
    return CompanyTimeZoneIO(time_zone=automation.set_company_time_zone(db, caller, body.time_zone))
