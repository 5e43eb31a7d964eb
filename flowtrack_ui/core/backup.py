"""Backups of the whole database, files included (they live in it), and restoring one.

SQLite is copied through its online backup API, page by page, while the app keeps running and
writing (a consistent snapshot, never a half-written file copy). PostgreSQL is dumped with
``pg_dump`` in its custom format and restored with ``pg_restore``. A restore refuses a database
that already holds data unless forced, so yesterday's backup never silently replaces today's work.
Commands: ``python -m flowtrack_ui.manage backup FILE`` and ``restore FILE [--force]``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from .db import normalize_url, secure_sqlite_file

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, in words for the operator."""


@dataclass(frozen=True)
class Done:
    path: Path
    engine: str
    size: int


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0])


def _pg_env(url: str) -> dict[str, str]:
    """libpq's variables for the URL: the password never appears on a command line."""
    u = make_url(url)
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", u.host),
        ("PGPORT", str(u.port) if u.port else None),
        ("PGUSER", u.username),
        ("PGPASSWORD", u.password),
        ("PGDATABASE", u.database),
    ):
        if value:
            env[key] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools (postgresql-client).")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[:2000]}")


def backup(url: str, target: Path) -> Done:
    """Write a backup of the database at ``url`` to ``target`` (mode 0600; replaced if it exists)."""
    url = normalize_url(url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    try:
        if url.startswith("sqlite"):
            source = _sqlite_path(url)
            if not source.exists():
                raise BackupError(f"There is no database at {source}.")
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(partial) as dst:
                src.backup(dst)  # the online backup API: consistent while others write
            src.close()
            dst.close()
            engine = "sqlite"
        elif url.startswith("postgresql"):
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial)], _pg_env(url))
            engine = "postgresql"
        else:
            raise BackupError(f"Backups are for SQLite and PostgreSQL, not {url.split(':', 1)[0]}.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Done(path=target, engine=engine, size=target.stat().st_size)


def holds_data(url: str) -> bool:
    """Whether the database has any table with a row (a fresh or empty database has none)."""
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            for table in inspector.get_table_names():
                if table == "alembic_version":
                    continue
                quoted = conn.dialect.identifier_preparer.quote(table)
                if conn.execute(sa.text(f"SELECT 1 FROM {quoted} LIMIT 1")).first() is not None:
                    return True
        return False
    finally:
        engine.dispose()


def restore(url: str, source: Path, *, force: bool = False) -> Done:
    """Replace the database at ``url`` with the backup ``source``. A database that holds data is
    refused unless ``force``; the app should be stopped meanwhile."""
    url = normalize_url(url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    with open(source, "rb") as fh:
        head = fh.read(16)
    sqlite_url = url.startswith("sqlite")
    if sqlite_url and not head.startswith(SQLITE_MAGIC):
        raise BackupError(f"{source} is not a SQLite backup (PostgreSQL backups restore into PostgreSQL).")
    if not sqlite_url and not head.startswith(PG_MAGIC):
        raise BackupError(f"{source} is not a pg_dump custom-format backup.")
    exists = not sqlite_url or _sqlite_path(url).exists()
    if exists and holds_data(url) and not force:
        raise BackupError(
            "The database already holds data: restoring would replace it. Run restore with --force "
            "to replace it (make a backup of it first)."
        )
    if sqlite_url:
        target = _sqlite_path(url)
        secure_sqlite_file(url)
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
            src.backup(dst)  # replaces every page of the target, through SQLite's own locking
        src.close()
        dst.close()
        return Done(path=target, engine="sqlite", size=target.stat().st_size)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            _pg_env(url)["PGDATABASE"],
            str(source),
        ],
        _pg_env(url),
    )
    return Done(path=source, engine="postgresql", size=source.stat().st_size)
