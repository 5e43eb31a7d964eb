"""What a new password must be: long enough, not a common one, not the account's email.

The common list ships with the app (``common_passwords.txt``), so the check works offline
and the same way on every worker.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
# Digits and symbols people add to a common word to pass a length rule ("summer2024!").
_DECORATION = "0123456789!@#$%^&*()-_=+.,;:?~ "


@cache
def common_passwords() -> frozenset[str]:
    with _COMMON_FILE.open(encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    """In the list, as typed or once the digits and symbols around a common word are taken off."""
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or lowered.replace(" ", "") in common:
        return True
    core = lowered.strip(_DECORATION)
    return len(core) >= 4 and core in common


def check(password: object, email: str | None = None) -> str:
    """The password if it may be used, else InvalidInput saying what to change."""
    if not isinstance(password, str):
        raise InvalidInput("Password must be text.")
    if "\x00" in password:
        raise InvalidInput("Password contains an invalid character.")
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"Password must be at least {MIN_LENGTH} characters long.")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"Password must be at most {MAX_LENGTH} characters long.")
    if not password.strip():
        raise InvalidInput("Password cannot be only spaces.")
    if len(set(password)) == 1:
        raise InvalidInput("Password cannot be one character repeated.")
    if email:
        lowered, address = password.strip().lower(), email.strip().lower()
        if lowered in (address, address.split("@", 1)[0]):
            raise InvalidInput("Password cannot be your email address.")
    if is_common(password):
        raise InvalidInput(
            "This password is one of the most common ones and easy to guess; please choose another."
        )
    return password
