"""Shared dependencies: the database and the caller, from ``Authorization: Bearer``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from flowtrack_ui.core import accounts
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.errors import Unauthenticated
from flowtrack_ui.core.permissions import Principal

bearer = HTTPBearer(auto_error=False, description="The access token from POST /api/auth/login.")


async def get_db(request: Request) -> Database:
    """Async on purpose: no I/O here, and a sync dependency would cost a thread-pool round trip."""
    provider: Callable[[], Database] = request.app.state.db_provider
    return provider()


Db = Annotated[Database, Depends(get_db)]


def current_principal(
    db: Db, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthenticated("Not authenticated: send Authorization: Bearer <token>.")
    return accounts.principal_from_token(db, creds.credentials)


def optional_principal(
    db: Db, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal | None:
    if creds is None:
        return None
    return accounts.principal_from_token(db, creds.credentials)


Caller = Annotated[Principal, Depends(current_principal)]
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
