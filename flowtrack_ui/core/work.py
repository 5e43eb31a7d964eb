"""A staff member's "My work": what waits for them today, computed in a few SQL queries.

- interviews today and upcoming that they interview in or scheduled;
- scorecards due: interviews that ended where they are an interviewer and sent none;
- @mentions of them in notes not read yet (``NoteMention`` rows written by collaboration/notes.py,
  read when they open the application or mark them read);
- applications waiting in a stage longer than its target days (``JobStage.target_days``).
- candidates' replies not read yet, for recruiters (``InboundUnread`` rows written by
  mail/inbound.py, read when they open the application's conversation).

Also the scorecard reminder: the morning after an interview ended (08:00 in the interviewer's
zone), one email to each interviewer whose scorecard is missing, sent once (``reminded_at``).
Everything is scoped to the caller's company in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from . import notifications, time_zones, validation
from .db import Database
from .errors import NotFound
from .models import (
    Application,
    ApplicationNote,
    Company,
    InboundEmail,
    InboundUnread,
    Interview,
    InterviewInterviewer,
    Job,
    JobStage,
    NoteMention,
    Scorecard,
    User,
)
from .offers.reading import OfferToApprove, awaiting_approval
from .permissions import Action, Principal, require
from .pipelines.categories import TERMINAL
from .scoping import company_application

MAX_ROWS = 100  # per list: a to-do list, not a report
EXCERPT = 240
REMIND_AT = time(8, 0)  # the interviewer's local time, the morning after the interview
# An interview that ended longer ago than this gets no reminder (say, when reminders are first
# switched on over old data): the reminder is about yesterday's interview, not last year's.
REMIND_WITHIN = timedelta(days=7)
SCHEDULED = "scheduled"


@dataclass(frozen=True)
class WorkInterview:
    interview_id: int
    application_id: int
    job_title: str
    candidate_name: str
    starts_at: datetime
    duration_minutes: int
    when: str  # in the interview's zone, and the caller's when it differs
    location: str
    video_url: str
    today: bool  # today in the caller's zone
    interviewing: bool  # False: the caller scheduled it without interviewing


@dataclass(frozen=True)
class ScorecardDue:
    interview_id: int
    application_id: int
    job_title: str
    candidate_name: str
    ended_at: datetime
    when: str


@dataclass(frozen=True)
class Mention:
    note_id: int
    application_id: int
    job_title: str
    candidate_name: str
    author_name: str
    excerpt: str
    created_at: datetime


@dataclass(frozen=True)
class Reply:
    """A reply in a conversation the caller has not read yet."""

    inbound_id: int
    application_id: int
    job_title: str
    candidate_name: str
    kind: str  # reply, bounce, auto_reply
    subject: str
    excerpt: str
    received_at: datetime


@dataclass(frozen=True)
class Overdue:
    application_id: int
    job_id: int
    job_title: str
    candidate_name: str
    stage: str
    days_in_stage: int
    target_days: int
    since: datetime | None = None  # when it entered the stage: the list's order


@dataclass(frozen=True)
class Work:
    time_zone: str  # the zone the lists were made for (the caller's, else UTC)
    interviews: tuple[WorkInterview, ...]
    scorecards_due: tuple[ScorecardDue, ...]
    mentions: tuple[Mention, ...]
    overdue: tuple[Overdue, ...]
    # Candidate replies (and bounces, automatic replies) not read yet by the caller.
    replies: tuple[Reply, ...] = ()
    # Offers whose approval is the caller's turn (offers/reading.py).
    offers_to_approve: tuple[OfferToApprove, ...] = ()


def _interviews(s: Session, p: Principal, zone: str, now: datetime) -> tuple[WorkInterview, ...]:
    today = time_zones.now_in(zone, now).date()
    day_start = datetime.combine(today, time(0), time_zones.zone(zone)).astimezone(UTC)
    candidate = aliased(User)
    mine = sa.exists().where(
        InterviewInterviewer.interview_id == Interview.id, InterviewInterviewer.user_id == p.user_id
    )
    rows = s.exec(
        select(Interview, Job.title, candidate.full_name, mine.label("mine"))
        .join(Application, Application.id == Interview.application_id)
        .join(Job, Job.id == Application.job_id)
        .join(candidate, candidate.id == Application.candidate_id)
        .where(
            Job.company_id == p.staff_company_id,
            Interview.status == SCHEDULED,
            Interview.starts_at >= day_start,
            sa.or_(mine, Interview.scheduled_by_id == p.user_id),
        )
        .order_by(Interview.starts_at, Interview.id)
        .limit(MAX_ROWS)
    ).all()
    return tuple(
        WorkInterview(
            interview_id=interview.id,
            application_id=interview.application_id,
            job_title=title,
            candidate_name=name,
            starts_at=interview.starts_at,
            duration_minutes=interview.duration_minutes,
            when=time_zones.describe(interview.starts_at, interview.timezone, zone),
            location=interview.location,
            video_url=interview.video_url,
            today=interview.starts_at.astimezone(time_zones.zone(zone)).date() == today,
            interviewing=bool(interviewing),
        )
        for interview, title, name, interviewing in rows
    )


def _missing_scorecards(user_id: int | None = None):
    """(interview, interviewer) rows of scheduled interviews begun before now without the
    interviewer's scorecard; the caller filters on the interview's end."""
    candidate = aliased(User)
    no_card = ~sa.exists().where(
        Scorecard.interview_id == InterviewInterviewer.interview_id,
        Scorecard.interviewer_id == InterviewInterviewer.user_id,
    )
    query = (
        sa.select(Interview, InterviewInterviewer, Application, Job, candidate.full_name)
        .join(InterviewInterviewer, InterviewInterviewer.interview_id == Interview.id)
        .join(Application, Application.id == Interview.application_id)
        .join(Job, Job.id == Application.job_id)
        .join(candidate, candidate.id == Application.candidate_id)
        .where(Interview.status == SCHEDULED, no_card)
    )
    if user_id is not None:
        query = query.where(InterviewInterviewer.user_id == user_id)
    return query


def _ended(interview: Interview) -> datetime:
    return interview.starts_at + timedelta(minutes=interview.duration_minutes)


def _scorecards_due(s: Session, p: Principal, zone: str, now: datetime) -> tuple[ScorecardDue, ...]:
    rows = s.execute(
        _missing_scorecards(p.user_id)
        .where(Job.company_id == p.staff_company_id, Interview.starts_at <= now)
        .order_by(Interview.starts_at.desc(), Interview.id.desc())
        .limit(MAX_ROWS)
    ).all()
    return tuple(
        ScorecardDue(
            interview_id=interview.id,
            application_id=app.id,
            job_title=job.title,
            candidate_name=name,
            ended_at=_ended(interview),
            when=time_zones.describe(interview.starts_at, interview.timezone, zone),
        )
        for interview, _row, app, job, name in rows
        if _ended(interview) <= now
    )


def _mentions(s: Session, p: Principal) -> tuple[Mention, ...]:
    candidate, author = aliased(User), aliased(User)
    rows = s.execute(
        sa.select(ApplicationNote, Application.id, Job.title, candidate.full_name, author.full_name)
        .join(NoteMention, NoteMention.note_id == ApplicationNote.id)
        .join(Application, Application.id == ApplicationNote.application_id)
        .join(Job, Job.id == Application.job_id)
        .join(candidate, candidate.id == Application.candidate_id)
        .join(author, author.id == ApplicationNote.author_id)
        .where(
            NoteMention.user_id == p.user_id,
            NoteMention.read_at.is_(None),
            Job.company_id == p.staff_company_id,
        )
        .order_by(ApplicationNote.id.desc())
        .limit(MAX_ROWS)
    ).all()
    return tuple(
        Mention(
            note_id=note.id,
            application_id=app_id,
            job_title=title,
            candidate_name=name,
            author_name=writer,
            excerpt=note.body if len(note.body) <= EXCERPT else note.body[: EXCERPT - 1] + "…",
            created_at=note.created_at,
        )
        for note, app_id, title, name, writer in rows
    )


def _replies(s: Session, p: Principal) -> tuple[Reply, ...]:
    candidate = aliased(User)
    rows = s.execute(
        sa.select(InboundEmail, Application.id, Job.title, candidate.full_name)
        .join(InboundUnread, InboundUnread.inbound_id == InboundEmail.id)
        .join(Application, Application.id == InboundEmail.application_id)
        .join(Job, Job.id == Application.job_id)
        .join(candidate, candidate.id == Application.candidate_id)
        .where(
            InboundUnread.user_id == p.user_id,
            InboundUnread.read_at.is_(None),  # type: ignore[union-attr]
            Job.company_id == p.staff_company_id,
        )
        .order_by(InboundEmail.id.desc())  # type: ignore[union-attr]
        .limit(MAX_ROWS)
    ).all()
    return tuple(
        Reply(
            inbound_id=row.id or 0,
            application_id=app_id,
            job_title=title,
            candidate_name=name,
            kind=row.kind,
            subject=row.subject,
            excerpt=row.body_text if len(row.body_text) <= EXCERPT else row.body_text[: EXCERPT - 1] + "…",
            received_at=row.received_at,
        )
        for row, app_id, title, name in rows
    )


def _overdue(s: Session, p: Principal, now: datetime) -> tuple[Overdue, ...]:
    """Applications that have waited in their stage longer than its target, longest first. The
    company's stages use a handful of distinct targets: one condition per target keeps the date
    arithmetic portable (a bound computed here, not by the engine) and the filter in SQL."""
    targets = s.exec(
        select(JobStage.target_days)
        .join(Job, Job.id == JobStage.job_id)
        .where(Job.company_id == p.staff_company_id, JobStage.target_days.is_not(None))
        .distinct()
    ).all()
    if not targets:
        return ()
    past_target = sa.or_(
        *(
            sa.and_(JobStage.target_days == days, Application.stage_changed_at < now - timedelta(days=days))
            for days in targets
            if days is not None
        )
    )
    rows = s.exec(
        _waiting(p).where(past_target).order_by(Application.stage_changed_at, Application.id).limit(MAX_ROWS)
    ).all()
    return tuple(_overdue_row(app, title, stage, name, now) for app, title, stage, name in rows)


def _waiting(p: Principal):
    """The company's applications in a stage in progress, with what an overdue row shows: the one
    query of the overdue list and of ``overdue_among``."""
    candidate = aliased(User)
    return (
        select(Application, Job.title, JobStage, candidate.full_name)
        .join(Job, Job.id == Application.job_id)
        .join(JobStage, JobStage.id == Application.stage_id)
        .join(candidate, candidate.id == Application.candidate_id)
        .where(Job.company_id == p.staff_company_id, JobStage.category.not_in([c.value for c in TERMINAL]))
    )


def _overdue_row(app: Application, title: str, stage: JobStage, name: str, now: datetime) -> Overdue:
    return Overdue(
        app.id,
        app.job_id,
        title,
        name,
        stage.name,
        (now - app.stage_changed_at).days,
        stage.target_days or 0,
        app.stage_changed_at,
    )


def overdue(db: Database, principal: Principal, now: datetime | None = None) -> tuple[Overdue, ...]:
    """The overdue list alone: what My work reads again when a card leaves a full list (the
    next one waiting is not among the cards it holds)."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    with db.session() as s:
        return _overdue(s, principal, now or datetime.now(UTC))


def overdue_among(
    db: Database, principal: Principal, application_ids: Iterable[int], now: datetime | None = None
) -> tuple[Overdue, ...]:
    """Which of these applications (of the caller's company) wait past their stage's target,
    by the overdue list's rule, in its order: a stage move changes only the moved card's place in
    that list, so My work checks the moved cards in one statement instead of reading every list."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    ids = sorted({int(i) for i in application_ids})
    if not ids:
        return ()
    now = now or datetime.now(UTC)
    with db.session() as s:
        rows = s.exec(
            _waiting(principal).where(col(Application.id).in_(ids), JobStage.target_days.is_not(None))
        ).all()
    found = [
        _overdue_row(app, title, stage, name, now)
        for app, title, stage, name in rows
        if app.stage_changed_at < now - timedelta(days=stage.target_days or 0)
    ]
    found.sort(key=lambda o: (o.since, o.application_id))
    return tuple(found)


def my_work(db: Database, principal: Principal, now: datetime | None = None) -> Work:
    """The caller's lists (staff only; a candidate is refused), in the caller's time zone."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    now = now or datetime.now(UTC)
    with db.session() as s:
        zone = time_zones.entry_zone(s, principal.user_id)
        return Work(
            time_zone=zone,
            interviews=_interviews(s, principal, zone, now),
            scorecards_due=_scorecards_due(s, principal, zone, now),
            mentions=_mentions(s, principal),
            overdue=_overdue(s, principal, now),
            offers_to_approve=awaiting_approval(s, principal),
            replies=_replies(s, principal),
        )


def next_clock_change(mine: Work, now: datetime) -> datetime:
    """When a fresh read of these lists would next differ with nothing else changed: an interview
    the caller interviews in ends (its scorecard falls due), or the caller's day turns (today's
    interviews, and the days counted in a stage). An open My work reads again then: a wake of
    stage moves alone no longer reads every list."""
    local = time_zones.now_in(mine.time_zone, now)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), time_zones.zone(mine.time_zone))
    ends = (i.starts_at + timedelta(minutes=i.duration_minutes) for i in mine.interviews if i.interviewing)
    return min([midnight.astimezone(UTC), *(end for end in ends if end > now)])


def _unread(application_id: int | None, note_id: int | None, user_id: int):
    notes = select(ApplicationNote.id)
    if application_id is not None:
        notes = notes.where(ApplicationNote.application_id == application_id)
    if note_id is not None:
        notes = notes.where(ApplicationNote.id == note_id)
    return sa.and_(
        NoteMention.user_id == user_id,
        NoteMention.read_at.is_(None),
        NoteMention.note_id.in_(notes),  # type: ignore[attr-defined]
    )


def read_mentions_of(db: Database, principal: Principal, application_id: object) -> int:
    """The caller opened an application: their mentions in its notes are read. Returns how many
    were unread (the write happens only when some are)."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    with db.session() as s:
        app = company_application(s, principal, application_id)
        unread = s.exec(select(sa.func.count()).where(_unread(app.id, None, principal.user_id))).one()
    if not unread:
        return 0
    with db.session(write=True) as s:
        s.execute(
            sa.update(NoteMention)
            .where(_unread(app.id, None, principal.user_id))
            .values(read_at=datetime.now(UTC))
        )
    return int(unread)


def read_mention(db: Database, principal: Principal, note_id: object) -> None:
    """ "Mark read" on one mention of the caller; a note that does not mention them is not found."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    note_id = validation.object_id(note_id, "Note id")
    with db.session(write=True) as s:
        row = s.exec(
            select(NoteMention)
            .join(ApplicationNote, ApplicationNote.id == NoteMention.note_id)
            .join(Application, Application.id == ApplicationNote.application_id)
            .join(Job, Job.id == Application.job_id)
            .where(
                NoteMention.note_id == note_id,
                NoteMention.user_id == principal.user_id,
                Job.company_id == principal.staff_company_id,
            )
        ).first()
        if row is None:
            raise NotFound("Mention not found.")
        if row.read_at is None:
            row.read_at = datetime.now(UTC)
            s.add(row)


def reminder_due_at(ended_at: datetime, zone_name: str | None) -> datetime:
    """08:00 in the interviewer's zone (UTC when unknown) on the day after the interview ended."""
    tz = time_zones.zone(zone_name or time_zones.UTC_NAME)
    next_day = ended_at.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(next_day, REMIND_AT, tz).astimezone(UTC)


def send_scorecard_reminders(db: Database, now: datetime | None = None) -> int:
    """One pass of the sender: queue each reminder that is due and not sent; returns how many.

    Idempotent and safe beside another sender: a reminder is queued only by the conditional
    UPDATE that sets its ``reminded_at`` (the other pass's UPDATE then matches nothing), in the
    same transaction as the email.
    """
    now = now or datetime.now(UTC)
    interviewer = aliased(User)
    with db.session() as s:
        rows = s.execute(
            _missing_scorecards()
            .add_columns(interviewer)
            .join(interviewer, interviewer.id == InterviewInterviewer.user_id)
            .where(
                InterviewInterviewer.reminded_at.is_(None),
                Interview.starts_at <= now,
                Interview.starts_at >= now - REMIND_WITHIN - timedelta(days=1),
                interviewer.is_active,
                interviewer.erased_at.is_(None),
                interviewer.company_id == Job.company_id,
            )
            .order_by(Interview.id)
        ).all()
    due = [
        (interview.id, person.id)
        for interview, _row, _app, _job, _name, person in rows
        if now - REMIND_WITHIN <= _ended(interview)
        and reminder_due_at(_ended(interview), time_zones.own_zone(person)) <= now
    ]
    sent = 0
    for interview_id, user_id in due:
        with db.session(write=True) as s:
            claimed = s.exec(
                sa.update(InterviewInterviewer)
                .where(
                    InterviewInterviewer.interview_id == interview_id,
                    InterviewInterviewer.user_id == user_id,
                    InterviewInterviewer.reminded_at.is_(None),
                )
                .values(reminded_at=now)
            ).rowcount
            if claimed != 1:
                continue
            row = s.execute(
                _missing_scorecards(user_id)
                .add_columns(Company.name)
                .join(Company, Company.id == Job.company_id)
                .where(Interview.id == interview_id)
            ).first()
            person = s.get(User, user_id)
            if row is None or person is None:  # scored or cancelled meanwhile: nothing to remind
                continue
            interview, _row, app, job, name, company = row
            notifications.scorecard_reminder(
                s,
                person,
                app.id,
                interview.id,
                {
                    "candidate_name": name,
                    "job_title": job.title,
                    "company": company,
                    "when": time_zones.describe(
                        interview.starts_at,
                        interview.timezone,
                        time_zones.own_zone(person) or time_zones.UTC_NAME,
                    ),
                },
            )
            sent += 1
    return sent
