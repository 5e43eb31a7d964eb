"""API clients' stage moves, answered without the frameworks' layers: the busiest write there is.

``PATCH /api/applications/{id}/stage`` from a script or an integration (a bearer token, no
``Origin``, no body) runs the very function the routed path runs (``applications.moved_json``:
the caller's check, the core's move, the same JSON) and answers the same errors
(``errors.error_response``), with the same security headers (``Hardening``). It wraps the whole
backend, so it skips Reflex's top Starlette app with its context, CORS and error layers, its mount
of the FastAPI app, FastAPI's middleware, its routing over some two hundred routes and its
dependency solving, which together cost more server CPU than the move itself.

Anything else goes the usual way, untouched: other routes and methods, websockets, a browser's
request (it sends ``Origin``, so CORS applies), a body, and every request the route's own
declaration would refuse (a missing or over-long parameter, an id out of range, no bearer token):
FastAPI then answers it exactly as before.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from flowtrack_ui.core.db import Database, default_database
from flowtrack_ui.core.pipelines.definitions import MAX_STAGE_NAME
from flowtrack_ui.core.pipelines.moves import MAX_NOTE

from .applications import moved_json
from .errors import error_response
from .hardening import Hardening

_PATH = re.compile(r"/api/applications/([1-9][0-9]{0,18})/stage")
_MAX_ID = 2**63 - 1  # the route's own bound (AppId); the core refuses ids past its own
# The route's query parameters and their limits (its Query(max_length=...)).
_LIMITS = {
    "new_stage": MAX_STAGE_NAME,
    "expected_stage": MAX_STAGE_NAME,
    "note": MAX_NOTE,
    "reason": MAX_NOTE,
}
_JSON = (b"content-type", b"application/json")
# Threads that run direct moves. SQLite writes one at a time (``Database.writer_turn``), so one
# thread: moves queue on the executor's queue instead of sixteen threads waking each other for the
# writer lock and the interpreter. PostgreSQL moves wait on the network and run side by side.
POSTGRES_MOVERS = 16


@cache
def _movers(sqlite: bool) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(1 if sqlite else POSTGRES_MOVERS, thread_name_prefix="flowtrack-moves")


def direct_request(scope: Scope) -> tuple[int, str, dict[str, str]] | None:
    """The move a request asks for (application id, token, query parameters) when the direct path
    may answer it the way the route would; None sends it the usual way."""
    if scope["type"] != "http" or scope["method"] != "PATCH":
        return None
    path, root = scope["path"], scope.get("root_path", "")
    found = _PATH.fullmatch(path[len(root) :] if root and path.startswith(root) else path)
    if found is None:
        return None
    application_id = int(found.group(1))
    if application_id > _MAX_ID:
        return None
    token = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            # As FastAPI's HTTPBearer reads it: the scheme, a space, the token without surrounding blanks.
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            credentials = credentials.strip()
            if scheme.lower() != "bearer" or not credentials or token is not None:
                return None
            token = credentials
        elif name in (b"origin", b"transfer-encoding") or (name == b"content-length" and value != b"0"):
            return None  # a browser (CORS applies), or a body: the usual way
    if token is None:
        return None
    # As Starlette reads a query string: the last value of a repeated name wins.
    params = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
    if "new_stage" not in params:
        return None
    for name, limit in _LIMITS.items():
        if len(params.get(name, "")) > limit:
            return None
    return application_id, token, params


class DirectStageMoves:
    """ASGI: answers the stage moves ``direct_request`` accepts; passes everything else to ``app``."""

    def __init__(
        self, app: ASGIApp, https: bool = False, db_provider: Callable[[], Database] = default_database
    ) -> None:
        self.app, self.https, self.db_provider = app, https, db_provider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = direct_request(scope)
        if request is None:
            await self.app(scope, receive, send)
            return
        await Hardening(partial(self._move, request), https=self.https)(scope, receive, send)

    async def _move(
        self, request: tuple[int, str, dict[str, str]], scope: Scope, receive: Receive, send: Send
    ) -> None:
        application_id, token, params = request
        db = self.db_provider()
        work = partial(
            moved_json,
            db,
            token,
            application_id,
            params["new_stage"],
            params.get("expected_stage"),
            params.get("note"),
            params.get("reason"),
        )
        try:
            body = await asyncio.get_running_loop().run_in_executor(_movers(db.is_sqlite), work)
        except Exception as exc:  # answered as the routed path answers it: never a trace
            await error_response(exc, "PATCH", scope["path"])(scope, receive, send)
            return
        content = body.encode()
        headers = [_JSON, (b"content-length", str(len(content)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})
