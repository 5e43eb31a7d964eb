"""ASGI middleware around the whole backend (pages, websocket, /api): security headers, body limit.

Wrapped around Reflex's backend through ``api_transformer``, so every response carries the
headers, whichever part of the app answered it.
"""

from __future__ import annotations

import json
import re

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
# Résumé uploads (the REST route and Reflex's upload endpoint), and a company's logo (2 MiB): a
# 10 MiB file plus the multipart envelope. The file's own limit is enforced by the domain core.
MAX_UPLOAD_BODY_BYTES = 11 * 1024 * 1024
UPLOAD_PATHS = ("/api/me/resume", "/_upload", "/api/company/logo")
# Applying without an account sends the résumé with the form (site/apply.py, api/applications.py).
APPLY_PATHS = re.compile(
    r"^/(?:careers/[^/]+/jobs/\d+/apply|api/jobs/\d+/applications|api/apply/resume-fields)$"
)
# No FlowTrack body nests deeper than a handful of levels; Python's JSON parser recurses once per
# level and fails (RecursionError) near a thousand, so deeper bodies are refused before parsing.
MAX_JSON_DEPTH = 32
TOO_DEEP = f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels."
# A JSON string (skipped whole, brackets inside it do not count) or one bracket.
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)

# The app's own pages: Reflex's bundle, its inline bootstrap script and inline styles. Reflex
# runs the server's client-side actions (toasts, redirects' scripts) through eval, hence
# 'unsafe-eval'; every source stays this origin, and nothing may frame the app.
APP_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The interactive docs: Swagger UI served from this origin (its page starts it inline).
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)


# The one exception to "nothing may frame FlowTrack": a company's list of open jobs made for an
# <iframe> on its own website (flowtrack_ui/site/embed.py). Any site may frame it, so it gets no
# X-Frame-Options and, unless the page sends its own, this policy. Careers pages send their own
# CSP (an inline style allowed by its hash); a header the response already carries is kept.
FRAMEABLE = re.compile(r"^/careers/[a-z0-9-]+/embed$")
FRAMEABLE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors *",
    ]
)


def security_headers(path: str, https: bool) -> list[tuple[bytes, bytes]]:
    frameable = FRAMEABLE.match(path) is not None
    csp = DOCS_CSP if path.startswith("/api/docs") else FRAMEABLE_CSP if frameable else APP_CSP
    headers = [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if not frameable:
        headers.append((b"x-frame-options", b"DENY"))
    if https:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


def nests_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body`` nests arrays and objects deeper than ``limit``, found without parsing it.

    Brackets inside strings do not count. Malformed JSON gets an answer too; the parser refuses it.
    """
    if body.count(b"[") + body.count(b"{") <= limit:  # the usual body: nothing to walk
        return False
    depth = 0
    for token in _JSON_TOKEN.finditer(body):
        char = token.group()[:1]
        if char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif char in (b"]", b"}"):
            depth -= 1
    return False


def is_json(scope: Scope) -> bool:
    """Whether the app will parse the body as JSON: ``application/json`` or ``application/*+json``."""
    raw = dict(scope.get("headers") or []).get(b"content-type", b"")
    kind = raw.split(b";", 1)[0].strip().lower()
    return kind == b"application/json" or (kind.startswith(b"application/") and kind.endswith(b"+json"))


async def _reply(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Hardening:
    """Adds the security headers to every HTTP response and refuses request bodies over the limit."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES, https: bool = False):
        self.app, self.max_body, self.https = app, max_body, https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        extra = security_headers(path, self.https)
        max_body = (
            max(self.max_body, MAX_UPLOAD_BODY_BYTES)
            if path.startswith(UPLOAD_PATHS) or APPLY_PATHS.match(path)
            else self.max_body
        )
        too_big = f"The request body is larger than {max_body // 1024} KiB."

        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _reply(send, 400, "Content-Length is not a number.", extra)
                return
            if declared > max_body:
                await _reply(send, 413, too_big, extra)
                return

        received = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body:
                    refused = True
                    raise BodyTooLarge
            return message

        app_receive: Receive = limited_receive
        if is_json(scope):  # read whole (it is at most max_body) to know its nesting before a parser does
            try:
                body = await _read_body(limited_receive)
            except BodyTooLarge:
                await _reply(send, 413, too_big, extra)
                return
            if body is None:  # the client went away
                return
            if nests_too_deep(body):
                await _reply(send, 422, TOO_DEEP, extra)
                return
            app_receive = _replay(body, receive)

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if refused:  # the app answered its own way to the cut-off body: answer 413 instead
                if not started:
                    started = True
                    await _reply(send, 413, too_big, extra)
                return
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present
                ]
            await send(message)

        try:
            await self.app(scope, app_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _reply(send, 413, too_big, extra)
        except Exception:
            if refused and not started:  # the app wrapped our signal in its own error
                await _reply(send, 413, too_big, extra)
            else:
                raise


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when the client disconnected first."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body read already, then waits on the client as usual."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body without a declared length passes the limit."""


UPLOAD_ENDPOINT = "/_upload"


def refuse_bad_uploads(backend: ASGIApp) -> ASGIApp:
    """Reflex's own backend app, whose upload endpoint then answers what it cannot serve with a
    JSON 4xx instead of a 500: a handler that takes no files (or runs in the background), a
    ``files`` field holding text, bound arguments nested too deeply; its own 400s (an unknown
    handler, missing headers) come as JSON too.

    Exception handlers of that app, because its own error middleware has answered 500 before
    any wrapper around it sees the exception. Put first in ``api_transformer``: Reflex hands
    any transformer an ASGI app, and only the first gets its own Starlette app.
    """
    if not isinstance(backend, Starlette):
        raise TypeError("refuse_bad_uploads needs Reflex's own backend app: put it first in api_transformer.")
    from reflex_base.utils.exceptions import UploadTypeError, UploadValueError

    backend.add_exception_handler(UploadTypeError, _upload_refused)
    backend.add_exception_handler(UploadValueError, _upload_refused)
    backend.add_exception_handler(RecursionError, _upload_refused)
    backend.add_exception_handler(HTTPException, _http_error)
    return backend


async def _upload_refused(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, RecursionError):
        upload = request.url.path.startswith(UPLOAD_ENDPOINT)
        where = "The upload's event arguments nest" if upload else "The request nests"
        return JSONResponse({"detail": f"{where} too deeply."}, status_code=422)
    return JSONResponse({"detail": f"Upload refused: {str(exc)[:400]}"}, status_code=400)


async def _http_error(request: Request, exc: Exception) -> Response:
    """JSON for the upload endpoint; Starlette's own answer (plain text) for the rest of Reflex."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    if request.url.path.startswith(UPLOAD_ENDPOINT):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
