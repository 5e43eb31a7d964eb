"""Shared fixtures: a fresh database per test (SQLite file, or PostgreSQL), and people to act as."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

# Tests never touch the developer's data folder, and sign tokens with a secret of their own.
_TMP = Path(tempfile.mkdtemp(prefix="flowtrack-tests-"))
os.environ["FLOWTRACK_DATA_DIR"] = str(_TMP / "data")
os.environ["FLOWTRACK_JWT_SECRET"] = "test-secret-" + uuid.uuid4().hex
os.environ.pop("FLOWTRACK_DATABASE_URL", None)
os.environ.setdefault("FLOWTRACK_DEMO", "0")

from sqlalchemy import create_engine, text  # noqa: E402

from flowtrack_ui.core import accounts, jobs  # noqa: E402
from flowtrack_ui.core.db import Database  # noqa: E402
from flowtrack_ui.core.permissions import Principal, Role  # noqa: E402
from flowtrack_ui.core.schema import upgrade  # noqa: E402

PG_ADMIN_URL = os.environ.get("FLOWTRACK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_TMP, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template() -> Path:
    """The migrated empty schema, made once and copied for each test."""
    path = _TMP / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_db(sqlite_template, tmp_path) -> Database:
    target = tmp_path / "flowtrack.db"
    shutil.copy(sqlite_template, target)
    db = Database(f"sqlite:///{target}")
    yield db
    db.dispose()


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(
            PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # the reason is shown in the skip message
        return f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {type(exc).__name__}: {str(exc)[:120]}"


@pytest.fixture(scope="session")
def pg_admin():
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_db(pg_admin) -> Database:
    """A brand-new PostgreSQL database, migrated, dropped afterwards."""
    name = "flowtrack_t_" + uuid.uuid4().hex[:12]
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    db = Database(url)
    yield db
    db.dispose()
    with pg_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request) -> Database:
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def db(sqlite_db) -> Database:
    return sqlite_db


@dataclass
class Company:
    recruiter: Principal
    manager: Principal
    job_id: int


def principal(db: Database, email: str) -> Principal:
    return accounts.principal_from_token(db, accounts.login(db, email, PASSWORD))


def make_company(db: Database, name: str) -> Company:
    """A company with a recruiter, a hiring manager (invited), and one open job."""
    slug = name.lower().replace(" ", "")
    accounts.register_company(db, name, f"rec@{slug}.test", PASSWORD, f"{name} Recruiter")
    recruiter = principal(db, f"rec@{slug}.test")
    inv = accounts.invite_staff(db, recruiter, f"hm@{slug}.test", Role.HIRING_MANAGER)
    accounts.accept_invitation(db, inv.token, PASSWORD, f"{name} Manager")
    manager = principal(db, f"hm@{slug}.test")
    job = jobs.create_job(db, recruiter, f"{name} Engineer", "Build things", "Remote")
    return Company(recruiter=recruiter, manager=manager, job_id=job.id)


def make_candidate(db: Database, email: str = "cand@example.com", name: str = "Casey Candidate") -> Principal:
    accounts.register_candidate(db, email, PASSWORD, name)
    return principal(db, email)


@pytest.fixture
def acme(db) -> Company:
    return make_company(db, "Acme")


@pytest.fixture
def globex(db) -> Company:
    return make_company(db, "Globex")


@pytest.fixture
def candidate(db) -> Principal:
    return make_candidate(db)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Lets fixtures know whether the test failed (the browser tests save screenshots then)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
