"""Sign-in throttling, counted per (email, client address) and per client address.

* 5 failed attempts for one email from one address within 15 minutes: that address waits.
  The same email from another address (the owner's own browser) is not affected, so a
  stranger guessing a password throttles only themself.
* 30 failed attempts from one address within 15 minutes, whatever the emails: that address
  waits (password spraying across many accounts).

An attempt is recorded as a failure *before* its password is checked and forgotten again if
it succeeds, so a burst of parallel guesses cannot slip past the check. The counts live in
the database, so every worker enforces the same limits. The client address is the caller's
to establish (the socket's peer, or a forwarded address from a trusted proxy).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, text
from sqlmodel import select

from .db import Database
from .errors import TooManyAttempts
from .models import SignInFailure

MAX_FAILURES = 5
MAX_FAILURES_PER_CLIENT = 30
WINDOW = timedelta(minutes=15)


def client_key(client: str | None) -> str:
    """The stored form of an address: at most 64 characters, '' when unknown."""
    return (client or "").strip()[:64]


def _lock(s, db: Database, client: str) -> None:
    """Serialize attempts from one address (SQLite writers are already serialized)."""
    if not db.is_sqlite:
        key = int.from_bytes(hashlib.sha256(client.encode()).digest()[:8], "big", signed=True)
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _retry_after(times: Sequence[datetime], now: datetime) -> int:
    """Whole seconds until the oldest counted failure leaves the window (HTTP's Retry-After)."""
    return int(((min(times) + WINDOW) - now).total_seconds() + 1)


def begin_attempt(db: Database, email: str, client: str | None = None, now: datetime | None = None) -> int:
    """Refuse (TooManyAttempts) or reserve an attempt; returns its id."""
    now = now or datetime.now(UTC)
    client = client_key(client)
    since = now - WINDOW
    with db.session(write=True) as s:
        _lock(s, db, client)
        s.execute(delete(SignInFailure).where(SignInFailure.failed_at < since))
        for_email = s.exec(
            select(SignInFailure.failed_at)
            .where(
                SignInFailure.email == email,
                SignInFailure.client == client,
                SignInFailure.failed_at >= since,
            )
            .order_by(SignInFailure.failed_at.desc())
            .limit(MAX_FAILURES)
        ).all()
        if len(for_email) >= MAX_FAILURES:
            raise TooManyAttempts(_retry_after(for_email, now))
        for_client = s.exec(
            select(SignInFailure.failed_at)
            .where(SignInFailure.client == client, SignInFailure.failed_at >= since)
            .order_by(SignInFailure.failed_at.desc())
            .limit(MAX_FAILURES_PER_CLIENT)
        ).all()
        if len(for_client) >= MAX_FAILURES_PER_CLIENT:
            raise TooManyAttempts(_retry_after(for_client, now))
        attempt = SignInFailure(email=email, client=client, failed_at=now)
        s.add(attempt)
        s.flush()
        return attempt.id


def succeeded(db: Database, email: str, client: str | None = None) -> None:
    """A correct password: earlier failures for this email from this address no longer count."""
    with db.session(write=True) as s:
        s.execute(
            delete(SignInFailure).where(
                SignInFailure.email == email, SignInFailure.client == client_key(client)
            )
        )


def recent_failures(db: Database, email: str, client: str | None = None, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    with db.session() as s:
        return s.exec(
            select(func.count())
            .select_from(SignInFailure)
            .where(
                SignInFailure.email == email,
                SignInFailure.client == client_key(client),
                SignInFailure.failed_at >= now - WINDOW,
            )
        ).one()
