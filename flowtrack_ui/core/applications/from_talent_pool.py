"""Bringing a past candidate into another job of the company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import select

from .. import notifications, validation
from ..analytics.sources import Source
from ..db import Database, existing
from ..errors import Conflict
from ..models import TAKES_APPLICATIONS, Application, Job, JobStage
from ..permissions import Action, Principal, require
from ..scoping import company_job
from ..talent.access import company_candidate
from ..views import ApplicationView
from .applying import application_view, new_application


@dataclass(frozen=True)
class AddableJob:
    id: int
    title: str


def jobs_to_add_to(db: Database, principal: Principal, candidate_id: object) -> list[AddableJob]:
    """The company's jobs this candidate can be added to: taking applications and not already
    holding one of theirs (in any stage) — what ``add_to_job`` accepts, so a picker offers no job
    it would refuse. Newest first."""
    require(principal, Action.USE_TALENT_POOL)
    with db.session() as s:
        user = company_candidate(s, principal, candidate_id)
        theirs = select(Application.job_id).where(Application.candidate_id == user.id)
        rows = s.exec(
            select(Job.id, Job.title)
            .where(
                Job.company_id == principal.company_id,
                Job.status.in_(TAKES_APPLICATIONS),
                Job.id.not_in(theirs),
            )
            .order_by(Job.created_at.desc(), Job.id.desc())
        ).all()
    return [AddableJob(job_id, title) for job_id, title in rows]


def add_to_job(db: Database, principal: Principal, candidate_id: object, job_id: object) -> ApplicationView:
    """A recruiter adds a candidate of the company to one of its open jobs.

    The application starts in the job's first stage; its first history row names the recruiter;
    its source is "talent pool"; it carries the résumé the company last received from the
    candidate (never one sent only to another company); the candidate is told by email.
    """
    require(principal, Action.USE_TALENT_POOL)
    job_id = validation.object_id(job_id, "Job id")
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        user = company_candidate(s, principal, candidate_id)
        job = company_job(s, principal, job_id)
        if job.status not in TAKES_APPLICATIONS:
            raise Conflict(f"“{job.title}” is {job.status}; publish it before adding candidates.")
        latest_resume = s.exec(
            select(Application.resume_file_id)
            .join(Job, Job.id == Application.job_id)
            .where(
                Application.candidate_id == user.id,
                Job.company_id == principal.company_id,
                Application.resume_file_id.is_not(None),
            )
            .order_by(Application.created_at.desc(), Application.id.desc())
            .limit(1)
        ).first()
        app = new_application(
            s,
            job,
            user.id,
            actor_id=principal.user_id,
            source=Source.TALENT_POOL,
            resume_file_id=latest_resume,
            now=now,
            duplicate_message=f"{user.full_name} already has an application for “{job.title}”.",
        )
        notifications.added_from_talent_pool(s, app)
        return application_view(app, existing(s, JobStage, app.stage_id).name)
