"""The addresses of the careers site, built in one place (pages, feeds, sitemap, emails, API)."""

from __future__ import annotations

from .slugs import slug_from_name


def title_slug(title: str) -> str:
    """``Senior Engineer (Python)`` → ``senior-engineer-python``; the id before it finds the job."""
    return slug_from_name(title)[:60].strip("-") or "job"


def careers_path(company_slug: str) -> str:
    return f"/careers/{company_slug}"


def job_path(company_slug: str, job_id: int, title: str) -> str:
    """The canonical path of a job page: ``/careers/{slug}/jobs/{id}-{title-slug}``."""
    return f"/careers/{company_slug}/jobs/{job_id}-{title_slug(title)}"


def apply_path(company_slug: str, job_id: int) -> str:
    return f"/careers/{company_slug}/jobs/{job_id}/apply"
