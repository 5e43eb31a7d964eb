"""Checks for user input, raising InvalidInput with a message a person understands."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .errors import InvalidInput

_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)

# Ids are INTEGER columns: PostgreSQL refuses a larger number with an error, not an empty result.
MAX_ID = 2**31 - 1


def object_id(value: object, what: str = "id") -> int:
    """A row id as the database can compare it: a larger number names no row, and is refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except (TypeError, ValueError):
            raise InvalidInput(f"{what} must be a positive whole number.") from None
    if value <= 0:
        raise InvalidInput(f"{what} must be a positive whole number.")
    if value > MAX_ID:
        raise InvalidInput(f"{what} must be at most {MAX_ID}.")
    return value


# The dates FlowTrack deals in (interviews, report ranges). Outside them a time zone conversion or
# a day added to the range overflows Python's dates (year 1 to 9999), so they are refused first.
EARLIEST_YEAR, LATEST_YEAR = 1970, 2100


def date_in_range(value: date, field: str) -> None:
    """Refuse a date (or a date and time, checked as entered) outside the years 1970 to 2100."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise InvalidInput(f"{field} must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")


# Line and paragraph separators end a line for email headers and many renderers, like CR and LF.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _control_free(value: str, field: str, multiline: bool) -> None:
    """No control characters; line breaks (and tabs) only in multi-line fields."""
    for ch in value:
        if multiline and ch in "\n\r\t":
            continue
        if ch in _LINE_BREAKS:
            raise InvalidInput(f"{field} must be on one line.")
        if unicodedata.category(ch) == "Cc":
            raise InvalidInput(f"{field} contains an invalid character.")


def text(value: object, field: str, *, max_len: int, required: bool = True, multiline: bool = False) -> str:
    """Trimmed text; single-line fields refuse every line-breaking and control character."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text.")
    value = value.strip()
    _control_free(value, field, multiline)
    if required and not value:
        raise InvalidInput(f"{field} is required.")
    if len(value) > max_len:
        raise InvalidInput(f"{field} is too long ({len(value)} characters; at most {max_len}).")
    return value


def email(value: object) -> str:
    value = text(value, "Email", max_len=254).lower()
    if not _EMAIL.match(value):
        raise InvalidInput("Please enter a valid email address, like name@example.com.")
    return value


def person_name(value: object, field: str = "Full name") -> str:
    """A person's name: one line, no invisible formatting characters, NFC-normalised."""
    value = text(value, field, max_len=120)
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if any(unicodedata.category(ch) in ("Cf", "Co", "Cs", "Cn") for ch in value):
        raise InvalidInput(f"{field} contains an invisible or unassigned character.")
    return value


def paging(limit: object, offset: object, *, max_limit: int = 200) -> tuple[int, int]:
    try:
        limit_i, offset_i = int(limit), int(offset)  # type: ignore[call-overload]  # int() raises on the rest
    except (TypeError, ValueError):
        raise InvalidInput("limit and offset must be whole numbers.") from None
    if not 1 <= limit_i <= max_limit:
        raise InvalidInput(f"limit must be between 1 and {max_limit}.")
    if not 0 <= offset_i <= 10**9:
        raise InvalidInput("offset must be zero or more.")
    return limit_i, offset_i
