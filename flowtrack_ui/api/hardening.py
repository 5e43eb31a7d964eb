"""ASGI middleware around the whole backend (pages, websocket, /api): security headers, body limit.

Wrapped around Reflex's backend through ``api_transformer``, so every response carries the
headers, whichever part of the app answered it.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
# Résumé uploads (the REST route and Reflex's upload endpoint): a 10 MiB file plus the multipart
# envelope. The file's own limit is enforced by the domain core.
MAX_UPLOAD_BODY_BYTES = 11 * 1024 * 1024
UPLOAD_PATHS = ("/api/me/resume", "/_upload")

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


def security_headers(path: str, https: bool) -> list[tuple[bytes, bytes]]:
    csp = DOCS_CSP if path.startswith("/api/docs") else APP_CSP
    headers = [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if https:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


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
            max(self.max_body, MAX_UPLOAD_BODY_BYTES) if path.startswith(UPLOAD_PATHS) else self.max_body
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
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _reply(send, 413, too_big, extra)
        except Exception:
            if refused and not started:  # the app wrapped our signal in its own error
                await _reply(send, 413, too_big, extra)
            else:
                raise


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body without a declared length passes the limit."""
