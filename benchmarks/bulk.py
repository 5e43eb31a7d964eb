"""Bulk actions: rejecting 200 applications in one request, and undoing that batch.

Prints the server's time and the SQL statements (counted with a ``before_cursor_execute``
listener), on SQLite and PostgreSQL, beside what one single move costs, so a bulk action is seen to
cost what its moves cost and nothing per card on top; and the board's read that follows (the
server's part of the time until the board shows the cards in Rejected; the browser's part is
measured with the board's drags in ``browser.py``). Usage: ``python benchmarks/bulk.py``.
"""

from __future__ import annotations

import time

from common import ENGINES, bulk_job, company, count_queries, database_url, median, open_db, pg_available

from flowtrack_ui.core import queries
from flowtrack_ui.core.bulk import actions
from flowtrack_ui.core.pipelines import moves

SIZE = 200
RUNS = 3


def _one_move(db, recruiter) -> int:
    """Statements of a single reject through the same use case, for comparison."""
    _, (app_id,) = bulk_job(db, recruiter, 1)
    with count_queries(db) as sql:
        moves.move_stage(db, recruiter, app_id, "Rejected", reason="Position filled")
    return len(sql)


def _measure(db, recruiter) -> dict:
    reject_ms, undo_ms, reject_sql, undo_sql, board_ms = [], [], [], [], []
    for _ in range(RUNS):
        job_id, app_ids = bulk_job(db, recruiter, SIZE)
        with count_queries(db) as sql:
            t = time.perf_counter()
            result = actions.run_bulk(
                db, recruiter, "reject", app_ids, reason="Position filled", note="Role filled internally"
            )
            reject_ms.append((time.perf_counter() - t) * 1000)
        reject_sql.append(len(sql))
        assert len(result.succeeded) == SIZE and not result.failed, result.failed[:3]
        t = time.perf_counter()
        shown = queries.board(db, recruiter, job_id)
        board_ms.append((time.perf_counter() - t) * 1000)
        assert next(c.count for c in shown.columns if c.category == "rejected") == SIZE
        with count_queries(db) as sql:
            t = time.perf_counter()
            undone = actions.undo_batch(db, recruiter, result.batch_id)
            undo_ms.append((time.perf_counter() - t) * 1000)
        undo_sql.append(len(sql))
        assert len(undone.succeeded) == SIZE, undone.failed[:3]
    return {
        "reject_ms": median(reject_ms),
        "reject_statements": int(median(reject_sql)),
        "board_ms": median(board_ms),
        "undo_ms": median(undo_ms),
        "undo_statements": int(median(undo_sql)),
        "one_move_statements": _one_move(db, recruiter),
    }


def run() -> list[dict]:
    rows = []
    for engine in ENGINES:
        if engine == "PostgreSQL" and not pg_available():
            print("PostgreSQL unreachable: bulk benchmark on SQLite only")
            continue
        with database_url(engine) as url:
            db = open_db(url)
            row = {"engine": engine, **_measure(db, company(db, "Bulk Bench Co"))}
            db.dispose()
        print(
            f"[bulk] {engine}: reject {SIZE} applications in one request {row['reject_ms']:.0f} ms "
            f"({row['reject_ms'] / SIZE:.2f} ms each), {row['reject_statements']} statements "
            f"({row['reject_statements'] / SIZE:.1f} per card; one single move: "
            f"{row['one_move_statements']}); the board read after it {row['board_ms']:.0f} ms; "
            f"undo the batch {row['undo_ms']:.0f} ms, "
            f"{row['undo_statements']} statements ({row['undo_statements'] / SIZE:.1f} per card); "
            f"median of {RUNS}",
            flush=True,
        )
        rows.append(row)
    return rows


if __name__ == "__main__":
    run()
