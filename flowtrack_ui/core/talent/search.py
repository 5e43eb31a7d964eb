"""Searching the talent pool with the database's own full-text engine, never a scan in Python.

SQLite: the FTS5 table ``talent_fts`` ranked by bm25; the company is an indexed word of each
document (``c<id>``), so the index itself keeps companies apart. PostgreSQL: the generated
``tsvector`` column with its GIN index, ranked by ``ts_rank``. Each word typed is a prefix
("pyth" finds "Python"); every word must match. Filters narrow in SQL; a page is one ranked
query (with the total) plus one query each for snippets, tags and applications of the shown rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlmodel import Session, select

from .. import validation
from ..db import Database
from ..errors import InvalidInput, NotFound
from ..models import Application, Job, JobStage, TalentDocument, UTCDateTime
from ..permissions import Action, Principal, require
from ..pipelines.categories import Category
from . import documents, tags

MAX_WORDS = 12
PER_PAGE = 20
_WORD = re.compile(r"\w+", re.UNICODE)
# Name and email weigh most, then tags, the headline, the résumé, the notes (bm25's column weights;
# the first column is the company word, which is only a filter).
_BM25 = "bm25(talent_fts, 0.0, 10.0, 8.0, 4.0, 2.0, 1.0, 8.0)"
# Snippets mark each match between these two characters (the API shows [ ], the page <mark>).
MARK_START, MARK_END = "\x02", "\x03"


@dataclass(frozen=True)
class PoolApplication:
    application_id: int
    job_id: int
    job_title: str
    stage: str
    category: str
    applied_at: datetime


@dataclass(frozen=True)
class PoolCandidate:
    candidate_id: int
    full_name: str
    email: str
    headline: str
    tags: tuple[str, ...]
    applications: tuple[PoolApplication, ...]
    last_applied_at: datetime
    # Where the words were found in the résumé or notes, with the matches between \x02 and \x03.
    snippet: str


@dataclass(frozen=True)
class PoolPage:
    candidates: tuple[PoolCandidate, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def query_words(q: object) -> list[str]:
    """The words of a search, lower-cased; punctuation separates words and means nothing else."""
    q = validation.text(q, "Search", max_len=200, required=False)
    return [w for w in _WORD.findall(q.lower()) if len(w) <= 60][:MAX_WORDS]


def _since(value: object) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        validation.date_in_range(value, "Applied since")
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput("Applied since: use a date like 2026-01-31.") from None
    validation.date_in_range(value, "Applied since")
    return datetime.combine(value, time.min, UTC)


def _filters(
    s: Session, principal: Principal, tag, category, job_id, since
) -> tuple[list[str], dict[str, object]]:
    where: list[str] = []
    params: dict[str, object] = {}
    if tag not in (None, ""):
        params["tag"] = tags.clean_tag(tag)
        where.append(
            "EXISTS (SELECT 1 FROM candidate_tag t WHERE t.company_id = d.company_id"
            " AND t.candidate_id = d.candidate_id AND t.label = :tag)"
        )
    if category not in (None, ""):
        if category not in {c.value for c in Category}:
            raise InvalidInput(f"Stage: choose one of {', '.join(c.value for c in Category)}.")
        params["category"] = category
        where.append(
            "EXISTS (SELECT 1 FROM application a JOIN job j ON j.id = a.job_id"
            " JOIN job_stage st ON st.id = a.stage_id WHERE j.company_id = d.company_id"
            " AND a.candidate_id = d.candidate_id AND st.category = :category)"
        )
    if job_id not in (None, "", 0):
        job = s.get(Job, validation.object_id(job_id, "Job id"))
        if job is None or job.company_id != principal.company_id:
            raise NotFound("Job not found.")
        params["job_id"] = job.id
        where.append(
            "EXISTS (SELECT 1 FROM application a"
            " WHERE a.candidate_id = d.candidate_id AND a.job_id = :job_id)"
        )
    if since is not None:
        params["since"] = since
        where.append("d.last_applied_at >= :since")
    return where, params


def _ranked(s: Session, sqlite: bool, words: list[str], where: list[str], params: dict):
    """(document id, candidate id, total) of one page, best first."""
    conditions = " AND ".join(["d.company_id = :company", *where])
    if not words:
        sql = (
            f"SELECT d.id, d.candidate_id, count(*) OVER () FROM talent_document d WHERE {conditions}"
            " ORDER BY d.last_applied_at DESC, d.id DESC LIMIT :limit OFFSET :offset"
        )
    elif sqlite:
        params["match"] = f"company_key : {documents.company_key(params['company'])} AND " + " AND ".join(
            f'"{w}"*' for w in words
        )
        # bm25 cannot be called beside a window function: the hits are ranked first, on their own.
        sql = (
            f"WITH hits AS MATERIALIZED (SELECT rowid AS id, {_BM25} AS score FROM talent_fts"
            " WHERE talent_fts MATCH :match)"
            " SELECT d.id, d.candidate_id, count(*) OVER ()"
            " FROM hits JOIN talent_document d ON d.id = hits.id"
            f" WHERE {conditions} ORDER BY hits.score, d.last_applied_at DESC LIMIT :limit OFFSET :offset"
        )
    else:
        params["tsquery"] = " & ".join(f"{w}:*" for w in words)
        sql = (
            "SELECT d.id, d.candidate_id, count(*) OVER () FROM talent_document d,"
            " to_tsquery('english', :tsquery) q"
            f" WHERE d.search @@ q AND {conditions}"
            " ORDER BY ts_rank(d.search, q) DESC, d.last_applied_at DESC LIMIT :limit OFFSET :offset"
        )
    statement = sa.text(sql)
    if "since" in params:
        statement = statement.bindparams(sa.bindparam("since", type_=UTCDateTime))
    return s.execute(statement, params).all()


def _snippets(s: Session, sqlite: bool, words: list[str], doc_ids: list[int], params: dict) -> dict[int, str]:
    """A few words around the first match in the résumé or the notes, for the shown rows only."""
    if not words or not doc_ids:
        return {}
    ids: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
    if sqlite:
        rows = s.execute(
            sa.text(
                "SELECT rowid, snippet(talent_fts, 4, :a, :b, '…', 16),"
                " snippet(talent_fts, 5, :a, :b, '…', 16)"
                " FROM talent_fts WHERE talent_fts MATCH :match AND rowid IN :ids"
            ).bindparams(ids),
            {"match": params["match"], "ids": doc_ids, "a": MARK_START, "b": MARK_END},
        ).all()
    else:
        options = f"MaxWords=18, MinWords=8, MaxFragments=1, StartSel={MARK_START}, StopSel={MARK_END}"
        rows = s.execute(
            sa.text(
                "SELECT d.id, ts_headline('english', d.resume_text, q, :o),"
                " ts_headline('english', d.notes_text, q, :o)"
                " FROM talent_document d, to_tsquery('english', :tsquery) q WHERE d.id IN :ids"
            ).bindparams(ids),
            {"tsquery": params["tsquery"], "ids": doc_ids, "o": options},
        ).all()
    found = {}
    for doc_id, *texts in rows:
        marked = [t for t in texts if t and MARK_START in t]
        text = " ".join(marked[0].split()) if marked else ""
        # FTS5 marks cuts with "…" itself; ts_headline does not.
        found[doc_id] = f"…{text}…" if text and not sqlite else text
    return found


def applications_by_candidate(
    s: Session, company_id: int, candidate_ids: list[int]
) -> dict[int, list[PoolApplication]]:
    found: dict[int, list[PoolApplication]] = {i: [] for i in candidate_ids}
    if not candidate_ids:
        return found
    rows = s.exec(
        select(Application, Job.title, JobStage.name, JobStage.category)
        .join(Job, Job.id == Application.job_id)
        .join(JobStage, JobStage.id == Application.stage_id)
        .where(Job.company_id == company_id, Application.candidate_id.in_(candidate_ids))
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()
    for app, title, stage, category in rows:
        found[app.candidate_id].append(
            PoolApplication(app.id, app.job_id, title, stage, category, app.created_at)
        )
    return found


def search(
    db: Database,
    principal: Principal,
    q: object = "",
    *,
    tag: object = None,
    category: object = None,
    job_id: object = None,
    applied_since: object = None,
    page: object = 1,
    per_page: object = PER_PAGE,
) -> PoolPage:
    """Every candidate who applied to the caller's company, best match first (recruiters only)."""
    require(principal, Action.USE_TALENT_POOL)
    words = query_words(q)
    per_page, _ = validation.paging(per_page, 0, max_limit=100)
    try:
        number = int(page)  # type: ignore[call-overload]  # int() raises on the rest
    except (TypeError, ValueError):
        raise InvalidInput("page must be a whole number.") from None
    if not 1 <= number <= 100_000:
        raise InvalidInput("page must be 1 or more.")
    since = _since(applied_since)
    with db.session() as s:
        where, params = _filters(s, principal, tag, category, job_id, since)
        params.update(company=principal.company_id, limit=per_page, offset=(number - 1) * per_page)
        rows = _ranked(s, db.is_sqlite, words, where, params)
        doc_ids = [r[0] for r in rows]
        docs = {d.id: d for d in s.exec(select(TalentDocument).where(TalentDocument.id.in_(doc_ids))).all()}
        candidate_ids = [r[1] for r in rows]
        snippets = _snippets(s, db.is_sqlite, words, doc_ids, params)
        tag_map = tags.tags_by_candidate(s, principal.staff_company_id, candidate_ids)
        apps = applications_by_candidate(s, principal.staff_company_id, candidate_ids)
        total = rows[0][2] if rows else 0
        if not rows and number > 1:
            total = _count(s, db.is_sqlite, words, where, params)
        return PoolPage(
            candidates=tuple(
                PoolCandidate(
                    candidate_id=docs[d].candidate_id,
                    full_name=docs[d].full_name,
                    email=docs[d].email,
                    headline=docs[d].headline,
                    tags=tuple(tag_map[docs[d].candidate_id]),
                    applications=tuple(apps[docs[d].candidate_id]),
                    last_applied_at=docs[d].last_applied_at,
                    snippet=snippets.get(d, ""),
                )
                for d in doc_ids
            ),
            total=total,
            page=number,
            per_page=per_page,
        )


def _count(s: Session, sqlite: bool, words: list[str], where: list[str], params: dict) -> int:
    """The total when the page asked for is past the end (the ranked query then has no row to carry it)."""
    first = _ranked(s, sqlite, words, where, {**params, "limit": 1, "offset": 0})
    return first[0][2] if first else 0
