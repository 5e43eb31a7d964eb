"""The defects issue #28 lists, each pinned by a test that failed before its fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import reflex as rx
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.models import Application, ApplicationHistory
from flowtrack_ui.core.pipelines.categories import Category
from flowtrack_ui.core.pipelines.definitions import DEFAULT_PIPELINE, new_stage_slot
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move
from flowtrack_ui.state.jobs import StaffJobsState


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


# A new pipeline stage: before the offer, of the category of the stage before it.


def _categories(specs) -> list[str]:
    return [s.category.value for s in specs]


def test_a_new_stage_in_the_default_pipeline_is_an_interview_before_the_offer():
    assert new_stage_slot(_categories(DEFAULT_PIPELINE)) == (3, Category.INTERVIEW)


def test_a_new_stage_right_after_applied_is_a_screening():
    assert new_stage_slot(["applied", "hired", "rejected", "withdrawn"]) == (1, Category.SCREENING)
    assert new_stage_slot(["applied", "offer", "hired"]) == (1, Category.SCREENING)
    assert new_stage_slot(["applied", "screening", "offer"]) == (2, Category.SCREENING)


def test_the_job_editor_adds_the_stage_where_the_core_says():
    root = rx.State(_reflex_internal_init=True)
    st = root.get_substate(StaffJobsState.get_full_name().split(".")[1:])
    st.editor_stages = [st._stage_row(0, s.name, s.category.value) for s in DEFAULT_PIPELINE]
    StaffJobsState.add_stage.fn(st)
    rows = [(r.name, r.category) for r in st.editor_stages]
    assert rows[3] == ("", "interview") and rows[4] == ("Offer", "offer")
    assert len(rows) == len(DEFAULT_PIPELINE) + 1
