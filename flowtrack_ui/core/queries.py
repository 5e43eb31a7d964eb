"""Read-side use cases: the board, histories, the candidate's tracker, the overview.

Each runs a fixed number of queries whatever the number of applications.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy import Row, Select, case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from . import like, validation
from .applications.applying import application_view
from .collaboration import scorecards
from .db import Database, existing
from .errors import InvalidInput, NotFound
from .jobs import job_view
from .mail.automation import shown_name
from .models import (
    Application,
    ApplicationAnswer,
    ApplicationHistory,
    CandidateProfile,
    Company,
    Job,
    JobStage,
    OutboxEmail,
    StoredFile,
    User,
)
from .permissions import Action, Principal, require
from .pipelines.categories import Category
from .pipelines.job_stages import pipeline_of, pipelines_of, stage_view
from .pipelines.moves import UNDO_SECONDS, stage_named
from .pipelines.transitions import MoveKind, Pipeline, allowed_moves
from .scoping import caller_company_job, company_application, company_job
from .talent.tags import tags_by_candidate
from .views import (
    ApplicationView,
    Board,
    Card,
    Column,
    CompanyApplication,
    EmailEntry,
    HistoryEntry,
    JobSummary,
    MoveOption,
    MyApplication,
    TimelineEntry,
)

DEFAULT_PER_STAGE = 50
MAX_PER_STAGE = 1000


def _search_filter(search: str):
    """Name, email or résumé text (the résumé sent with the application) contains the words."""
    return or_(
        like.contains(User.full_name, search),
        like.contains(User.email, search),
        like.contains(StoredFile.text, search),
    )


def _searchable(query):
    """Joins the application's résumé, so ``_search_filter`` can look into its text."""
    return query.outerjoin(StoredFile, StoredFile.id == Application.resume_file_id)


_APPS, _USERS, _PROFILES = Application.__table__, User.__table__, CandidateProfile.__table__
_ANSWERS = ApplicationAnswer.__table__


def _engine(s: Session) -> str:
    return s.get_bind().dialect.name


def _among(column: ColumnElement[int], engine: str, name: str = "ids") -> ColumnElement[bool]:
    """``column`` is one of the ids bound as ``name``: an IN list, or on PostgreSQL one array
    parameter (which it plans in a fraction of the time hundreds of parameters take)."""
    if engine == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(sa.bindparam(name, expanding=True))


def _for_engine(s: Session, statements: dict[str, Select]) -> Select:
    return statements.get(_engine(s), statements["sqlite"])


# What a card shows of an application, its candidate and their profile.
_CARD_COLUMNS = (
    _APPS.c.id,
    _APPS.c.candidate_id,
    _APPS.c.stage_id,
    _APPS.c.previous_stage_id,
    _APPS.c.version,
    _APPS.c.created_at,
    _APPS.c.stage_changed_at,
    _USERS.c.full_name,
    _USERS.c.email,
    _PROFILES.c.headline,
    _APPS.c.resume_file_id,
)
# Board order within a column: most recently moved first, then the newest.
_BOARD_ORDER = (_APPS.c.stage_changed_at.desc(), _APPS.c.id.desc())


def _with_candidate(query: Select) -> Select:
    return query.join(_USERS, _USERS.c.id == _APPS.c.candidate_id).outerjoin(
        _PROFILES, _PROFILES.c.user_id == _APPS.c.candidate_id
    )


def _card_rows(search: str) -> Select:
    """The card columns of applications; with ``search``, of the applications whose candidate's
    name, email or résumé text contains it."""
    query = _with_candidate(sa_select(*_CARD_COLUMNS))  # SQLModel's select() takes four columns at most
    return _searchable(query).where(_search_filter(search)) if search else query


_RANKED = _APPS.alias("ranked")


def _column_head(stage: ColumnElement[int]) -> Select:
    """The ids of the first ``per_stage`` applications of one column in board order: the first
    entries of ix_application_stage_changed for the stage, never the whole job (a stage is one
    job's)."""
    return (
        sa_select(_RANKED.c.id)
        .where(_RANKED.c.stage_id == stage)
        .order_by(_RANKED.c.stage_changed_at.desc(), _RANKED.c.id.desc())
        .limit(sa.bindparam("per_stage"))
    )


@cache
def _column_heads_sqlite(stages: int) -> Select:
    """SQLite: the first cards of each column, one arm per stage (bound as ``stage_0``…), UNION
    ALL; built once per number of stages."""
    arms = [_column_head(sa.bindparam(f"stage_{i}")).subquery(f"column_{i}") for i in range(stages)]
    heads = sa.union_all(*(sa_select(arm.c.id) for arm in arms)).subquery("heads")
    query = sa_select(*_CARD_COLUMNS).select_from(heads).join(_APPS, _APPS.c.id == heads.c.id)
    return _with_candidate(query).order_by(_APPS.c.stage_id, *_BOARD_ORDER)


def _column_heads_postgresql() -> Select:
    """PostgreSQL: the first cards of each column, a LATERAL read per stage of the array bound as
    ``stage_ids``: one statement whatever the number of stages."""
    stage_ids = sa.bindparam("stage_ids", type_=postgresql.ARRAY(sa.Integer))
    stages = sa.func.unnest(stage_ids).table_valued("id").render_derived(name="stage")
    heads = _column_head(stages.c.id).lateral("heads")
    query = (
        sa_select(*_CARD_COLUMNS)
        .select_from(stages)
        .join(heads, sa.true())
        .join(_APPS, _APPS.c.id == heads.c.id)
    )
    return _with_candidate(query).order_by(_APPS.c.stage_id, *_BOARD_ORDER)


def _searched_counts(search: str) -> Select:
    """Applications per stage of the job bound as ``job_id`` that ``search`` matches."""
    query = sa_select(_APPS.c.stage_id, func.count(_APPS.c.id)).where(
        _APPS.c.job_id == sa.bindparam("job_id")
    )
    if search:
        query = _searchable(query.join(_USERS, _USERS.c.id == _APPS.c.candidate_id)).where(
            _search_filter(search)
        )
    return query.group_by(_APPS.c.stage_id)


def _searched_cards(search: str) -> Select:
    """The first ``per_stage`` cards of each column in board order that ``search`` matches: a
    window function over the matching applications of the job."""
    rank = func.row_number().over(partition_by=_APPS.c.stage_id, order_by=_BOARD_ORDER).label("rank")
    sub = _card_rows(search).add_columns(rank).where(_APPS.c.job_id == sa.bindparam("job_id")).subquery()
    return sa_select(sub).where(sub.c.rank <= sa.bindparam("per_stage")).order_by(sub.c.rank)


def _cards_by_id(among: ColumnElement[bool], search: str) -> Select:
    return _card_rows(search).where(_APPS.c.job_id == sa.bindparam("job_id"), among)


def _column_cards(search: str) -> Select:
    """One column's cards at ranks [offset, offset + limit) in board order (a stage is one job's)."""
    return (
        _card_rows(search)
        .where(_APPS.c.stage_id == sa.bindparam("stage_id"))
        .order_by(*_BOARD_ORDER)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )


# The board's statements, built once (building a statement costs more than running it on SQLite);
# a search builds its own, since the words it looks for are part of the statement.
_ENGINES = ("sqlite", "postgresql")
# Applications per stage, read from the stage's index alone.
_BOARD_COUNTS = {
    engine: sa_select(_APPS.c.stage_id, func.count())
    .where(_among(_APPS.c.stage_id, engine, "stage_ids"))
    .group_by(_APPS.c.stage_id)
    for engine in _ENGINES
}
_COLUMN_HEADS_POSTGRESQL = _column_heads_postgresql()
_COLUMN_CARDS = _column_cards("")
_COMPANIES = Company.__table__
_COMPANY_NAME = sa_select(_COMPANIES.c.name).where(_COMPANIES.c.id == sa.bindparam("company_id"))
_CARDS_BY_ID = {engine: _cards_by_id(_among(_APPS.c.id, engine), "") for engine in _ENGINES}
_KNOCKOUTS = {
    engine: sa_select(_ANSWERS.c.application_id, _ANSWERS.c.prompt, _ANSWERS.c.answer)
    .where(_among(_ANSWERS.c.application_id, engine), _ANSWERS.c.kind == "yes_no")
    .order_by(_ANSWERS.c.application_id, _ANSWERS.c.position)
    for engine in _ENGINES
}
# Every read of the board on PostgreSQL is one snapshot: its counts, its cards and the job's change
# number agree even while moves commit (READ COMMITTED would give each statement its own). SQLite's
# read transaction already is one: the BEGIN that opens the session (db.py) is deferred, and its
# snapshot is taken by the first statement, the job's row.
_SNAPSHOT = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


def _one_snapshot(db: Database, s: Session) -> None:
    """Before the first statement of a read of several: on PostgreSQL, one REPEATABLE READ, READ
    ONLY transaction (the pool puts the connection back to its defaults afterwards)."""
    if not db.is_sqlite:
        s.connection(execution_options=_SNAPSHOT)


def _knockouts(s: Session, application_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The yes/no answers of these applications: what a recruiter scans a card for."""
    found: dict[int, list[tuple[str, str]]] = {}
    if not application_ids:
        return found
    for app_id, prompt, answer in s.connection().execute(
        _for_engine(s, _KNOCKOUTS), {"ids": application_ids}
    ):
        found.setdefault(app_id, []).append((prompt, answer))
    return found


def _cards(
    s: Session, principal: Principal, company_id: int, pipeline: Pipeline, rows: Sequence[Row], now: datetime
) -> dict[int, Card]:
    """The cards of these rows of ``_card_rows``, by application id in the rows' order, as
    ``principal`` may read them: three more statements (yes/no answers, scorecards, tags) however
    many rows. The moves a card offers depend only on its stage and the one before, so the
    transition table is asked once per such pair, not once per card."""
    ids = [r.id for r in rows]
    knockouts = _knockouts(s, ids)
    verdicts = scorecards.summaries(s, principal, ids)
    labels = tags_by_candidate(s, company_id, list({r.candidate_id: None for r in rows}))
    stages = {st.id: st for st in pipeline.stages}
    offered: dict[tuple[int, int | None], tuple[tuple[str, ...], tuple[MoveOption, ...]]] = {}
    cards: dict[int, Card] = {}
    for r in rows:
        current = stages.get(r.stage_id)
        if current is None:  # cannot happen: a stage holding applications is never removed
            continue
        options = offered.get((current.id, r.previous_stage_id))
        if options is None:
            moves = allowed_moves(pipeline, current, stages.get(r.previous_stage_id))
            options = offered[(current.id, r.previous_stage_id)] = (
                tuple(m.target.name for m in moves),
                tuple(MoveOption(m.target.name, m.kind.value, m.reason.value, m.asks) for m in moves),
            )
        changed = _aware(r.stage_changed_at)
        cards[r.id] = Card(
            id=r.id,
            candidate_id=r.candidate_id,
            candidate_name=r.full_name,
            candidate_email=r.email,
            stage=current.name,
            version=r.version,
            applied_at=_aware(r.created_at),
            stage_changed_at=changed,
            days_in_stage=max(0, (now - changed).days),
            allowed_next=options[0],
            moves=options[1],
            category=current.category,
            headline=r.headline or "",
            has_resume=r.resume_file_id is not None,
            knockouts=tuple(knockouts.get(r.id, ())),
            scorecards=verdicts.get(r.id, ""),
            tags=tuple(labels.get(r.candidate_id, ())),
        )
    return cards


def _board_rows(
    s: Session, job_id: int, pipeline: Pipeline, search: str, per_stage: int
) -> tuple[dict[int, int], Sequence[Row]]:
    """The counts per stage and the card rows of the board's columns (two statements)."""
    conn = s.connection()
    if search:
        counts = dict(conn.execute(_searched_counts(search), {"job_id": job_id}).tuples().all())
        return counts, conn.execute(_searched_cards(search), {"job_id": job_id, "per_stage": per_stage}).all()
    stage_ids = [st.id for st in pipeline.stages]
    if not stage_ids:  # cannot happen: a job always has its stages
        return {}, []
    engine = _engine(s)
    counts = dict(conn.execute(_for_engine(s, _BOARD_COUNTS), {"stage_ids": stage_ids}).tuples().all())
    if engine == "postgresql":
        params = {"stage_ids": stage_ids, "per_stage": per_stage}
        return counts, conn.execute(_COLUMN_HEADS_POSTGRESQL, params).all()
    by_position = {f"stage_{i}": stage_id for i, stage_id in enumerate(stage_ids)}
    heads = _column_heads_sqlite(len(stage_ids))
    return counts, conn.execute(heads, {**by_position, "per_stage": per_stage}).all()


def board(
    db: Database,
    principal: Principal,
    job_id: object,
    *,
    search: str = "",
    per_stage: int = DEFAULT_PER_STAGE,
) -> Board:
    """The kanban board of a job: per stage, the count and the most recently moved cards, and the
    job's change number, all of one snapshot (an open board applies the changes that follow it).

    A fixed number of queries: the job, its company's name, its stages, the counts per stage, the
    cards (at most ``per_stage`` per column, each column read as a range of its index, so a
    5,000-application job costs about what a 300-application one does), and the shown cards'
    yes/no answers, scorecard summaries and the company's tags.
    """
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    search = validation.text(search, "Search", max_len=100, required=False)
    per_stage = max(1, min(int(per_stage), MAX_PER_STAGE))
    now = datetime.now(UTC)
    with db.session() as s:
        _one_snapshot(db, s)
        job = company_job(s, principal, job_id)
        company_name = s.connection().execute(_COMPANY_NAME, {"company_id": job.company_id}).scalar_one()
        pipeline = pipeline_of(s, job.id)
        counts, rows = _board_rows(s, job.id, pipeline, search, per_stage)
        cards = _cards(s, principal, job.company_id, pipeline, rows, now)

    by_stage: dict[int, list[Card]] = {st.id: [] for st in pipeline.stages}
    for r in rows:
        if r.id in cards:
            by_stage[r.stage_id].append(cards[r.id])
    columns = tuple(
        Column(stage=st.name, count=counts.get(st.id, 0), cards=tuple(by_stage[st.id]), category=st.category)
        for st in pipeline.stages
    )
    return Board(
        job=job_view(job, company_name, stages=tuple(stage_view(st) for st in pipeline.stages)),
        columns=columns,
        total=sum(counts.values()),
        search=search,
        seq=job.change_seq,
    )


def board_cards(
    db: Database, principal: Principal, job_id: object, application_ids: object, *, search: str = ""
) -> dict[int, Card]:
    """The board's cards of just these applications of the job, built as ``board`` builds them (the
    same checks, the scorecards as the caller may read them): what an open board reads when a
    change names a card. Ids of another job or company, and with ``search`` the applications it
    does not match, are simply absent. A fixed number of statements however many ids."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    search = validation.text(search, "Search", max_len=100, required=False)
    ids = _application_ids(application_ids)
    now = datetime.now(UTC)
    with db.session() as s:
        _one_snapshot(db, s)
        job = company_job(s, principal, job_id)
        if not ids:
            return {}
        pipeline = pipeline_of(s, job.id)
        listed = (
            _for_engine(s, _CARDS_BY_ID)
            if not search
            else _cards_by_id(_among(_APPS.c.id, _engine(s)), search)
        )
        rows = s.connection().execute(listed, {"job_id": job.id, "ids": ids}).all()
        return _cards(s, principal, job.company_id, pipeline, rows, now)


def _application_ids(value: object) -> list[int]:
    """A list of application ids, each counted once, at most ``MAX_PER_STAGE``."""
    if not isinstance(value, list | tuple | set | frozenset):
        raise InvalidInput("Send the application ids as a list of whole numbers.")
    ids = list(dict.fromkeys(validation.object_id(v, "Application id") for v in value))
    if len(ids) > MAX_PER_STAGE:
        raise InvalidInput(f"At most {MAX_PER_STAGE} applications at once.")
    return ids


def column_window(
    db: Database,
    principal: Principal,
    job_id: object,
    stage: object,
    offset: object,
    limit: object,
    *,
    search: str = "",
    at_seq: int | None = None,
) -> tuple[int, list[Card]]:
    """The cards of one column of the board at ranks [offset, offset + limit) in board order (most
    recently moved first, then the newest id): what refills a column after a card leaves it.
    ``stage`` is one of the job's stages by name; the same checks and cards as ``board``. With the
    job's change number they were read at (``Board.seq``): ranks mean something only at a number.

    ``at_seq``: the change number the caller wants the window at. When another open board of the
    job has read the same window at that number, it is answered from that read with no statement
    (the caller's company checked against the job's)."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    search = validation.text(search, "Search", max_len=100, required=False)
    limit, offset = validation.paging(limit, offset, max_limit=MAX_PER_STAGE)
    if at_seq is not None:
        key = _window_key(
            db, validation.object_id(job_id, "Job id"), at_seq, stage, offset, limit, search, principal
        )
        shared = _WINDOWS.get(key)
        if shared is not None:
            caller_company_job(shared[0], principal)
            return at_seq, list(shared[1])
    now = datetime.now(UTC)
    with db.session() as s:
        _one_snapshot(db, s)
        job = company_job(s, principal, job_id)
        # Every open board of the job refills the same column after the same change: the first
        # reads it, the others (who see the same scorecards) take the same cards, once allowed.
        key = _window_key(db, job.id, job.change_seq, stage, offset, limit, search, principal)
        shared = _WINDOWS.get(key)
        if shared is not None:
            return job.change_seq, list(shared[1])
        pipeline = pipeline_of(s, job.id)
        column = stage_named(pipeline, stage)
        listed = _COLUMN_CARDS if not search else _column_cards(search)
        rows = (
            s.connection()
            .execute(listed, {"job_id": job.id, "stage_id": column.id, "limit": limit, "offset": offset})
            .all()
        )
        cards = tuple(_cards(s, principal, job.company_id, pipeline, rows, now).values())
        if len(_WINDOWS) >= _WINDOWS_MAX:
            _WINDOWS.clear()
        _WINDOWS[key] = (job.company_id, cards)
        return job.change_seq, list(cards)


# Column windows read at a job's change number, by what they depend on (``column_window``), with
# the job's company: cards are immutable views, and a change number is never reused for other contents.
_WINDOWS: dict[tuple, tuple[int, tuple[Card, ...]]] = {}
_WINDOWS_MAX = 512


def _window_key(
    db: Database,
    job_id: int,
    seq: int,
    stage: object,
    offset: int,
    limit: int,
    search: str,
    principal: Principal,
) -> tuple:
    """What a column window depends on: the job at a change number, the range, the search, and
    which scorecards the reader sees."""
    return (db.instance, job_id, seq, str(stage), offset, limit, search, scorecards.reader_key(principal))


def _aware(value: datetime) -> datetime:
    """Columns read through a subquery skip the type's conversion on SQLite; make them aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def applications_for_job(
    db: Database,
    principal: Principal,
    job_id: object,
    limit: int = 50,
    offset: int = 0,
    search: object = "",
) -> list[ApplicationView]:
    """The job's applications; ``search`` matches the candidate's name, email or résumé text."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    limit, offset = validation.paging(limit, offset)
    search = validation.text(search, "Search", max_len=100, required=False)
    with db.session() as s:
        job = company_job(s, principal, job_id)
        query = (
            select(Application, JobStage.name)
            .join(JobStage, JobStage.id == Application.stage_id)
            .where(Application.job_id == job.id)
        )
        if search:
            query = _searchable(query.join(User, User.id == Application.candidate_id)).where(
                _search_filter(search)
            )
        apps = s.exec(query.order_by(Application.id).limit(limit).offset(offset)).all()
        return [application_view(a, stage) for a, stage in apps]


def company_applications(
    db: Database, principal: Principal, limit: object = 50, offset: object = 0
) -> list[CompanyApplication]:
    """Every application to the caller's company's jobs, newest first, one page of them.

    The original FlowTrack API's "recruiter's applications": one query, scoped to the company in
    SQL. An erased candidate shows as the board shows them: "Erased candidate", and no address
    (the stored placeholder only fills the account's unique column).
    """
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    company_id = principal.staff_company_id
    limit, offset = validation.paging(limit, offset)
    with db.session() as s:
        rows = s.execute(
            sa_select(
                Application.id,
                Application.job_id,
                Job.title,
                Application.candidate_id,
                User.full_name,
                case((User.erased_at.is_not(None), ""), else_=User.email),
                JobStage.name,
                Application.created_at,
                Application.updated_at,
            )
            .join(Job, Job.id == Application.job_id)
            .join(User, User.id == Application.candidate_id)
            .join(JobStage, JobStage.id == Application.stage_id)
            .where(Job.company_id == company_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
    return [
        CompanyApplication(
            application_id=r[0],
            job_id=r[1],
            job_title=r[2],
            candidate_id=r[3],
            candidate_name=r[4],
            candidate_email=r[5],
            stage=r[6],
            created_at=_aware(r[7]),
            updated_at=_aware(r[8]),
        )
        for r in rows
    ]


def application_emails(db: Database, principal: Principal, application_id: object) -> list[EmailEntry]:
    """The emails that went (or wait to go) to the candidate about this application, oldest first."""
    require(principal, Action.VIEW_HISTORY)
    with db.session() as s:
        app = company_application(s, principal, application_id)
        candidate_email = existing(s, User, app.candidate_id).email
        rows = s.exec(
            select(OutboxEmail)
            .where(OutboxEmail.application_id == app.id, OutboxEmail.to_address == candidate_email)
            .order_by(OutboxEmail.id)
        ).all()
        return [
            EmailEntry(
                id=r.id,
                kind=r.kind,
                to_address=r.to_address,
                subject=r.subject,
                created_at=r.created_at,
                sent_at=r.sent_at,
                failed_at=r.failed_at,
                attempts=r.attempts,
                cancelled_at=r.cancelled_at,
            )
            for r in rows
        ]


def application_history(db: Database, principal: Principal, application_id: object) -> list[HistoryEntry]:
    """The full history, notes and names included: recruiters of the application's company only."""
    require(principal, Action.VIEW_HISTORY)
    with db.session() as s:
        app = company_application(s, principal, application_id)
        rows = s.exec(
            select(ApplicationHistory, User.full_name)
            .join(User, User.id == ApplicationHistory.changed_by_id)
            .where(ApplicationHistory.application_id == app.id)
            .order_by(ApplicationHistory.id)
        ).all()
        return [
            HistoryEntry(
                id=h.id,
                application_id=h.application_id,
                old_stage=h.old_stage,
                new_stage=h.new_stage,
                changed_by_id=h.changed_by_id,
                changed_by_name=name,
                changed_at=h.changed_at,
                note=h.note,
                kind=h.kind,
                reason=h.reason,
            )
            for h, name in rows
        ]


def _timeline(h: ApplicationHistory, category: str, new_public: str, old_public: str | None) -> TimelineEntry:
    """A change as the candidate reads it: stages by their candidate-facing names, never the
    job's internal ones (mail/automation.shown_name)."""
    return TimelineEntry(
        id=h.id,
        application_id=h.application_id,
        old_stage=old_public if h.old_stage_id is not None else None,
        new_stage=new_public,
        changed_at=h.changed_at,
        new_category=category,
    )


def candidate_timelines(
    s, application_ids: list[int], now: datetime | None = None, pending: dict[int, datetime] | None = None
) -> dict[int, list[TimelineEntry]]:
    """What candidates see of the history: every change except undone moves and their undos
    (a corrected mis-drop is not the candidate's business), with each stage's category.

    With ``now``, what the candidate sees at that time: a staff move shows once it can no longer
    be undone, or, when it emails the candidate, once that email goes (a knockout's rejection is
    held for days); a rejection whose held email was cancelled by reopening the application, and
    that reopening, never show. Without ``now`` (an export of the candidate's data), every row.
    ``pending``, when given, receives per application when its next hidden change shows.
    """
    found: dict[int, list[TimelineEntry]] = {i: [] for i in application_ids}
    if not application_ids:
        return found
    old = aliased(JobStage)
    found_rows = s.execute(
        sa_select(ApplicationHistory, JobStage.category, JobStage.public_name, old.category, old.public_name)
        .join(JobStage, JobStage.id == ApplicationHistory.new_stage_id)
        .outerjoin(old, old.id == ApplicationHistory.old_stage_id)
        .where(ApplicationHistory.application_id.in_(application_ids))
        .order_by(ApplicationHistory.id)
    ).all()
    rows = [(h, category) for h, category, *_ in found_rows]
    public = {
        h.id: (shown_name(new_public, category), shown_name(old_public, old_category or "applied"))
        for h, category, new_public, old_category, old_public in found_rows
    }
    undone = {h.reverts_id for h, _ in rows if h.kind == MoveKind.UNDO}
    emails: dict[int, OutboxEmail] = {}
    if now is not None:
        emails = {
            e.history_id: e
            for e in s.exec(
                select(OutboxEmail).where(OutboxEmail.history_id.in_([h.id for h, _ in rows]))
            ).all()
            if e.history_id is not None
        }
    quiet_reject: set[int] = set()  # applications whose last shown-nothing row was a cancelled rejection
    for h, category in rows:
        if h.kind == MoveKind.UNDO or h.id in undone:
            continue
        if now is not None and h.kind not in (MoveKind.APPLIED, MoveKind.WITHDRAW):
            email = emails.get(h.id)
            if email is not None and email.cancelled_at is not None and h.kind == MoveKind.REJECT:
                quiet_reject.add(h.application_id)
                continue
            if h.kind == MoveKind.REOPEN and h.application_id in quiet_reject:
                quiet_reject.discard(h.application_id)
                continue
            shown_at = _aware(h.changed_at) + timedelta(seconds=UNDO_SECONDS)
            if email is not None:
                shown_at = _aware(email.sent_at or email.next_attempt_at)
            if shown_at > now:
                if pending is not None:
                    pending[h.application_id] = min(shown_at, pending.get(h.application_id, shown_at))
                continue
        found[h.application_id].append(_timeline(h, category, *public[h.id]))
    return found


def my_applications(
    db: Database, principal: Principal, limit: int = 100, offset: int = 0, now: datetime | None = None
) -> list[MyApplication]:
    """A candidate's applications with their timelines as the candidate may see them at ``now``
    (three queries in all)."""
    require(principal, Action.VIEW_OWN_APPLICATIONS)
    limit, offset = validation.paging(limit, offset)
    with db.session() as s:
        rows = s.exec(
            select(Application, Job, Company.name, JobStage)
            .join(Job, Job.id == Application.job_id)
            .join(Company, Company.id == Job.company_id)
            .join(JobStage, JobStage.id == Application.stage_id)
            .where(Application.candidate_id == principal.user_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        pending: dict[int, datetime] = {}
        timelines = candidate_timelines(s, [app.id for app, *_ in rows], now or datetime.now(UTC), pending)
        mine = []
        for app, job, company, stage in rows:
            timeline = timelines[app.id]
            # Where the candidate stands as far as they may know yet (see candidate_timelines).
            last = timeline[-1] if timeline else None
            name = last.new_stage if last else shown_name(stage.public_name, stage.category)
            category = last.new_category if last else stage.category
            mine.append(
                MyApplication(
                    id=app.id,
                    job_id=app.job_id,
                    job_title=job.title,
                    company_name=company,
                    job_status=job.status,
                    stage=name,
                    created_at=app.created_at,
                    updated_at=app.updated_at,
                    timeline=tuple(timeline),
                    category=category,
                    can_withdraw=category not in (Category.HIRED, Category.REJECTED, Category.WITHDRAWN),
                    shows_more_at=pending.get(app.id),
                )
            )
        return mine


def my_timeline(
    db: Database, principal: Principal, application_id: object, now: datetime | None = None
) -> list[TimelineEntry]:
    """One of the candidate's own applications; anyone else's is NotFound."""
    require(principal, Action.VIEW_OWN_APPLICATIONS)
    application_id = validation.object_id(application_id, "Application id")
    with db.session() as s:
        app = s.get(Application, application_id)
        if app is None or app.candidate_id != principal.user_id:
            raise NotFound("Application not found.")
        return candidate_timelines(s, [app.id], now or datetime.now(UTC))[app.id]


def job_overview(db: Database, principal: Principal) -> list[JobSummary]:
    """The company's jobs with their applications per stage of their own pipelines (three queries).

    ``counts`` is keyed by stage name (each job's own), ``by_category`` by category, which is
    what compares across jobs with different pipelines.
    """
    return numbered_job_overview(db, principal)[0]


def numbered_job_overview(db: Database, principal: Principal) -> tuple[list[JobSummary], dict[int, int]]:
    """``job_overview`` with each job's change number (``job.change_seq``), all of one snapshot: an
    open overview applies the job changes numbered after it to the counts it holds."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    with db.session() as s:
        _one_snapshot(db, s)
        company = s.get(Company, principal.company_id)
        if company is None:
            raise NotFound("Company not found.")
        jobs = s.exec(
            select(Job)
            .where(Job.company_id == company.id)
            .order_by(Job.status.desc(), Job.created_at.desc(), Job.id.desc())
        ).all()
        in_company = Job.company_id == company.id
        summaries = _job_summaries(s, company, jobs, in_company)
        return summaries, {j.id: j.change_seq for j in jobs}


def numbered_job_summary(db: Database, principal: Principal, job_id: object) -> tuple[JobSummary, int]:
    """One job's row of the overview and its change number, of one snapshot: what an open overview
    reads again for a job whose change it cannot apply (a note, a tag, an edit of the job), instead
    of every job of the company."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    with db.session() as s:
        _one_snapshot(db, s)
        job = company_job(s, principal, job_id)
        company = existing(s, Company, job.company_id)
        return _job_summaries(s, company, [job], Application.job_id == job.id)[0], job.change_seq


def _job_summaries(
    s: Session, company: Company, jobs: Sequence[Job], counted: ColumnElement[bool]
) -> list[JobSummary]:
    """The overview's rows of these jobs of the company (two queries): ``counted`` chooses the
    jobs whose applications are counted per stage."""
    pipelines = pipelines_of(s, [j.id for j in jobs])
    per_stage: dict[int, int] = {}
    if jobs:
        for stage_id, n in s.exec(
            select(Application.stage_id, func.count(Application.id))
            .join(Job, Job.id == Application.job_id)
            .where(counted)
            .group_by(Application.stage_id)
        ):
            per_stage[stage_id] = n
    summaries = []
    for j in jobs:
        stages = pipelines[j.id].stages
        counts = {st.name: per_stage.get(st.id, 0) for st in stages}
        by_category = {c.value: 0 for c in Category}
        for st in stages:
            by_category[st.category] += per_stage.get(st.id, 0)
        summaries.append(
            JobSummary(
                job=job_view(j, company.name, stages=tuple(stage_view(st) for st in stages)),
                counts=counts,
                total=sum(counts.values()),
                by_category=by_category,
            )
        )
    return summaries
