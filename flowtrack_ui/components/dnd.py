"""Reflex wrappers for the board's drag and drop (assets/kanban_dnd.jsx over @dnd-kit/core),
with optimistic moves drawn in the frame of the release."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import passthrough_event_spec

_LIB = "$/public/kanban_dnd.jsx"
_DEPS = ["@dnd-kit/core@6.3.1"]


class KanbanBoard(rx.Component):
    library = _LIB
    tag = "KanbanBoard"
    lib_dependencies: list[str] = _DEPS

    # (application id, target stage, source stage, the move's sequence number). Reflex declares an
    # event trigger's arguments by calling a spec inside the annotation, which mypy cannot read.
    on_move: rx.EventHandler[passthrough_event_spec(int, str, str, int)]  # type: ignore[valid-type, type-arg]
    # The highest sequence number the server has answered: the board's pending moves up to it end.
    answered: rx.Var[int]
    # Changes to the columns (state.board.BoardPatch), applied in the browser to the page state's
    # columns: the state's name, the columns' and their number's keys in it.
    patch: rx.Var[Any]
    state_name: rx.Var[str]
    columns_key: rx.Var[str]
    rev_key: rx.Var[str]
    # A patch that does not fit the columns the browser has: the board is read again.
    on_stale: rx.EventHandler[passthrough_event_spec()]  # type: ignore[valid-type, type-arg]


class KanbanColumn(rx.Component):
    library = _LIB
    tag = "KanbanColumn"
    lib_dependencies: list[str] = _DEPS

    stage: rx.Var[str]


class KanbanCard(rx.Component):
    library = _LIB
    tag = "KanbanCard"
    lib_dependencies: list[str] = _DEPS

    card_id: rx.Var[int]
    # Everything the card shows: the card renders again only when this (or its place) changes.
    signature: rx.Var[str]
    # Hiring managers read the board: their cards do not move.
    read_only: rx.Var[bool]
    # The stages this card may move to, joined by "|": the other columns are dimmed while it is dragged.
    allowed: rx.Var[str]
    # Those of them that ask for words first (a rejection, a correction): not drawn before the answer.
    asks: rx.Var[str]
    # In the selection (its checkbox ticked): the card renders again when this changes.
    selected: rx.Var[bool]


class BoardKeys(rx.Component):
    """The board's keyboard shortcuts (assets/board_keys.jsx): focus moves in the browser, moves
    and dialogs come to the state as (action, application id)."""

    library = "$/public/board_keys.jsx"
    tag = "BoardKeys"

    on_key: rx.EventHandler[passthrough_event_spec(str, int)]  # type: ignore[valid-type, type-arg]
    # Recruiters select, advance and reject; hiring managers only move the focus and open cards.
    can_act: rx.Var[bool]


kanban_board = KanbanBoard.create
kanban_column = KanbanColumn.create
kanban_card = KanbanCard.create
board_keys = BoardKeys.create
