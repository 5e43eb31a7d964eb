"""The list view of one job's applications, beside its board."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.bulk_bar import bulk_bar, bulk_dialogs
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.components.listing import filters, pager, select_page_bar, table, view_switch
from flowtrack_ui.state.listing import ListState as S


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.link("← Jobs", href="/jobs", size="2"),
            rx.heading(S.job_title, size="6", as_="h1", data_testid="list-title"),
            rx.text(S.range_label, size="2", color_scheme="gray", data_testid="list-range"),
            spacing="1",
            min_width="0",
        ),
        view_switch(S.job_id, "list"),
        justify="between",
        align="end",
        wrap="wrap",
        spacing="3",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        _header(),
        filters(),
        rx.cond(
            S.problem != "",
            rx.callout(
                "This link's filters could not be used: " + S.problem + " Showing every application.",
                icon="triangle-alert",
                color_scheme="amber",
                high_contrast=True,
                role="alert",
                width="100%",
                data_testid="list-problem",
            ),
        ),
        rx.cond(
            S.rows.length() == 0,
            empty_block(
                "search_x",
                rx.cond(S.filtered, "No application matches these filters", "No applications yet"),
                rx.cond(S.filtered, "Change or clear the filters to see more.", "Applications appear here."),
            ),
            rx.fragment(select_page_bar(), table(), pager()),
        ),
        rx.cond(S.can_select, bulk_bar(S)),
        spacing="3",
        width="100%",
        min_width="0",
    )


def list_page() -> rx.Component:
    return page(
        rx.cond(
            S.loading,
            loading_block(),
            rx.cond(
                S.not_found != "",
                empty_block("search_x", S.not_found, rx.link("Back to jobs", href="/jobs")),
                _body(),
            ),
        ),
        bulk_dialogs(S),
        max_width="1700px",
    )
