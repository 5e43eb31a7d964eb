"""The bulk bar (what to do with the selected applications) and its dialogs, for any state that
mixes in ``state.bulk.BulkActions``: the board, a list of applications."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.state.bulk import BulkFailureRow, JobChoice
from flowtrack_ui.state.format import counted

from .reject_dialog import reject_dialog

_FIELD = {"width": "100%", "padding": "6px", "borderRadius": "6px", "fontSize": "14px"}
_LABEL = {"fontSize": "14px", "fontWeight": "500"}


def _failure(f: ObjectVar[BulkFailureRow]) -> rx.Component:
    return rx.el.li(
        rx.text(f.name, weight="bold", as_="span"), ": " + f.detail, data_testid="bulk-failure", data_id=f.id
    )


def bulk_summary(S: Any) -> rx.Component:
    """What the last batch did, and each application it left alone with the reason."""
    return rx.cond(
        S.bulk_summary != "",
        rx.hstack(
            rx.box(
                rx.text(S.bulk_summary, size="2", weight="medium", data_testid="bulk-summary"),
                rx.cond(
                    S.bulk_failed_heading != "",
                    rx.box(
                        rx.text(S.bulk_failed_heading, size="2", data_testid="bulk-failed-heading"),
                        rx.el.ul(
                            rx.foreach(S.bulk_failures, _failure),
                            style={"margin": "4px 0 0 18px", "fontSize": "14px", "maxHeight": "30vh"},
                            class_name="ft-bulk-failures",
                        ),
                    ),
                ),
                flex="1",
                min_width="0",
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=S.dismiss_bulk_summary,
                aria_label="Dismiss the summary",
                data_testid="bulk-dismiss",
            ),
            width="100%",
            align="start",
            data_testid="bulk-result",
        ),
    )


def _move_menu(S: Any) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                "Move to…",
                rx.icon("chevron-down", size=14),
                size="2",
                variant="soft",
                data_testid="bulk-move",
            )
        ),
        rx.menu.content(
            rx.foreach(
                S.bulk_stages,
                lambda stage: rx.menu.item(
                    stage, on_select=S.bulk_move(stage), data_testid="bulk-move-to-" + stage
                ),
            ),
            rx.cond(
                S.bulk_stages.length() == 0,
                rx.menu.item("No stage all of these can move to", disabled=True),
            ),
        ),
    )


def bulk_bar(S: Any) -> rx.Component:
    """Sticky at the bottom of the page while something is selected (or a batch's summary shows):
    the count and the actions; on a phone the buttons wrap under the count."""
    some = S.selected.length() > 0
    return rx.cond(
        some | (S.bulk_summary != ""),
        rx.box(
            bulk_summary(S),
            rx.cond(
                some,
                rx.flex(
                    rx.text(
                        S.selected.length().to_string() + " selected",
                        size="2",
                        weight="bold",
                        data_testid="bulk-count",
                    ),
                    rx.flex(
                        _move_menu(S),
                        rx.button(
                            "Reject…",
                            size="2",
                            variant="soft",
                            color_scheme="red",
                            high_contrast=True,
                            on_click=S.open_bulk_reject,
                            data_testid="bulk-reject",
                        ),
                        rx.button(
                            "Tag…", size="2", variant="soft", on_click=S.open_bulk_tag, data_testid="bulk-tag"
                        ),
                        rx.button(
                            "Email…",
                            size="2",
                            variant="soft",
                            on_click=S.open_bulk_email,
                            data_testid="bulk-email",
                        ),
                        rx.button(
                            "Add to job…",
                            size="2",
                            variant="soft",
                            on_click=S.open_bulk_add,
                            data_testid="bulk-add",
                        ),
                        rx.button(
                            "Clear",
                            size="2",
                            variant="soft",
                            color_scheme="gray",
                            on_click=S.clear_selection,
                            data_testid="bulk-clear",
                        ),
                        spacing="2",
                        wrap="wrap",
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                    justify="between",
                    width="100%",
                ),
            ),
            role="region",
            aria_label="Selected applications",
            class_name="ft-bulk-bar",
            data_testid="bulk-bar",
        ),
    )


def _error(S: Any) -> rx.Component:
    return rx.cond(
        S.bulk_error != "",
        rx.text(S.bulk_error, color_scheme="red", size="2", role="alert", data_testid="bulk-error"),
    )


def _buttons(label: Any, test_id: str, danger: bool = False) -> rx.Component:
    return rx.hstack(
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
        rx.button(
            label,
            type="submit",
            color_scheme="red" if danger else "indigo",
            high_contrast=danger,  # white on red-9 is under 4.5:1
            data_testid=test_id,
        ),
        justify="end",
        width="100%",
    )


def bulk_reject_dialog(S: Any) -> rx.Component:
    """The shared reject dialog for the selection: a reason, a template, when the candidates are
    emailed (held until then) and a note."""
    return reject_dialog(
        S,
        title="Reject " + counted(S.selected.length(), "application") + "?",
        open=S.bulk_reject_open,
        on_open_change=S.set_bulk_reject_open,
        on_submit=S.bulk_reject,
        confirm_label="Reject " + counted(S.selected.length(), "application"),
        ids="bulk-reject",
        test_ids={
            "reason": "bulk-reason",
            "note": "bulk-note",
            "days": "bulk-days",
            "confirm": "bulk-confirm-reject",
        },
        plural=True,
    )


def bulk_tag_dialog(S: Any) -> rx.Component:
    """Tags for every selected candidate, suggesting the ones the company already uses."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Tag " + counted(S.selected.length(), "candidate") + "?"),
            rx.dialog.description("Tags are your company's; candidates never see them.", size="2"),
            rx.form(
                rx.vstack(
                    rx.el.label("Tags, separated by commas", html_for="bulk-tags", style=_LABEL),
                    rx.el.input(
                        id="bulk-tags",
                        name="tags",
                        value=S.bulk_tag_draft,
                        on_change=S.set_bulk_tag_draft,
                        list="bulk-tag-list",
                        auto_complete="off",
                        data_testid="bulk-tags",
                        style=_FIELD | {"border": "1px solid var(--gray-a7)"},
                    ),
                    rx.el.datalist(
                        rx.foreach(S.bulk_tag_suggestions, lambda t: rx.el.option(value=t)),
                        id="bulk-tag-list",
                    ),
                    rx.cond(
                        S.bulk_tag_suggestions.length() > 0,
                        rx.box(
                            rx.text("Your company's tags", size="1", color_scheme="gray"),
                            rx.flex(
                                rx.foreach(
                                    S.bulk_tag_suggestions,
                                    lambda t: rx.button(
                                        t,
                                        size="1",
                                        variant="surface",
                                        type="button",
                                        on_click=S.add_tag_suggestion(t),
                                        data_testid="bulk-tag-suggestion",
                                    ),
                                ),
                                spacing="1",
                                wrap="wrap",
                                padding_top="1",
                            ),
                        ),
                    ),
                    _error(S),
                    _buttons("Add tags", "bulk-confirm-tag"),
                    spacing="3",
                    padding_top="12px",
                    align="start",
                    width="100%",
                ),
                on_submit=S.bulk_tag,
            ),
            max_width="480px",
        ),
        open=S.bulk_tag_open,
        on_open_change=S.set_bulk_tag_open,
    )


def _job_option(j: ObjectVar[JobChoice]) -> rx.Component:
    return rx.el.option(j.title, value=j.id)


def bulk_add_dialog(S: Any) -> rx.Component:
    """Another of the company's jobs taking applications, for every selected candidate."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Add " + counted(S.selected.length(), "candidate") + " to a job"),
            rx.dialog.description(
                "Each gets a new application in the job's first stage; the history says you added them.",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.cond(
                        S.bulk_jobs.length() > 0,
                        rx.vstack(
                            rx.el.label("Job", html_for="bulk-job", style=_LABEL),
                            rx.el.select(
                                rx.foreach(S.bulk_jobs, _job_option),
                                id="bulk-job",
                                name="job_id",
                                data_testid="bulk-job",
                                style=_FIELD,
                            ),
                            spacing="1",
                            width="100%",
                        ),
                        rx.text("No other job of your company is taking applications.", size="2"),
                    ),
                    _error(S),
                    _buttons("Add to job", "bulk-confirm-add"),
                    spacing="3",
                    padding_top="12px",
                    align="start",
                    width="100%",
                ),
                on_submit=S.bulk_add_form,
            ),
            max_width="480px",
        ),
        open=S.bulk_add_open,
        on_open_change=S.set_bulk_add_open,
    )


def bulk_email_dialog(S: Any) -> rx.Component:
    """One of the company's templates for every selected candidate, now or later; each email is
    filled in for its candidate and shows in their conversation."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Email " + counted(S.selected.length(), "candidate")),
            rx.dialog.description(
                "Each candidate gets the template filled in with their own name and job; replies come "
                "back into their conversation.",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.vstack(
                        rx.el.label("Template", html_for="bulk-email-template", style=_LABEL),
                        rx.el.select(
                            rx.foreach(S.bulk_email_templates, _job_option),
                            id="bulk-email-template",
                            name="template_id",
                            data_testid="bulk-email-template",
                            style=_FIELD,
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.vstack(
                        rx.el.label("When", html_for="bulk-email-when", style=_LABEL),
                        rx.el.select(
                            rx.el.option("Now", value="0"),
                            rx.el.option("In an hour", value="60"),
                            rx.el.option("Tomorrow", value="1440"),
                            rx.el.option("In two days", value="2880"),
                            id="bulk-email-when",
                            name="when",
                            data_testid="bulk-email-when",
                            style=_FIELD,
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    _error(S),
                    _buttons("Send", "bulk-confirm-email"),
                    spacing="3",
                    padding_top="12px",
                    align="start",
                    width="100%",
                ),
                on_submit=S.bulk_email,
            ),
            max_width="480px",
        ),
        open=S.bulk_email_open,
        on_open_change=S.set_bulk_email_open,
    )


def bulk_dialogs(S: Any) -> rx.Component:
    """The bar's dialogs, to place once on the page."""
    return rx.fragment(bulk_reject_dialog(S), bulk_tag_dialog(S), bulk_add_dialog(S), bulk_email_dialog(S))
