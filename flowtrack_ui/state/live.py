"""Keeping an open page live: a background task per open page that sleeps until its topic changes.

The task waits on the change feed (no polling of the database). It wakes at most every
``FLOWTRACK_LIVE_CHECK_SECONDS`` (15 s) when nothing happens, only to notice that its browser tab has closed
or moved on, and then ends, unsubscribing.

A follow is a read like any other: the caller passes ``topic_for``, which asks the domain core
whether the tab's user may still read the topic; it runs before following and on every wake,
and a refusal ends the task without sending anything. On a wake by a change it is told which
signal woke it (``Subscription.signal``), so the core may answer every tab of the same user that
the same signal woke with one check. The task belongs to the socket the tab was
hydrated on: when that socket closes (even if the same client token connects again) it ends.
A tab has at most one live task per page state: a new one replaces the previous.

A page that passes ``read_mark`` (the change feed's mark taken before its last read) skips a
wake that read already covers: the tab that has just re-read after its own move does not read
the same change a second time. A page that passes ``wake_at`` (read after each refresh: a time, or
None) is also refreshed at that time, with nothing changed in between: the candidate's tracker
shows a move once it can no longer be undone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flowtrack_ui.core.changes import Change, default_feed
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.settings import get_settings
from flowtrack_ui.state.reflex_internals import token_manager

log = logging.getLogger("flowtrack.live")


def client_connected_here(token: str, sid: str | None = None) -> bool:
    """Whether the browser tab with this client token still has its socket on this worker.

    With ``sid``: that very socket (not a later connection made with the same client token).
    """
    manager = token_manager()
    if manager is None:
        return False
    record = manager.token_to_socket.get(token)
    return (
        record is not None
        and record.instance_id == manager.instance_id
        and (sid is None or record.sid == sid)
    )


async def socket_connected(token: str, sid: str) -> bool:
    """Whether the tab's socket ``sid`` is still connected, on this worker or (Redis) on another.

    Reflex's token manager answers for every worker (with Redis it refreshes its record from
    there); a later connection made with the same client token is another socket, so it does not
    count.
    """
    manager = token_manager()
    if manager is None or not sid:
        return False
    if not await manager.is_token_connected(token):
        return False
    record = manager.token_to_socket.get(token)
    return record is not None and record.sid == sid


# (client token, state name) -> the one live task of that page in that tab, on this worker.
_running: dict[tuple[str, str], asyncio.Task] = {}


def _due(wake_at: Callable[[], datetime | None] | None) -> float | None:
    """The epoch time the page asked to be refreshed at, if any."""
    at = wake_at() if wake_at is not None else None
    return at.timestamp() if at is not None else None


def _take_slot(token: str, state_name: str) -> tuple[str, str]:
    """Register the current task as the page's live task, cancelling any earlier one."""
    key = (token, state_name)
    previous = _running.get(key)
    current = asyncio.current_task()
    if current is None:  # follow() always runs in a task; nothing else may take a slot
        raise RuntimeError("a live page's slot is taken from inside its task")
    if previous is not None and previous is not current and not previous.done():
        previous.cancel()
    _running[key] = current
    return key


def _release_slot(key: tuple[str, str]) -> None:
    if _running.get(key) is asyncio.current_task():
        del _running[key]


async def follow(
    state,
    topic_for: Callable[[str | None], str],
    still_wanted,
    refresh,
    read_mark: Callable[[], str] | None = None,
    wake_at: Callable[[], datetime | None] | None = None,
    on_changes: Callable[[list[Change], bool], Any] | None = None,
    holds: Callable[[list[Change]], bool] | None = None,
):
    """Run ``refresh`` (under the state lock) whenever the page's topic changes, while it wants it.

    ``topic_for(signal)`` asks the domain core for the topic the tab's user may read (raising a
    DomainError when they may not); it is asked before following (``signal`` None) and again on
    every wake (``signal``: the change signal that woke the tab, or None for a timed wake).
    ``topic_for()``, ``still_wanted()`` and ``refresh()`` are called inside ``async with state``;
    ``refresh`` returns None to keep going or events to send (a sign-in redirect, say) and stop.
    ``read_mark()`` (also inside the lock), when given, is the feed's mark the page's data was
    read at; a wake whose signals all came before it needs no refresh. ``on_changes(changes,
    lost)``, when given, takes a wake by changes instead of ``refresh``: the changes heard since the
    last wake, in order, and whether some were lost (it returns like ``refresh``); it is called only
    after ``topic_for()`` has allowed the reader again, so a change reaches only those who may read it.
    ``holds(changes)``, when given, says that the page already holds every change of a wake (the
    tab's own move, applied from its commit): such a wake sends nothing, so it is not checked either.
    """
    async with state:
        # The tab's client token and the socket it was hydrated on (the session guard let this
        # event through on it): the task ends when that socket does, even if the token reconnects.
        token, sid = state.router.session.client_token, state.router.session.session_id
        try:
            topic = topic_for(None)
        except DomainError:
            log.info("refused to follow a topic for client %s", token[:8])
            return None
        due = _due(wake_at)
    key = _take_slot(token, state.get_full_name())
    check_every = get_settings().live_check_seconds
    log.info("follows %s for client %s", topic, token[:8])
    try:
        async with default_feed().subscribe(topic) as sub:
            quiet = 0
            while True:
                wait = check_every if due is None else max(0.05, min(check_every, due - time.time()))
                changed = await sub.wait(wait)
                if not client_connected_here(token, sid):
                    return None
                woke = due is not None and time.time() >= due
                if not changed and not woke:
                    # Idle: the in-process socket check above is enough most of the time. Opening
                    # the state (a Redis round trip and write-back) only every fourth quiet wake
                    # still ends followers the tab has navigated away from.
                    quiet += 1
                    if quiet % 4:
                        continue
                async with state:
                    if not still_wanted():
                        return None
                    heard, lost = sub.take()
                    if changed and not woke:
                        if read_mark is not None and sub.covered_by(read_mark()):
                            continue  # the page's last read began after these signals: it has them
                        if holds is not None and not lost and holds(heard):
                            continue  # its own change, already applied: nothing to send or check
                    try:
                        topic_for(sub.signal if changed else None)
                    except Unauthenticated as exc:
                        # The session ended meanwhile (signed out, deactivated): the open page goes
                        # to sign-in at once, its data forgotten, instead of showing what it held.
                        refuse = getattr(state, "refuse", None)
                        return refuse(exc) if refuse is not None else None
                    except DomainError:
                        return None
                    if (changed or lost) and not woke and on_changes is not None:
                        result = on_changes(heard, lost)
                        if result is not None:
                            return result
                        due = _due(wake_at)
                    elif changed or woke:
                        result = refresh()
                        if result is not None:
                            return result
                        due = _due(wake_at)
    except asyncio.CancelledError:
        log.info("a newer live task replaced this one for %s, client %s", topic, token[:8])
        return None
    finally:
        _release_slot(key)
        log.info("stops following %s for client %s", topic, token[:8])
