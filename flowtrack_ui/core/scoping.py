"""Company scoping: another company's objects are answered as if they did not exist."""

from __future__ import annotations

from sqlmodel import Session, select

from . import validation
from .errors import NotFound
from .models import Application, Job
from .permissions import Principal


def company_job(s: Session, principal: Principal, job_id: object) -> Job:
    """A job of the caller's company; another company's job is NotFound."""
    job_id = validation.object_id(job_id, "Job id")
    job = s.get(Job, job_id)
    if job is None or job.company_id != principal.company_id:
        raise NotFound("Job not found.")
    return job


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
