"""The candidate's pages: open jobs, one job with Apply, and "My applications"."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.board import stage_badge
from flowtrack_ui.components.forms import error_callout, label
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.state.jobs import CareersState, JobRow, QuestionRow
from flowtrack_ui.state.tracker import (
    StepRow,
    TimelineRow,
    TrackedApplication,
    TrackerState,
    UpcomingInterview,
)


def open_job_card(row: JobRow) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.heading(row.title, size="4"),
                rx.text(
                    row.company_name,
                    rx.cond(row.location != "", " · " + row.location, ""),
                    size="2",
                    color_scheme="gray",
                ),
                rx.text("Posted " + row.posted, size="1", color_scheme="gray"),
                spacing="1",
            ),
            width="100%",
        ),
        href="/careers/job?id=" + row.id.to_string(),
        underline="none",
        width="100%",
        data_testid="open-job",
    )


def careers_page() -> rx.Component:
    return page(
        rx.hstack(
            rx.heading("Open jobs", size="7"),
            rx.input(
                placeholder="Search title, company or place",
                value=CareersState.search,
                on_change=CareersState.set_search.debounce(300),
                width=["100%", "300px"],
            ),
            justify="between",
            width="100%",
            wrap="wrap",
            padding_bottom="4",
        ),
        rx.cond(
            CareersState.loading,
            loading_block(),
            rx.cond(
                CareersState.rows.length() == 0,
                empty_block("briefcase", "No open jobs right now", "Check back soon."),
                rx.grid(
                    rx.foreach(CareersState.rows, open_job_card),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
            ),
        ),
    )


def _question_field(q: QuestionRow) -> rx.Component:
    """One screening question; its error (a missing required answer) shows right beside it."""
    prompt = label(
        q.prompt,
        rx.cond(q.required, rx.el.span(" *", style={"color": "var(--red-11)"}, aria_hidden="true"), ""),
        html_for=q.field_name,
        id=q.field_name + "-label",
    )
    control = rx.match(
        q.kind,
        (
            "long_text",
            rx.text_area(
                name=q.field_name,
                id=q.field_name,
                rows="4",
                max_length=5000,
                width="100%",
                required=q.required,
            ),
        ),
        (
            "yes_no",
            rx.radio_group.root(
                rx.hstack(
                    rx.text(
                        rx.hstack(rx.radio_group.item(value="yes"), "Yes", spacing="2", align="center"),
                        as_="label",
                        size="2",
                    ),
                    rx.text(
                        rx.hstack(rx.radio_group.item(value="no"), "No", spacing="2", align="center"),
                        as_="label",
                        size="2",
                    ),
                    spacing="4",
                    align="center",
                ),
                name=q.field_name,
                aria_labelledby=q.field_name + "-label",
            ),
        ),
        (
            "single_choice",
            rx.select.root(
                rx.select.trigger(
                    placeholder="Choose one",
                    aria_labelledby=q.field_name + "-label",
                    id=q.field_name,
                    width="100%",
                ),
                rx.select.content(rx.foreach(q.choices, lambda c: rx.select.item(c, value=c))),
                name=q.field_name,
            ),
        ),
        rx.input(name=q.field_name, id=q.field_name, max_length=300, width="100%", required=q.required),
    )
    return rx.vstack(
        prompt,
        control,
        rx.cond(
            q.error != "",
            rx.text(q.error, color_scheme="red", size="2", role="alert", data_testid="question-error"),
        ),
        spacing="1",
        width="100%",
        data_testid="question",
    )


def apply_form() -> rx.Component:
    """Applying: the profile and résumé as they are now, a cover letter, the job's questions."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Apply", size="4", as_="h2"),
                rx.hstack(
                    rx.icon(rx.cond(CareersState.my_resume != "", "file-check", "file-x"), size=18),
                    rx.cond(
                        CareersState.my_resume != "",
                        rx.text(
                            "Your résumé ",
                            rx.text.span(CareersState.my_resume, weight="bold"),
                            " is sent with this application.",
                            size="2",
                        ),
                        rx.text("You have no résumé on your profile yet.", size="2"),
                    ),
                    rx.link("Edit profile and résumé", href="/profile", size="2"),
                    align="center",
                    wrap="wrap",
                    spacing="2",
                    data_testid="apply-resume",
                ),
                rx.foreach(CareersState.questions, _question_field),
                label("Cover letter (optional)", html_for="cover_letter"),
                rx.text_area(
                    name="cover_letter", id="cover_letter", rows="6", max_length=10000, width="100%"
                ),
                error_callout(CareersState.apply_error),
                rx.button("Send application", type="submit", size="3", data_testid="apply"),
                spacing="3",
                width="100%",
            ),
            on_submit=CareersState.submit_application,
            reset_on_submit=False,
        ),
        width="100%",
    )


def job_detail_page() -> rx.Component:
    job = CareersState.job
    return page(
        rx.cond(
            CareersState.job_error != "",
            empty_block("search_x", CareersState.job_error, rx.link("See open jobs", href="/careers")),
            rx.vstack(
                rx.link("← Open jobs", href="/careers", size="2"),
                rx.heading(job.title, size="7", data_testid="job-title"),
                rx.text(
                    job.company_name,
                    rx.cond(job.location != "", " · " + job.location, ""),
                    color_scheme="gray",
                ),
                rx.text(job.description, white_space="pre-wrap"),
                rx.cond(
                    CareersState.applied,
                    rx.callout(
                        "You have applied to this job. Follow it in My applications.",
                        icon="check",
                        color_scheme="green",
                        high_contrast=True,
                        data_testid="applied-note",
                    ),
                    rx.cond(
                        CareersState.role == "candidate",
                        apply_form(),
                        rx.cond(
                            CareersState.signed_in,
                            rx.text("Only candidates can apply.", color_scheme="gray"),
                            rx.button(
                                "Sign in to apply",
                                size="3",
                                on_click=CareersState.apply,
                                data_testid="sign-in-to-apply",
                            ),
                        ),
                    ),
                ),
                spacing="3",
                max_width="760px",
            ),
        ),
    )


def step(s: StepRow) -> rx.Component:
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


def timeline_row(t: TimelineRow) -> rx.Component:
    return rx.hstack(
        stage_badge(t.stage, t.category),
        rx.tooltip(rx.text(t.when, size="2", color_scheme="gray"), content=t.exact),
        spacing="2",
        align="center",
        data_testid="timeline-entry",
    )


def withdraw_button(app: TrackedApplication) -> rx.Component:
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


def tracked(app: TrackedApplication) -> rx.Component:
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


def upcoming_interview(i: UpcomingInterview) -> rx.Component:
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


def tracker_page() -> rx.Component:
    return page(
        rx.heading("My applications", size="7", padding_bottom="4"),
        rx.vstack(rx.foreach(TrackerState.upcoming, upcoming_interview), width="100%", padding_bottom="3"),
        rx.cond(
            TrackerState.loading,
            loading_block(),
            rx.cond(
                TrackerState.applications.length() == 0,
                empty_block("inbox", "No applications yet", rx.link("Browse open jobs", href="/careers")),
                rx.vstack(rx.foreach(TrackerState.applications, tracked), spacing="3", width="100%"),
            ),
        ),
    )
