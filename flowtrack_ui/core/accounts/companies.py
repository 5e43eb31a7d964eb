"""Making a company: its name checked against every look-alike, its default rejection reasons.

Company sign-up makes one at once; a sign-up claim (an address an unconfirmed account holds)
makes it when the emailed link is used. Both go through ``create``, so the rule lives here once.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..careers import slugs
from ..errors import Conflict
from ..models import Company
from ..pipelines import rejection_reasons
from . import company_names

NAME_TAKEN = "A company with this name, or one that looks the same, is already registered."


def ensure_name_free(s: Session, company_name: str) -> None:
    """Refuse a cleaned name that another company has, in any case or look-alike spelling."""
    name_key = company_names.lookalike_key(company_name)
    taken = s.exec(
        select(Company.id).where(
            (func.lower(Company.name) == company_name.lower()) | (Company.name_key == name_key)
        )
    ).first()
    if taken is not None:
        raise Conflict(NAME_TAKEN)


def create(s: Session, company_name: str, slug: str | None = None) -> Company:
    """A new company with this (cleaned) name, in the caller's transaction; Conflict if the name
    or the chosen careers address (``slug``, checked) is taken. Without a slug one is made from
    the name (the first free of ``acme``, ``acme-2``…)."""
    ensure_name_free(s, company_name)
    if slug:
        slugs.ensure_free(s, slug)
    else:
        slug = slugs.first_free(s, slugs.slug_from_name(company_name))
    company = Company(name=company_name, name_key=company_names.lookalike_key(company_name), slug=slug)
    s.add(company)
    try:
        s.flush()
    except IntegrityError:  # a concurrent sign-up took it between the check and the insert
        raise Conflict(NAME_TAKEN) from None
    rejection_reasons.add_defaults(s, company.id)
    return company
