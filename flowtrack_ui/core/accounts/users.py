"""The user account rows the use cases share: how a user is shown, and adding one."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..errors import Conflict
from ..models import Company, User
from ..views import UserView
from . import email_ownership


def user_view(user: User, company: Company | None = None) -> UserView:
    """The account as callers see it (no hash, no token version leaves the core)."""
    return UserView(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        company_id=user.company_id,
        company_name=company.name if company else None,
    )


def add_user(session: Session, user: User) -> User:
    """Insert the account; a racing sign-up for the same address gets the same Conflict as a taken one."""
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(email_ownership.TAKEN) from None
    return user
