"""What crawlers and job boards read: ``/sitemap.xml``, ``/robots.txt``, a company's RSS 2.0 feed
and its Indeed-style XML feed. Each lists exactly the open jobs the careers pages list."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from flowtrack_ui.core import markdown
from flowtrack_ui.core.careers import site, urls
from flowtrack_ui.core.views import JobView

from . import render, structured
from .pages import company_jobs, database

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_CACHE = "public, max-age=300"
# Indeed's words for the employment types.
INDEED_JOB_TYPES = {
    "full_time": "fulltime",
    "part_time": "parttime",
    "contract": "contract",
    "internship": "internship",
    "temporary": "temporary",
}
INDEED_REMOTE = {"remote": "Fully remote", "hybrid": "Hybrid remote"}


def _xml(root: ET.Element, media_type: str) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=media_type, headers={"Cache-Control": FEED_CACHE})


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _posted(job: JobView) -> datetime:
    return job.published_at or job.created_at


def sitemap(request: Request) -> Response:
    """Every careers page with open jobs and every open job, by canonical address."""
    db = database(request)
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for entry in site.companies_with_jobs(db):
        url = _sub(root, "url")
        _sub(url, "loc", render.absolute(urls.careers_path(entry.company.slug)))
        _sub(url, "lastmod", entry.lastmod.astimezone(UTC).isoformat(timespec="seconds"))
    for job in site.sitemap_jobs(db):
        url = _sub(root, "url")
        _sub(url, "loc", render.absolute(urls.job_path(job.company_slug, job.job_id, job.title)))
        _sub(url, "lastmod", job.lastmod.astimezone(UTC).isoformat(timespec="seconds"))
    return _xml(root, "application/xml")


def robots(request: Request) -> Response:
    body = f"User-agent: *\nDisallow: /api/\nAllow: /\n\nSitemap: {render.absolute('/sitemap.xml')}\n"
    return PlainTextResponse(body, headers={"Cache-Control": FEED_CACHE})


def rss(request: Request, slug: str) -> Response:
    """RSS 2.0: one item per open job (title, link, guid, pubDate, description as HTML)."""
    found = company_jobs(request, slug, "/jobs.rss")
    if isinstance(found, Response):
        return found
    company, jobs = found
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", f"Jobs at {company.name}")
    _sub(channel, "link", render.absolute(urls.careers_path(company.slug)))
    _sub(channel, "description", f"Open jobs at {company.name}")
    _sub(channel, "language", "en")
    newest = max((_posted(j) for j in jobs), default=None)
    if newest is not None:
        _sub(channel, "lastBuildDate", _rfc822(newest))
    for job in jobs:
        url = render.absolute(urls.job_path(company.slug, job.id, job.title))
        item = _sub(channel, "item")
        _sub(item, "title", job.title)
        _sub(item, "link", url)
        _sub(item, "guid", url, isPermaLink="true")
        _sub(item, "pubDate", _rfc822(_posted(job)))
        if job.department:
            _sub(item, "category", job.department)
        _sub(item, "description", markdown.to_html(job.description))
    return _xml(root, "application/rss+xml")


def indeed(request: Request, slug: str) -> Response:
    """The XML feed job boards ingest (Indeed's format): ``<source>`` with one ``<job>`` each."""
    found = company_jobs(request, slug, "/jobs.xml")
    if isinstance(found, Response):
        return found
    company, jobs = found
    root = ET.Element("source")
    _sub(root, "publisher", company.name)
    _sub(root, "publisherurl", render.absolute(urls.careers_path(company.slug)))
    _sub(root, "lastBuildDate", _rfc822(max((_posted(j) for j in jobs), default=datetime.now(UTC))))
    for job in jobs:
        node = _sub(root, "job")
        _sub(node, "title", job.title)
        _sub(node, "date", _rfc822(_posted(job)))
        _sub(node, "referencenumber", str(job.id))
        _sub(node, "url", render.absolute(urls.job_path(company.slug, job.id, job.title)))
        _sub(node, "company", company.name)
        _sub(node, "city", job.location)
        _sub(node, "description", markdown.to_html(job.description))
        salary = structured.salary_label(job)
        if salary:
            _sub(node, "salary", salary)
        _sub(node, "jobtype", INDEED_JOB_TYPES.get(job.employment_type, job.employment_type))
        _sub(node, "category", job.department)
        if job.workplace in INDEED_REMOTE:
            _sub(node, "remotetype", INDEED_REMOTE[job.workplace])
        if job.valid_through is not None:
            _sub(node, "expirationdate", _rfc822(job.valid_through))
    return _xml(root, "application/xml")
