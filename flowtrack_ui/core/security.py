"""Password hashing (passlib argon2) and access tokens (PyJWT, HS256, algorithm pinned)."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from passlib.context import CryptContext

from .errors import Unauthenticated
from .settings import get_settings

# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): strong, and quick enough per sign-in.
_pwd = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19456,
    argon2__time_cost=2,
    argon2__parallelism=1,
)

ALGORITHM = "HS256"
SECRET_FILE = "jwt_secret"


def hash_password(password: str) -> str:
    return _pwd.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _pwd.verify(password, password_hash)
    except (ValueError, TypeError):
        return False


# A hash to verify against when the email is unknown, so timing does not reveal accounts.
_DUMMY_HASH = None


def dummy_verify(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    verify_password(password, _DUMMY_HASH)


def secret_in_data_dir(path: Path, nbytes: int) -> str:
    """The secret kept in ``path``, generated once (``nbytes`` random bytes, URL-safe, mode 0600) by
    whichever call or worker comes first; the others read the same one. "" if the file is empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def _secret_from_file(data_dir: Path) -> str:
    """The development JWT secret, generated once into the data folder."""
    secret = secret_in_data_dir(data_dir / SECRET_FILE, 64)
    if not secret:
        raise RuntimeError(f"{data_dir / SECRET_FILE} is empty; delete it to generate a new secret")
    return secret


def jwt_secret() -> str:
    settings = get_settings()
    return settings.jwt_secret or _secret_from_file(settings.data_dir)


def create_access_token(
    user_id: int, token_version: int = 0, *, ttl: timedelta | None = None, secret: str | None = None
) -> str:
    now = datetime.now(UTC)
    ttl = ttl if ttl is not None else timedelta(minutes=get_settings().token_ttl_minutes)
    claims = {"sub": str(user_id), "iat": now, "exp": now + ttl, "tv": token_version}
    return jwt.encode(claims, secret or jwt_secret(), algorithm=ALGORITHM)


# Tokens whose signature was verified, with their claims: an open page sends the same token with
# every event, and verifying the same bytes with the same key again proves nothing new. Expiry is
# the one thing time changes, so it is checked on every call. Bounded: emptied when full.
_VERIFIED: dict[tuple[str, str], dict] = {}
_VERIFIED_MAX = 4096


def decode_access_token(token: str, *, secret: str | None = None) -> dict:
    """The token's claims, or Unauthenticated for anything forged, expired or malformed."""
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise Unauthenticated("Please sign in.")
    key = (token, secret or jwt_secret())
    known = _VERIFIED.get(key)
    if known is not None:
        if known["exp"] <= datetime.now(UTC).timestamp():
            raise Unauthenticated("Your session has expired; please sign in again.")
        return dict(known)
    claims = _verified_claims(token, key[1])
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[key] = dict(claims)
    return claims


def _verified_claims(token: str, secret: str) -> dict:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "iat"]},
        )
        int(claims["sub"])
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("Your session has expired; please sign in again.") from None
    except (jwt.PyJWTError, ValueError, TypeError):
        raise Unauthenticated("Your session is not valid; please sign in again.") from None
    return claims
