"""Dates and counts for people: relative ("3 days ago") and exact (UTC) dates, "1 application"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

import reflex as rx
from reflex.vars import Var


def exact(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%b %d, %Y").replace(" 0", " ")


def relative(dt: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or datetime.now(UTC)) - dt).total_seconds())
    if seconds < 60:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return f"{counted(seconds // size, unit)} ago"
    return "just now"


@overload
def counted(n: int, one: str, many: str | None = None) -> str: ...
@overload
def counted(n: Var[int], one: str, many: str | None = None) -> Var[str]: ...
def counted(n: int | Var[int], one: str, many: str | None = None) -> str | Var[str]:
    """A count with its noun agreeing: "1 application", "2 applications" (``many`` for irregular
    plurals). Every count the UI shows goes through here, as a Python int or a state var."""
    plural = many if many is not None else one + "s"
    if isinstance(n, Var):
        return n.to_string() + rx.cond(n == 1, " " + one, " " + plural)
    return f"{n} {one if n == 1 else plural}"
