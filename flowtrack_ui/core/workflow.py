"""Use cases that create or move applications; each writes its history row in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from . import notifications, validation
from . import questions as screening
from .changes import candidate_topic, company_topic, job_topic
from .db import Database, announce
from .errors import ConcurrentUpdate, Conflict, InvalidTransition, NotFound
from .models import Application, ApplicationHistory, CandidateProfile, Job
from .permissions import Action, Principal, require
from .stages import Stage, allowed_next, can_move
from .views import ApplicationView

MAX_NOTE = 2000


def application_view(app: Application) -> ApplicationView:
    return ApplicationView(
        id=app.id,
        job_id=app.job_id,
        candidate_id=app.candidate_id,
        stage=app.stage,
        version=app.version,
        created_at=app.created_at,
        updated_at=app.updated_at,
        stage_changed_at=app.stage_changed_at,
    )


def _announce(s: Session, app: Application, company_id: int) -> None:
    """Open boards of the job, the candidate's tracker and the company overview re-read."""
    announce(s, job_topic(app.job_id), candidate_topic(app.candidate_id), company_topic(company_id))


def company_application(s: Session, principal: Principal, application_id: object) -> Application:
    """An application of the caller's company; any other is NotFound."""
    application_id = validation.object_id(application_id, "Application id")
    row = s.exec(
        select(Application)
        .join(Job, Job.id == Application.job_id)
        .where(Application.id == application_id, Job.company_id == principal.company_id)
    ).first()
    if row is None:
        raise NotFound("Application not found.")
    return row


MAX_COVER_LETTER = 10_000


def apply(
    db: Database,
    principal: Principal,
    job_id: object,
    *,
    cover_letter: object = None,
    answers: object = None,
) -> ApplicationView:
    """A candidate applies to an open job, once, with the answers to its screening questions.

    The candidate's current résumé is snapshotted onto the application. A missing required
    answer is refused (``MissingAnswers`` names each question). The first history entry has
    no old stage.
    """
    require(principal, Action.APPLY)
    job_id = validation.object_id(job_id, "Job id")
    letter = validation.text(
        cover_letter, "Cover letter", max_len=MAX_COVER_LETTER, required=False, multiline=True
    )
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        job = s.get(Job, job_id)
        if job is None or job.status != "open":
            if job is None:
                raise NotFound("Job not found.")
            raise Conflict("This job is closed and no longer takes applications.")
        checked_answers = screening.check_answers(screening.for_job(s, job.id), answers)
        profile = s.get(CandidateProfile, principal.user_id)
        exists = s.exec(
            select(Application.id).where(
                Application.job_id == job_id, Application.candidate_id == principal.user_id
            )
        ).first()
        if exists is not None:
            raise Conflict("You have already applied to this job.")
        app = Application(
            job_id=job_id,
            candidate_id=principal.user_id,
            stage=Stage.APPLIED,
            version=1,
            stage_changed_at=now,
            created_at=now,
            updated_at=now,
            cover_letter=letter or None,
            resume_file_id=profile.resume_file_id if profile else None,
        )
        s.add(app)
        try:
            s.flush()
        except IntegrityError:
            raise Conflict("You have already applied to this job.") from None
        for answer in checked_answers:
            answer.application_id = app.id
            s.add(answer)
        s.add(
            ApplicationHistory(
                application_id=app.id,
                old_stage=None,
                new_stage=Stage.APPLIED,
                changed_by_id=principal.user_id,
                changed_at=now,
            )
        )
        notifications.application_received(s, app)
        _announce(s, app, job.company_id)
        return application_view(app)


def move_stage(
    db: Database,
    principal: Principal,
    application_id: object,
    new_stage: object,
    *,
    expected_stage: object = None,
    note: object = None,
) -> ApplicationView:
    """Move an application to ``new_stage``.

    Refuses moves the transition table does not allow (naming the allowed stages). With
    ``expected_stage`` the caller states what it saw; if the application has moved since, the
    move is refused as a conflict. The stage change is a conditional UPDATE on ``version``, so of
    two racing moves exactly one wins, and the history row is written in the same transaction.
    """
    require(principal, Action.MOVE_STAGE)
    target = validation.stage(new_stage)
    expected = None if expected_stage in (None, "") else validation.stage(expected_stage)
    note_text = validation.text(note, "Note", max_len=MAX_NOTE, required=False, multiline=True) or None
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        app = company_application(s, principal, application_id)
        current = Stage(app.stage)
        if expected is not None and expected != current:
            raise ConcurrentUpdate(current)
        if not can_move(current, target):
            raise InvalidTransition(current, target, [x.value for x in allowed_next(current)])
        result = s.execute(
            update(Application)
            .where(Application.id == app.id, Application.version == app.version)
            .values(
                stage=target,
                version=Application.version + 1,
                stage_changed_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            s.rollback()
            with db.session() as fresh:
                latest = fresh.get(Application, app.id)
            raise ConcurrentUpdate(latest.stage)
        s.add(
            ApplicationHistory(
                application_id=app.id,
                old_stage=current,
                new_stage=target,
                changed_by_id=principal.user_id,
                changed_at=now,
                note=note_text,
            )
        )
        notifications.stage_changed(s, app, target)
        _announce(s, app, principal.company_id)
        return ApplicationView(
            id=app.id,
            job_id=app.job_id,
            candidate_id=app.candidate_id,
            stage=target.value,
            version=app.version + 1,
            created_at=app.created_at,
            updated_at=now,
            stage_changed_at=now,
        )
