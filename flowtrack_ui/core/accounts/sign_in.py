"""Sign-in and tokens: credentials to a token, an emailed sign-in link to a token, a token to its
user on every call, sign-out, a password change or a first password (each ends every earlier
token), and the signed-in user's own account.

An account made by applying without one has no password (an empty hash, which no password
matches): its way in is the link emailed with each application, until it chooses a password.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import select

from .. import prebuilt, security, throttle
from ..db import Database, existing
from ..errors import Conflict, InvalidInput, NotFound, Unauthenticated
from ..models import Company, SignInLink, User
from ..permissions import Principal, Role
from ..views import UserView
from . import password_policy, sso, two_factor
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
    if user is None or not user.password_hash:  # no account, or one without a password
        security.dummy_verify(password)
        raise bad
    if not security.verify_password(password, user.password_hash) or not user.is_active:
        raise bad
    throttle.succeeded(db, email, client)
    with db.session() as s:
        sso_only = sso.password_refused(s, user)  # the company's staff sign in through its provider
    if sso_only:
        raise Unauthenticated(sso_only)
    return user_view(user)


def login(db: Database, email: str, password: str, client: str | None = None) -> str:
    """Sign in: an access token for these credentials. An account with two-factor sign-in gets
    ``two_factor.SecondFactorRequired`` (a challenge to finish with a code) instead."""
    view = authenticate(db, email, password, client)
    with db.session(write=True) as s:
        user = existing(s, User, view.id)
        if user.totp_enabled_at is not None:
            raise two_factor.challenge_for(user)
        user.last_sign_in_at = datetime.now(UTC)
        s.add(user)
        return security.create_access_token(user.id, user.token_version)


def issue_token(db: Database, user_id: int) -> str:
    """A token for an account just made or confirmed (sign-up, invitation): no password to check."""
    with db.session() as s:
        user = s.get(User, user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("Please sign in.")
        return security.create_access_token(user.id, user.token_version)


LINK_INVALID = "This sign-in link is not valid. Use the newest link we emailed you, or sign in."
LINK_USED = (
    "This sign-in link has already been used. Sign in with your password, or choose one with "
    "“Forgot your password?” on the sign-in page: we email you a link."
)
LINK_NEEDS_CODE = (
    "Your account has two-factor sign-in, so an emailed link cannot sign you in: sign in with your "
    "password and the code from your app."
)
LINK_EXPIRED = (
    "This sign-in link has expired. Sign in with your password, or choose one with “Forgot your "
    "password?” on the sign-in page: we email you a link."
)


def sign_in_with_link(db: Database, token: object) -> str:
    """Use the emailed sign-in link of an application sent without an account: an access token.

    Works once, until it expires (7 days). It came to the address, so the address is confirmed
    too. Every failure does the same look-up first, so the answer's timing tells nothing.
    """
    now = datetime.now(UTC)
    given = token if isinstance(token, str) and 10 <= len(token) <= 200 else ""
    token_hash = hashlib.sha256(given.encode()).hexdigest()
    with db.session(write=True) as s:
        link = s.exec(select(SignInLink).where(SignInLink.token_hash == token_hash)).first()
        if link is None or not given:
            raise NotFound(LINK_INVALID)
        if link.used_at is not None:
            raise Conflict(LINK_USED)
        if link.expires_at <= now:
            raise Conflict(LINK_EXPIRED)
        user = s.get(User, link.user_id)
        if user is None or not user.is_active or user.erased_at is not None:
            raise NotFound(LINK_INVALID)
        if user.totp_enabled_at is not None:  # a link in an inbox is not a second factor
            raise Conflict(LINK_NEEDS_CODE)
        claim = (
            sa.update(SignInLink)
            .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
            .values(used_at=now)
        )
        claimed = s.connection().execute(claim).rowcount
        if claimed != 1:  # used at the same moment by another request
            raise Conflict(LINK_USED)
        s.execute(
            sa.update(User)
            .where(User.id == user.id, User.email_verified_at.is_(None))
            .values(email_verified_at=now)
        )
        return security.create_access_token(user.id, user.token_version)


_USERS = User.__table__
_COMPANIES = Company.__table__
# Every request re-reads its caller: one prebuilt statement on a plain connection (no ORM session,
# no identity map), so a changed password, role, deactivation or sign-out is seen by the very next
# request.
_CALLER = (
    sa.select(
        _USERS.c.id,
        _USERS.c.role,
        _USERS.c.company_id,
        _USERS.c.email,
        _USERS.c.full_name,
        _USERS.c.is_active,
        _USERS.c.token_version,
        _USERS.c.totp_enabled_at,
        _COMPANIES.c.require_2fa,
    )
    .select_from(_USERS.outerjoin(_COMPANIES, _COMPANIES.c.id == _USERS.c.company_id))
    .where(_USERS.c.id == sa.bindparam("user_id"))
)


def active_principal(
    db: Database,
    user_id: int,
    token_version: int | None = None,
    *,
    read_only: bool = False,
    conn: Connection | None = None,
) -> Principal:
    """The active user ``user_id`` as a principal, re-read now (Unauthenticated when deactivated,
    gone, or — with ``token_version`` — signed out since). API tokens come through here too.
    ``conn``: a connection the caller reads more through (one checkout for both)."""
    if conn is None:
        with db.reads() as own:
            user = prebuilt.execute(own, _CALLER, {"user_id": user_id}).first()
    else:
        user = prebuilt.execute(conn, _CALLER, {"user_id": user_id}).first()
    stale = token_version is not None and token_version != user.token_version if user else True
    if user is None or not user.is_active or stale:
        raise Unauthenticated("Your session has ended; please sign in again.")
    return Principal(
        user_id=user.id,
        role=Role(user.role),
        company_id=user.company_id,
        email=user.email,
        full_name=user.full_name,
        read_only=read_only,
        must_enrol_2fa=two_factor.must_enrol(user.role, user.require_2fa, user.totp_enabled_at),
    )


def principal_from_token(db: Database, token: str | None, *, conn: Connection | None = None) -> Principal:
    """The signed-in user behind a token, re-read from the database on every call."""
    if not token:
        raise Unauthenticated("Please sign in.")
    claims = security.decode_access_token(token)
    return active_principal(db, int(claims["sub"]), claims.get("tv", 0), conn=conn)


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
        user = existing(s, User, principal.user_id)
        s.refresh(user)
        return security.create_access_token(user.id, user.token_version)


def has_password(db: Database, principal: Principal) -> bool:
    """Whether the account signs in with a password (one made by applying has none at first)."""
    with db.session() as s:
        user = s.get(User, principal.user_id)
        return user is not None and bool(user.password_hash)


def set_first_password(db: Database, principal: Principal, new_password: str) -> str:
    """Choose a password for an account that has none (made by applying without an account): no
    current password to give. Every earlier token ends (links signed in elsewhere too); a fresh
    one for this session is returned. An account with a password changes it with the current one."""
    new_password = password_policy.check(new_password, principal.email)
    new_hash = security.hash_password(new_password)
    with db.session(write=True) as s:
        first = (
            User.__table__.update()
            .where(User.id == principal.user_id, User.password_hash == "")
            .values(password_hash=new_hash, token_version=User.token_version + 1)
        )
        done = s.connection().execute(first).rowcount
        if done != 1:
            raise Conflict("Your account has a password already: change it with your current one.")
        user = existing(s, User, principal.user_id)
        s.refresh(user)
        return security.create_access_token(user.id, user.token_version)


def me(db: Database, principal: Principal) -> UserView:
    """The signed-in user's own account, with their company's name."""
    with db.session() as s:
        user = existing(s, User, principal.user_id)
        company = s.get(Company, user.company_id) if user.company_id else None
        return user_view(user, company)
