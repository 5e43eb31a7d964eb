"""Read-side use cases: the board, histories, the candidate's tracker, the overview.

Each runs a fixed number of queries whatever the number of applications.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import select

from . import like, validation
from .applications.applying import application_view
from .collaboration import scorecards
from .db import Database, existing
from .errors import NotFound
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
from .pipelines.moves import UNDO_SECONDS
from .pipelines.transitions import MoveKind, allowed_moves
from .scoping import company_application, company_job
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


def _knockouts(s, application_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The yes/no answers of these applications: what a recruiter scans a card for."""
    found: dict[int, list[tuple[str, str]]] = {}
    if not application_ids:
        return found
    rows = s.exec(
        select(ApplicationAnswer.application_id, ApplicationAnswer.prompt, ApplicationAnswer.answer)
        .where(ApplicationAnswer.application_id.in_(application_ids), ApplicationAnswer.kind == "yes_no")
        .order_by(ApplicationAnswer.application_id, ApplicationAnswer.position)
    ).all()
    for app_id, prompt, answer in rows:
        found.setdefault(app_id, []).append((prompt, answer))
    return found


def board(
    db: Database,
    principal: Principal,
    job_id: object,
    *,
    search: str = "",
    per_stage: int = DEFAULT_PER_STAGE,
) -> Board:
    """The kanban board of a job: per stage, the count and the most recently moved cards.

    A fixed number of queries: the job, the counts per stage, the cards (a window function keeps at
    most ``per_stage`` cards per column, so a 5,000-application job costs the same round trips),
    and the shown cards' yes/no answers, scorecard summaries and the company's tags.
    """
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    search = validation.text(search, "Search", max_len=100, required=False)
    per_stage = max(1, min(int(per_stage), MAX_PER_STAGE))
    now = datetime.now(UTC)
    with db.session() as s:
        job = company_job(s, principal, job_id)
        company_name = existing(s, Company, job.company_id).name
        pipeline = pipeline_of(s, job.id)
        base = (
            select(Application.stage_id, func.count(Application.id))
            .join(User, User.id == Application.candidate_id)
            .where(Application.job_id == job.id)
        )
        if search:
            base = _searchable(base).where(_search_filter(search))
        counts = dict(s.exec(base.group_by(Application.stage_id)).all())

        rank = (
            func.row_number()
            .over(
                partition_by=Application.stage_id,
                order_by=(Application.stage_changed_at.desc(), Application.id.desc()),
            )
            .label("rank")
        )
        inner = (
            sa_select(  # SQLModel's select() is typed for at most four columns
                Application.id,
                Application.candidate_id,
                Application.stage_id,
                Application.previous_stage_id,
                Application.version,
                Application.created_at,
                Application.stage_changed_at,
                User.full_name,
                User.email,
                CandidateProfile.headline,
                Application.resume_file_id,
                rank,
            )
            .join(User, User.id == Application.candidate_id)
            .outerjoin(CandidateProfile, CandidateProfile.user_id == Application.candidate_id)
            .where(Application.job_id == job.id)
        )
        if search:
            inner = _searchable(inner).where(_search_filter(search))
        sub = inner.subquery()
        rows = s.execute(sa_select(sub).where(sub.c.rank <= per_stage).order_by(sub.c.rank)).all()
        knockouts = _knockouts(s, [r.id for r in rows])
        verdicts = scorecards.summaries(s, principal, [r.id for r in rows])
        labels = tags_by_candidate(s, job.company_id, list({r.candidate_id for r in rows}))

    by_stage: dict[int, list[Card]] = {st.id: [] for st in pipeline.stages}
    for r in rows:
        changed = _aware(r.stage_changed_at)
        current = pipeline.by_id(r.stage_id)
        if current is None:  # cannot happen: a stage holding applications is never removed
            continue
        moves = allowed_moves(pipeline, current, pipeline.by_id(r.previous_stage_id))
        by_stage[current.id].append(
            Card(
                id=r.id,
                candidate_id=r.candidate_id,
                candidate_name=r.full_name,
                candidate_email=r.email,
                stage=current.name,
                version=r.version,
                applied_at=_aware(r.created_at),
                stage_changed_at=changed,
                days_in_stage=max(0, (now - changed).days),
                allowed_next=tuple(m.target.name for m in moves),
                moves=tuple(MoveOption(m.target.name, m.kind.value, m.reason.value, m.asks) for m in moves),
                category=current.category,
                headline=r.headline or "",
                has_resume=r.resume_file_id is not None,
                knockouts=tuple(knockouts.get(r.id, ())),
                scorecards=verdicts.get(r.id, ""),
                tags=tuple(labels.get(r.candidate_id, ())),
            )
        )
    columns = tuple(
        Column(stage=st.name, count=counts.get(st.id, 0), cards=tuple(by_stage[st.id]), category=st.category)
        for st in pipeline.stages
    )
    return Board(
        job=job_view(job, company_name, stages=tuple(stage_view(st) for st in pipeline.stages)),
        columns=columns,
        total=sum(counts.values()),
        search=search,
    )


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
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    with db.session() as s:
        company = s.get(Company, principal.company_id)
        if company is None:
            raise NotFound("Company not found.")
        jobs = s.exec(
            select(Job)
            .where(Job.company_id == company.id)
            .order_by(Job.status.desc(), Job.created_at.desc(), Job.id.desc())
        ).all()
        pipelines = pipelines_of(s, [j.id for j in jobs])
        per_stage: dict[int, int] = {}
        if jobs:
            for stage_id, n in s.exec(
                select(Application.stage_id, func.count(Application.id))
                .join(Job, Job.id == Application.job_id)
                .where(Job.company_id == company.id)
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
