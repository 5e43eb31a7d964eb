"""Dates and counts for people: relative ("3 days ago") and exact dates (in the reader's time zone),
"1 application"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.vars import StringVar, Var

from flowtrack_ui.core import time_zones


def exact(dt: datetime, zone_name: str = "") -> str:
    """A moment to the minute in the reader's zone (``SessionState.time_zone``; UTC while none)."""
    name = zone_name if time_zones.is_zone(zone_name) else time_zones.UTC_NAME
    return f"{dt.astimezone(ZoneInfo(name)):%Y-%m-%d %H:%M} {name}"


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
def counted(n: Var[int], one: str, many: str | None = None) -> StringVar: ...
def counted(n: int | Var[int], one: str, many: str | None = None) -> str | StringVar:
    """A count with its noun agreeing: "1 application", "2 applications" (``many`` for irregular
    plurals). Every count the UI shows goes through here, as a Python int or a state var."""
    plural = many if many is not None else one + "s"
    if isinstance(n, Var):
        return n.to_string() + rx.cond(n == 1, " " + one, " " + plural)
    return f"{n} {one if n == 1 else plural}"
