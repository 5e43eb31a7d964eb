"""Sign-in and tokens: credentials to a token, a token to its user on every call, sign-out,
a password change (which ends every earlier token), and the signed-in user's own account."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from .. import security, throttle
from ..db import Database
from ..errors import InvalidInput, Unauthenticated
from ..models import Company, User
from ..permissions import Principal, Role
from ..views import UserView
from . import password_policy
from .users import user_view


def authenticate(db: Database, email: str, password: str, client: str | None = None) -> UserView:
    """The user for these credentials, or Unauthenticated with one message for every failure.

    ``client`` is the caller's network address: failures are throttled per (email, address).
    """
    bad = Unauthenticated("Incorrect email or password.")
    if not isinstance(email, str) or not isinstance(password, str):
        raise bad
    email = email.strip().lower()
    if not email or len(email) > 254 or len(password) > 128:
        raise bad
    throttle.begin_attempt(db, email, client)  # TooManyAttempts after 5 failures in 15 minutes
    with db.session() as s:
        user = s.exec(select(User).where(User.email == email)).first()
    if user is None:
        security.dummy_verify(password)
        raise bad
    if not security.verify_password(password, user.password_hash) or not user.is_active:
        raise bad
    throttle.succeeded(db, email, client)
    return user_view(user)


def login(db: Database, email: str, password: str, client: str | None = None) -> str:
    """Sign in: an access token for these credentials."""
    view = authenticate(db, email, password, client)
    with db.session() as s:
        user = s.get(User, view.id)
        return security.create_access_token(user.id, user.token_version)


def issue_token(db: Database, user_id: int) -> str:
    """A token for an account just made or confirmed (sign-up, invitation): no password to check."""
    with db.session() as s:
        user = s.get(User, user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("Please sign in.")
        return security.create_access_token(user.id, user.token_version)


_USERS = User.__table__
# Every request re-reads its caller: one prebuilt statement on a plain connection (no ORM session,
# no identity map), so a changed password, role or sign-out is seen by the very next request.
_CALLER = sa.select(
    _USERS.c.id,
    _USERS.c.role,
    _USERS.c.company_id,
    _USERS.c.email,
    _USERS.c.full_name,
    _USERS.c.is_active,
    _USERS.c.token_version,
).where(_USERS.c.id == sa.bindparam("user_id"))


def principal_from_token(db: Database, token: str | None) -> Principal:
    """The signed-in user behind a token, re-read from the database on every call."""
    if not token:
        raise Unauthenticated("Please sign in.")
    claims = security.decode_access_token(token)
    with db.engine.connect() as conn:
        user = conn.execute(_CALLER, {"user_id": int(claims["sub"])}).first()
    if user is None or not user.is_active or claims.get("tv", 0) != user.token_version:
        raise Unauthenticated("Your session has ended; please sign in again.")
    return Principal(
        user_id=user.id,
        role=Role(user.role),
        company_id=user.company_id,
        email=user.email,
        full_name=user.full_name,
    )


def logout(db: Database, principal: Principal) -> None:
    """Ends every token issued to this user so far."""
    with db.session(write=True) as s:
        s.execute(
            User.__table__.update()
            .where(User.id == principal.user_id)
            .values(token_version=User.token_version + 1)
        )


def change_password(
    db: Database,
    principal: Principal,
    current_password: str,
    new_password: str,
    client: str | None = None,
) -> str:
    """Set a new password; every earlier token ends, and a fresh one for this session is returned.

    A wrong current password counts as a failed sign-in for the throttle.
    """
    new_password = password_policy.check(new_password, principal.email)
    if not isinstance(current_password, str) or len(current_password) > 128:
        raise InvalidInput("Your current password is not correct.")
    throttle.begin_attempt(db, principal.email, client)
    with db.session() as s:
        user = s.get(User, principal.user_id)
    if user is None or not security.verify_password(current_password, user.password_hash):
        raise InvalidInput("Your current password is not correct.")
    throttle.succeeded(db, principal.email, client)
    if current_password == new_password:
        raise InvalidInput("The new password must differ from the current one.")
    new_hash = security.hash_password(new_password)
    with db.session(write=True) as s:
        s.execute(
            User.__table__.update()
            .where(User.id == principal.user_id)
            .values(password_hash=new_hash, token_version=User.token_version + 1)
        )
        user = s.get(User, principal.user_id)
        s.refresh(user)
        return security.create_access_token(user.id, user.token_version)


def me(db: Database, principal: Principal) -> UserView:
    """The signed-in user's own account, with their company's name."""
    with db.session() as s:
        user = s.get(User, principal.user_id)
        company = s.get(Company, user.company_id) if user.company_id else None
        return user_view(user, company)
