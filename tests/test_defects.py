"""The defects issue #28 lists, each pinned by a test that failed before its fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import reflex as rx
from sqlmodel import select

from flowtrack_ui.core import jobs as jobs_core
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.applications.from_talent_pool import add_to_job, jobs_to_add_to
from flowtrack_ui.core.errors import Forbidden, NotFound
from flowtrack_ui.core.models import CLOSED, DRAFT, PUBLISHED, Application, ApplicationHistory, Job
from flowtrack_ui.core.pipelines.categories import Category
from flowtrack_ui.core.pipelines.definitions import DEFAULT_PIPELINE, new_stage_slot
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move
from flowtrack_ui.core.privacy.erase import ERASED_DOMAIN, ERASED_NAME, erase_candidate, shown_email
from flowtrack_ui.state import board as board_state
from flowtrack_ui.state import jobs as jobs_state
from flowtrack_ui.state import overview as overview_state
from flowtrack_ui.state import session as session_state
from flowtrack_ui.state import talent as talent_state
from flowtrack_ui.state.board import BoardState
from flowtrack_ui.state.format import counted, relative
from flowtrack_ui.state.jobs import StaffJobsState
from flowtrack_ui.state.overview import OverviewState
from flowtrack_ui.state.profile import ProfileState, rejection_message
from flowtrack_ui.state.talent import TalentState


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


# Counts agree with their nouns: "1 application", never "1 applications".


def test_counted_agrees_for_ints_and_state_vars():
    assert [counted(n, "application") for n in (0, 1, 2)] == [
        "0 applications",
        "1 application",
        "2 applications",
    ]
    assert counted(1, "job filled", "jobs filled") == "1 job filled"
    assert relative(datetime.now(UTC) - timedelta(days=1, minutes=5)) == "1 day ago"
    js = str(counted(BoardState.total, "application"))
    assert '" application"' in js and '" applications"' in js


def _staff_state(db, cls, principal):
    root = rx.State(_reflex_internal_init=True)
    st = root.get_substate(cls.get_full_name().split(".")[1:])
    st.token = sign_in.issue_token(db, principal.user_id)
    return st


def test_the_jobs_list_and_the_overview_say_1_application(db, acme, candidate, monkeypatch):
    for module in (session_state, jobs_state, overview_state):
        monkeypatch.setattr(module, "db", lambda: db)
    apply(db, candidate, acme.job_id)
    jobs_list = _staff_state(db, StaffJobsState, acme.recruiter)
    StaffJobsState.load.fn(jobs_list)
    assert [r.total_label for r in jobs_list.rows] == ["1 application"]
    overview = _staff_state(db, OverviewState, acme.manager)
    OverviewState.load.fn(overview)
    assert [r.total_label for r in overview.jobs] == ["1 application"]


# "Add to job" offers only the jobs the candidate can be added to.


def test_jobs_to_add_to_leaves_out_theirs_and_closed_ones(db, acme, globex, candidate):
    apply(db, candidate, acme.job_id)
    second = jobs_core.create_job(db, acme.recruiter, "Second role").id
    jobs_core.create_job(db, acme.recruiter, "Draft role", status=DRAFT)
    closed = jobs_core.create_job(db, acme.recruiter, "Closed role").id
    jobs_core.update_job(db, acme.recruiter, closed, "Closed role", status=CLOSED)
    assert [j.title for j in jobs_to_add_to(db, acme.recruiter, candidate.user_id)] == ["Second role"]
    add_to_job(db, acme.recruiter, candidate.user_id, second)
    assert jobs_to_add_to(db, acme.recruiter, candidate.user_id) == []
    with pytest.raises(NotFound):
        jobs_to_add_to(db, globex.recruiter, candidate.user_id)
    with pytest.raises(Forbidden):
        jobs_to_add_to(db, acme.manager, candidate.user_id)


def test_the_add_dialog_offers_only_the_cores_jobs(db, acme, candidate, monkeypatch):
    for module in (session_state, talent_state):
        monkeypatch.setattr(module, "db", lambda: db)
    apply(db, candidate, acme.job_id)
    second = jobs_core.create_job(db, acme.recruiter, "Second role").id
    st = _staff_state(db, TalentState, acme.recruiter)
    TalentState.load.fn(st)
    TalentState.open_add.fn(st, candidate.user_id)
    assert [(c.value, c.label) for c in st.add_jobs] == [(str(second), "Second role")]
    assert st.dialog == "add" and st.dialog_error == ""
    TalentState.add_to_job.fn(st, {"job_id": str(second)})
    TalentState.open_add.fn(st, candidate.user_id)
    assert st.add_jobs == [] and "already in every open job" in st.dialog_error


# An erased candidate shows as "Erased candidate" with no address.


def test_an_erased_candidates_card_has_no_address(db, acme, candidate, monkeypatch):
    for module in (session_state, board_state):
        monkeypatch.setattr(module, "db", lambda: db)
    apply(db, candidate, acme.job_id)
    erase_candidate(db, acme.recruiter, candidate.user_id)
    st = _staff_state(db, BoardState, acme.recruiter)
    st.job_id = acme.job_id
    st._refresh()
    cards = [c for col in st.columns for c in col.cards]
    assert [(c.name, c.email) for c in cards] == [(ERASED_NAME, "")]


def test_shown_email_hides_only_the_erased_placeholder():
    assert shown_email("casey@example.com") == "casey@example.com"
    assert shown_email(f"erased-64d5aa@{ERASED_DOMAIN}") == ""


# A résumé the browser refuses is refused in words; no full progress bar is left behind.


def test_a_too_large_resume_is_refused_in_words():
    huge = [{"name": "huge_20MB.pdf", "size": 20 * 1024 * 1024, "codes": ["file-too-large"]}]
    assert rejection_message(huge) == "This file is 20 MB; the limit is 10 MB."
    odd = [{"name": "cv.pdf", "size": 10_900_000, "codes": ["file-too-large"]}]
    assert rejection_message(odd) == "This file is 10.4 MB; the limit is 10 MB."
    assert "not a PDF or Word" in rejection_message(
        [{"name": "a.exe", "size": 9, "codes": ["file-invalid-type"]}]
    )
    assert "one file" in rejection_message([{"codes": ["too-many-files"]}, {"codes": ["too-many-files"]}])
    for forged in (None, "x", [], [None], [{"size": "big", "codes": "file-too-large"}]):
        assert rejection_message(forged).startswith("This file")


def test_the_profile_handlers_say_why_and_leave_no_full_bar(db, candidate, monkeypatch):
    monkeypatch.setattr(session_state, "db", lambda: db)
    st = _staff_state(db, ProfileState, candidate)
    ProfileState.upload_progressed.fn(st, {"progress": 0.5})
    assert st.uploading and st.upload_progress == 50
    ProfileState.upload_progressed.fn(st, {"progress": 1})
    assert not st.uploading
    ProfileState.resume_rejected.fn(
        st, [{"name": "huge.pdf", "size": 20 * 1024 * 1024, "codes": ["file-too-large"]}]
    )
    assert st.upload_error == "This file is 20 MB; the limit is 10 MB." and not st.uploading


# Closing a job asks first, and the list keeps its order across a status change.


def test_closing_asks_first_and_the_list_keeps_its_order(db, acme, candidate, monkeypatch):
    for module in (session_state, jobs_state):
        monkeypatch.setattr(module, "db", lambda: db)
    apply(db, candidate, acme.job_id)
    jobs_core.create_job(db, acme.recruiter, "Second role")
    jobs_core.create_job(db, acme.recruiter, "Third role")
    st = _staff_state(db, StaffJobsState, acme.recruiter)
    StaffJobsState.load.fn(st)
    order = [r.title for r in st.rows]
    target = next(r for r in st.rows if r.title == "Acme Engineer")
    StaffJobsState.set_status.fn(st, target.id, CLOSED)
    assert (st.close_id, st.close_title, st.close_total) == (target.id, "Acme Engineer", "1 application")
    assert next(r for r in st.rows if r.id == target.id).status != CLOSED  # nothing closed yet
    StaffJobsState.cancel_close.fn(st, False)
    assert st.close_id == 0
    StaffJobsState.set_status.fn(st, target.id, CLOSED)
    StaffJobsState.confirm_close.fn(st)
    assert next(r for r in st.rows if r.id == target.id).status == CLOSED
    assert [r.title for r in st.rows] == order
    StaffJobsState.set_status.fn(st, target.id, PUBLISHED)  # reopening needs no question
    assert st.close_id == 0 and [r.title for r in st.rows] == order
    assert next(r for r in st.rows if r.id == target.id).status == PUBLISHED


def test_a_forged_close_closes_nothing(db, acme, globex, monkeypatch):
    for module in (session_state, jobs_state):
        monkeypatch.setattr(module, "db", lambda: db)
    st = _staff_state(db, StaffJobsState, globex.recruiter)
    st.close_id = acme.job_id
    StaffJobsState.confirm_close.fn(st)
    with db.session() as s:
        assert s.get(Job, acme.job_id).status == PUBLISHED
