"""Hiring analytics: the report of one job with 5,000 applications and about 25,000 history rows,
and of a whole company with 50 jobs of 100, 1,000 and 10,000 applications each (about 23k, 229k
and 2.3M history rows), on SQLite and PostgreSQL.

Beside each figure, the same report as it was before history rows recorded when their old stage
was entered (``report.py`` at ``BEFORE``, read with ``git show`` and run on the same data), and
whether both give the same figures. The report reads each application's running totals
(``application_stage_stats``), and all time sums their per-job summary (``job_report_totals``)
and ranks the standing hires (``standing_hires``); the data here is written as history rows, so
all are computed from them (``stage_stats.rebuild``). The all-time figures are also checked
against the report read one row per application (the path of a date range). Also timed:
migrations 0027's and 0028's backfills of the totals from the whole history and of the summary
and hires from the totals, checked against what they replace.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib.util
import random
import subprocess
import sys
import time
import types
from datetime import UTC, datetime, timedelta

from common import (
    ENGINES,
    ROOT,
    bulk_job,
    company,
    count_queries,
    cpu_between,
    database_cpu_seconds,
    database_url,
    median,
    open_db,
    pg_available,
)
from sqlalchemy import delete, insert, text

from flowtrack_ui.core.analytics import report
from flowtrack_ui.core.models import ApplicationHistory
from flowtrack_ui.core.pipelines import job_stages, stage_stats

JOB_SIZE = 5000
COMPANY_JOBS = 50
COMPANY_JOB_SIZES = (100, 1000, 10000)  # the one job's volume spread over 50 jobs; then 10× and 100×
TARGET_MS = {1000: 200.0, 10000: 1000.0}  # issue #33: 229k history rows ≤ 200 ms, ten times that ≤ 1 s
RUNS = 7
BEFORE_RUNS = 3  # the old report takes seconds at the largest volume
BEFORE = "5aac177"  # the last commit whose report computed time in stage with a window over history
REASONS = ["Not enough experience", "Skills do not match the role", "Position filled", None]
MIS_DROPS = 0.02  # of moves: undone within seconds


def _histories(db, recruiter, job_id: int, seed: int) -> int:
    """Replace the bulk job's history with realistic paths: forward moves, rejections with reasons,
    corrections, mis-drops and their undos, over 90 days; each application created when its first
    row was written.
    Returns the number of history rows."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        pipeline = job_stages.pipeline_of(s, job_id)
        forward = [*pipeline.progress, pipeline.of_category("hired")]
        rejected = pipeline.of_category("rejected")
        apps = s.execute(
            text("SELECT id FROM application WHERE job_id = :j ORDER BY id"), {"j": job_id}
        ).all()
        s.execute(
            delete(ApplicationHistory).where(ApplicationHistory.application_id.in_([a.id for a in apps]))
        )
        rows, finals = [], []

        def add(app_id, old, new, kind, when, reason=None):
            entered = rows[-1][4] if old is not None else when  # the previous row, or the creation
            rows.append((app_id, old, new, kind, when, reason, entered))

        for (app_id,) in apps:
            t = now - timedelta(days=rng.uniform(10, 90))
            depth = rng.choices(range(len(forward)), weights=[15, 20, 25, 25, 15][: len(forward)])[0]
            path = forward[: depth + 1]
            prev = None
            for i, stage in enumerate(path):
                add(app_id, prev, stage, "applied" if prev is None else "forward", t)
                if prev is not None and rng.random() < 0.25:  # a correction back and forward again
                    t += timedelta(hours=rng.uniform(1, 30))
                    add(app_id, stage, prev, "back", t)
                    t += timedelta(hours=rng.uniform(1, 30))
                    add(app_id, prev, stage, "forward", t)
                if stage.category != "hired" and rng.random() < MIS_DROPS:  # a wrong drop, undone at once
                    wrong = forward[i + 2] if i + 2 < len(forward) and rng.random() < 0.5 else rejected
                    t += timedelta(hours=rng.uniform(1, 30))
                    if wrong is rejected:
                        add(app_id, stage, wrong, "reject", t, rng.choice(REASONS))
                    else:
                        add(app_id, stage, wrong, "skip", t)
                    t += timedelta(seconds=rng.uniform(2, 9))
                    add(app_id, wrong, stage, "undo", t)
                prev = stage
                t += timedelta(days=rng.uniform(0.5, 6))
            if prev.category != "hired" and rng.random() < 0.6:
                add(app_id, prev, rejected, "reject", t, rng.choice(REASONS))
                if rng.random() < MIS_DROPS:  # reopened by mistake, and undone
                    t += timedelta(days=rng.uniform(0.5, 6))
                    add(app_id, rejected, prev, "reopen", t)
                    t += timedelta(seconds=rng.uniform(2, 9))
                    add(app_id, prev, rejected, "undo", t)
                prev = rejected
            finals.append((app_id, prev))
        s.execute(
            insert(ApplicationHistory),
            [
                {
                    "application_id": a,
                    "old_stage": o.name if o else None,
                    "new_stage": n.name,
                    "old_stage_id": o.id if o else None,
                    "new_stage_id": n.id,
                    "kind": kind,
                    "changed_by_id": recruiter.user_id,
                    "changed_at": when,
                    "old_stage_entered_at": entered,
                    "reason": reason,
                }
                for a, o, n, kind, when, reason, entered in rows
            ],
        )
        # An undo reverts the row just before it (pipelines/moves.py): one insert numbers them in order.
        s.execute(
            text(
                "UPDATE application_history SET reverts_id = id - 1 WHERE kind = 'undo' "
                "AND application_id IN (SELECT id FROM application WHERE job_id = :j)"
            ),
            {"j": job_id},
        )
        s.execute(
            text(
                "UPDATE application SET created_at = (SELECT h.changed_at FROM application_history h "
                "WHERE h.application_id = application.id AND h.old_stage_id IS NULL) WHERE job_id = :j"
            ),
            {"j": job_id},
        )
        for stage in pipeline.stages:
            ids = [a for a, final in finals if final.id == stage.id]
            if ids:
                listed = ",".join(map(str, ids))
                s.execute(
                    text(f"UPDATE application SET stage_id = :i WHERE id IN ({listed})"),
                    {"i": stage.id},
                )
        # Rows written here rather than by FlowTrack's write paths: their totals from the history.
        stage_stats.rebuild(s.connection(), [a.id for a in apps])
        return len(rows)


def _analyze(db) -> None:
    """Statistics and visibility maps as a live database has them: PostgreSQL's autovacuum keeps
    both (it also vacuums tables that only grow), and an index-only walk to a median reads the heap
    for every entry of a page not marked all-visible, so rows loaded a moment ago are vacuumed here;
    a new SQLite database may have no statistics yet (core/db.py's ``PRAGMA optimize`` gathers them
    over time), so the report is measured without them there (its plans are the same with them)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def _before_report() -> types.ModuleType | None:
    """``report.py`` as it was at ``BEFORE``, as a module beside today's (None outside a git checkout)."""
    try:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{BEFORE}:flowtrack_ui/core/analytics/report.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    name = "flowtrack_ui.core.analytics.report_before"
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "flowtrack_ui.core.analytics"
    sys.modules[name] = module
    exec(compile(source, f"{BEFORE}:flowtrack_ui/core/analytics/report.py", "exec"), module.__dict__)
    return module


def _figures(r) -> dict:
    """A report's figures, without the moment it was made."""
    return {k: v for k, v in dataclasses.asdict(r).items() if k != "generated_at"}


def _time(fn, url: str, runs: int = RUNS) -> tuple[float, float]:
    """Median milliseconds of ``fn()`` after one warm-up run, and the CPU milliseconds a run costs
    (this process, where SQLite works, and the PostgreSQL backends of the database): on a machine
    others share, the CPU is what the report costs, the wall clock what they left of it."""
    fn()
    times = []
    database_before, cpu_before = database_cpu_seconds(url), time.process_time()
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    cpu = time.process_time() - cpu_before + cpu_between(database_before, database_cpu_seconds(url))
    return median(times), cpu * 1000 / runs


def _backfill(db) -> tuple[float, int, int]:
    """Migration 0027's backfill of the running totals from the history, as the migration runs it:
    the table emptied, then filled range by range. Milliseconds, rows filled, and rows that differ
    from the totals it replaced."""
    spec = importlib.util.spec_from_file_location(
        "migration_0027", ROOT / "alembic" / "versions" / "0027_application_stage_stats.py"
    )
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with db.session(write=True) as s:
        s.execute(text("DROP TABLE IF EXISTS bench_stats"))
        s.execute(text("CREATE TABLE bench_stats AS SELECT * FROM application_stage_stats"))
        s.execute(text("DELETE FROM application_stage_stats"))
        low, high = s.execute(
            text("SELECT MIN(application_id), MAX(application_id) FROM application_history")
        ).one()
    t = time.perf_counter()
    with db.session(write=True) as s:
        backfill = migration._backfill(s.get_bind().dialect.name)
        for start in range(low, high + 1, migration.BATCH):
            s.execute(backfill, {"lo": start, "hi": start + migration.BATCH})
    ms = (time.perf_counter() - t) * 1000
    # Seconds to within a microsecond: PostgreSQL may sum a category's stays in another order.
    seconds = [f"(ABS(n.t{i} - b.t{i}) < 1e-6 OR (n.t{i} IS NULL AND b.t{i} IS NULL))" for i in range(4)]
    same = " AND ".join(
        seconds
        + [
            f"(n.{c} = b.{c} OR (n.{c} IS NULL AND b.{c} IS NULL))"
            for c in ("job_id", "company_id", "top", "last_reject_id", "last_reject_reason",
                      "last_reject_stage_id", "first_hire", "last_hire")
        ]
    )  # fmt: skip
    with db.session(write=True) as s:
        filled = s.execute(text("SELECT COUNT(*) FROM application_stage_stats")).scalar_one()
        differ = s.execute(
            text(
                "SELECT (SELECT COUNT(*) FROM bench_stats) - COUNT(*) FROM application_stage_stats n "
                f"JOIN bench_stats b ON b.application_id = n.application_id WHERE {same}"
            )
        ).scalar_one()
        s.execute(text("DROP TABLE bench_stats"))
    return ms, int(filled), int(differ)


def _backfill_summary(db) -> tuple[float, int, int]:
    """Migration 0028's backfill of the per-job summary and the standing hires from the running
    totals: milliseconds, rows filled, and rows that differ from those kept so far (cells a change
    emptied, at zero, left out)."""
    spec = importlib.util.spec_from_file_location(
        "migration_0028", ROOT / "alembic" / "versions" / "0028_job_report_totals.py"
    )
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    counting = "SELECT * FROM job_report_totals WHERE figure <> '' AND n <> 0"
    with db.session(write=True) as s:
        s.execute(text("DROP TABLE IF EXISTS bench_summary"))
        s.execute(text("DROP TABLE IF EXISTS bench_hires"))
        s.execute(text(f"CREATE TABLE bench_summary AS {counting}"))
        s.execute(text("CREATE TABLE bench_hires AS SELECT * FROM standing_hires"))
        s.execute(text("DELETE FROM job_report_totals"))
        s.execute(text("DELETE FROM standing_hires"))
    t = time.perf_counter()
    with db.session(write=True) as s:
        s.execute(text(migration._backfill()))
        s.execute(text(migration._hires(s.get_bind().dialect.name)))
    ms = (time.perf_counter() - t) * 1000
    differ = 0
    with db.session(write=True) as s:
        filled = s.execute(
            text("SELECT (SELECT COUNT(*) FROM job_report_totals) + (SELECT COUNT(*) FROM standing_hires)")
        ).scalar_one()
        for kept, table, columns in (
            ("bench_summary", "job_report_totals", "job_id, company_id, figure, item, detail, n, hired"),
            ("bench_hires", "standing_hires", "application_id, job_id, company_id, seconds, first_hire"),
        ):
            differ += s.execute(
                text(
                    f"SELECT COUNT(*) FROM (SELECT {columns} FROM {kept} EXCEPT SELECT {columns} "
                    f"FROM {table} UNION ALL SELECT {columns} FROM {table} EXCEPT "
                    f"SELECT {columns} FROM {kept}) d"
                )
            ).scalar_one()
        s.execute(text("DROP TABLE bench_summary"))
        s.execute(text("DROP TABLE bench_hires"))
    return ms, int(filled), int(differ)


def _per_application(db, principal) -> dict:
    """The all-time report read one row per application rather than from the summary."""
    report.SUMMARY = False
    try:
        return _figures(report.report(db, principal))
    finally:
        report.SUMMARY = True


def run(
    sizes: tuple[int, ...] = COMPANY_JOB_SIZES, engines: tuple[str, ...] = ENGINES, backfill: bool = True
) -> list[dict]:
    before = _before_report()
    if before is None:
        print(f"[analytics] no git checkout: the report as of {BEFORE} is not measured", flush=True)
    rows = []
    for engine in engines:
        if engine == "PostgreSQL" and not pg_available():
            print("PostgreSQL unreachable: analytics benchmark on SQLite only")
            continue
        with database_url(engine) as url:
            db = open_db(url)
            recruiter = company(db, "Analytics Bench Co")
            job_id, _ = bulk_job(db, recruiter, JOB_SIZE, title="Big job")
            history = _histories(db, recruiter, job_id, 1)
            _analyze(db)
            report.report(db, recruiter, job_id)
            with count_queries(db) as statements:
                report.report(db, recruiter, job_id)
            job_ms, job_cpu = _time(functools.partial(report.report, db, recruiter, job_id), url)

            row = {"engine": engine, "job_ms": job_ms, "job_history": history, "queries": len(statements)}
            print(
                f"[analytics] {engine}: one job ({JOB_SIZE:,} applications, {history:,} history rows) "
                f"{job_ms:.0f} ms (CPU {job_cpu:.0f} ms), {len(statements)} queries",
                flush=True,
            )
            for size in sizes:
                other = company(db, f"Analytics Wide Co {size}")
                total = 0
                for n in range(COMPANY_JOBS):
                    jid, _ = bulk_job(db, other, size, title=f"Job {n}")
                    total += _histories(db, other, jid, 100 + n)
                _analyze(db)
                now = report.report(db, other)
                ms, cpu = _time(functools.partial(report.report, db, other), url)
                row[f"company_{size}_ms"] = ms
                row[f"company_{size}_cpu_ms"] = cpu
                row[f"company_{size}_history"] = total
                line = (
                    f"[analytics] {engine}: company-wide over {COMPANY_JOBS} jobs × {size:,} applications "
                    f"({total:,} history rows): {ms:.0f} ms (CPU {cpu:.0f} ms)"
                )
                if size in TARGET_MS:
                    verdict = "met" if ms <= TARGET_MS[size] else "NOT met"
                    line += f" (target ≤ {TARGET_MS[size]:.0f} ms: {verdict})"
                same = _per_application(db, other) == _figures(now)
                row[f"company_{size}_same_per_application"] = same
                line += f"; same figures read per application: {'yes' if same else 'NO'}"
                if before is not None:
                    then = before.report(db, other)
                    old_ms, old_cpu = _time(functools.partial(before.report, db, other), url, BEFORE_RUNS)
                    same = _figures(then) == _figures(now)
                    row[f"company_{size}_before_ms"] = old_ms
                    row[f"company_{size}_before_cpu_ms"] = old_cpu
                    row[f"company_{size}_same"] = same
                    verdict = "yes" if same else "NO"
                    line += (
                        f"; as of {BEFORE}: {old_ms:.0f} ms (CPU {old_cpu:.0f} ms); same figures: {verdict}"
                    )
                if backfill:
                    fill_ms, filled, wrong = _backfill(db)
                    row[f"company_{size}_backfill_ms"] = fill_ms
                    line += f"; migration 0027 backfill of {filled:,} applications: {fill_ms:.0f} ms"
                    line += f", {wrong} differ"
                    fill_ms, filled, wrong = _backfill_summary(db)
                    row[f"company_{size}_summary_backfill_ms"] = fill_ms
                    line += f"; migration 0028 backfill of the summary and hires ({filled:,} rows): "
                    line += f"{fill_ms:.0f} ms, {wrong} differ"
                print(line, flush=True)
            db.dispose()
        rows.append(row)
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(COMPANY_JOB_SIZES))
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--no-backfill", action="store_true", help="skip timing migration 0027's backfill")
    args = parser.parse_args()
    run(tuple(args.sizes), tuple(args.engines), not args.no_backfill)
