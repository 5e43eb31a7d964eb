"""Engine and unit of work. One ``Database`` per database URL; each use case opens one transaction."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path
from threading import RLock
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from .changes import ChangeFeed, application_topic, candidate_topic, company_topic, default_feed, job_topic
from .errors import NotFound
from .settings import get_settings

_TOPICS = "flowtrack_changed_topics"

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
    return create_engine(url, pool_pre_ping=True, pool_size=30, max_overflow=10)


def _tune_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE for writers so racing moves queue instead of failing.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's ``begin`` emits
    the BEGIN itself (the recipe from SQLAlchemy's SQLite documentation).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

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

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        Topics announced in the block are published after the commit, so a page that wakes up
        on them always reads the committed change.
        """
        engine = self._write_engine if write else self.engine
        one_writer = self._sqlite_writer if write and self._sqlite_writer else nullcontext()
        with one_writer, Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            topics = session.info.pop(_TOPICS, None)
        if topics:
            self.feed.publish(topics)

    def dispose(self) -> None:
        self.engine.dispose()


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
