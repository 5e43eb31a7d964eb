"""Staff jobs page: the company's jobs with counts; post, edit, close, reopen; invite staff."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components import job_details
from flowtrack_ui.components.board import stage_badge
from flowtrack_ui.components.forms import NATIVE_FIELD_STYLE, error_callout, field, form_dialog, label
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.components.markdown_view import plain_link
from flowtrack_ui.state.jobs import (
    QUESTION_KIND_LABELS,
    STAGE_CATEGORY_LABELS,
    STAGE_DELAYS,
    EditorQuestion,
    EditorStage,
    JobRow,
    StaffJobsState,
    StageEmailOption,
    TemplateOption,
)


def _knockout_box(q: ObjectVar[EditorQuestion], answer, shown, index) -> rx.Component:
    box_id = "qdq_" + q.key.to_string() + "_" + index.to_string()
    return rx.hstack(
        rx.checkbox(
            id=box_id,
            checked=q.disqualifying.contains(answer),
            on_change=lambda on: StaffJobsState.toggle_disqualifying(q.key, answer, on),
            color_scheme="red",
            data_testid="knockout-answer",
            data_answer=answer,
        ),
        label(shown, html_for=box_id, size="1", weight="regular"),
        align="center",
        spacing="1",
    )


def _knockouts(q: ObjectVar[EditorQuestion], answers, shown: list[str] | None = None) -> rx.Component:
    """Which answers reject the applicant at once ("Did not meet requirements"); at least one
    answer must not."""
    return rx.hstack(
        rx.text("Disqualifying answers:", size="1", color_scheme="gray"),
        rx.foreach(
            answers,
            lambda answer, i: _knockout_box(
                q, answer, answer if shown is None else rx.cond(answer == "yes", shown[0], shown[1]), i
            ),
        ),
        rx.cond(
            q.disqualifying.length() > 0,
            rx.badge("Knockout", color_scheme="red", variant="soft", size="1"),
        ),
        wrap="wrap",
        spacing="3",
        align="center",
        role="group",
        aria_label="Disqualifying answers",
        data_testid="knockouts",
    )


def _question_editor(q: ObjectVar[EditorQuestion]) -> rx.Component:
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
                    on_blur=lambda text: StaffJobsState.set_question_choices(q.key, text),
                    rows="3",
                    placeholder="One choice per line",
                    width="100%",
                    aria_label="Choices",
                    data_testid="question-choices",
                ),
            ),
            rx.match(
                q.kind,
                ("yes_no", _knockouts(q, rx.Var.create(["yes", "no"]), ["Yes", "No"])),
                ("single_choice", _knockouts(q, q.choice_list)),
                rx.fragment(),
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


_SMALL_SELECT = NATIVE_FIELD_STYLE | {"fontSize": "13px", "padding": "2px 6px", "minWidth": "0"}


def _email_option(o: ObjectVar[StageEmailOption], kind) -> rx.Component:
    return rx.cond(o.kind == kind, rx.el.option("Email: " + o.name, value=o.id), rx.fragment())


def _stage_automation(st: ObjectVar[EditorStage], index) -> rx.Component:
    """What entering the stage does: the name candidates read, and whether, from which template,
    when and in which hours it emails them. Wraps onto several lines on a phone."""
    n = (index + 1).to_string()
    return rx.flex(
        rx.text("Candidates see", size="1", color_scheme="gray", as_="span"),
        rx.input(
            default_value=st.public_name,
            placeholder=st.public_default,
            on_blur=lambda v: StaffJobsState.set_stage_public_name(st.key, v),
            max_length=40,
            title="The stage's name in candidates' emails and tracker; empty: its category's",
            aria_label="Name candidates see for stage " + n,
            size="1",
            width=["auto", "150px"],
            flex=["1", "none"],
            min_width="0",
            data_testid="stage-public-name",
        ),
        rx.cond(
            st.kind != "",
            rx.el.select(
                rx.el.option("No email", value="off"),
                rx.el.option("Email: default template", value="default"),
                rx.foreach(StaffJobsState.stage_email_options, lambda o: _email_option(o, st.kind)),
                value=st.email,
                on_change=lambda v: StaffJobsState.set_stage_email(st.key, v),
                aria_label="Email the candidate on entering stage " + n,
                style=_SMALL_SELECT | {"maxWidth": "100%"},
                data_testid="stage-email",
            ),
        ),
        rx.cond(
            (st.kind != "") & (st.email != "off"),
            rx.fragment(
                rx.el.select(
                    *[rx.el.option(label, value=value) for value, label in STAGE_DELAYS.items()],
                    value=st.delay,
                    on_change=lambda v: StaffJobsState.set_stage_delay(st.key, v),
                    aria_label="When the email to the candidate leaves, stage " + n,
                    style=_SMALL_SELECT,
                    data_testid="stage-delay",
                ),
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        checked=st.business,
                        on_change=lambda v: StaffJobsState.set_stage_business(st.key, v),
                        data_testid="stage-business-hours",
                    ),
                    "business hours",
                    title="Only Monday to Friday, 09:00–17:00 in " + StaffJobsState.business_zone,
                    style={"display": "flex", "gap": "4px", "alignItems": "center", "fontSize": "13px"},
                ),
            ),
        ),
        gap="2",
        wrap="wrap",
        align="center",
        width="100%",
        padding_left=["0", "8px"],
        data_testid="stage-automation",
    )


def _stage_editor(st: ObjectVar[EditorStage], index) -> rx.Component:
    """One stage: its name, its category (fixed for the applied and final stages), order, remove;
    below, what entering it does for the candidate."""
    return rx.vstack(
        _stage_line(st, index),
        _stage_automation(st, index),
        key=st.key,
        spacing="1",
        width="100%",
        padding_bottom="6px",
        border_bottom="1px solid var(--gray-a4)",
    )


def _stage_line(st: ObjectVar[EditorStage], index) -> rx.Component:
    fixed = st.fixed
    return rx.hstack(
        rx.input(
            default_value=st.name,
            on_blur=lambda v: StaffJobsState.set_stage_name(st.key, v),
            max_length=40,
            placeholder="Stage name",
            aria_label="Name of stage " + (index + 1).to_string(),
            size="2",
            flex="1",
            min_width="0",
            data_testid="stage-name",
        ),
        rx.cond(
            fixed,
            rx.badge(st.category, variant="soft", color_scheme="gray", size="2", min_width="96px"),
            rx.el.select(
                *[rx.el.option(label, value=value) for value, label in STAGE_CATEGORY_LABELS.items()],
                value=st.category,
                on_change=lambda v: StaffJobsState.set_stage_category(st.key, v),
                aria_label="Category of stage " + (index + 1).to_string(),
                style=NATIVE_FIELD_STYLE | {"minWidth": "96px"},
                data_testid="stage-category",
            ),
        ),
        rx.cond(
            st.terminal,
            rx.box(width="64px", flex_shrink="0"),
            rx.input(
                default_value=st.target_days,
                on_blur=lambda v: StaffJobsState.set_stage_target(st.key, v),
                type="number",
                min=1,
                max=365,
                placeholder="days",
                title="Target days in this stage: applications waiting longer show on My work",
                aria_label="Target days in stage " + (index + 1).to_string(),
                size="2",
                width="64px",
                flex_shrink="0",
                data_testid="stage-target",
            ),
        ),
        rx.icon_button(
            rx.icon("arrow-up", size=14),
            type="button",
            variant="ghost",
            size="1",
            disabled=fixed | (index <= 1),
            on_click=StaffJobsState.move_stage_row(st.key, -1),
            aria_label="Move stage up",
        ),
        rx.icon_button(
            rx.icon("arrow-down", size=14),
            type="button",
            variant="ghost",
            size="1",
            disabled=fixed,
            on_click=StaffJobsState.move_stage_row(st.key, 1),
            aria_label="Move stage down",
        ),
        rx.icon_button(
            rx.icon("trash-2", size=14),
            type="button",
            variant="ghost",
            color_scheme="red",
            size="1",
            disabled=fixed,
            on_click=StaffJobsState.remove_stage_row(st.key),
            aria_label="Remove stage",
            data_testid="stage-remove",
        ),
        key=st.key,
        align="center",
        width="100%",
        spacing="2",
        data_testid="stage-row",
    )


def _template_option(t: ObjectVar[TemplateOption]) -> rx.Component:
    return rx.el.option(t.name + " — " + t.summary, value=t.id)


def _pipeline_editor() -> rx.Component:
    return rx.vstack(
        rx.text("Pipeline", size="2", weight="medium"),
        rx.text(
            "Days: how long an application should wait in a stage at most (optional); "
            "those waiting longer show on My work. Below each stage: the name candidates see, and "
            "whether entering it emails them (business hours: Monday to Friday, 09:00–17:00, "
            + StaffJobsState.business_zone
            + ").",
            size="1",
            color_scheme="gray",
        ),
        rx.hstack(
            label("Start from", html_for="pipeline-template", size="1", weight="regular"),
            rx.el.select(
                rx.el.option("Choose a template…", value="", disabled=True),
                rx.foreach(StaffJobsState.template_options, _template_option),
                id="pipeline-template",
                value=StaffJobsState.chosen_template,
                on_change=StaffJobsState.choose_template,
                style=NATIVE_FIELD_STYLE
                | {"flex": "1", "minWidth": "0", "width": "100%", "maxWidth": "100%"},
                data_testid="pipeline-template",
            ),
            align="center",
            width="100%",
        ),
        rx.foreach(StaffJobsState.editor_stages, _stage_editor),
        rx.button(
            rx.icon("plus", size=14),
            "Add a stage",
            type="button",
            variant="soft",
            size="1",
            on_click=StaffJobsState.add_stage,
            data_testid="add-stage",
        ),
        spacing="2",
        width="100%",
        data_testid="pipeline-editor",
    )


def _save_template_form() -> rx.Component:
    """A second form beside the job's: keep the stages above as a company template."""
    return rx.form(
        rx.hstack(
            rx.input(
                name="template_name",
                placeholder="Template name",
                max_length=80,
                aria_label="Template name",
                size="1",
                flex="1",
                data_testid="template-name",
            ),
            rx.button(
                "Save stages as a template",
                type="submit",
                variant="soft",
                size="1",
                data_testid="save-template",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            StaffJobsState.template_message != "",
            rx.text(StaffJobsState.template_message, color_scheme="red", size="1", role="alert"),
        ),
        on_submit=StaffJobsState.save_template,
        reset_on_submit=True,
        width="100%",
        padding_top="2",
    )


def reasons_dialog() -> rx.Component:
    return form_dialog(
        "Rejection reasons",
        rx.text_area(
            name="reasons",
            default_value=StaffJobsState.reasons_text,
            rows="8",
            width="100%",
            aria_label="Rejection reasons, one per line",
            data_testid="reasons-text",
        ),
        error_callout(StaffJobsState.reasons_error),
        description="The standard reasons your team picks from when rejecting, one per line. "
        "Reports count them; candidates never see them.",
        on_submit=StaffJobsState.save_reasons,
        open=StaffJobsState.reasons_open,
        on_open_change=StaffJobsState.set_reasons_open,
        submit_label="Save",
        submit_test_id="reasons-save",
        key=StaffJobsState.reasons_text,
        max_width="480px",
    )


def job_editor() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(StaffJobsState.editing_id == 0, "Post a job", "Edit job")),
            rx.form(
                rx.vstack(
                    job_details.text_field(
                        "Title",
                        "title",
                        default_value=StaffJobsState.form_title,
                        required=True,
                        max_length=200,
                        data_testid="job-title",
                    ),
                    job_details.status_field(),
                    job_details.text_field(
                        "Location",
                        "location",
                        default_value=StaffJobsState.form_location,
                        max_length=200,
                        placeholder="e.g. Berlin, or Remote",
                    ),
                    job_details.about_the_job(),
                    job_details.salary(),
                    job_details.description(),
                    job_details.posting(),
                    _pipeline_editor(),
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
            _save_template_form(),
            max_width="600px",
        ),
        open=StaffJobsState.editor_open,
        on_open_change=StaffJobsState.set_editor_open,
    )


def close_job_dialog() -> rx.Component:
    """Closing asks first, naming the job and what closing does (and that it can be undone)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Close “" + StaffJobsState.close_title + "”?"),
            rx.alert_dialog.description(
                "It stops taking applications and leaves your careers site. What is on its board ("
                + StaffJobsState.close_total
                + ") stays there to move on as before, and you can reopen the job later.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it open", variant="soft", color_scheme="gray")),
                rx.button(
                    "Close job",
                    color_scheme="red",
                    high_contrast=True,
                    on_click=StaffJobsState.confirm_close,
                    data_testid="confirm-close-job",
                ),
                justify="end",
                spacing="3",
                margin_top="12px",
            ),
            data_testid="close-job-dialog",
        ),
        open=StaffJobsState.close_id != 0,
        on_open_change=StaffJobsState.cancel_close,
    )


def invite_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Invite a colleague"),
            rx.dialog.description("They get a link to create their account in your company.", size="2"),
            rx.form(
                rx.vstack(
                    field("Email", "email", "email", required=True),
                    label("Role", html_for="invite-role"),
                    rx.select.root(
                        rx.select.trigger(
                            placeholder="Role", width="100%", id="invite-role", aria_label="Role"
                        ),
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


def job_row(row: ObjectVar[JobRow]) -> rx.Component:
    href = "/board?job=" + row.id.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.link(rx.heading(row.title, size="4"), href=href, data_testid="job-link"),
                    rx.text(
                        rx.cond(row.location != "", row.location + " · ", ""),
                        "Posted " + row.posted + " · " + row.total_label,
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.cond(row.summary != "", rx.text(row.summary, size="2", color_scheme="gray")),
                    spacing="1",
                ),
                rx.hstack(
                    rx.badge(
                        row.status_label,
                        color_scheme=row.status_color,
                        data_testid="job-status",
                        data_status=row.status,
                    ),
                    rx.cond(
                        row.public_url != "",
                        # The careers site is served by the server, not the app: a plain link.
                        plain_link(
                            rx.icon("external-link", size=14),
                            "Job page",
                            href=row.public_url,
                            test_id="job-public-link",
                            aria_label="Job page of " + row.title,
                        ),
                    ),
                    rx.button("Edit", size="1", variant="soft", on_click=StaffJobsState.edit_job(row.id)),
                    rx.cond(
                        row.next_status != "",
                        rx.button(
                            row.next_label,
                            size="1",
                            variant="soft",
                            color_scheme="gray",
                            on_click=StaffJobsState.set_status(row.id, row.next_status),
                            data_testid="job-next-status",
                        ),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                justify="between",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            rx.hstack(
                rx.foreach(
                    row.counts,
                    lambda c: rx.hstack(
                        stage_badge(c.stage, c.category),
                        rx.text(c.count, size="2"),
                        spacing="1",
                        align="center",
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
                    rx.icon("list-x", size=16),
                    "Rejection reasons",
                    variant="soft",
                    on_click=StaffJobsState.open_reasons,
                    data_testid="open-reasons",
                ),
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
                wrap="wrap",
            ),
            justify="between",
            align="center",
            width="100%",
            padding_bottom="4",
            wrap="wrap",
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
        close_job_dialog(),
        invite_dialog(),
        reasons_dialog(),
    )
