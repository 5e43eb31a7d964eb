"""/api/jobs: published jobs for everyone; their company's staff post, edit, publish and close them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from flowtrack_ui.core import jobs, markdown
from flowtrack_ui.core.careers.urls import job_path
from flowtrack_ui.core.models import PUBLIC
from flowtrack_ui.core.settings import get_settings
from flowtrack_ui.core.views import JobView

from .deps import Caller, Db, MaybeCaller
from .errors import errors
from .schemas import JOB_DETAIL_FIELDS, DeleteOut, JobIn, JobOut

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

JobId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=10**9)]


def job_out(j: JobView, knockouts: bool = True) -> JobOut:
    """The view, with what the API adds: the description as HTML and the public page's address.
    ``knockouts`` False leaves out which answers disqualify (only the job's own staff see them)."""
    out = JobOut.model_validate(j)
    out.description_html = markdown.to_html(j.description)
    if j.status in PUBLIC and j.company_slug:
        out.url = get_settings().public_url + job_path(j.company_slug, j.id, j.title)
    if not knockouts:
        for question in out.questions:
            question.disqualifying_answers = []
    return out


def _stages(body: JobIn) -> list[dict] | None:
    return None if body.stages is None else [st.model_dump(exclude_unset=True) for st in body.stages]


def _details(body: JobIn) -> dict:
    """The details the request names (a PUT keeps the others); null clears only what may be empty."""
    clearable = ("salary_min", "salary_max", "valid_through")
    return {
        f: getattr(body, f)
        for f in JOB_DETAIL_FIELDS
        if f in body.model_fields_set and (getattr(body, f) is not None or f in clearable)
    }


def _questions(body: JobIn) -> list[dict] | None:
    return None if body.questions is None else [q.model_dump() for q in body.questions]


@router.get("/", response_model=list[JobOut], responses=errors(401, 422))
def list_jobs(
    db: Db,
    caller: MaybeCaller,
    limit: Limit = 50,
    offset: Offset = 0,
    q: Annotated[str, Query(max_length=100)] = "",
) -> list[JobOut]:
    """Published jobs, newest first; staff also see every job of their own company."""
    return [job_out(j) for j in jobs.list_jobs(db, caller, limit, offset, q)]


@router.get("/{job_id}", response_model=JobOut, responses=errors(401, 404, 422))
def get_job(job_id: JobId, db: Db, caller: MaybeCaller) -> JobOut:
    job = jobs.get_job(db, caller, job_id)
    return job_out(
        job, knockouts=caller is not None and caller.is_staff and caller.company_id == job.company_id
    )


@router.post(
    "/",
    response_model=JobOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 404, 422),
)
def create_job(body: JobIn, caller: Caller, db: Db) -> JobOut:
    """The job belongs to the caller's company, whatever the body says."""
    return job_out(
        jobs.create_job(
            db,
            caller,
            body.title,
            body.description or "",
            body.location or "",
            questions=_questions(body),
            criteria=body.criteria,
            pipeline_template_id=body.pipeline_template_id,
            stages=_stages(body),
            status=body.status or "published",
            details=_details(body),
        )
    )


@router.put("/{job_id}", response_model=JobOut, responses=errors(401, 403, 404, 409, 422))
def update_job(job_id: JobId, body: JobIn, caller: Caller, db: Db) -> JobOut:
    """``stages`` edits the job's pipeline in place; removing a stage that holds applications is 409."""
    return job_out(
        jobs.update_job(
            db,
            caller,
            job_id,
            body.title,
            body.description or "",
            body.location or "",
            questions=_questions(body),
            criteria=body.criteria,
            stages=_stages(body),
            status=body.status,
            details=_details(body),
        )
    )


@router.delete("/{job_id}", response_model=DeleteOut, responses=errors(401, 403, 404, 422))
def delete_job(job_id: JobId, caller: Caller, db: Db) -> DeleteOut:
    """Deletes a job without applications; a job with applications is closed, keeping them."""
    outcome = jobs.delete_job(db, caller, job_id)
    message = "Job deleted" if outcome == "deleted" else "Job closed: it has applications"
    return DeleteOut(message=message, status=outcome)
