"""Password reset by emailed link: the token is stored hashed, valid one hour, works once.

Asking for a reset answers the same whether or not the email has an account, so the form
cannot be used to find out who uses FlowTrack. Setting the new password ends every earlier
token of the account, and confirms its address (the link came to it).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import select

from .. import notifications, security, validation
from ..db import Database, existing
from ..errors import Conflict, InvalidInput, NotFound
from ..models import PasswordReset, SignInFailure, User
from . import password_policy

RESET_TTL = timedelta(hours=1)
# More requests than this for one account within the hour send no further email (no mail bombing).
MAX_OPEN_REQUESTS = 3


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(db: Database, email: object, now: datetime | None = None) -> None:
    """Email a reset link if the address has an active account; silent either way."""
    try:
        email = validation.email(email)
    except InvalidInput:
        return
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with db.session(write=True) as s:
        user = s.exec(select(User).where(User.email == email, User.is_active)).first()
        if user is None:
            return
        recent = s.exec(
            select(func.count())
            .select_from(PasswordReset)
            .where(PasswordReset.user_id == user.id, PasswordReset.created_at > now - RESET_TTL)
        ).one()
        if recent >= MAX_OPEN_REQUESTS:
            return
        expires_at = now + RESET_TTL
        s.add(PasswordReset(user_id=user.id, token_hash=_hash(token), expires_at=expires_at, created_at=now))
        notifications.password_reset(s, user, token, expires_at)


def _open(s, token: object, now: datetime) -> PasswordReset:
    if not isinstance(token, str) or not 10 <= len(token) <= 200:
        raise NotFound("This password reset link is not valid.")
    reset = s.exec(select(PasswordReset).where(PasswordReset.token_hash == _hash(token))).first()
    if reset is None:
        raise NotFound("This password reset link is not valid.")
    if reset.used_at is not None:
        raise Conflict("This password reset link has already been used; ask for a new one.")
    if reset.expires_at <= now:
        raise Conflict("This password reset link has expired; ask for a new one.")
    return reset


def check_token(db: Database, token: object) -> str:
    """The email the link is for (shown on the reset page), or NotFound / Conflict."""
    with db.session() as s:
        reset = _open(s, token, datetime.now(UTC))
        return existing(s, User, reset.user_id).email


def reset_password(db: Database, token: object, password: object) -> int:
    """Set the new password, end every earlier token and every other reset link; the user's id."""
    now = datetime.now(UTC)
    email = check_token(db, token)
    password_hash = security.hash_password(password_policy.check(password, email))
    with db.session(write=True) as s:
        reset = _open(s, token, now)
        claimed = s.exec(
            update(PasswordReset)
            .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        ).rowcount
        if claimed != 1:
            raise Conflict("This password reset link has already been used; ask for a new one.")
        s.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
        s.execute(
            update(User)
            .where(User.id == reset.user_id)
            .values(password_hash=password_hash, token_version=User.token_version + 1)
        )
        # The emailed link proves the address too (accounts/email_ownership.py).
        s.execute(
            update(User)
            .where(User.id == reset.user_id, User.email_verified_at.is_(None))
            .values(email_verified_at=now)
        )
        # The link proved the mailbox: earlier failed sign-ins no longer hold the owner back.
        s.execute(delete(SignInFailure).where(SignInFailure.email == email))
        return reset.user_id
