"""Tags: a company's own short labels on its candidates, searched and shown on the board's cards."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import delete, func
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, select

from ..changes import company_topic, job_topic
from ..db import Database, announce
from ..errors import InvalidInput
from ..models import Application, CandidateTag, Job
from ..permissions import Action, Principal, require
from . import documents
from .access import company_candidate

MAX_TAGS = 20
MAX_TAG_LEN = 40
_TAG = re.compile(r"^[\w][\w +#./&-]*$")


def clean_tag(value: object) -> str:
    """One tag: trimmed, lower-case, letters, digits and `` +#./&-`` (so "C++" and "node.js" work)."""
    if not isinstance(value, str):
        raise InvalidInput("Each tag must be text.")
    tag = unicodedata.normalize("NFC", " ".join(value.split())).lower()
    if not tag:
        raise InvalidInput("A tag cannot be empty.")
    if len(tag) > MAX_TAG_LEN:
        raise InvalidInput(f"The tag “{tag[:20]}…” is too long (at most {MAX_TAG_LEN} characters).")
    if not _TAG.match(tag):
        raise InvalidInput(f"The tag “{tag}” may hold letters, digits, spaces and + # . / & - only.")
    return tag


def clean_tags(values: object) -> list[str]:
    if not isinstance(values, list | tuple):
        raise InvalidInput('Send the tags as a list of words, like ["python", "silver medallist"].')
    tags = list(dict.fromkeys(clean_tag(v) for v in values))
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"A candidate can carry at most {MAX_TAGS} tags ({len(tags)} sent).")
    return sorted(tags)


_TAGS = CandidateTag.__table__


def _tags_of(candidates: sa.ColumnElement[bool]) -> sa.Select:
    """Ordered by candidate, then label: the order of the unique (company_id, candidate_id, label)
    index, so SQLite reads that index alone, with or without statistics (ordered by label only,
    it walked every tag of the company through the (company_id, label) index)."""
    return (
        sa.select(_TAGS.c.candidate_id, _TAGS.c.label)
        .where(_TAGS.c.company_id == sa.bindparam("company_id"), candidates)
        .order_by(_TAGS.c.candidate_id, _TAGS.c.label)
    )


# Built once, per engine: PostgreSQL gets the ids as one array parameter, which it plans in a
# fraction of the time a list of hundreds of parameters takes.
_TAGS_BY_CANDIDATE = {
    "sqlite": _tags_of(_TAGS.c.candidate_id.in_(sa.bindparam("ids", expanding=True))),
    "postgresql": _tags_of(
        _TAGS.c.candidate_id == sa.any_(sa.bindparam("ids", type_=postgresql.ARRAY(sa.Integer)))
    ),
}


def tags_by_candidate(s: Session, company_id: int, candidate_ids: list[int]) -> dict[int, list[str]]:
    """The company's tags on each of these candidates, each list in label order (one query)."""
    found: dict[int, list[str]] = {i: [] for i in candidate_ids}
    if not candidate_ids:
        return found
    query = _TAGS_BY_CANDIDATE.get(s.get_bind().dialect.name, _TAGS_BY_CANDIDATE["sqlite"])
    for cid, label in s.connection().execute(query, {"company_id": company_id, "ids": list(found)}):
        found[cid].append(label)
    return found


def set_tags(db: Database, principal: Principal, candidate_id: object, tags: object) -> list[str]:
    """Replaces the candidate's tags in the caller's company (recruiters only)."""
    return _write_tags(db, principal, candidate_id, clean_tags(tags), replace=True)


def add_tags(db: Database, principal: Principal, candidate_id: object, tags: object) -> list[str]:
    """Adds tags to the candidate's own in the caller's company (recruiters only), in one
    transaction: a colleague's tag change at the same moment is kept. Returns all their tags."""
    return _write_tags(db, principal, candidate_id, clean_tags(tags), replace=False)


def _write_tags(
    db: Database, principal: Principal, candidate_id: object, tags: list[str], *, replace: bool
) -> list[str]:
    require(principal, Action.USE_TALENT_POOL)
    company_id = principal.staff_company_id
    with db.session(write=True) as s:
        user = company_candidate(s, principal, candidate_id)
        mine = (CandidateTag.company_id == company_id, CandidateTag.candidate_id == user.id)
        if replace:
            s.exec(delete(CandidateTag).where(*mine))
            have: set[str] = set()
        else:
            have = set(s.exec(select(CandidateTag.label).where(*mine)).all())
            if set(tags) <= have:
                return sorted(have)
            if len(have | set(tags)) > MAX_TAGS:
                raise InvalidInput(f"A candidate can carry at most {MAX_TAGS} tags.")
        now = datetime.now(UTC)
        for tag in tags:
            if tag not in have:
                s.add(CandidateTag(company_id=company_id, candidate_id=user.id, label=tag, created_at=now))
        s.flush()
        documents.refresh(s, company_id, user.id)
        # Open boards of the jobs they applied to show the new tags on the cards.
        jobs = s.exec(
            select(Application.job_id)
            .join(Job, Job.id == Application.job_id)
            .where(Application.candidate_id == user.id, Job.company_id == company_id)
        ).all()
        announce(s, company_topic(company_id), *(job_topic(j) for j in set(jobs)))
        return sorted(have | set(tags))


def company_tags(db: Database, principal: Principal) -> list[tuple[str, int]]:
    """Every tag the company uses, with how many candidates carry it (for the filter)."""
    require(principal, Action.USE_TALENT_POOL)
    with db.session() as s:
        return [
            (label, n)
            for label, n in s.exec(
                select(CandidateTag.label, func.count())
                .where(CandidateTag.company_id == principal.company_id)
                .group_by(CandidateTag.label)
                .order_by(CandidateTag.label)
            ).all()
        ]
