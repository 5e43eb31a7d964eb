"""The job list a company puts on its own website: a script (``embed.js``) that draws it from
``jobs.json`` (public data, any origin may read it), or the same list as a page for an
``<iframe>``, the one FlowTrack page any site may frame. Links carry ``?source=embed``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from flowtrack_ui.core.careers import urls

from . import render, structured
from .pages import company_jobs

EMBED_SOURCE = "embed"
EMBED_SCRIPT = "embed.js"


def _link(company_slug: str, job_id: int, title: str) -> str:
    return render.absolute(urls.job_path(company_slug, job_id, title)) + f"?source={EMBED_SOURCE}"


def jobs_json(request: Request, slug: str) -> Response:
    """The company's open jobs as JSON for the embed script: titles, departments, places, links."""
    found = company_jobs(request, slug, "/jobs.json")
    if isinstance(found, Response):
        return found
    company, jobs = found
    body = {
        "company": {
            "name": company.name,
            "url": render.absolute(urls.careers_path(company.slug)) + f"?source={EMBED_SOURCE}",
        },
        "jobs": [
            {
                "id": job.id,
                "title": job.title,
                "department": job.department,
                "location": job.location,
                "workplace": structured.workplace_label(job),
                "employment_type": structured.employment_label(job.employment_type),
                "url": _link(company.slug, job.id, job.title),
            }
            for job in jobs
        ],
    }
    headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}
    return JSONResponse(body, headers=headers)


def script(request: Request, slug: str) -> Response:
    """The embed script: one file for every company (it reads its own address to find the list)."""
    found = company_jobs(request, slug, "/embed.js")
    if isinstance(found, Response):
        return found
    response = render.static_file(EMBED_SCRIPT, None)
    assert response is not None, "flowtrack_ui/site/static/embed.js is part of the package"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def frame(request: Request, slug: str) -> Response:
    """The list as a small page for the ``<iframe>`` snippet: framable by any site, links open
    the job pages in the top window."""
    found = company_jobs(request, slug, "/embed")
    if isinstance(found, Response):
        return found
    company, jobs = found
    context = {
        "jobs": jobs,
        "link": lambda job: _link(company.slug, job.id, job.title),
        "careers_url": render.absolute(urls.careers_path(company.slug)) + f"?source={EMBED_SOURCE}",
    }
    return render.html(
        request, "embed.html", context, company=company, frame_ancestors="*", cache="public, max-age=60"
    )
