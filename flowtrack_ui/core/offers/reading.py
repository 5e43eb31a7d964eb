"""What other capabilities read of offers: the offers waiting for one approver (My work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from ..models import Application, Job, Offer, OfferApproval, User
from ..permissions import Principal
from .letters import salary_words

MAX_ROWS = 100


@dataclass(frozen=True)
class OfferToApprove:
    offer_id: int
    application_id: int
    job_title: str
    candidate_name: str
    salary: str
    waiting_since: datetime


def awaiting_approval(s: Session, p: Principal) -> tuple[OfferToApprove, ...]:
    """Offers under approval whose turn is the caller's: their row of the current round is pending
    and every earlier one approved. Oldest first, the company's only."""
    earlier = aliased(OfferApproval)
    candidate = aliased(User)
    blocked = (
        sa.select(earlier.id)
        .where(
            earlier.offer_id == OfferApproval.offer_id,
            earlier.round == OfferApproval.round,
            earlier.position < OfferApproval.position,
            earlier.decision != "approved",
        )
        .exists()
    )
    rows = s.execute(
        sa.select(Offer, Job.title, candidate.full_name)
        .join(
            OfferApproval,
            sa.and_(OfferApproval.offer_id == Offer.id, OfferApproval.round == Offer.approval_round),
        )
        .join(Application, Application.id == Offer.application_id)
        .join(Job, Job.id == Application.job_id)
        .join(candidate, candidate.id == Application.candidate_id)
        .where(
            Offer.status == "pending_approval",
            Offer.company_id == p.staff_company_id,
            OfferApproval.approver_id == p.user_id,
            OfferApproval.decision == "pending",
            ~blocked,
        )
        .order_by(Offer.updated_at, Offer.id)
        .limit(MAX_ROWS)
    ).all()
    return tuple(
        OfferToApprove(
            offer.id or 0,
            offer.application_id,
            title,
            name,
            salary_words(offer.salary_cents, offer.currency, offer.salary_period),
            offer.updated_at,
        )
        for offer, title, name in rows
    )
