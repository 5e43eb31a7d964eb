"""The erasure log as the company's recruiters read it: who erased which anonymous record, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from .. import validation
from ..db import Database
from ..models import ErasureLog, User
from ..permissions import Action, Principal, require

KIND_LABELS = {
    "self": "by the candidate",
    "staff": "by a recruiter",
    "retention": "by the retention period",
    # accounts/email_ownership.py: an account that never confirmed its email, for the address's owner
    "unconfirmed": "when its email's owner claimed the address",
}


@dataclass(frozen=True)
class ErasureEntry:
    id: int
    subject_id: int
    kind: str
    erased_by_name: str  # "" for the candidate themself and for retention
    applications: int
    erased_at: datetime

    @property
    def description(self) -> str:
        who = f"by {self.erased_by_name}" if self.erased_by_name else KIND_LABELS.get(self.kind, self.kind)
        plural = "" if self.applications == 1 else "s"
        return f"Candidate #{self.subject_id} erased {who} ({self.applications} application{plural})"


def erasure_log(
    db: Database, principal: Principal, limit: object = 50, offset: object = 0
) -> list[ErasureEntry]:
    require(principal, Action.ERASE_CANDIDATE)
    limit, offset = validation.paging(limit, offset)
    with db.session() as s:
        rows = s.exec(
            select(ErasureLog, User.full_name)
            .outerjoin(User, User.id == ErasureLog.erased_by_id)
            .where(ErasureLog.company_id == principal.company_id)
            .order_by(ErasureLog.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [
            ErasureEntry(e.id, e.subject_id, e.kind, name or "", e.applications, e.erased_at)
            for e, name in rows
        ]
