"""A job's applications as a table: filtered, sorted and paged in SQL, and walked one by one.

The list view reads a page of thousands of applications in a fixed number of queries (the job and
its stages, the count, the page, then the page's tags and scorecard summaries), whatever the page
or the job's size. The application page walks the same ordering (``neighbours``) so Previous and
Next follow the list, or the board column, it was opened from; and it asks ``act_options`` which
moves to offer, from the same transition table as the board.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, not_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session

from .. import like, validation
from ..analytics.sources import LABELS as SOURCE_LABELS
from ..analytics.sources import Source
from ..collaboration import scorecards
from ..db import Database
from ..errors import InvalidInput
from ..models import (
    Application,
    CandidateTag,
    Interview,
    InterviewInterviewer,
    Job,
    JobStage,
    Scorecard,
    StoredFile,
    User,
)
from ..permissions import Action, Principal, may, require
from ..pipelines.job_stages import pipeline_of
from ..pipelines.transitions import allowed_moves
from ..scoping import company_application, company_job
from ..talent.tags import tags_by_candidate
from ..views import MoveOption

# Sort keys of the table's columns; ``days`` ascending is the board's column order (most recently
# moved first), so a walk from the board is a walk through this list.
SORTS = ("name", "stage", "days", "applied", "source", "tags", "rating", "resume")
DIRECTIONS = ("asc", "desc")
# Rating filters over the average of the scorecards the caller may read (Strong no 1 … Strong yes 4).
RATINGS = {
    "unscored": "Not scored yet",
    "scored": "Scored",
    "yes": "Leaning yes (average Yes or better)",
    "no": "Leaning no (average below Yes)",
    "strong_yes": "Strong yes on average",
}
SCORES = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}
PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_TEXT = 100


@dataclass(frozen=True)
class ListingQuery:
    """What the list shows: the filters, the order and the page (all of it lives in the URL)."""

    stage: str = ""
    tag: str = ""
    source: str = ""
    rating: str = ""
    since: date | None = None
    text: str = ""
    sort: str = "applied"
    direction: str = "desc"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class ListingRow:
    id: int
    candidate_id: int
    name: str
    email: str
    stage: str
    category: str
    days_in_stage: int
    applied_at: datetime
    stage_changed_at: datetime
    source: str
    source_label: str
    tags: tuple[str, ...]
    rating: float | None  # the average score (1–4) of the scorecards the caller may read
    rating_count: int
    rating_summary: str  # "2 × Yes, 1 × Strong yes"
    has_resume: bool
    # The moves the caller may make from here (none for a hiring manager), for the bulk bar.
    moves: tuple[MoveOption, ...] = ()


@dataclass(frozen=True)
class Listing:
    job_id: int
    job_title: str
    query: ListingQuery
    rows: tuple[ListingRow, ...]
    total: int
    pages: int
    stages: tuple[str, ...]  # the job's stages in board order, for the stage filter
    tags: tuple[str, ...]  # the company's tags, for the tag filter
    sources: tuple[tuple[str, str], ...]  # (value, label)


@dataclass(frozen=True)
class Neighbours:
    """Where an application sits in a list: its place (from 1), the count, the ids either side."""

    position: int
    total: int
    previous_id: int | None
    next_id: int | None


def parse_query(params: Mapping[str, object]) -> ListingQuery:
    """A listing query from URL parameters (strings); anything that is not one is InvalidInput.

    Empty parameters mean "no filter" so a shared link carries only what was chosen.
    """

    def get(key: str) -> str:
        value = params.get(key, "")
        if isinstance(value, list | tuple):
            value = value[-1] if value else ""
        if value is None:
            return ""
        if not isinstance(value, str | int):
            raise InvalidInput(f"The “{key}” filter is not text.")
        return str(value).strip()

    stage = validation.text(get("stage"), "Stage", max_len=40, required=False)
    tag = validation.text(get("tag"), "Tag", max_len=40, required=False)
    source = get("source")
    if source and source not in {s.value for s in Source}:
        raise InvalidInput(f"Source must be one of {', '.join(s.value for s in Source)}.")
    rating = get("rating")
    if rating and rating not in RATINGS:
        raise InvalidInput(f"Rating must be one of {', '.join(RATINGS)}.")
    since_text = get("since")
    since = None
    if since_text:
        try:
            since = date.fromisoformat(since_text)
        except ValueError:
            raise InvalidInput("“Applied since” must be a date such as 2026-03-01.") from None
        validation.date_in_range(since, "Applied since")
    text = validation.text(get("q"), "Search", max_len=MAX_TEXT, required=False)
    sort = get("sort") or "applied"
    if sort not in SORTS:
        raise InvalidInput(f"Sort by one of {', '.join(SORTS)}.")
    direction = get("dir") or ("asc" if sort in ("name", "stage", "days") else "desc")
    if direction not in DIRECTIONS:
        raise InvalidInput("The sort direction is asc or desc.")
    page = _whole(get("page") or "1", "Page", 1, 1_000_000)
    per_page = _whole(get("per_page") or str(PER_PAGE), "Rows per page", 1, MAX_PER_PAGE)
    return ListingQuery(stage, tag, source, rating, since, text, sort, direction, page, per_page)


def _whole(text: str, what: str, low: int, high: int) -> int:
    if not text.isdigit() or len(text) > 9 or not low <= int(text) <= high:
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}.")
    return int(text)


def query_params(query: ListingQuery) -> dict[str, str]:
    """The URL parameters of ``query``, leaving out the defaults (the inverse of ``parse_query``)."""
    default = parse_query({"sort": query.sort})
    out: dict[str, str] = {}
    for key, value, empty in (
        ("stage", query.stage, ""),
        ("tag", query.tag, ""),
        ("source", query.source, ""),
        ("rating", query.rating, ""),
        ("since", query.since.isoformat() if query.since else "", ""),
        ("q", query.text, ""),
        ("sort", query.sort, "applied"),
        ("dir", query.direction, default.direction),
        ("page", str(query.page), "1"),
        ("per_page", str(query.per_page), str(PER_PAGE)),
    ):
        if value != empty:
            out[key] = value
    return out


# --- the SQL -------------------------------------------------------------------------------------


def _ratings(principal: Principal, job_id: int):
    """Per application of the job: the average score and count of the scorecards the caller may
    read, by ``scorecards.visible``'s rule written in SQL (an interviewer who has not submitted
    their own scorecard reads only their own of that interview)."""
    score = case(*((Scorecard.recommendation == key, value) for key, value in SCORES.items()), else_=None)
    query = (
        sa_select(
            Interview.application_id.label("application_id"),
            func.avg(score).label("rating"),
            func.count(Scorecard.id).label("rating_count"),
        )
        .join(Interview, Interview.id == Scorecard.interview_id)
        .join(Application, Application.id == Interview.application_id)
        .where(Application.job_id == job_id)
        .group_by(Interview.application_id)
    )
    if not may(principal, Action.READ_ALL_SCORECARDS):
        mine = sa_select(InterviewInterviewer.interview_id).where(
            InterviewInterviewer.user_id == principal.user_id
        )
        submitted = sa_select(Scorecard.interview_id).where(Scorecard.interviewer_id == principal.user_id)
        hidden = and_(Scorecard.interview_id.in_(mine), Scorecard.interview_id.not_in(submitted))
        query = query.where(or_(Scorecard.interviewer_id == principal.user_id, not_(hidden)))
    return query.subquery("ratings")


def _first_tags(company_id: int):
    """Each candidate's first tag in alphabetical order: what the Tags column sorts by."""
    return (
        sa_select(
            CandidateTag.candidate_id.label("candidate_id"),
            func.min(func.lower(CandidateTag.label)).label("first_tag"),
        )
        .where(CandidateTag.company_id == company_id)
        .group_by(CandidateTag.candidate_id)
        .subquery("first_tags")
    )


def _filters(query: ListingQuery, job: Job, stage_id: int | None, ratings) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Application.job_id == job.id]
    if stage_id is not None:
        conditions.append(Application.stage_id == stage_id)
    if query.tag:
        conditions.append(
            exists().where(
                CandidateTag.company_id == job.company_id,
                CandidateTag.candidate_id == Application.candidate_id,
                func.lower(CandidateTag.label) == query.tag.lower(),
            )
        )
    if query.source:
        conditions.append(Application.source == query.source)
    if query.since is not None:
        conditions.append(Application.created_at >= datetime.combine(query.since, datetime.min.time(), UTC))
    if query.text:
        conditions.append(
            or_(
                like.contains(User.full_name, query.text),
                like.contains(User.email, query.text),
                like.contains(StoredFile.text, query.text),
            )
        )
    rating, count = ratings.c.rating, func.coalesce(ratings.c.rating_count, 0)
    if query.rating == "unscored":
        conditions.append(count == 0)
    elif query.rating == "scored":
        conditions.append(count > 0)
    elif query.rating == "yes":
        conditions.append(rating >= 3)
    elif query.rating == "no":
        conditions.append(rating < 3)
    elif query.rating == "strong_yes":
        conditions.append(rating >= 3.5)
    return conditions


def _order(query: ListingQuery, ratings, first_tags) -> list[Any]:
    """The ORDER BY of a sort key and direction; ties by application id in the same direction.

    Missing values (no rating, no tag) go last whichever the direction.
    """
    desc = query.direction == "desc"
    # (column, whether it only says "missing": those sort present-first in both directions)
    keys: dict[str, list[tuple[Any, bool]]] = {
        "name": [(func.lower(User.full_name), False)],
        "stage": [(JobStage.position, False)],
        # Days in stage grow as the move lies further back: ascending days = newest move first.
        "days": [(Application.stage_changed_at, False)],
        "applied": [(Application.created_at, False)],
        "source": [(Application.source, False), (func.coalesce(Application.source_detail, ""), False)],
        "tags": [(first_tags.c.first_tag.is_(None), True), (first_tags.c.first_tag, False)],
        "rating": [(ratings.c.rating.is_(None), True), (ratings.c.rating, False)],
        "resume": [(Application.resume_file_id.is_not(None), False)],
    }
    reverse = desc != (query.sort == "days")  # days run the other way round from their column
    order: list[Any] = [
        column.asc() if missing or not reverse else column.desc() for column, missing in keys[query.sort]
    ]
    order.append(Application.id.desc() if reverse else Application.id.asc())
    return order


def _base(s: Session, principal: Principal, job: Job, query: ListingQuery):
    """The filtered rows of the list (as a SELECT to add columns or a count to) and its order."""
    pipeline = pipeline_of(s, job.id)
    stage_id = None
    if query.stage:
        stage = pipeline.by_name(query.stage)
        if stage is None:
            raise InvalidInput(
                f"This job has no stage “{query.stage}”: choose one of {', '.join(pipeline.names)}."
            )
        stage_id = stage.id
    ratings = _ratings(principal, job.id)
    first_tags = _first_tags(job.company_id)

    def joined(select_):
        return (
            select_.select_from(Application)
            .join(User, User.id == Application.candidate_id)
            .join(JobStage, JobStage.id == Application.stage_id)
            .outerjoin(StoredFile, StoredFile.id == Application.resume_file_id)
            .outerjoin(ratings, ratings.c.application_id == Application.id)
            .outerjoin(first_tags, first_tags.c.candidate_id == Application.candidate_id)
            .where(*_filters(query, job, stage_id, ratings))
        )

    return pipeline, ratings, joined, _order(query, ratings, first_tags)


def list_applications(db: Database, principal: Principal, job_id: object, query: ListingQuery) -> Listing:
    """One page of a job's applications, filtered and sorted (staff of the job's company).

    Queries: the job, its stages, the count, the page, the company's tags, the page's tags and
    scorecard summaries. A page past the end shows the last page.
    """
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    if not isinstance(query, ListingQuery):
        raise InvalidInput("The list's filters could not be read.")
    now = datetime.now(UTC)
    with db.session() as s:
        job = company_job(s, principal, job_id)
        pipeline, ratings, joined, order = _base(s, principal, job, query)
        total = int(s.execute(joined(sa_select(func.count(Application.id)))).scalar_one())
        pages = max(1, -(-total // query.per_page))
        if query.page > pages:
            query = replace(query, page=pages)
        rows = s.execute(
            joined(
                sa_select(
                    Application.id,
                    Application.candidate_id,
                    Application.stage_id,
                    Application.previous_stage_id,
                    Application.created_at,
                    Application.stage_changed_at,
                    Application.source,
                    Application.source_detail,
                    Application.resume_file_id,
                    User.full_name,
                    User.email,
                    ratings.c.rating,
                    func.coalesce(ratings.c.rating_count, 0).label("rating_count"),
                )
            )
            .order_by(*order)
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        ).all()
        labels = tags_by_candidate(s, job.company_id, list({r.candidate_id for r in rows}))
        verdicts = scorecards.summaries(s, principal, [r.id for r in rows])
        company_tags = s.execute(
            sa_select(CandidateTag.label)
            .where(CandidateTag.company_id == job.company_id)
            .group_by(CandidateTag.label)
            .order_by(func.lower(CandidateTag.label))
        ).scalars()
        tag_choices = tuple(dict.fromkeys(company_tags))
    movers = may(principal, Action.MOVE_STAGE)
    out = []
    for r in rows:
        stage = pipeline.by_id(r.stage_id)
        moves = (
            tuple(
                MoveOption(m.target.name, m.kind.value, m.reason.value, m.asks)
                for m in allowed_moves(pipeline, stage, pipeline.by_id(r.previous_stage_id))
            )
            if movers and stage is not None
            else ()
        )
        changed = _aware(r.stage_changed_at)
        source = Source(r.source) if r.source in {x.value for x in Source} else Source.UNKNOWN
        label = SOURCE_LABELS[source] + (f" ({r.source_detail})" if r.source_detail else "")
        out.append(
            ListingRow(
                id=r.id,
                candidate_id=r.candidate_id,
                name=r.full_name,
                email=r.email,
                stage=stage.name if stage else "",
                category=stage.category if stage else "",
                days_in_stage=max(0, (now - changed).days),
                applied_at=_aware(r.created_at),
                stage_changed_at=changed,
                source=source.value,
                source_label=label,
                tags=tuple(labels.get(r.candidate_id, ())),
                rating=round(float(r.rating), 2) if r.rating is not None else None,
                rating_count=int(r.rating_count),
                rating_summary=verdicts.get(r.id, ""),
                has_resume=r.resume_file_id is not None,
                moves=moves,
            )
        )
    return Listing(
        job_id=job.id,
        job_title=job.title,
        query=query,
        rows=tuple(out),
        total=total,
        pages=pages,
        stages=tuple(pipeline.names),
        tags=tag_choices,
        sources=tuple((s.value, SOURCE_LABELS[s]) for s in Source),
    )


def neighbours(
    db: Database, principal: Principal, application_id: object, query: ListingQuery
) -> Neighbours | None:
    """The applications before and after this one in the list ``query`` describes (its job's).

    Two queries: the application's place in the ordering, then the ids either side. None when the
    application is not in that list (the filters no longer match it).
    """
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    if not isinstance(query, ListingQuery):
        raise InvalidInput("The list's filters could not be read.")
    with db.session() as s:
        app = company_application(s, principal, application_id)
        job = company_job(s, principal, app.job_id)
        _pipeline, _ratings_sub, joined, order = _base(s, principal, job, query)
        ranked = joined(
            sa_select(
                Application.id.label("id"),
                func.row_number().over(order_by=order).label("rn"),
                func.count(literal(1)).over().label("total"),
            )
        ).subquery("ranked")
        mine = s.execute(sa_select(ranked.c.rn, ranked.c.total).where(ranked.c.id == app.id)).first()
        if mine is None:
            return None
        position, total = int(mine.rn), int(mine.total)
        around = dict(
            s.execute(
                sa_select(ranked.c.rn, ranked.c.id).where(ranked.c.rn.in_([position - 1, position + 1]))
            ).all()
        )
    return Neighbours(position, total, around.get(position - 1), around.get(position + 1))


def act_options(db: Database, principal: Principal, application_id: object) -> tuple[MoveOption, ...]:
    """The moves the caller may make on this application, from the transition table, in board
    order (none for a hiring manager, who reads the application but does not move it)."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    if not may(principal, Action.MOVE_STAGE):
        return ()
    with db.session() as s:
        app = company_application(s, principal, application_id)
        pipeline = pipeline_of(s, app.job_id)
        current = pipeline.by_id(app.stage_id)
        if current is None:
            return ()
        return tuple(
            MoveOption(m.target.name, m.kind.value, m.reason.value, m.asks)
            for m in allowed_moves(pipeline, current, pipeline.by_id(app.previous_stage_id))
        )


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
