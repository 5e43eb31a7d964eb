"""Company scoping: another company's objects are answered as if they did not exist."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from . import validation
from .errors import NotFound
from .models import Application, Job
from .permissions import Principal

_JOBS = Job.__table__
_JOB_COMPANY = sa.select(_JOBS.c.company_id).where(_JOBS.c.id == sa.bindparam("job_id"))


def caller_company_job(company_id: int | None, principal: Principal) -> None:
    """The rule itself: a job is the caller's when its company is theirs (NotFound otherwise)."""
    if company_id is None or company_id != principal.company_id:
        raise NotFound("Job not found.")


def company_job(s: Session, principal: Principal, job_id: object) -> Job:
    """A job of the caller's company; another company's job is NotFound."""
    job_id = validation.object_id(job_id, "Job id")
    job = s.get(Job, job_id)
    caller_company_job(job.company_id if job is not None else None, principal)
    assert job is not None
    return job


def company_job_id(conn: Connection, principal: Principal, job_id: object) -> int:
    """``company_job``'s check alone, as one plain statement: the job's id if it is the caller's
    company's (NotFound otherwise). What an open page asks again on every change it is sent."""
    job_id = validation.object_id(job_id, "Job id")
    caller_company_job(conn.execute(_JOB_COMPANY, {"job_id": job_id}).scalar(), principal)
    return job_id


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
