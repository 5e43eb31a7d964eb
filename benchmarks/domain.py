"""Domain core: stage moves per second (1 and 8 threads) and the board at 50/500/5,000 applications."""

from __future__ import annotations

import threading
import time

from common import ENGINES, bulk_job, company, count_queries, database_url, median, open_db, pg_available

from flowtrack_ui.core import queries
from flowtrack_ui.core.pipelines.moves import move_stage

MOVES_SINGLE = 300
MOVES_PER_THREAD = 100
THREADS = 8
BOARD_SIZES = (50, 500, 5000)
BOARD_RUNS = 10


def moves_per_second(db, recruiter, threads: int, per_thread: int) -> float:
    _, ids = bulk_job(db, recruiter, threads * per_thread)
    chunks = [ids[i::threads] for i in range(threads)]
    errors: list[Exception] = []

    def work(mine):
        try:
            for app_id in mine:
                move_stage(db, recruiter, app_id, "Screening", expected_stage="Applied")
        except Exception as exc:  # reported, never hidden
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(c,)) for c in chunks]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} moves failed: {errors[0]!r}")
    return len(ids) / elapsed


def board_timing(db, recruiter, size: int) -> tuple[float, int]:
    job_id, _ = bulk_job(db, recruiter, size, spread=True)
    queries.board(db, recruiter, job_id)  # warm
    with count_queries(db) as statements:
        board = queries.board(db, recruiter, job_id)
    assert board.total == size
    times = []
    for _ in range(BOARD_RUNS):
        t = time.perf_counter()
        queries.board(db, recruiter, job_id)
        times.append((time.perf_counter() - t) * 1000)
    return median(times), len(statements)


def run() -> list[dict]:
    rows = []
    for engine in ENGINES:
        if engine == "PostgreSQL" and not pg_available():
            print("PostgreSQL unreachable: domain benchmark on SQLite only")
            continue
        with database_url(engine) as url:
            db = open_db(url)
            recruiter = company(db)
            single = moves_per_second(db, recruiter, 1, MOVES_SINGLE)
            multi = moves_per_second(db, recruiter, THREADS, MOVES_PER_THREAD)
            row = {"engine": engine, "moves_1": single, "moves_8": multi}
            for size in BOARD_SIZES:
                ms, n_queries = board_timing(db, recruiter, size)
                row[f"board_{size}_ms"] = ms
                row[f"board_{size}_queries"] = n_queries
            db.dispose()
        print(
            f"[domain] {engine}: {single:.0f} moves/s (1 thread), {multi:.0f} moves/s (8 threads); board "
            + ", ".join(
                f"{s}: {row[f'board_{s}_ms']:.1f} ms / {row[f'board_{s}_queries']} queries"
                for s in BOARD_SIZES
            ),
            flush=True,
        )
        rows.append(row)
    return rows


if __name__ == "__main__":
    run()
