"""Personal API tokens: for scripts and an HR system to call ``/api`` as a person.

A token is shown once (``ft_`` and 43 URL-safe characters); only its SHA-256 is kept, with a
name, the scopes, the creation, an optional expiry and the last use. It acts as its owner with
the owner's role *now* (a demoted owner's token is demoted too, a deactivated owner's stops at
once) and never more: a ``read`` token is refused every write action in the core
(``Principal.read_only``) and every request that is not a read (``allows_method``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from .. import audit, validation
from ..db import Database
from ..errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from ..models import ApiToken
from ..permissions import Action, Principal, require
from . import sign_in

PREFIX = "ft_"
SCOPES = ("read", "write")
MAX_TOKENS = 50
MAX_DAYS = 730
# Last use is written at most this often per token: a busy integration does not write per request.
LAST_USE_GRAIN = timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_VALID = "This API token is not valid (revoked, expired or mistyped)."


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    token: str  # shown once
    row: TokenRow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _row(t: ApiToken) -> TokenRow:
    return TokenRow(
        id=t.id or 0,
        name=t.name,
        prefix=t.prefix,
        scopes=tuple(t.scopes.split(",")),
        created_at=t.created_at,
        expires_at=t.expires_at,
        last_used_at=t.last_used_at,
    )


def is_api_token(credential: str) -> bool:
    """Whether a bearer credential is a personal token (and not a session JWT)."""
    return credential.startswith(PREFIX)


def allows_method(scopes: tuple[str, ...], method: str) -> bool:
    """A read token reads only: GET, HEAD and OPTIONS."""
    return "write" in scopes or method.upper() in SAFE_METHODS


def _scopes(scopes: object) -> tuple[str, ...]:
    if not isinstance(scopes, list | tuple) or not scopes:
        raise InvalidInput("Choose the token's scopes: read, or read and write.")
    wanted = {str(x) for x in scopes}
    unknown = wanted - set(SCOPES)
    if unknown:
        raise InvalidInput(f"Unknown scope {sorted(unknown)[0]!r}: the scopes are read and write.")
    wanted.add("read")  # writing without reading makes no sense
    return tuple(x for x in SCOPES if x in wanted)


def create(
    db: Database,
    principal: Principal,
    name: str,
    scopes: object,
    expires_in_days: int | None = 90,
    client: str | None = None,
) -> NewToken:
    """A new token for the caller, returned once."""
    require(principal, Action.MANAGE_OWN_CREDENTIALS)
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("Give the token a name, so you know later what uses it.")
    name = validation.text(name, "The token's name", max_len=80)
    chosen = _scopes(scopes)
    if expires_in_days is not None and (
        not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= MAX_DAYS
    ):
        raise InvalidInput(f"A token expires in 1 to {MAX_DAYS} days, or never.")
    token = PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        live = s.exec(
            select(sa.func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == principal.user_id, ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
        ).one()
        if live >= MAX_TOKENS:
            raise InvalidInput(f"You have {MAX_TOKENS} tokens already: revoke one you no longer use.")
        row = ApiToken(
            user_id=principal.user_id,
            company_id=principal.company_id,
            name=name,
            token_hash=_hash(token),
            prefix=token[:10],
            scopes=",".join(chosen),
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        s.add(row)
        s.flush()
        audit.record(
            s, principal, "token.created", f"token {row.id} {name}", {"scopes": list(chosen)}, client
        )
        return NewToken(token=token, row=_row(row))


def mine(db: Database, principal: Principal) -> list[TokenRow]:
    """The caller's tokens that still work, newest first."""
    require(principal, Action.MANAGE_OWN_CREDENTIALS)
    now = datetime.now(UTC)
    with db.session() as s:
        rows = s.exec(
            select(ApiToken)
            .where(ApiToken.user_id == principal.user_id, ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
            .order_by(ApiToken.id.desc())  # type: ignore[union-attr]
        ).all()
        return [_row(t) for t in rows if t.expires_at is None or t.expires_at > now]


def revoke(db: Database, principal: Principal, token_id: int, client: str | None = None) -> None:
    """The token stops at once. Another person's token is "not found"."""
    require(principal, Action.MANAGE_OWN_CREDENTIALS)
    with db.session(write=True) as s:
        row = s.get(ApiToken, token_id) if isinstance(token_id, int) else None
        if row is None or row.user_id != principal.user_id or row.revoked_at is not None:
            raise NotFound("No such token.")
        row.revoked_at = datetime.now(UTC)
        s.add(row)
        audit.record(s, principal, "token.revoked", f"token {row.id} {row.name}", {}, client)


def principal_from_api_token(db: Database, credential: str, method: str = "GET") -> Principal:
    """The owner behind a personal token, re-read now with the token's scopes; records its use."""
    if not isinstance(credential, str) or not is_api_token(credential) or len(credential) > 200:
        raise Unauthenticated(NOT_VALID)
    now = datetime.now(UTC)
    with db.session() as s:
        row = s.exec(select(ApiToken).where(ApiToken.token_hash == _hash(credential))).first()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise Unauthenticated(NOT_VALID)
    scopes = tuple(row.scopes.split(","))
    principal = sign_in.active_principal(db, row.user_id, read_only="write" not in scopes)
    if principal.company_id != row.company_id:  # the owner moved company: the token stays behind
        raise Unauthenticated(NOT_VALID)
    if not allows_method(scopes, method):
        raise Forbidden("This API token may only read: it has the read scope.")
    if row.last_used_at is None or row.last_used_at <= now - LAST_USE_GRAIN:
        with db.session(write=True) as s:
            s.execute(sa.update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))  # type: ignore[arg-type]
    return principal
