"""What the live-page tests share: a page state held as a background task holds it, a tab of one
page state, counted core reads, and waiting for a watch to run its wake."""

from __future__ import annotations

import asyncio

import reflex as rx

from flowtrack_ui.core.accounts import sign_in


class Held:
    """The state as a background task holds it: ``async with`` around each use, under the tab's
    lock (``lock``, when given, is the one its handlers run under, as Reflex's state lock)."""

    def __init__(self, state, lock: asyncio.Lock | None = None):
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "_lock", lock)

    async def __aenter__(self):
        if self._lock is not None:
            await self._lock.acquire()
        return self

    async def __aexit__(self, *exc):
        if self._lock is not None:
            self._lock.release()
        return False

    def __getattr__(self, name):
        return getattr(self._state, name)

    def __setattr__(self, name, value):
        setattr(self._state, name, value)


def page_tab(db, cls, principal):
    """A new tab's state of page ``cls``, signed in as ``principal``."""
    root = rx.State(_reflex_internal_init=True)
    st = root.get_substate(cls.get_full_name().split(".")[1:])
    st.token = sign_in.issue_token(db, principal.user_id)
    return st


class Calls:
    """Counts the calls of some core reads (patched where the states call them)."""

    def __init__(self, monkeypatch, *targets):
        self.counts: dict[str, int] = {}
        for owner, name in targets:
            real = getattr(owner, name)

            def counted(*args, _real=real, _name=name, **kwargs):
                self.counts[_name] = self.counts.get(_name, 0) + 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(owner, name, counted)

    def __getitem__(self, name: str) -> int:
        return self.counts.get(name, 0)

    def clear(self) -> None:
        self.counts.clear()


async def until(check, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.02)):
        if check():
            return True
        await asyncio.sleep(0.02)
    return check()


async def settled() -> None:
    """Lets a woken watch run its wake (it is the only other task)."""
    for _ in range(10):
        await asyncio.sleep(0.02)
