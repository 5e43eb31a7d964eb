"""Domain core: stage moves per second (1 and 8 threads), the board at 50/500/5,000 applications, and
the board read before and after issue #33's work (``board_read``: 50/300/5,000 applications, the
code of commit 5aac177 and today's, read by turns in the same process from the same database)."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import threading
import time
from datetime import UTC, datetime
from functools import partial
from types import ModuleType

from common import (
    ENGINES,
    ROOT,
    bulk_job,
    company,
    count_queries,
    database_url,
    median,
    open_db,
    pg_available,
)
from sqlalchemy import insert, text

from flowtrack_ui.core import queries
from flowtrack_ui.core.models import CandidateTag
from flowtrack_ui.core.pipelines.moves import move_stage

MOVES_SINGLE = 300
MOVES_PER_THREAD = 100
THREADS = 8
BOARD_SIZES = (50, 500, 5000)
BOARD_RUNS = 10
# The board read, before and after: the commit before issue #33's work, the sizes, reads per measure.
BEFORE_COMMIT = "5aac177"
READ_SIZES = (50, 300, 5000)
READ_RUNS = 30
TAGS = ("python", "sql", "java", "go", "rust", "ux", "sales", "ml", "c++", "node.js")


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


def _module_at(commit: str, path: str, package: str) -> ModuleType | None:
    """The module ``path`` as it was at ``commit``, its relative imports resolved in today's
    ``package``; None without git or that commit."""
    try:
        source = subprocess.run(
            ["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    name = f"{package}._at_{commit}_{path.rsplit('/', 1)[-1].removesuffix('.py')}"
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    module.__package__ = package
    exec(compile(source, f"{commit}:{path}", "exec"), module.__dict__)
    return module


def board_before() -> ModuleType | None:
    """``queries`` of ``BEFORE_COMMIT`` with that commit's tag lookup (the rest is today's code)."""
    old = _module_at(BEFORE_COMMIT, "flowtrack_ui/core/queries.py", "flowtrack_ui.core")
    old_tags = _module_at(BEFORE_COMMIT, "flowtrack_ui/core/talent/tags.py", "flowtrack_ui.core.talent")
    if old is None or old_tags is None:
        return None
    old.tags_by_candidate = old_tags.tags_by_candidate
    return old


def _tag_everyone(db, company_id: int) -> int:
    """Two or three tags on every candidate of the company, as a team that tags would have."""
    rng = random.Random(33)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        candidates = [r[0] for r in s.execute(text("SELECT DISTINCT candidate_id FROM application"))]
        rows = [
            {"company_id": company_id, "candidate_id": c, "label": label, "created_at": now}
            for c in candidates
            for label in rng.sample(TAGS, rng.randint(2, 3))
        ]
        s.execute(insert(CandidateTag), rows)
    return len(rows)


def _measure(read) -> tuple[float, int]:
    """Median ms of ``READ_RUNS`` calls of ``read``, and the statements one call runs."""
    with count_queries(read.keywords["db"]) as statements:
        read()
    times = []
    for _ in range(READ_RUNS):
        t = time.perf_counter()
        read()
        times.append((time.perf_counter() - t) * 1000)
    return median(times), len(statements)


def board_read(db, engine: str) -> dict:
    """Per size: ms and statements per board read, before and after (read by turns, so both meet
    the same load); after only: one card (``board_cards``) and one column's next card
    (``column_window``), what an open board reads after a change."""
    recruiter = company(db, "Board read")
    jobs = {size: bulk_job(db, recruiter, size, spread=True)[0] for size in READ_SIZES}
    n_tags = _tag_everyone(db, recruiter.company_id)
    before = board_before()
    readers = {"after": queries.board, **({"before": before.board} if before is not None else {})}
    row: dict = {}
    print(
        f"[board_read] {engine}: {sum(READ_SIZES):,} applications, {n_tags:,} tags in the company", flush=True
    )
    for size, job_id in jobs.items():
        found = {}
        for when, read in readers.items():
            read(db, recruiter, job_id)  # warm
            with count_queries(db) as statements:
                found[when] = read(db, recruiter, job_id)
            row[f"board_read_{size}_{when}_statements"] = len(statements)
        if before is not None:
            assert found["before"].columns == found["after"].columns, "the board reads differently"
        times: dict[str, list[float]] = {when: [] for when in readers}
        cpu: dict[str, list[float]] = {when: [] for when in readers}
        for _ in range(READ_RUNS):
            for when, read in readers.items():
                t, c = time.perf_counter(), time.process_time()
                read(db, recruiter, job_id)
                times[when].append((time.perf_counter() - t) * 1000)
                cpu[when].append((time.process_time() - c) * 1000)
        for when in readers:
            row[f"board_read_{size}_{when}_ms"] = median(times[when])
            # This process's CPU: on SQLite all of a read's work, on PostgreSQL the client's share.
            row[f"board_read_{size}_{when}_cpu_ms"] = median(cpu[when])
        column = next(c for c in found["after"].columns if c.count > 1)
        one_card = partial(queries.board_cards, db=db, principal=recruiter, job_id=job_id)
        row[f"board_cards_{size}_ms"], row[f"board_cards_{size}_statements"] = _measure(
            partial(one_card, application_ids=[column.cards[0].id])
        )
        next_card = partial(
            queries.column_window, db=db, principal=recruiter, job_id=job_id, stage=column.stage
        )
        row[f"column_window_{size}_ms"], row[f"column_window_{size}_statements"] = _measure(
            partial(next_card, offset=len(column.cards) - 1, limit=1)
        )
        ms = {k: row[f"{k}_{size}_ms"] for k in ("board_cards", "column_window")}
        n = {k: row[f"{k}_{size}_statements"] for k in ("board_cards", "column_window")}
        was = "no commit to compare with, "
        if before is not None:
            was = f"before {row[f'board_read_{size}_before_ms']:.2f} ms "
            was += f"(CPU {row[f'board_read_{size}_before_cpu_ms']:.2f}) / "
            was += f"{row[f'board_read_{size}_before_statements']} statements, "
        print(
            f"[board_read] {engine} {size:,} apps: board {was}after {row[f'board_read_{size}_after_ms']:.2f} "
            f"ms (CPU {row[f'board_read_{size}_after_cpu_ms']:.2f}) / "
            f"{row[f'board_read_{size}_after_statements']} statements; one card "
            f"{ms['board_cards']:.2f} ms / {n['board_cards']}; a column's next card "
            f"{ms['column_window']:.2f} ms / {n['column_window']}",
            flush=True,
        )
    return row


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
        with database_url(engine) as url:  # a database of its own: every candidate in it is tagged
            db = open_db(url)
            row.update(board_read(db, engine))
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


def run_board_read() -> list[dict]:
    """``board_read`` alone, on every reachable engine (``python benchmarks/domain.py board_read``)."""
    rows = []
    for engine in ENGINES:
        if engine == "PostgreSQL" and not pg_available():
            print("PostgreSQL unreachable: board read on SQLite only")
            continue
        with database_url(engine) as url:
            db = open_db(url)
            rows.append({"engine": engine, **board_read(db, engine)})
            db.dispose()
    return rows


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["board_read"]:
        run_board_read()
    else:
        run()
