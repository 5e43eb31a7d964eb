"""/email-templates: what FlowTrack writes to candidates in the company's name, by kind, with an
editor, the kind's variables (a click inserts one) and a live preview beside it (below on a phone)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.careers_settings import section
from flowtrack_ui.components.forms import error_callout, label, native_select
from flowtrack_ui.components.titled_page import titled_page
from flowtrack_ui.core.mail.render import MAX_BODY, MAX_SUBJECT
from flowtrack_ui.core.mail.templates import MAX_NAME
from flowtrack_ui.state.email_templates import BODY_ID, TemplateRow, VariableRow
from flowtrack_ui.state.email_templates import EmailTemplatesState as S


def _row(row: ObjectVar[TemplateRow]) -> rx.Component:
    return rx.fragment(
        rx.cond(
            row.first_of_kind,
            rx.hstack(
                rx.heading(row.kind_label, size="2", as_="h3", color_scheme="gray"),
                rx.cond(
                    S.can_edit,
                    rx.button(
                        rx.icon("plus", size=12),
                        "New",
                        size="1",
                        variant="ghost",
                        on_click=S.new(row.kind),
                        aria_label="New " + row.kind_label.lower() + " template",
                        data_testid="new-" + row.kind,
                    ),
                ),
                justify="between",
                align="center",
                width="100%",
                padding_top="8px",
            ),
        ),
        rx.el.button(
            rx.hstack(
                rx.text(row.name, size="2", weight="medium", trim="both"),
                rx.cond(row.built_in, rx.badge("built-in", color_scheme="gray", size="1")),
                rx.cond(row.is_default & ~row.built_in, rx.badge("default", color_scheme="green", size="1")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            on_click=S.open(row.key),
            class_name=rx.cond(S.selected == row.key, "ft-template-item ft-selected", "ft-template-item"),
            aria_current=rx.cond(S.selected == row.key, "true", "false"),
            type="button",
            data_testid="template-" + row.key,
            style={
                "display": "block",
                "width": "100%",
                "textAlign": "left",
                "padding": "6px 8px",
                "borderRadius": "6px",
                "border": "1px solid",
                "borderColor": rx.cond(S.selected == row.key, "var(--accent-8)", "transparent"),
                "background": rx.cond(S.selected == row.key, "var(--accent-3)", "transparent"),
                "cursor": "pointer",
                "color": "inherit",
            },
        ),
    )


def _discard_dialog() -> rx.Component:
    """Asked when another template is opened while this one has unsaved edits."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Discard your changes?"),
            rx.alert_dialog.description(
                "Your edits to “" + S.edit_name + "” are not saved. Opening another template drops them.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep editing",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.keep_editing,
                        data_testid="keep-editing",
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Discard changes",
                        color_scheme="red",
                        high_contrast=True,
                        on_click=S.discard,
                        data_testid="discard",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="12px",
            ),
        ),
        open=S.pending != "",
        on_open_change=S.discard_dialog_changed,
    )


def _list() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Templates", size="4", as_="h2"),
            _discard_dialog(),
            rx.foreach(S.rows, _row),
            spacing="1",
            width="100%",
        ),
        width="100%",
        data_testid="template-list",
    )


def _variable(v: ObjectVar[VariableRow]) -> rx.Component:
    return rx.tooltip(
        rx.button(
            v.name,
            type="button",
            size="1",
            variant="soft",
            on_click=S.insert(v.tag),
            disabled=~S.can_edit,
            aria_label="Insert " + v.name + ": " + v.description,
            data_testid="insert-" + v.name,
            style={"fontFamily": "var(--code-font-family)"},
        ),
        content=v.description,
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Delete", variant="soft", color_scheme="red", data_testid="template-delete")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete “" + S.edit_name + "”?"),
            rx.alert_dialog.description(
                "Emails already sent stay as they are. When this is the default, the next "
                + S.kind_label.lower()
                + " template (or FlowTrack's own) is used instead.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete",
                        color_scheme="red",
                        high_contrast=True,
                        on_click=S.delete,
                        data_testid="confirm-delete",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="12px",
            ),
        ),
    )


def _editor() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(S.editor_title, size="4", as_="h2", data_testid="editor-title"),
            rx.cond(
                ~S.can_edit,
                rx.callout(
                    "Only recruiters can change the email templates; you can read them and their preview.",
                    icon="info",
                    width="100%",
                    data_testid="read-only-note",
                ),
            ),
            rx.cond(
                S.edit_built_in & S.can_edit,
                rx.text(
                    "FlowTrack's own words, used until you save your own version of this kind.",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            label("Name", html_for="template-name"),
            rx.input(
                id="template-name",
                default_value=S.edit_name,
                on_change=S.set_name,
                max_length=MAX_NAME,
                disabled=~S.can_edit,
                placeholder="After screening",
                width="100%",
                data_testid="template-name",
            ),
            label("Subject", html_for="template-subject"),
            rx.input(
                id="template-subject",
                default_value=S.edit_subject,
                on_change=S.set_subject.debounce(300),
                on_blur=S.set_subject,  # at once when leaving the field (a click elsewhere comes after)
                max_length=MAX_SUBJECT,
                disabled=~S.can_edit,
                width="100%",
                data_testid="template-subject",
            ),
            label("Message", html_for=BODY_ID),
            rx.text_area(
                id=BODY_ID,
                default_value=S.edit_body,
                on_change=S.set_body.debounce(300),
                on_blur=S.set_body,
                max_length=MAX_BODY,
                disabled=~S.can_edit,
                rows="12",
                width="100%",
                aria_describedby="template-variables-hint",
                data_testid="template-body",
                style={"fontFamily": "var(--code-font-family)", "fontSize": "13px"},
            ),
            rx.text(
                rx.cond(S.can_edit, "Variables: click one to put it where the cursor is. ", "Variables. "),
                rx.code("{% if … %} … {% else %} … {% endif %}"),
                " shows words only in some cases.",
                size="1",
                color_scheme="gray",
                id="template-variables-hint",
            ),
            rx.flex(rx.foreach(S.variables, _variable), wrap="wrap", gap="6px", data_testid="variables"),
            rx.cond(
                S.can_edit,
                rx.el.label(
                    rx.checkbox(
                        checked=S.edit_default,
                        on_change=S.set_default,
                        disabled=S.edit_was_default,
                        aria_labelledby="template-default-label",
                        data_testid="template-default",
                    ),
                    rx.text(
                        "Use for FlowTrack's automatic ",
                        S.kind_label.lower(),
                        " emails",
                        size="2",
                        id="template-default-label",
                    ),
                    style={"display": "flex", "gap": "8px", "alignItems": "center"},
                ),
            ),
            error_callout(S.form_error),
            rx.cond(
                S.can_edit,
                rx.hstack(
                    rx.button(
                        rx.cond(
                            S.edit_id != "",
                            "Save",
                            rx.cond(S.edit_built_in, "Save your version", "Save as a new template"),
                        ),
                        on_click=S.save,
                        data_testid="template-save",
                    ),
                    rx.cond(
                        S.edit_id != "",
                        _delete_dialog(),
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
            ),
            spacing="2",
            width="100%",
            key=S.version,
        ),
        width="100%",
        size="2",
    )


def _preview() -> rx.Component:
    return section(
        "Preview",
        rx.box(
            native_select(
                "Show it for",
                "preview-on",
                S.choices,
                S.preview_on,
                S.set_preview_on,
            ),
            width="100%",  # the select stays inside the card on a phone
        ),
        rx.cond(
            S.preview_error != "",
            rx.callout(
                S.preview_error,
                icon="triangle_alert",
                color_scheme="red",
                high_contrast=True,
                width="100%",
                data_testid="preview-error",
            ),
        ),
        rx.box(
            rx.text("Subject", size="1", color_scheme="gray"),
            rx.text(S.preview_subject, weight="bold", size="3", data_testid="preview-subject"),
            rx.separator(margin_y="8px"),
            rx.text(
                S.preview_text,
                size="2",
                white_space="pre-wrap",
                overflow_wrap="anywhere",
                data_testid="preview-text",
            ),
            opacity=rx.cond(S.preview_error != "", "0.5", "1"),
            padding="12px",
            border="1px solid var(--gray-a6)",
            border_radius="8px",
            background="var(--color-background)",
            width="100%",
            aria_live="polite",
        ),
        rx.text(
            "Sent as plain text and as HTML with the same words; web addresses become links.",
            size="1",
            color_scheme="gray",
        ),
    )


def email_templates_page() -> rx.Component:
    return titled_page(
        "Email templates",
        "What FlowTrack writes to candidates in your company's name. Each kind has a default, "
        "used for its automatic emails; others can be picked when writing.",
        S.loading,
        rx.grid(
            _list(),
            _editor(),
            _preview(),
            grid_template_columns=rx.breakpoints(
                initial="minmax(0, 1fr)", lg="240px minmax(0, 1fr) minmax(0, 1fr)"
            ),
            gap="16px",
            width="100%",
            align_items="start",
        ),
        max_width="1400px",
    )
