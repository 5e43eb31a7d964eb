"""Shared fixtures: a fresh database per test (SQLite file, or PostgreSQL), and people to act as."""

from __future__ import annotations

import ast
import functools
import json
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

from passlib.context import CryptContext  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from flowtrack_ui.core import jobs, security  # noqa: E402
from flowtrack_ui.core.accounts import invitations, sign_in, sign_up  # noqa: E402
from flowtrack_ui.core.db import Database  # noqa: E402
from flowtrack_ui.core.permissions import Principal, Role  # noqa: E402
from flowtrack_ui.core.schema import upgrade  # noqa: E402

from .e2e_support import ARTIFACTS, CHROMIUM  # noqa: E402

# The tests hash and check thousands of passwords: in this process argon2id runs with small costs
# (the app servers the browser tests start keep FlowTrack's own). test_accounts checks the
# production parameters on the context kept here.
PRODUCTION_PASSWORD_HASHING = security._pwd
security._pwd = CryptContext(
    schemes=["argon2"], argon2__type="ID", argon2__memory_cost=256, argon2__time_cost=1, argon2__parallelism=1
)

PG_ADMIN_URL = os.environ.get("FLOWTRACK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_TMP, ignore_errors=True)


# --- two xdist lanes for the modules that start the app -----------------------------------------
# Each app server compiles into a web folder of the project, one per xdist worker (see
# e2e_server.web_dir_name), so the modules that start one (`running_app`, `app_with_mail`,
# `AppServer`) run in two groups, one after another within a group, each group on a worker of its
# own; the other tests fill in. Such a module is marked e2e as a whole (`pytestmark`); the
# scheduler, which sees only test ids, finds it by that line. (An `xdist_group` mark would not do:
# xdist records the group by renaming the test id, which this pytest's structured ids ignore.)
APP_SERVER_GROUP = "app-server"
APP_SERVER_LANES = 2
# Each browser module's seconds in a whole run (tests/e2e_seconds.json, measured with --durations, the
# lane's first frontend build left out) balance the lanes; a module not listed is estimated from
# its size (about 350 bytes of test per second, and 6 KB for its app server's start).
E2E_SECONDS = Path(__file__).with_name("e2e_seconds.json")


@functools.cache
def module_marked_e2e(path: Path) -> bool:
    """Whether the test module's own `pytestmark` holds `pytest.mark.e2e`."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError, UnicodeDecodeError):
        return False
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
            value = getattr(node, "value", None)
            return value is not None and any(
                isinstance(n, ast.Attribute) and n.attr == "e2e" for n in ast.walk(value)
            )
    return False


def _module_seconds(path: Path, measured: dict[str, float]) -> float:
    return measured.get(path.name) or (path.stat().st_size + 6000) / 350


@functools.cache
def app_server_lanes(tests_dir: Path) -> dict[str, str]:
    """Each e2e module's group: longest first, each into the lane with the least so far."""
    try:
        measured = json.loads((tests_dir / E2E_SECONDS.name).read_text())
    except (OSError, ValueError):
        measured = {}
    modules = sorted(
        ((p, _module_seconds(p, measured)) for p in tests_dir.glob("test_*.py") if module_marked_e2e(p)),
        key=lambda m: (-m[1], m[0].name),
    )
    load = [0.0] * APP_SERVER_LANES
    lanes = {}
    for path, seconds in modules:
        lane = load.index(min(load))
        load[lane] += seconds
        lanes[path.name] = f"{APP_SERVER_GROUP}-{lane + 1}"
    return lanes


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class AppServerGroupScheduling(LoadGroupScheduling):
        """loadgroup, with every test of an e2e module in one of two groups (the largest scopes: each
        starts at once on a worker of its own)."""

        def add_node_collection(self, node, collection):
            # Tests of one id (schemathesis makes one per API operation, all with the test's id)
            # are told apart by their rank, or only the first of them would be scheduled.
            seen: dict[str, int] = {}
            unique = []
            for nodeid in collection:
                seen[nodeid] = seen.get(nodeid, 0) + 1
                unique.append(nodeid if seen[nodeid] == 1 else f"{nodeid}#{seen[nodeid]}")
            super().add_node_collection(node, unique)

        def _split_scope(self, nodeid: str) -> str:
            path = config.rootpath / nodeid.split("::", 1)[0]
            if module_marked_e2e(path):
                return app_server_lanes(path.parent).get(path.name, f"{APP_SERVER_GROUP}-1")
            return super()._split_scope(nodeid)

    return AppServerGroupScheduling(config, log)


@functools.cache
def _uses_app_server(module) -> bool:
    from .e2e_server import AppServer, running_app
    from .e2e_support import app_with_mail

    return any(v is s for v in vars(module).values() for s in (AppServer, running_app, app_with_mail))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A module that starts the app, or has e2e tests, without `pytestmark = pytest.mark.e2e` fails:
    it would run beside the app-server worker's servers."""
    module = getattr(item, "module", None)
    if module is None or module_marked_e2e(Path(module.__file__)):
        return
    if item.get_closest_marker("e2e") or _uses_app_server(module):
        pytest.fail(
            f"{module.__name__} starts the app or has e2e tests: mark the whole module with "
            "`pytestmark = pytest.mark.e2e` so that it runs in the app-server worker",
            pytrace=False,
        )


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


@pytest.fixture(scope="session")
def pg_template(pg_admin) -> Iterator[str]:
    """A PostgreSQL database migrated once per test process: each test's database is a copy of it
    (``CREATE DATABASE … TEMPLATE``), far quicker than running every migration again."""
    with fresh_pg_database(pg_admin) as url:
        upgrade(url)
        # Nobody may be connected to a template while it is copied.
        with pg_admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": url.rsplit("/", 1)[1]},
            )
        yield url.rsplit("/", 1)[1]


@pytest.fixture
def pg_db(pg_admin, pg_template) -> Database:
    """A brand-new PostgreSQL database, migrated (a copy of the migrated template), dropped afterwards."""
    name = "flowtrack_t_" + uuid.uuid4().hex[:12]
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    db = Database(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    try:
        yield db
    finally:
        db.dispose()
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
    return sign_in.principal_from_token(db, sign_in.login(db, email, PASSWORD))


def make_company(db: Database, name: str) -> Company:
    """A company with a recruiter, a hiring manager (invited), and one open job."""
    slug = name.lower().replace(" ", "")
    sign_up.register_company(db, name, f"rec@{slug}.test", PASSWORD, f"{name} Recruiter")
    recruiter = principal(db, f"rec@{slug}.test")
    inv = invitations.invite_staff(db, recruiter, f"hm@{slug}.test", Role.HIRING_MANAGER)
    invitations.accept_invitation(db, inv.token, PASSWORD, f"{name} Manager")
    manager = principal(db, f"hm@{slug}.test")
    job = jobs.create_job(db, recruiter, f"{name} Engineer", "Build things", "Remote")
    return Company(recruiter=recruiter, manager=manager, job_id=job.id)


def every_stage_emails(db: Database) -> None:
    """Every job stage emails the candidate on entering it (by default only the applied and
    rejected stages do: mail/automation.NOTIFY_BY_DEFAULT), for tests of stage-change emails."""
    with db.session(write=True) as s:
        s.execute(text("UPDATE job_stage SET notify = :on WHERE category != 'withdrawn'"), {"on": True})


def make_candidate(db: Database, email: str = "cand@example.com", name: str = "Casey Candidate") -> Principal:
    sign_up.register_candidate(db, email, PASSWORD, name)
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

# How long a browser action or assertion may wait. Only a failing wait lasts this long. 20 s was
# too short on a host where Python ran 4-5x slower: three tests timed out in one full run and then
# passed alone in 9-15 s.
BROWSER_WAIT_MS = 45_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # A browser assertion waits as long as an action may (new_page's BROWSER_WAIT_MS) instead of
    # Playwright's 5 s: two cores shared by three test workers, two app servers and their browsers
    # sometimes take longer than 5 s to answer an event (a toast missed that way failed a run).
    expect.set_options(timeout=BROWSER_WAIT_MS)

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
        yield _PatientBrowser(b)
        b.close()


class _PatientBrowser:
    """The launched browser, whose new contexts and pages wait BROWSER_WAIT_MS by default.

    Playwright's own default is 30 s per action; a test that opened its page with
    `browser.new_page()` timed out at that in a full run on a slow host."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **options):
        ctx = self._browser.new_context(**options)
        ctx.set_default_timeout(BROWSER_WAIT_MS)
        return ctx

    def new_page(self, **options):
        # Its context closes with the browser, at the end of the module.
        return self.new_context(**options).new_page()

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture
def new_page(browser, request):
    """A fresh browser context per person; on failure, a screenshot and the console log are saved."""
    pages = []

    def make():
        ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = ctx.new_page()
        page.set_default_timeout(BROWSER_WAIT_MS)
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
