"""Offers over REST: the company's letter templates, an application's offers and their steps
(recruiters write and send, named approvers approve or decline), and the candidate's link."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from flowtrack_ui.core.offers import letters, responses, workflow

from .deps import Caller, ClientAddress, Db
from .errors import errors
from .schemas import FromView

router = APIRouter(tags=["offers"])

Period = Literal["year", "month", "hour"]


class OfferTemplateOut(FromView):
    id: int = Field(description="0 for the built-in letter (not stored, not editable)")
    name: str
    body: str
    is_default: bool = Field(description="The letter new offers start from")
    built_in: bool


class OfferTemplateIn(BaseModel):
    name: str = Field(max_length=letters.MAX_NAME)
    body: str = Field(max_length=letters.MAX_BODY)
    is_default: bool = False


class LetterPreviewIn(BaseModel):
    body: str = Field(max_length=letters.MAX_BODY)


class LetterPreviewOut(BaseModel):
    markdown: str


class ApprovalOut(FromView):
    position: int
    approver_id: int
    approver_name: str
    decision: str = Field(description="pending, approved or declined")
    comment: str
    decided_at: datetime | None


class OfferOut(FromView):
    id: int
    application_id: int
    version: int
    status: str = Field(
        description="draft, pending_approval, approved, sent, accepted, declined, withdrawn or expired"
    )
    candidate_name: str
    job_title: str
    start_date: date
    salary_cents: int
    salary: str
    currency: str
    salary_period: str
    bonus: str
    equity: str
    other_terms: str
    expires_on: date
    signer_name: str
    signer_title: str
    letter: str
    approver_ids: list[int] = Field(description="The approval chain, in order")
    approvals: list[ApprovalOut]
    next_approver_id: int | None
    created_at: datetime
    sent_at: datetime | None
    responded_at: datetime | None
    decline_reason: str | None
    signed_name: str | None = Field(description="The acceptance's audit record: the name typed")
    signed_ip: str | None = Field(description="…the client address it came from")
    signed_user_agent: str | None = Field(description="…the browser's user agent")
    document_sha256: str | None = Field(description="…the SHA-256 of the PDF the candidate was served")
    has_signed_pdf: bool
    replaces_id: int | None
    link: str = Field(description="The candidate's page, once sent")


class OfferFields(BaseModel):
    template_id: int | None = Field(default=None, description="0 for the built-in letter")
    letter: str | None = Field(default=None, max_length=letters.MAX_BODY)
    job_title: str | None = Field(default=None, max_length=200)
    start_date: date | None = None
    salary: str | float | None = Field(default=None, description="The amount, such as 60000 or 60000.50")
    currency: str | None = Field(default=None, max_length=3)
    salary_period: Period | None = None
    bonus: str | None = Field(default=None, max_length=workflow.MAX_TERMS)
    equity: str | None = Field(default=None, max_length=workflow.MAX_TERMS)
    other_terms: str | None = Field(default=None, max_length=workflow.MAX_TERMS)
    expires_on: date | None = None
    signer_name: str | None = Field(default=None, max_length=120)
    signer_title: str | None = Field(default=None, max_length=120)
    approver_ids: list[int] | None = Field(default=None, max_length=workflow.MAX_APPROVERS)


class SubmitIn(BaseModel):
    approver_ids: list[int] | None = Field(
        default=None, max_length=workflow.MAX_APPROVERS, description="In order; else the chain chosen"
    )


class CommentIn(BaseModel):
    comment: str = Field(default="", max_length=workflow.MAX_TERMS)


class ReasonIn(BaseModel):
    reason: str = Field(default="", max_length=workflow.MAX_TERMS)


class PublicOfferOut(FromView):
    status: str
    company_name: str
    candidate_name: str
    job_title: str
    letter_html: str
    expires_on: date
    sent_at: datetime
    responded_at: datetime | None
    signed_name: str | None
    document_sha256: str | None
    pdf_sha256: str = Field(description="SHA-256 of the PDF this link serves")
    consent: str = Field(description="The sentence an acceptance agrees to")


class AcceptIn(BaseModel):
    signature_name: str = Field(max_length=200, description="Your full name as on the letter")
    consent: bool


class AuditOut(FromView):
    signed_name: str
    signed_at: datetime
    ip: str
    user_agent: str
    document_sha256: str


def _pdf(named: tuple[str, bytes]) -> Response:
    name, data = named
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The letter as a PDF"}
}

# --- templates ------------------------------------------------------------------------------


@router.get("/api/offer-templates", response_model=list[OfferTemplateOut], responses=errors(401, 403))
def list_templates(caller: Caller, db: Db) -> list[OfferTemplateOut]:
    """Staff: the company's letters, the default first, and the built-in one."""
    return [OfferTemplateOut.model_validate(t) for t in letters.list_templates(db, caller)]


@router.post(
    "/api/offer-templates",
    response_model=OfferTemplateOut,
    status_code=201,
    responses=errors(401, 403, 409, 422),
)
def create_template(body: OfferTemplateIn, caller: Caller, db: Db) -> OfferTemplateOut:
    """Recruiters: a letter in Markdown with the documented variables; 422 names what is not allowed."""
    return OfferTemplateOut.model_validate(letters.create_template(db, caller, body.model_dump()))


@router.post("/api/offer-templates/preview", response_model=LetterPreviewOut, responses=errors(401, 403, 422))
def preview_template(body: LetterPreviewIn, caller: Caller, db: Db) -> LetterPreviewOut:
    """Staff: the letter filled in with an example candidate and terms."""
    return LetterPreviewOut(markdown=letters.preview_markdown(db, caller, body.body))


@router.put(
    "/api/offer-templates/{template_id}",
    response_model=OfferTemplateOut,
    responses=errors(401, 403, 404, 409, 422),
)
def update_template(template_id: int, body: OfferTemplateIn, caller: Caller, db: Db) -> OfferTemplateOut:
    return OfferTemplateOut.model_validate(
        letters.update_template(db, caller, template_id, body.model_dump())
    )


@router.delete("/api/offer-templates/{template_id}", status_code=204, responses=errors(401, 403, 404, 422))
def delete_template(template_id: int, caller: Caller, db: Db) -> None:
    letters.delete_template(db, caller, template_id)


# --- offers ---------------------------------------------------------------------------------


@router.get(
    "/api/applications/{application_id}/offers",
    response_model=list[OfferOut],
    responses=errors(401, 403, 404, 422),
)
def list_offers(application_id: int, caller: Caller, db: Db) -> list[OfferOut]:
    """Staff: an application's offers, newest version first."""
    return [OfferOut.model_validate(o) for o in workflow.offers_for_application(db, caller, application_id)]


@router.post(
    "/api/applications/{application_id}/offers",
    response_model=OfferOut,
    status_code=201,
    responses=errors(401, 403, 404, 409, 422),
)
def create_offer(application_id: int, body: OfferFields, caller: Caller, db: Db) -> OfferOut:
    """Recruiters: a draft offer (start_date, salary, currency, expires_on required); its letter
    from ``template_id`` or the company's default; ``approver_ids`` the chain, in order."""
    return OfferOut.model_validate(
        workflow.create_offer(db, caller, application_id, body.model_dump(mode="json", exclude_none=True))
    )


@router.get("/api/offers/{offer_id}", response_model=OfferOut, responses=errors(401, 403, 404, 422))
def get_offer(offer_id: int, caller: Caller, db: Db) -> OfferOut:
    return OfferOut.model_validate(workflow.get_offer(db, caller, offer_id))


@router.put("/api/offers/{offer_id}", response_model=OfferOut, responses=errors(401, 403, 404, 409, 422))
def update_offer(offer_id: int, body: OfferFields, caller: Caller, db: Db) -> OfferOut:
    """Recruiters: change what is given. Under approval or approved, approvals start again; a sent
    offer is revised: the answer is the new version, and the sent one's link stops working."""
    return OfferOut.model_validate(
        workflow.update_offer(db, caller, offer_id, body.model_dump(mode="json", exclude_none=True))
    )


@router.get("/api/offers/{offer_id}/pdf", responses={**PDF, **errors(401, 403, 404, 422)})
def offer_pdf(offer_id: int, caller: Caller, db: Db) -> Response:
    """Staff: the letter as sent, or before sending, a preview of it today."""
    return _pdf(workflow.offer_pdf(db, caller, offer_id))


@router.get("/api/offers/{offer_id}/signed.pdf", responses={**PDF, **errors(401, 403, 404, 422)})
def signed_pdf(offer_id: int, caller: Caller, db: Db) -> Response:
    """Staff: the accepted letter with its signature page."""
    return _pdf(workflow.signed_pdf(db, caller, offer_id))


@router.post(
    "/api/offers/{offer_id}/submit", response_model=OfferOut, responses=errors(401, 403, 404, 409, 422)
)
def submit_offer(offer_id: int, body: SubmitIn, caller: Caller, db: Db) -> OfferOut:
    return OfferOut.model_validate(workflow.submit_offer(db, caller, offer_id, body.approver_ids))


@router.post(
    "/api/offers/{offer_id}/approve", response_model=OfferOut, responses=errors(401, 403, 404, 409, 422)
)
def approve_offer(offer_id: int, body: CommentIn, caller: Caller, db: Db) -> OfferOut:
    """The approver whose turn it is (409 before their turn; 403 for anyone not in the chain)."""
    return OfferOut.model_validate(workflow.approve_offer(db, caller, offer_id, body.comment))


@router.post(
    "/api/offers/{offer_id}/decline", response_model=OfferOut, responses=errors(401, 403, 404, 409, 422)
)
def decline_offer(offer_id: int, body: CommentIn, caller: Caller, db: Db) -> OfferOut:
    """The approver whose turn it is, with a comment: the offer returns to its recruiter as a draft."""
    return OfferOut.model_validate(workflow.decline_offer(db, caller, offer_id, body.comment))


@router.post(
    "/api/offers/{offer_id}/send", response_model=OfferOut, responses=errors(401, 403, 404, 409, 422)
)
def send_offer(offer_id: int, caller: Caller, db: Db) -> OfferOut:
    return OfferOut.model_validate(workflow.send_offer(db, caller, offer_id))


@router.post(
    "/api/offers/{offer_id}/withdraw", response_model=OfferOut, responses=errors(401, 403, 404, 409, 422)
)
def withdraw_offer(offer_id: int, body: ReasonIn, caller: Caller, db: Db) -> OfferOut:
    return OfferOut.model_validate(workflow.withdraw_offer(db, caller, offer_id, body.reason))


# --- the candidate's link -------------------------------------------------------------------

GONE: dict[int | str, dict[str, Any]] = {
    410: {"description": "The offer was withdrawn, revised, answered or has expired"}
}


@router.get("/api/offer-links/{token}", response_model=PublicOfferOut, responses={**GONE, **errors(404, 422)})
def open_link(token: str, db: Db) -> PublicOfferOut:
    """The link's holder: the letter and where the offer stands (never its approvals)."""
    return PublicOfferOut.model_validate(responses.open_link(db, token))


@router.get("/api/offer-links/{token}/pdf", responses={**PDF, **GONE, **errors(404, 422)})
def link_pdf(token: str, db: Db) -> Response:
    """The PDF exactly as sent: an acceptance records its SHA-256."""
    return _pdf(responses.link_pdf(db, token))


@router.post(
    "/api/offer-links/{token}/accept", response_model=AuditOut, responses={**GONE, **errors(404, 422)}
)
def accept(token: str, body: AcceptIn, request: Request, address: ClientAddress, db: Db) -> AuditOut:
    """Sign with your full name and ``consent: true``; the answer is the audit record."""
    record = responses.accept(
        db,
        token,
        body.signature_name,
        body.consent,
        ip=address,
        user_agent=request.headers.get("user-agent", ""),
    )
    return AuditOut.model_validate(record)


@router.post("/api/offer-links/{token}/decline", status_code=204, responses={**GONE, **errors(404, 422)})
def decline(token: str, body: ReasonIn, db: Db) -> None:
    """Decline, with an optional reason the recruiters read."""
    responses.decline(db, token, body.reason)
