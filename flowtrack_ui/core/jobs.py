"""Use cases for jobs: post, edit, close, reopen, delete, list."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete as sa_delete
from sqlalchemy import or_
from sqlmodel import Session, select

from . import like, validation
from .applications import questions as screening
from .applications.questions import QuestionView
from .changes import company_topic, job_topic
from .collaboration.scorecards import parse_criteria
from .db import Database, announce
from .errors import InvalidInput, NotFound
from .models import CLOSED, OPEN, Application, Company, Job, JobStage
from .permissions import Action, Principal, require
from .pipelines import job_stages, templates
from .pipelines.definitions import parse_stages
from .scoping import company_job
from .views import JobView, StageView

JOB_STATUSES = (OPEN, CLOSED)


def job_view(
    job: Job, company_name: str, questions: Sequence[QuestionView] = (), stages: Sequence[StageView] = ()
) -> JobView:
    """A job as callers see it; questions and stages only where the caller reads the whole job."""
    return JobView(
        id=job.id,
        title=job.title,
        description=job.description,
        location=job.location,
        status=job.status,
        company_id=job.company_id,
        company_name=company_name,
        created_by_id=job.created_by_id,
        created_at=job.created_at,
        updated_at=job.updated_at,
        questions=tuple(questions),
        criteria=tuple(json.loads(job.scorecard_criteria or "[]")),
        stages=tuple(stages),
    )


def _with_questions(s: Session, job: Job, company_name: str) -> JobView:
    """The whole job: its questions and its pipeline's stages too."""
    stages = [job_stages.stage_view(st) for st in job_stages.pipeline_of(s, job.id).stages]
    return job_view(job, company_name, [screening.view(q) for q in screening.for_job(s, job.id)], stages)


def _fields(title: object, description: object, location: object) -> dict:
    return {
        "title": validation.text(title, "Title", max_len=200),
        "description": validation.text(
            description, "Description", max_len=10_000, required=False, multiline=True
        ),
        "location": validation.text(location, "Location", max_len=200, required=False),
    }


def _announce(s: Session, job: Job) -> None:
    announce(s, job_topic(job.id), company_topic(job.company_id))


def _company_name(s: Session, company_id: int) -> str:
    return s.get(Company, company_id).name


def create_job(
    db: Database,
    principal: Principal,
    title: str,
    description: str = "",
    location: str = "",
    questions: object = None,
    criteria: object = None,
    pipeline_template_id: object = None,
    stages: object = None,
) -> JobView:
    """A new open job of the caller's company, with its screening questions (a list of dicts),
    the criteria its interviewers rate, and its own pipeline: ``stages`` as given, else a copy of
    the company template ``pipeline_template_id``, else the default pipeline."""
    require(principal, Action.MANAGE_JOBS)
    values = _fields(title, description, location)
    definitions = screening.parse_definitions(questions)
    values["scorecard_criteria"] = json.dumps(parse_criteria(criteria))
    given = None if stages is None else parse_stages(stages)
    with db.session(write=True) as s:
        specs = given if given is not None else templates.specs_of(s, principal, pipeline_template_id)
        job = Job(company_id=principal.company_id, created_by_id=principal.user_id, status=OPEN, **values)
        s.add(job)
        s.flush()
        job_stages.create_for_job(s, job.id, specs)
        screening.replace_for_job(s, job.id, definitions)
        _announce(s, job)
        return _with_questions(s, job, _company_name(s, job.company_id))


def update_job(
    db: Database,
    principal: Principal,
    job_id: int,
    title: str,
    description: str = "",
    location: str = "",
    status: str | None = None,
    questions: object = None,
    criteria: object = None,
    stages: object = None,
) -> JobView:
    """Edit a job; ``questions``, ``criteria`` or ``stages`` None keeps them, a list replaces them.

    Stages are edited in place (``job_stages.replace_stages``): renamed, added, reordered, and
    removed only when no application is in them."""
    require(principal, Action.MANAGE_JOBS)
    values = _fields(title, description, location)
    if criteria is not None:
        values["scorecard_criteria"] = json.dumps(parse_criteria(criteria))
    if status is not None and status not in JOB_STATUSES:
        raise InvalidInput("Status must be open or closed.")
    definitions = None if questions is None else screening.parse_definitions(questions)
    with db.session(write=True) as s:
        job = company_job(s, principal, job_id)
        for key, value in values.items():
            setattr(job, key, value)
        if status is not None:
            job.status = status
        job.updated_at = datetime.now(UTC)
        s.add(job)
        s.flush()
        if definitions is not None:
            screening.replace_for_job(s, job.id, definitions)
        if stages is not None:
            job_stages.replace_stages(s, job.id, stages)
        _announce(s, job)
        return _with_questions(s, job, _company_name(s, job.company_id))


def set_job_status(db: Database, principal: Principal, job_id: int, status: str) -> JobView:
    """Close a job (no new applications; the board stays) or reopen it."""
    require(principal, Action.MANAGE_JOBS)
    if status not in JOB_STATUSES:
        raise InvalidInput("Status must be open or closed.")
    with db.session(write=True) as s:
        job = company_job(s, principal, job_id)
        job.status = status
        job.updated_at = datetime.now(UTC)
        s.add(job)
        s.flush()
        _announce(s, job)
        return job_view(job, _company_name(s, job.company_id))


def delete_job(db: Database, principal: Principal, job_id: int) -> str:
    """Deletes a job nobody applied to; a job with applications is closed instead, keeping them.

    Returns "deleted" or "closed".
    """
    require(principal, Action.MANAGE_JOBS)
    with db.session(write=True) as s:
        job = company_job(s, principal, job_id)
        has_apps = s.exec(select(Application.id).where(Application.job_id == job.id)).first()
        if has_apps is None:
            _announce(s, job)
            for q in screening.for_job(s, job.id):
                s.delete(q)
            s.flush()
            s.execute(sa_delete(JobStage).where(JobStage.job_id == job.id))
            s.delete(job)
            return "deleted"
        job.status = CLOSED
        job.updated_at = datetime.now(UTC)
        s.add(job)
        _announce(s, job)
        return "closed"


def _visible(principal: Principal | None):
    """Open jobs for everyone; staff also see their own company's closed jobs."""
    if principal is not None and principal.is_staff:
        return or_(Job.status == OPEN, Job.company_id == principal.company_id)
    return Job.status == OPEN


def list_jobs(
    db: Database, principal: Principal | None = None, limit: int = 50, offset: int = 0, search: str = ""
) -> list[JobView]:
    limit, offset = validation.paging(limit, offset)
    search = validation.text(search, "Search", max_len=100, required=False)
    with db.session() as s:
        query = select(Job, Company.name).join(Company, Company.id == Job.company_id)
        query = query.where(_visible(principal))
        if search:
            query = query.where(
                or_(
                    like.contains(Job.title, search),
                    like.contains(Company.name, search),
                    like.contains(Job.location, search),
                )
            )
        rows = s.exec(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)).all()
        pipelines = job_stages.pipelines_of(s, [job.id for job, _ in rows])
        return [
            job_view(job, name, stages=tuple(job_stages.stage_view(st) for st in pipelines[job.id].stages))
            for job, name in rows
        ]


def get_job(db: Database, principal: Principal | None, job_id: object) -> JobView:
    job_id = validation.object_id(job_id, "Job id")
    with db.session() as s:
        row = s.exec(
            select(Job, Company.name)
            .join(Company, Company.id == Job.company_id)
            .where(Job.id == job_id, _visible(principal))
        ).first()
        if row is None:
            raise NotFound("Job not found.")
        return _with_questions(s, *row)
