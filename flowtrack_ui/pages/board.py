"""The recruiter's kanban board of one job."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.board import (
    ask_dialog,
    board_view,
    help_dialog,
    history_drawer,
    keys,
    stage_tabs,
)
from flowtrack_ui.components.bulk_bar import bulk_bar, bulk_dialogs
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.components.listing import view_switch
from flowtrack_ui.state.board import BoardState
from flowtrack_ui.state.format import counted


def board_page() -> rx.Component:
    return page(
        rx.cond(
            BoardState.loading,
            loading_block(),
            rx.cond(
                BoardState.not_found != "",
                empty_block("search_x", BoardState.not_found, rx.link("Back to jobs", href="/jobs")),
                rx.vstack(
                    rx.hstack(
                        rx.vstack(
                            rx.link("← Jobs", href="/jobs", size="2"),
                            rx.heading(BoardState.job_title, size="6", data_testid="board-title"),
                            rx.text(
                                counted(BoardState.total, "application"),
                                rx.cond(BoardState.search != "", " matching “" + BoardState.search + "”", ""),
                                rx.cond(
                                    BoardState.job_takes_applications,
                                    "",
                                    " · not taking applications (" + BoardState.job_status + ")",
                                ),
                                size="2",
                                color_scheme="gray",
                            ),
                            spacing="1",
                        ),
                        rx.input(
                            rx.input.slot(rx.icon("search", size=16)),
                            placeholder="Search name or email",
                            value=BoardState.search,
                            on_change=BoardState.set_search.debounce(300),
                            width=["100%", "280px"],
                            data_testid="board-search",
                        ),
                        view_switch(BoardState.job_id, "board"),
                        justify="between",
                        align="end",
                        width="100%",
                        wrap="wrap",
                        spacing="3",
                    ),
                    rx.cond(
                        BoardState.can_move,
                        rx.text(
                            "Drag a card to another column, or use its ⋮ menu. Tick cards to act on many at "
                            "once. Keys: j and k move between cards, x selects, a advances, r rejects; ",
                            rx.el.button(
                                "press ? for all of them",
                                type="button",
                                on_click=BoardState.set_help_open(True),
                                class_name="ft-inline-link",
                                data_testid="open-shortcuts",
                            ),
                            ".",
                            size="1",
                            color_scheme="gray",
                        ),
                        rx.callout(
                            "Read-only: hiring managers follow the board while recruiters move the cards, "
                            "so nothing here drags. Open a card's name to read the application, its "
                            "résumé, notes and interviews.",
                            icon="eye",
                            size="1",
                            color_scheme="gray",
                            data_testid="board-read-only",
                        ),
                    ),
                    rx.cond(
                        (BoardState.search != "") & (BoardState.total == 0),
                        empty_block(
                            "search_x",
                            "No application matches “" + BoardState.search + "”",
                            "Search looks in names, emails and résumé text.",
                        ),
                        rx.fragment(stage_tabs(), board_view()),
                    ),
                    rx.cond(BoardState.can_move, bulk_bar(BoardState)),
                    spacing="3",
                    width="100%",
                    min_width="0",
                ),
            ),
        ),
        history_drawer(),
        ask_dialog(),
        help_dialog(),
        bulk_dialogs(BoardState),
        keys(),
        max_width="1700px",
    )
