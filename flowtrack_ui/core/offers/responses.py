"""What the holder of an offer's link may do (``/offer/{token}``): read the letter (in the page and
as the PDF kept when it was sent), accept it by typing their full name with their consent, or
decline it with an optional reason. The candidate's tracker lists their sent offers.

An acceptance records the signed name, the time (UTC), the client address, the user agent and the
SHA-256 of the exact PDF the link serves; a signed copy (that PDF plus a signature page) is stored
and emailed to the candidate and to the offer's recruiters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from .. import markdown, validation
from ..db import Database, existing
from ..errors import InvalidInput, NotFound
from ..models import Application, Company, Job, Offer, OfferEvent, StoredFile, User
from ..permissions import Action, Principal, require
from ..webhooks import events as webhook_events
from . import letters, links, mail, pdf
from .workflow import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    SENT,
    WITHDRAWN,
    Gone,
    announce_offer,
    effective_status,
    event,
    letter_markdown,
    letterhead,
    store_pdf,
)

MAX_REASON = 2_000
CONSENT = (
    "I agree that typing my full name above is my electronic signature, and that by signing I accept "
    "this offer on the terms of the letter above."
)
SHOWN = (SENT, ACCEPTED, DECLINED, EXPIRED)


@dataclass(frozen=True)
class AuditRecord:
    signed_name: str
    signed_at: datetime
    ip: str
    user_agent: str
    document_sha256: str


@dataclass(frozen=True)
class PublicOffer:
    """What the link's page shows: the letter and where the offer stands, never its approvals."""

    token: str
    status: str
    company_name: str
    company_slug: str
    logo_file_id: int | None
    candidate_name: str
    job_title: str
    letter_html: str
    expires_on: date
    expires_label: str
    sent_at: datetime
    responded_at: datetime | None
    signed_name: str | None
    document_sha256: str | None
    pdf_sha256: str
    consent: str


def _by_token(s: Session, token: object, now: datetime, lock: bool = False) -> Offer:
    oid = links.offer_id_of(token)
    if oid and lock:  # an answer holds the row until it commits: a second one waits, then sees it
        offer = s.exec(select(Offer).where(Offer.id == oid).with_for_update()).first()
    else:
        offer = s.get(Offer, oid) if oid else None
    if (
        offer is None
        or not isinstance(token, str)
        or not links.matches(token, offer.id or 0, offer.link_nonce)
    ):
        raise NotFound("This offer link is not valid.")
    if offer.status == WITHDRAWN:
        newer = s.exec(select(Offer.id).where(Offer.replaces_id == offer.id)).first()
        if newer is not None:
            raise Gone("This offer was revised: the newest version was sent to you by email, use its link.")
        raise Gone("This offer was withdrawn by the company.")
    return offer


_HEADING = re.compile(r"<(/?)h([1-5])>")


def _demoted(html: str) -> str:
    """The letter's headings one level down: the page's own title is its only h1."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}>", html)


def _public(s: Session, offer: Offer, token: str, now: datetime) -> PublicOffer:
    app = existing(s, Application, offer.application_id)
    candidate = existing(s, User, app.candidate_id)
    company = existing(s, Company, offer.company_id)
    stored = existing(s, StoredFile, offer.pdf_file_id or 0)
    issued = offer.sent_at.date() if offer.sent_at else now.date()
    return PublicOffer(
        token=token,
        status=effective_status(offer, now),
        company_name=company.name,
        company_slug=company.slug,
        logo_file_id=company.logo_file_id,
        candidate_name=candidate.full_name,
        job_title=offer.job_title,
        letter_html=_demoted(markdown.to_html(letter_markdown(s, offer, issued))),
        expires_on=offer.expires_on,
        expires_label=letters.long_date(offer.expires_on),
        sent_at=offer.sent_at or now,
        responded_at=offer.responded_at,
        signed_name=offer.signed_name,
        document_sha256=offer.document_sha256,
        pdf_sha256=stored.sha256,
        consent=CONSENT,
    )


def open_link(db: Database, token: object, now: datetime | None = None) -> PublicOffer:
    """The offer behind a link; the first opening is noted in the offer's steps."""
    moment = now or datetime.now(UTC)
    with db.session() as s:
        offer = _by_token(s, token, moment)
        seen = s.exec(
            select(OfferEvent.id).where(OfferEvent.offer_id == offer.id, OfferEvent.kind == "viewed")
        ).first()
        shown = _public(s, offer, str(token), moment)
    if seen is None and shown.status == SENT:
        with db.session(write=True) as s:
            fresh = existing(s, Offer, offer.id or 0)
            if not s.exec(
                select(OfferEvent.id).where(OfferEvent.offer_id == fresh.id, OfferEvent.kind == "viewed")
            ).first():
                event(s, fresh, "viewed", None, "The candidate opened the offer.", moment)
    return shown


def link_pdf(db: Database, token: object, now: datetime | None = None) -> tuple[str, bytes]:
    """The PDF exactly as kept when the offer was sent: what an acceptance's hash covers."""
    moment = now or datetime.now(UTC)
    with db.session() as s:
        offer = _by_token(s, token, moment)
        return f"offer-{offer.id}-v{offer.version}.pdf", existing(s, StoredFile, offer.pdf_file_id or 0).data


def signed_link_pdf(db: Database, token: object) -> tuple[str, bytes]:
    with db.session() as s:
        offer = _by_token(s, token, datetime.now(UTC))
        if offer.signed_file_id is None:
            raise NotFound("This offer has not been signed.")
        return f"offer-{offer.id}-v{offer.version}-signed.pdf", existing(
            s, StoredFile, offer.signed_file_id
        ).data


def _open_for_answer(offer: Offer, now: datetime) -> None:
    status = effective_status(offer, now)
    if status == EXPIRED:
        raise Gone(
            f"This offer expired on {letters.long_date(offer.expires_on)}; it can no longer be accepted."
        )
    if status != SENT:
        raise Gone(f"This offer was {status} already.")


def _same_name(typed: str, expected: str) -> bool:
    def norm(v: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", v).casefold().split())

    return norm(typed) == norm(expected)


def _recruiters(s: Session, offer: Offer) -> list[User]:
    ids = {offer.created_by_id, *([offer.sent_by_id] if offer.sent_by_id else [])}
    return [u for u in s.exec(select(User).where(User.id.in_(ids))) if u.is_active and u.erased_at is None]  # type: ignore[union-attr]


def accept(
    db: Database,
    token: object,
    signature_name: object,
    consent: object,
    *,
    ip: str,
    user_agent: str,
    now: datetime | None = None,
) -> AuditRecord:
    """The candidate signs: their full name as on the letter, and their consent, are required."""
    moment = now or datetime.now(UTC)
    typed = validation.text(signature_name, "Your full name", max_len=200)
    if consent is not True:
        raise InvalidInput("Tick the box to agree that typing your name signs the offer.")
    with db.session(write=True) as s:
        offer = _by_token(s, token, moment, lock=True)
        _open_for_answer(offer, moment)
        app = existing(s, Application, offer.application_id)
        candidate = existing(s, User, app.candidate_id)
        if not _same_name(typed, candidate.full_name):
            raise InvalidInput(f"Type your full name as it appears on the letter: {candidate.full_name}.")
        letter = existing(s, StoredFile, offer.pdf_file_id or 0)
        record = AuditRecord(typed, moment.replace(microsecond=0), ip[:64], user_agent[:1000], letter.sha256)
        sig = pdf.Signature(
            record.signed_name,
            record.signed_at,
            record.ip,
            record.user_agent,
            record.document_sha256,
            f"Offer {offer.id}, version {offer.version}: {offer.job_title}",
        )
        name = f"offer-{offer.id}-v{offer.version}-signed.pdf"
        # Kept by the company (its sender owns the file): erasing the candidate removes it through
        # offers/erasure.py, not as one of the candidate's own uploads.
        owner = offer.sent_by_id or offer.created_by_id
        signed = store_pdf(s, owner, name, pdf.signed_copy(letter.data, sig, letterhead(s, offer)))
        offer.status, offer.responded_at, offer.updated_at = ACCEPTED, record.signed_at, moment
        offer.signed_name, offer.signed_ip, offer.signed_user_agent = (
            record.signed_name,
            record.ip,
            record.user_agent,
        )
        offer.document_sha256, offer.signed_file_id = record.document_sha256, signed.id
        s.add(offer)
        webhook_events.application_event(
            s, offer.company_id, webhook_events.OFFER_ACCEPTED, application_id=app.id or 0,
            job_id=app.job_id, candidate_id=app.candidate_id, now=moment, offer_id=offer.id,
            offer_version=offer.version, signed_at=record.signed_at.isoformat(),
        )  # fmt: skip
        company = existing(s, Company, offer.company_id)
        when = record.signed_at.strftime("%Y-%m-%d %H:%M UTC")
        mail.queue(
            s,
            kind="offer_signed",
            to=candidate.email,
            subject=f"You accepted the offer from {company.name}: {offer.job_title}",
            text=(
                f"Hello {candidate.full_name},\n\nyou accepted the offer for {offer.job_title} on {when}. "
                "Your signed copy is attached.\n\nWelcome aboard!\n\n" + company.name
            ),
            company=company.name,
            application_id=app.id or 0,
            attachments=((signed.id or 0, name),),
        )
        for staff in _recruiters(s, offer):
            mail.queue(
                s,
                kind="offer_signed",
                to=staff.email,
                subject=f"{candidate.full_name} accepted the offer: {offer.job_title}",
                text=(
                    f"{candidate.full_name} accepted the offer for {offer.job_title} on {when}, signing as "
                    f"“{record.signed_name}”. The signed copy is attached.\n\n"
                    "Move the application to Hired from its page when you are ready."
                ),
                company=company.name,
                application_id=app.id or 0,
                attachments=((signed.id or 0, name),),
            )
        event(s, offer, "accepted", None, f"Signed by {record.signed_name} from {record.ip}", moment)
        announce_offer(s, offer)
        return record


def decline(db: Database, token: object, reason: object = "", now: datetime | None = None) -> None:
    """The candidate declines; a reason is optional and goes to the recruiters."""
    moment = now or datetime.now(UTC)
    text = validation.text(reason or "", "Reason", max_len=MAX_REASON, required=False, multiline=True)
    with db.session(write=True) as s:
        offer = _by_token(s, token, moment, lock=True)
        _open_for_answer(offer, moment)
        offer.status, offer.responded_at, offer.updated_at = DECLINED, moment, moment
        offer.decline_reason = text or None
        s.add(offer)
        app = existing(s, Application, offer.application_id)
        candidate = existing(s, User, app.candidate_id)
        company = existing(s, Company, offer.company_id)
        for staff in _recruiters(s, offer):
            mail.queue(
                s,
                kind="offer_declined",
                to=staff.email,
                subject=f"{candidate.full_name} declined the offer: {offer.job_title}",
                text=f"{candidate.full_name} declined the offer for {offer.job_title}.\n\n"
                + (f"Their reason: {text}" if text else "They gave no reason."),
                company=company.name,
                application_id=app.id or 0,
            )
        event(s, offer, "declined", None, text, moment)
        announce_offer(s, offer)


@dataclass(frozen=True)
class MyOffer:
    """An offer on the candidate's tracker: where it stands and its link, nothing of its approvals."""

    application_id: int
    job_title: str
    company_name: str
    status: str
    expires_on: date
    link: str


def my_offers(db: Database, principal: Principal, now: datetime | None = None) -> list[MyOffer]:
    """The signed-in candidate's offers once sent (never drafts, approvals or comments)."""
    require(principal, Action.RESPOND_TO_OFFERS)
    moment = now or datetime.now(UTC)
    with db.session() as s:
        rows = s.exec(
            select(Offer, Job, Company)
            .join(Application, Application.id == Offer.application_id)
            .join(Job, Job.id == Application.job_id)
            .join(Company, Company.id == Job.company_id)
            .where(Application.candidate_id == principal.user_id, Offer.sent_at.is_not(None))  # type: ignore[union-attr]
            .order_by(Offer.id.desc())  # type: ignore[union-attr]
        ).all()
    out = []
    for offer, _job, company in rows:
        status = effective_status(offer, moment)
        if status not in SHOWN:
            continue
        token = links.token_for(offer.id or 0, offer.link_nonce or "")
        out.append(
            MyOffer(
                offer.application_id,
                offer.job_title,
                company.name,
                status,
                offer.expires_on,
                links.page_url(token),
            )
        )
    return out


def for_export(s: Session, application_ids: list[int], now: datetime) -> dict[int, list[dict[str, object]]]:
    """The candidate's offers as their data export lists them (privacy/export.py): those sent to
    them, with their answer and its audit record; never drafts, approvals or comments."""
    out: dict[int, list[dict[str, object]]] = {}
    if not application_ids:
        return out
    rows = s.exec(
        select(Offer)
        .where(Offer.application_id.in_(application_ids), Offer.sent_at.is_not(None))  # type: ignore[attr-defined,union-attr]
        .order_by(Offer.id)  # type: ignore[arg-type]
    ).all()
    for o in rows:
        out.setdefault(o.application_id, []).append(
            {
                "version": o.version,
                "status": effective_status(o, now),
                "job_title": o.job_title,
                "salary": letters.salary_words(o.salary_cents, o.currency, o.salary_period),
                "start_date": o.start_date.isoformat(),
                "open_until": o.expires_on.isoformat(),
                "sent_at": o.sent_at.isoformat() if o.sent_at else None,
                "answered_at": o.responded_at.isoformat() if o.responded_at else None,
                "signed_name": o.signed_name,
                "signed_from": o.signed_ip,
                "signed_with": o.signed_user_agent,
                "letter_sha256": o.document_sha256,
                "decline_reason": o.decline_reason,
            }
        )
    return out
