"""What every benchmark shares: engines, bulk test data, a running server, process statistics."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("FLOWTRACK_JWT_SECRET", "bench-secret-" + uuid.uuid4().hex)
os.environ.setdefault("FLOWTRACK_DATA_DIR", tempfile.mkdtemp(prefix="flowtrack-bench-"))

from sqlalchemy import create_engine, event, insert, text  # noqa: E402

from flowtrack_ui.core import security  # noqa: E402
from flowtrack_ui.core.accounts import sign_in, sign_up  # noqa: E402
from flowtrack_ui.core.changes import ChangeFeed  # noqa: E402
from flowtrack_ui.core.db import Database  # noqa: E402
from flowtrack_ui.core.models import Application, ApplicationHistory, Job, User  # noqa: E402
from flowtrack_ui.core.permissions import Principal, Role  # noqa: E402
from flowtrack_ui.core.pipelines import job_stages  # noqa: E402
from flowtrack_ui.core.schema import upgrade  # noqa: E402

PG_ADMIN_URL = os.environ.get("FLOWTRACK_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("FLOWTRACK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "bench-password-1"
ENGINES = ("SQLite", "PostgreSQL")


def pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def database_url(engine_name: str) -> Iterator[str]:
    """An empty, migrated database of that engine, removed afterwards."""
    if engine_name == "SQLite":
        folder = Path(tempfile.mkdtemp(prefix="flowtrack-bench-db-"))
        url = f"sqlite:///{folder / 'flowtrack.db'}"
        upgrade(url)
        yield url
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = "flowtrack_bench_" + uuid.uuid4().hex[:10]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def open_db(url: str) -> Database:
    return Database(url, feed=ChangeFeed(None))


def company(db: Database, name: str = "Bench Co") -> Principal:
    """A company and its recruiter (one real sign-up), returned as the recruiter."""
    slug = uuid.uuid4().hex[:8]
    email = f"rec-{slug}@bench.test"
    sign_up.register_company(db, f"{name} {slug}", email, PASSWORD, "Bench Recruiter")
    return sign_in.principal_from_token(db, sign_in.login(db, email, PASSWORD))


_HASH: str | None = None


def bulk_job(
    db: Database, recruiter: Principal, n: int, spread: bool = False, title: str = ""
) -> tuple[int, list[int]]:
    """A job with ``n`` applications (all Applied, or spread over the stages), inserted in bulk.

    Each application gets a candidate of its own and a consistent history chain.
    """
    global _HASH
    _HASH = _HASH or security.hash_password(PASSWORD)
    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:8]
    with db.session(write=True) as s:
        job = Job(
            company_id=recruiter.company_id,
            created_by_id=recruiter.user_id,
            title=title or f"Bench job {tag}",
            status="published",
        )
        s.add(job)
        s.flush()
        job_id = job.id
        job_stages.create_for_job(s, job_id)
        pipeline = job_stages.pipeline_of(s, job_id)
        applied, rejected = pipeline.progress[0], pipeline.of_category("rejected")
        users = [
            {
                "email": f"c{i}-{tag}@bench.test",
                "full_name": f"Candidate {i:05d}",
                "role": Role.CANDIDATE.value,
                "password_hash": _HASH,
                "is_active": True,
                "token_version": 0,
                "created_at": now,
            }
            for i in range(n)
        ]
        s.execute(insert(User), users)
        cand_ids = [
            r[0]
            for r in s.execute(
                text("SELECT id FROM user_account WHERE email LIKE :p ORDER BY id"),
                {"p": f"%-{tag}@bench.test"},
            )
        ]
        forward = [*pipeline.progress, pipeline.of_category("hired")]
        stages = []
        for i in range(n):
            if not spread:
                stages.append(applied)
            elif i % 20 == 19:
                stages.append(rejected)
            else:
                stages.append(forward[min(int((i % 20) / 20 * 5 * 0.8), 4)] if i % 7 else applied)
        apps = [
            {
                "job_id": job_id,
                "candidate_id": cid,
                "stage_id": st.id,
                "previous_stage_id": None if st.id == applied.id else applied.id,
                "version": 1 if st.id == applied.id else 2,
                "stage_changed_at": now - timedelta(days=i % 30),
                "created_at": now - timedelta(days=i % 30 + 1),
                "updated_at": now,
            }
            for i, (cid, st) in enumerate(zip(cand_ids, stages, strict=True))
        ]
        s.execute(insert(Application), apps)
        app_rows = s.execute(
            text(
                "SELECT a.id, st.name, a.stage_id FROM application a JOIN job_stage st ON st.id = a.stage_id "
                "WHERE a.job_id = :j ORDER BY a.id"
            ),
            {"j": job_id},
        ).all()
        history = []
        for app_id, stage, stage_id in app_rows:
            history.append(
                {
                    "application_id": app_id,
                    "old_stage": None,
                    "new_stage": applied.name,
                    "new_stage_id": applied.id,
                    "kind": "applied",
                    "changed_by_id": recruiter.user_id,
                    "changed_at": now,
                }
            )
            if stage_id != applied.id:
                history.append(
                    {
                        "application_id": app_id,
                        "old_stage": applied.name,
                        "new_stage": stage,
                        "old_stage_id": applied.id,
                        "new_stage_id": stage_id,
                        "kind": "reject" if stage_id == rejected.id else "forward",
                        "changed_by_id": recruiter.user_id,
                        "changed_at": now,
                    }
                )
        s.execute(insert(ApplicationHistory), history)
        return job_id, [r[0] for r in app_rows]


@contextmanager
def count_queries(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- a process tree's memory and CPU, from /proc ----------------------------------------------


def process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def tree_pss_mib(pid: int) -> float:
    """Proportional set size of the process and its children (shared pages counted once)."""
    total_kib = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total_kib += int(line.split()[1])
                        break
        except OSError:
            pass
    return total_kib / 1024


def tree_cpu_seconds(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def server_env(engine_name: str, url: str, workers: int = 1) -> dict:
    env = {"FLOWTRACK_DATABASE_URL": url, "FLOWTRACK_DEMO": "0", "FLOWTRACK_LOG_LEVEL": "WARNING"}
    if engine_name == "PostgreSQL":
        env.update({"FLOWTRACK_REDIS_URL": REDIS_URL, "FLOWTRACK_WORKERS": str(workers)})
    return env


@dataclass
class Site:
    """A running FlowTrack over a fresh database, with one company and its recruiter."""

    engine: str
    url: str
    db: Database
    recruiter: Principal
    server: object  # tests.e2e_server.AppServer
    workers: int
    tmp: Path

    @property
    def label(self) -> str:
        return f"{self.engine} ({self.workers} worker{'s' if self.workers > 1 else ''})"


def available_engines() -> list[str]:
    if pg_available():
        return list(ENGINES)
    print("PostgreSQL unreachable: measuring SQLite only", flush=True)
    return ["SQLite"]


@contextmanager
def site(engine_name: str) -> Iterator[Site]:
    """SQLite is served by one worker; PostgreSQL by two sharing Redis (the production recipe)."""
    from tests.e2e_server import AppServer

    with database_url(engine_name) as url:
        db = open_db(url)
        recruiter = company(db)
        tmp = Path(tempfile.mkdtemp(prefix="flowtrack-bench-site-"))
        workers = 2 if engine_name == "PostgreSQL" else 1
        server = AppServer(tmp / "data", extra_env=server_env(engine_name, url, workers)).start()
        try:
            yield Site(engine_name, url, db, recruiter, server, workers, tmp)
        finally:
            server.stop()
            db.dispose()
            shutil.rmtree(tmp, ignore_errors=True)


def each_engine(measure) -> list[dict]:
    """``measure(site)`` on every reachable engine; its rows (a dict or a list of them) together."""
    rows: list[dict] = []
    for engine in available_engines():
        with site(engine) as s:
            result = measure(s)
            rows += result if isinstance(result, list) else [result]
    return rows


def database_cpu_seconds(url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the database of ``url`` (its pid → seconds);
    empty for SQLite, whose work runs inside the server's own processes. A caller takes the sum of
    the differences, counting a backend that appeared meanwhile in full."""
    if not url.startswith("postgresql"):
        return {}
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL)
    try:
        with admin.connect() as conn:
            pids = [
                r[0]
                for r in conn.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = :n"), {"n": name}
                )
            ]
    finally:
        admin.dispose()
    ticks = os.sysconf("SC_CLK_TCK")
    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return seconds


def cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    """The CPU seconds spent between two ``database_cpu_seconds`` readings."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """A Markdown table: one (title, format) per column, each format filled from a row's fields."""
    lines = ["| " + " | ".join(title for title, _ in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(fmt.format(**row) for _, fmt in columns) + " |")
    return "\n".join(lines)


def tree_run_queue_seconds(pid: int) -> float:
    """Seconds the threads of the process and its children spent runnable but waiting for a core
    (``/proc/…/schedstat``): on a machine others share, how much of a server's slowness is theirs."""
    total = 0
    for p in process_tree(pid):
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{p}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return total / 1e9
