"""Shared dependencies: the database and the caller, from ``Authorization: Bearer``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from flowtrack_ui.core.accounts import api_tokens, sign_in
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.errors import Unauthenticated
from flowtrack_ui.core.permissions import Principal
from flowtrack_ui.core.settings import get_settings

bearer = HTTPBearer(
    auto_error=False,
    description="The access token from POST /api/auth/login, or a personal API token (POST /api/me/tokens).",
)


async def get_db(request: Request) -> Database:
    """Async on purpose: no I/O here, and a sync dependency would cost a thread-pool round trip."""
    provider: Callable[[], Database] = request.app.state.db_provider
    return provider()


Db = Annotated[Database, Depends(get_db)]


async def bearer_token(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """The request's access token, unchecked (no I/O: async, so it costs no thread hop)."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthenticated("Not authenticated: send Authorization: Bearer <token>.")
    return creds.credentials


Token = Annotated[str, Depends(bearer_token)]


def principal_for(db: Database, credential: str, method: str) -> Principal:
    """A session JWT, or a personal API token (``ft_…``) with its scopes and last use recorded."""
    if api_tokens.is_api_token(credential):
        return api_tokens.principal_from_api_token(db, credential, method)
    return sign_in.principal_from_token(db, credential)


def current_principal(request: Request, db: Db, token: Token) -> Principal:
    return principal_for(db, token, request.method)


def optional_principal(
    request: Request, db: Db, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal | None:
    if creds is None:
        return None
    return principal_for(db, creds.credentials, request.method)


Caller = Annotated[Principal, Depends(current_principal)]

MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]


def client_address(request: Request) -> str:
    """The caller's address: the socket's peer, or the address the trusted proxies forwarded.

    X-Forwarded-For is written by the client unless it arrived through the configured number
    of reverse proxies (``FLOWTRACK_TRUSTED_PROXY_HOPS``), each appending the address it saw.
    """
    peer = request.client.host if request.client else ""
    hops = get_settings().trusted_proxy_hops
    if hops:
        forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",") if ip.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return peer


ClientAddress = Annotated[str, Depends(client_address)]
