"""The live board's reads: a move travels as a change, not as a board.

The move's handler applies the move from what its commit announced (no read: the optimistic card
is confirmed by it); the live watch of the same tab then wakes on the move's own signal and skips
it by its number, while a colleague's move reaches it and is applied without a read too.
"""

from __future__ import annotations

import asyncio

import pytest
import reflex as rx

from flowtrack_ui.core import queries
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.state import board, live, session
from flowtrack_ui.state.board import BoardState

from .live_support import Held, until


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    if db.feed.redis_url:
        pytest.skip("signals go through Redis here; the mark covers a process's own signals only")
    for module in (session, board):
        monkeypatch.setattr(module, "db", lambda: db)
    monkeypatch.setattr(live, "client_connected_here", lambda token, sid=None: True)


def _board_tab(db, recruiter, job_id) -> BoardState:
    root = rx.State(_reflex_internal_init=True)
    st = root.get_substate(BoardState.get_full_name().split(".")[1:])
    st.token = sign_in.issue_token(db, recruiter.user_id)
    st.job_id, st.can_move = job_id, True
    return st


def test_a_move_reads_no_board_in_the_movers_tab_or_its_watch(db, acme, candidate, monkeypatch):
    app_id = apply(db, candidate, acme.job_id).id
    reads: list[int] = []
    real_board = queries.board

    def counted_board(*args, **kwargs):
        reads.append(1)
        return real_board(*args, **kwargs)

    monkeypatch.setattr(queries, "board", counted_board)
    st = _board_tab(db, acme.recruiter, acme.job_id)
    st._refresh()  # the page's first read, as `load` does before it starts the watch

    async def scenario():
        watch = asyncio.create_task(BoardState.watch.fn(Held(st)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            reads.clear()
            BoardState.move.fn(st, app_id, "Screening", "Applied", 1)
            assert reads == []  # applied from the move's own change
            assert [c.count for c in st.columns][:2] == [0, 1]
            rev = st.board_patch.rev
            await asyncio.sleep(0.5)  # the watch wakes on that move's signal...
            assert reads == [] and st.board_patch.rev == rev  # ...and skips it by its number

            move_stage(db, acme.recruiter, app_id, "Interview")  # from another tab or the API
            assert await until(lambda: [c.count for c in st.columns][:3] == [0, 0, 1])
            assert reads == [] and st.board_patch.rev == rev + 1
            assert [c.id for c in st.columns[2].cards] == [app_id]
            assert st.columns[2].cards[0].stage == "Interview"
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(scenario())
