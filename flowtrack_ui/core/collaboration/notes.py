"""Notes of the hiring team, append-only, with @mentions of colleagues of the same company.

A mention is ``@`` followed by a colleague's handle: the part of their email before the ``@``
(``@hugo.m`` for hugo.m@acme.test). Each colleague mentioned gets one email with a link to the
application, and a ``NoteMention`` row their "My work" lists until they read it. Handles of
anyone outside the company mention no one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from .. import notifications, validation
from ..db import Database, announce_application_change, existing
from ..models import ApplicationNote, NoteMention, User
from ..permissions import STAFF_ROLES, Action, Principal, require
from ..talent import documents
from .access import staff_application

MAX_NOTE = 5_000
_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9][A-Za-z0-9._+-]{0,63})")


@dataclass(frozen=True)
class NoteView:
    id: int
    application_id: int
    author_id: int
    author_name: str
    body: str
    created_at: datetime
    mentioned: tuple[str, ...]  # names of the colleagues mentioned


@dataclass(frozen=True)
class Colleague:
    user_id: int
    name: str
    handle: str
    role: str


def handle_of(email: str) -> str:
    return email.split("@", 1)[0].lower()


def colleagues(s: Session, company_id: int) -> list[User]:
    return list(
        s.exec(
            select(User)
            .where(
                User.company_id == company_id, User.role.in_([r.value for r in STAFF_ROLES]), User.is_active
            )
            .order_by(User.full_name)
        ).all()
    )


def company_colleagues(db: Database, principal: Principal) -> list[Colleague]:
    """Who can be mentioned (or invited to an interview): the caller's company's active staff."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    with db.session() as s:
        return [
            Colleague(u.id, u.full_name, handle_of(u.email), u.role)
            for u in colleagues(s, principal.staff_company_id)
        ]


def mentioned_in(body: str, staff: list[User]) -> list[User]:
    by_handle: dict[str, list[User]] = {}
    for user in staff:
        by_handle.setdefault(handle_of(user.email), []).append(user)
    found: dict[int, User] = {}
    for handle in _MENTION.findall(body):
        for user in by_handle.get(handle.lower().rstrip("."), []):
            found[user.id] = user
    return list(found.values())


def _view(note: ApplicationNote, author: User, mentioned: list[User]) -> NoteView:
    return NoteView(
        id=note.id,
        application_id=note.application_id,
        author_id=author.id,
        author_name=author.full_name,
        body=note.body,
        created_at=note.created_at,
        mentioned=tuple(u.full_name for u in mentioned),
    )


def add_note(db: Database, principal: Principal, application_id: object, body: object) -> NoteView:
    """A note by the caller; each same-company colleague mentioned gets an email (not the author)."""
    require(principal, Action.WRITE_NOTES)
    body = validation.text(body, "Note", max_len=MAX_NOTE, multiline=True)
    with db.session(write=True) as s:
        app, job = staff_application(s, principal, application_id)
        staff = colleagues(s, job.company_id)
        mentioned = mentioned_in(body, staff)
        author = existing(s, User, principal.user_id)
        note = ApplicationNote(
            application_id=app.id, author_id=principal.user_id, body=body, created_at=datetime.now(UTC)
        )
        s.add(note)
        s.flush()
        for user in mentioned:
            if user.id != principal.user_id:
                notifications.mentioned(s, user, author, app, job, body)
                # Unread on their "My work" until they open the application (work.py).
                s.add(NoteMention(note_id=note.id, user_id=user.id))
        documents.refresh(s, job.company_id, app.candidate_id)  # notes are searched in the talent pool
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=job.company_id
        )
        return _view(note, author, mentioned)


def list_notes(db: Database, principal: Principal, application_id: object) -> list[NoteView]:
    """Newest first. Staff of the company only; never the candidate."""
    with db.session() as s:
        app, job = staff_application(s, principal, application_id)
        rows = s.exec(
            select(ApplicationNote, User)
            .join(User, User.id == ApplicationNote.author_id)
            .where(ApplicationNote.application_id == app.id)
            .order_by(ApplicationNote.id.desc())
        ).all()
        staff = colleagues(s, job.company_id)
        return [_view(note, author, mentioned_in(note.body, staff)) for note, author in rows]
