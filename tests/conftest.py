"""Shared fixtures: a fresh database per test (SQLite file, or PostgreSQL), and people to act as."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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

from .e2e_support import ARTIFACTS, CHROMIUM  # noqa: E402

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


@contextmanager
def fresh_pg_database(pg_admin) -> Iterator[str]:
    """The URL of a brand-new, empty PostgreSQL database, dropped afterwards."""
    name = "flowtrack_t_" + uuid.uuid4().hex[:12]
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_db(pg_admin) -> Database:
    """A brand-new PostgreSQL database, migrated, dropped afterwards."""
    with fresh_pg_database(pg_admin) as url:
        upgrade(url)
        db = Database(url)
        yield db
        db.dispose()


REDIS_URL = os.environ.get("FLOWTRACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {type(exc).__name__}: {exc}")
    return REDIS_URL


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


# --- the browser, for the end-to-end tests -------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def new_page(browser, request):
    """A fresh browser context per person; on failure, a screenshot and the console log are saved."""
    pages = []

    def make():
        ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        page.console_lines = []
        page.on("console", lambda m: page.console_lines.append(f"{m.type}: {m.text}"))
        pages.append(page)
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, page in enumerate(pages):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            base = ARTIFACTS / f"{request.node.name}-{i}"
            try:
                page.screenshot(path=str(base) + ".png", full_page=True)
            except Exception:
                pass
            Path(str(base) + ".console.log").write_text("\n".join(page.console_lines))
        page.context.close()
