"""Secrets at rest (CalDAV passwords, SSO client secrets): sealed with Fernet under a server key.

A database dump alone then reveals no third party's password. The key comes from
``FLOWTRACK_SECRET_KEY`` (any string of 32+ characters, or a Fernet key); without it a key is
generated once into the data folder with mode 0600, like the development JWT secret. Changing the
key makes every sealed value unreadable: ``unseal`` then says so plainly instead of returning junk.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from .security import secret_in_data_dir
from .settings import get_settings

KEY_FILE = "secret_key"
# The derived key is bound to this purpose, so the same environment value used elsewhere is harmless.
_CONTEXT = b"flowtrack sealed secrets v1\0"


class SealedSecretError(RuntimeError):
    """A sealed value that this server's key cannot open (the key changed, or the value was altered)."""


def seal(text: str) -> str:
    """Encrypt and authenticate ``text``; the result is ASCII, safe to store in a text column."""
    return _fernet(_server_key()).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The text ``seal`` was given; ``SealedSecretError`` when this server's key cannot open it."""
    try:
        return _fernet(_server_key()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise SealedSecretError(
            "A stored secret cannot be decrypted with this server's FLOWTRACK_SECRET_KEY "
            "(was the key changed?). Enter the secret again to store it under the current key."
        ) from exc


def _server_key() -> str:
    settings = get_settings()
    return settings.secret_key or _key_from_file(settings.data_dir)


@lru_cache(maxsize=8)
def _fernet(material: str) -> Fernet:
    """Fernet over a key derived from ``material`` (SHA-256 with a purpose prefix: 32 bytes)."""
    if len(material) < 32:
        raise SealedSecretError("FLOWTRACK_SECRET_KEY must be at least 32 characters long.")
    digest = hashlib.sha256(_CONTEXT + material.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _key_from_file(data_dir: Path) -> str:
    """The embedded key, generated once into the data folder (mode 0600), like the JWT secret."""
    key = secret_in_data_dir(data_dir / KEY_FILE, 48)
    if not key:
        raise SealedSecretError(f"{data_dir / KEY_FILE} is empty; delete it to generate a new key")
    return key
