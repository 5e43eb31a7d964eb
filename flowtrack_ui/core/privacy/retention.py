"""A company's retention period: rejected and withdrawn candidates are erased N months after their
last change. Off by default. Run by the email sender process every hour, or by
``python -m flowtrack_ui.retention`` from a scheduler.

Idempotent and safe with several processes: each candidate is erased in a transaction of its own
that locks their applications and checks the rule again, so two runners never erase twice and a
candidate who moved on (reopened, added to a new job) in the meantime is kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from .. import audit, validation
from ..db import Database, existing
from ..errors import InvalidInput
from ..models import Application, Company, Job, JobStage, User
from ..permissions import Action, Principal, require
from ..pipelines.categories import Category
from .erase import Kind, erase_from_company

log = logging.getLogger("flowtrack.retention")
MAX_MONTHS = 120
CLOSED = (Category.REJECTED.value, Category.WITHDRAWN.value)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def get_retention(db: Database, principal: Principal) -> int | None:
    require(principal, Action.ERASE_CANDIDATE)
    with db.session() as s:
        return existing(s, Company, principal.staff_company_id).retention_months


def set_retention(db: Database, principal: Principal, months: object) -> int | None:
    """Months after which rejected and withdrawn candidates are erased; None (or 0) switches it off."""
    require(principal, Action.ERASE_CANDIDATE)
    if months in (None, "", 0, "0"):
        value = None
    else:
        try:
            value = validation.object_id(months, "Retention")
        except InvalidInput:
            raise InvalidInput(f"Retention: a number of months from 1 to {MAX_MONTHS}, or off.") from None
        if value > MAX_MONTHS:
            raise InvalidInput(f"Retention: a number of months from 1 to {MAX_MONTHS}, or off.")
    with db.session(write=True) as s:
        company = existing(s, Company, principal.staff_company_id)
        audit.record(
            s,
            principal,
            "retention.changed",
            f"company {company.id}",
            {"from": company.retention_months, "to": value},
        )
        company.retention_months = value
        s.add(company)
        return value


def _expired(company_id: int, cutoff: datetime, candidate_id: int | None = None) -> SelectOfScalar[int]:
    """Candidates of the company whose every application there is rejected or withdrawn and
    untouched since before ``cutoff``."""
    open_apps = sa.func.sum(sa.case((JobStage.category.in_(CLOSED), 0), else_=1))
    query = (
        select(Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .join(JobStage, JobStage.id == Application.stage_id)
        .join(User, User.id == Application.candidate_id)
        .where(Job.company_id == company_id, User.erased_at.is_(None))
        .group_by(Application.candidate_id)
        .having(open_apps == 0, sa.func.max(Application.stage_changed_at) < cutoff)
        .order_by(Application.candidate_id)
    )
    if candidate_id is not None:
        query = query.where(Application.candidate_id == candidate_id)
    return query


@dataclass(frozen=True)
class RetentionRun:
    companies: int
    erased: int


def run(db: Database, now: datetime | None = None, batch: int = 500) -> RetentionRun:
    """Erase every candidate past their company's retention period; returns what was done.

    One failing candidate is logged and skipped: it never blocks the others.
    """
    now = now or datetime.now(UTC)
    with db.session() as s:
        companies = s.exec(
            select(Company.id, Company.retention_months).where(Company.retention_months.is_not(None))
        ).all()
    erased = 0
    for company_id, months in companies:
        if months is None:  # the query leaves these out
            continue
        cutoff = months_before(now, months)
        with db.session() as s:
            due = list(s.exec(_expired(company_id, cutoff).limit(batch)).all())
        for candidate_id in due:
            try:
                with db.session(write=True) as s:
                    if _erase_if_still_due(s, company_id, candidate_id, cutoff):
                        erased += 1
            except Exception:
                log.exception(
                    "retention: erasing candidate %s of company %s failed", candidate_id, company_id
                )
    if erased:
        log.info("retention: erased %d candidate(s)", erased)
    return RetentionRun(companies=len(companies), erased=erased)


def _erase_if_still_due(s: Session, company_id: int, candidate_id: int, cutoff: datetime) -> bool:
    user = s.exec(select(User).where(User.id == candidate_id).with_for_update()).first()
    if user is None or s.exec(_expired(company_id, cutoff, candidate_id)).first() is None:
        return False  # erased or moved on since the list was read
    return erase_from_company(s, company_id, user, None, Kind.RETENTION) is not None
