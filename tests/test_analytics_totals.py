"""The running totals the hiring report reads (``application_stage_stats``) equal the totals
computed from the history (``stage_stats.rebuild``, migration 0027's definition) after random
histories written by FlowTrack's own write paths: applications, moves of every kind, undos (of
hires too), rejections with and without a reason, reopenings, withdrawals. The report's figures
are the same on both; migration 0027 fills the totals of rows written before it."""

from __future__ import annotations

import dataclasses
import random

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


def _random_history(db: Database, seed: int, applications: int = 8, steps: int = 200) -> Company:
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
    return acme


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_running_totals_equal_the_history(any_db, seed):
    db = any_db
    acme = _random_history(db, seed)
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


def test_an_undone_hire_no_longer_counts(any_db):
    db = any_db
    acme = make_company(db, "Acme")
    rec = acme.recruiter
    app_id = apply(db, make_candidate(db), acme.job_id).id
    for stage in ("Screening", "Interview", "Offer", "Hired"):
        move_stage(db, rec, app_id, stage)
    hired = _totals(db)[app_id]
    assert hired[COLUMNS.index("first_hire")] is not None
    undo_move(db, rec, app_id)
    row = _totals(db)[app_id]
    assert row[COLUMNS.index("first_hire")] is None and row[COLUMNS.index("last_hire")] is None
    move_stage(db, rec, app_id, "Hired")
    again = _totals(db)
    with db.session(write=True) as s:
        stage_stats.rebuild(s.connection())
    _same(again, _totals(db))


def test_a_stage_that_changes_category_moves_its_past_stays_with_it(any_db):
    """The report counts a stay under its stage's category as it is now: when an edit of the
    pipeline changes one, the job's running totals are computed again."""
    db = any_db
    acme = make_company(db, "Acme")
    app_id = apply(db, make_candidate(db), acme.job_id).id
    for stage in ("Screening", "Interview"):
        move_stage(db, acme.recruiter, app_id, stage)
    with db.session(write=True) as s:
        stages = [
            {"id": st.id, "name": st.name, "category": "interview" if st.name == "Screening" else st.category}
            for st in pipeline_of(s, acme.job_id).stages
        ]
        replace_stages(s, acme.job_id, stages)
    kept = _totals(db)
    with db.session(write=True) as s:
        stage_stats.rebuild(s.connection())
    _same(kept, _totals(db))


def _backfill_round_trip(url: str) -> None:
    """Totals kept by FlowTrack, the table dropped (downgrade to 0026) and filled again by
    migration 0027 from the history: the same totals."""
    upgrade(url)
    db = Database(url)
    try:
        _random_history(db, 7, applications=5, steps=60)
        written = _totals(db)
    finally:
        db.dispose()
    cfg = alembic_config(url)
    command.downgrade(cfg, "0026")
    engine = create_engine(normalize_url(url))
    try:
        assert "application_stage_stats" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    command.upgrade(cfg, "head")
    db = Database(url)
    try:
        _same(written, _totals(db))
    finally:
        db.dispose()


def test_migration_0027_fills_the_totals_sqlite(tmp_path):
    _backfill_round_trip(f"sqlite:///{tmp_path / 'totals.db'}")


@pytest.mark.postgres
def test_migration_0027_fills_the_totals_postgres(pg_admin):
    from .conftest import fresh_pg_database

    with fresh_pg_database(pg_admin) as url:
        _backfill_round_trip(url)
