"""Each application's reply address, ``reply+{token}@{FLOWTRACK_INBOUND_DOMAIN}``: the Reply-To of
every email to its candidate, so a reply finds its conversation (mail/inbound.py).

The token is random (160 bits), made once per application and stored (``ReplyAddress``): it
cannot be guessed from the application's id, and it binds the reply to that one application,
so a reply can never be threaded into another company's conversation.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import ReplyAddress

# The tokens this module makes: 32 characters of URL-safe base64 (letters, digits, - and _).
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)[:32]


def address(domain: str, token: str) -> str:
    return f"reply+{token}@{domain}"


def token_for(s: Session, application_id: int) -> str:
    """The application's token, made on its first email to the candidate (in the caller's
    transaction; a concurrent sender's insert wins and is read back)."""
    found = s.exec(select(ReplyAddress.token).where(ReplyAddress.application_id == application_id)).first()
    if found is not None:
        return found
    token = new_token()
    try:
        with s.begin_nested():
            s.add(ReplyAddress(application_id=application_id, token=token))
    except IntegrityError:
        again = s.exec(
            select(ReplyAddress.token).where(ReplyAddress.application_id == application_id)
        ).first()
        if again is None:
            raise
        return again
    return token


def application_of(s: Session, token: str) -> int | None:
    """The application a token belongs to; None for an unknown (or forged) one."""
    if not TOKEN.match(token):
        return None
    return s.exec(select(ReplyAddress.application_id).where(ReplyAddress.token == token)).first()


def token_in(address_text: str, domain: str) -> str | None:
    """The token of ``reply+{token}@{domain}`` (any case of the domain), or None."""
    local, at, host = address_text.strip().strip("<>").rpartition("@")
    if not at or host.lower().rstrip(".") != domain.lower():
        return None
    prefix, plus, token = local.partition("+")
    if not plus or prefix.lower() != "reply" or not token:
        return None
    return token[:80]
