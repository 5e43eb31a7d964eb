"""Change signals: "job 12 changed", published after a commit, awaited by open pages.

A signal names its topics. A job's topic also carries the job's change number (``job.change_seq``,
bumped in the committing transaction) and, for stage changes, what moved: the card, from which
column to which, and the card's new moves (``CardMove``) — never who may read it: a page that
receives a change checks its reader's access to the topic before using it, and a change it cannot
place (a gap in the numbers, a change with no details) makes it read the board again through the
domain core. Within one process, subscribers are woken directly; with ``FLOWTRACK_REDIS_URL`` set,
every publish goes through one Redis pub/sub channel, so a board served by one worker hears a move
made on another. Waiting costs no CPU (an ``asyncio.Event``); wakes coalesce (ten moves while a
page is busy mean one more wake), while the changes themselves queue up for ``Subscription.take``.

Each signal this process hears gets the next number of its feed. A page notes the feed's
``mark()`` before it reads; on a wake, ``Subscription.covered_by(mark)`` says that every signal
since was heard before that read began, so the read already holds those changes (the board
that has just re-read after its own move skips the wake of that same move).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
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


def job_of_topic(topic: str) -> int | None:
    """The job id of a job topic (``job:12`` → 12), None for other topics."""
    kind, _, number = topic.partition(":")
    return int(number) if kind == "job" and number.isdigit() else None


# How many changes a subscriber keeps while it is busy; past that it has lost track (a gap).
MAX_PENDING = 256


@dataclass(frozen=True)
class CardMove:
    """One card's move on a job's board, as the committing transaction left it.

    ``from_stage`` None: a card new to the board; ``to_stage`` None: a card gone from it (erased).
    ``changed_at`` (ISO 8601) orders the card in its new column (newest first, then the higher id);
    ``moves`` are the card's moves from there: (target stage, kind, reason, asks for words).
    Everything here is the same for every reader of the board; what depends on the reader (the
    scorecards they may see) stays with the card they already hold, or is read for them.
    """

    application_id: int
    from_stage: str | None
    to_stage: str | None
    changed_at: str = ""
    version: int = 0
    category: str = ""
    moves: tuple[tuple[str, str, str, bool], ...] = ()

    def to_json(self) -> list:
        return [
            self.application_id,
            self.from_stage,
            self.to_stage,
            self.changed_at,
            self.version,
            self.category,
            [list(m) for m in self.moves],
        ]

    @classmethod
    def from_json(cls, row: list) -> CardMove:
        app_id, from_stage, to_stage, changed_at, version, category, moves = row
        return cls(
            int(app_id),
            from_stage,
            to_stage,
            str(changed_at),
            int(version),
            str(category),
            tuple((str(t), str(k), str(r), bool(a)) for t, k, r, a in moves),
        )


@dataclass(frozen=True)
class JobChange:
    """What one commit changed on one job's board: its new change number and the cards that moved.

    ``seq`` None: the change was not numbered (made outside a writing unit of work); ``moves``
    empty: something else changed (a tag, a note, the pipeline) and only a fresh read tells what.
    """

    seq: int | None
    moves: tuple[CardMove, ...] = ()


@dataclass(frozen=True)
class Change:
    """One signal as a subscriber receives it: its topic; for a job's topic, that job's
    ``JobChange``; and every job change of the same commit (``jobs``: what a company's pages,
    such as the overview of all its jobs, apply)."""

    topic: str
    job: JobChange | None = None
    jobs: Mapping[int, JobChange] = field(default_factory=dict)


class Subscription:
    """One waiter's view of a topic: ``await wait(timeout)`` is True when something changed."""

    def __init__(self, topic: str, loop: asyncio.AbstractEventLoop, feed_id: str = ""):
        self.topic = topic
        self._loop = loop
        self._event = asyncio.Event()
        self._feed_id = feed_id
        self.last_signal = 0  # the feed's number of the newest signal this subscription heard
        self._pending: list[Change] = []
        self.lost = False  # more changes came than it kept: whoever takes them must re-read

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

    @property
    def signal(self) -> str:
        """The newest signal this subscription heard, named for the whole process: every
        subscription woken by one signal names it alike, so their readers can share one check."""
        return f"{self._feed_id}:{self.last_signal}"

    async def wait(self, timeout: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        self._event.clear()
        return True

    def _add(self, change: Change) -> None:
        """Queue a change (the feed's lock is held); past ``MAX_PENDING`` only the loss is kept."""
        if len(self._pending) >= MAX_PENDING:
            self._pending.clear()
            self.lost = True
        self._pending.append(change)

    def take(self) -> tuple[list[Change], bool]:
        """The changes heard since the last take, in the order heard, and whether some were lost."""
        with _TAKE_LOCK:
            changes, lost = self._pending, self.lost
            self._pending, self.lost = [], False
        return changes, lost


# Subscriptions are filled by the feed (under its lock, from any thread) and emptied by their
# waiter: one process-wide lock keeps a take from splitting a fan-out.
_TAKE_LOCK = threading.Lock()


def _encode(topics: list[str], jobs: Mapping[int, JobChange]) -> str:
    return json.dumps(
        {
            "topics": topics,
            "jobs": {str(j): [c.seq, [m.to_json() for m in c.moves]] for j, c in jobs.items()},
        },
        separators=(",", ":"),
    )


def _decode(text: str) -> tuple[list[str], dict[int, JobChange]]:
    data = json.loads(text)
    jobs = {
        int(j): JobChange(None if seq is None else int(seq), tuple(CardMove.from_json(m) for m in moves))
        for j, (seq, moves) in data.get("jobs", {}).items()
    }
    return [str(t) for t in data["topics"]], jobs


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
    def publish(self, topics: Iterable[str], jobs: Mapping[int, JobChange] | None = None) -> None:
        """Tell every subscriber of these topics; ``jobs`` says what changed on each job's board."""
        topics = sorted(set(topics))
        if not topics:
            return
        jobs = dict(jobs or {})
        if self.redis_url:
            try:
                self._redis().publish(CHANNEL, _encode(topics, jobs))
                return
            except Exception as exc:  # Redis down: local pages still hear it; the rest reload later
                log.warning("could not publish changes to Redis: %s", exc)
        self._fan_out(topics, jobs)

    def _redis(self) -> redis.Redis:
        """The publishing connection, made on first use (only when a Redis URL is set)."""
        if self._publisher is None:
            import redis

            assert self.redis_url, "publishing through Redis needs its URL"
            self._publisher = redis.Redis.from_url(self.redis_url, socket_timeout=2)
        return self._publisher

    def _fan_out(self, topics: Iterable[str], jobs: Mapping[int, JobChange] | None = None) -> None:
        jobs = jobs or {}
        with self._lock, _TAKE_LOCK:
            self._heard += 1
            waiting = []
            for topic in topics:
                job_id = job_of_topic(topic)
                job = jobs.get(job_id, JobChange(None)) if job_id is not None else None
                change = Change(topic, job, jobs)
                for sub in self._subs.get(topic, ()):
                    sub.last_signal = self._heard
                    sub._add(change)
                    waiting.append(sub)
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
                            try:
                                topics, jobs = _decode(text)
                            except (ValueError, KeyError, TypeError) as exc:
                                log.warning("ignored a change signal it could not read: %s", exc)
                                continue
                            self._fan_out(topics, jobs)
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
