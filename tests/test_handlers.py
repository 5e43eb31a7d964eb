"""Reflex event handlers, called directly as a browser could: every role, forged arguments.

Hiding a button is not a permission check; these tests send the events the UI never offers.
"""

from __future__ import annotations

import asyncio
import inspect

import pytest
import reflex as rx
from sqlmodel import select

from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import Unauthenticated
from flowtrack_ui.core.models import Application, ApplicationHistory, Job, OutboxEmail
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.state import (
    account,
    analytics,
    application,
    auth,
    board,
    jobs,
    overview,
    session,
    talent,
    tracker,
)
from flowtrack_ui.state.account import AccountState
from flowtrack_ui.state.board import BoardState
from flowtrack_ui.state.jobs import StaffJobsState
from flowtrack_ui.state.overview import OverviewState
from flowtrack_ui.state.session import SessionState
from flowtrack_ui.state.tracker import TrackerState

from .conftest import every_stage_emails
from .stage_support import let_undo_windows_pass, stage_name


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, auth, jobs, board, tracker, overview, account, analytics, talent, application):
        monkeypatch.setattr(module, "db", lambda: db)


def state_for(cls, principal=None):
    root = rx.State(_reflex_internal_init=True)
    st = root.get_substate(cls.get_full_name().split(".")[1:])
    st.token = sign_in.issue_token(session.db(), principal.user_id) if principal else ""
    return st


def call(st, handler, *args):
    """Runs a handler as Reflex would (an async one to completion)."""
    result = handler.fn(st, *args)
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    return result


def snapshot(db):
    with db.session() as s:
        return (
            sorted((a.id, a.stage_id, a.version) for a in s.exec(select(Application))),
            sorted((j.id, j.title, j.status) for j in s.exec(select(Job))),
            len(s.exec(select(ApplicationHistory)).all()),
            len(s.exec(select(OutboxEmail)).all()),
        )


def rendered(result) -> str:
    return repr(result)


@pytest.fixture
def app_id(db, acme, candidate):
    return apply(db, candidate, acme.job_id).id


def test_recruiter_moves_through_the_handler(db, acme, app_id):
    st = state_for(BoardState, acme.recruiter)
    st.job_id = acme.job_id
    call(st, BoardState.move, app_id, "Screening", "Applied")
    with db.session() as s:
        assert stage_name(s, app_id) == "Screening"
    assert [c.count for c in st.columns][:2] == [0, 1]


def _forger(who: str, acme, globex, candidate):
    """The caller a forged event claims to come from: a hiring manager, a candidate, a recruiter of
    another company, or no one signed in."""
    return {
        "manager": acme.manager,
        "candidate": candidate,
        "other_company": globex.recruiter,
        "nobody": None,
    }[who]


@pytest.mark.parametrize("who", ["manager", "candidate", "other_company", "nobody"])
def test_forged_moves_are_refused(db, acme, globex, candidate, app_id, who):
    principal = _forger(who, acme, globex, candidate)
    before = snapshot(db)
    st = state_for(BoardState, principal)
    st.job_id = acme.job_id
    for target in ("Screening", "Interview", "Offer", "Hired", "Rejected", "Bogus"):
        call(st, BoardState.move, app_id, target, "Applied")
    st.ask_id, st.ask_from, st.ask_target, st.ask_kind = app_id, "Applied", "Rejected", "reject"
    result = call(st, BoardState.confirm_ask, {"note": "forged"})
    call(st, BoardState.undo, app_id)
    assert snapshot(db) == before
    if who == "nobody":
        assert "/login" in rendered(result)
    call(st, BoardState.open_card, app_id)
    assert st.history == [] and st.emails == []


def test_the_timeline_lists_the_emails_to_the_candidate(db, acme, app_id):
    every_stage_emails(db)
    st = state_for(BoardState, acme.recruiter)
    st.job_id, st.can_move = acme.job_id, True
    call(st, BoardState.move, app_id, "Screening", "Applied")
    call(st, BoardState.open_card, app_id)
    assert [(e.subject, e.status) for e in st.emails] == [
        ("Your application for Acme Engineer: Screening", "queued"),
        ("We received your application for Acme Engineer", "queued"),
    ]


def test_recruiter_skips_and_undoes_through_the_handlers(db, acme, app_id):
    """The card offers the later stages as skips (read from the core), the drop moves straight
    there, the timeline names the skip, and the toast's Undo brings the card back."""
    st = state_for(BoardState, acme.recruiter)
    st.job_id, st.can_move = acme.job_id, True
    call(st, BoardState.refresh)
    card = st.columns[0].cards[0]
    assert card.allowed == ["Screening", "Interview", "Offer", "Rejected"]
    assert card.kinds == {"Screening": "forward", "Interview": "skip", "Offer": "skip", "Rejected": "reject"}
    assert "Interview" not in card.asks and "Offer" not in card.asks
    result = call(st, BoardState.move, app_id, "Interview", "Applied", 1)
    assert "Moved to Interview" in rendered(result) and "Undo" in rendered(result)
    with db.session() as s:
        assert stage_name(s, app_id) == "Interview"
    assert [c.count for c in st.columns][:3] == [0, 0, 1]
    call(st, BoardState.open_card, app_id)
    assert (st.history[0].kind, st.history[0].note) == ("skip", "Skipped Screening.")
    call(st, BoardState.undo, app_id)
    with db.session() as s:
        assert stage_name(s, app_id) == "Applied"
    # A forged skip to Hired, or from a stage the card is not in, changes nothing.
    before = snapshot(db)
    assert "Screening" in rendered(call(st, BoardState.move, app_id, "Hired", "Applied"))
    call(st, BoardState.move, app_id, "Offer", "Screening")
    assert snapshot(db) == before


def test_illegal_and_unknown_moves_by_recruiter(db, acme, app_id):
    st = state_for(BoardState, acme.recruiter)
    st.job_id = acme.job_id
    before = snapshot(db)
    assert "Screening" in rendered(call(st, BoardState.move, app_id, "Hired", "Applied"))
    assert "valid stages" in rendered(call(st, BoardState.move, app_id, "Bogus", "Applied"))
    assert "not found" in rendered(call(st, BoardState.move, 999_999, "Screening", "Applied")).lower()
    assert snapshot(db) == before


def test_conflict_reloads_and_says_so(db, acme, app_id):
    st = state_for(BoardState, acme.recruiter)
    st.job_id = acme.job_id
    move_stage(db, acme.recruiter, app_id, "Screening")
    result = call(st, BoardState.move, app_id, "Screening", "Applied")
    assert "Someone else moved this card" in rendered(result)
    assert st.columns[1].count == 1


def test_board_of_another_company_shows_nothing(db, acme, globex, app_id):
    st = state_for(BoardState, globex.recruiter)
    st.job_id = acme.job_id
    call(st, BoardState.refresh)
    assert st.columns == [] and st.not_found


@pytest.mark.parametrize("who", ["candidate", "other_company", "nobody"])
def test_job_handlers_refuse_forged_calls(db, acme, globex, candidate, who):
    principal = _forger(who, acme, globex, candidate)
    before = snapshot(db)
    st = state_for(StaffJobsState, principal)
    st.editing_id = acme.job_id
    call(st, StaffJobsState.save_job, {"title": "Hijacked", "description": "", "location": ""})
    call(st, StaffJobsState.set_status, acme.job_id, "closed")
    assert snapshot(db) == before
    if who != "other_company":  # Globex staff may invite, but only into Globex
        call(st, StaffJobsState.invite, {"email": "mole@acme.test", "role": "recruiter"})
        assert st.invite_link == ""


def test_tracker_is_candidates_own_and_hides_notes(db, acme, candidate, app_id):
    move_stage(db, acme.recruiter, app_id, "Rejected", note="SECRET internal reason")
    st = state_for(TrackerState, candidate)
    call(st, TrackerState.load)
    assert [a.stage for a in st.applications] == ["Applied"]  # while the move can be undone
    let_undo_windows_pass(db)
    call(st, TrackerState.load)
    assert [a.stage for a in st.applications] == ["Rejected"]
    assert "SECRET" not in repr(st.dict())
    assert acme.recruiter.full_name not in repr(st.dict())
    for principal in (acme.recruiter, None):
        other = state_for(TrackerState, principal)
        call(other, TrackerState.load)
        assert other.applications == []


def test_overview_is_company_scoped(db, acme, globex, app_id):
    st = state_for(OverviewState, acme.manager)
    call(st, OverviewState.load)
    assert [j.total for j in st.jobs] == [1]
    foreign = state_for(OverviewState, globex.manager)
    call(foreign, OverviewState.load)
    call(foreign, OverviewState.select, acme.job_id)
    assert all(c.count == 0 for c in foreign.people)
    assert foreign.selected_id != acme.job_id


def test_sign_in_handlers_never_keep_passwords(db, candidate):
    st = state_for(auth.AuthState)
    result = call(
        st, auth.AuthState.login, {"email": "cand@example.com", "password": "correct horse battery"}
    )
    assert st.role == "candidate" and st.token
    assert "correct horse battery" not in repr(st.dict()) + rendered(result)
    call(st, auth.AuthState.login, {"email": "cand@example.com", "password": "wrong"})
    assert st.error == "Incorrect email or password."


def test_sign_out_ends_the_token(db, candidate):
    st = state_for(SessionState, candidate)
    token = st.token
    call(st, SessionState.sign_out)
    assert st.token == ""
    with pytest.raises(Unauthenticated):
        sign_in.principal_from_token(db, token)


def test_password_change_handler_keeps_this_session_and_ends_the_others(db, candidate):
    from .conftest import PASSWORD

    other_tab = sign_in.login(db, candidate.email, PASSWORD)
    st = state_for(AccountState, candidate)
    call(st, AccountState.change_password, {"current_password": "wrong one", "password": "new passphrase 1"})
    assert "not correct" in st.error
    call(st, AccountState.change_password, {"current_password": PASSWORD, "password": "new passphrase 1"})
    assert st.error == ""
    assert sign_in.principal_from_token(db, st.token).user_id == candidate.user_id
    with pytest.raises(Unauthenticated):
        sign_in.principal_from_token(db, other_tab)


def test_password_change_handler_needs_a_session(db, candidate):
    from .conftest import PASSWORD

    st = state_for(AccountState, None)
    result = call(st, AccountState.change_password, {"current_password": PASSWORD, "password": "new pass 12"})
    assert "/login" in rendered(result)
    assert sign_in.login(db, candidate.email, PASSWORD)


# --- pipelines: undo, corrections, templates, reasons, withdraw ---------------------------------


def _setup_snapshot(db):
    from flowtrack_ui.core.models import PipelineTemplate, RejectionReason

    with db.session() as s:
        return (
            snapshot(db),
            sorted((t.company_id, t.name) for t in s.exec(select(PipelineTemplate))),
            sorted((r.company_id, r.label) for r in s.exec(select(RejectionReason))),
        )


def test_recruiter_rejects_undoes_and_corrects_through_the_handlers(db, acme, app_id):
    st = state_for(BoardState, acme.recruiter)
    st.job_id = acme.job_id
    st.can_move = True
    call(st, BoardState.refresh)
    call(st, BoardState.move, app_id, "Screening", "Applied")
    call(st, BoardState.move, app_id, "Rejected", "Screening")  # asks first: the reject dialog
    assert st.reject_open and st.ask_kind == "reject"
    filled = next(r for r in st.reject_reasons if r.label == "Position filled")
    call(st, BoardState.confirm_reject, {"reason_id": filled.id, "note": "internal", "when": "undo"})
    with db.session() as s:
        assert stage_name(s, app_id) == "Rejected"
    call(st, BoardState.undo, app_id)
    with db.session() as s:
        assert stage_name(s, app_id) == "Screening"
    call(st, BoardState.move, app_id, "Applied", "Screening")  # a correction asks for its reason
    assert st.ask_kind == "back"
    call(st, BoardState.confirm_ask, {"note": ""})
    assert st.ask_open and "reason" in st.ask_error
    call(st, BoardState.confirm_ask, {"note": "wrong card"})
    with db.session() as s:
        assert stage_name(s, app_id) == "Applied"
    call(st, BoardState.open_card, app_id)
    assert [h.kind for h in st.history] == ["back", "undo", "reject", "forward", "applied"]
    assert st.history[2].reason == "Position filled"


@pytest.mark.parametrize("who", ["candidate", "other_company", "nobody"])
def test_forged_pipeline_setup_is_refused(db, acme, globex, candidate, who):
    principal = _forger(who, acme, globex, candidate)
    before = _setup_snapshot(db)
    st = state_for(StaffJobsState, principal)
    st.editing_id = acme.job_id
    st.editor_stages = []
    call(st, StaffJobsState.save_template, {"template_name": "Forged"})
    call(st, StaffJobsState.save_reasons, {"reasons": "Forged reason"})
    call(st, StaffJobsState.save_job, {"title": "Forged", "description": "", "location": ""})
    after = _setup_snapshot(db)
    if who == "other_company":  # their own company's setup may change, never Acme's
        assert [t for t in after[1] if t[0] == acme.recruiter.company_id] == [
            t for t in before[1] if t[0] == acme.recruiter.company_id
        ]
        assert [r for r in after[2] if r[0] == acme.recruiter.company_id] == [
            r for r in before[2] if r[0] == acme.recruiter.company_id
        ]
        assert after[0][0] == before[0][0]
    else:
        assert after == before


@pytest.mark.parametrize("who", ["recruiter", "manager", "other_candidate", "nobody"])
def test_forged_withdraw_and_undo_are_refused(db, acme, candidate, app_id, who):
    from .conftest import make_candidate

    move_stage(db, acme.recruiter, app_id, "Screening")
    principal = {
        "recruiter": acme.recruiter,
        "manager": acme.manager,
        "other_candidate": make_candidate(db, "x@example.com", "Xavier"),
        "nobody": None,
    }[who]
    before = snapshot(db)
    call(state_for(TrackerState, principal), TrackerState.withdraw, app_id)
    if who != "recruiter":  # the mover may undo their own move; no one else may
        call(state_for(BoardState, principal), BoardState.undo, app_id)
    assert snapshot(db) == before


def test_the_candidate_withdraws_through_the_handler(db, candidate, app_id):
    st = state_for(TrackerState, candidate)
    call(st, TrackerState.withdraw, app_id)
    with db.session() as s:
        assert stage_name(s, app_id) == "Withdrawn"
    assert st.applications[0].category == "withdrawn" and not st.applications[0].can_withdraw


# --- analytics ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["candidate", "other_company", "nobody"])
def test_forged_analytics_reads_nothing(db, acme, globex, candidate, app_id, who):
    from flowtrack_ui.state.analytics import AnalyticsState

    principal = _forger(who, acme, globex, candidate)
    st = state_for(AnalyticsState, principal)
    st.jobs = [analytics_job(acme.job_id)]  # as if the page had listed Acme's job
    call(st, AnalyticsState.set_job, str(acme.job_id))
    call(st, AnalyticsState.export_csv)
    assert st.applications == 0 and st.steps == [] and st.sources == []


def analytics_job(job_id: int):
    from flowtrack_ui.state.analytics import JobOption

    return JobOption(str(job_id), "Acme Engineer")


def test_a_manager_reads_analytics_through_the_handler(db, acme, app_id):
    from flowtrack_ui.state.analytics import AnalyticsState

    st = state_for(AnalyticsState, acme.manager)
    st.jobs = [analytics_job(acme.job_id)]
    call(st, AnalyticsState.set_job, str(acme.job_id))
    assert st.applications == 1 and [s.reached for s in st.steps] == [1, 0, 0, 0, 0]
    assert f"flowtrack-analytics-job-{acme.job_id}.csv" in rendered(call(st, AnalyticsState.export_csv))
    call(st, AnalyticsState.set_range, "custom")
    call(st, AnalyticsState.set_since_day, "2099-01-01")
    assert st.applications == 0 and st.error == ""
    call(st, AnalyticsState.set_since_day, "2999-01-01")  # past the dates the core takes
    assert "between the years 1970 and 2100" in st.error
    call(st, AnalyticsState.set_since_day, "2099-01-01")
    call(st, AnalyticsState.set_until_day, "2000-01-01")
    assert "must not be after" in st.error
    call(st, AnalyticsState.set_range, "bogus")
    assert st.range == "90" and st.applications == 1


def test_show_more_grows_one_column_and_final_columns_fold(db, acme):
    from .conftest import make_candidate

    ids = [apply(db, make_candidate(db, f"m{i}@example.com", f"M {i}"), acme.job_id).id for i in range(23)]
    for app_id in ids[:21]:
        move_stage(db, acme.recruiter, app_id, "Screening")
    st = state_for(BoardState, acme.recruiter)
    st.job_id, st.can_move = acme.job_id, True
    call(st, BoardState.refresh)
    counts = {c.stage: (len(c.cards), c.hidden) for c in st.columns}
    assert counts["Applied"] == (2, 0) and counts["Screening"] == (20, 1)
    call(st, BoardState.show_more, "Screening")
    counts = {c.stage: (len(c.cards), c.hidden) for c in st.columns}
    assert counts["Screening"] == (21, 0) and counts["Applied"] == (2, 0)
    call(st, BoardState.toggle_fold, "Rejected")
    assert st.folded == ["Rejected"]
    call(st, BoardState.toggle_fold, "Rejected")
    assert st.folded == []


# --- talent pool and privacy -------------------------------------------------------------------


def _pool_state(principal, candidate_id: int):
    """A talent-pool state as if the page had listed the candidate (a forged call sends the id)."""
    from flowtrack_ui.state.talent import PoolRow, TalentState

    st = state_for(TalentState, principal)
    st.rows = [PoolRow(candidate_id, "Casey", "", "", [], "", [], [], 0)]
    return st


@pytest.mark.parametrize("who", ["manager", "candidate", "other_company", "nobody"])
def test_forged_talent_pool_calls_change_nothing(db, acme, globex, candidate, app_id, who):
    from flowtrack_ui.core.talent import search
    from flowtrack_ui.state.application import ApplicationState
    from flowtrack_ui.state.talent import TalentState

    principal = _forger(who, acme, globex, candidate)
    second = jobs_core_create(db, acme)
    before = snapshot(db)
    st = state_for(TalentState, principal)
    call(st, TalentState.load)
    assert st.rows == [] or who == "other_company" and all(r.id != candidate.user_id for r in st.rows)
    st = _pool_state(principal, candidate.user_id)
    for handler, arg in (
        (TalentState.open_tags, candidate.user_id),
        (TalentState.save_tags, {"tags": "poached"}),
        (TalentState.open_add, candidate.user_id),
        (TalentState.add_to_job, {"job_id": str(second)}),
        (TalentState.open_erase, candidate.user_id),
    ):
        call(st, handler, arg)
    call(st, TalentState.confirm_erase)
    call(st, TalentState.save_retention, {"months": "6"})
    page = state_for(ApplicationState, principal)
    page._candidate_id = candidate.user_id
    call(page, ApplicationState.save_tags, {"tags": "poached"})
    assert snapshot(db) == before
    found = search.search(db, acme.recruiter, "casey")
    assert [(c.full_name, c.tags) for c in found.candidates] == [("Casey Candidate", ())]
    with db.session() as s:
        from flowtrack_ui.core.models import Company

        assert s.get(Company, acme.recruiter.company_id).retention_months is None


def jobs_core_create(db, acme) -> int:
    from flowtrack_ui.core import jobs as jobs_core

    return jobs_core.create_job(db, acme.recruiter, "Second role").id


def test_recruiter_uses_the_talent_pool_through_the_handlers(db, acme, candidate, app_id):
    from flowtrack_ui.core.talent import search
    from flowtrack_ui.state.talent import TalentState

    second = jobs_core_create(db, acme)
    st = state_for(TalentState, acme.recruiter)
    call(st, TalentState.load)
    assert [r.name for r in st.rows] == ["Casey Candidate"] and st.total == 1
    call(st, TalentState.run_search, {"q": "nobody-by-that-name"})
    assert st.rows == [] and st.total == 0
    call(st, TalentState.clear)
    call(st, TalentState.open_tags, candidate.user_id)
    call(st, TalentState.save_tags, {"tags": "Python, silver medallist"})
    assert st.rows[0].tags == ["python", "silver medallist"] and st.dialog == ""
    call(st, TalentState.open_tags, candidate.user_id)
    call(st, TalentState.save_tags, {"tags": "<script>"})
    assert "may hold letters" in st.dialog_error and st.dialog == "tags"
    call(st, TalentState.open_add, candidate.user_id)
    call(st, TalentState.add_to_job, {"job_id": str(second)})
    assert [a.job_title for a in st.rows[0].applications] == ["Second role", "Acme Engineer"]
    call(st, TalentState.set_filter, "since", "not a date")
    assert "date" in st.error
    call(st, TalentState.set_filter, "since", "")
    call(st, TalentState.open_erase, candidate.user_id)
    call(st, TalentState.confirm_erase)
    assert st.rows == [] and st.subject_name == "" and "Candidate #" in st.erasures[0].label
    assert search.search(db, acme.recruiter, "casey").total == 0


@pytest.mark.parametrize("who", ["recruiter", "manager", "nobody"])
def test_only_a_candidate_exports_or_erases_their_own_account(db, acme, candidate, app_id, who):
    principal = {"recruiter": acme.recruiter, "manager": acme.manager, "nobody": None}[who]
    st = state_for(AccountState, principal)
    before = snapshot(db)
    assert "flowtrack-data" not in rendered(call(st, AccountState.download_data))
    call(st, AccountState.erase_account, {"password": "correct horse battery"})
    assert snapshot(db) == before
    sign_in.login(db, "cand@example.com", "correct horse battery")  # still there


def test_the_candidate_erases_their_account_through_the_handler(db, candidate, app_id):
    st = state_for(AccountState, candidate)
    assert "flowtrack-data-" in rendered(call(st, AccountState.download_data))
    call(st, AccountState.erase_account, {"password": "wrong wrong wrong"})
    assert "not right" in st.erase_error
    result = call(st, AccountState.erase_account, {"password": "correct horse battery"})
    assert "/login" in rendered(result) and st.token == "" and st.user_name == ""
    with pytest.raises(Unauthenticated):
        sign_in.login(db, "cand@example.com", "correct horse battery")
