"""Rendering the careers site: the Jinja2 templates (autoescaped), each page's own strict CSP, and
the static files (one stylesheet, the embed script) served with long-lived cache headers."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from flowtrack_ui.core import markdown
from flowtrack_ui.core.careers import urls
from flowtrack_ui.core.careers.site import CompanySite
from flowtrack_ui.core.settings import get_settings

from . import structured, theme

HERE = Path(__file__).parent
STATIC = HERE / "static"
env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["markdown"] = markdown.to_html
env.globals.update(
    employment_label=structured.employment_label,
    workplace_label=structured.workplace_label,
    salary_label=structured.salary_label,
    job_path=urls.job_path,
    careers_path=urls.careers_path,
)

# Static files by name: what they are served as. Nothing else in the folder is served.
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_STATIC_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(css|js)$")
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"


def _version(name: str) -> str:
    """The first 12 hex digits of the file's SHA-256, hashed again only when the file changes."""
    try:
        return _digest(name, (STATIC / name).stat().st_mtime_ns)
    except OSError:
        return "0"


@lru_cache(maxsize=64)
def _digest(name: str, _mtime_ns: int) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def asset_url(name: str) -> str:
    """``/careers/assets/site.css?v=<content hash>``: cached for a year, a new file a new address."""
    return f"/careers/assets/{name}?v={_version(name)}"


env.globals["asset_url"] = asset_url


def static_file(name: str, version: str | None) -> Response | None:
    """A file of ``static/`` by its plain name (``site.css``), or None."""
    if not _STATIC_NAME.match(name) or not (STATIC / name).is_file():
        return None
    body = (STATIC / name).read_bytes()
    cache = LONG_CACHE if version == _version(name) else SHORT_CACHE
    return Response(body, media_type=STATIC_TYPES[Path(name).suffix], headers={"Cache-Control": cache})


def page_csp(style_sources: tuple[str, ...] = (), frame_ancestors: str = "'none'") -> str:
    """A careers page's own policy: scripts and styles from this origin only (inline style allowed
    only by hash, no inline script, no eval; JSON-LD blocks are data, never run), forms post here."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src " + " ".join(("'self'", *style_sources)),
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def absolute(path: str) -> str:
    return get_settings().public_url + path


def logo_path(company: CompanySite) -> str | None:
    if company.logo_file_id is None:
        return None
    return f"{urls.careers_path(company.slug)}/logo?v={company.logo_file_id}"


def html(
    request: Request,
    template: str,
    context: dict,
    *,
    company: CompanySite | None = None,
    status_code: int = 200,
    frame_ancestors: str = "'none'",
    cache: str = "no-cache",
) -> HTMLResponse:
    """A page of the site: the template with the company's colours (an inline style allowed by
    its hash) and the page's CSP."""
    theme_css = theme.theme_css(company.accent_color) if company else ""
    body = env.get_template(template).render(
        request=request,
        company=company,
        theme_css=theme_css,
        logo_url=logo_path(company) if company else None,
        **context,
    )
    styles = (theme.csp_hash(theme_css),) if theme_css else ()
    headers = {
        "Content-Security-Policy": page_csp(styles, frame_ancestors),
        "Cache-Control": cache,
    }
    return HTMLResponse(body, status_code=status_code, headers=headers)


def not_found(request: Request, message: str, company: CompanySite | None = None) -> HTMLResponse:
    return html(
        request, "not_found.html", {"message": message}, company=company, status_code=404, cache="no-cache"
    )
