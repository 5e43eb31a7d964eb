"""The hiring manager's job overview: counts per stage of each job's own pipeline, who is where."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.board import stage_badge
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.state.board import CardRow, ColumnRow
from flowtrack_ui.state.overview import JobOverviewRow, OverviewState


def funnel(row: ObjectVar[JobOverviewRow]) -> rx.Component:
    """How many applications reached each step or beyond (from history), with the share of all."""
    return rx.recharts.bar_chart(
        rx.recharts.bar(
            rx.recharts.label_list(position="right", data_key="label", fill="var(--gray-12)"),
            data_key="value",
            name="Reached",
            is_animation_active=False,
        ),
        rx.recharts.x_axis(type_="number", hide=True, allow_decimals=False),
        rx.recharts.y_axis(data_key="stage", type_="category", width=130, tick_line=False),
        rx.recharts.graphing_tooltip(),
        data=row.funnel,
        layout="vertical",
        width="100%",
        height=180,
        margin={"top": 5, "right": 70, "left": 5, "bottom": 5},
    )


def job_card(row: ObjectVar[JobOverviewRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(
                        row.title,
                        size="4",
                        on_click=OverviewState.select(row.id),
                        cursor="pointer",
                        title="Show who is in each stage",
                    ),
                    rx.text(
                        row.total_label + " · posted " + row.posted,
                        size="2",
                        color_scheme="gray",
                    ),
                    spacing="1",
                ),
                rx.badge(row.status_label, color_scheme=row.status_color, data_testid="job-status"),
                justify="between",
                width="100%",
            ),
            rx.hstack(
                rx.foreach(
                    row.counts,
                    lambda c: rx.vstack(
                        rx.text(c.count, size="5", weight="bold"),
                        stage_badge(c.stage, c.category),
                        align="center",
                        spacing="1",
                        data_testid="count-" + c.stage,
                    ),
                ),
                spacing="4",
                wrap="wrap",
            ),
            rx.box(funnel(row), width="100%", data_testid="funnel"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="overview-job",
        data_job=row.title,
    )


def person(card: ObjectVar[CardRow]) -> rx.Component:
    return rx.box(
        rx.link(
            card.name,
            href="/application?id=" + card.id.to_string(),
            size="2",
            weight="medium",
            data_testid="overview-person",
        ),
        rx.text(card.email, size="1", color_scheme="gray"),
        padding_y="1",
        data_testid="person",
    )


def stage_list(col: ObjectVar[ColumnRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            stage_badge(col.stage, col.category), rx.text(col.count, size="2", weight="bold"), spacing="2"
        ),
        rx.foreach(col.cards, person),
        rx.cond(
            col.hidden > 0, rx.text("and " + col.hidden.to_string() + " more", size="1", color_scheme="gray")
        ),
        spacing="1",
        min_width="170px",
        flex="1",
    )


def overview_page() -> rx.Component:
    return page(
        rx.hstack(
            rx.heading("Job overview", size="7"),
            rx.link(rx.button(rx.icon("plus", size=16), "Post a job", variant="soft"), href="/jobs"),
            justify="between",
            width="100%",
            padding_bottom="4",
        ),
        rx.cond(
            OverviewState.loading,
            loading_block(),
            rx.cond(
                OverviewState.jobs.length() == 0,
                empty_block("briefcase", "No jobs yet", rx.link("Post the first one", href="/jobs")),
                rx.vstack(
                    rx.grid(
                        rx.foreach(OverviewState.jobs, job_card),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.cond(
                        OverviewState.selected_id > 0,
                        rx.card(
                            rx.heading(
                                "Who is where: " + OverviewState.selected_title, size="4", padding_bottom="3"
                            ),
                            rx.hstack(
                                rx.foreach(OverviewState.people, stage_list),
                                spacing="4",
                                wrap="wrap",
                                align="start",
                            ),
                            width="100%",
                            data_testid="pipeline-people",
                        ),
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
    )
