"""Labelled inputs and the auth card used by the sign-in pages."""

from __future__ import annotations

import reflex as rx

# Native selects and date inputs (reliable with keyboards, phones and form posts),
# drawn like the theme's fields.
NATIVE_FIELD_STYLE = {
    "padding": "5px 6px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
    "fontSize": "14px",
    "maxWidth": "100%",
}


def label(*children, html_for, size: str = "2", weight: str = "medium", **props) -> rx.Component:
    """A <label for=…> styled like Radix text (Radix Text drops ``htmlFor``, so the field went unnamed)."""
    return rx.el.label(
        *children, html_for=html_for, class_name=f"rt-Text rt-r-size-{size} rt-r-weight-{weight}", **props
    )


def field(
    label_text: str, name: str, type_: str = "text", *, id_: str | None = None, **props
) -> rx.Component:
    """A labelled input; ``id_`` when two forms of a page post the same field name."""
    return rx.vstack(
        label(label_text, html_for=id_ or name),
        rx.input(name=name, id=id_ or name, type=type_, width="100%", size="3", **props),
        spacing="1",
        width="100%",
    )


def error_callout(message) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="triangle_alert",
            color_scheme="red",
            high_contrast=True,
            role="alert",
            width="100%",
            data_testid="form-error",
        ),
    )


def auth_card(title: str, subtitle, *children: rx.Component) -> rx.Component:
    return rx.el.main(
        rx.center(
            rx.card(
                rx.vstack(
                    rx.hstack(rx.icon("kanban", size=26), rx.heading("FlowTrack", size="6"), align="center"),
                    rx.heading(title, size="5"),
                    rx.text(subtitle, color_scheme="gray", size="2"),
                    *children,
                    spacing="4",
                    width="100%",
                ),
                size="4",
                width="100%",
                max_width="440px",
            ),
            padding="16px",
            min_height="80vh",
        ),
    )


def form_dialog(
    title,
    *fields: rx.Component,
    on_submit,
    open,
    on_open_change,
    submit_label: str,
    submit_test_id: str,
    description: str | None = None,
    key=None,
    max_width: str = "560px",
    danger: bool = False,
) -> rx.Component:
    """A dialog holding one form: its fields, then Close and the submit button (red when
    ``danger``: the action cannot be undone)."""
    head = [rx.dialog.title(title)]
    if description:
        head.append(rx.dialog.description(description, size="2"))
    return rx.dialog.root(
        rx.dialog.content(
            *head,
            rx.form(
                rx.vstack(
                    *fields,
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Close", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            submit_label,
                            type="submit",
                            data_testid=submit_test_id,
                            **({"color_scheme": "red", "high_contrast": True} if danger else {}),
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=on_submit,
                **({"key": key} if key is not None else {}),
            ),
            max_width=max_width,
        ),
        open=open,
        on_open_change=on_open_change,
    )


def native_select(
    label_text: str, id_: str, options, value, on_change, *, first=None, fields=("value", "label")
) -> rx.Component:
    """A labelled native <select>: ``options`` are (value, label) pairs or a Var of items whose
    ``fields`` name the value and the label; ``first`` is an optional leading (value, label)."""
    items = [rx.el.option(first[1], value=first[0])] if first else []
    if isinstance(options, list):
        items += [rx.el.option(text, value=val) for val, text in options]
    else:
        key, shown = fields
        items.append(rx.foreach(options, lambda o: rx.el.option(o[shown], value=o[key])))
    return rx.vstack(
        rx.el.label(label_text, html_for=id_, style={"fontSize": "13px"}),
        rx.el.select(
            *items,
            id=id_,
            name=id_,
            value=value,
            on_change=on_change,
            style=NATIVE_FIELD_STYLE,
            data_testid=id_,
        ),
        spacing="1",
    )
