"""Bounds on what any websocket client, signed in or not, can make the server keep or log.

Reflex stores the ``router_data`` an event carries on the tab's state and keeps it for the
session; its log lines quote whole malformed events. Before an event reaches Reflex, this
keeps only the router fields the browser really sends (path, URL, query), each of a sane
size, and drops malformed events with one short log line. Log lines of every logger are cut
to a bounded length, so no client can make the log grow faster than it sends.
"""

from __future__ import annotations

import functools
import logging
import traceback
from typing import Any

log = logging.getLogger("flowtrack.websocket")

MAX_LOG_CHARS = 2_000
MAX_EVENT_NAME = 200
MAX_PATH = 2_048
MAX_QUERY_KEYS = 32
MAX_QUERY_VALUE = 1_024
_ROUTER_KEYS = ("pathname", "asPath")


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def clean_router_data(router_data: Any) -> dict[str, Any]:
    """The browser's router fields only, bounded; anything else a client adds is dropped."""
    if not isinstance(router_data, dict):
        return {}
    cleaned: dict[str, Any] = {}
    for key in _ROUTER_KEYS:
        value = router_data.get(key)
        if isinstance(value, str) and len(value) <= MAX_PATH:
            cleaned[key] = value
    query = router_data.get("query")
    if isinstance(query, dict):
        kept = {
            k: v
            for k, v in list(query.items())[:MAX_QUERY_KEYS]
            if isinstance(k, str)
            and len(k) <= 100
            and isinstance(v, str | list)
            and len(str(v)) <= MAX_QUERY_VALUE
        }
        if kept:
            cleaned["query"] = kept
    return cleaned


def clean_event(data: Any) -> dict[str, Any] | None:
    """The event with bounded router data, or None when it is not an event at all."""
    if not isinstance(data, dict):
        return None
    name = data.get("name")
    if not isinstance(name, str) or not name or len(name) > MAX_EVENT_NAME:
        return None
    if "payload" in data and not isinstance(data["payload"], dict):
        return None
    return {**data, "router_data": clean_router_data(data.get("router_data"))}


# The wrappers installed in this process (Reflex's event handler, the log record factory), so
# that installing twice wraps once.
_INSTALLED: set[object] = set()


def install_event_guard() -> None:
    """Wrap Reflex's websocket event handler (once per process)."""
    from reflex.app import EventNamespace

    if EventNamespace.on_event in _INSTALLED:
        return
    original = EventNamespace.on_event

    @functools.wraps(original)
    async def on_event(self, sid: str, data: Any):
        event = clean_event(data)
        if event is None:
            log.warning("dropped a malformed websocket event from %s: %s", sid, _short(data))
            return None
        return await original(self, sid, event)

    _INSTALLED.add(on_event)
    # Replacing Reflex's method is the point: its handler is where every websocket event enters.
    EventNamespace.on_event = on_event  # type: ignore[method-assign]


def install_log_truncation(limit: int = MAX_LOG_CHARS) -> None:
    """Every log record's message (and traceback) is cut to ``limit`` characters."""
    previous = logging.getLogRecordFactory()
    if previous in _INSTALLED:
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log its raw text instead
            message = str(record.msg)
        if len(message) > limit:
            record.msg, record.args = message[:limit] + f"… [{len(message)} characters]", ()
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            if len(text) > limit:
                record.exc_text = text[: limit // 2] + "\n…\n" + text[-limit // 2 :]
        return record

    _INSTALLED.add(factory)
    logging.setLogRecordFactory(factory)
