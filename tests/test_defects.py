"""The defects issue #28 lists, each pinned by a test that failed before its fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.models import Application, ApplicationHistory
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move


def _backdate(db, app_id: int, days: int) -> datetime:
    """Pretend the application entered its stage (and its history happened) ``days`` ago."""
    then = datetime.now(UTC) - timedelta(days=days)
    with db.session(write=True) as s:
        app = s.get(Application, app_id)
        app.stage_changed_at = then
        app.created_at = then
        s.add(app)
        for row in s.exec(select(ApplicationHistory).where(ApplicationHistory.application_id == app_id)):
            row.changed_at = then
            s.add(row)
    return then


def _stage_changed_at(db, app_id: int) -> datetime:
    with db.session() as s:
        at = s.get(Application, app_id).stage_changed_at
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def test_undo_restores_the_time_the_card_entered_its_stage(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening")
    entered = _backdate(db, app.id, 5)
    move_stage(db, acme.recruiter, app.id, "Interview")
    view = undo_move(db, acme.recruiter, app.id)
    assert abs(view.stage_changed_at - entered) < timedelta(seconds=1)
    assert abs(_stage_changed_at(db, app.id) - entered) < timedelta(seconds=1)


def test_undo_back_to_applied_counts_from_the_application(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    applied = _backdate(db, app.id, 3)
    move_stage(db, acme.recruiter, app.id, "Screening")
    undo_move(db, acme.recruiter, app.id)
    assert abs(_stage_changed_at(db, app.id) - applied) < timedelta(seconds=1)


def test_a_second_undo_ignores_the_first_undo_and_the_move_it_reverted(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening")
    entered = _backdate(db, app.id, 7)
    move_stage(db, acme.recruiter, app.id, "Interview")
    undo_move(db, acme.recruiter, app.id)
    move_stage(db, acme.recruiter, app.id, "Interview")
    undo_move(db, acme.recruiter, app.id)
    assert abs(_stage_changed_at(db, app.id) - entered) < timedelta(seconds=1)
