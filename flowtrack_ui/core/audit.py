"""The audit log: who did what to a company's administration, when and from where.

Use cases that change a company's settings, members, roles, tokens, careers site, retention,
email templates, or that export or erase someone's data call ``record`` in their own transaction,
so a change that rolls back leaves no row and a row never describes a change that did not happen.
Rows are only ever added. Recruiters read them (``events``, ``to_csv``), filtered by time, actor
and action.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from .db import Database
from .errors import InvalidInput
from .models import AuditEvent, User
from .permissions import Action, Principal, require
from .throttle import client_key

MAX_PAGE = 500
MAX_ACTION = 60
MAX_TARGET = 300


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    target: str
    details: dict
    client: str


def record(
    session: Session,
    actor: Principal | None,
    action: str,
    target: str = "",
    details: dict | None = None,
    client: str | None = None,
    *,
    company_id: int | None = None,
) -> None:
    """Add one row in the caller's transaction. ``action`` is a dotted name ("member.role_changed");
    ``target`` names what was acted on ("user 12 ana@example.com"); ``details`` is JSON-able.

    The company is the actor's unless given (a background job acting for a company has no actor).
    A caller with no company (a candidate erasing their own data) records nothing.
    """
    company = company_id if company_id is not None else (actor.company_id if actor else None)
    if company is None:
        return
    session.add(
        AuditEvent(
            company_id=company,
            actor_id=actor.user_id if actor else None,
            actor_name=(actor.full_name if actor else "FlowTrack")[:120],
            action=action[:MAX_ACTION],
            target=target[:MAX_TARGET],
            details=json.dumps(details or {}, default=str, sort_keys=True),
            client=client_key(client),
        )
    )


def record_now(
    db: Database,
    actor: Principal,
    action: str,
    target: str = "",
    details: dict | None = None,
    client: str | None = None,
) -> None:
    """``record`` in a transaction of its own: for reads worth recording, such as exports."""
    if actor.company_id is None:
        return
    with db.session(write=True) as s:
        record(s, actor, action, target, details, client)


def events(
    db: Database,
    principal: Principal,
    *,
    since: datetime | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    limit: int = 200,
) -> list[AuditRow]:
    """The company's rows, newest first. ``action`` matches a whole name or a prefix ending in a
    dot ("member." for every member action)."""
    require(principal, Action.READ_AUDIT_LOG)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    if not 1 <= limit <= 10_000:
        raise InvalidInput(f"Ask for 1 to 10000 rows at a time, not {limit}.")
    if action is not None and (not action or len(action) > MAX_ACTION):
        raise InvalidInput("An action filter is 1 to 60 characters long.")
    query = select(AuditEvent).where(AuditEvent.company_id == principal.staff_company_id)
    if since is not None:
        query = query.where(AuditEvent.created_at >= since)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(
            AuditEvent.action.startswith(action, autoescape=True)  # type: ignore[attr-defined]
            if action.endswith(".")
            else AuditEvent.action == action
        )
    query = query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)  # type: ignore[attr-defined, union-attr]
    with db.session() as s:
        return [
            AuditRow(
                id=e.id or 0,
                at=e.created_at,
                actor_id=e.actor_id,
                actor_name=e.actor_name,
                action=e.action,
                target=e.target,
                details=json.loads(e.details or "{}"),
                client=e.client,
            )
            for e in s.exec(query).all()
        ]


def actors(db: Database, principal: Principal) -> list[tuple[int, str]]:
    """The company's staff (id, name) for the page's actor filter."""
    require(principal, Action.READ_AUDIT_LOG)
    with db.session() as s:
        rows = s.exec(
            select(User.id, User.full_name)
            .where(User.company_id == principal.staff_company_id)
            .order_by(User.full_name)
        ).all()
        return [(int(uid), name) for uid, name in rows if uid is not None]


COLUMNS = ("at", "actor_id", "actor", "action", "target", "details", "client")


def _cell(value: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: names and targets are typed by users.
    return ("'" + value) if value[:1] in ("=", "+", "-", "@") else value


def to_csv(rows: list[AuditRow]) -> str:
    """The rows as CSV (RFC 4180 line ends), formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.at.astimezone(UTC).isoformat(),
                str(r.actor_id or ""),
                _cell(r.actor_name),
                r.action,
                _cell(r.target),
                _cell(json.dumps(r.details, sort_keys=True)),
                r.client,
            ]
        )
    return buffer.getvalue()


def export_csv(
    db: Database,
    principal: Principal,
    *,
    since: datetime | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    client: str | None = None,
) -> str:
    """The filtered rows (up to 10,000) as CSV; the export itself is recorded."""
    rows = events(db, principal, since=since, actor_id=actor_id, action=action, limit=10_000)
    filters = {"since": since, "actor": actor_id, "action": action}
    record_now(db, principal, "audit.exported", f"{len(rows)} rows", filters, client)
    return to_csv(rows)
