"""What the public careers site shows, read anonymously: a company by its address, its open jobs
(filtered and searched), one job's page and whether it is still there, the sitemap's entries and
the company's logo.

Who sees a job in which status is ``jobs.listed``/``jobs.readable`` (for nobody signed in); this
module adds the one rule of the public site itself: a posting past its ``valid_through`` is over,
like a closed one. A page that was public once answers "gone" (410) rather than "not found".
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from .. import jobs, like, validation
from ..applications import questions as screening
from ..applications.questions import QuestionView
from ..db import Database
from ..errors import InvalidInput, NotFound
from ..models import Company, Job, StoredFile, posting_over, still_posted
from ..views import JobView
from . import slugs

MAX_SEARCH = 100
# Logo types a page may show from this origin: never SVG or anything a browser would run.
LOGO_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
DEFAULT_ACCENT = "#4f46e5"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# What a careers address may look like (any case: /careers/ACME redirects to /careers/acme).
_ADDRESS = re.compile(rf"^[A-Za-z0-9-]{{1,{slugs.MAX_SLUG + 10}}}$")
_LINK_SCHEMES = ("https://", "http://", "mailto:")
COMPANY_NOT_FOUND = "No careers site lives at this address."
JOB_NOT_FOUND = "This job does not exist, or is not public."


@dataclass(frozen=True)
class SiteLink:
    label: str
    url: str


@dataclass(frozen=True)
class CompanySite:
    """A company as its careers site shows it (``about`` is Markdown, rendered by the caller)."""

    id: int
    name: str
    slug: str
    about: str
    accent_color: str
    links: tuple[SiteLink, ...]
    logo_file_id: int | None


@dataclass(frozen=True)
class JobFilters:
    """What a visitor chose on the careers page; empty strings choose nothing."""

    q: str = ""
    department: str = ""
    location: str = ""
    workplace: str = ""
    employment_type: str = ""

    def any(self) -> bool:
        return any((self.q, self.department, self.location, self.workplace, self.employment_type))


@dataclass(frozen=True)
class Listing:
    """A company's open jobs as filtered, and the choices each filter offers (from all of them)."""

    jobs: tuple[JobView, ...]
    total: int
    departments: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    workplaces: tuple[str, ...] = ()
    employment_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicJob:
    """A job page: ``gone`` when the posting was public once and is over (closed or expired);
    ``indexable`` False for an unlisted job (reached by its link only)."""

    job: JobView
    company: CompanySite
    gone: bool = False
    indexable: bool = True
    questions: tuple[QuestionView, ...] = field(default=())


@dataclass(frozen=True)
class CompanyWithJobs:
    company: CompanySite
    open_jobs: int
    lastmod: datetime


@dataclass(frozen=True)
class SitemapJob:
    company_slug: str
    job_id: int
    title: str
    lastmod: datetime


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str
    sha256: str


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def open_listed(now: datetime):
    """The jobs the public site, the sitemap and the feeds list: published, not past their date."""
    return jobs.listed(None) & still_posted(now)


def _links(raw: str) -> tuple[SiteLink, ...]:
    """The company's links as stored (JSON), keeping only well-formed http(s)/mailto ones."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return ()
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        label, url = str(item.get("label") or "").strip(), str(item.get("url") or "").strip()
        if label and url.lower().startswith(_LINK_SCHEMES):
            out.append(SiteLink(label=label[:80], url=url[:500]))
    return tuple(out)


def site_view(company: Company) -> CompanySite:
    accent = company.accent_color if _COLOR.match(company.accent_color or "") else DEFAULT_ACCENT
    return CompanySite(
        id=company.id,
        name=company.name,
        slug=company.slug,
        about=company.about or "",
        accent_color=accent.lower(),
        links=_links(company.links),
        logo_file_id=company.logo_file_id,
    )


def _company(s: Session, slug: object) -> Company:
    """The company whose current or former address ``slug`` is; NotFound otherwise."""
    if not isinstance(slug, str) or not _ADDRESS.match(slug):
        raise NotFound(COMPANY_NOT_FOUND)
    company_id = slugs.holder(s, slug.lower())
    company = s.get(Company, company_id) if company_id is not None else None
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND)
    return company


def company_site(db: Database, slug: object) -> CompanySite:
    """The company at ``/careers/{slug}``; its ``slug`` differs from the one asked for when that
    was a former address (the caller redirects)."""
    with db.session() as s:
        return site_view(_company(s, slug))


def _choice(value: object, limit: int = 200) -> str:
    """A filter's value as typed, without control characters (no stored value holds any, and
    PostgreSQL refuses NUL), at most ``limit`` characters."""
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Zl", "Zp")).strip()[:limit]


def filters_from(query: dict[str, str]) -> JobFilters:
    """The filters of a careers page from its query string; anything malformed chooses nothing."""
    return JobFilters(
        q=_choice(query.get("q"), MAX_SEARCH),
        department=_choice(query.get("department")),
        location=_choice(query.get("location")),
        workplace=_choice(query.get("workplace"), 20),
        employment_type=_choice(query.get("employment_type"), 20),
    )


def _distinct(values) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}, key=str.casefold))


def open_jobs(
    db: Database, company: CompanySite, filters: JobFilters | None = None, now: datetime | None = None
) -> Listing:
    """The company's open jobs matching ``filters``, by department then title."""
    filters = filters or JobFilters()
    moment = _now(now)
    with db.session() as s:
        base = (Job.company_id == company.id) & open_listed(moment)
        facets = s.exec(
            select(Job.department, Job.location, Job.workplace, Job.employment_type).where(base)
        ).all()
        query = select(Job).where(base)
        if filters.q:
            words = filters.q[:MAX_SEARCH]
            query = query.where(
                or_(
                    like.contains(Job.title, words),
                    like.contains(Job.department, words),
                    like.contains(Job.location, words),
                    like.contains(Job.description, words),
                )
            )
        for column, chosen in (
            (Job.department, filters.department),
            (Job.location, filters.location),
            (Job.workplace, filters.workplace),
            (Job.employment_type, filters.employment_type),
        ):
            if chosen:
                query = query.where(column == chosen)
        # By department, those without one last; within one, by title.
        unnamed_last = case((Job.department == "", 1), else_=0)
        order = (unnamed_last, func.lower(Job.department), func.lower(Job.title), Job.id)
        rows = s.exec(query.order_by(*order)).all()
        return Listing(
            jobs=tuple(jobs.job_view(j, company.name, company_slug=company.slug) for j in rows),
            total=len(facets),
            departments=_distinct(f[0] for f in facets),
            locations=_distinct(f[1] for f in facets),
            workplaces=_distinct(f[2] for f in facets),
            employment_types=_distinct(f[3] for f in facets),
        )


def companies_with_jobs(db: Database, now: datetime | None = None) -> list[CompanyWithJobs]:
    """Every company with at least one open job, by name: the index at ``/careers`` and the sitemap."""
    moment = _now(now)
    with db.session() as s:
        rows = s.exec(
            select(Company, func.count(Job.id), func.max(Job.updated_at))
            .join(Job, Job.company_id == Company.id)
            .where(open_listed(moment))
            .group_by(Company.id)
            .order_by(func.lower(Company.name))
        ).all()
        return [
            CompanyWithJobs(company=site_view(c), open_jobs=n, lastmod=_aware(last)) for c, n, last in rows
        ]


def _aware(moment: datetime) -> datetime:
    """func.max() bypasses the column type on SQLite: put the zone back."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sitemap_jobs(db: Database, now: datetime | None = None) -> list[SitemapJob]:
    """Every open job of every company, for the sitemap."""
    moment = _now(now)
    with db.session() as s:
        rows = s.exec(
            select(Job.id, Job.title, Job.updated_at, Company.slug)
            .join(Company, Company.id == Job.company_id)
            .where(open_listed(moment))
            .order_by(Company.slug, Job.id)
        ).all()
        return [
            SitemapJob(company_slug=slug, job_id=jid, title=title, lastmod=_aware(updated))
            for jid, title, updated, slug in rows
        ]


def _job_id(job_ref: object) -> int:
    """``12`` or ``12-senior-engineer`` → 12; NotFound for anything else."""
    text = str(job_ref) if isinstance(job_ref, int | str) else ""
    head = text.split("-", 1)[0]
    if not head.isascii() or not head.isdigit() or len(head) > 12 or not 1 <= int(head) <= validation.MAX_ID:
        raise NotFound(JOB_NOT_FOUND)
    return int(head)


def public_job(db: Database, slug: object, job_ref: object, now: datetime | None = None) -> PublicJob:
    """The job of a page ``/careers/{slug}/jobs/{id}-{title}`` as anyone may read it.

    NotFound for an unknown company or job, another company's job, or a job never public (a
    draft, an internal or a closed job that was never published); ``gone`` for a job that was
    public and is no longer: closed, past its ``valid_through``, or taken back to draft or
    internal."""
    job_id = _job_id(job_ref)
    moment = _now(now)
    with db.session() as s:
        company = _company(s, slug)
        job = s.get(Job, job_id)
        if job is None or job.company_id != company.id:
            raise NotFound(JOB_NOT_FOUND)
        readable = s.exec(select(Job.id).where(Job.id == job.id, jobs.readable(None))).first() is not None
        expired = posting_over(job, moment)
        site = site_view(company)
        if readable and not expired:
            questions = tuple(screening.view(q) for q in screening.for_job(s, job.id))
            listed = s.exec(select(Job.id).where(Job.id == job.id, jobs.listed(None))).first() is not None
            view = jobs.job_view(job, company.name, questions, company_slug=company.slug)
            return PublicJob(job=view, company=site, indexable=listed, questions=questions)
        # Gone: a posting that was public once and is no longer (closed, past its date, or taken
        # back to draft or internal). One never public answers as if it did not exist.
        if job.published_at is not None:
            view = jobs.job_view(job, company.name, company_slug=company.slug)
            return PublicJob(job=view, company=site, gone=True)
        raise NotFound(JOB_NOT_FOUND)


def job_by_id(db: Database, job_id: object, now: datetime | None = None) -> PublicJob:
    """A job by its id alone (the old ``/careers/job?id=N`` links), as ``public_job`` decides."""
    try:
        ident = validation.object_id(job_id, "Job id")
    except InvalidInput:
        raise NotFound(JOB_NOT_FOUND) from None
    with db.session() as s:
        row = s.exec(
            select(Company.slug).join(Job, Job.company_id == Company.id).where(Job.id == ident)
        ).first()
    if row is None:
        raise NotFound(JOB_NOT_FOUND)
    return public_job(db, row, ident, now)


def logo(db: Database, slug: object) -> Logo:
    """The company's logo as stored, when it is an image type a page may show."""
    with db.session() as s:
        company = _company(s, slug)
        row = s.get(StoredFile, company.logo_file_id) if company.logo_file_id else None
        if row is None or row.content_type not in LOGO_TYPES:
            raise NotFound("This company has no logo.")
        return Logo(data=row.data, content_type=row.content_type, sha256=row.sha256)
