"""Applying from a job page in one step, without an account: the form post and the thank-you page.

The form (``templates/_apply_form.html``) is a plain HTML form posted as multipart: it works with
JavaScript off. ``static/apply.js`` only adds to it: when a résumé is picked it checks its size and
type at once and pre-fills the empty fields from the résumé's text (POST /api/apply/resume-fields).
A refused form comes back as the job page with the values kept (except the file) and each message
beside its field; a taken one answers 303 to the thank-you page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flowtrack_ui.api.deps import client_address
from flowtrack_ui.core.applications import public_apply
from flowtrack_ui.core.applications.public_apply import PublicApplication
from flowtrack_ui.core.careers import site, urls
from flowtrack_ui.core.errors import DomainError, NotFound, TooManyAttempts
from flowtrack_ui.core.files.file_types import MAX_RESUME_BYTES

from . import pages, render

router = APIRouter(include_in_schema=False)

# The fields a refused form shows again as they were sent (never the file, never the honeypot).
KEPT = ("full_name", "email", "phone", "linkedin_url", "cover_letter", "source")
# The key of a message about the whole form rather than one field.
FORM_ERROR = "_form"


def retention_months(request: Request, company_id: int) -> int | None:
    """How long the company keeps candidates it turned down, for the form's privacy notice."""
    return public_apply.retention_months(pages.database(request), company_id)


# What the form's template asks of the server beyond the job page's context: the token of when
# the form was shown (kept while good when the form comes back) and the company's retention.
render.env.globals.update(
    apply_form_token=public_apply.current_form_token,
    apply_retention_months=retention_months,
    max_resume_mib=MAX_RESUME_BYTES // (1024 * 1024),
)


async def _posted(request: Request) -> tuple[PublicApplication, dict[str, str]]:
    async with request.form(max_files=1, max_fields=60) as form:
        upload = form.get("resume")
        resume, name = None, ""
        if isinstance(upload, UploadFile):
            resume = await upload.read(MAX_RESUME_BYTES + 1)
            name = upload.filename or ""
        texts = {k: v for k, v in form.items() if isinstance(v, str)}
    sent = public_apply.from_form(texts, resume, name)
    kept = {k: texts[k] for k in KEPT if k in texts}
    kept |= {k: v for k, v in texts.items() if k.startswith(public_apply.ANSWER_FIELD)}
    kept["started"] = public_apply.current_form_token(texts.get("started"), datetime.now(UTC))
    return sent, kept


@router.post("/careers/{slug}/jobs/{job_id}/apply")
async def apply(request: Request, slug: str, job_id: str) -> Response:
    """The job page's form: 303 to the thank-you page, or the job page again with what to fix."""
    sent, kept = await _posted(request)
    try:
        found = site.public_job(pages.database(request), slug, job_id)
        if found.gone:
            raise NotFound("This job no longer takes applications.")
        await run_in_threadpool(
            public_apply.apply_without_account,
            pages.database(request),
            found.job.id,
            sent,
            client=client_address(request),  # the API's rule for forwarded addresses
        )
    except public_apply.FormProblems as exc:
        return pages.job_page_response(
            request, slug, job_id, form=kept, errors=exc.fields, status_code=exc.status_code
        )
    except DomainError as exc:
        answer = pages.job_page_response(
            request, slug, job_id, form=kept, errors={FORM_ERROR: exc.message}, status_code=exc.status_code
        )
        if isinstance(exc, TooManyAttempts):
            answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    applied = urls.apply_path(found.company.slug, found.job.id).removesuffix("/apply") + "/applied"
    return RedirectResponse(applied, status_code=303)


@router.api_route("/careers/{slug}/jobs/{job_id}/applied", methods=["GET", "HEAD"])
def applied(request: Request, slug: str, job_id: str) -> Response:
    """The thank-you page: what happens next, and that the email with the tracking link is on its
    way. It names no one: anybody may open it."""
    try:
        found = site.public_job(pages.database(request), slug, job_id)
    except NotFound as exc:
        return render.not_found(request, exc.message)
    company, job = found.company, found.job
    context = {
        "job": job,
        "careers_link": urls.careers_path(company.slug),
        "job_link": urls.job_path(company.slug, job.id, job.title),
        "link_days": public_apply.SIGN_IN_LINK_TTL.days,
    }
    return render.html(request, "applied.html", context, company=company, cache="no-store")
