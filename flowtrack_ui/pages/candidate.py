"""The candidate's "My applications" page (open jobs and applying live on the careers site,
``flowtrack_ui/site/``, served by the server)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.board import stage_badge
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.state.tracker import (
    StepRow,
    TimelineRow,
    TrackedApplication,
    TrackedOffer,
    TrackerState,
    UpcomingInterview,
)


def step(s: ObjectVar[StepRow]) -> rx.Component:
    color = rx.match(
        s.state,
        ("done", "var(--accent-9)"),
        ("current", "var(--accent-9)"),
        ("rejected", "var(--red-9)"),
        "var(--gray-6)",
    )
    return rx.vstack(
        rx.box(height="6px", width="100%", border_radius="3px", background=color),
        rx.text(
            s.stage,
            size="1",
            weight=rx.cond(s.state == "current", "bold", "regular"),
            color=rx.cond(s.state == "todo", "var(--gray-9)", "var(--gray-12)"),
        ),
        spacing="1",
        flex="1",
        min_width="64px",
    )


def timeline_row(t: ObjectVar[TimelineRow]) -> rx.Component:
    return rx.hstack(
        stage_badge(t.stage, t.category),
        rx.tooltip(rx.text(t.when, size="2", color_scheme="gray"), content=t.exact),
        spacing="2",
        align="center",
        data_testid="timeline-entry",
    )


def withdraw_button(app: ObjectVar[TrackedApplication]) -> rx.Component:
    """Withdrawing is final, so it asks first."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Withdraw application", variant="soft", color_scheme="gray", size="2", data_testid="withdraw"
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Withdraw your application?"),
            rx.alert_dialog.description(
                "Your application for " + app.job_title + " at " + app.company_name + " will be withdrawn. "
                "The team will no longer consider it, and you cannot apply to this job again.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Withdraw",
                        color_scheme="red",
                        high_contrast=True,
                        on_click=TrackerState.withdraw(app.id),
                        data_testid="confirm-withdraw",
                    )
                ),
                justify="end",
                spacing="3",
                padding_top="3",
            ),
            max_width="440px",
        ),
    )


def tracked(app: ObjectVar[TrackedApplication]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(app.job_title, size="4"),
                    rx.text(app.company_name + " · applied " + app.applied, size="2", color_scheme="gray"),
                    spacing="1",
                ),
                rx.box(stage_badge(app.stage, app.category), data_testid="current-stage"),
                justify="between",
                width="100%",
            ),
            rx.hstack(rx.foreach(app.steps, step), spacing="2", width="100%", wrap="wrap"),
            rx.text("Timeline", size="2", weight="bold"),
            rx.vstack(rx.foreach(app.timeline, timeline_row), spacing="2"),
            rx.cond(app.can_withdraw, withdraw_button(app)),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="my-application",
        data_job=app.job_title,
    )


def upcoming_interview(i: ObjectVar[UpcomingInterview]) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("calendar")),
        rx.vstack(
            rx.text(rx.text.span("Interview: ", weight="bold"), i.job_title),
            rx.text(i.when, " · ", i.duration.to_string(), " minutes"),
            rx.cond(i.where != "", rx.text(i.where)),
            rx.cond(i.video_url != "", rx.link(i.video_url, href=i.video_url, is_external=True)),
            spacing="1",
        ),
        color_scheme="blue",
        width="100%",
        data_testid="upcoming-interview",
    )


def tracked_offer(o: ObjectVar[TrackedOffer]) -> rx.Component:
    """An offer sent to the candidate: its page (server-rendered) holds the letter and the answer."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("file-text")),
        rx.vstack(
            rx.text(rx.text.span("Offer: ", weight="bold"), o.title),
            rx.text(o.status),
            rx.el.a(
                rx.cond(o.waiting, "Read the offer and answer", "Open the offer"),
                href=o.link,
                reload_document=True,
                style={"color": "var(--accent-11)", "textDecoration": "underline"},
            ),
            spacing="1",
        ),
        color_scheme=rx.cond(o.waiting, "green", "gray"),
        width="100%",
        data_testid="tracked-offer",
    )


def tracker_page() -> rx.Component:
    return page(
        rx.heading("My applications", size="7", padding_bottom="4"),
        rx.vstack(rx.foreach(TrackerState.offers, tracked_offer), width="100%", padding_bottom="3"),
        rx.vstack(rx.foreach(TrackerState.upcoming, upcoming_interview), width="100%", padding_bottom="3"),
        rx.cond(
            TrackerState.loading,
            loading_block(),
            rx.cond(
                TrackerState.applications.length() == 0,
                empty_block(
                    "inbox",
                    "No applications yet",
                    rx.link("Browse open jobs", href="/careers", reload_document=True),
                ),
                rx.vstack(rx.foreach(TrackerState.applications, tracked), spacing="3", width="100%"),
            ),
        ),
    )
