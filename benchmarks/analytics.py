"""Hiring analytics: the report of one job with 5,000 applications and about 25,000 history rows,
and of a whole company with 50 such jobs of 1,000 applications each, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from common import ENGINES, bulk_job, company, count_queries, database_url, median, open_db, pg_available
from sqlalchemy import delete, insert, text

from flowtrack_ui.core.analytics import report
from flowtrack_ui.core.models import ApplicationHistory
from flowtrack_ui.core.pipelines import job_stages

JOB_SIZE = 5000
COMPANY_JOBS = 50
COMPANY_JOB_SIZES = (100, 1000)  # the one job's volume spread over 50 jobs; then ten times that
RUNS = 7
REASONS = ["Not enough experience", "Skills do not match the role", "Position filled", None]


def _histories(db, recruiter, job_id: int, seed: int) -> int:
    """Replace the bulk job's history with realistic paths: forward moves, rejections with reasons,
    corrections and undos, over 90 days. Returns the number of history rows."""
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
        for (app_id,) in apps:
            t = now - timedelta(days=rng.uniform(10, 90))
            depth = rng.choices(range(len(forward)), weights=[15, 20, 25, 25, 15][: len(forward)])[0]
            path = forward[: depth + 1]
            prev = None
            for stage in path:
                rows.append((app_id, prev, stage, "applied" if prev is None else "forward", t, None))
                if prev is not None and rng.random() < 0.25:  # a correction back and forward again
                    t += timedelta(hours=rng.uniform(1, 30))
                    rows.append((app_id, stage, prev, "back", t, None))
                    t += timedelta(hours=rng.uniform(1, 30))
                    rows.append((app_id, prev, stage, "forward", t, None))
                prev = stage
                t += timedelta(days=rng.uniform(0.5, 6))
            if prev.category != "hired" and rng.random() < 0.6:
                rows.append((app_id, prev, rejected, "reject", t, rng.choice(REASONS)))
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
                    "reason": reason,
                }
                for a, o, n, kind, when, reason in rows
            ],
        )
        for stage in pipeline.stages:
            ids = [a for a, final in finals if final.id == stage.id]
            if ids:
                listed = ",".join(map(str, ids))
                s.execute(
                    text(f"UPDATE application SET stage_id = :i WHERE id IN ({listed})"),
                    {"i": stage.id},
                )
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("ANALYZE application_history; ANALYZE application; ANALYZE job_stage"))
        return len(rows)


def _time(db, principal, job_id: int | None) -> float:
    """Median milliseconds of the whole report (every figure), after one warm-up run."""
    report.report(db, principal, job_id)
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        report.report(db, principal, job_id)
        times.append((time.perf_counter() - t) * 1000)
    return median(times)


def run() -> list[dict]:
    rows = []
    for engine in ENGINES:
        if engine == "PostgreSQL" and not pg_available():
            print("PostgreSQL unreachable: analytics benchmark on SQLite only")
            continue
        with database_url(engine) as url:
            db = open_db(url)
            recruiter = company(db, "Analytics Bench Co")
            job_id, _ = bulk_job(db, recruiter, JOB_SIZE, title="Big job")
            history = _histories(db, recruiter, job_id, 1)
            report.report(db, recruiter, job_id)
            with count_queries(db) as statements:
                report.report(db, recruiter, job_id)
            job_ms = _time(db, recruiter, job_id)

            row = {"engine": engine, "job_ms": job_ms, "job_history": history, "queries": len(statements)}
            for size in COMPANY_JOB_SIZES:
                other = company(db, f"Analytics Wide Co {size}")
                total = 0
                for n in range(COMPANY_JOBS):
                    jid, _ = bulk_job(db, other, size, title=f"Job {n}")
                    total += _histories(db, other, jid, 100 + n)
                row[f"company_{size}_ms"] = _time(db, other, None)
                row[f"company_{size}_history"] = total
            db.dispose()
        print(
            f"[analytics] {engine}: one job ({JOB_SIZE:,} applications, {history:,} history rows) "
            f"{job_ms:.0f} ms, {row['queries']} queries; company-wide over {COMPANY_JOBS} jobs: "
            + "; ".join(
                f"{COMPANY_JOBS * size:,} applications, {row[f'company_{size}_history']:,} history rows "
                f"{row[f'company_{size}_ms']:.0f} ms"
                for size in COMPANY_JOB_SIZES
            ),
            flush=True,
        )
        rows.append(row)
    return rows


if __name__ == "__main__":
    run()
