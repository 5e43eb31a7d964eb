"""The board's selection, bulk and keyboard handlers, called as a browser could: every role, other
companies' ids, garbage arguments. The core decides; these check the handlers pass the caller's
words on, show the answer, and never crash or act for someone who may not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.models import ApplicationHistory, CandidateTag, OutboxEmail
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.state import board, bulk, session
from flowtrack_ui.state.board import BoardState

from .conftest import make_candidate
from .stage_support import stage_name
from .test_handlers import call, rendered, snapshot, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, board, bulk):
        monkeypatch.setattr(module, "db", lambda: db)


def _applicants(db, job_id: int, n: int) -> list[int]:
    ids = []
    for i in range(n):
        cand = make_candidate(db, f"bulk{i}@example.com", f"Bulk Person {i}")
        ids.append(apply(db, cand, job_id).id)
    return ids


def _recruiter_board(acme):
    st = state_for(BoardState, acme.recruiter)
    st.job_id, st.can_move = acme.job_id, True
    call(st, BoardState.refresh)
    return st


def _column(st, stage: str) -> list[int]:
    return [c.id for col in st.columns if col.stage == stage for c in col.cards]


def test_a_shift_click_selects_a_range_within_its_column_and_leavers_drop_out(db, acme):
    ids = _applicants(db, acme.job_id, 5)
    move_stage(db, acme.recruiter, ids[4], "Screening", expected_stage="Applied")
    st = _recruiter_board(acme)
    applied = _column(st, "Applied")
    assert len(applied) == 4
    call(st, BoardState.toggle_select, applied[0], False)
    call(st, BoardState.toggle_select, applied[2], True)
    assert st.selected == applied[:3]
    # A shift-click in another column does not reach across: it selects that card alone.
    call(st, BoardState.toggle_select, ids[4], True)
    assert set(st.selected) == {*applied[:3], ids[4]}
    assert st.bulk_stages  # the core's moves of the selected cards, for "Move to…"
    assert "Withdrawn" not in st.bulk_stages and "Rejected" not in st.bulk_stages
    call(st, BoardState.toggle_select, applied[1], False)
    assert applied[1] not in st.selected
    # A refresh keeps the selection; a card that left the board (here: the search) drops out.
    call(st, BoardState.refresh)
    assert set(st.selected) == {applied[0], applied[2], ids[4]}
    call(st, BoardState.set_search, "Bulk Person 4")
    assert st.selected == [ids[4]]
    call(st, BoardState.clear_selection)
    assert st.selected == [] and st.bulk_stages == []


def test_select_all_in_a_column_and_select_many_take_only_cards_on_the_board(db, acme, globex):
    ids = _applicants(db, acme.job_id, 3)
    theirs = apply(db, make_candidate(db, "g@example.com", "Globex Applicant"), globex.job_id).id
    st = _recruiter_board(acme)
    call(st, BoardState.select_column, "Applied")
    assert sorted(st.selected) == sorted(ids)
    call(st, BoardState.clear_selection)
    call(st, BoardState.select_many, [ids[0], theirs, 999_999])
    assert st.selected == [ids[0]]
    call(st, BoardState.select_column, "No such stage")
    assert st.selected == [ids[0]]


@pytest.mark.parametrize(
    "args",
    [("abc", True), (None, False), (-3, True), ([1], True), (True, True), ("1" * 40, False)],
)
def test_garbage_selection_arguments_are_answered_not_crashed(db, acme, args):
    _applicants(db, acme.job_id, 1)
    st = _recruiter_board(acme)
    call(st, BoardState.toggle_select, *args)
    assert st.selected == []


@pytest.mark.parametrize("ids", ["x", None, [1, "2x"], [{"a": 1}], [None], 5, [1.5]])
def test_garbage_select_many_is_refused_in_words(db, acme, ids):
    _applicants(db, acme.job_id, 1)
    st = _recruiter_board(acme)
    result = call(st, BoardState.select_many, ids)
    assert st.selected == []
    assert "not a list of applications" in rendered(result)


def test_garbage_bulk_arguments_change_nothing(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    st = _recruiter_board(acme)
    call(st, BoardState.select_column, "Applied")
    before = snapshot(db)
    for handler, arg in (
        (BoardState.bulk_move, None),
        (BoardState.bulk_move, ""),
        (BoardState.bulk_move, "x" * 500),
        (BoardState.bulk_reject, "not a form"),
        (BoardState.bulk_reject, {"when": "days", "days": "soon"}),
        (BoardState.bulk_reject, {"when": "days", "days": "-4"}),
        (BoardState.bulk_reject, {"when": "yesterday"}),
        (BoardState.bulk_tag, {}),
        (BoardState.bulk_tag, {"tags": " , ,"}),
        (BoardState.bulk_tag, None),
        (BoardState.bulk_add_to_job, "abc"),
        (BoardState.bulk_add_to_job, None),
        (BoardState.bulk_add_form, {"job_id": "-1"}),
        (BoardState.key_action, "advance"),
    ):
        call(st, handler, arg)
    call(st, BoardState.key_action, "advance", "not an id")
    call(st, BoardState.key_action, "bogus", ids[0])
    result = call(st, BoardState.undo_batch)
    assert "nothing to undo" in rendered(result)
    assert snapshot(db) == before
    assert sorted(st.selected) == sorted(ids)


def _forger(who: str, acme, globex, candidate):
    return {
        "manager": acme.manager,
        "candidate": candidate,
        "other_company": globex.recruiter,
        "nobody": None,
    }[who]


@pytest.mark.parametrize("who", ["manager", "candidate", "other_company", "nobody"])
def test_forged_bulk_calls_change_nothing(db, acme, globex, candidate, who):
    ids = _applicants(db, acme.job_id, 2)
    recruiter = _recruiter_board(acme)
    call(recruiter, BoardState.select_column, "Applied")
    call(recruiter, BoardState.bulk_move, "Screening")
    batch = recruiter._batch_id
    before = snapshot(db)
    st = state_for(BoardState, _forger(who, acme, globex, candidate))
    st.job_id = acme.job_id
    # A browser can set any var (setvar) and send any event: the core refuses each action.
    st.selected = list(ids)
    results = [
        call(st, BoardState.bulk_move, "Interview"),
        call(st, BoardState.bulk_reject, {"reason": "", "when": "never"}),
        call(st, BoardState.bulk_tag, {"tags": "forged"}),
        call(st, BoardState.bulk_add_to_job, str(globex.job_id)),
        call(st, BoardState.key_action, "advance", ids[0]),
        call(st, BoardState.open_bulk_tag),
        call(st, BoardState.open_bulk_add),
    ]
    st._batch_id = batch  # even holding the recruiter's batch id
    results.append(call(st, BoardState.undo_batch))
    assert snapshot(db) == before
    with db.session() as s:
        assert s.exec(select(CandidateTag)).all() == []
        assert [stage_name(s, i) for i in ids] == ["Screening", "Screening"]
    if who == "nobody":
        assert any("/login" in rendered(r) for r in results)
    # Their own selection takes nothing from a board that is not theirs to act on.
    fresh = state_for(BoardState, _forger(who, acme, globex, candidate))
    fresh.job_id = acme.job_id
    call(fresh, BoardState.refresh)
    call(fresh, BoardState.toggle_select, ids[0], False)
    call(fresh, BoardState.select_many, ids)
    call(fresh, BoardState.select_column, "Screening")
    assert fresh.selected == []


def test_a_bulk_reject_holds_the_emails_and_one_undo_restores_the_batch(db, acme):
    ids = _applicants(db, acme.job_id, 3)
    st = _recruiter_board(acme)
    call(st, BoardState.select_column, "Applied")
    call(st, BoardState.open_bulk_reject)
    assert st.bulk_reject_open
    filled = next(r for r in st.reject_reasons if r.label == "Position filled")
    result = call(st, BoardState.bulk_reject, {"reason_id": filled.id, "note": "closed", "when": "2d"})
    assert st.bulk_summary == "3 applications rejected."
    assert not st.bulk_reject_open and st.selected == []
    assert "Undo" in rendered(result)
    assert _column(st, "Applied") == [] and sorted(_column(st, "Rejected")) == sorted(ids)
    with db.session() as s:
        rows = s.exec(select(ApplicationHistory).where(ApplicationHistory.kind == "reject")).all()
        assert sorted(r.application_id for r in rows) == sorted(ids)
        held = s.exec(select(OutboxEmail).where(OutboxEmail.history_id.in_([r.id for r in rows]))).all()
        assert sorted(e.application_id for e in held) == sorted(ids)
        later = datetime.now(UTC) + timedelta(days=2) - timedelta(minutes=5)
        assert all(e.sent_at is None and e.next_attempt_at.replace(tzinfo=UTC) > later for e in held)
    call(st, BoardState.undo_batch)
    assert sorted(_column(st, "Applied")) == sorted(ids)
    assert "back where they were" in st.bulk_summary
    with db.session() as s:
        assert [stage_name(s, i) for i in ids] == ["Applied"] * 3
        held = s.exec(select(OutboxEmail).where(OutboxEmail.application_id.in_(ids))).all()
        rejections = [e for e in held if e.history_id in {r.id for r in rows}]
        assert len(rejections) == 3 and all(e.cancelled_at is not None for e in rejections)
    # Undone once: a second Undo has nothing left.
    assert "nothing to undo" in rendered(call(st, BoardState.undo_batch))


@pytest.mark.parametrize(("when", "days", "minutes"), [("1d", "", 1440), ("days", "3", 3 * 1440)])
def test_the_reject_dialog_passes_when_to_email(db, acme, when, days, minutes):
    ids = _applicants(db, acme.job_id, 1)
    st = _recruiter_board(acme)
    call(st, BoardState.select_column, "Applied")
    call(st, BoardState.bulk_reject, {"when": when, "days": days})
    with db.session() as s:
        row = s.exec(select(ApplicationHistory).where(ApplicationHistory.kind == "reject")).one()
        email = s.exec(select(OutboxEmail).where(OutboxEmail.history_id == row.id)).one()
        due = email.next_attempt_at.replace(tzinfo=UTC) - datetime.now(UTC)
    assert row.application_id == ids[0]
    assert timedelta(minutes=minutes - 5) < due <= timedelta(minutes=minutes + 1)


def test_dont_email_sends_no_rejection_email(db, acme):
    _applicants(db, acme.job_id, 2)
    st = _recruiter_board(acme)
    call(st, BoardState.select_column, "Applied")
    call(st, BoardState.bulk_reject, {"when": "never"})
    with db.session() as s:
        rows = s.exec(select(ApplicationHistory).where(ApplicationHistory.kind == "reject")).all()
        assert len(rows) == 2
        emails = s.exec(select(OutboxEmail).where(OutboxEmail.history_id.in_([r.id for r in rows]))).all()
        assert all(e.cancelled_at is not None and e.sent_at is None for e in emails)  # none will leave


def test_a_bulk_move_keeps_the_refused_selected_and_names_them(db, acme):
    ids = _applicants(db, acme.job_id, 4)
    for i in ids[2:]:
        move_stage(db, acme.recruiter, i, "Offer", expected_stage="Applied")
    st = _recruiter_board(acme)
    call(st, BoardState.select_many, ids)
    assert "Hired" in st.bulk_stages
    call(st, BoardState.bulk_move, "Hired")
    assert st.bulk_summary == "2 applications moved to Hired;"
    assert st.bulk_failed_heading == "2 not moved:"
    assert sorted(f.id for f in st.bulk_failures) == sorted(ids[:2])
    assert {f.name for f in st.bulk_failures} == {"Bulk Person 0", "Bulk Person 1"}
    assert all("Screening" in f.detail for f in st.bulk_failures)  # the core names the allowed moves
    assert sorted(st.selected) == sorted(ids[:2])


def test_tags_suggested_and_added_and_candidates_added_to_another_job(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    st = _recruiter_board(acme)
    call(st, BoardState.select_column, "Applied")
    call(st, BoardState.open_bulk_tag)
    assert st.bulk_tag_open and st.bulk_tag_suggestions == []
    call(st, BoardState.add_tag_suggestion, "Referral")
    call(st, BoardState.add_tag_suggestion, "referral")
    assert st.bulk_tag_draft == "Referral"
    call(st, BoardState.bulk_tag, {"tags": "Referral, Go"})
    assert st.bulk_summary == "2 applications tagged."
    assert all(
        set(c.tags) >= {"referral", "go"} for col in st.columns for c in col.cards
    )  # as the core keeps them
    call(st, BoardState.select_column, "Applied")
    call(st, BoardState.open_bulk_tag)
    assert st.bulk_tag_suggestions == ["go", "referral"]

    from flowtrack_ui.core import jobs

    other = jobs.create_job(db, acme.recruiter, "Second Role", "More things", "Remote")
    call(st, BoardState.open_bulk_add)
    assert [j.id for j in st.bulk_jobs] == [str(other.id)]  # not the board's own job
    call(st, BoardState.bulk_add_form, {"job_id": str(other.id)})
    assert st.bulk_summary == "2 applications added to Second Role."
    with db.session() as s:
        added = s.exec(select(ApplicationHistory).where(ApplicationHistory.kind == "applied")).all()
        assert len([h for h in added if h.application_id not in ids]) == 2


def test_keys_advance_reject_and_help(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    st = _recruiter_board(acme)
    call(st, BoardState.key_action, "advance", ids[0])
    with db.session() as s:
        assert stage_name(s, ids[0]) == "Screening"
    call(st, BoardState.key_action, "reject", ids[1])
    assert st.selected == [ids[1]] and st.bulk_reject_open
    call(st, BoardState.set_bulk_reject_open, False)
    call(st, BoardState.toggle_select, ids[0], False)
    # With a selection, r rejects the selection, whichever card has the focus.
    call(st, BoardState.key_action, "reject", ids[0])
    assert sorted(st.selected) == sorted(ids) and st.bulk_reject_open
    call(st, BoardState.key_action, "help")
    assert st.help_open


def test_a_managers_keys_move_nothing(db, acme):
    ids = _applicants(db, acme.job_id, 1)
    st = state_for(BoardState, acme.manager)
    st.job_id = acme.job_id
    call(st, BoardState.refresh)
    before = snapshot(db)
    call(st, BoardState.key_action, "advance", ids[0])
    call(st, BoardState.key_action, "reject", ids[0])
    assert snapshot(db) == before
    assert st.selected == [] and not st.bulk_reject_open


def test_a_cards_links_open_the_application_in_its_column_with_the_search_kept(db, acme):
    """The card's name (and o / n on the keyboard, which follow it) opens the application page with
    the column and the board's search, so its Previous / Next walk what the board showed."""
    ids = _applicants(db, acme.job_id, 2)
    st = _recruiter_board(acme)
    [first] = [c for col in st.columns for c in col.cards if c.id == ids[0]]
    assert first.href == f"/application?id={ids[0]}&from=board&job={acme.job_id}&stage=Applied"
    call(st, BoardState.set_search, "Bulk Person 1")
    [second] = [c for col in st.columns for c in col.cards]
    assert second.href == (
        f"/application?id={ids[1]}&from=board&job={acme.job_id}&stage=Applied&q=Bulk+Person+1"
    )
