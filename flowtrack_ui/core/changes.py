"""Change signals: "job 12 changed", published after a commit, awaited by open pages.

A signal carries only a topic name, never data: whoever wakes up re-reads through the domain
core with its own permissions. Within one process, subscribers are woken directly; with
``FLOWTRACK_REDIS_URL`` set, every publish goes through one Redis pub/sub channel, so a board
served by one worker hears a move made on another. Waiting costs no CPU (an ``asyncio.Event``),
and signals to one subscriber coalesce: ten moves while it refreshes mean one more refresh.

Each signal this process hears gets the next number of its feed. A page notes the feed's
``mark()`` before it reads; on a wake, ``Subscription.covered_by(mark)`` says that every signal
since was heard before that read began, so the read already holds those changes (the board
that has just re-read after its own move skips the wake of that same move).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from functools import cache
from typing import TYPE_CHECKING

from .settings import get_settings

if TYPE_CHECKING:
    import redis

log = logging.getLogger("flowtrack.changes")

CHANNEL = "flowtrack:changes"


def job_topic(job_id: int) -> str:
    return f"job:{job_id}"


def candidate_topic(user_id: int) -> str:
    return f"candidate:{user_id}"


def application_topic(application_id: int) -> str:
    return f"application:{application_id}"


def company_topic(company_id: int) -> str:
    return f"company:{company_id}"


class Subscription:
    """One waiter's view of a topic: ``await wait(timeout)`` is True when something changed."""

    def __init__(self, topic: str, loop: asyncio.AbstractEventLoop, feed_id: str = ""):
        self.topic = topic
        self._loop = loop
        self._event = asyncio.Event()
        self._feed_id = feed_id
        self.last_signal = 0  # the feed's number of the newest signal this subscription heard

    def _notify(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._event.set)
        except RuntimeError:  # its loop has closed: nobody is waiting any more
            pass

    def covered_by(self, mark: str) -> bool:
        """Whether every signal heard so far came before ``mark`` (a ``ChangeFeed.mark()`` of this
        feed): a read begun at that mark already saw those changes. A mark of another feed (or
        process) proves nothing, so it answers False."""
        feed_id, _, number = mark.rpartition(":")
        return feed_id == self._feed_id and number.isdigit() and self.last_signal <= int(number)

    async def wait(self, timeout: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        self._event.clear()
        return True


class ChangeFeed:
    """Process-wide fan-out of change signals, optionally bridged across processes by Redis."""

    def __init__(self, redis_url: str | None = None):
        self.redis_url = redis_url
        self._subs: dict[str, set[Subscription]] = {}
        self._lock = threading.Lock()
        self._publisher: redis.Redis | None = None
        self._listeners: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}
        self._id = uuid.uuid4().hex
        self._heard = 0  # signals heard in this process, numbered in the order they were heard

    # -- publishing (any thread, sync) -------------------------------------------------------
    def publish(self, topics: Iterable[str]) -> None:
        topics = sorted(set(topics))
        if not topics:
            return
        if self.redis_url:
            try:
                self._redis().publish(CHANNEL, "\n".join(topics))
                return
            except Exception as exc:  # Redis down: local pages still hear it; the rest reload later
                log.warning("could not publish changes to Redis: %s", exc)
        self._fan_out(topics)

    def _redis(self) -> redis.Redis:
        """The publishing connection, made on first use (only when a Redis URL is set)."""
        if self._publisher is None:
            import redis

            assert self.redis_url, "publishing through Redis needs its URL"
            self._publisher = redis.Redis.from_url(self.redis_url, socket_timeout=2)
        return self._publisher

    def _fan_out(self, topics: Iterable[str]) -> None:
        with self._lock:
            self._heard += 1
            waiting = [sub for t in topics for sub in self._subs.get(t, ())]
            for sub in waiting:
                sub.last_signal = self._heard
        for sub in waiting:
            sub._notify()

    def mark(self) -> str:
        """Where this feed is now; taken before a read, it tells later which wakes that read covers.

        A signal is heard after its commit, so a read begun after hearing it sees the change.
        """
        with self._lock:
            return f"{self._id}:{self._heard}"

    # -- subscribing (async) -----------------------------------------------------------------
    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[Subscription]:
        """Listen to one topic for the duration of the block; leaving it unsubscribes."""
        loop = asyncio.get_running_loop()
        sub = Subscription(topic, loop, self._id)
        with self._lock:
            self._subs.setdefault(topic, set()).add(sub)
        if self.redis_url:
            self._ensure_listener(loop, self.redis_url)
        try:
            yield sub
        finally:
            with self._lock:
                subs = self._subs.get(topic)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._subs[topic]

    def subscriber_count(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subs.values())

    def _ensure_listener(self, loop: asyncio.AbstractEventLoop, redis_url: str) -> None:
        task = self._listeners.get(loop)
        if task is None or task.done():
            self._listeners[loop] = loop.create_task(self._listen(redis_url), name="flowtrack-changes")

    async def _listen(self, redis_url: str) -> None:
        """One Redis subscription per process and event loop, reconnecting with back-off."""
        import redis.asyncio as aioredis

        delay = 0.5
        while True:
            client = aioredis.Redis.from_url(redis_url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    delay = 0.5
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            data = message["data"]
                            text = data.decode() if isinstance(data, bytes) else str(data)
                            self._fan_out(text.split("\n"))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("change feed lost Redis (%s); retrying in %.1fs", exc, delay)
                # Whatever was missed meanwhile: wake everyone so pages re-read once.
                with self._lock:
                    everything = list(self._subs)
                self._fan_out(everything)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
            finally:
                await client.aclose()


@cache
def default_feed() -> ChangeFeed:
    return ChangeFeed(get_settings().redis_url)
