"""A candidate applies to a job; `new_application` writes every new application with its first history row."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import notifications, validation
from ..analytics.sources import Source, classify
from ..db import Database, announce_application_change, announce_card_move, existing
from ..errors import Conflict, InvalidInput, NotFound
from ..models import (
    CLOSED,
    PUBLIC,
    Application,
    ApplicationHistory,
    CandidateProfile,
    Job,
    JobStage,
    ScreeningQuestion,
    posting_over,
)
from ..permissions import Action, Principal, require
from ..pipelines import moves, stage_stats
from ..pipelines.job_stages import pipeline_of
from ..pipelines.transitions import MoveKind
from ..talent import documents
from ..views import ApplicationView
from ..webhooks import events as webhook_events
from . import questions as screening


def application_view(app: Application, stage: str) -> ApplicationView:
    """The application as callers see it; ``stage`` is the name of its job stage (``stage_id``)."""
    return ApplicationView(
        id=app.id,
        job_id=app.job_id,
        candidate_id=app.candidate_id,
        stage=stage,
        version=app.version,
        created_at=app.created_at,
        updated_at=app.updated_at,
        stage_changed_at=app.stage_changed_at,
    )


MAX_COVER_LETTER = 10_000
CLOSED_JOB = "This job is closed and no longer takes applications. Thank you for your interest."


def apply(
    db: Database,
    principal: Principal,
    job_id: object,
    *,
    cover_letter: object = None,
    answers: object = None,
    source: Source = Source.CAREERS,
    source_tag: object = None,
) -> ApplicationView:
    """A candidate applies to an open job, once, with the answers to its screening questions.

    The candidate's current résumé is snapshotted onto the application. A missing required
    answer is refused (``MissingAnswers`` names each question). The first history entry has
    no old stage. Where it came from is recorded for the reports: the careers page, the API, or a
    shared link's ``?source=`` tag (``source_tag``).
    """
    require(principal, Action.APPLY)
    job_id = validation.object_id(job_id, "Job id")
    if source not in (Source.CAREERS, Source.API):
        raise InvalidInput("A candidate applies from the careers page, a shared link or the API.")
    source, tag = classify(source_tag, source)
    letter = validation.text(
        cover_letter, "Cover letter", max_len=MAX_COVER_LETTER, required=False, multiline=True
    )
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        job = open_job(s, job_id, now)
        questions = screening.for_job(s, job.id)
        checked_answers = screening.check_answers(questions, answers)
        # Locked (PostgreSQL) so a résumé replaced meanwhile cannot be deleted under the snapshot:
        # the replacement waits for this application, or this reads the new résumé.
        profile = s.exec(
            select(CandidateProfile).where(CandidateProfile.user_id == principal.user_id).with_for_update()
        ).first()
        exists = s.exec(
            select(Application.id).where(
                Application.job_id == job_id, Application.candidate_id == principal.user_id
            )
        ).first()
        if exists is not None:
            raise Conflict("You have already applied to this job.")
        app = new_application(
            s,
            job,
            principal.user_id,
            actor_id=principal.user_id,
            source=Source(source),
            source_detail=tag,
            cover_letter=letter or None,
            resume_file_id=profile.resume_file_id if profile else None,
            now=now,
            duplicate_message="You have already applied to this job.",
        )
        notifications.application_received(s, app)
        knocked_out = file_answers(s, db, app, job, questions, checked_answers)
        return knocked_out or application_view(app, existing(s, JobStage, app.stage_id).name)


def open_job(s: Session, job_id: int, now: datetime | None = None) -> Job:
    """A job that takes applications from candidates: published or unlisted, and not past its
    ``valid_through`` (``models.posting_over``, the careers site's rule too). One that was public
    and is over says so (Conflict); a draft or internal job is answered as if it did not exist."""
    job = s.get(Job, job_id)
    if job is None or job.status not in PUBLIC:
        if job is None or job.published_at is None or job.status != CLOSED:
            raise NotFound("Job not found.")
        raise Conflict(CLOSED_JOB)
    if posting_over(job, now or datetime.now(UTC)):
        raise Conflict(CLOSED_JOB)
    return job


def file_answers(
    s: Session,
    db: Database,
    app: Application,
    job: Job,
    questions: list[ScreeningQuestion],
    answers: list[screening.CheckedAnswer],
) -> ApplicationView | None:
    """Store an application's answers (checked by ``questions.check_answers``); when one of them
    disqualifies it, reject it at once with the rejection email held (``moves.knock_out``) and
    return where it is now. None when it goes on as it came."""
    for answer in answers:
        s.add(answer.row(app.id))
    knockouts = screening.disqualified_by(questions, answers)
    if not knockouts:
        return None
    named = "; ".join(f"“{a.prompt}”: {a.answer}" for a in knockouts)
    return moves.knock_out(s, db, app, job, f"Rejected automatically: a disqualifying answer ({named}).")


def new_application(
    s: Session,
    job: Job,
    candidate_id: int,
    *,
    actor_id: int,
    source: Source,
    now: datetime,
    duplicate_message: str,
    source_detail: str | None = None,
    cover_letter: str | None = None,
    resume_file_id: int | None = None,
) -> Application:
    """The application in the job's first stage and its first history row (no old stage, by
    ``actor_id``: the candidate, or the recruiter who added them); the company's search document
    follows in the same transaction, and the pages that show it hear of it after the commit."""
    pipeline = pipeline_of(s, job.id)
    first = pipeline.stages[0]
    app = Application(
        job_id=job.id,
        candidate_id=candidate_id,
        stage_id=first.id,
        version=1,
        stage_changed_at=now,
        created_at=now,
        updated_at=now,
        cover_letter=cover_letter,
        resume_file_id=resume_file_id,
        source=source.value,
        source_detail=source_detail,
    )
    s.add(app)
    try:
        s.flush()
    except IntegrityError:
        raise Conflict(duplicate_message) from None
    s.add(
        ApplicationHistory(
            application_id=app.id,
            old_stage=None,
            new_stage=first.name,
            new_stage_id=first.id,
            kind=MoveKind.APPLIED.value,
            changed_by_id=actor_id,
            changed_at=now,
            old_stage_entered_at=now,  # the application's created_at: no stage before the first
        )
    )
    s.flush()
    stage_stats.first_row(s.connection(), app.id, job.id, job.company_id)
    documents.refresh(s, job.company_id, candidate_id)
    webhook_events.application_event(
        s, job.company_id, webhook_events.APPLICATION_CREATED, application_id=app.id, job_id=job.id,
        candidate_id=candidate_id, now=now, stage=first.name, source=source.value,
    )  # fmt: skip
    announce_application_change(
        s, app.id, job_id=job.id, candidate_id=candidate_id, company_id=job.company_id, created=True
    )
    assert app.id is not None  # flushed above
    announce_card_move(s, job.id, moves.card_move(pipeline, app.id, None, first, None, now, 1))
    return app
