"""The running totals the hiring report reads (``application_stage_stats``) equal the totals
computed from the history (``stage_stats.rebuild``, migration 0027's definition) after random
histories written by FlowTrack's own write paths: applications, moves of every kind, undos (of
hires too), rejections with and without a reason, reopenings, withdrawals. The per-job summary
(``job_report_totals``) kept by delta, and the standing hires, equal those computed from the
totals after every step (migration 0028's definitions), and through edits of stage categories,
erasure and retention. The report's figures are the same on all of them, summed from the summary
or read one row per application; migrations 0027 and 0028 fill the tables from rows written
before them."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from alembic import command
from flowtrack_ui.core.analytics import report
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.db import Database, normalize_url
from flowtrack_ui.core.errors import Conflict, InvalidInput, InvalidTransition
from flowtrack_ui.core.pipelines import stage_stats
from flowtrack_ui.core.pipelines.job_stages import pipeline_of, replace_stages
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move, withdraw
from flowtrack_ui.core.pipelines.rejection_reasons import list_reasons
from flowtrack_ui.core.privacy import erase, retention
from flowtrack_ui.core.schema import alembic_config, upgrade

from .conftest import Company, make_candidate, make_company

COLUMNS = (
    "application_id",
    "t0",
    "t1",
    "t2",
    "t3",
    "top",
    "last_reject_id",
    "last_reject_reason",
    "last_reject_stage_id",
    "first_hire",
    "last_hire",
)


def _totals(db: Database) -> dict[int, tuple]:
    with db.session() as s:
        rows = s.execute(text(f"SELECT {', '.join(COLUMNS)} FROM application_stage_stats")).all()
    return {r[0]: tuple(r) for r in rows}


def _same(running: dict[int, tuple], derived: dict[int, tuple]) -> None:
    """Equal, the seconds to within a microsecond (a running sum and SQL's SUM may add the same
    stays in another order)."""
    assert running.keys() == derived.keys()
    for app_id, row in running.items():
        other = derived[app_id]
        for name, a, b in zip(COLUMNS, row, other, strict=True):
            if name.startswith("t") and name != "top" and a is not None and b is not None:
                assert a == pytest.approx(b, abs=1e-6), (app_id, name)
            else:
                assert a == b, (app_id, name, row, other)


def _figures(r) -> dict:
    return {k: v for k, v in dataclasses.asdict(r).items() if k != "generated_at"}


def _summary_rows(conn) -> dict[tuple, tuple[int, int]]:
    """The summary's cells that count something (a cell a change emptied stays, at zero)."""
    rows = conn.execute(
        text(
            "SELECT job_id, company_id, figure, item, detail, n, hired FROM job_report_totals "
            "WHERE n <> 0 OR hired <> 0"
        )
    ).all()
    return {(r.job_id, r.company_id, r.figure, r.item, r.detail): (r.n, r.hired) for r in rows}


def _hires(conn) -> dict[int, tuple]:
    rows = conn.execute(
        text("SELECT application_id, job_id, company_id, seconds, first_hire FROM standing_hires")
    ).all()
    return {r[0]: tuple(r) for r in rows}


def _same_summary(db: Database) -> int:
    """The summary kept by delta equals the one computed again from the totals, and so do the
    standing hires (rolled back). Returns how many hires stand."""
    with db.engine.connect() as conn:
        kept, hires = _summary_rows(conn), _hires(conn)
        stage_stats.rebuild_summary(conn)
        for statement in stage_stats.hires_sql(conn.dialect.name):
            conn.execute(text(statement))
        rebuilt, hires_rebuilt = _summary_rows(conn), _hires(conn)
        conn.rollback()
    assert kept == rebuilt
    assert hires == hires_rebuilt
    return len(hires)
    assert all(n > 0 and 0 <= hired <= n for n, hired in kept.values())


def _reports(db: Database, acme: Company) -> list[dict]:
    """Every all-time figure of the company: its report, one job's, and the overview's funnels."""
    return [
        _figures(report.report(db, acme.manager)),
        _figures(report.report(db, acme.manager, acme.job_id)),
        report.funnels_by_job(db, acme.manager),
        report.job_funnel(db, acme.manager, acme.job_id),
    ]


def _same_without_summary(db: Database, acme: Company, monkeypatch) -> list[dict]:
    """The all-time figures summed from the summary equal those read one row per application."""
    summed = _reports(db, acme)
    with monkeypatch.context() as m:
        m.setattr(report, "SUMMARY", False)
        assert _reports(db, acme) == summed
    return summed


def _random_history(db: Database, seed: int, applications: int = 8, steps: int = 200, check=None) -> Company:
    rng = random.Random(seed)
    acme = make_company(db, f"Acme {seed}")
    rec = acme.recruiter
    with db.session() as s:
        names = list(pipeline_of(s, acme.job_id).names)
    reasons = [*list_reasons(db, rec), None]
    people, ids = [], []
    for i in range(applications):
        who = make_candidate(db, f"c{seed}-{i}@example.com", f"Candidate {i}")
        people.append(who)
        ids.append(apply(db, who, acme.job_id).id)
    for _ in range(steps):
        i = rng.randrange(applications)
        roll = rng.random()
        try:
            if roll < 0.2:
                undo_move(db, rec, ids[i])
            elif roll < 0.25:
                withdraw(db, people[i], ids[i])
            else:
                target = rng.choice(names)
                reason = rng.choice(reasons) if target == "Rejected" else None
                move_stage(db, rec, ids[i], target, note="a correction", reason=reason)
        except (Conflict, InvalidInput, InvalidTransition):
            pass  # a move the table or the undo window refuses: nothing written
        if check is not None:
            check()
    return acme


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_running_totals_equal_the_history(any_db, seed, monkeypatch):
    db = any_db
    acme = _random_history(db, seed, check=lambda: _same_summary(db))
    summed = _same_without_summary(db, acme, monkeypatch)
    running = _totals(db)
    assert len(running) == 8, "every application has its totals"
    before = report.report(db, acme.manager)
    with db.session(write=True) as s:
        stage_stats.rebuild(s.connection())
    _same(running, _totals(db))
    assert _figures(report.report(db, acme.manager)) == _figures(before)
    # A date range sorts the scope's stays; all time reads them in order from the index: the same.
    ranged = {**_figures(report.report(db, acme.manager, since="2000-01-01")), "since": None}
    assert ranged == _figures(before)
    by_job = {**_figures(report.report(db, acme.manager, acme.job_id, until="2099-12-31")), "until": None}
    assert by_job == _figures(report.report(db, acme.manager, acme.job_id))
    _same_summary(db)
    assert _reports(db, acme) == summed


def test_an_undone_hire_no_longer_counts(any_db):
    db = any_db
    acme = make_company(db, "Acme")
    rec = acme.recruiter
    app_id = apply(db, make_candidate(db), acme.job_id).id
    for stage in ("Screening", "Interview", "Offer", "Hired"):
        move_stage(db, rec, app_id, stage)
    hired = _totals(db)[app_id]
    assert hired[COLUMNS.index("first_hire")] is not None
    assert _same_summary(db) == 1
    undo_move(db, rec, app_id)
    row = _totals(db)[app_id]
    assert row[COLUMNS.index("first_hire")] is None and row[COLUMNS.index("last_hire")] is None
    assert _same_summary(db) == 0
    move_stage(db, rec, app_id, "Hired")
    assert _same_summary(db) == 1
    again = _totals(db)
    with db.session(write=True) as s:
        stage_stats.rebuild(s.connection())
    _same(again, _totals(db))


def test_a_stage_that_changes_category_moves_its_past_stays_with_it(any_db, monkeypatch):
    """The report counts a stay under its stage's category as it is now: when an edit of the
    pipeline changes one, the job's running totals are computed again, and its summary (the
    furthest step of those in the stage, the step a rejection left) with them."""
    db = any_db
    acme = make_company(db, "Acme")
    app_id = apply(db, make_candidate(db), acme.job_id).id
    for stage in ("Screening", "Interview"):
        move_stage(db, acme.recruiter, app_id, stage)
    waiting = apply(db, make_candidate(db, "wait@example.com"), acme.job_id).id
    move_stage(db, acme.recruiter, waiting, "Screening")
    rejected = apply(db, make_candidate(db, "rej@example.com"), acme.job_id).id
    move_stage(db, acme.recruiter, rejected, "Screening")
    move_stage(db, acme.recruiter, rejected, "Rejected", reason=list_reasons(db, acme.recruiter)[0])
    before = _same_without_summary(db, acme, monkeypatch)
    with db.session(write=True) as s:
        stages = [
            {"id": st.id, "name": st.name, "category": "interview" if st.name == "Screening" else st.category}
            for st in pipeline_of(s, acme.job_id).stages
        ]
        replace_stages(s, acme.job_id, stages)
    _same_summary(db)
    after = _same_without_summary(db, acme, monkeypatch)
    assert after[2] != before[2], "the one in Screening now reached interview"
    reasons = after[0]["reasons"]
    assert [r["category"] for r in reasons] == ["interview"]
    kept = _totals(db)
    with db.session(write=True) as s:
        stage_stats.rebuild(s.connection())
    _same(kept, _totals(db))


def test_erasure_and_retention_keep_the_figures(any_db, monkeypatch):
    """An erased candidate's applications stay, anonymous, with their history: the summary and
    every figure are what they were, whether a recruiter erases them or the retention period."""
    db = any_db
    acme = _random_history(db, 11, applications=6, steps=80)
    before = _same_without_summary(db, acme, monkeypatch)
    with db.session() as s:
        candidates = [
            r.candidate_id
            for r in s.execute(
                text("SELECT candidate_id FROM application WHERE job_id = :j ORDER BY id"), {"j": acme.job_id}
            )
        ]
    erase.erase_candidate(db, acme.recruiter, candidates[0])
    _same_summary(db)
    assert _same_without_summary(db, acme, monkeypatch) == before
    retention.set_retention(db, acme.recruiter, 1)
    retention.run(db, now=datetime.now(UTC) + timedelta(days=62))
    _same_summary(db)
    assert _same_without_summary(db, acme, monkeypatch) == before


def _backfill_round_trip(url: str) -> None:
    """Totals kept by FlowTrack, the table dropped (downgrade to 0026) and filled again by
    migration 0027 from the history: the same totals."""
    upgrade(url)
    db = Database(url)
    try:
        _random_history(db, 7, applications=5, steps=60)
        written = _totals(db)
        with db.engine.connect() as conn:
            summary, hires = _summary_rows(conn), _hires(conn)
    finally:
        db.dispose()
    assert summary
    cfg = alembic_config(url)
    command.downgrade(cfg, "0027")
    engine = create_engine(normalize_url(url))
    try:
        assert not {"job_report_totals", "standing_hires"} & set(inspect(engine).get_table_names())
        command.downgrade(cfg, "0026")
        assert "application_stage_stats" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    command.upgrade(cfg, "head")
    db = Database(url)
    try:
        _same(written, _totals(db))
        with db.engine.connect() as conn:
            assert _summary_rows(conn) == summary
            assert _hires(conn) == hires
    finally:
        db.dispose()


def test_migration_0027_fills_the_totals_sqlite(tmp_path):
    _backfill_round_trip(f"sqlite:///{tmp_path / 'totals.db'}")


@pytest.mark.postgres
def test_migration_0027_fills_the_totals_postgres(pg_admin):
    from .conftest import fresh_pg_database

    with fresh_pg_database(pg_admin) as url:
        _backfill_round_trip(url)
