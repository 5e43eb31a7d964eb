"""Writing and reading stored files. A row is written once, in the caller's transaction."""

from __future__ import annotations

import hashlib

from sqlmodel import Session

from ..models import StoredFile
from . import text_extraction


def prepare(owner_id: int, data: bytes, content_type: str, name: str) -> StoredFile:
    """The row for a checked file, with its text extracted (done before the transaction opens)."""
    text, note, pages = text_extraction.extract(content_type, data)
    return StoredFile(
        owner_id=owner_id,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
        original_name=name,
        data=data,
        page_count=pages,
        text=text,
        text_note=note,
    )


def add(s: Session, row: StoredFile) -> StoredFile:
    s.add(row)
    s.flush()
    return row
