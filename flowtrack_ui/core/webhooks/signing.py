"""The ``FlowTrack-Signature`` header: ``t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.

The timestamp inside the signed text lets a receiver refuse replays of an old delivery."""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "FlowTrack-Signature"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The header's value for ``body`` sent at ``timestamp`` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: the header's MAC matches and its timestamp is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
