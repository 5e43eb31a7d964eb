"""The conversation with a candidate about one application: emails out, replies in, the team's notes.

Every outbox email to the application's candidate has one state (``email_state``): held until a
time, queued, sent, failed or cancelled. Recruiters write to the candidate (a template of the
company, or a blank message), with attachments, now or at a chosen time, and may cancel a held
email or send it at once; the hiring team reads. Notes are in the thread for the team only: they
are never part of an email. Another company's application or email is NotFound.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from .. import validation
from ..db import Database, announce_application_change, existing
from ..errors import Conflict, InvalidInput, NotFound, TooLarge, UnsupportedFile
from ..files.file_types import DOCX, PDF, sniff
from ..models import (
    Application,
    ApplicationNote,
    CompanyEmailTemplate,
    InboundAttachment,
    InboundEmail,
    InboundUnread,
    Job,
    OutboxAttachment,
    OutboxEmail,
    ReplyAddress,
    StoredFile,
    User,
)
from ..permissions import Action, Principal, may, require
from ..scoping import company_application
from ..settings import get_settings
from ..views import FileView
from . import render, values
from .templates import BUILT_IN

MESSAGE_KIND = "message"
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS_TOTAL = 10 * 1024 * 1024
# How far ahead a message may be scheduled.
MAX_SCHEDULE = timedelta(days=365)
PNG, JPEG, TEXT = "image/png", "image/jpeg", "text/plain"
ATTACHMENT_LABELS = {PDF: "PDF", DOCX: "Word", PNG: "PNG image", JPEG: "JPEG image", TEXT: "text"}
_EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", PNG: ".png", JPEG: ".jpg", TEXT: ".txt"}

# An email's states. Held: waiting for its time (a scheduled message, a rejection held by the
# recruiter, a move's email during the undo window). Queued: due, the sender takes it next (or
# retries it after a refusal it may recover from).
HELD, QUEUED, SENT, FAILED, CANCELLED = "held", "queued", "sent", "failed", "cancelled"
STATE_LABELS = {HELD: "Held", QUEUED: "Sending", SENT: "Sent", FAILED: "Failed", CANCELLED: "Cancelled"}


def email_state(row: OutboxEmail, now: datetime | None = None) -> tuple[str, datetime | None]:
    """The one place that says what became of an email: (state, the time it is held until)."""
    now = now or datetime.now(UTC)
    if row.cancelled_at is not None:
        return CANCELLED, None
    if row.failed_at is not None:  # refused for good, or sent and then returned (a bounce)
        return FAILED, None
    if row.sent_at is not None:
        return SENT, None
    if row.next_attempt_at > now and row.attempts == 0:
        return HELD, row.next_attempt_at
    return QUEUED, None


@dataclass(frozen=True)
class AttachmentView:
    file_id: int
    name: str
    size: int
    content_type: str


@dataclass(frozen=True)
class ConversationItem:
    """One entry of the thread: an email out (``email``), a reply in (``reply``: its ``state`` is
    reply, bounce or auto_reply) or a note of the team (``note``, never sent)."""

    kind: str
    id: int
    at: datetime
    author: str  # who wrote it: a recruiter, FlowTrack, the candidate, a colleague
    subject: str
    body: str
    state: str
    held_until: datetime | None
    template_name: str
    address: str  # to (an email) or from (a reply)
    unread: bool
    can_cancel: bool
    can_send_now: bool
    attachments: tuple[AttachmentView, ...]
    error: str = ""


def _to_candidate(s: Session, app: Application) -> tuple[User, object]:
    candidate = existing(s, User, app.candidate_id)
    return candidate, func.lower(OutboxEmail.to_address) == candidate.email.lower()


def _attachments(s: Session, email_ids: list[int], inbound_ids: list[int]) -> dict[tuple[str, int], list]:
    found: dict[tuple[str, int], list] = {}
    if email_ids:
        for email_id, file_id, name, size, ctype in s.execute(
            sa.select(
                OutboxAttachment.email_id,
                StoredFile.id,
                OutboxAttachment.filename,
                StoredFile.size,
                StoredFile.content_type,
            )
            .join(StoredFile, StoredFile.id == OutboxAttachment.file_id)
            .where(col(OutboxAttachment.email_id).in_(email_ids))
            .order_by(OutboxAttachment.id)
        ).all():
            found.setdefault(("email", email_id), []).append(AttachmentView(file_id, name, size, ctype))
    if inbound_ids:
        for inbound_id, file_id, name, size, ctype in s.execute(
            sa.select(
                InboundAttachment.inbound_id,
                StoredFile.id,
                StoredFile.original_name,
                StoredFile.size,
                StoredFile.content_type,
            )
            .join(StoredFile, StoredFile.id == InboundAttachment.file_id)
            .where(col(InboundAttachment.inbound_id).in_(inbound_ids))
            .order_by(InboundAttachment.position)
        ).all():
            found.setdefault(("reply", inbound_id), []).append(AttachmentView(file_id, name, size, ctype))
    return found


def conversation(db: Database, principal: Principal, application_id: object) -> list[ConversationItem]:
    """The thread, newest first: every email to the candidate (with its state), every reply, bounce
    and automatic reply, and the team's notes."""
    require(principal, Action.READ_CONVERSATION)
    can_write = may(principal, Action.WRITE_TO_CANDIDATES)
    now = datetime.now(UTC)
    with db.session() as s:
        app = company_application(s, principal, application_id)
        candidate, to_candidate = _to_candidate(s, app)
        job = existing(s, Job, app.job_id)
        names = {u.id: u.full_name for u in s.exec(select(User).where(User.company_id == job.company_id))}
        emails = s.exec(
            select(OutboxEmail).where(OutboxEmail.application_id == app.id, to_candidate)  # type: ignore[arg-type]
        ).all()
        replies = s.exec(select(InboundEmail).where(InboundEmail.application_id == app.id)).all()
        unread = set(
            s.exec(
                select(InboundUnread.inbound_id)
                .join(InboundEmail, InboundEmail.id == InboundUnread.inbound_id)
                .where(
                    InboundEmail.application_id == app.id,
                    InboundUnread.user_id == principal.user_id,
                    col(InboundUnread.read_at).is_(None),
                )
            ).all()
        )
        note_rows = s.exec(select(ApplicationNote).where(ApplicationNote.application_id == app.id)).all()
        files = _attachments(s, [e.id for e in emails if e.id], [r.id for r in replies if r.id])
    items = [_email_item(e, now, names, can_write, files) for e in emails]
    for r in replies:
        assert r.id is not None
        items.append(
            ConversationItem(
                kind="reply",
                id=r.id,
                at=r.received_at,
                author=r.from_name or candidate.full_name
                if r.kind == "reply"
                else r.from_name or r.from_address,
                subject=r.subject,
                body=r.body_text,
                state=r.kind,
                held_until=None,
                template_name="",
                address=r.from_address,
                unread=r.id in unread,
                can_cancel=False,
                can_send_now=False,
                attachments=tuple(files.get(("reply", r.id), [])),
                error=r.note,
            )
        )
    for n in note_rows:
        assert n.id is not None
        items.append(
            ConversationItem(
                kind="note",
                id=n.id,
                at=n.created_at,
                author=names.get(n.author_id, ""),
                subject="",
                body=n.body,
                state="note",
                held_until=None,
                template_name="",
                address="",
                unread=False,
                can_cancel=False,
                can_send_now=False,
                attachments=(),
            )
        )
    items.sort(key=lambda i: (i.at, i.kind, i.id), reverse=True)
    return items


def _email_item(
    e: OutboxEmail, now: datetime, names: dict, can_write: bool, files: dict[tuple[str, int], list]
) -> ConversationItem:
    assert e.id is not None
    state, until = email_state(e, now)
    return ConversationItem(
        kind="email",
        id=e.id,
        at=e.sent_at or (until if until else e.created_at),
        author=names.get(e.author_id, "") if e.author_id else "FlowTrack",
        subject=e.subject,
        body=e.body_text,
        state=state,
        held_until=until,
        template_name=e.template_name or "",
        address=e.to_address,
        unread=False,
        can_cancel=can_write and state == HELD,
        can_send_now=can_write and state == HELD,
        attachments=tuple(files.get(("email", e.id), [])),
        error=(e.last_error or "")[:300] if state in (FAILED, QUEUED) else "",
    )


def conversation_emails(db: Database, principal: Principal, application_id: object) -> list[ConversationItem]:
    """The thread's emails alone, as ``conversation`` shows them, newest first. A stage move can
    queue a stage email or (an undo) cancel a held one, but never writes a note or touches a
    reply: the open conversation reads only these after a move."""
    require(principal, Action.READ_CONVERSATION)
    can_write = may(principal, Action.WRITE_TO_CANDIDATES)
    now = datetime.now(UTC)
    with db.session() as s:
        app = company_application(s, principal, application_id)
        _candidate, to_candidate = _to_candidate(s, app)
        emails = s.exec(
            select(OutboxEmail).where(OutboxEmail.application_id == app.id, to_candidate)  # type: ignore[arg-type]
        ).all()
        authors = sorted({e.author_id for e in emails if e.author_id})
        names = (
            {
                u.id: u.full_name
                for u in s.exec(
                    select(User).where(col(User.id).in_(authors), User.company_id == principal.company_id)
                )
            }
            if authors
            else {}
        )
        files = _attachments(s, [e.id for e in emails if e.id], [])
    items = [_email_item(e, now, names, can_write, files) for e in emails]
    items.sort(key=lambda i: (i.at, i.kind, i.id), reverse=True)
    return items


def mark_read(db: Database, principal: Principal, application_id: object) -> int:
    """The caller has opened the conversation: its replies are no longer unread for them."""
    require(principal, Action.READ_CONVERSATION)
    with db.session(write=True) as s:
        app = company_application(s, principal, application_id)
        theirs = select(InboundEmail.id).where(InboundEmail.application_id == app.id)
        done = s.exec(
            update(InboundUnread)
            .where(
                col(InboundUnread.inbound_id).in_(theirs),
                InboundUnread.user_id == principal.user_id,
                col(InboundUnread.read_at).is_(None),
            )
            .values(read_at=datetime.now(UTC))
        ).rowcount  # type: ignore[attr-defined]
    return int(done or 0)


# --- cancelling and sending early ------------------------------------------------------------


def _company_email(
    s: Session, principal: Principal, email_id: object
) -> tuple[OutboxEmail, Application, Job]:
    """An email about one of the caller's company's applications; any other is NotFound."""
    email_id = validation.object_id(email_id, "Email id")
    row = s.exec(
        select(OutboxEmail, Application, Job)
        .join(Application, Application.id == OutboxEmail.application_id)
        .join(Job, Job.id == Application.job_id)
        .where(OutboxEmail.id == email_id, Job.company_id == principal.company_id)
    ).first()
    if row is None:
        raise NotFound("Email not found.")
    return row


def _held_now(now: datetime):
    return (
        col(OutboxEmail.sent_at).is_(None),
        col(OutboxEmail.failed_at).is_(None),
        col(OutboxEmail.cancelled_at).is_(None),
        OutboxEmail.attempts == 0,
        OutboxEmail.next_attempt_at > now,
        or_(col(OutboxEmail.leased_until).is_(None), col(OutboxEmail.leased_until) < now),
    )


def _not_held(row: OutboxEmail) -> Conflict:
    state, _ = email_state(row)
    words = {
        SENT: "it has already been sent",
        CANCELLED: "it was cancelled",
        FAILED: "it could not be delivered",
        QUEUED: "it is being sent now",
    }
    return Conflict(f"This email is no longer held: {words.get(state, state)}.")


def _change_held(db: Database, principal: Principal, email_id: object, **values_: object) -> ConversationItem:
    require(principal, Action.WRITE_TO_CANDIDATES)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        row, app, job = _company_email(s, principal, email_id)
        done = s.exec(
            update(OutboxEmail).where(OutboxEmail.id == row.id, *_held_now(now)).values(**values_)  # type: ignore[arg-type]
        ).rowcount  # type: ignore[attr-defined]
        s.refresh(row)
        if done != 1:
            raise _not_held(row)
        assert app.id is not None
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=job.company_id
        )
    return next(i for i in conversation(db, principal, app.id) if i.kind == "email" and i.id == row.id)


def cancel_email(db: Database, principal: Principal, email_id: object) -> ConversationItem:
    """A held email is not sent (recruiters). One already sent, or being sent, is a Conflict."""
    return _change_held(db, principal, email_id, cancelled_at=datetime.now(UTC))


def send_now(db: Database, principal: Principal, email_id: object) -> ConversationItem:
    """A held email goes at once (recruiters): the sender takes it at its next pass."""
    return _change_held(db, principal, email_id, next_attempt_at=datetime.now(UTC))


# --- writing to a candidate --------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file a recruiter attaches: its name as the browser sent it, and its bytes."""

    name: str
    data: bytes


def attachment_type(data: bytes) -> str | None:
    """What an attachment is, from its bytes: PDF, Word, PNG, JPEG or plain UTF-8 text."""
    found = sniff(data)
    if found:
        return found
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if b"\x00" not in data[:65536]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT
    return None


def _safe_name(name: object, content_type: str) -> str:
    raw = name if isinstance(name, str) else ""
    raw = raw.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in raw if ch.isprintable() and ch not in '"<>|:*?').strip(" .")[:150]
    stem = cleaned.rsplit(".", 1)[0] if "." in cleaned else cleaned
    return (stem or "attachment") + _EXTENSIONS[content_type]


def check_attachments(uploads: Sequence[Upload]) -> list[tuple[str, str, bytes]]:
    """(safe name, content type, bytes) of each attachment, or why they are refused."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise InvalidInput(f"Attach at most {MAX_ATTACHMENTS} files to one message.")
    total = 0
    checked = []
    for up in uploads:
        if not isinstance(up.data, bytes | bytearray) or not up.data:
            raise InvalidInput("An attached file is empty.")
        data = bytes(up.data)
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise TooLarge(
                f"{_safe_name(up.name, TEXT)[:-4]} is {len(data) / 1_048_576:.1f} MiB; "
                f"a file may be at most {MAX_ATTACHMENT_BYTES // 1_048_576} MiB."
            )
        total += len(data)
        content_type = attachment_type(data)
        if content_type is None:
            raise UnsupportedFile(
                "Attachments may be PDF, Word (DOCX), PNG, JPEG or plain text files; "
                f"{str(up.name)[:100]!r} is none of these."
            )
        checked.append((_safe_name(up.name, content_type), content_type, data))
    if total > MAX_ATTACHMENTS_TOTAL:
        raise TooLarge(f"The attachments come to {total / 1_048_576:.1f} MiB; at most 10 MiB per message.")
    return checked


def _send_at(raw: object, now: datetime) -> datetime:
    """Now (nothing given), or an aware time ahead (ISO 8601 with its offset), within a year."""
    if raw in (None, ""):
        return now
    if isinstance(raw, datetime):
        when = raw
    elif isinstance(raw, str) and len(raw) <= 40:
        try:
            when = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise InvalidInput("send_at must be a date and time such as 2026-05-12T09:00:00+02:00.") from None
    else:
        raise InvalidInput("send_at must be a date and time such as 2026-05-12T09:00:00+02:00.")
    if when.tzinfo is None:
        raise InvalidInput("send_at needs its time zone offset (for example +02:00 or Z).")
    when = when.astimezone(UTC)
    if when < now - timedelta(minutes=1):
        raise InvalidInput("That time has passed; choose a time ahead, or send now.")
    if when > now + MAX_SCHEDULE:
        raise InvalidInput("A message can be scheduled at most a year ahead.")
    return max(when, now)


def _template_name(s: Session, principal: Principal, template_id: object) -> str | None:
    """The name of the company template the message started from (None: a blank message)."""
    if template_id in (None, "", 0):
        return None
    if template_id == "built-in":
        return BUILT_IN[MESSAGE_KIND].name
    template_id = validation.object_id(template_id, "Template id")
    row = s.get(CompanyEmailTemplate, template_id)
    if row is None or row.company_id != principal.staff_company_id:
        raise NotFound("Email template not found.")
    return row.name


def template_source(s: Session, principal: Principal, template_id: object) -> tuple[str, str, str]:
    """(name, subject, body) of a company template to send as a message (the bulk "email"
    action); "built-in" is FlowTrack's own message. Another company's is NotFound."""
    if template_id in (None, "", 0):
        raise InvalidInput("Choose the email template to send.")
    if template_id == "built-in":
        built = BUILT_IN[MESSAGE_KIND]
        return built.name, built.subject, built.body
    template_id = validation.object_id(template_id, "Template id")
    row = s.get(CompanyEmailTemplate, template_id)
    if row is None or row.company_id != principal.staff_company_id:
        raise NotFound("Email template not found.")
    render.check_template(MESSAGE_KIND, row.subject, row.body)
    return row.name, row.subject, row.body


def _message_id() -> str:
    host = urlsplit(get_settings().public_url).hostname or "flowtrack.local"
    return f"<{uuid.uuid4().hex}@{host}>"


def render_message(
    db: Database, principal: Principal, application_id: object, subject: object, body: object
) -> render.Rendered:
    """The message as the candidate will read it (the compose form's preview); refused like a
    template when it uses a variable a message does not have."""
    require(principal, Action.WRITE_TO_CANDIDATES)
    subject_text, body_text = _subject_body(subject, body)
    with db.session() as s:
        app = company_application(s, principal, application_id)
        assert app.id is not None
        filled = values.for_application(s, app.id)
    return render.render(MESSAGE_KIND, subject_text, body_text, filled)


def _subject_body(subject: object, body: object) -> tuple[str, str]:
    subject_text = validation.text(subject, "Subject", max_len=render.MAX_SUBJECT)
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput("Write the message first.")
    if len(body) > render.MAX_BODY:
        raise InvalidInput(f"A message may be at most {render.MAX_BODY:,} characters.")
    return subject_text, body.replace("\r\n", "\n").strip("\n")


def compose(
    db: Database,
    principal: Principal,
    application_id: object,
    raw: Mapping[str, object],
    uploads: Sequence[Upload] = (),
) -> ConversationItem:
    """A recruiter's message to the candidate: the subject and body (variables filled in as in a
    template), sent now or held until ``send_at``, with attachments as MIME parts. The row records
    its author and the template it started from (``template_id``; "built-in" for FlowTrack's)."""
    require(principal, Action.WRITE_TO_CANDIDATES)
    subject_text, body_text = _subject_body(raw.get("subject"), raw.get("body"))
    files = check_attachments(uploads)
    now = datetime.now(UTC)
    send_at = _send_at(raw.get("send_at"), now)
    with db.session(write=True) as s:
        app = company_application(s, principal, application_id)
        assert app.id is not None
        candidate = existing(s, User, app.candidate_id)
        if candidate.erased_at is not None:
            raise InvalidInput("This candidate's data was erased; there is no one to write to.")
        template_name = _template_name(s, principal, raw.get("template_id"))
        filled = values.for_application(s, app.id)
        mail = render.render(MESSAGE_KIND, subject_text, body_text, filled)
        row = OutboxEmail(
            message_id=_message_id(),
            kind=MESSAGE_KIND,
            to_address=candidate.email,
            subject=mail.subject,
            body_text=mail.text,
            body_html=mail.html,
            application_id=app.id,
            created_at=now,
            next_attempt_at=send_at,
            attempts=0,
            author_id=principal.user_id,
            template_name=template_name,
        )
        s.add(row)
        s.flush()
        for name, content_type, data in files:
            stored = StoredFile(
                owner_id=principal.user_id,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                content_type=content_type,
                original_name=name,
                data=data,
                preview_status="none",
                text_note="An attachment of a message; its text is not read.",
            )
            s.add(stored)
            s.flush()
            assert stored.id is not None and row.id is not None
            s.add(OutboxAttachment(email_id=row.id, file_id=stored.id, filename=name))
        job = existing(s, Job, app.job_id)
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=job.company_id
        )
        email_id = row.id
    return next(i for i in conversation(db, principal, app.id) if i.kind == "email" and i.id == email_id)


def attachment(
    db: Database, principal: Principal, application_id: object, file_id: object
) -> tuple[FileView, bytes]:
    """A file of the conversation (sent or received) and its bytes, for the hiring team of its
    application; any other file is NotFound."""
    require(principal, Action.READ_CONVERSATION)
    file_id = validation.object_id(file_id, "File id")
    with db.session() as s:
        app = company_application(s, principal, application_id)
        sent = (
            select(OutboxAttachment.file_id)
            .join(OutboxEmail, OutboxEmail.id == OutboxAttachment.email_id)
            .where(OutboxEmail.application_id == app.id, OutboxAttachment.file_id == file_id)
        )
        received = (
            select(InboundAttachment.file_id)
            .join(InboundEmail, InboundEmail.id == InboundAttachment.inbound_id)
            .where(InboundEmail.application_id == app.id, InboundAttachment.file_id == file_id)
        )
        if s.exec(sent).first() is None and s.exec(received).first() is None:
            raise NotFound("File not found.")
        row = existing(s, StoredFile, file_id)
        view = FileView(
            id=file_id,
            name=row.original_name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            uploaded_at=row.created_at,
            page_count=None,
            has_text=False,
            text_note=None,
        )
        return view, row.data


# --- the unmatched replies of a company -------------------------------------------------------


@dataclass(frozen=True)
class UnmatchedView:
    """A reply FlowTrack could not thread: its address carried an unknown token, or none."""

    id: int
    kind: str
    from_address: str
    from_name: str
    subject: str
    body: str
    token: str
    received_at: datetime


def unmatched(db: Database, principal: Principal, limit: int = 100) -> list[UnmatchedView]:
    """The company's unmatched mail, newest first (the hiring team reads it)."""
    require(principal, Action.READ_CONVERSATION)
    with db.session() as s:
        rows = s.exec(
            select(InboundEmail)
            .where(
                InboundEmail.company_id == principal.staff_company_id,
                col(InboundEmail.application_id).is_(None),
            )
            .order_by(col(InboundEmail.received_at).desc(), col(InboundEmail.id).desc())
            .limit(max(1, min(limit, 500)))
        ).all()
    return [
        UnmatchedView(
            r.id or 0,
            r.kind,
            r.from_address,
            r.from_name,
            r.subject,
            r.body_text[:2000],
            r.token,
            r.received_at,
        )
        for r in rows
    ]


# --- erasing a candidate -----------------------------------------------------------------------


def forget_applications(s: Session, application_ids: list[int]) -> None:
    """Everything of these applications' conversations, in the caller's transaction (erasing a
    candidate, privacy/erase.py): replies with their files and unread marks, the reply address,
    and the files sent with their emails (whose rows the caller deletes next)."""
    if not application_ids:
        return
    inbound_ids = select(InboundEmail.id).where(col(InboundEmail.application_id).in_(application_ids))
    # The files recruiters attached to their messages (an offer's PDF is the offer's to let go).
    email_ids = select(OutboxEmail.id).where(
        col(OutboxEmail.application_id).in_(application_ids), OutboxEmail.kind == MESSAGE_KIND
    )
    received = list(
        s.exec(
            select(InboundAttachment.file_id).where(col(InboundAttachment.inbound_id).in_(inbound_ids))
        ).all()
    )
    sent = list(
        s.exec(select(OutboxAttachment.file_id).where(col(OutboxAttachment.email_id).in_(email_ids))).all()
    )
    s.execute(sa.delete(InboundUnread).where(col(InboundUnread.inbound_id).in_(inbound_ids)))
    s.execute(sa.delete(InboundAttachment).where(col(InboundAttachment.inbound_id).in_(inbound_ids)))
    s.execute(sa.delete(InboundEmail).where(col(InboundEmail.application_id).in_(application_ids)))
    s.execute(sa.delete(OutboxAttachment).where(col(OutboxAttachment.email_id).in_(email_ids)))
    s.execute(sa.delete(ReplyAddress).where(col(ReplyAddress.application_id).in_(application_ids)))
    if received or sent:
        s.execute(sa.delete(StoredFile).where(col(StoredFile.id).in_(received + sent)))
