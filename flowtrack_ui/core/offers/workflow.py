"""An offer's life on the staff side: written by a recruiter from a letter template, approved by
its chain in order, sent to the candidate (PDF stored, emailed with the link), withdrawn or
revised. Every step is an ``OfferEvent`` row in the same transaction (the activity feed reads them).

Statuses: draft → pending_approval → approved → sent → accepted | declined | expired; any open
offer may be withdrawn. A decline by an approver returns the offer to draft (to its recruiter).
Editing an offer under approval or approved restarts its chain (a new round); editing a sent
offer is a revision: a new version in a new row, the old one withdrawn, its link dead.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func
from sqlmodel import Session, select

from .. import validation
from ..db import Database, announce_application_change, existing
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import (
    SALARY_PERIODS,
    Application,
    Company,
    Job,
    JobStage,
    Offer,
    OfferApproval,
    OfferEvent,
    StoredFile,
    User,
)
from ..permissions import STAFF_ROLES, Action, Principal, may, require
from ..scoping import company_application
from ..settings import get_settings
from . import letters, links, mail, pdf

DRAFT, PENDING, APPROVED, SENT = "draft", "pending_approval", "approved", "sent"
ACCEPTED, DECLINED, WITHDRAWN, EXPIRED = "accepted", "declined", "withdrawn", "expired"
OPEN = (DRAFT, PENDING, APPROVED, SENT)
MAX_APPROVERS = 10
MAX_TERMS = 2_000
MAX_SALARY_CENTS = 10**15
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class Gone(Conflict):
    """The link's offer is over (withdrawn, replaced): answered 410, with what to do instead."""

    status_code = 410


@dataclass(frozen=True)
class ApprovalView:
    position: int
    approver_id: int
    approver_name: str
    decision: str  # pending, approved, declined
    comment: str
    decided_at: datetime | None


@dataclass(frozen=True)
class OfferView:
    id: int
    application_id: int
    version: int
    status: str
    candidate_name: str
    job_title: str
    start_date: date
    salary_cents: int
    salary: str  # "EUR 60,000.00 per year"
    currency: str
    salary_period: str
    bonus: str
    equity: str
    other_terms: str
    expires_on: date
    signer_name: str
    signer_title: str
    letter: str
    approver_ids: tuple[int, ...]
    approvals: tuple[ApprovalView, ...]
    next_approver_id: int | None
    created_by_name: str
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    responded_at: datetime | None
    decline_reason: str | None
    signed_name: str | None
    document_sha256: str | None
    signed_ip: str | None
    signed_user_agent: str | None
    has_signed_pdf: bool
    replaces_id: int | None
    link: str  # the candidate's page, once sent


def end_of(day: date) -> datetime:
    """An offer open until a day is open until that day ends (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def effective_status(offer: Offer, now: datetime) -> str:
    """``sent`` past its last day reads as ``expired`` (stored so by the next write)."""
    if offer.status == SENT and now >= end_of(offer.expires_on):
        return EXPIRED
    return offer.status


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def event(
    s: Session, offer: Offer, kind: str, actor_id: int | None, note: str = "", at: datetime | None = None
) -> None:
    s.add(
        OfferEvent(
            offer_id=offer.id or 0,
            application_id=offer.application_id,
            kind=kind,
            actor_id=actor_id,
            note=note,
            at=at or datetime.now(UTC),
        )
    )


def announce_offer(s: Session, offer: Offer) -> None:
    app = existing(s, Application, offer.application_id)
    job = existing(s, Job, app.job_id)
    announce_application_change(
        s, app.id or 0, job_id=job.id or 0, candidate_id=app.candidate_id, company_id=job.company_id
    )


# --- input ----------------------------------------------------------------------------------


def _date(value: object, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except (TypeError, ValueError):
            raise InvalidInput(f"{field} must be a date like 2027-01-04.") from None
    validation.date_in_range(day, field)
    return day


def salary_cents(value: object) -> int:
    """``60000``, ``"60,000.50"`` → cents; refused when negative, zero or absurd."""
    if isinstance(value, bool):
        raise InvalidInput("Salary must be an amount like 60000 or 60000.50.")
    try:
        amount = Decimal(str(value).replace(",", "").replace(" ", "").strip())
    except InvalidOperation:
        raise InvalidInput("Salary must be an amount like 60000 or 60000.50.") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput("Salary must be a positive amount.")
    if amount * 100 >= MAX_SALARY_CENTS:
        raise InvalidInput("Salary is too large.")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput("Salary may have at most two decimals.")
    cents = int(amount * 100)
    if cents >= MAX_SALARY_CENTS:
        raise InvalidInput("Salary is too large.")
    return cents


def _approvers(s: Session, principal: Principal, value: object) -> list[int]:
    if not isinstance(value, list | tuple):
        raise InvalidInput("approver_ids must be a list of staff ids, in the order they approve.")
    ids = [validation.object_id(v, "Approver id") for v in value]
    if len(ids) > MAX_APPROVERS:
        raise InvalidInput(f"An offer has at most {MAX_APPROVERS} approvers.")
    if len(set(ids)) != len(ids):
        raise InvalidInput("Each approver may be named once.")
    if ids:
        staff = {
            u.id
            for u in s.exec(
                select(User).where(
                    User.id.in_(ids),  # type: ignore[union-attr]
                    User.company_id == principal.staff_company_id,
                    User.is_active,
                    User.erased_at.is_(None),  # type: ignore[union-attr]
                )
            )
            if u.role in STAFF_ROLES
        }
        for i in ids:
            if i not in staff:
                raise InvalidInput(f"Approver {i} is not a member of your company's staff.")
    return ids


_FIELDS = (
    "template_id",
    "letter",
    "job_title",
    "start_date",
    "salary",
    "currency",
    "salary_period",
    "bonus",
    "equity",
    "other_terms",
    "expires_on",
    "signer_name",
    "signer_title",
    "approver_ids",
)


def _apply_fields(
    s: Session, principal: Principal, offer: Offer, fields: object, now: datetime, new: bool
) -> list[int] | None:
    """Checks and sets what is given (on creation, what is missing has a default); returns the
    approvers when given."""
    if not isinstance(fields, dict):
        raise InvalidInput("Send the offer as an object of fields.")
    unknown = sorted(set(fields) - set(_FIELDS))
    if unknown:
        raise InvalidInput(f"Unknown field {unknown[0]!r}; the fields are: {', '.join(_FIELDS)}.")
    if "letter" in fields and fields["letter"] not in (None, ""):
        offer.letter = letters.check_body(fields["letter"])
    elif "template_id" in fields or new:
        offer.letter = letters.template_body(s, principal, fields.get("template_id"))
    if "job_title" in fields:
        offer.job_title = validation.text(fields["job_title"], "Job title", max_len=200)
    if "start_date" in fields or new:
        offer.start_date = _date(fields.get("start_date"), "Start date")
    if "salary" in fields or new:
        offer.salary_cents = salary_cents(fields.get("salary"))
    if "currency" in fields or new:
        currency = str(fields.get("currency") or "").strip().upper()
        if not _CURRENCY.match(currency):
            raise InvalidInput("Currency must be a three-letter code such as EUR or USD.")
        offer.currency = currency
    if "salary_period" in fields or new:
        period = fields.get("salary_period") or "year"
        if period not in SALARY_PERIODS:
            raise InvalidInput(f"Salary period must be one of: {', '.join(SALARY_PERIODS)}.")
        offer.salary_period = str(period)
    for name, label in (("bonus", "Bonus"), ("equity", "Equity"), ("other_terms", "Other terms")):
        if name in fields:
            value = validation.text(
                fields[name] or "", label, max_len=MAX_TERMS, required=False, multiline=name == "other_terms"
            )
            setattr(offer, name, value)
    if "expires_on" in fields or new:
        offer.expires_on = _date(fields.get("expires_on"), "Expiry date")
    if "signer_name" in fields:
        offer.signer_name = validation.text(fields["signer_name"], "Signer", max_len=120)
    if "signer_title" in fields:
        offer.signer_title = validation.text(
            fields["signer_title"] or "", "Signer's title", max_len=120, required=False
        )
    if offer.expires_on < now.date():
        raise InvalidInput("The expiry date has passed; choose a day from today on.")
    if offer.start_date < now.date() - timedelta(days=31):
        raise InvalidInput("The start date is long past; check it.")
    if "approver_ids" in fields:
        return _approvers(s, principal, fields["approver_ids"])
    return None


# --- reading --------------------------------------------------------------------------------


def _offer(s: Session, principal: Principal, offer_id: object, lock: bool = False) -> Offer:
    """An offer of the caller's company; ``lock`` holds its row until the change commits (on
    PostgreSQL; SQLite's one writer does the same), so two racing steps happen one after the other."""
    require(principal, Action.READ_OFFERS)
    oid = validation.object_id(offer_id, "Offer id")
    offer = (
        s.exec(select(Offer).where(Offer.id == oid).with_for_update()).first() if lock else s.get(Offer, oid)
    )
    if offer is None or offer.company_id != principal.staff_company_id:
        raise NotFound("Offer not found.")
    return offer


def chain(s: Session, offer: Offer) -> list[OfferApproval]:
    """The current round's approvals, in order."""
    return list(
        s.exec(
            select(OfferApproval)
            .where(OfferApproval.offer_id == offer.id, OfferApproval.round == offer.approval_round)
            .order_by(OfferApproval.position)  # type: ignore[arg-type]
        )
    )


def next_approver(rows: list[OfferApproval]) -> OfferApproval | None:
    for row in rows:
        if row.decision != "approved":
            return row if row.decision == "pending" else None
    return None


def view(s: Session, offer: Offer, now: datetime | None = None) -> OfferView:
    rows = chain(s, offer)
    ids = [r.approver_id for r in rows]
    if not rows:  # a draft not yet submitted: the chain chosen, from the last round's names or none
        ids = _planned(s, offer)
    people = {u.id: u.full_name for u in s.exec(select(User).where(User.id.in_([*ids, offer.created_by_id])))}  # type: ignore[union-attr]
    app = existing(s, Application, offer.application_id)
    candidate = existing(s, User, app.candidate_id)
    nxt = next_approver(rows) if offer.status == PENDING else None
    return OfferView(
        id=offer.id or 0,
        application_id=offer.application_id,
        version=offer.version,
        status=effective_status(offer, _now(now)),
        candidate_name=candidate.full_name,
        job_title=offer.job_title,
        start_date=offer.start_date,
        salary_cents=offer.salary_cents,
        salary=letters.salary_words(offer.salary_cents, offer.currency, offer.salary_period),
        currency=offer.currency,
        salary_period=offer.salary_period,
        bonus=offer.bonus,
        equity=offer.equity,
        other_terms=offer.other_terms,
        expires_on=offer.expires_on,
        signer_name=offer.signer_name,
        signer_title=offer.signer_title,
        letter=offer.letter,
        approver_ids=tuple(ids),
        approvals=tuple(
            ApprovalView(
                r.position, r.approver_id, people.get(r.approver_id, ""), r.decision, r.comment, r.decided_at
            )
            for r in rows
        ),
        next_approver_id=nxt.approver_id if nxt else None,
        created_by_name=people.get(offer.created_by_id, ""),
        created_at=offer.created_at,
        updated_at=offer.updated_at,
        sent_at=offer.sent_at,
        responded_at=offer.responded_at,
        decline_reason=offer.decline_reason,
        signed_name=offer.signed_name,
        document_sha256=offer.document_sha256,
        signed_ip=offer.signed_ip,
        signed_user_agent=offer.signed_user_agent,
        has_signed_pdf=offer.signed_file_id is not None,
        replaces_id=offer.replaces_id,
        link=links.page_url(links.token_for(offer.id or 0, offer.link_nonce)) if offer.link_nonce else "",
    )


def _planned(s: Session, offer: Offer) -> list[int]:
    """A draft's chosen approvers: kept as round 0 rows (never decided) until it is submitted."""
    return [
        r.approver_id
        for r in s.exec(
            select(OfferApproval)
            .where(OfferApproval.offer_id == offer.id, OfferApproval.round == -offer.approval_round - 1)
            .order_by(OfferApproval.position)  # type: ignore[arg-type]
        )
    ]


def _plan(s: Session, offer: Offer, ids: list[int]) -> None:
    """Stores the chain to use at the next submission (negative round: a plan, not a decision)."""
    key = -offer.approval_round - 1
    for old in s.exec(
        select(OfferApproval).where(OfferApproval.offer_id == offer.id, OfferApproval.round == key)
    ):
        s.delete(old)
    s.flush()
    for position, uid in enumerate(ids):
        s.add(
            OfferApproval(
                offer_id=offer.id or 0, round=key, position=position, approver_id=uid, decision="planned"
            )
        )


def get_offer(db: Database, principal: Principal, offer_id: object, now: datetime | None = None) -> OfferView:
    with db.session() as s:
        return view(s, _offer(s, principal, offer_id), now)


def offers_for_application(
    db: Database, principal: Principal, application_id: object, now: datetime | None = None
) -> list[OfferView]:
    """An application's offers, newest version first (staff of its company)."""
    require(principal, Action.READ_OFFERS)
    with db.session() as s:
        app = company_application(s, principal, application_id)
        rows = s.exec(
            select(Offer).where(Offer.application_id == app.id).order_by(Offer.id.desc())  # type: ignore[union-attr]
        ).all()
        return [view(s, o, now) for o in rows]


# --- PDFs -----------------------------------------------------------------------------------


def terms_of(s: Session, offer: Offer, issued_on: date) -> letters.LetterTerms:
    app = existing(s, Application, offer.application_id)
    candidate = existing(s, User, app.candidate_id)
    company = existing(s, Company, offer.company_id)
    return letters.LetterTerms(
        candidate_name=candidate.full_name,
        job_title=offer.job_title,
        company_name=company.name,
        issued_on=issued_on,
        start_date=offer.start_date,
        salary_cents=offer.salary_cents,
        currency=offer.currency,
        salary_period=offer.salary_period,
        bonus=offer.bonus,
        equity=offer.equity,
        other_terms=offer.other_terms,
        expires_on=offer.expires_on,
        signer_name=offer.signer_name,
        signer_title=offer.signer_title,
    )


def letterhead(s: Session, offer: Offer) -> pdf.Letterhead:
    company = existing(s, Company, offer.company_id)
    logo = s.get(StoredFile, company.logo_file_id) if company.logo_file_id else None
    return pdf.Letterhead(
        company.name, logo.data if logo else None, f"Offer {offer.id}, version {offer.version}"
    )


def letter_markdown(s: Session, offer: Offer, issued_on: date) -> str:
    return letters.fill(offer.letter, terms_of(s, offer, issued_on))


def render_pdf(s: Session, offer: Offer, issued_on: date) -> bytes:
    head = letterhead(s, offer)
    title = f"Offer: {offer.job_title}"
    return pdf.letter_pdf(letter_markdown(s, offer, issued_on), head, title)


def offer_pdf(
    db: Database, principal: Principal, offer_id: object, now: datetime | None = None
) -> tuple[str, bytes]:
    """The letter as the candidate gets it: once sent, the stored PDF; before, a preview of today."""
    with db.session() as s:
        offer = _offer(s, principal, offer_id)
        name = f"offer-{offer.id}-v{offer.version}.pdf"
        if offer.pdf_file_id is not None:
            return name, existing(s, StoredFile, offer.pdf_file_id).data
        return name, render_pdf(s, offer, _now(now).date())


def signed_pdf(db: Database, principal: Principal, offer_id: object) -> tuple[str, bytes]:
    with db.session() as s:
        offer = _offer(s, principal, offer_id)
        if offer.signed_file_id is None:
            raise NotFound("This offer has no signed copy: it has not been accepted.")
        return f"offer-{offer.id}-v{offer.version}-signed.pdf", existing(
            s, StoredFile, offer.signed_file_id
        ).data


def store_pdf(s: Session, owner_id: int, name: str, data: bytes) -> StoredFile:
    row = StoredFile(
        owner_id=owner_id,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type="application/pdf",
        original_name=name,
        data=data,
        text=None,
        text_note="An offer letter written by FlowTrack.",
        preview_status="none",
    )
    s.add(row)
    s.flush()
    return row


# --- the recruiter's steps ------------------------------------------------------------------


def create_offer(
    db: Database, principal: Principal, application_id: object, fields: object, now: datetime | None = None
) -> OfferView:
    """A draft offer on an application, its letter from the chosen (or default) template. One
    open offer per application: the recruiter edits or withdraws it rather than starting another."""
    require(principal, Action.MANAGE_OFFERS)
    moment = _now(now)
    with db.session(write=True) as s:
        app = company_application(s, principal, application_id)
        job = existing(s, Job, app.job_id)
        for earlier in s.exec(
            select(Offer).where(Offer.application_id == app.id, Offer.status.in_(OPEN))  # type: ignore[attr-defined]
        ).all():
            if effective_status(earlier, moment) != EXPIRED:
                raise Conflict("This application has an open offer already: edit it, or withdraw it first.")
            earlier.status = EXPIRED  # stored now: a new offer follows the one left to expire
            s.add(earlier)
        offer = Offer(
            application_id=app.id or 0,
            company_id=job.company_id,
            letter="",
            job_title=job.title,
            start_date=moment.date(),
            salary_cents=0,
            currency="EUR",
            salary_period="year",
            expires_on=moment.date(),
            signer_name=principal.full_name,
            created_by_id=principal.user_id,
            created_at=moment,
            updated_at=moment,
        )
        approvers = _apply_fields(s, principal, offer, fields, moment, new=True)
        s.add(offer)
        s.flush()
        if approvers is not None:
            _plan(s, offer, approvers)
        event(
            s,
            offer,
            "created",
            principal.user_id,
            letters.salary_words(offer.salary_cents, offer.currency, offer.salary_period),
            moment,
        )
        announce_offer(s, offer)
        s.flush()
        return view(s, offer, moment)


def update_offer(
    db: Database, principal: Principal, offer_id: object, fields: object, now: datetime | None = None
) -> OfferView:
    """Changes an open offer. Under approval or approved: its chain starts again. Sent: a revision,
    a new version (returned) that goes through approval; the sent one is withdrawn, its link dead."""
    require(principal, Action.MANAGE_OFFERS)
    moment = _now(now)
    with db.session(write=True) as s:
        offer = _offer(s, principal, offer_id, lock=True)
        status = effective_status(offer, moment)
        if status not in OPEN:
            raise Conflict(f"This offer is {status.replace('_', ' ')}; it can no longer be changed.")
        if status == SENT:
            return _revise(s, principal, offer, fields, moment)
        approvers = _apply_fields(s, principal, offer, fields, moment, new=False)
        offer.updated_at = moment
        if approvers is not None:
            _plan(s, offer, approvers)
        if status in (PENDING, APPROVED):
            planned = approvers if approvers is not None else [r.approver_id for r in chain(s, offer)]
            _start_round(s, offer, planned, moment)
            event(
                s,
                offer,
                "edited",
                principal.user_id,
                "Changed after approval started: approvals start again.",
                moment,
            )
        else:
            event(s, offer, "edited", principal.user_id, "", moment)
        s.add(offer)
        announce_offer(s, offer)
        s.flush()
        return view(s, offer, moment)


def _revise(s: Session, principal: Principal, old: Offer, fields: object, moment: datetime) -> OfferView:
    new = Offer(
        application_id=old.application_id,
        company_id=old.company_id,
        version=old.version + 1,
        replaces_id=old.id,
        letter=old.letter,
        job_title=old.job_title,
        start_date=old.start_date,
        salary_cents=old.salary_cents,
        currency=old.currency,
        salary_period=old.salary_period,
        bonus=old.bonus,
        equity=old.equity,
        other_terms=old.other_terms,
        expires_on=old.expires_on,
        signer_name=old.signer_name,
        signer_title=old.signer_title,
        created_by_id=principal.user_id,
        created_at=moment,
        updated_at=moment,
    )
    approvers = _apply_fields(s, principal, new, fields, moment, new=False)
    planned = approvers if approvers is not None else [r.approver_id for r in chain(s, old)]
    old.status, old.withdrawn_at, old.updated_at = WITHDRAWN, moment, moment
    s.add(old)
    s.add(new)
    s.flush()
    event(
        s,
        old,
        "revised",
        principal.user_id,
        f"Replaced by version {new.version}; its link no longer works.",
        moment,
    )
    event(
        s,
        new,
        "created",
        principal.user_id,
        f"Version {new.version}, revising version {old.version}.",
        moment,
    )
    if planned:
        _start_round(s, new, planned, moment)
    announce_offer(s, new)
    s.flush()
    return view(s, new, moment)


def _start_round(s: Session, offer: Offer, approvers: list[int], moment: datetime) -> None:
    offer.approval_round += 1
    offer.status = PENDING
    offer.updated_at = moment
    for position, uid in enumerate(approvers):
        s.add(
            OfferApproval(
                offer_id=offer.id or 0, round=offer.approval_round, position=position, approver_id=uid
            )
        )
    s.add(offer)
    s.flush()
    _tell_next_approver(s, offer)


def _tell_next_approver(s: Session, offer: Offer) -> None:
    """The approver whose turn it now is gets an email (and finds the offer on My work)."""
    turn = next_approver(chain(s, offer))
    if turn is None:
        return
    salary = letters.salary_words(offer.salary_cents, offer.currency, offer.salary_period)
    _email_staff(
        s,
        offer,
        turn.approver_id,
        lambda candidate: (
            f"Your approval: the offer for {candidate}",
            f"The offer for {candidate} ({offer.job_title}, {salary}) waits for your approval. "
            "Approve or decline it on the application's page:",
        ),
    )


def _email_staff(s: Session, offer: Offer, user_id: int, words: Callable[[str], tuple[str, str]]) -> None:
    """An email to a staff member about the offer, unless they are deactivated or erased:
    ``words(candidate's name)`` gives its subject and text; the application's link follows."""
    staff = existing(s, User, user_id)
    if not staff.is_active or staff.erased_at is not None:
        return
    app = existing(s, Application, offer.application_id)
    candidate = existing(s, User, app.candidate_id)
    company = existing(s, Company, offer.company_id)
    subject, text = words(candidate.full_name)
    link = f"{get_settings().public_url}/application?id={app.id}#offer"
    mail.queue(
        s,
        kind="offer_approval",
        to=staff.email,
        subject=subject,
        text=f"{text}\n\n{link}",
        company=company.name,
        application_id=app.id or 0,
    )


def submit_offer(
    db: Database,
    principal: Principal,
    offer_id: object,
    approver_ids: object = None,
    now: datetime | None = None,
) -> OfferView:
    """A draft goes to its approvers, the first of them first. ``approver_ids`` (in order)
    replaces the chain chosen so far."""
    require(principal, Action.MANAGE_OFFERS)
    moment = _now(now)
    with db.session(write=True) as s:
        offer = _offer(s, principal, offer_id, lock=True)
        if offer.status != DRAFT:
            raise Conflict(
                f"Only a draft is submitted for approval; this offer is {offer.status.replace('_', ' ')}."
            )
        if approver_ids is not None:
            ids = _approvers(s, principal, approver_ids)
        else:  # the chain chosen while writing it, or the last round's after a decline
            ids = _planned(s, offer) or [r.approver_id for r in chain(s, offer)]
        if not ids:
            raise InvalidInput("Choose at least one approver, in the order they approve.")
        if offer.expires_on < moment.date():
            raise InvalidInput("The expiry date has passed; change it first.")
        _plan(s, offer, ids)
        _start_round(s, offer, ids, moment)
        names = ", ".join(u.full_name for u in s.exec(select(User).where(User.id.in_(ids))))  # type: ignore[union-attr]
        event(s, offer, "submitted", principal.user_id, f"For approval by {names}", moment)
        announce_offer(s, offer)
        s.flush()
        return view(s, offer, moment)


def _my_turn(s: Session, principal: Principal, offer: Offer) -> OfferApproval:
    require(principal, Action.APPROVE_OFFERS)
    if offer.status != PENDING:
        raise Conflict(f"This offer is not waiting for approval; it is {offer.status.replace('_', ' ')}.")
    rows = chain(s, offer)
    mine = [r for r in rows if r.approver_id == principal.user_id]
    if not mine:
        raise Forbidden("You are not an approver of this offer.")
    turn = next_approver(rows)
    if turn is None or turn.approver_id != principal.user_id:
        waiting = existing(s, User, turn.approver_id).full_name if turn else "nobody"
        raise Conflict(f"It is not your turn yet: the offer waits for {waiting}.")
    return turn


def approve_offer(
    db: Database, principal: Principal, offer_id: object, comment: object = "", now: datetime | None = None
) -> OfferView:
    """The approver whose turn it is approves; the last approval makes the offer ready to send."""
    moment = _now(now)
    with db.session(write=True) as s:
        offer = _offer(s, principal, offer_id, lock=True)
        turn = _my_turn(s, principal, offer)
        turn.decision, turn.decided_at = "approved", moment
        turn.comment = validation.text(
            comment or "", "Comment", max_len=MAX_TERMS, required=False, multiline=True
        )
        s.add(turn)
        s.flush()
        event(s, offer, "approved", principal.user_id, turn.comment, moment)
        if next_approver(chain(s, offer)) is None:
            offer.status, offer.updated_at = APPROVED, moment
            s.add(offer)
            event(s, offer, "ready", None, "Every approver approved: ready to send.", moment)
            _tell_recruiter(
                s,
                offer,
                "approved: ready to send",
                "Every approver approved it; send it from the application's page.",
            )
        else:
            _tell_next_approver(s, offer)
        announce_offer(s, offer)
        s.flush()
        return view(s, offer, moment)


def decline_offer(
    db: Database, principal: Principal, offer_id: object, comment: object, now: datetime | None = None
) -> OfferView:
    """The approver whose turn it is declines, saying why; the offer returns to its recruiter as a draft."""
    moment = _now(now)
    with db.session(write=True) as s:
        offer = _offer(s, principal, offer_id, lock=True)
        turn = _my_turn(s, principal, offer)
        text = validation.text(comment, "Comment", max_len=MAX_TERMS, multiline=True)
        turn.decision, turn.decided_at, turn.comment = "declined", moment, text
        offer.status, offer.updated_at = DRAFT, moment
        s.add(turn)
        s.add(offer)
        event(s, offer, "declined_approval", principal.user_id, text, moment)
        _tell_recruiter(
            s,
            offer,
            "declined by an approver",
            f"{principal.full_name} declined it: {text}\n\nIt is a draft again.",
        )
        announce_offer(s, offer)
        s.flush()
        return view(s, offer, moment)


def _tell_recruiter(s: Session, offer: Offer, what: str, words: str) -> None:
    """The offer's recruiter hears of its approval's outcome (and My work's approvers of their turn)."""
    _email_staff(
        s,
        offer,
        offer.created_by_id,
        lambda candidate: (
            f"Offer for {candidate} {what}",
            f"The offer for {candidate} ({offer.job_title}) was {what}.\n\n{words}",
        ),
    )


def send_offer(
    db: Database, principal: Principal, offer_id: object, now: datetime | None = None
) -> OfferView:
    """An approved offer goes to the candidate: the PDF is made and kept (what the link serves and
    a signature covers), and an email carries the link and the PDF."""
    require(principal, Action.MANAGE_OFFERS)
    moment = _now(now)
    with db.session(write=True) as s:
        offer = _offer(s, principal, offer_id, lock=True)
        if offer.status != APPROVED:
            raise Conflict(f"Only an approved offer is sent; this offer is {offer.status.replace('_', ' ')}.")
        if offer.expires_on < moment.date():
            raise InvalidInput(
                "The expiry date has passed; change it (approvals start again) before sending."
            )
        app = existing(s, Application, offer.application_id)
        candidate = existing(s, User, app.candidate_id)
        company = existing(s, Company, offer.company_id)
        data = render_pdf(s, offer, moment.date())
        name = f"offer-{offer.id}-v{offer.version}.pdf"
        stored = store_pdf(s, principal.user_id, name, data)
        offer.pdf_file_id = stored.id
        offer.link_nonce = links.new_nonce()
        offer.status, offer.sent_at, offer.sent_by_id, offer.updated_at = (
            SENT,
            moment,
            principal.user_id,
            moment,
        )
        s.add(offer)
        url = links.page_url(links.token_for(offer.id or 0, offer.link_nonce))
        mail.queue(
            s,
            kind="offer",
            to=candidate.email,
            subject=f"Your offer from {company.name}: {offer.job_title}",
            text=(
                f"Hello {candidate.full_name},\n\n"
                f"{company.name} is pleased to offer you the position of {offer.job_title}. "
                "The letter is attached, and you can read it, accept it with your signature "
                f"or decline it here:\n\n{url}\n\n"
                f"The offer is open until {letters.long_date(offer.expires_on)}.\n\n"
                f"{offer.signer_name}\n{company.name}"
            ),
            company=company.name,
            application_id=app.id or 0,
            attachments=((stored.id or 0, name),),
        )
        event(s, offer, "sent", principal.user_id, f"To {candidate.email}", moment)
        announce_offer(s, offer)
        s.flush()
        return view(s, offer, moment)


def withdraw_offer(
    db: Database, principal: Principal, offer_id: object, reason: object = "", now: datetime | None = None
) -> OfferView:
    """An open offer is withdrawn; a sent one's link stops working and the candidate is told."""
    require(principal, Action.MANAGE_OFFERS)
    moment = _now(now)
    with db.session(write=True) as s:
        offer = _offer(s, principal, offer_id, lock=True)
        status = effective_status(offer, moment)
        if status not in OPEN:
            raise Conflict(f"This offer is {status.replace('_', ' ')}; there is nothing to withdraw.")
        note = validation.text(reason or "", "Reason", max_len=MAX_TERMS, required=False, multiline=True)
        offer.status, offer.withdrawn_at, offer.updated_at = WITHDRAWN, moment, moment
        s.add(offer)
        if status == SENT:
            app = existing(s, Application, offer.application_id)
            candidate = existing(s, User, app.candidate_id)
            company = existing(s, Company, offer.company_id)
            mail.queue(
                s,
                kind="offer_withdrawn",
                to=candidate.email,
                subject=f"Your offer from {company.name} was withdrawn",
                text=(
                    f"Hello {candidate.full_name},\n\n{company.name} has withdrawn its offer for "
                    f"{offer.job_title}; its link no longer works. If you have questions, reply to the "
                    f"person who sent it.\n\n{company.name}"
                ),
                company=company.name,
                application_id=app.id or 0,
            )
        event(s, offer, "withdrawn", principal.user_id, note, moment)
        announce_offer(s, offer)
        s.flush()
        return view(s, offer, moment)


def count_open(s: Session, application_id: int) -> int:
    return s.exec(
        select(func.count())
        .select_from(Offer)
        .where(Offer.application_id == application_id, Offer.status.in_(OPEN))  # type: ignore[attr-defined]
    ).one()


def may_manage(principal: Principal) -> bool:
    return may(principal, Action.MANAGE_OFFERS)


def hired_stage(db: Database, principal: Principal, application_id: object) -> str | None:
    """The name of the application's hired stage, for the "Move to Hired" prompt after an accepted
    offer (the move itself is an ordinary ``moves.move_stage``, which checks it)."""
    require(principal, Action.READ_OFFERS)
    with db.session() as s:
        app = company_application(s, principal, application_id)
        return s.exec(
            select(JobStage.name).where(JobStage.job_id == app.job_id, JobStage.category == "hired")
        ).first()
