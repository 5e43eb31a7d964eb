"""What a template's variables hold for one email: read from an application, or a sample for the
editor's preview. Only candidate-facing words: never an internal stage name, note or reason."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from .. import prebuilt
from ..models import Application, Company, Job, JobStage, User
from ..settings import get_settings


def public_stage_name(category: str) -> str:
    """A stage as candidates read it, by its category (the tracker's words: "Screening", "Offer"):
    jobs name their stages freely and for themselves, so the name is never shown to candidates."""
    return category.capitalize()


@dataclass(frozen=True)
class Interview:
    when: str
    duration_minutes: int
    location: str


def first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] if parts else full_name


def make(
    *,
    candidate_name: str,
    job_title: str,
    company_name: str,
    company_slug: str,
    recruiter_name: str,
    tracker_link: str,
    stage_category: str | None = None,
    interview: Interview | None = None,
    scheduling_link: str = "",
) -> dict[str, str]:
    """The variables of an email (mail/render.VARIABLES), by dotted name."""
    base = get_settings().public_url
    values = {
        "candidate.first_name": first_name(candidate_name),
        "candidate.full_name": candidate_name,
        "job.title": job_title,
        "company.name": company_name,
        "recruiter.name": recruiter_name,
        "links.tracker": tracker_link,
        "links.careers": f"{base}/careers/{company_slug}",
        # A self-scheduling email's link (scheduling/links.py); an example one elsewhere (previews).
        "links.scheduling": scheduling_link or f"{base}/schedule/example",
    }
    if stage_category is not None:
        values["stage.public_name"] = public_stage_name(stage_category)
        values["stage.category"] = stage_category
    if interview is not None:
        values["interview.when"] = interview.when
        values["interview.duration_minutes"] = str(interview.duration_minutes)
        values["interview.location"] = interview.location
    return values


@dataclass(frozen=True)
class JobSide:
    """The job's company and who signs for it."""

    company_id: int
    company_name: str
    company_slug: str
    recruiter_name: str


_JOBS, _COMPANIES, _USERS = Job.__table__, Company.__table__, User.__table__
# Read by every email about an application (a rejection's among them): built once, run as plain SQL.
_JOB_SIDE = (
    sa.select(
        _COMPANIES.c.id,
        _COMPANIES.c.name,
        _COMPANIES.c.slug,
        _USERS.c.full_name,
        _USERS.c.is_active,
        _USERS.c.erased_at,
    )
    .select_from(_JOBS)
    .join(_COMPANIES, _COMPANIES.c.id == _JOBS.c.company_id)
    .join(_USERS, _USERS.c.id == _JOBS.c.created_by_id)
    .where(_JOBS.c.id == sa.bindparam("job_id"))
)


def job_side(s: Session, job_id: int) -> JobSide:
    """One query: the company of a job and the name of who posted it; a poster who left or was
    erased is not named (the company's hiring team signs instead)."""
    company_id, company_name, slug, poster, active, erased_at = prebuilt.execute_flushed(
        s, _JOB_SIDE, {"job_id": job_id}
    ).one()
    recruiter = poster if active and erased_at is None else f"The {company_name} hiring team"
    return JobSide(company_id, company_name, slug, recruiter)


def tracker_link() -> str:
    return get_settings().public_url + "/my-applications"


def for_application(s: Session, application_id: int) -> dict[str, str]:
    """The variables for an application as it is now (the editor's preview on a real one)."""
    app, job, stage, candidate = s.exec(
        select(Application, Job, JobStage, User)
        .join(Job, Job.id == Application.job_id)
        .join(JobStage, JobStage.id == Application.stage_id)
        .join(User, User.id == Application.candidate_id)
        .where(Application.id == application_id)
    ).one()
    side = job_side(s, job.id)
    return make(
        candidate_name=candidate.full_name,
        job_title=job.title,
        company_name=side.company_name,
        company_slug=side.company_slug,
        recruiter_name=side.recruiter_name,
        tracker_link=tracker_link(),
        stage_category=stage.category,
        interview=SAMPLE_INTERVIEW,
    ) | ({"stage.public_name": stage.public_name} if stage.public_name else {})


# The preview's example interview (an application may have none, or several).
SAMPLE_INTERVIEW = Interview("Tuesday 12 May 2026, 10:00 Europe/Berlin", 45, "Room 2, 1 Main Street")


def sample(s: Session, company_id: int, recruiter_name: str) -> dict[str, str]:
    """The editor's preview before an application is chosen: an example candidate for the company."""
    company = s.get(Company, company_id)
    assert company is not None
    return make(
        candidate_name="Alex Example",
        job_title="Product Designer",
        company_name=company.name,
        company_slug=company.slug,
        recruiter_name=recruiter_name,
        tracker_link=tracker_link(),
        stage_category="interview",
        interview=SAMPLE_INTERVIEW,
    )
