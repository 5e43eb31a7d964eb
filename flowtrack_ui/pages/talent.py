"""The talent pool: every candidate who ever applied to the company, searched by the database's
full-text engine, tagged, added to new jobs; and the company's privacy settings."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import NATIVE_FIELD_STYLE, native_select
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.components.talent import add_dialog, candidate_card, erase_dialog, tags_dialog
from flowtrack_ui.state.format import counted
from flowtrack_ui.state.talent import CATEGORY_OPTIONS, RETENTION_OPTIONS, TalentState


def _search_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="q",
                type="search",
                default_value=TalentState.q,
                placeholder="Skills, names, emails, notes, tags…",
                aria_label="Search candidates",
                max_length=200,
                size="3",
                flex="1",
                min_width="0",
                data_testid="pool-search",
            ),
            rx.button("Search", type="submit", size="3", data_testid="pool-search-submit"),
            width="100%",
        ),
        on_submit=TalentState.run_search,
        width="100%",
        role="search",
    )


def _filters() -> rx.Component:
    return rx.hstack(
        native_select(
            "Tag",
            "pool-tag-filter",
            TalentState.all_tags,
            TalentState.tag,
            lambda v: TalentState.set_filter("tag", v),
            first=("", "Any tag"),
        ),
        native_select(
            "Stage reached now",
            "pool-category",
            CATEGORY_OPTIONS,
            TalentState.category,
            lambda v: TalentState.set_filter("category", v),
            first=("", "Any stage"),
        ),
        native_select(
            "Job",
            "pool-job",
            TalentState.jobs,
            TalentState.job,
            lambda v: TalentState.set_filter("job", v),
            first=("", "Any job"),
        ),
        rx.vstack(
            rx.el.label("Applied since", html_for="pool-since", style={"fontSize": "13px"}),
            rx.el.input(
                type="date",
                id="pool-since",
                value=TalentState.since,
                on_change=(lambda v: TalentState.set_filter("since", v)),
                style=NATIVE_FIELD_STYLE,
                data_testid="pool-since",
            ),
            spacing="1",
        ),
        rx.cond(
            TalentState.has_filters,
            rx.button("Clear", variant="ghost", on_click=TalentState.clear, data_testid="pool-clear"),
        ),
        align="end",
        wrap="wrap",
        spacing="4",
        width="100%",
    )


def _pager() -> rx.Component:
    return rx.cond(
        TalentState.pages > 1,
        rx.hstack(
            rx.button(
                "Previous",
                variant="soft",
                disabled=TalentState.page <= 1,
                # Reflex types `NumberVar[int] - 1` as any number; the page stays an int.
                on_click=TalentState.go_to_page(TalentState.page - 1),  # type: ignore[arg-type]
                data_testid="pool-prev",
            ),
            rx.text("Page ", TalentState.page, " of ", TalentState.pages, size="2", data_testid="pool-page"),
            rx.button(
                "Next",
                variant="soft",
                disabled=TalentState.page >= TalentState.pages,
                on_click=TalentState.go_to_page(TalentState.page + 1),  # type: ignore[arg-type]
                data_testid="pool-next",
            ),
            justify="center",
            align="center",
            spacing="3",
            width="100%",
        ),
    )


def _results() -> rx.Component:
    return rx.cond(
        TalentState.loading,
        loading_block(),
        rx.cond(
            TalentState.error != "",
            rx.callout(TalentState.error, icon="triangle_alert", color_scheme="red", role="alert"),
            rx.cond(
                TalentState.rows.length() == 0,
                empty_block(
                    "users",
                    rx.cond(TalentState.has_filters, "No candidate matches", "No candidates yet"),
                    rx.cond(
                        TalentState.has_filters,
                        "Try fewer words or clear the filters. Each word must appear somewhere.",
                        "Everyone who applies to one of your jobs appears here.",
                    ),
                ),
                rx.vstack(
                    rx.foreach(TalentState.rows, candidate_card),
                    _pager(),
                    spacing="3",
                    width="100%",
                ),
            ),
        ),
    )


def _privacy() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Privacy", size="4", as_="h2"),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        "Erase rejected and withdrawn candidates after",
                        html_for="pool-retention",
                        style={"fontSize": "14px"},
                    ),
                    rx.hstack(
                        rx.el.select(
                            *[rx.el.option(label, value=value) for value, label in RETENTION_OPTIONS],
                            id="pool-retention",
                            name="months",
                            default_value=TalentState.retention_months,
                            key=TalentState.retention_months,
                            style=NATIVE_FIELD_STYLE,
                            data_testid="pool-retention",
                        ),
                        rx.button("Save", type="submit", variant="soft", data_testid="pool-retention-save"),
                        align="center",
                        spacing="3",
                    ),
                    spacing="1",
                ),
                on_submit=TalentState.save_retention,
            ),
            rx.text(
                "Counted from their last change of stage; candidates still in the running in any of your "
                "jobs are kept. Checked every hour.",
                size="2",
                color_scheme="gray",
            ),
            rx.heading("Erasure log", size="3", as_="h3"),
            rx.cond(
                TalentState.erasures.length() == 0,
                rx.text("Nobody has been erased.", size="2", color_scheme="gray"),
                rx.el.ul(
                    rx.foreach(
                        TalentState.erasures,
                        lambda e: rx.el.li(
                            rx.text(e.value, " · ", e.label, size="2"), data_testid="pool-erasure"
                        ),
                    ),
                    style={"paddingLeft": "18px", "margin": 0},
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def talent_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.vstack(
                rx.heading("Talent pool", size="6", as_="h1"),
                rx.text(
                    rx.cond(
                        TalentState.loading,
                        "Searching…",
                        counted(TalentState.total, "candidate")
                        + rx.cond(
                            TalentState.total == 1,
                            rx.cond(TalentState.has_filters, " matches", " has applied to your company"),
                            rx.cond(TalentState.has_filters, " match", " have applied to your company"),
                        ),
                    ),
                    color_scheme="gray",
                    data_testid="pool-total",
                    aria_live="polite",
                ),
                spacing="1",
            ),
            _search_form(),
            _filters(),
            _results(),
            _privacy(),
            tags_dialog(),
            add_dialog(),
            erase_dialog(),
            spacing="4",
            width="100%",
        ),
    )
