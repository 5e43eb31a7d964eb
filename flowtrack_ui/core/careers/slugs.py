"""A company's careers-site address, ``/careers/{slug}``: the rule for a slug, one per company.

A slug is chosen at company sign-up (made from the name when none is given) and may be changed
later; the old one then keeps answering as a redirect (``CompanySlugRedirect``), so it is never
handed to another company.
"""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session, select

from ..errors import Conflict, InvalidInput
from ..models import Company, CompanySlugRedirect

MAX_SLUG = 50
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
# Paths beside /careers/{slug} of FlowTrack's own, and words a company should not impersonate.
RESERVED = frozenset({"job", "jobs", "api", "admin", "static", "assets", "embed", "flowtrack", "www"})
SLUG_TAKEN = "This careers address is taken; choose another."


def slug_from_name(name: str) -> str:
    """``Acme Corp.`` → ``acme-corp``: accents dropped, anything else a hyphen."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_SLUG].strip("-")
    if len(slug) < 2 or slug in RESERVED:
        slug = f"{slug}-careers".strip("-") if slug else "company"
    return slug


def check_slug(value: object) -> str:
    """A slug as typed, lower-cased and trimmed; InvalidInput says what is wrong with it."""
    if not isinstance(value, str):
        raise InvalidInput("Careers address must be text.")
    slug = value.strip().lower()
    if not 2 <= len(slug) <= MAX_SLUG or not _SLUG.match(slug):
        raise InvalidInput(
            f"Careers address: 2–{MAX_SLUG} lower-case letters, digits and hyphens, "
            "starting and ending with a letter or digit."
        )
    if slug in RESERVED:
        raise InvalidInput(f"“{slug}” is reserved; choose another careers address.")
    return slug


def holder(s: Session, slug: str) -> int | None:
    """The company whose address (current or former) ``slug`` is, if any."""
    current = s.exec(select(Company.id).where(Company.slug == slug)).first()
    if current is not None:
        return current
    return s.exec(select(CompanySlugRedirect.company_id).where(CompanySlugRedirect.slug == slug)).first()


def ensure_free(s: Session, slug: str, company_id: int | None = None) -> None:
    """Conflict when another company holds ``slug`` now or held it before."""
    owner = holder(s, slug)
    if owner is not None and owner != company_id:
        raise Conflict(SLUG_TAKEN)


def first_free(s: Session, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first that no company holds."""
    slug, n = base, 2
    while holder(s, slug) is not None:
        suffix = f"-{n}"
        slug, n = base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix, n + 1
    return slug
