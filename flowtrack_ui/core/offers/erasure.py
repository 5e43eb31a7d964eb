"""What erasing a candidate removes of their offers (privacy/erase.py calls it in its transaction):
the letters and signed copies (their PDFs name the person), the audit record's personal parts,
the decline's reason and the steps' notes, and the attachments of the application's emails. The
offers' rows stay (status, terms, times, the letter's hash) for the company's history and analytics."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import Session, select

from ..models import Offer, OfferEvent, OutboxAttachment, OutboxEmail, StoredFile


def forget(s: Session, application_ids: list[int]) -> None:
    if not application_ids:
        return
    emails = select(OutboxEmail.id).where(OutboxEmail.application_id.in_(application_ids))  # type: ignore[union-attr]
    s.exec(delete(OutboxAttachment).where(OutboxAttachment.email_id.in_(emails)))  # type: ignore[attr-defined]
    files: set[int] = set()
    for pdf_id, signed_id in s.exec(
        select(Offer.pdf_file_id, Offer.signed_file_id).where(Offer.application_id.in_(application_ids))  # type: ignore[attr-defined]
    ).all():
        files |= {f for f in (pdf_id, signed_id) if f}
    s.exec(
        update(Offer)
        .where(Offer.application_id.in_(application_ids))  # type: ignore[attr-defined]
        .values(
            pdf_file_id=None,
            signed_file_id=None,
            signed_name=None,
            signed_ip=None,
            signed_user_agent=None,
            decline_reason=None,
            link_nonce=None,
        )
    )
    s.exec(update(OfferEvent).where(OfferEvent.application_id.in_(application_ids)).values(note=""))  # type: ignore[attr-defined]
    if files:
        s.exec(delete(OutboxAttachment).where(OutboxAttachment.file_id.in_(files)))  # type: ignore[attr-defined]
        s.exec(delete(StoredFile).where(StoredFile.id.in_(files)))  # type: ignore[union-attr]
