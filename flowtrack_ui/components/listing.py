"""The list view's parts: the Board | List switch, the filter form, the table and the pager.

The table scrolls sideways inside its own box on a narrow screen, with the name column (and its
checkbox) pinned at the left, so a phone keeps who each row is while reading its other columns.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.board import stage_badge, tag_badges
from flowtrack_ui.state.listing import Choice, ListRow, PageSize, SortHeader
from flowtrack_ui.state.listing import ListState as S

_LABEL = {"fontSize": "13px", "fontWeight": "500"}
_FIELD = {
    "padding": "6px 8px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "fontSize": "14px",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
    "minWidth": "0",
    "width": "100%",
}


def view_switch(job_id: Any, current: str) -> rx.Component:
    """Board | List for one job: two links, the current one marked for screen readers."""

    def item(label: str, icon: str, href: Any, here: bool) -> rx.Component:
        return rx.link(
            rx.icon(icon, size=14, aria_hidden="true"),
            label,
            href=href,
            aria_current="page" if here else None,
            class_name="ft-view-switch-item" + (" ft-view-switch-current" if here else ""),
            data_testid="view-" + label.lower(),
        )

    return rx.el.nav(
        item("Board", "columns-3", "/board?job=" + job_id.to_string(), current == "board"),
        item("List", "list", "/list?job=" + job_id.to_string(), current == "list"),
        aria_label="View",
        class_name="ft-view-switch",
    )


def _select(name: str, label: str, value: Any, options: rx.Component, any_label: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for="list-" + name, style=_LABEL),
        rx.el.select(
            rx.el.option(any_label, value=""),
            options,
            id="list-" + name,
            name=name,
            default_value=value,
            key=value,
            style=_FIELD,
            data_testid="list-filter-" + name,
        ),
        spacing="1",
        class_name="ft-list-filter",
    )


def _choice(c: ObjectVar[Choice]) -> rx.Component:
    return rx.el.option(c.label, value=c.value)


def filters() -> rx.Component:
    """Stage, tag, source, rating, applied since and words; Apply puts them in the address.

    On a phone the form folds behind a "Filters" button that says how many are on."""
    return rx.fragment(
        rx.button(
            rx.icon("sliders-horizontal", size=16, aria_hidden="true"),
            rx.cond(S.active_filters > 0, "Filters (" + S.active_filters.to_string() + " on)", "Filters"),
            type="button",
            variant="soft",
            on_click=S.toggle_filters,
            aria_expanded=rx.cond(S.filters_open, "true", "false"),
            aria_controls="list-filters",
            class_name="ft-phone-only",
            data_testid="list-filters-toggle",
        ),
        rx.box(
            _filter_form(),
            id="list-filters",
            width="100%",
            class_name=rx.cond(S.filters_open, "ft-list-filters ft-open", "ft-list-filters"),
        ),
    )


def _filter_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.vstack(
                rx.el.label("Search", html_for="list-q", style=_LABEL),
                rx.el.input(
                    id="list-q",
                    name="q",
                    type="search",
                    default_value=S.f_text,
                    key=S.f_text,
                    placeholder="Name, email or résumé",
                    max_length=100,
                    style=_FIELD,
                    data_testid="list-filter-q",
                ),
                spacing="1",
                class_name="ft-list-filter ft-list-filter-wide",
            ),
            _select(
                "stage",
                "Stage",
                S.f_stage,
                rx.foreach(S.stage_choices, lambda st: rx.el.option(st, value=st)),
                "Any stage",
            ),
            _select(
                "tag",
                "Tag",
                S.f_tag,
                rx.foreach(S.tag_choices, lambda t: rx.el.option(t, value=t)),
                "Any tag",
            ),
            _select("source", "Source", S.f_source, rx.foreach(S.source_choices, _choice), "Any source"),
            _select("rating", "Rating", S.f_rating, rx.foreach(S.rating_choices, _choice), "Any rating"),
            rx.vstack(
                rx.el.label("Applied since", html_for="list-since", style=_LABEL),
                rx.el.input(
                    id="list-since",
                    name="since",
                    type="date",
                    default_value=S.f_since,
                    key=S.f_since,
                    style=_FIELD,
                    data_testid="list-filter-since",
                ),
                spacing="1",
                class_name="ft-list-filter",
            ),
            rx.hstack(
                rx.button("Apply", type="submit", size="2", data_testid="list-apply"),
                rx.cond(
                    S.filtered,
                    rx.button(
                        "Clear filters",
                        type="button",
                        size="2",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.clear_filters,
                        data_testid="list-clear",
                    ),
                ),
                spacing="2",
                align="end",
                class_name="ft-list-filter-actions",
            ),
            spacing="3",
            wrap="wrap",
            align="end",
            width="100%",
        ),
        on_submit=S.apply_filters,
        width="100%",
        aria_label="Filter the applications",
        role="search",
    )


def _header(h: ObjectVar[SortHeader]) -> rx.Component:
    return rx.el.th(
        rx.link(
            h.label,
            rx.el.span(h.arrow, aria_hidden="true", class_name="ft-sort-arrow"),
            href=h.href,
            class_name="ft-sort-link",
            data_testid="list-sort-" + h.key,
        ),
        aria_sort=h.aria_sort,
        scope="col",
        class_name=rx.match(h.key, ("name", "ft-list-sticky"), ("days", "ft-num"), ""),
    )


def _select_all() -> rx.Component:
    return rx.el.input(
        type="checkbox",
        checked=S.all_on_page_selected,
        read_only=True,
        on_click=S.toggle_page(~S.all_on_page_selected),
        aria_label="Select all on this page",
        class_name="ft-card-select",
        data_testid="list-select-page",
    )


def _row(r: ObjectVar[ListRow]) -> rx.Component:
    name_cell = rx.el.td(
        rx.hstack(
            rx.cond(
                S.can_select,
                rx.el.input(
                    type="checkbox",
                    checked=S.selected.contains(r.id),
                    read_only=True,
                    on_click=lambda ev: S.toggle_select(r.id, ev["shift_key"]),
                    aria_label="Select " + r.name,
                    class_name="ft-card-select",
                    data_testid="list-select",
                ),
            ),
            rx.vstack(
                rx.link(r.name, href=r.href, weight="medium", data_testid="list-name"),
                rx.cond(
                    r.email != "", rx.text(r.email, size="1", color_scheme="gray", class_name="ft-list-email")
                ),
                spacing="0",
                min_width="0",
            ),
            spacing="2",
            align="center",
        ),
        class_name="ft-list-sticky",
    )
    return rx.el.tr(
        name_cell,
        rx.el.td(stage_badge(r.stage, r.category), data_testid="list-stage"),
        rx.el.td(r.days.to_string(), class_name="ft-num", data_testid="list-days"),
        rx.el.td(r.applied, class_name="ft-nowrap", data_testid="list-applied"),
        rx.el.td(r.source, data_testid="list-source"),
        rx.el.td(tag_badges(r.tags, "list-tag")),
        rx.el.td(
            rx.cond(
                r.rating != "",
                rx.vstack(
                    rx.text(r.rating, " / 4", weight="medium", size="2", data_testid="list-rating"),
                    rx.text(r.rating_summary, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                rx.text("—", color_scheme="gray", aria_label="Not scored"),
            )
        ),
        rx.el.td(
            rx.cond(
                r.has_resume,
                rx.link(
                    rx.icon("file-text", size=16, aria_hidden="true"),
                    "Read",
                    href=r.href + "#resume",
                    aria_label="Read the résumé of " + r.name,
                    class_name="ft-list-resume",
                    data_testid="list-resume",
                ),
                rx.text("None", size="1", color_scheme="gray"),
            )
        ),
        data_testid="list-row",
        data_id=r.id,
    )


def table() -> rx.Component:
    return rx.box(
        rx.el.table(
            rx.el.caption(S.job_title + ": applications, " + S.page_label, class_name="ft-visually-hidden"),
            rx.el.thead(
                rx.el.tr(
                    rx.foreach(S.headers, _header),
                )
            ),
            rx.el.tbody(rx.foreach(S.rows, _row)),
            class_name="ft-list-table",
            data_testid="list-table",
        ),
        class_name="ft-list-scroll",
        tab_index=0,
        role="region",
        aria_label="Applications table (scrolls sideways)",
    )


def select_page_bar() -> rx.Component:
    """Above the table for recruiters: select every row of this page (the bulk bar acts on them)."""
    return rx.cond(
        S.can_select & (S.rows.length() > 0),
        rx.el.label(
            _select_all(),
            " Select all on this page",
            class_name="ft-list-select-page",
        ),
    )


def _size(size: ObjectVar[PageSize]) -> rx.Component:
    return rx.cond(
        size.current,
        rx.text(size.count, weight="bold", size="2", aria_current="true"),
        rx.link(size.count, href=size.href, size="2", data_testid="list-per-page-" + size.count),
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.cond(
            S.previous_href != "",
            rx.link("← Previous", href=S.previous_href, data_testid="list-previous"),
            rx.text("← Previous", color_scheme="gray", aria_disabled="true"),
        ),
        rx.text(S.page_label, size="2", data_testid="list-page"),
        rx.cond(
            S.next_href != "",
            rx.link("Next →", href=S.next_href, data_testid="list-next"),
            rx.text("Next →", color_scheme="gray", aria_disabled="true"),
        ),
        rx.form(
            rx.hstack(
                rx.el.input(
                    name="page",
                    type="number",
                    min="1",
                    max=S.pages.to_string(),
                    aria_label="Page number",
                    style=_FIELD | {"width": "80px"},
                    data_testid="list-page-input",
                ),
                rx.button("Go", type="submit", size="1", variant="soft"),
                spacing="1",
                align="center",
            ),
            on_submit=S.go_to_page,
        ),
        rx.hstack(
            rx.text("Rows per page:", size="2", color_scheme="gray"),
            rx.foreach(S.sizes, _size),
            spacing="2",
            align="center",
        ),
        spacing="4",
        align="center",
        wrap="wrap",
        justify="center",
        width="100%",
        aria_label="Pages",
        role="navigation",
    )
