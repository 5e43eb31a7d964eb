"""The session guard hands the caller it read for an event to that event's handler: one read of
the caller per event, never a stale or another token's caller."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import reflex as rx
from reflex.istate.data import RouterData, SessionData

from flowtrack_ui.core.accounts import sign_in, team
from flowtrack_ui.core.errors import Unauthenticated
from flowtrack_ui.state import session, stale_state
from flowtrack_ui.state.board import BoardState

from .conftest import make_company


@pytest.fixture
def tab(sqlite_db, monkeypatch):
    """A board tab's session state, hydrated for the Acme recruiter, and a count of caller reads."""
    monkeypatch.setattr(session, "db", lambda: sqlite_db)
    monkeypatch.setattr(stale_state, "db", lambda: sqlite_db)
    acme = make_company(sqlite_db, "Acme")
    root = rx.State(_reflex_internal_init=True)
    st = root.get_substate(BoardState.get_full_name().split(".")[1:])
    sid = uuid.uuid4().hex
    st.router = RouterData(session=SessionData(client_token=uuid.uuid4().hex, session_id=sid))
    st._bound_sid, st._owner_id = sid, acme.recruiter.user_id
    st.token = sign_in.issue_token(sqlite_db, acme.recruiter.user_id)
    reads: list[str] = []
    real = sign_in.principal_from_token
    monkeypatch.setattr(
        sign_in, "principal_from_token", lambda d, t, conn=None: reads.append(t) or real(d, t, conn=conn)
    )
    return st, reads, acme


def test_the_handler_takes_the_caller_its_guard_just_read(tab):
    st, reads, acme = tab
    asyncio.run(stale_state.hold_only_for(st, st.token))
    assert len(reads) == 1
    assert st.principal().user_id == acme.recruiter.user_id
    assert len(reads) == 1  # the guard's read, handed over
    st.principal()
    assert len(reads) == 2  # taken once: a second call reads again


def test_a_handoff_is_not_taken_late_nor_for_another_token(tab, sqlite_db, monkeypatch):
    st, reads, acme = tab
    asyncio.run(stale_state.hold_only_for(st, st.token))
    monkeypatch.setattr(session, "GUARD_CHECK_SECONDS", 0.0)
    st.principal()
    assert len(reads) == 2  # too old: read again
    monkeypatch.setattr(session, "GUARD_CHECK_SECONDS", 0.5)
    session.guard_checked(st.router.session.client_token, "another JWT", acme.recruiter)
    st.principal()
    assert len(reads) == 3


def test_a_caller_deactivated_after_the_handler_took_the_handoff_is_refused_next_event(tab, sqlite_db):
    st, reads, acme = tab
    manager_token = sign_in.issue_token(sqlite_db, acme.manager.user_id)
    st.token, st._owner_id = manager_token, acme.manager.user_id
    asyncio.run(stale_state.hold_only_for(st, st.token))
    assert st.principal().user_id == acme.manager.user_id
    team.set_active(sqlite_db, acme.recruiter, acme.manager.user_id, False)
    asyncio.run(stale_state.hold_only_for(st, st.token))  # the next event's guard: nothing handed over
    with pytest.raises(Unauthenticated):
        st.principal()
