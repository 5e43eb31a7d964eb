"""kill -9 the running app while clients move cards; after a restart nothing acknowledged is lost.

Runs the real server (``python -m flowtrack_ui.serve``) on SQLite, and on PostgreSQL with Redis
and two workers. Eight clients move applications through the pipeline over the REST API; once
enough moves are acknowledged, the whole server is killed with SIGKILL mid-traffic.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from flowtrack_ui.core import jobs
from flowtrack_ui.core.accounts import sign_in, sign_up
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.changes import ChangeFeed
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.models import Application

from .conftest import PASSWORD, fresh_pg_database
from .e2e_server import AppServer
from .e2e_support import DEMO_PW
from .test_history import assert_chain

pytestmark = pytest.mark.e2e

PATH = ["Screening", "Interview", "Offer", "Hired"]
APPLICATIONS = 48
CLIENTS = 8
KILL_AFTER = 60  # acknowledged moves


def prepare(db: Database) -> list[int]:
    """A fresh job with many applications, all in Applied."""
    recruiter = sign_in.principal_from_token(db, sign_in.login(db, "recruiter@acme.test", DEMO_PW))
    job = jobs.create_job(db, recruiter, "Crash Test Engineer")
    ids = []
    for i in range(APPLICATIONS):
        sign_up.register_candidate(db, f"crash{i}@example.com", PASSWORD, f"Crash Candidate {i}")
        cand = sign_in.principal_from_token(db, sign_in.login(db, f"crash{i}@example.com", PASSWORD))
        ids.append(apply(db, cand, job.id).id)
    return ids


def move(url: str, token: str, app_id: int, stage: str) -> dict | None:
    req = urllib.request.Request(
        f"{url}/api/applications/{app_id}/stage?new_stage={stage}",
        method="PATCH",
        headers={"Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None  # refused, or the server died before answering: not acknowledged


def run_until_killed(server: AppServer, token: str, ids: list[int]) -> list[tuple[int, str, int]]:
    acked: list[tuple[int, str, int]] = []
    lock = threading.Lock()
    killed = threading.Event()

    def client(mine: list[int]):
        for stage in PATH:
            for app_id in mine:
                if killed.is_set():
                    return
                body = move(server.url, token, app_id, stage)
                if body is None:
                    if killed.is_set():
                        return
                    continue
                with lock:
                    acked.append((app_id, body["stage"], body["version"]))
                    if len(acked) >= KILL_AFTER and not killed.is_set():
                        killed.set()
                        server.kill()

    threads = [threading.Thread(target=client, args=(ids[i::CLIENTS],)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert killed.is_set(), "the clients finished before the crash; raise APPLICATIONS"
    return acked


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def deployment(request, tmp_path):
    data = Path(tempfile.mkdtemp(prefix="flowtrack-crash-"))
    if request.param == "sqlite":
        yield data, {}, f"sqlite:///{data / 'data' / 'flowtrack.db'}"
    else:
        pg_admin = request.getfixturevalue("pg_admin")
        redis_url = request.getfixturevalue("redis_url")
        with fresh_pg_database(pg_admin) as url:
            env = {"FLOWTRACK_DATABASE_URL": url, "FLOWTRACK_REDIS_URL": redis_url, "FLOWTRACK_WORKERS": "2"}
            yield data, env, url
    shutil.rmtree(data, ignore_errors=True)


def test_kill_9_loses_no_acknowledged_move(deployment):
    data, env, url = deployment
    server = AppServer(data / "data", extra_env=env).start()
    try:
        db = Database(url, feed=ChangeFeed(None))
        ids = prepare(db)
        token = sign_in.login(db, "recruiter@acme.test", DEMO_PW)
        acked = run_until_killed(server, token, ids)
        db.dispose()

        server.start()  # same data, same port
        db = Database(url, feed=ChangeFeed(None))
        for app_id in ids:
            assert_chain(db, app_id)
        with db.session() as s:
            versions = {a.id: a.version for a in s.exec(Application.__table__.select()).all()}
        for app_id, stage, version in acked:
            rows = assert_chain(db, app_id)
            assert versions[app_id] >= version
            assert rows[version - 1].new_stage == stage, (app_id, stage, version)

        # The restarted app takes moves again.
        token = sign_in.login(db, "recruiter@acme.test", DEMO_PW)
        behind = min(ids, key=lambda i: versions[i])
        if versions[behind] <= len(PATH):
            assert move(server.url, token, behind, PATH[versions[behind] - 1]) is not None
        db.dispose()
    finally:
        server.stop()
