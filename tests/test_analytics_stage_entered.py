"""Each history row records when its old stage was entered: the previous row's ``changed_at`` (by
id), or the application's ``created_at`` for its first row. Every write path keeps it (apply, moves,
undo, a move after an undo, reopening, withdrawal), and migration 0024 gives rows written before it
the same values, on SQLite and PostgreSQL. The analytics report's time in stage sums it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import select

from alembic import command
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.db import Database, normalize_url
from flowtrack_ui.core.models import Application, ApplicationHistory
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move, withdraw
from flowtrack_ui.core.schema import alembic_config, upgrade

from .conftest import make_candidate, make_company


def _rows(db: Database, app_id: int) -> list[ApplicationHistory]:
    with db.session() as s:
        return list(
            s.exec(
                select(ApplicationHistory)
                .where(ApplicationHistory.application_id == app_id)
                .order_by(ApplicationHistory.id)
            ).all()
        )


def _application(db: Database, app_id: int) -> Application:
    with db.session() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app


def _assert_chain(db: Database, app_id: int) -> list[ApplicationHistory]:
    rows = _rows(db, app_id)
    created = _application(db, app_id).created_at
    assert rows[0].old_stage_id is None and rows[0].old_stage_entered_at == created
    for before, row in zip(rows, rows[1:], strict=False):
        assert row.old_stage_entered_at == before.changed_at, (row.kind, row.old_stage, row.new_stage)
    return rows


def _story(db: Database) -> list[int]:
    """Two applications with every kind of row: apply, forward, undo, a move after the undo,
    skip, reject, reopen, un-hire, withdraw."""
    acme = make_company(db, "Acme")
    rec = acme.recruiter
    first = make_candidate(db, "first@example.com", "First")
    second = make_candidate(db, "second@example.com", "Second")
    a = apply(db, first, acme.job_id).id
    move_stage(db, rec, a, "Screening")
    undo_move(db, rec, a)
    move_stage(db, rec, a, "Screening")
    move_stage(db, rec, a, "Offer")  # a skip past Interview
    move_stage(db, rec, a, "Rejected")
    move_stage(db, rec, a, "Offer", note="Rejected by mistake")  # reopen
    move_stage(db, rec, a, "Hired")
    move_stage(db, rec, a, "Offer", note="Start date fell through")  # un-hire
    b = apply(db, second, acme.job_id).id
    move_stage(db, rec, b, "Screening")
    withdraw(db, second, b)
    return [a, b]


def test_the_first_row_starts_when_the_application_was_made(db):
    acme = make_company(db, "Acme")
    cand = make_candidate(db)
    app = apply(db, cand, acme.job_id)
    (row,) = _rows(db, app.id)
    assert row.old_stage_entered_at == _application(db, app.id).created_at == row.changed_at


def test_every_move_records_when_its_old_stage_was_entered(any_db):
    a, b = _story(any_db)
    kinds = [r.kind for r in _assert_chain(any_db, a)]
    assert kinds == ["applied", "forward", "undo", "forward", "skip", "reject", "reopen", "forward", "unhire"]
    assert [r.kind for r in _assert_chain(any_db, b)] == ["applied", "forward", "withdraw"]


def test_a_move_after_an_undo_counts_from_the_undo(db):
    """The undo puts the card's days in stage back to when it first entered its stage; its history
    row's stay still ends at the undo, so the next row counts from there (the mis-drop's seconds
    belong to the stage it was dropped on)."""
    acme = make_company(db, "Acme")
    cand = make_candidate(db)
    app_id = apply(db, cand, acme.job_id).id
    move_stage(db, acme.recruiter, app_id, "Screening")
    undo_move(db, acme.recruiter, app_id)
    entered_by_card = _application(db, app_id).stage_changed_at
    move_stage(db, acme.recruiter, app_id, "Screening")
    applied, moved, undo, again = _rows(db, app_id)
    assert entered_by_card == applied.changed_at
    assert undo.reverts_id == moved.id and undo.old_stage_entered_at == moved.changed_at
    assert again.old_stage_entered_at == undo.changed_at != entered_by_card


def _backfill_round_trip(url: str) -> None:
    """Rows written by FlowTrack, the column dropped (downgrade to 0023) and filled again by
    migration 0024: the same values."""
    upgrade(url)
    db = Database(url)
    try:
        ids = _story(db)
        written = {r.id: r.old_stage_entered_at for app_id in ids for r in _assert_chain(db, app_id)}
    finally:
        db.dispose()
    cfg = alembic_config(url)
    command.downgrade(cfg, "0023")
    engine = create_engine(normalize_url(url))
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("application_history")}
        assert "old_stage_entered_at" not in columns
        command.upgrade(cfg, "0024")
        with engine.connect() as c:
            nulls = c.execute(
                text("SELECT COUNT(*) FROM application_history WHERE old_stage_entered_at IS NULL")
            ).scalar_one()
        assert nulls == 0
    finally:
        engine.dispose()
    command.upgrade(cfg, "head")
    db = Database(url)
    try:
        filled = {r.id: r.old_stage_entered_at for app_id in ids for r in _assert_chain(db, app_id)}
    finally:
        db.dispose()
    assert filled == written


def test_migration_0024_fills_rows_written_before_it_sqlite(tmp_path):
    _backfill_round_trip(f"sqlite:///{tmp_path / 'history.db'}")


@pytest.mark.postgres
def test_migration_0024_fills_rows_written_before_it_postgres(pg_admin):
    from .conftest import fresh_pg_database

    with fresh_pg_database(pg_admin) as url:
        _backfill_round_trip(url)
