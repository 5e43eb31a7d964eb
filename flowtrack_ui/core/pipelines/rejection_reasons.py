"""A company's standard reasons to reject: picked when rejecting, counted by the reports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, delete, select

from .. import validation
from ..db import Database
from ..errors import InvalidInput
from ..models import RejectionReason
from ..permissions import Action, Principal, require

DEFAULT_REASONS = (
    "Not enough experience",
    "Skills do not match the role",
    "Salary expectations too high",
    "Did not pass the interview",
    "Not available in time",
    "Position filled",
    "No reply from the candidate",
)
MAX_REASONS = 30


def add_defaults(s: Session, company_id: int) -> None:
    """A new company starts with the default list (it can edit it)."""
    for position, label in enumerate(DEFAULT_REASONS):
        s.add(RejectionReason(company_id=company_id, position=position, label=label))


def labels(s: Session, company_id: int) -> list[str]:
    return list(
        s.exec(
            select(RejectionReason.label)
            .where(RejectionReason.company_id == company_id)
            .order_by(RejectionReason.position, RejectionReason.id)
        ).all()
    )


def checked_reason(s: Session, company_id: int, value: object) -> str | None:
    """A reason from the company's list (matched case-insensitively), or None; anything else is refused."""
    reason = validation.text(value, "Rejection reason", max_len=120, required=False)
    if not reason:
        return None
    known = labels(s, company_id)
    for label in known:
        if label.casefold() == reason.casefold():
            return label
    raise InvalidInput(
        f"“{reason[:60]}” is not one of your company's rejection reasons: {', '.join(known) or 'none yet'}. "
        "Write anything else in the note."
    )


def list_reasons(db: Database, principal: Principal) -> list[str]:
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    with db.session() as s:
        return labels(s, principal.staff_company_id)


def set_reasons(db: Database, principal: Principal, values: object) -> list[str]:
    """Replace the list. History keeps each reason's words as chosen, so reports stay true."""
    require(principal, Action.MANAGE_JOBS)
    if not isinstance(values, list | tuple):
        raise InvalidInput("Rejection reasons must be a list of short texts.")
    if len(values) > MAX_REASONS:
        raise InvalidInput(f"At most {MAX_REASONS} rejection reasons.")
    cleaned: list[str] = []
    for i, value in enumerate(values):
        label = validation.text(value, f"Rejection reason {i + 1}", max_len=120)
        if label.casefold() in (c.casefold() for c in cleaned):
            raise InvalidInput(f"“{label}” is in the list twice.")
        cleaned.append(label)
    with db.session(write=True) as s:
        s.exec(delete(RejectionReason).where(RejectionReason.company_id == principal.company_id))
        for position, label in enumerate(cleaned):
            s.add(RejectionReason(company_id=principal.staff_company_id, position=position, label=label))
    return cleaned


def reason_by_id(s: Session, company_id: int, reason_id: object) -> str | None:
    """The words of one of the company's reasons by its id (None when none is given); another
    company's id, or an unknown one, is refused."""
    if reason_id in (None, "", 0):
        return None
    wanted = validation.object_id(reason_id, "Rejection reason id")
    label = s.exec(
        select(RejectionReason.label).where(
            RejectionReason.id == wanted, RejectionReason.company_id == company_id
        )
    ).first()
    if label is None:
        raise InvalidInput("That rejection reason is not one of your company's.")
    return label


@dataclass(frozen=True)
class ReasonChoice:
    """A reason as the reject dialog offers it."""

    id: int
    label: str


def reasons(s: Session, company_id: int) -> list[ReasonChoice]:
    rows = s.exec(
        select(RejectionReason.id, RejectionReason.label)
        .where(RejectionReason.company_id == company_id)
        .order_by(RejectionReason.position, RejectionReason.id)
    ).all()
    return [ReasonChoice(i, label) for i, label in rows]
