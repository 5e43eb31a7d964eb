"""Each rule has one home in the core, and the UI reads it from there.

The board's dialog before a move comes from the transition table, a correction's missing reason is
the core's refusal, and the scorecard visibility rule is one function.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import reflex as rx
from sqlmodel import select

from flowtrack_ui.core import queries
from flowtrack_ui.core.accounts import invitations, sign_in
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews, scorecards
from flowtrack_ui.core.collaboration.scorecards import DEFAULT_CRITERIA
from flowtrack_ui.core.errors import InvalidInput
from flowtrack_ui.core.models import Application, ApplicationHistory
from flowtrack_ui.core.permissions import Action, Role, may
from flowtrack_ui.core.pipelines.categories import Category
from flowtrack_ui.core.pipelines.definitions import MAX_STAGE_NAME, MAX_STAGES
from flowtrack_ui.core.pipelines.job_stages import pipeline_of
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.core.pipelines.transitions import TRANSITION_TABLE, MoveKind, Reason, find_move
from flowtrack_ui.demo import seed as demo
from flowtrack_ui.state import board, session
from flowtrack_ui.state import jobs as jobs_state
from flowtrack_ui.state.board import BoardState, columns_of
from flowtrack_ui.state.colors import CATEGORY_COLORS
from flowtrack_ui.state.jobs import StaffJobsState

from .conftest import PASSWORD, principal


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, board):
        monkeypatch.setattr(module, "db", lambda: db)


def _state(principal):
    root = rx.State(_reflex_internal_init=True)
    st = root.get_substate(BoardState.get_full_name().split(".")[1:])
    st.token = sign_in.issue_token(session.db(), principal.user_id)
    return st


def test_the_moves_that_ask_for_words_are_the_tables():
    asks = {rule.kind for rule in TRANSITION_TABLE if rule.reason != Reason.NONE}
    assert {MoveKind.REJECT, MoveKind.BACK, MoveKind.REOPEN, MoveKind.UNHIRE} <= asks
    assert MoveKind.FORWARD not in asks


def test_the_board_asks_for_the_moves_the_core_says_ask(db, acme, candidate):
    app_id = apply(db, candidate, acme.job_id).id
    move_stage(db, acme.recruiter, app_id, "Screening")
    found = queries.board(db, acme.recruiter, acme.job_id)
    card = next(c for col in found.columns for c in col.cards if c.id == app_id)
    rows = columns_of(found)
    row = next(c for col in rows for c in col.cards if c.id == app_id)
    assert {m.kind for m in card.moves} >= {"forward", "back", "reject"}
    for m in card.moves:
        assert m.asks == (m.reason != "none")
        assert (m.stage in row.asks) == m.asks
        assert row.reasons[m.stage] == m.reason
    assert all(c.asks == [] for col in columns_of(found, can_move=False) for c in col.cards)


def test_a_correction_without_a_reason_shows_the_cores_refusal(db, acme, candidate):
    app_id = apply(db, candidate, acme.job_id).id
    move_stage(db, acme.recruiter, app_id, "Screening")
    with pytest.raises(InvalidInput) as refused:
        move_stage(db, acme.recruiter, app_id, "Applied")
    st = _state(acme.recruiter)
    st.job_id, st.can_move = acme.job_id, True
    BoardState.refresh.fn(st)
    BoardState.move.fn(st, app_id, "Applied", "Screening")
    assert st.ask_open and st.ask_kind == "back" and st.ask_reason == "required"
    BoardState.confirm_ask.fn(st, {"note": "  "})
    assert st.ask_open and st.ask_error == refused.value.message
    BoardState.confirm_ask.fn(st, {"note": "wrong card"})
    assert not st.ask_open
    assert next(c for col in st.columns for c in col.cards if c.id == app_id).stage == "Applied"


def test_the_job_editor_uses_the_cores_limits_and_defaults(db, acme, monkeypatch):
    monkeypatch.setattr(jobs_state, "db", lambda: db)
    root = rx.State(_reflex_internal_init=True)
    st = root.get_substate(StaffJobsState.get_full_name().split(".")[1:])
    st.token = sign_in.issue_token(db, acme.recruiter.user_id)
    StaffJobsState.new_job.fn(st)
    assert st.form_criteria.splitlines() == list(DEFAULT_CRITERIA)
    assert [s.terminal for s in st.editor_stages] == [False] * 4 + [True] * 3
    for _ in range(MAX_STAGES + 3):
        StaffJobsState.add_stage.fn(st)
    assert len(st.editor_stages) == MAX_STAGES
    key = st.editor_stages[1].key
    StaffJobsState.set_stage_name.fn(st, key, "x" * (MAX_STAGE_NAME + 10))
    assert len(st.editor_stages[1].name) == MAX_STAGE_NAME


def test_the_scorecard_rule_is_one_function_read_by_every_view(db, acme, candidate):
    inv = invitations.invite_staff(db, acme.recruiter, "hm2@acme.test", Role.HIRING_MANAGER)
    invitations.accept_invitation(db, inv.token, PASSWORD, "Hana Second")
    hm2 = principal(db, "hm2@acme.test")
    app = apply(db, candidate, acme.job_id)
    fields = {
        "starts_at": (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "timezone": "UTC",
        "duration_minutes": 30,
        "video_url": "https://meet.example.com/room",
        "interviewer_ids": [acme.recruiter.user_id, acme.manager.user_id],
    }
    interview = interviews.schedule(db, acme.recruiter, app.id, fields)
    scorecards.submit(db, acme.recruiter, interview.id, {"recommendation": "yes"})

    def seen(who) -> tuple[list[int], str]:
        with db.session() as s:
            cards = [c.interviewer_id for c in scorecards.visible_scorecards(s, who, app.id)]
            return cards, scorecards.summaries(s, who, [app.id]).get(app.id, "")

    # The manager is on the interview and has not scored it: the recruiter's card stays hidden.
    assert seen(acme.manager) == ([], "")
    assert not may(acme.manager, Action.READ_ALL_SCORECARDS)
    # Someone not on the interview, and a recruiter, read every card.
    assert seen(hm2) == ([acme.recruiter.user_id], "1 × Yes")
    assert may(acme.recruiter, Action.READ_ALL_SCORECARDS)
    scorecards.submit(db, acme.manager, interview.id, {"recommendation": "strong_yes"})
    for who in (acme.manager, acme.recruiter, hm2):
        assert seen(who) == ([acme.recruiter.user_id, acme.manager.user_id], "1 × Strong yes, 1 × Yes")


def test_the_demos_moves_are_the_transition_tables(db):
    assert demo.seed(db)
    with db.session() as s:
        rows = s.exec(select(ApplicationHistory).order_by(ApplicationHistory.id)).all()
        pipelines = {}
        for row in rows:
            if row.old_stage_id is None:
                assert row.kind == MoveKind.APPLIED
                continue
            app = s.get(Application, row.application_id)
            pipeline = pipelines.setdefault(app.job_id, pipeline_of(s, app.job_id))
            move = find_move(pipeline, pipeline.by_id(row.old_stage_id), pipeline.by_id(row.new_stage_id))
            assert move is not None and row.kind == move.kind
    assert {row.kind for row in rows} >= {"applied", "forward", "reject"}


def test_every_category_has_its_colours_in_one_table():
    assert set(CATEGORY_COLORS) == set(Category)
    assert all(c.chart.startswith("#") and c.overview.startswith("#") for c in CATEGORY_COLORS.values())
