"""LIKE searches on what a person typed: ``%``, ``_`` and ``\\`` match themselves, never anything.

Every "contains" search on user input goes through ``contains``, so a search for ``_`` finds the
names with an underscore rather than every row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

ESCAPE = "\\"


def contains_pattern(words: str) -> str:
    """The LIKE pattern (with ``ESCAPE '\\'``) of a text containing ``words`` literally."""
    escaped = words.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def contains(column: ColumnElement[Any] | QueryableAttribute[Any], words: str) -> ColumnElement[bool]:
    """``column`` contains ``words``, ignoring case, wildcard characters taken literally."""
    return func.lower(column).like(contains_pattern(words.lower()), escape=ESCAPE)
