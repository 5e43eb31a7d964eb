"""Dates for people: relative ("3 days ago") and exact (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime


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
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"
