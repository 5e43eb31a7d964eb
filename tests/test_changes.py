"""Change signals: published only after a commit, coalesced, and carried across processes by Redis."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.changes import ChangeFeed, candidate_topic, company_topic, job_topic
from flowtrack_ui.core.db import Database, announce
from flowtrack_ui.core.errors import InvalidTransition
from flowtrack_ui.core.pipelines.moves import move_stage

REDIS_URL = os.environ.get("FLOWTRACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Recorder(ChangeFeed):
    def __init__(self):
        super().__init__(None)
        self.published: list[str] = []

    def publish(self, topics, jobs=None):
        self.published.extend(sorted(set(topics)))
        super().publish(topics, jobs)


@pytest.fixture
def recorded(sqlite_db) -> tuple[Database, Recorder]:
    feed = Recorder()
    return Database(sqlite_db.url, feed=feed), feed


def test_moves_and_applications_announce_their_topics(recorded, acme, candidate):
    db, feed = recorded
    app = apply(db, candidate, acme.job_id)
    assert set(feed.published) == {
        job_topic(acme.job_id),
        candidate_topic(candidate.user_id),
        company_topic(acme.recruiter.company_id),
    }
    feed.published.clear()
    move_stage(db, acme.recruiter, app.id, "Screening")
    assert job_topic(acme.job_id) in feed.published and candidate_topic(candidate.user_id) in feed.published


def test_nothing_is_announced_when_the_change_fails(recorded, acme, candidate):
    db, feed = recorded
    app = apply(db, candidate, acme.job_id)
    feed.published.clear()
    with pytest.raises(InvalidTransition):
        move_stage(db, acme.recruiter, app.id, "Hired")
    with pytest.raises(RuntimeError):
        with db.session(write=True) as s:
            announce(s, "job:1")
            raise RuntimeError("boom")
    assert feed.published == []


def test_local_feed_wakes_only_its_topic_and_coalesces():
    async def scenario():
        feed = ChangeFeed(None)
        async with feed.subscribe("job:1") as one, feed.subscribe("job:2") as two:
            assert feed.subscriber_count() == 2
            for _ in range(10):
                feed.publish(["job:1"])
            assert await one.wait(1) is True
            assert await one.wait(0.05) is False  # ten signals, one wake-up
            assert await two.wait(0.05) is False
            # From another thread, as a REST request or a script would publish.
            await asyncio.get_running_loop().run_in_executor(None, feed.publish, ["job:2"])
            assert await two.wait(1) is True
        assert feed.subscriber_count() == 0

    asyncio.run(scenario())


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")


def test_redis_carries_signals_between_workers():
    """Two feeds stand for two worker processes: a publish on one wakes a waiter on the other."""
    _redis_or_skip()
    topic = f"job:{uuid.uuid4().hex}"

    async def scenario():
        worker_a, worker_b = ChangeFeed(REDIS_URL), ChangeFeed(REDIS_URL)
        async with worker_b.subscribe(topic) as sub:
            for _ in range(50):  # until b's listener has subscribed
                worker_a.publish([topic])
                if await sub.wait(0.1):
                    break
            else:
                pytest.fail("the signal never crossed Redis")
            await asyncio.sleep(0.3)
            while await sub.wait(0.05):
                pass
            worker_a.publish(["job:unrelated"])
            assert await sub.wait(0.3) is False
            worker_a.publish([topic])
            assert await sub.wait(2) is True
        for task in worker_b._listeners.values():
            task.cancel()

    asyncio.run(scenario())


def test_every_change_of_an_application_announces_all_its_topics(recorded, acme, candidate):
    """Moves, undo, withdraw and notes wake the application's own page too, not only the board."""
    from flowtrack_ui.core.changes import application_topic
    from flowtrack_ui.core.collaboration.notes import add_note
    from flowtrack_ui.core.pipelines.moves import undo_move, withdraw

    db, feed = recorded
    app = apply(db, candidate, acme.job_id)
    every = {
        application_topic(app.id),
        job_topic(acme.job_id),
        candidate_topic(candidate.user_id),
        company_topic(acme.recruiter.company_id),
    }
    for change in (
        lambda: move_stage(db, acme.recruiter, app.id, "Screening"),
        lambda: undo_move(db, acme.recruiter, app.id),
        lambda: add_note(db, acme.recruiter, app.id, "Strong portfolio."),
        lambda: withdraw(db, candidate, app.id),
    ):
        feed.published.clear()
        change()
        assert set(feed.published) == every


def test_a_read_marked_after_a_signal_covers_its_wake():
    """The board that re-read after its own move skips that move's wake, never a later one."""

    async def scenario():
        feed = ChangeFeed(None)
        async with feed.subscribe("job:1") as sub:
            feed.publish(["job:1"])  # a move commits
            mark = feed.mark()  # then the mover's tab re-reads the board
            assert await sub.wait(1) is True
            assert sub.covered_by(mark)  # so this wake needs no second read
            feed.publish(["job:2"])
            assert sub.covered_by(mark)  # another job's signal changes nothing here
            feed.publish(["job:1"])  # a colleague's move after that read
            assert await sub.wait(1) is True
            assert not sub.covered_by(mark)
            assert not sub.covered_by(ChangeFeed(None).mark())  # another process's mark proves nothing
            assert not sub.covered_by("")

    asyncio.run(scenario())
