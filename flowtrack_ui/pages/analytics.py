"""Hiring analytics: where candidates are lost, how long each step takes, why we reject, where
applicants come from — for all jobs or one, over a date range."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.forms import NATIVE_FIELD_STYLE, native_select
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.state.analytics import RANGES, AnalyticsState, CountRow, DurationRow, StepRow
from flowtrack_ui.state.format import counted


def _day_input(label: str, id_: str, value, on_change) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=id_, style={"fontSize": "13px"}),
        rx.el.input(
            type="date",
            id=id_,
            value=value,
            on_change=on_change.debounce(400),
            style=NATIVE_FIELD_STYLE,
            data_testid=id_,
        ),
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.hstack(
        native_select(
            "Job",
            "analytics-job",
            AnalyticsState.jobs,
            AnalyticsState.job,
            AnalyticsState.set_job,
            first=("", "All jobs"),
            fields=("id", "title"),
        ),
        native_select(
            "Applications created",
            "analytics-range",
            list(RANGES.items()),
            AnalyticsState.range,
            AnalyticsState.set_range,
        ),
        rx.cond(
            AnalyticsState.range == "custom",
            rx.hstack(
                _day_input("From", "analytics-since", AnalyticsState.since_day, AnalyticsState.set_since_day),
                _day_input("To", "analytics-until", AnalyticsState.until_day, AnalyticsState.set_until_day),
                spacing="3",
            ),
        ),
        rx.spacer(),
        rx.button(
            rx.icon("download", size=16),
            "Export CSV",
            variant="soft",
            on_click=AnalyticsState.export_csv,
            data_testid="analytics-csv",
        ),
        align="end",
        wrap="wrap",
        spacing="4",
        width="100%",
    )


def _stat(title: str | rx.Var[str], value, hint) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(title, size="2", color_scheme="gray"),
            rx.text(value, size="6", weight="bold"),
            rx.text(hint, size="1", color_scheme="gray"),
            spacing="1",
        ),
        flex="1",
        min_width="160px",
    )


def _duration_stat(d: ObjectVar[DurationRow], one: str, many: str) -> rx.Component:
    return _stat(d.label, d.median, "median · 90th percentile " + d.p90 + " · " + counted(d.count, one, many))


def _step_row(s: ObjectVar[StepRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(s.label),
        rx.table.cell(s.reached, data_testid="funnel-reached"),
        rx.table.cell(s.percent),
        rx.table.cell(s.conversion),
    )


def _funnel() -> rx.Component:
    return rx.card(
        rx.heading("Funnel: how far applications got", size="4"),
        rx.text(
            "Applications that reached each step or beyond. Undone moves do not count; "
            "a hire counts while it stands.",
            size="2",
            color_scheme="gray",
        ),
        rx.recharts.bar_chart(
            rx.recharts.bar(
                rx.recharts.label_list(data_key="label", position="right", fill="var(--gray-12)"),
                data_key="reached",
                name="Reached",
                is_animation_active=False,
            ),
            rx.recharts.x_axis(type_="number", hide=True, allow_decimals=False),
            rx.recharts.y_axis(data_key="step", type_="category", width=90, tick_line=False),
            data=AnalyticsState.funnel_chart,
            layout="vertical",
            width="100%",
            height=230,
            margin={"top": 10, "right": 90, "left": 0, "bottom": 0},
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Step"),
                    rx.table.column_header_cell("Reached"),
                    rx.table.column_header_cell("Of all"),
                    rx.table.column_header_cell("Next step"),
                )
            ),
            rx.table.body(rx.foreach(AnalyticsState.steps, _step_row)),
            size="1",
            width="100%",
        ),
        width="100%",
        data_testid="analytics-funnel",
    )


def _stage_row(d: ObjectVar[DurationRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(d.label),
        rx.table.cell(d.median),
        rx.table.cell(d.p90),
        rx.table.cell(d.count),
    )


def _time_in_stage() -> rx.Component:
    return rx.card(
        rx.heading("Time in stage", size="4"),
        rx.text(
            "Days spent in each step, per application (stays that ended; corrections included).",
            size="2",
            color_scheme="gray",
        ),
        rx.recharts.bar_chart(
            rx.recharts.bar(
                data_key="median", name="Median (days)", fill="#3e63dd", is_animation_active=False
            ),
            rx.recharts.bar(
                data_key="p90", name="90th percentile (days)", fill="#8da4ef", is_animation_active=False
            ),
            rx.recharts.x_axis(data_key="stage"),
            rx.recharts.y_axis(allow_decimals=False, width=40),
            rx.recharts.legend(),
            rx.recharts.graphing_tooltip(),
            data=AnalyticsState.stage_chart,
            width="100%",
            height=220,
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Step"),
                    rx.table.column_header_cell("Median"),
                    rx.table.column_header_cell(rx.el.abbr("p90", title="90th percentile")),
                    rx.table.column_header_cell("Apps"),
                )
            ),
            rx.table.body(rx.foreach(AnalyticsState.stage_rows, _stage_row)),
            size="1",
            width="100%",
        ),
        width="100%",
        data_testid="analytics-time-in-stage",
    )


def _count_row(r: ObjectVar[CountRow], group: bool, extra: bool) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(r.label),
        *([rx.table.cell(r.group)] if group else []),
        rx.table.cell(r.count),
        *([rx.table.cell(r.extra)] if extra else []),
    )


def _table(
    title: str, hint: str, rows, headers: list[str], test_id: str, group: bool, extra: bool
) -> rx.Component:
    """A count table showing the row's group and extra columns only where they mean something
    (a column without a header has no name for assistive technology)."""
    return rx.card(
        rx.heading(title, size="4"),
        rx.text(hint, size="2", color_scheme="gray"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(rows, lambda r: _count_row(r, group, extra))),
            size="1",
            width="100%",
        ),
        width="100%",
        data_testid=test_id,
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _stat("Applications", AnalyticsState.applications, AnalyticsState.range_label),
            _duration_stat(AnalyticsState.hire, "hire", "hires"),
            _duration_stat(AnalyticsState.fill, "job filled", "jobs filled"),
            _stat("Offer acceptance", AnalyticsState.offer_rate, AnalyticsState.offer_rate_hint),
            _duration_stat(AnalyticsState.accept, "acceptance", "acceptances"),
            wrap="wrap",
            spacing="3",
            width="100%",
        ),
        rx.grid(
            _funnel(),
            _time_in_stage(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            _table(
                "Why we reject",
                "Applications rejected now, by the reason chosen and the step they were rejected from.",
                AnalyticsState.reasons,
                ["Reason", "From", "Applications"],
                "analytics-reasons",
                group=True,
                extra=False,
            ),
            _table(
                "Where applicants come from",
                "Recorded when each application is made; shared links carry their ?source= tag.",
                AnalyticsState.sources,
                ["Source", "Applications", "Hired"],
                "analytics-sources",
                group=False,
                extra=True,
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def analytics_page() -> rx.Component:
    return page(
        rx.heading("Hiring analytics", size="7", padding_bottom="3"),
        _filters(),
        rx.box(height="12px"),
        rx.cond(
            AnalyticsState.loading,
            loading_block(),
            rx.cond(
                AnalyticsState.error != "",
                empty_block("search_x", AnalyticsState.error),
                rx.cond(
                    AnalyticsState.applications == 0,
                    empty_block(
                        "chart-no-axes-column",
                        "No applications in this range",
                        "Choose a longer range or another job.",
                    ),
                    _report(),
                ),
            ),
        ),
        max_width="1200px",
    )
