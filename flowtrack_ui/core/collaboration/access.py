"""The application a staff member works on: only their company's; anyone else gets NotFound."""

from __future__ import annotations

from sqlmodel import Session, select

from ..db import existing
from ..errors import NotFound
from ..models import Application, Interview, Job
from ..permissions import Action, Principal, require
from ..scoping import company_application
from ..validation import object_id


def staff_application(s: Session, principal: Principal, application_id: object) -> tuple[Application, Job]:
    """The application and its job, for staff of the job's company who may view applications."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    app = company_application(s, principal, application_id)
    return app, existing(s, Job, app.job_id)


def staff_interview(
    s: Session, principal: Principal, interview_id: object
) -> tuple[Interview, Application, Job]:
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    interview_id = object_id(interview_id, "Interview id")
    row = s.exec(
        select(Interview, Application, Job)
        .join(Application, Application.id == Interview.application_id)
        .join(Job, Job.id == Application.job_id)
        .where(Interview.id == interview_id, Job.company_id == principal.company_id)
    ).first()
    if row is None:
        raise NotFound("Interview not found.")
    return row
