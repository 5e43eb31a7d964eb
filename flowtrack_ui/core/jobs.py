"""Use cases for jobs: post, edit, publish or close, delete, list; who sees a job in which status."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import delete as sa_delete
from sqlalchemy import or_
from sqlmodel import Session, select

from . import like, validation
from .applications import questions as screening
from .applications.questions import QuestionView
from .changes import company_topic, job_topic
from .collaboration.scorecards import parse_criteria
from .db import Database, announce, existing
from .errors import InvalidInput, NotFound
from .models import (
    CLOSED,
    EMPLOYMENT_TYPES,
    JOB_STATUSES,
    PUBLIC,
    PUBLISHED,
    SALARY_PERIODS,
    WORKPLACES,
    Application,
    Company,
    Job,
    JobStage,
)
from .permissions import Action, Principal, may, require
from .pipelines import job_stages, templates
from .pipelines.definitions import parse_stages
from .scoping import company_job
from .views import JobView, StageView

MAX_DESCRIPTION = 20_000
MAX_SALARY = 1_000_000_000
MAX_KNOCKOUT_DELAY = 60 * 24 * 30  # minutes: a month
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# The details a job carries beside its title, place and text, with the value a new job starts with.
DETAIL_DEFAULTS: dict[str, object] = {
    "department": "",
    "employment_type": "full_time",
    "workplace": "on_site",
    "remote_region": "",
    "salary_min": None,
    "salary_max": None,
    "salary_currency": "",
    "salary_period": "year",
    "salary_visible": False,
    "valid_through": None,
    "knockout_delay_minutes": 2880,
}


def job_view(
    job: Job,
    company_name: str,
    questions: Sequence[QuestionView] = (),
    stages: Sequence[StageView] = (),
    company_slug: str = "",
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
        company_slug=company_slug,
        created_by_id=job.created_by_id,
        created_at=job.created_at,
        updated_at=job.updated_at,
        department=job.department,
        employment_type=job.employment_type,
        workplace=job.workplace,
        remote_region=job.remote_region,
        salary_min=job.salary_min,
        salary_max=job.salary_max,
        salary_currency=job.salary_currency,
        salary_period=job.salary_period,
        salary_visible=job.salary_visible,
        valid_through=job.valid_through,
        published_at=job.published_at,
        knockout_delay_minutes=job.knockout_delay_minutes,
        questions=tuple(questions),
        criteria=tuple(json.loads(job.scorecard_criteria or "[]")),
        stages=tuple(stages),
    )


def _with_questions(s: Session, job: Job, company_name: str, company_slug: str = "") -> JobView:
    """The whole job: its questions and its pipeline's stages too."""
    stages = job_stages.stage_views(s, job.id)
    questions = [screening.view(q) for q in screening.for_job(s, job.id)]
    return job_view(job, company_name, questions, stages, company_slug)


def _fields(title: object, description: object, location: object) -> dict:
    return {
        "title": validation.text(title, "Title", max_len=200),
        "description": validation.text(
            description, "Description", max_len=MAX_DESCRIPTION, required=False, multiline=True
        ),
        "location": validation.text(location, "Location", max_len=200, required=False),
    }


def _choice(value: object, field: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of: {', '.join(allowed)}.")
    return str(value)


def _amount(value: object, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{field} must be a whole number.")
    try:
        amount = int(str(value).strip().replace(",", "").replace("_", ""))
    except ValueError:
        raise InvalidInput(f"{field} must be a whole number.") from None
    if not 0 <= amount <= MAX_SALARY:
        raise InvalidInput(f"{field} must be between 0 and {MAX_SALARY:,}.")
    return amount


def _valid_through(value: object) -> datetime | None:
    """A date (the end of that day, UTC) or an ISO date and time; None or "" for no end."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59, 59))
    elif isinstance(value, str):
        try:
            moment = (
                datetime.combine(date.fromisoformat(value.strip()), time(23, 59, 59))
                if len(value.strip()) == 10
                else datetime.fromisoformat(value.strip())
            )
        except ValueError:
            raise InvalidInput("Valid through must be a date (YYYY-MM-DD).") from None
    else:
        raise InvalidInput("Valid through must be a date (YYYY-MM-DD).")
    validation.date_in_range(moment, "Valid through")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_details(given: Mapping[str, object] | None, current: Mapping[str, object] | None = None) -> dict:
    """The checked details of a job: ``given`` over ``current`` (a job's present values, or the
    defaults of a new one). A salary names its currency; its minimum is at most its maximum;
    a remote region only for remote or hybrid work."""
    if given is not None and not isinstance(given, Mapping):
        raise InvalidInput("Job details must be an object.")
    unknown = set(given or {}) - set(DETAIL_DEFAULTS)
    if unknown:
        raise InvalidInput(f"Unknown job field: {sorted(unknown)[0]}.")
    values = {**DETAIL_DEFAULTS, **(current or {}), **(given or {})}
    out: dict[str, object] = {
        "department": validation.text(values["department"] or "", "Department", max_len=80, required=False),
        "employment_type": _choice(values["employment_type"], "Employment type", EMPLOYMENT_TYPES),
        "workplace": _choice(values["workplace"], "Workplace", WORKPLACES),
        "remote_region": validation.text(
            values["remote_region"] or "", "Remote region", max_len=120, required=False
        ),
        "salary_min": _amount(values["salary_min"], "Minimum salary"),
        "salary_max": _amount(values["salary_max"], "Maximum salary"),
        "salary_period": _choice(values["salary_period"] or "year", "Salary period", SALARY_PERIODS),
        "valid_through": _valid_through(values["valid_through"]),
    }
    currency = validation.text(values["salary_currency"] or "", "Currency", max_len=3, required=False).upper()
    has_salary = out["salary_min"] is not None or out["salary_max"] is not None
    if has_salary and not _CURRENCY.match(currency):
        raise InvalidInput("Currency must be a three-letter code such as EUR or USD.")
    if currency and not _CURRENCY.match(currency):
        raise InvalidInput("Currency must be a three-letter code such as EUR or USD.")
    out["salary_currency"] = currency
    low, high = (
        _amount(values["salary_min"], "Minimum salary"),
        _amount(values["salary_max"], "Maximum salary"),
    )
    if low is not None and high is not None and low > high:
        raise InvalidInput("Minimum salary must not be above the maximum.")
    visible = values["salary_visible"]
    if not isinstance(visible, bool):
        raise InvalidInput("Show salary must be true or false.")
    out["salary_visible"] = visible and has_salary
    if out["workplace"] == "on_site":
        out["remote_region"] = ""
    delay = values["knockout_delay_minutes"]
    if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= MAX_KNOCKOUT_DELAY:
        raise InvalidInput(f"Knockout email delay must be 0 to {MAX_KNOCKOUT_DELAY} minutes.")
    out["knockout_delay_minutes"] = delay
    return out


def _current_details(job: Job) -> dict:
    return {key: getattr(job, key) for key in DETAIL_DEFAULTS}


def _set_status(job: Job, status: object, now: datetime) -> None:
    """A status from ``JOB_STATUSES``; the first publication (or unlisted link) dates the posting."""
    job.status = _choice(status, "Status", JOB_STATUSES)
    if job.status in PUBLIC and job.published_at is None:
        job.published_at = now


def _announce(s: Session, job: Job) -> None:
    announce(s, job_topic(job.id), company_topic(job.company_id))


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
    status: object = PUBLISHED,
    details: Mapping[str, object] | None = None,
) -> JobView:
    """A new job of the caller's company (published unless another ``status`` is given), with its
    details (``parse_details``), its screening questions (a list of dicts), the criteria its
    interviewers rate, and its own pipeline: ``stages`` as given, else a copy of the company
    template ``pipeline_template_id``, else the default pipeline."""
    require(principal, Action.MANAGE_JOBS)
    values = _fields(title, description, location) | parse_details(details)
    definitions = screening.parse_definitions(questions)
    values["scorecard_criteria"] = json.dumps(parse_criteria(criteria))
    given = None if stages is None else parse_stages(stages)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        specs = given if given is not None else templates.specs_of(s, principal, pipeline_template_id)
        job = Job(company_id=principal.staff_company_id, created_by_id=principal.user_id, **values)
        _set_status(job, status, now)
        s.add(job)
        s.flush()
        job_stages.create_for_job(
            s, job.id, specs, stages, may_automate=may(principal, Action.EDIT_EMAIL_TEMPLATES)
        )
        screening.replace_for_job(s, job.id, definitions)
        _announce(s, job)
        company = existing(s, Company, job.company_id)
        return _with_questions(s, job, company.name, company.slug)


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
    details: Mapping[str, object] | None = None,
) -> JobView:
    """Edit a job; ``questions``, ``criteria`` or ``stages`` None keeps them, a list replaces them;
    ``details`` keeps every detail it does not name.

    Stages are edited in place (``job_stages.replace_stages``): renamed, added, reordered, and
    removed only when no application is in them."""
    require(principal, Action.MANAGE_JOBS)
    values = _fields(title, description, location)
    if criteria is not None:
        values["scorecard_criteria"] = json.dumps(parse_criteria(criteria))
    if status is not None:
        _choice(status, "Status", JOB_STATUSES)
    definitions = None if questions is None else screening.parse_definitions(questions)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        job = company_job(s, principal, job_id)
        values |= parse_details(details, _current_details(job))
        for key, value in values.items():
            setattr(job, key, value)
        if status is not None:
            _set_status(job, status, now)
        job.updated_at = now
        s.add(job)
        s.flush()
        if definitions is not None:
            screening.replace_for_job(s, job.id, definitions)
        if stages is not None:
            job_stages.replace_stages(
                s, job.id, stages, may_automate=may(principal, Action.EDIT_EMAIL_TEMPLATES)
            )
        _announce(s, job)
        company = existing(s, Company, job.company_id)
        return _with_questions(s, job, company.name, company.slug)


def set_job_status(db: Database, principal: Principal, job_id: int, status: str) -> JobView:
    """Publish, unlist, make internal, return to draft or close a job (closed: no new
    applications; the board stays)."""
    require(principal, Action.MANAGE_JOBS)
    _choice(status, "Status", JOB_STATUSES)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        job = company_job(s, principal, job_id)
        _set_status(job, status, now)
        job.updated_at = now
        s.add(job)
        s.flush()
        _announce(s, job)
        company = existing(s, Company, job.company_id)
        return job_view(job, company.name, company_slug=company.slug)


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


def listed(principal: Principal | None):
    """Which jobs a list shows the caller: published jobs to everyone; every job of their own
    company to its staff. Unlisted jobs are reached only by their link (``readable``)."""
    if principal is not None and principal.is_staff:
        return or_(Job.status == PUBLISHED, Job.company_id == principal.company_id)
    return Job.status == PUBLISHED


def readable(principal: Principal | None):
    """Which jobs the caller may open by id: published and unlisted ones (anyone with the link);
    drafts, internal and closed jobs only for staff of their company."""
    if principal is not None and principal.is_staff:
        return or_(Job.status.in_(PUBLIC), Job.company_id == principal.company_id)
    return Job.status.in_(PUBLIC)


def list_jobs(
    db: Database, principal: Principal | None = None, limit: int = 50, offset: int = 0, search: str = ""
) -> list[JobView]:
    limit, offset = validation.paging(limit, offset)
    search = validation.text(search, "Search", max_len=100, required=False)
    with db.session() as s:
        query = select(Job, Company.name, Company.slug).join(Company, Company.id == Job.company_id)
        query = query.where(listed(principal))
        if search:
            query = query.where(
                or_(
                    like.contains(Job.title, search),
                    like.contains(Company.name, search),
                    like.contains(Job.location, search),
                    like.contains(Job.department, search),
                )
            )
        rows = s.exec(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)).all()
        pipelines = job_stages.pipelines_of(s, [job.id for job, _, _ in rows])
        return [
            job_view(
                job,
                name,
                stages=tuple(job_stages.stage_view(st) for st in pipelines[job.id].stages),
                company_slug=slug,
            )
            for job, name, slug in rows
        ]


def get_job(db: Database, principal: Principal | None, job_id: object) -> JobView:
    job_id = validation.object_id(job_id, "Job id")
    with db.session() as s:
        row = s.exec(
            select(Job, Company.name, Company.slug)
            .join(Company, Company.id == Job.company_id)
            .where(Job.id == job_id, readable(principal))
        ).first()
        if row is None:
            raise NotFound("Job not found.")
        return _with_questions(s, *row)
