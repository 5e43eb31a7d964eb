"""Company names: normalised for display, and a look-alike key that makes confusable names collide.

``"Acme\\u200b"`` (a zero-width space) and ``"Αcme"`` (a Greek capital alpha) look like "Acme" on
screen; the key folds them to the same string, and a unique index on it refuses the second.
The key follows Unicode TS #39's skeleton idea with the confusables table the
``confusable_homoglyphs`` package ships (Unicode's confusables.txt).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from .. import validation
from ..errors import InvalidInput

MAX_LENGTH = 120


@cache
def _to_latin() -> dict[str, str]:
    """Each character that has an ASCII look-alike, mapped to it (lower-cased)."""
    from confusable_homoglyphs.utils import load

    table: dict[str, str] = {}
    for char, lookalikes in load("confusables.json").items():
        if char.isascii():
            continue
        for entry in lookalikes:
            glyph = entry["c"]
            if glyph.isascii() and glyph.strip():
                table[char] = glyph.lower()
                break
    return table


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs", "Cn", "Mn", "Me")


def clean(value: object) -> str:
    """The name as it is stored and shown: NFKC, one line, spaces collapsed, no invisible characters."""
    name = validation.text(value, "Company name", max_len=MAX_LENGTH)
    # Invisible formatting characters (zero-width space, soft hyphen…) are dropped.
    name = "".join(ch for ch in unicodedata.normalize("NFKC", name) if unicodedata.category(ch) != "Cf")
    if any(unicodedata.category(ch) in ("Co", "Cs", "Cn") for ch in name):
        raise InvalidInput("Company name contains an unassigned or private-use character.")
    name = " ".join(name.split())
    if not any(ch.isalnum() for ch in name):
        raise InvalidInput("Company name needs at least one letter or digit.")
    return name


def lookalike_key(name: str) -> str:
    """Equal for names a reader cannot tell apart: case, accents, homoglyphs and spacing folded."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    table = _to_latin()
    out = []
    for ch in decomposed:
        if _invisible(ch):
            continue
        if ch.isspace():
            out.append(" ")
        elif ch.isascii():
            out.append(ch.lower())
        else:  # the letter as written, else its lower case, may have an ASCII look-alike
            out.append(table.get(ch) or table.get(ch.casefold()) or ch.casefold())
    return " ".join("".join(out).split())
