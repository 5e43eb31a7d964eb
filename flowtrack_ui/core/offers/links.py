"""The candidate's link to an offer: ``/offer/{token}``, where the token is the offer's id and an
HMAC of it with a random nonce stored on the offer when it is sent (keyed by the app's secret).

Nothing secret is stored, the tracker can show the same link to the signed-in candidate, and a
revision (a new offer row, a new nonce) or a withdrawal makes the old link answer that it is over.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from ..security import jwt_secret
from ..settings import get_settings

_TOKEN = re.compile(r"^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{43})$")


def new_nonce() -> str:
    return secrets.token_hex(16)


def _mac(offer_id: int, nonce: str) -> str:
    digest = hmac.new(
        jwt_secret().encode(), f"offer-link:{offer_id}:{nonce}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_for(offer_id: int, nonce: str) -> str:
    return f"{offer_id}.{_mac(offer_id, nonce)}"


def offer_id_of(token: object) -> int | None:
    """The offer a well-formed token names (still to be verified against its nonce), or None."""
    if not isinstance(token, str):
        return None
    found = _TOKEN.match(token)
    return int(found.group(1)) if found else None


def matches(token: str, offer_id: int, nonce: str | None) -> bool:
    return nonce is not None and hmac.compare_digest(token, token_for(offer_id, nonce))


def page_url(token: str) -> str:
    return f"{get_settings().public_url}/offer/{token}"
