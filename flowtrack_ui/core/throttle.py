"""Sign-in throttling: after 5 failed attempts for one email within 15 minutes, wait.

An attempt is recorded as a failure *before* its password is checked and forgotten again if
it succeeds, so a burst of parallel guesses cannot slip more than 5 past the check. The count
lives in the database, so every worker enforces the same limit.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, text
from sqlmodel import select

from .db import Database
from .errors import TooManyAttempts
from .models import SignInFailure

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _lock_email(s, db: Database, email: str) -> None:
    """Serialize attempts for one email (SQLite writers are already serialized)."""
    if not db.is_sqlite:
        key = int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big", signed=True)
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def begin_attempt(db: Database, email: str, now: datetime | None = None) -> int:
    """Refuse (TooManyAttempts) or reserve an attempt; returns its id for ``succeeded``."""
    now = now or datetime.now(UTC)
    with db.session(write=True) as s:
        _lock_email(s, db, email)
        s.execute(delete(SignInFailure).where(SignInFailure.failed_at < now - WINDOW))
        recent = s.exec(
            select(SignInFailure.failed_at)
            .where(SignInFailure.email == email, SignInFailure.failed_at >= now - WINDOW)
            .order_by(SignInFailure.failed_at.desc())
            .limit(MAX_FAILURES)
        ).all()
        if len(recent) >= MAX_FAILURES:
            oldest_counted = min(recent)
            raise TooManyAttempts(((oldest_counted + WINDOW) - now).total_seconds() + 1)
        attempt = SignInFailure(email=email, failed_at=now)
        s.add(attempt)
        s.flush()
        return attempt.id


def succeeded(db: Database, email: str) -> None:
    """A correct password: earlier failures for this email no longer count."""
    with db.session(write=True) as s:
        s.execute(delete(SignInFailure).where(SignInFailure.email == email))


def recent_failures(db: Database, email: str, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    with db.session() as s:
        return s.exec(
            select(func.count())
            .select_from(SignInFailure)
            .where(SignInFailure.email == email, SignInFailure.failed_at >= now - WINDOW)
        ).one()
