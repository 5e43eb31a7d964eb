"""Backups: ``manage backup`` and ``restore`` round trips on SQLite (while a writer is busy) and on
PostgreSQL (pg_dump / pg_restore), stored files intact, and a non-empty database refused."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from flowtrack_ui.core import backup
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.models import ApplicationHistory, StoredFile, User

from .conftest import PG_ADMIN_URL, make_candidate, make_company

PDF = b"%PDF-1.4\n" + os.urandom(40_000) + b"\n%%EOF\n"


def _fill(db: Database) -> None:
    make_company(db, "Acme")
    owner = make_candidate(db)
    with db.session(write=True) as s:
        s.add(
            StoredFile(
                owner_id=owner.user_id,
                sha256=hashlib.sha256(PDF).hexdigest(),
                size=len(PDF),
                content_type="application/pdf",
                original_name="cv.pdf",
                data=PDF,
            )
        )


def _picture(db: Database) -> tuple:
    with db.session() as s:
        users = sorted((u.email, u.role, u.password_hash) for u in s.exec(select(User)))
        files = [(f.original_name, bytes(f.data or b"")) for f in s.exec(select(StoredFile))]
        history = len(s.exec(select(ApplicationHistory)).all())
    return users, files, history


def _manage(url: str, *args: str, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "FLOWTRACK_DATABASE_URL": url, "FLOWTRACK_DATA_DIR": str(tmp / "data")}
    return subprocess.run(
        [sys.executable, "-m", "flowtrack_ui.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sqlite_round_trip_while_the_app_writes(db, tmp_path):
    _fill(db)
    before = _picture(db)
    stop = threading.Event()

    def keep_writing() -> None:  # the app keeps running: the backup takes a consistent snapshot
        n = 0
        while not stop.is_set():
            with db.session(write=True) as s:
                s.execute(text("UPDATE user_account SET full_name = full_name WHERE id = 1"))
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        file = tmp_path / "nightly.flowtrack"
        done = _manage(db.url, "backup", str(file), tmp=tmp_path)
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr
    assert file.read_bytes().startswith(backup.SQLITE_MAGIC) and (file.stat().st_mode & 0o077) == 0

    fresh = tmp_path / "restored.db"
    restored = _manage(f"sqlite:///{fresh}", "restore", str(file), tmp=tmp_path)
    assert restored.returncode == 0, restored.stderr
    again = Database(f"sqlite:///{fresh}")
    try:
        assert _picture(again) == before
        assert _picture(again)[1][0][1] == PDF
    finally:
        again.dispose()

    # A database with data is not overwritten without --force.
    with pytest.raises(backup.BackupError, match="--force"):
        backup.restore(db.url, file)
    backup.restore(db.url, file, force=True)
    assert _picture(db) == before


@pytest.mark.postgres
def test_postgresql_round_trip(pg_admin, pg_template, tmp_path):
    names = ["flowtrack_bk_" + uuid.uuid4().hex[:10] for _ in range(2)]
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{names[0]}" TEMPLATE "{pg_template}"'))  # migrated
        conn.execute(text(f'CREATE DATABASE "{names[1]}"'))  # empty, as on a new server
    try:
        source_url, target_url = (f"{base}/{n}" for n in names)
        source = Database(source_url)
        _fill(source)
        before = _picture(source)
        file = tmp_path / "nightly.dump"
        backup.backup(source_url, file)
        assert file.read_bytes().startswith(backup.PG_MAGIC)
        backup.restore(target_url, file)
        target = Database(target_url)
        assert _picture(target) == before
        target.dispose()
        with pytest.raises(backup.BackupError, match="already holds data"):
            backup.restore(source_url, file)
        with pytest.raises(backup.BackupError, match="no backup file"):
            backup.restore(source_url, tmp_path / "missing.dump", force=True)
        backup.restore(source_url, file, force=True)  # --clean: replaced, not doubled
        assert _picture(source) == before
        source.dispose()
    finally:
        with pg_admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
