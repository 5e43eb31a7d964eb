"""The talent pool's pieces: a candidate's result card and the dialogs to tag, add and erase."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.state.talent import PoolApp, PoolRow, SnippetPart, TalentState

from .board import stage_badge, tag_badges
from .forms import NATIVE_FIELD_STYLE, error_callout, form_dialog


def _snippet_part(part: ObjectVar[SnippetPart]) -> rx.Component:
    return rx.cond(
        part.hit,
        rx.el.mark(
            part.text, style={"background": "var(--amber-a5)", "color": "inherit", "padding": "0 1px"}
        ),
        rx.el.span(part.text),
    )


def _application(app: ObjectVar[PoolApp]) -> rx.Component:
    return rx.hstack(
        rx.link(app.job_title, href="/application?id=" + app.application_id.to_string(), size="2"),
        stage_badge(app.stage, app.category),
        rx.text("applied " + app.applied, size="1", color_scheme="gray"),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _action(icon: str, label: str, on_click, aria_label, test_id: str, color: str = "") -> rx.Component:
    """One of a result's buttons; its accessible name starts with its visible words."""
    return rx.button(
        rx.icon(icon, size=14),
        label,
        size="1",
        variant="soft",
        on_click=on_click,
        aria_label=aria_label,
        data_testid=test_id,
        **({"color_scheme": color} if color else {}),
    )


def candidate_card(row: ObjectVar[PoolRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.link(
                        rx.heading(row.name, size="4", as_="h2"),
                        href="/application?id=" + row.latest_application_id.to_string(),
                        color_scheme="gray",
                        high_contrast=True,
                        data_testid="pool-name",
                    ),
                    rx.cond(
                        row.email != "",
                        rx.text(row.email, size="2", color_scheme="gray", truncate=True, title=row.email),
                    ),
                    rx.cond(row.headline != "", rx.text(row.headline, size="2")),
                    spacing="1",
                    min_width="0",
                ),
                rx.hstack(
                    _action("tag", "Tags", TalentState.open_tags(row.id), "Tags of " + row.name, "pool-tags"),
                    _action(
                        "user-plus",
                        "Add to job",
                        TalentState.open_add(row.id),
                        "Add to job: " + row.name,
                        "pool-add",
                    ),
                    _action(
                        "trash-2",
                        "Erase",
                        TalentState.open_erase(row.id),
                        "Erase " + row.name,
                        "pool-erase",
                        "red",
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                justify="between",
                gap="3",
                direction=rx.breakpoints(initial="column", sm="row"),
                width="100%",
            ),
            tag_badges(row.tags, "pool-tag"),
            rx.cond(
                row.snippet.length() > 0,
                rx.text(
                    rx.foreach(row.snippet, _snippet_part),
                    size="2",
                    color_scheme="gray",
                    data_testid="pool-snippet",
                ),
            ),
            rx.vstack(rx.foreach(row.applications, _application), spacing="1"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="pool-candidate",
        data_name=row.name,
    )


def tags_dialog() -> rx.Component:
    return form_dialog(
        "Tags of " + TalentState.subject_name,
        rx.el.label("Tags, separated by commas", html_for="pool-tags-input", style={"fontSize": "14px"}),
        rx.input(
            id="pool-tags-input",
            name="tags",
            default_value=TalentState.tags_text,
            placeholder="python, silver medallist",
            max_length=900,
            width="100%",
            data_testid="pool-tags-input",
        ),
        rx.text(
            "Only your company sees them. Lower case; letters, digits, spaces and + # . / & -.", size="1"
        ),
        error_callout(TalentState.dialog_error),
        on_submit=TalentState.save_tags,
        open=TalentState.dialog == "tags",
        on_open_change=TalentState.close_dialog,
        submit_label="Save tags",
        submit_test_id="pool-tags-save",
        key=TalentState.subject_id,
    )


def add_dialog() -> rx.Component:
    return form_dialog(
        "Add " + TalentState.subject_name + " to a job",
        # Only the jobs the core would accept; none, and the dialog says why instead of a blank list.
        rx.cond(
            TalentState.add_jobs.length() > 0,
            rx.fragment(
                rx.el.label("Open job", html_for="pool-add-job", style={"fontSize": "14px"}),
                rx.el.select(
                    rx.foreach(TalentState.add_jobs, lambda j: rx.el.option(j.label, value=j.value)),
                    id="pool-add-job",
                    name="job_id",
                    style=NATIVE_FIELD_STYLE,
                    data_testid="pool-add-job",
                ),
            ),
        ),
        rx.text(
            "The application starts in the job's first stage, with the résumé your company last "
            "received. The candidate is told by email and can withdraw.",
            size="2",
        ),
        error_callout(TalentState.dialog_error),
        on_submit=TalentState.add_to_job,
        open=TalentState.dialog == "add",
        on_open_change=TalentState.close_dialog,
        submit_label="Add to job",
        submit_test_id="pool-add-save",
        key=TalentState.subject_id,
    )


def erase_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Erase " + TalentState.subject_name + "?"),
            rx.alert_dialog.description(
                "Their name, email, profile, résumés, answers, cover letters, tags and your notes about "
                "them are deleted for good. The stage history stays, anonymous, so reports stay true. "
                "This cannot be undone.",
                size="2",
            ),
            error_callout(TalentState.dialog_error),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.button(
                    "Erase for good",
                    color_scheme="red",
                    high_contrast=True,
                    on_click=TalentState.confirm_erase,
                    data_testid="pool-erase-confirm",
                ),
                justify="end",
                spacing="3",
                margin_top="12px",
            ),
        ),
        open=TalentState.dialog == "erase",
        on_open_change=TalentState.close_dialog,
    )
