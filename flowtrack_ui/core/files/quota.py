"""How many résumés an account may upload: ``FLOWTRACK_RESUME_UPLOADS_PER_HOUR`` (default 10).

Each upload costs a worker's time and a row of up to 10 MiB, so one free account may not send
them without end. An upload is counted when it starts (before its file is read), in its own
transaction, so parallel uploads cannot slip past the count; the counts live in the database,
so every server process enforces the same limit.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, text
from sqlmodel import select

from ..db import Database
from ..errors import DomainError, TooManyAttempts
from ..models import ResumeUpload
from ..settings import get_settings

WINDOW = timedelta(hours=1)


class TooManyUploads(TooManyAttempts):
    """Over the hourly upload quota; ``retry_after`` in whole seconds (HTTP's Retry-After)."""

    def __init__(self, retry_after: float, limit: int):
        self.retry_after = max(1, int(retry_after))
        minutes = -(-self.retry_after // 60)
        when = f"{minutes} minute{'s' if minutes != 1 else ''}"
        DomainError.__init__(self, f"You can upload at most {limit} résumés an hour. Try again in {when}.")


class FilesBusy(TooManyAttempts):
    """Every file worker stayed busy: the upload is refused (the current file kept), to retry.

    Storing the file without its text would leave it out of every search for good."""

    def __init__(self, retry_after: int = 60):
        self.retry_after = retry_after
        DomainError.__init__(
            self, "FlowTrack is busy reading other files. Your file was not saved; try again in a minute."
        )


def reserve(db: Database, user_id: int, now: datetime | None = None) -> None:
    """Count one upload of ``user_id``, or refuse it (TooManyUploads) when the hour's quota is used."""
    now = now or datetime.now(UTC)
    limit = get_settings().resume_uploads_per_hour
    since = now - WINDOW
    with db.session(write=True) as s:
        if not db.is_sqlite:  # one account's uploads are counted one at a time
            digest = hashlib.sha256(f"resume-upload:{user_id}".encode()).digest()
            key = int.from_bytes(digest[:8], "big", signed=True)
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
        s.execute(
            delete(ResumeUpload).where(ResumeUpload.user_id == user_id, ResumeUpload.uploaded_at < since)
        )
        recent = s.exec(
            select(ResumeUpload.uploaded_at)
            .where(ResumeUpload.user_id == user_id, ResumeUpload.uploaded_at >= since)
            .order_by(ResumeUpload.uploaded_at)
        ).all()
        if len(recent) >= limit:
            oldest = recent[len(recent) - limit]
            raise TooManyUploads(((oldest + WINDOW) - now).total_seconds() + 1, limit)
        s.add(ResumeUpload(user_id=user_id, uploaded_at=now))
