"""Which candidates a company may see: those who applied to one of its jobs and are not erased."""

from __future__ import annotations

from sqlmodel import Session, select

from .. import validation
from ..errors import NotFound
from ..models import Application, Job, User
from ..permissions import Principal


def company_candidate(s: Session, principal: Principal, candidate_id: object) -> User:
    """The candidate, if they applied to the caller's company; anyone else is NotFound."""
    candidate_id = validation.object_id(candidate_id, "Candidate id")
    applied = (
        select(Application.id)
        .join(Job, Job.id == Application.job_id)
        .where(Application.candidate_id == candidate_id, Job.company_id == principal.company_id)
        .limit(1)
    )
    user = s.exec(select(User).where(User.id == candidate_id, User.erased_at.is_(None))).first()
    if user is None or s.exec(applied).first() is None:
        raise NotFound("Candidate not found.")
    return user
