"""Sign-up: a candidate's public sign-up, and a company's sign-up with its first recruiter.

Either way the address is confirmed by an emailed link (email_ownership); staff accounts never come
from the public sign-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import security, validation
from ..careers import slugs
from ..db import Database
from ..errors import Forbidden
from ..models import User
from ..permissions import Role
from ..views import UserView
from . import companies, company_names, email_ownership, password_policy
from .users import add_user, user_view


@dataclass(frozen=True)
class SignUp:
    """A candidate sign-up's outcome: the new account (its address still to confirm by the emailed
    link), or None when an unconfirmed account holds the address: then the link makes the account."""

    email: str
    user: UserView | None


def register_candidate(db: Database, email: str, password: str, full_name: str) -> SignUp:
    """Public sign-up: always a candidate, never staff. The address is confirmed by an emailed link.

    An address a confirmed account holds is refused; one an unconfirmed account holds becomes a
    sign-up claim (email_ownership.claim_address), so the holder never blocks the real owner.
    """
    email = validation.email(email)
    password = password_policy.check(password, email)
    full_name = validation.person_name(full_name)
    password_hash = security.hash_password(password)
    with db.session(write=True) as s:
        if email_ownership.ensure_not_owned(s, email) is not None:
            email_ownership.claim_address(s, email, full_name, password_hash)
            return SignUp(email=email, user=None)
        user = add_user(
            s,
            User(email=email, full_name=full_name, role=Role.CANDIDATE, password_hash=password_hash),
        )
        email_ownership.send_link(s, user)
        return SignUp(email=email, user=user_view(user))


def register(db: Database, email: str, password: str, full_name: str, role: str) -> SignUp:
    """The public register call of the API: any role but candidate is refused."""
    if str(role) != Role.CANDIDATE:
        raise Forbidden(
            "Public sign-up creates candidate accounts only. Staff accounts come from company "
            "sign-up (POST /api/companies) or an invitation from your company's staff."
        )
    return register_candidate(db, email, password, full_name)


def register_company(
    db: Database, company_name: str, email: str, password: str, full_name: str, company_slug: object = None
) -> SignUp:
    """Company sign-up: the company and its first recruiter, in one transaction.

    The recruiter's address is confirmed by the emailed link. An address a confirmed account holds
    is refused; one an unconfirmed account holds becomes a sign-up claim that makes the company and
    its recruiter when the link is used (``user`` is None then), like a candidate's sign-up.
    ``company_slug`` is the careers-site address (``/careers/{slug}``); without one it is made
    from the name.
    """
    company_name = company_names.clean(company_name)
    slug = slugs.check_slug(company_slug) if company_slug not in (None, "") else None
    email = validation.email(email)
    password = password_policy.check(password, email)
    full_name = validation.person_name(full_name)
    password_hash = security.hash_password(password)
    with db.session(write=True) as s:
        companies.ensure_name_free(s, company_name)
        if slug:
            slugs.ensure_free(s, slug)
        if email_ownership.ensure_not_owned(s, email) is not None:
            email_ownership.claim_address(
                s, email, full_name, password_hash, company_name=company_name, company_slug=slug
            )
            return SignUp(email=email, user=None)
        company = companies.create(s, company_name, slug)
        user = add_user(
            s,
            User(
                email=email,
                full_name=full_name,
                role=Role.RECRUITER,
                company_id=company.id,
                password_hash=password_hash,
            ),
        )
        email_ownership.send_link(s, user)  # nothing vouches for the address yet
        return SignUp(email=email, user=user_view(user, company))
