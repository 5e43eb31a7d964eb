"""The kanban board: columns of draggable cards with checkboxes, a "Move to…" menu, the final
columns pinned at the right edge, the history drawer and the keyboard's help sheet."""

from __future__ import annotations

import reflex as rx
from reflex.constants.state import FIELD_MARKER
from reflex.vars import ObjectVar

from flowtrack_ui.state.board import BoardState, CardRow, ColumnRow, EmailRow, HistoryRow
from flowtrack_ui.state.colors import CATEGORY_COLORS

from .dnd import board_keys, kanban_board, kanban_card, kanban_column
from .reject_dialog import reject_dialog


def stage_badge(stage, category="") -> rx.Component:
    return rx.badge(
        stage,
        color_scheme=rx.match(
            category, *((c.value, col.scheme) for c, col in CATEGORY_COLORS.items()), "gray"
        ),
        variant="soft",
        high_contrast=True,
    )


def move_label(card: ObjectVar[CardRow], stage) -> rx.Component:
    """A menu item's words say what kind of move it is: corrections read as corrections, a move
    past stages as a skip."""
    return rx.match(
        card.kinds[stage],
        ("skip", rx.text("Skip to " + stage, as_="span")),
        ("back", rx.text("Back to " + stage, as_="span")),
        ("reopen", rx.text("Reopen to " + stage, as_="span")),
        ("unhire", rx.text("Undo hire: back to " + stage, as_="span")),
        ("reject", rx.text("Reject…", as_="span")),
        rx.text(stage, as_="span"),
    )


def move_menu(card: ObjectVar[CardRow]) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis_vertical", size=16),
                variant="ghost",
                size="1",
                aria_label="Move to…",
                data_testid="move-menu",
            ),
        ),
        rx.menu.content(
            rx.cond(
                BoardState.can_move,
                rx.fragment(
                    rx.text("Move to…", size="1", color_scheme="gray", padding_x="2", padding_y="1"),
                    rx.foreach(
                        card.allowed,
                        lambda stage: rx.menu.item(
                            move_label(card, stage),
                            on_select=BoardState.move(card.id, stage, card.stage),
                            color=rx.cond(card.kinds[stage] == "reject", "var(--red-11)", ""),
                            data_testid="move-to-" + stage,
                        ),
                    ),
                    rx.cond(card.allowed.length() == 0, rx.menu.item("No further moves", disabled=True)),
                    rx.menu.separator(),
                    rx.menu.item("Open timeline", on_select=BoardState.open_card(card.id)),
                ),
            ),
            rx.menu.item(
                "Open application",
                on_select=rx.redirect(card.href),
                data_testid="open-application",
            ),
        ),
    )


def tag_badges(labels, test_id: str = "tag") -> rx.Component:
    """The company's tags on a candidate, as small outlined badges."""
    return rx.cond(
        labels.length() > 0,
        rx.hstack(
            rx.foreach(
                labels,
                lambda t: rx.badge(
                    rx.icon("tag", size=10, aria_hidden="true"),
                    t,
                    size="1",
                    variant="surface",
                    color_scheme="violet",
                    high_contrast=True,
                    data_testid=test_id,
                ),
            ),
            spacing="1",
            wrap="wrap",
        ),
    )


def card_signals(card: ObjectVar[CardRow]) -> rx.Component:
    """What a recruiter scans for: the headline, tags, a résumé, the answers to yes/no questions."""
    return rx.fragment(
        rx.cond(
            card.headline != "", rx.text(card.headline, size="1", trim="both", data_testid="card-headline")
        ),
        tag_badges(card.tags, "card-tag"),
        rx.cond(
            card.has_resume | (card.knockouts.length() > 0) | (card.scorecards != ""),
            rx.hstack(
                rx.cond(
                    card.has_resume,
                    rx.link(
                        rx.icon("file-text", size=14, aria_hidden="true"),
                        href=card.href,
                        aria_label="Résumé and application of " + card.name,
                        data_testid="card-resume",
                    ),
                ),
                rx.foreach(
                    card.knockouts,
                    lambda k: rx.badge(k, size="1", variant="outline", color_scheme="gray"),
                ),
                rx.cond(
                    card.scorecards != "",
                    rx.badge(
                        rx.icon("clipboard-check", size=12),
                        card.scorecards,
                        size="1",
                        color_scheme="green",
                        data_testid="card-scorecards",
                    ),
                ),
                spacing="1",
                wrap="wrap",
                align="center",
            ),
        ),
    )


def select_box(card: ObjectVar[CardRow]) -> rx.Component:
    """The card's checkbox: a click selects it, a shift-click the range from the last one clicked."""
    return rx.el.input(
        type="checkbox",
        checked=BoardState.selected.contains(card.id),
        read_only=True,  # the state holds the selection; a click asks it
        on_click=lambda ev: BoardState.toggle_select(card.id, ev["shift_key"]),
        aria_label="Select " + card.name,
        class_name="ft-card-select",
        data_testid="card-select",
    )


def card_view(card: ObjectVar[CardRow]) -> rx.Component:
    return kanban_card(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.cond(BoardState.can_move, select_box(card)),
                    # The name opens the application; the timeline is the small clock beside it.
                    rx.link(
                        card.name,
                        href=card.href,
                        class_name="ft-card-name",
                        # Pressed and moved, the card is dragged, not the link's address.
                        draggable=False,
                        data_testid="card-name",
                    ),
                    rx.hstack(
                        rx.cond(
                            BoardState.can_move,
                            rx.icon_button(
                                rx.icon("history", size=14),
                                variant="ghost",
                                size="1",
                                color_scheme="gray",
                                on_click=BoardState.open_card(card.id),
                                aria_label="Timeline of " + card.name,
                                title="Timeline",
                                data_testid="card-timeline",
                            ),
                        ),
                        move_menu(card),
                        spacing="1",
                        margin_left="auto",
                        flex_shrink="0",
                    ),
                    align="start",
                    spacing="2",
                    width="100%",
                ),
                # No address for an erased candidate; a long one is cut short, whole in its title.
                rx.cond(
                    card.email != "",
                    rx.text(
                        card.email,
                        size="1",
                        color_scheme="gray",
                        trim="both",
                        truncate=True,
                        title=card.email,
                        max_width="100%",
                        data_testid="card-email",
                    ),
                ),
                card_signals(card),
                rx.hstack(
                    rx.text("Applied " + card.applied, size="1", color_scheme="gray"),
                    rx.text(
                        card.days.to_string() + rx.cond(card.days == 1, " day", " days") + " in stage",
                        size="1",
                        color_scheme="gray",
                    ),
                    justify="between",
                    width="100%",
                    wrap="wrap",
                ),
                spacing="1",
                width="100%",
            ),
            size="1",
            width="100%",
        ),
        card_id=card.id,
        key=card.id,
        read_only=~BoardState.can_move,
        allowed=card.allowed.join("|"),
        asks=card.asks.join("|"),
        selected=BoardState.selected.contains(card.id),
        data_advance=card.advance,
        signature=card.stage
        + "|"
        + card.days.to_string()
        + "|"
        + card.name
        + "|"
        + card.email
        + "|"
        + card.applied
        + "|"
        + card.headline
        + "|"
        + card.knockouts.join(",")
        + "|"
        + card.scorecards
        + "|"
        + card.tags.join(","),
        # Off-screen cards skip style, layout and paint until scrolled into view: a column of
        # fifty cards then costs what the visible few cost when the board re-renders.
        style={"marginBottom": "8px", "contentVisibility": "auto", "containIntrinsicSize": "auto 96px"},
        data_testid="card",
        data_name=card.name,
        aria_label=card.name + ", " + card.stage,
    )


def column_view(col: ObjectVar[ColumnRow]) -> rx.Component:
    final = col.final
    folded = BoardState.folded.contains(col.stage)
    return rx.box(
        rx.hstack(
            stage_badge(col.stage, col.category),
            rx.hstack(
                rx.text(col.count, size="2", weight="bold", color_scheme="gray", data_testid="column-count"),
                rx.cond(
                    BoardState.can_move & (col.cards.length() > 0) & ~folded,
                    rx.icon_button(
                        rx.icon("list-checks", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=BoardState.select_column(col.stage),
                        aria_label="Select all in column " + col.stage,
                        title="Select all in column",
                        data_testid="select-column",
                    ),
                ),
                rx.cond(
                    final,
                    rx.icon_button(
                        rx.icon(rx.cond(folded, "chevrons-left-right", "chevrons-right-left"), size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=BoardState.toggle_fold(col.stage),
                        aria_label=rx.cond(folded, "Unfold ", "Fold ") + col.stage,
                        aria_expanded=rx.cond(folded, "false", "true"),
                        data_testid="fold-column",
                    ),
                ),
                spacing="1",
                align="center",
            ),
            justify="between",
            align="center",
            padding_bottom="2",
            wrap="wrap",
        ),
        kanban_column(
            rx.cond(folded, rx.fragment(), rx.foreach(col.cards, card_view)),
            stage=col.stage,
            style={"minHeight": "120px", "paddingBottom": "8px", "borderRadius": "8px"},
        ),
        rx.cond(
            (col.hidden > 0) & ~folded,
            rx.button(
                "Show " + rx.cond(col.hidden > 20, "20", col.hidden.to_string()) + " more",
                variant="ghost",
                size="1",
                width="100%",
                on_click=BoardState.show_more(col.stage),
                data_testid="show-more",
            ),
        ),
        rx.cond(
            folded,
            rx.text("Drop here", size="1", color_scheme="gray", align="center", class_name="ft-drop-hint"),
        ),
        data_testid="column-" + col.stage,
        data_column_stage=col.stage,
        data_final=rx.cond(final, "true", "false"),
        data_folded=rx.cond(folded, "true", "false"),
        # A folded final column stays a slim drop target: drop a card on it without opening it.
        flex=rx.cond(folded, "0 0 104px", "0 0 260px"),
        # On a phone one column at a time fills the width; the stage tabs choose it (flowtrack.css).
        data_phone_shown=rx.cond(col.stage == BoardState.phone_stage, "true", "false"),
        padding="2",
        border_radius="10px",
        background="var(--gray-a3)",
        transition="opacity 120ms",
    )


def stage_tab(col: ObjectVar[ColumnRow]) -> rx.Component:
    selected = col.stage == BoardState.phone_stage
    return rx.el.button(
        col.stage + " · " + col.count.to_string(),
        role="tab",
        type="button",
        aria_selected=rx.cond(selected, "true", "false"),
        on_click=BoardState.show_stage(col.stage),
        data_testid="stage-tab",
        style={
            "flex": "0 0 auto",
            "padding": "8px 12px",
            "borderRadius": "999px",
            "border": "1px solid var(--gray-a7)",
            "background": rx.cond(selected, "var(--accent-9)", "var(--color-surface)"),
            "color": rx.cond(selected, "var(--accent-contrast)", "var(--gray-12)"),
            "fontSize": "14px",
            "whiteSpace": "nowrap",
        },
    )


def stage_tabs() -> rx.Component:
    """On a phone: one column at a time; these tabs (scrolling sideways) choose it."""
    return rx.box(
        rx.foreach(BoardState.columns, stage_tab),
        role="tablist",
        aria_label="Stages",
        display=["flex", "flex", "none"],
        gap="8px",
        overflow_x="auto",
        padding_bottom="4px",
        width="100%",
        data_testid="stage-tabs",
    )


def board_view() -> rx.Component:
    """The stages in progress scroll sideways inside the board (the page never does); Hired,
    Rejected and Withdrawn are pinned at its right edge, so a drop on them needs no scrolling."""
    return kanban_board(
        rx.box(
            rx.foreach(BoardState.columns, lambda col: rx.cond(col.final, rx.fragment(), column_view(col))),
            class_name="ft-board-scroll",
            data_testid="board-scroll",
        ),
        rx.box(
            rx.foreach(BoardState.columns, lambda col: rx.cond(col.final, column_view(col), rx.fragment())),
            class_name="ft-board-rail",
            role="group",
            aria_label="Final stages",
            data_testid="final-columns",
        ),
        on_move=BoardState.move,
        answered=BoardState.answered,
        patch=BoardState.board_patch,
        state_name=BoardState.get_full_name(),
        columns_key="columns" + FIELD_MARKER,
        rev_key="columns_rev" + FIELD_MARKER,
        on_stale=BoardState.refresh,
        class_name="ft-board",
        data_testid="board",
    )


def keys() -> rx.Component:
    """The keyboard shortcuts and the live region they speak through."""
    return rx.fragment(
        board_keys(on_key=BoardState.key_action, can_act=BoardState.can_move),
        rx.box(id="board-announcer", role="status", aria_live="polite", class_name="ft-visually-hidden"),
    )


# (keys, what they do, recruiters only: hiring managers' cards do not move)
SHORTCUTS = (
    (("j", "k"), "Next / previous card", False),
    (("o", "Enter"), "Open the application", False),
    (("n",), "Open the application at the note box", False),
    (("x",), "Select the card (shift-click a checkbox selects a range)", True),
    (("a",), "Advance to the next stage", True),
    (("r",), "Reject the card, or the selected cards", True),
    (("e",), "Email the card's candidate, or the selected cards' (a template)", True),
    (("Space",), "Pick the card up; arrows choose a stage; Space drops it", True),
    (("/",), "Search", False),
    (("?",), "This list", False),
)


def help_dialog() -> rx.Component:
    rows = [
        rx.table.row(
            rx.table.row_header_cell(
                *[
                    rx.fragment(rx.text(" or " if i else "", as_="span", size="1"), rx.code(k))
                    for i, k in enumerate(keys)
                ],
                white_space="nowrap",
            ),
            rx.table.cell(what),
        )
        for keys, what, _ in SHORTCUTS
    ]
    acting = [i for i, (_, _, acts) in enumerate(SHORTCUTS) if acts]
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Keyboard shortcuts"),
            rx.dialog.description(
                "They work when you are not typing in a field. Each is announced to screen readers.",
                size="2",
            ),
            rx.table.root(
                rx.table.header(
                    rx.table.row(rx.table.column_header_cell("Key"), rx.table.column_header_cell("Does"))
                ),
                rx.table.body(
                    *[
                        rx.cond(BoardState.can_move, row, rx.fragment()) if i in acting else row
                        for i, row in enumerate(rows)
                    ]
                ),
                size="1",
                data_testid="shortcuts",
            ),
            rx.flex(rx.dialog.close(rx.button("Close", variant="soft")), justify="end", padding_top="4"),
            max_width="520px",
        ),
        open=BoardState.help_open,
        on_open_change=BoardState.set_help_open,
    )


# Moves worth a word on the timeline (a plain forward move needs none).
KIND_LABELS = rx.Var.create(
    {
        "skip": "Skipped ahead",
        "back": "Correction: moved back",
        "reopen": "Reopened",
        "unhire": "Correction: hire undone",
        "undo": "Undo",
        "withdraw": "Withdrawn by the candidate",
    }
)


def history_item(entry: ObjectVar[HistoryRow]) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="10px",
            height="10px",
            border_radius="50%",
            background="var(--accent-9)",
            margin_top="6px",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.hstack(
                rx.cond(
                    entry.old_stage != "",
                    rx.hstack(stage_badge(entry.old_stage), rx.text("→"), spacing="1"),
                    rx.text("Applied as", size="2"),
                ),
                stage_badge(entry.new_stage),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                KIND_LABELS.contains(entry.kind),
                rx.badge(
                    KIND_LABELS[entry.kind],
                    size="1",
                    variant="outline",
                    color_scheme="gray",
                    data_testid="history-kind",
                ),
            ),
            rx.cond(entry.reason != "", rx.text("Reason: " + entry.reason, size="1", weight="medium")),
            rx.text(
                entry.by + " · ",
                rx.tooltip(rx.text(entry.when, as_="span"), content=entry.exact),
                size="1",
                color_scheme="gray",
            ),
            rx.text(entry.exact, size="1", color_scheme="gray"),
            rx.cond(entry.note != "", rx.blockquote(entry.note, size="1")),
            spacing="1",
        ),
        spacing="3",
        align="start",
        data_testid="history-entry",
    )


def email_item(email: ObjectVar[EmailRow]) -> rx.Component:
    return rx.hstack(
        rx.icon("mail", size=16, color="var(--gray-10)", flex_shrink="0", margin_top="2px"),
        rx.vstack(
            rx.text(email.subject, size="2"),
            rx.text(
                rx.match(
                    email.status, ("sent", "Sent "), ("failed", "Refused by the mail server "), "Queued "
                ),
                rx.tooltip(rx.text(email.when, as_="span"), content=email.exact),
                size="1",
                color_scheme=rx.match(email.status, ("failed", "red"), "gray"),
            ),
            spacing="0",
        ),
        spacing="2",
        align="start",
        data_testid="email-entry",
        data_status=email.status,
    )


def history_drawer() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(BoardState.detail_name),
            rx.dialog.description(BoardState.detail_email, size="2", color_scheme="gray"),
            rx.hstack(rx.text("Now in", size="2"), stage_badge(BoardState.detail_stage), padding_y="3"),
            rx.heading("Timeline", size="3", padding_bottom="2"),
            rx.vstack(rx.foreach(BoardState.history, history_item), spacing="4", data_testid="timeline"),
            rx.cond(
                BoardState.emails.length() > 0,
                rx.box(
                    rx.heading("Emails to the candidate", size="3", padding_top="4", padding_bottom="2"),
                    rx.vstack(rx.foreach(BoardState.emails, email_item), spacing="3", data_testid="emails"),
                ),
            ),
            rx.flex(rx.dialog.close(rx.button("Close", variant="soft")), justify="end", padding_top="4"),
            max_width="520px",
        ),
        open=BoardState.detail_open,
        on_open_change=BoardState.set_detail_open,
    )


def ask_dialog() -> rx.Component:
    """The board's dialogs before a move that asks for words: a correction's reason, and the
    shared reject dialog (reason, template, when the candidate is emailed, note)."""
    return rx.fragment(_correction_dialog(), _reject_card_dialog())


def _reject_card_dialog() -> rx.Component:
    return reject_dialog(
        BoardState,
        title="Reject " + BoardState.ask_name + "?",
        open=BoardState.reject_open,
        on_open_change=BoardState.set_reject_open,
        on_submit=BoardState.confirm_reject,
        confirm_label="Reject",
        ids="card-reject",
        test_ids={"reason": "reject-standard-reason", "note": "reject-reason", "confirm": "confirm-reject"},
    )


def _correction_dialog() -> rx.Component:
    """Before a correction (reopen, un-hire, back): a reason, required."""
    is_reject = BoardState.ask_kind == "reject"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.match(
                    BoardState.ask_kind,
                    ("reject", "Reject " + BoardState.ask_name + "?"),
                    ("reopen", "Reopen " + BoardState.ask_name + " to " + BoardState.ask_target + "?"),
                    ("unhire", "Undo the hire of " + BoardState.ask_name + "?"),
                    "Move " + BoardState.ask_name + " back to " + BoardState.ask_target + "?",
                )
            ),
            rx.dialog.description(
                rx.cond(
                    is_reject,
                    "The reason and the note are internal to your team; the candidate never sees them.",
                    "This corrects the card's stage; the history keeps both moves and your reason. "
                    "The candidate is not emailed.",
                ),
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        rx.cond(BoardState.ask_reason == "required", "Reason (required)", "Note (optional)"),
                        html_for="ask-note",
                        style={"fontSize": "14px"},
                    ),
                    rx.text_area(
                        id="ask-note",
                        name="note",
                        width="100%",
                        max_length=2000,
                        data_testid="reject-reason",
                    ),
                    rx.cond(
                        BoardState.ask_error != "",
                        rx.text(BoardState.ask_error, color_scheme="red", size="2", role="alert"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            rx.match(
                                BoardState.ask_kind,
                                ("reject", "Reject"),
                                ("reopen", "Reopen"),
                                ("unhire", "Undo hire"),
                                "Move back",
                            ),
                            color_scheme=rx.cond(is_reject, "red", "indigo"),
                            high_contrast=is_reject,  # white on red-9 is under 4.5:1
                            type="submit",
                            data_testid="confirm-reject",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    padding_top="3",
                    align="start",
                ),
                on_submit=BoardState.confirm_ask,
                reset_on_submit=True,
            ),
            max_width="460px",
        ),
        open=BoardState.ask_open,
        on_open_change=BoardState.set_ask_open,
    )
