"""The careers site as its company's staff set it up: address, about text, accent colour, links, logo.

Staff of the company read these settings; recruiters change them (``Action.EDIT_CAREERS_SITE``).
A changed address keeps the old one as a redirect (``CompanySlugRedirect``), so links already on
the web keep working and no other company can take it; a company going back to one of its own
old addresses takes it back from its redirects. What the public pages show of these settings is
``site.py``'s business.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import audit, validation
from ..db import Database
from ..errors import Conflict, InvalidInput, NotFound
from ..files import images, storage
from ..models import Company, CompanySlugRedirect, StoredFile
from ..permissions import Action, Principal, may, require
from ..settings import get_settings
from . import slugs, urls

MAX_ABOUT = 5_000
MAX_LINKS = 8
MAX_LINK_LABEL = 40
MAX_LINK_URL = 300
# Old addresses a company keeps as redirects; past this, the oldest is let go.
MAX_OLD_SLUGS = 10
FIELDS = ("slug", "about", "accent_color", "links")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# A scheme before a colon (``javascript:``, ``https://``); ``acme.com:8080`` has none (a dot).
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+-]*):")


@dataclass(frozen=True)
class CareersLink:
    label: str
    url: str


@dataclass(frozen=True)
class CareersSettings:
    """The settings and the addresses made from them (the site's, its logo's, the embed snippets)."""

    company_name: str
    slug: str
    about: str  # Markdown
    accent_color: str
    links: tuple[CareersLink, ...]
    has_logo: bool
    logo_url: str  # "" without a logo; changes with each new logo, so browsers fetch it again
    careers_url: str
    embed_script: str
    embed_iframe: str
    old_slugs: tuple[str, ...]  # addresses that redirect here, newest first
    can_edit: bool


def accent_color(value: object) -> str:
    """``#rrggbb``, stored lower-case."""
    if not isinstance(value, str) or not _COLOR.match(value.strip()):
        raise InvalidInput("Accent colour must be a hex colour like #4f46e5.")
    return value.strip().lower()


def link_url(value: object, n: int) -> str:
    """An http(s) address with a host name; ``acme.com`` is read as ``https://acme.com``, and any
    other scheme (``javascript:``, ``data:``, ``mailto:``) is refused."""
    url = validation.text(value, f"Link {n} address", max_len=MAX_LINK_URL)
    refused = InvalidInput(f"Link {n} must be a web address starting with http:// or https://.")
    scheme = _SCHEME.match(url)
    if scheme is None:
        url = "https://" + url
    elif scheme.group(1).lower() not in ("http", "https"):
        raise refused
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        raise refused from None
    host = parts.hostname or ""
    if "." not in host.strip(".") or any(ch.isspace() for ch in url) or "\\" in url:
        raise refused
    return url


def parse_links(value: object) -> list[dict[str, str]]:
    """At most ``MAX_LINKS`` of ``{label, url}``, both required, http(s) addresses only."""
    if not isinstance(value, list | tuple):
        raise InvalidInput("Links must be a list of {label, url}.")
    if len(value) > MAX_LINKS:
        raise InvalidInput(f"A careers site has at most {MAX_LINKS} links.")
    out = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            raise InvalidInput(f"Link {n} must be an object with a label and a url.")
        label = validation.text(item.get("label"), f"Link {n} label", max_len=MAX_LINK_LABEL)
        out.append({"label": label, "url": link_url(item.get("url"), n)})
    return out


def parse_fields(given: object) -> dict[str, object]:
    """The checked fields of an update; a field left out is not changed."""
    if not isinstance(given, Mapping):
        raise InvalidInput("Careers settings must be an object.")
    unknown = set(given) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown careers setting: {sorted(map(str, unknown))[0]}.")
    out: dict[str, object] = {}
    if "slug" in given:
        out["slug"] = slugs.check_slug(given["slug"])
    if "about" in given:
        out["about"] = validation.text(
            given["about"], "About", max_len=MAX_ABOUT, required=False, multiline=True
        )
    if "accent_color" in given:
        out["accent_color"] = accent_color(given["accent_color"])
    if "links" in given:
        out["links"] = parse_links(given["links"])
    return out


def _stored_links(raw: str) -> tuple[CareersLink, ...]:
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(
        CareersLink(str(i.get("label", "")), str(i.get("url", "")))
        for i in (items if isinstance(items, list) else [])
        if isinstance(i, dict)
    )


def _view(s: Session, company: Company, principal: Principal) -> CareersSettings:
    base = get_settings().public_url
    script, frame = urls.embed_snippets(base, company.slug)
    old = s.exec(
        select(CompanySlugRedirect.slug)
        .where(CompanySlugRedirect.company_id == company.id)
        .order_by(CompanySlugRedirect.created_at.desc(), CompanySlugRedirect.slug)
    ).all()
    site = base + urls.careers_path(company.slug)
    return CareersSettings(
        company_name=company.name,
        slug=company.slug,
        about=company.about or "",
        accent_color=company.accent_color,
        links=_stored_links(company.links),
        has_logo=company.logo_file_id is not None,
        logo_url=f"{site}/logo?v={company.logo_file_id}" if company.logo_file_id else "",
        careers_url=site,
        embed_script=script,
        embed_iframe=frame,
        old_slugs=tuple(old),
        can_edit=may(principal, Action.EDIT_CAREERS_SITE),
    )


def _company(s: Session, principal: Principal) -> Company:
    company = s.get(Company, principal.company_id) if principal.company_id else None
    if company is None:
        raise NotFound("Company not found.")
    return company


def get_careers(db: Database, principal: Principal) -> CareersSettings:
    """The caller's company's careers settings (staff)."""
    require(principal, Action.MANAGE_JOBS)
    with db.session() as s:
        return _view(s, _company(s, principal), principal)


def _change_slug(s: Session, company: Company, slug: str) -> None:
    """Move the company to ``slug``; its old address stays as a redirect to it."""
    slugs.ensure_free(s, slug, company.id)
    s.execute(
        delete(CompanySlugRedirect).where(
            CompanySlugRedirect.slug == slug, CompanySlugRedirect.company_id == company.id
        )
    )
    s.add(CompanySlugRedirect(slug=company.slug, company_id=company.id))
    company.slug = slug
    kept = s.exec(
        select(CompanySlugRedirect.slug)
        .where(CompanySlugRedirect.company_id == company.id)
        .order_by(CompanySlugRedirect.created_at.desc(), CompanySlugRedirect.slug)
    ).all()
    if len(kept) > MAX_OLD_SLUGS:
        s.execute(delete(CompanySlugRedirect).where(CompanySlugRedirect.slug.in_(kept[MAX_OLD_SLUGS:])))


def update_careers(db: Database, principal: Principal, fields: object) -> CareersSettings:
    """Change the fields given (recruiters); Conflict when another company holds the address now
    or held it before."""
    require(principal, Action.EDIT_CAREERS_SITE)
    values = parse_fields(fields)
    try:
        with db.session(write=True) as s:
            company = _company(s, principal)
            slug = values.pop("slug", company.slug)
            changed = sorted(values) + (["slug"] if slug != company.slug else [])
            if slug != company.slug:
                _change_slug(s, company, str(slug))
            if "links" in values:
                values["links"] = json.dumps(values["links"])
            for key, value in values.items():
                setattr(company, key, value)
            s.add(company)
            s.flush()
            audit.record(s, principal, "careers.updated", f"company {company.id}", {"fields": changed})
            return _view(s, company, principal)
    except IntegrityError:  # another request took the address between the check and the write
        raise Conflict(slugs.SLUG_TAKEN) from None


def set_logo(db: Database, principal: Principal, data: object) -> CareersSettings:
    """A new logo (PNG, JPEG or WebP, at most 2 MiB), re-encoded by a file worker to a PNG of at
    most 512 px a side; the old logo's file is deleted. A refused file changes nothing.

    Blocks for as long as the worker takes (bounded by its time limit): call it from a thread,
    never on the event loop."""
    require(principal, Action.EDIT_CAREERS_SITE)
    data, content_type = images.check_logo(data)
    png, _width, _height = images.logo_png(data, content_type)
    row = StoredFile(
        owner_id=principal.user_id,
        sha256=hashlib.sha256(png).hexdigest(),
        size=len(png),
        content_type=images.PNG,
        original_name="logo.png",
        data=png,
        preview_status=storage.NONE,
    )
    with db.session(write=True) as s:
        company = _company(s, principal)
        replaced = company.logo_file_id
        storage.add(s, storage.PreparedFile(row, []))
        company.logo_file_id = row.id
        s.add(company)
        s.flush()
        if replaced is not None:
            storage.drop_if_unused(s, replaced)
        audit.record(s, principal, "careers.logo_changed", f"company {company.id}")
        return _view(s, company, principal)


def remove_logo(db: Database, principal: Principal) -> CareersSettings:
    """The careers site goes without a logo; its file is deleted."""
    require(principal, Action.EDIT_CAREERS_SITE)
    with db.session(write=True) as s:
        company = _company(s, principal)
        replaced = company.logo_file_id
        company.logo_file_id = None
        s.add(company)
        s.flush()
        if replaced is not None:
            storage.drop_if_unused(s, replaced)
        audit.record(s, principal, "careers.logo_removed", f"company {company.id}")
        return _view(s, company, principal)


def logo_png(db: Database, principal: Principal) -> bytes | None:
    """The company's logo as stored (a PNG), for its staff's settings page; None without one."""
    require(principal, Action.MANAGE_JOBS)
    with db.session() as s:
        company = _company(s, principal)
        row = s.get(StoredFile, company.logo_file_id) if company.logo_file_id else None
        return row.data if row is not None else None
