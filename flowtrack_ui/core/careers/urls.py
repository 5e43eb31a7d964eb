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


def embed_script_path(company_slug: str) -> str:
    return f"/careers/{company_slug}/embed.js"


def embed_frame_path(company_slug: str) -> str:
    return f"/careers/{company_slug}/embed"


def embed_snippets(base_url: str, company_slug: str) -> tuple[str, str]:
    """What a company pastes on its own website to list its open jobs: a ``<script>`` that draws
    the list where it stands, or an ``<iframe>`` of the same list."""
    script = (
        f'<div id="flowtrack-jobs"></div>\n'
        f'<script src="{base_url}{embed_script_path(company_slug)}" async></script>'
    )
    frame = (
        f'<iframe src="{base_url}{embed_frame_path(company_slug)}" title="Open jobs" '
        f'style="width:100%;min-height:480px;border:0" loading="lazy"></iframe>'
    )
    return script, frame
