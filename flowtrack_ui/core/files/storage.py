"""Writing and reading stored files. A row is written once, in the caller's transaction.

Everything read from a file's bytes (its text, its page count, its first pages as images) comes
from the file worker (``sandbox.py``) before the transaction opens; the server process itself
never parses an uploaded file. The page images are stored with the file and served as they are.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from ..db import Database
from ..models import FilePage, StoredFile
from . import quota, sandbox
from .file_types import PDF
from .preview import MAX_PREVIEW_PAGES, WIDTH_PX, PageImage

log = logging.getLogger("flowtrack.files")

PENDING, READY, NONE = "pending", "ready", "none"

_TEXT_NOTES = {
    "timeout": "The text could not be read in time; download the file to read it.",
    "memory": "The file is too large to read (it needs more memory than a résumé may); download it.",
    "crashed": "The file is too large to read (it needs more memory than a résumé may); download it.",
    "failed": "The file could not be read (it may be damaged); download it to open it.",
}
_PREVIEW_NOTES = {
    "timeout": "The pages could not be drawn in time; download the file to read it.",
    "memory": "The pages are too large to preview; download the file to read it.",
    "crashed": "The pages are too large to preview; download the file to read it.",
    "failed": "The pages could not be drawn (the PDF may be damaged); download it to read it.",
}


@dataclass
class Preview:
    status: str
    note: str | None = None
    page_count: int | None = None
    pages: list[PageImage] = field(default_factory=list)


@dataclass
class PreparedFile:
    """A checked file read by the worker: its row and its page images, not stored yet."""

    row: StoredFile
    pages: list[PageImage]


def draw_pages(content_type: str, data: bytes) -> Preview:
    """The first pages of a PDF as PNGs, drawn by a worker; ``pending`` if none was free."""
    if content_type != PDF:
        return Preview(NONE)
    outcome = sandbox.run("render", data, max_pages=MAX_PREVIEW_PAGES, width_px=WIDTH_PX)
    if outcome.status == "busy":
        return Preview(PENDING)
    if not outcome.ok:
        log.info("page images not drawn: %s", outcome.status)
        return Preview(NONE, _PREVIEW_NOTES.get(outcome.status, _PREVIEW_NOTES["failed"]))
    meta, blobs = outcome.result.get("pages") or [], outcome.blobs
    pages = [
        PageImage(page_no=int(m["page_no"]), png=png, width=int(m["width"]), height=int(m["height"]))
        for m, png in zip(meta, blobs, strict=False)
        if png.startswith(b"\x89PNG\r\n\x1a\n")
    ][:MAX_PREVIEW_PAGES]
    count = outcome.result.get("page_count")
    return Preview(
        READY if pages else NONE,
        _note(outcome.result.get("note")),
        count if isinstance(count, int) else None,
        pages,
    )


def read_text(content_type: str, data: bytes) -> tuple[str | None, str | None, int | None]:
    """(text, note, page count), read by a worker within its limits; FilesBusy if none came free."""
    outcome = sandbox.run("text", data, content_type=content_type)
    if outcome.status == "busy":
        raise quota.FilesBusy()
    if not outcome.ok:
        log.info("text not read: %s", outcome.status)
        return None, _TEXT_NOTES.get(outcome.status, _TEXT_NOTES["failed"]), None
    text, note, pages = (outcome.result.get(k) for k in ("text", "note", "page_count"))
    return (
        text if isinstance(text, str) else None,
        _note(note),
        pages if isinstance(pages, int) else None,
    )


def _note(value: object) -> str | None:
    return value[:300] if isinstance(value, str) and value else None


def prepare(owner_id: int, data: bytes, content_type: str, name: str) -> PreparedFile:
    """The row for a checked file, read by the worker (done before the transaction opens)."""
    text, note, pages = read_text(content_type, data)  # first: a busy refusal costs no drawing
    preview = draw_pages(content_type, data)
    row = StoredFile(
        owner_id=owner_id,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
        original_name=name,
        data=data,
        page_count=pages if pages is not None else preview.page_count,
        text=text,
        text_note=note,
        preview_status=preview.status,
        preview_note=preview.note,
    )
    return PreparedFile(row, preview.pages)


def _page_row(file_id: int, page: PageImage) -> FilePage:
    return FilePage(file_id=file_id, page_no=page.page_no, png=page.png, width=page.width, height=page.height)


def add(s: Session, prepared: PreparedFile) -> StoredFile:
    """Store the file and its page images in the caller's transaction; the row, with its id."""
    row = prepared.row
    s.add(row)
    s.flush()
    for page in prepared.pages:
        s.add(_page_row(row.id, page))
    s.flush()
    return row


def ensure_previews(db: Database, file_id: int) -> None:
    """Draw the pages of a file stored before previews existed (``pending``), once, in a worker.

    Called from a request's thread (never the event loop); two racing callers both draw, and
    the first to store wins.
    """
    with db.session() as s:
        row = s.get(StoredFile, file_id)
        if row is None or row.preview_status != PENDING:
            return
        content_type, data = row.content_type, row.data
    preview = draw_pages(content_type, data)
    if preview.status == PENDING:
        return
    with db.session(write=True) as s:
        row = s.get(StoredFile, file_id)
        if row is None or row.preview_status != PENDING:
            return
        row.preview_status, row.preview_note = preview.status, preview.note
        if row.page_count is None:
            row.page_count = preview.page_count
        s.add(row)
        for page in preview.pages:
            s.add(_page_row(file_id, page))


def page_image(s: Session, file_id: int, page_no: int) -> FilePage | None:
    return s.get(FilePage, (file_id, page_no))


def shown_pages(s: Session, row: StoredFile) -> int:
    """How many pages the viewer steps through: the drawn ones, at most ``MAX_PREVIEW_PAGES``."""
    if row.content_type != PDF:
        return 0
    last = s.exec(select(func.max(FilePage.page_no)).where(FilePage.file_id == row.id)).one()
    drawn = 0 if last is None else last + 1
    return min(max(drawn, row.page_count or 0), MAX_PREVIEW_PAGES)


def _references() -> list:
    """Every column that points to a stored file (its page images excepted)."""
    return [
        column
        for table in SQLModel.metadata.tables.values()
        if table.name != FilePage.__tablename__
        for column in table.columns
        if any(fk.column.table.name == StoredFile.__tablename__ for fk in column.foreign_keys)
    ]


def drop_if_unused(s: Session, file_id: int) -> bool:
    """Delete a file nothing points to (its page images go with it); True if it was deleted.

    A replaced résumé goes, unless an application snapshotted it. A writer that started to point
    at it meanwhile wins: the file is then kept.
    """
    for column in _references():
        if s.execute(select(column).where(column == file_id).limit(1)).first() is not None:
            return False
    try:
        with s.begin_nested():
            s.execute(delete(StoredFile).where(StoredFile.id == file_id))
    except IntegrityError:
        return False
    return True
