"""The emails of an offer, written to the outbox in the caller's transaction, with their PDFs
attached (``OutboxAttachment``; outbox.py adds each file to the message it sends)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlmodel import Session

from ..mail.render import to_html
from ..models import OutboxAttachment, OutboxEmail
from ..settings import get_settings


def _message_id() -> str:
    host = urlsplit(get_settings().public_url).hostname or "flowtrack.local"
    return f"<{uuid.uuid4().hex}@{host}>"


def queue(
    s: Session,
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    company: str,
    application_id: int,
    attachments: tuple[tuple[int, str], ...] = (),
) -> None:
    """One email (plain text, its HTML made from it) and its attachments: (stored file id, name)."""
    now = datetime.now(UTC)
    text = text.strip("\n") + "\n"
    row = OutboxEmail(
        message_id=_message_id(),
        kind=kind,
        to_address=to,
        subject=" ".join(subject.split())[:250],
        body_text=text,
        body_html=to_html(text, company),
        application_id=application_id,
        created_at=now,
        next_attempt_at=now,
    )
    s.add(row)
    s.flush()
    for file_id, name in attachments:
        s.add(OutboxAttachment(email_id=row.id or 0, file_id=file_id, filename=name))
