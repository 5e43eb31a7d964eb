"""Staff jobs page: the company's jobs with counts; post, edit, close, reopen; invite staff."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.board import stage_badge
from flowtrack_ui.components.forms import error_callout, field, label
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.state.board import STAGE_NAMES
from flowtrack_ui.state.jobs import QUESTION_KIND_LABELS, EditorQuestion, JobRow, StaffJobsState


def _question_editor(q: EditorQuestion) -> rx.Component:
    prompt_id = "qprompt_" + q.key.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(aria_label="Kind of question"),
                    rx.select.content(
                        *[rx.select.item(label, value=kind) for kind, label in QUESTION_KIND_LABELS.items()]
                    ),
                    name="qkind_" + q.key.to_string(),
                    default_value=q.kind,
                    on_change=lambda kind: StaffJobsState.set_question_kind(q.key, kind),
                    size="1",
                ),
                rx.hstack(
                    rx.checkbox(
                        name="qrequired_" + q.key.to_string(),
                        default_checked=q.required,
                        id="qrequired_" + q.key.to_string(),
                    ),
                    label("Required", html_for="qrequired_" + q.key.to_string(), size="1", weight="regular"),
                    align="center",
                    spacing="1",
                ),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    variant="ghost",
                    color_scheme="red",
                    size="1",
                    type="button",
                    on_click=StaffJobsState.remove_question(q.key),
                    aria_label="Remove this question",
                ),
                align="center",
                width="100%",
            ),
            rx.input(
                name=prompt_id,
                default_value=q.prompt,
                placeholder="The question",
                max_length=300,
                width="100%",
                aria_label="Question",
                data_testid="question-prompt",
            ),
            rx.cond(
                q.kind == "single_choice",
                rx.text_area(
                    name="qchoices_" + q.key.to_string(),
                    default_value=q.choices,
                    rows="3",
                    placeholder="One choice per line",
                    width="100%",
                    aria_label="Choices",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        key=q.key,
        size="1",
        width="100%",
        data_testid="question-editor",
    )


def _questions_editor() -> rx.Component:
    return rx.vstack(
        rx.text("Screening questions", size="2", weight="medium"),
        rx.foreach(StaffJobsState.editor_questions, _question_editor),
        rx.hstack(
            *[
                rx.button(
                    rx.icon("plus", size=14),
                    label,
                    type="button",
                    variant="soft",
                    size="1",
                    on_click=StaffJobsState.add_question(kind),
                    data_testid="add-question-" + kind,
                )
                for kind, label in QUESTION_KIND_LABELS.items()
            ],
            wrap="wrap",
            spacing="2",
        ),
        spacing="2",
        width="100%",
    )


def job_editor() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(StaffJobsState.editing_id == 0, "Post a job", "Edit job")),
            rx.form(
                rx.vstack(
                    field(
                        "Title",
                        "title",
                        default_value=StaffJobsState.form_title,
                        required=True,
                        max_length=200,
                        data_testid="job-title",
                    ),
                    field(
                        "Location",
                        "location",
                        default_value=StaffJobsState.form_location,
                        max_length=200,
                        placeholder="e.g. Remote, Berlin",
                    ),
                    rx.vstack(
                        label("Description", html_for="description"),
                        rx.text_area(
                            name="description",
                            id="description",
                            default_value=StaffJobsState.form_description,
                            rows="6",
                            width="100%",
                            max_length=10000,
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    _questions_editor(),
                    rx.vstack(
                        label(
                            "Scorecard criteria (one per line; interviewers rate each 1–4)",
                            html_for="criteria",
                        ),
                        rx.text_area(
                            name="criteria",
                            id="criteria",
                            default_value=StaffJobsState.form_criteria,
                            rows="3",
                            width="100%",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    error_callout(StaffJobsState.form_error),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save", type="submit", data_testid="job-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=StaffJobsState.save_job,
                key=StaffJobsState.editing_id,
            ),
            max_width="560px",
        ),
        open=StaffJobsState.editor_open,
        on_open_change=StaffJobsState.set_editor_open,
    )


def invite_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Invite a colleague"),
            rx.dialog.description("They get a link to create their account in your company.", size="2"),
            rx.form(
                rx.vstack(
                    field("Email", "email", "email", required=True),
                    rx.select.root(
                        rx.select.trigger(placeholder="Role", width="100%"),
                        rx.select.content(
                            rx.select.item("Recruiter", value="recruiter"),
                            rx.select.item("Hiring manager", value="hiring_manager"),
                        ),
                        name="role",
                        default_value="recruiter",
                    ),
                    error_callout(StaffJobsState.invite_error),
                    rx.cond(
                        StaffJobsState.invite_link != "",
                        rx.vstack(
                            rx.text("Send this link (valid for 7 days):", size="2"),
                            rx.code(
                                StaffJobsState.invite_link,
                                data_testid="invite-link",
                                style={"wordBreak": "break-all"},
                            ),
                            spacing="1",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Close", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Create invitation", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    padding_top="2",
                ),
                on_submit=StaffJobsState.invite,
            ),
            max_width="480px",
        ),
        open=StaffJobsState.invite_open,
        on_open_change=StaffJobsState.set_invite_open,
    )


def job_row(row: JobRow) -> rx.Component:
    href = "/board?job=" + row.id.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.link(rx.heading(row.title, size="4"), href=href, data_testid="job-link"),
                    rx.text(
                        rx.cond(row.location != "", row.location + " · ", ""),
                        "Posted " + row.posted + " · " + row.total.to_string() + " applications",
                        size="2",
                        color_scheme="gray",
                    ),
                    spacing="1",
                ),
                rx.hstack(
                    rx.badge(row.status, color_scheme=rx.cond(row.status == "open", "green", "gray")),
                    rx.button("Edit", size="1", variant="soft", on_click=StaffJobsState.edit_job(row.id)),
                    rx.cond(
                        row.status == "open",
                        rx.button(
                            "Close",
                            size="1",
                            variant="soft",
                            color_scheme="gray",
                            on_click=StaffJobsState.set_status(row.id, "closed"),
                        ),
                        rx.button(
                            "Reopen",
                            size="1",
                            variant="soft",
                            on_click=StaffJobsState.set_status(row.id, "open"),
                        ),
                    ),
                    spacing="2",
                    align="center",
                ),
                justify="between",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            rx.hstack(
                rx.foreach(
                    STAGE_NAMES,
                    lambda stage, i: rx.hstack(
                        stage_badge(stage), rx.text(row.counts[i], size="2"), spacing="1", align="center"
                    ),
                ),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="job-row",
    )


def jobs_page() -> rx.Component:
    return page(
        rx.hstack(
            rx.heading("Jobs", size="7"),
            rx.hstack(
                rx.button(
                    rx.icon("user_plus", size=16),
                    "Invite",
                    variant="soft",
                    on_click=StaffJobsState.open_invite,
                ),
                rx.button(
                    rx.icon("plus", size=16),
                    "Post a job",
                    on_click=StaffJobsState.new_job,
                    data_testid="new-job",
                ),
                spacing="2",
            ),
            justify="between",
            align="center",
            width="100%",
            padding_bottom="4",
        ),
        rx.cond(
            StaffJobsState.loading,
            loading_block(),
            rx.cond(
                StaffJobsState.rows.length() == 0,
                empty_block(
                    "briefcase", "No jobs yet", "Post your first job to start receiving applications."
                ),
                rx.vstack(rx.foreach(StaffJobsState.rows, job_row), spacing="3", width="100%"),
            ),
        ),
        job_editor(),
        invite_dialog(),
    )
