"""Engine and unit of work. One ``Database`` per database URL; each use case opens one transaction."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from pathlib import Path
from threading import RLock
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, create_engine

from . import prebuilt
from .changes import (
    CardMove,
    ChangeFeed,
    JobChange,
    application_topic,
    candidate_topic,
    company_topic,
    default_feed,
    job_of_topic,
    job_topic,
)
from .errors import NotFound
from .settings import get_settings

_TOPICS = "flowtrack_changed_topics"
_CARD_MOVES = "flowtrack_card_moves"
# Every announced change of a job's board takes the job's next change number, in its transaction.
_JOB = sa.table("job", sa.column("id", sa.Integer), sa.column("change_seq", sa.Integer))
_BUMP = (
    _JOB.update()
    .where(_JOB.c.id == sa.bindparam("job_id"))
    .values(change_seq=_JOB.c.change_seq + 1)
    .returning(_JOB.c.change_seq)
)

Row = TypeVar("Row", bound=SQLModel)


def existing(s: Session, model: type[Row], row_id: int) -> Row:
    """The row ``row_id`` of ``model`` that the caller expects to exist (a foreign key or this
    transaction points at it): a row deleted meanwhile (an account erased between two requests)
    is a NotFound naming it, not an ``AttributeError`` on ``None`` further down."""
    row = s.get(model, row_id)
    if row is None:
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).capitalize()
        raise NotFound(f"{words} not found.")
    return row


def announce(session: Session, *topics: str) -> None:
    """Mark topics as changed by this unit of work; they are published only if it commits."""
    session.info.setdefault(_TOPICS, set()).update(topics)


def announce_card_move(session: Session, job_id: int, move: CardMove) -> None:
    """What a stage change did to a card of job ``job_id``'s board, published with the job's topic
    after the commit: open boards apply it instead of reading the board again. A later call for the
    same card in the same unit of work replaces the earlier one (an undo sets the card's time)."""
    moves = session.info.setdefault(_CARD_MOVES, {}).setdefault(job_id, {})
    earlier = moves.get(move.application_id)
    if earlier is not None:  # the card left the column it was in before this unit of work
        move = dataclasses.replace(move, from_stage=earlier.from_stage)
    moves[move.application_id] = move


def announce_application_change(
    session: Session,
    application_id: int,
    *,
    job_id: int,
    candidate_id: int,
    company_id: int,
    created: bool = False,
) -> None:
    """Announce that application X changed, to every page that shows it: its own page, its job's board, the
    company overview and the candidate's tracker. Every use case that changes an application
    announces through here, so no page misses one kind of change. A ``created`` application has
    no page of its own open yet (it did not exist before this commit), so its topic is left out."""
    topics = [job_topic(job_id), company_topic(company_id), candidate_topic(candidate_id)]
    if not created:
        topics.append(application_topic(application_id))
    announce(session, *topics)


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def secure_sqlite_file(url: str) -> None:
    """The SQLite file (and so its -wal and -shm files, which copy its mode) readable by us only."""
    url = normalize_url(url)
    if not url.startswith("sqlite:///") or ":memory:" in url:
        return
    path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for suffix in ("", "-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.chmod(extra, 0o600)


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        secure_sqlite_file(url)
        # A pool as large as the server's thread pool: connections (and their PRAGMAs) are
        # reused instead of being opened and closed under load.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_pre_ping=False,
            pool_size=40,
            max_overflow=10,
        )
        _tune_sqlite(engine)
        return engine
    # Enough connections for a worker's thread pool (40): connections beyond pool_size are
    # opened and closed per use, which on PostgreSQL costs more than the query.
    engine = create_engine(url, pool_pre_ping=False, pool_size=30, max_overflow=10)
    _ping_when_idle(engine)
    return engine


# A pooled PostgreSQL connection that sat unused this long is pinged before it is handed out.
IDLE_PING_SECONDS = 5.0
_RETURNED_AT = "flowtrack_returned_at"


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pessimistic disconnect handling (``pool_pre_ping``), for connections that sat
    idle only: a ping is a round trip, and a busy server checks out connections many times a
    second (an open board's access check on every change, every request). A connection that
    went away while idle (a database restart, a proxy's idle timeout) is still found and
    replaced before use; one that fails within seconds of its last use fails that statement, and
    the pool then discards every connection opened before the failure (SQLAlchemy's disconnect
    handling), as it would with a ping for those already handed out."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, record):
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn, record):
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, proxy):
        if time.monotonic() - record.info.get(_RETURNED_AT, 0.0) < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as err:
            raise exc.DisconnectionError(f"the idle connection went away: {err}") from err
        if not alive:
            raise exc.DisconnectionError("the idle connection went away")


# How often a pooled SQLite connection refreshes the planner's statistics (``PRAGMA optimize``).
OPTIMIZE_EVERY_SECONDS = 3600.0
# Rows ANALYZE samples per index: statistics good enough for the planner at a bounded cost (a
# 500,000-row table: 0.4 ms instead of 62 ms).
ANALYSIS_LIMIT = 400
_OPTIMIZED_AT = "flowtrack_optimized_at"
_log = logging.getLogger("flowtrack.db")


def _tune_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE for writers so racing moves queue instead of failing;
    the planner's statistics kept current.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's ``begin`` emits
    the BEGIN itself (the recipe from SQLAlchemy's SQLite documentation). Statistics follow
    SQLite's advice for long-lived connections: ``PRAGMA optimize=0x10002`` when a connection
    opens (SQLite 3.46 and later then analyse the tables whose statistics are missing or stale;
    older versions do nothing yet), and ``PRAGMA optimize`` about once an hour per pooled
    connection, as it is put back, which analyses the tables its queries used when they need it.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cur.execute("PRAGMA optimize=0x10002")
        cur.close()
        record.info[_OPTIMIZED_AT] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn, record):
        since = time.monotonic() - record.info.get(_OPTIMIZED_AT, 0.0)
        if dbapi_conn is None or since < OPTIMIZE_EVERY_SECONDS:
            return
        record.info[_OPTIMIZED_AT] = time.monotonic()
        try:
            dbapi_conn.execute("PRAGMA optimize")
        except sqlite3.Error as exc:  # statistics only help the planner: try again in an hour
            _log.warning("PRAGMA optimize failed: %s", exc)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Straight to the driver: every request begins one or two transactions, and SQLAlchemy's
        # statement machinery costs more than the BEGIN itself.
        write = conn.get_execution_options().get("flowtrack_write")
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    def __init__(self, url: str, feed: ChangeFeed | None = None):
        self.url = normalize_url(url)
        self.feed = feed if feed is not None else default_feed()
        self.engine = make_engine(self.url)
        self._write_engine = self.engine.execution_options(flowtrack_write=True)
        # SQLite has one writer at a time. Queueing this process's writers on a lock is fair and
        # prompt; left to SQLite's busy handler they would sleep and retry with growing back-off
        # (a p95 of a second under 16 concurrent moves). Other processes still meet busy_timeout.
        # This is the process's one writer queue: Reflex events and REST routes alike wait here.
        self._sqlite_writer = RLock() if self.is_sqlite else None
        self._committed = threading.local()
        # Names this database for caches of reads keyed by change numbers (a new database, even at
        # the same address, starts its numbers again).
        self.instance = uuid.uuid4().hex

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def writer_turn(self) -> AbstractContextManager[object]:
        """Hold this process's writer queue (SQLite; a no-op on PostgreSQL) across a whole unit of
        work, its reads before the transaction included (who is calling): threads that queue for
        the writer sleep instead of taking turns with it for the interpreter between statements.
        Measured with 16 threads each moving cards: 1.67-1.81 ms of CPU per move with the queue
        around the transaction only, 1.22-1.33 ms with it around the whole move. The turn lasts
        until the block ends, so the unit's changes are published (``session``) within it: in
        process on SQLite, through Redis when a Redis URL is set."""
        return self._sqlite_writer if self._sqlite_writer else nullcontext()

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        Topics announced in the block are published after the commit, so a page that wakes up
        on them always reads the committed change.
        """
        engine = self._write_engine if write else self.engine
        one_writer = self.writer_turn() if write else nullcontext()
        with one_writer, Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                jobs = _number_job_changes(session) if write else {}
                session.commit()
            except BaseException:
                session.rollback()
                raise
            topics = session.info.pop(_TOPICS, None)
        if write:
            self._committed.jobs = jobs
        if topics:
            self.feed.publish(topics, jobs)

    @contextmanager
    def reads(self) -> Iterator[Connection]:
        """A connection for a few reads that need no snapshot together (who is calling, whose job
        this is): on PostgreSQL without a transaction (autocommit), which spares a BEGIN and a
        ROLLBACK round trip around them on every request and every live wake; SQLite's reads are
        in-process, so a plain connection."""
        with self.engine.connect() as conn:
            yield conn if self.is_sqlite else conn.execution_options(isolation_level="AUTOCOMMIT")

    def committed_jobs(self) -> dict[int, JobChange]:
        """What the last writing unit of work of this thread changed on job boards (change numbers
        and card moves): the page that made a move applies it at once, as its viewers will."""
        return getattr(self._committed, "jobs", {})

    def dispose(self) -> None:
        self.engine.dispose()


def _number_job_changes(session: Session) -> dict[int, JobChange]:
    """Bump the change number of every job this unit of work announced (in job id order, so two
    transactions never wait on each other's jobs crosswise), with the card moves it announced."""
    topics = session.info.get(_TOPICS)
    moves = session.info.pop(_CARD_MOVES, {})
    if not topics:
        return {}
    job_ids = sorted(j for j in (job_of_topic(t) for t in topics) if j is not None)
    if not job_ids:
        return {}
    sql = session.connection()
    changes = {}
    for job_id in job_ids:
        seq = prebuilt.execute(sql, _BUMP, {"job_id": job_id}).scalar()
        moved = tuple(moves.get(job_id, {}).values())
        changes[job_id] = JobChange(None if seq is None else int(seq), moved)
    return changes


@cache
def default_database() -> Database:
    """The app's database, from ``FLOWTRACK_DATABASE_URL`` or the SQLite file in the data folder."""
    settings = get_settings()
    if settings.database_url.startswith("sqlite"):
        ensure_private_dir(settings.data_dir)
    return Database(settings.database_url)


def ensure_private_dir(path: Path) -> None:
    """The data folder: created for the app's user only (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
