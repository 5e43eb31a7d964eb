"""The careers site's HTML pages: the index of companies, a company's careers page, a job page
(also re-rendered by the apply form with its errors: ``job_page_response``), and the pages for a
job that is gone or a page that does not exist."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flowtrack_ui.core import markdown
from flowtrack_ui.core.analytics.sources import link_tag
from flowtrack_ui.core.careers import site, urls
from flowtrack_ui.core.careers.site import CompanySite, PublicJob
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.errors import InvalidInput, NotFound
from flowtrack_ui.core.views import JobView

from . import render, structured

# The Reflex page of the first careers site answered /careers/job?id=N: such links redirect.
LEGACY_JOB_SLUG = "job"
WORKPLACE_CHOICES = tuple(structured.WORKPLACES.items())


def database(request: Request) -> Database:
    """The database ``create_api`` was given (tests pass their own), as the REST routes read it."""
    provider: Callable[[], Database] = request.app.state.db_provider
    return provider()


def source_tag(request: Request, given: object = None) -> str:
    """The ``?source=`` tag a visitor came with (or ``given``), when well-formed; else none."""
    try:
        return link_tag(given if given is not None else request.query_params.get("source")) or ""
    except InvalidInput:
        return ""


def _with_source(path: str, source: str) -> str:
    return f"{path}?source={source}" if source else path


def redirect(path: str, request: Request) -> RedirectResponse:
    """301 to ``path``, keeping the query string (a ``?source=`` tag, the filters)."""
    query = request.url.query
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=301)


def index(request: Request) -> Response:
    """``/careers``: every company with open jobs."""
    companies = site.companies_with_jobs(database(request))
    return render.html(request, "index.html", {"companies": companies}, cache="public, max-age=60")


def company_page(request: Request, slug: str) -> Response:
    """``/careers/{slug}``: the company's careers site, its open jobs by department, filtered."""
    db = database(request)
    if slug == LEGACY_JOB_SLUG:
        return legacy_job(request)
    try:
        company = site.company_site(db, slug)
    except NotFound as exc:
        return render.not_found(request, exc.message)
    if company.slug != slug:
        return redirect(urls.careers_path(company.slug), request)
    filters = site.filters_from(dict(request.query_params))
    listing = site.open_jobs(db, company, filters)
    groups: dict[str, list] = {}
    for job in listing.jobs:
        groups.setdefault(job.department or "Other roles", []).append(job)
    source = source_tag(request)
    context = {
        "listing": listing,
        "groups": list(groups.items()),
        "filters": filters,
        "source": source,
        "job_link": lambda job: _with_source(urls.job_path(company.slug, job.id, job.title), source),
        "canonical": render.absolute(urls.careers_path(company.slug)),
        "feed_url": urls.careers_path(company.slug) + "/jobs.rss",
        "employment_types": [(k, v[0]) for k, v in structured.EMPLOYMENT_TYPES.items()],
        "workplaces": WORKPLACE_CHOICES,
        "description": site_description(company),
    }
    return render.html(request, "company.html", context, company=company, cache="public, max-age=60")


def site_description(company: CompanySite) -> str:
    return markdown.to_plain(company.about, 160) or f"Open jobs at {company.name}."


def legacy_job(request: Request) -> Response:
    """``/careers/job?id=N`` (the first careers site's job page): 301 to the job's page, or 404."""
    try:
        found = site.job_by_id(database(request), request.query_params.get("id"))
    except NotFound as exc:
        return render.not_found(request, exc.message)
    path = urls.job_path(found.company.slug, found.job.id, found.job.title)
    source = source_tag(request)
    return RedirectResponse(_with_source(path, source), status_code=301)


def _job_context(request: Request, found: PublicJob) -> dict:
    job, company = found.job, found.company
    path = urls.job_path(company.slug, job.id, job.title)
    canonical = render.absolute(path)
    careers_url = render.absolute(urls.careers_path(company.slug))
    logo = render.logo_path(company)
    logo_url = render.absolute(logo) if logo else None
    posting = structured.job_posting(job, company, canonical, careers_url, logo_url)
    return {
        "job": job,
        "questions": found.questions,
        "indexable": found.indexable,
        "canonical": canonical,
        "careers_url": careers_url,
        "og_image": logo_url,
        "description": structured.meta_description(job),
        "description_html": posting["description"],
        "json_ld": structured.script_json(posting),
        "salary": structured.salary_label(job),
        "apply_url": urls.apply_path(company.slug, job.id),
    }


def job_page_response(
    request: Request,
    slug: str,
    job_ref: str | int,
    *,
    form: dict | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """A job's page: its text, facts, JobPosting and apply form (``form`` values and ``errors``
    when the apply form is shown again). A GET at a former company address or with a wrong title
    slug redirects (301) to the canonical address; a job that is gone answers 410, one that does
    not exist (or is not public) 404, both as HTML pages."""
    try:
        found = site.public_job(database(request), slug, job_ref)
    except NotFound as exc:
        return render.not_found(request, exc.message)
    company, job = found.company, found.job
    if found.gone:
        return render.html(request, "gone.html", {"job": job}, company=company, status_code=410)
    canonical_ref = urls.job_path(company.slug, job.id, job.title).rsplit("/", 1)[1]
    asked = form is None and errors is None and isinstance(job_ref, str)
    if asked and (slug != company.slug or job_ref != canonical_ref):
        return redirect(urls.job_path(company.slug, job.id, job.title), request)
    form = dict(form or {})
    source = source_tag(request, form.get("source"))
    context = _job_context(request, found) | {
        "form": form,
        "errors": dict(errors or {}),
        "source": source,
        "careers_link": _with_source(urls.careers_path(company.slug), source_tag(request)),
    }
    return render.html(request, "job.html", context, company=company, status_code=status_code)


def company_jobs(
    request: Request, slug: str, suffix: str
) -> Response | tuple[CompanySite, tuple[JobView, ...]]:
    """The company and its open jobs (for the feeds and the embeds); else the answer: a redirect
    from a former address to ``/careers/{slug}{suffix}``, or the HTML 404."""
    db = database(request)
    try:
        company = site.company_site(db, slug)
    except NotFound as exc:
        return render.not_found(request, exc.message)
    if company.slug != slug:
        return redirect(urls.careers_path(company.slug) + suffix, request)
    return company, site.open_jobs(db, company).jobs


def logo(request: Request, slug: str) -> Response:
    """The company's logo bytes, cached (the page's address carries the file's id)."""
    try:
        found = site.logo(database(request), slug)
    except NotFound as exc:
        return render.not_found(request, exc.message)
    etag = f'"{found.sha256}"'
    headers = {
        "Cache-Control": "public, max-age=86400",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(found.data, media_type=found.content_type, headers=headers)


def asset(request: Request, name: str) -> Response:
    found = render.static_file(name, request.query_params.get("v"))
    return found if found is not None else render.not_found(request, "No such file.")


def unknown(request: Request) -> Response:
    """Any other address under ``/careers``: a trailing slash redirects to the address without
    it; anything else is the site's HTML 404, never the app's JSON or bundle."""
    path = request.url.path
    if path.endswith("/") and path.rstrip("/"):
        return redirect(path.rstrip("/"), request)
    return render.not_found(request, "There is no page at this address.")
