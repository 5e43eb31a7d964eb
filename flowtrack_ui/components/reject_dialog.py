"""The one reject dialog (the board, the application page and the bulk bar): the reason, the
rejection template (pre-chosen from the reason), when the candidate is emailed (after the undo
window, in N days, at a date, or never) and an internal note. The host state mixes in
``state/reject.RejectTerms`` and submits to its own handler."""

from __future__ import annotations

from typing import Any

import reflex as rx

_LABEL = {"fontSize": "14px", "fontWeight": "500"}
_FIELD = {
    "width": "100%",
    "padding": "6px",
    "borderRadius": "6px",
    "fontSize": "14px",
    "border": "1px solid var(--gray-a8)",
    "background": "var(--color-panel-solid)",
    "color": "var(--gray-12)",
}
_SMALL = {
    "padding": "4px 6px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a8)",
    "fontSize": "14px",
    "background": "var(--color-panel-solid)",
    "color": "var(--gray-12)",
}
_ROW = {"display": "flex", "gap": "8px", "alignItems": "center", "fontSize": "14px", "minHeight": "28px"}


def _when(S: Any, ids: str, value: str, label: str, *extra: rx.Component) -> rx.Component:
    """A choice of when; the browser keeps which is checked (the form sends it), the state hears
    of it to show the template only when an email is sent."""
    return rx.el.div(
        rx.el.label(
            rx.el.input(
                type="radio",
                name="when",
                value=value,
                id=f"{ids}-when-{value}",
                default_checked=value == "undo",
                on_change=S.set_reject_when(value),
                data_testid="when-" + value,
            ),
            label,
            style={"display": "flex", "gap": "6px", "alignItems": "center"},
        ),
        *extra,
        style=_ROW,
    )


def _pick(S: Any, ids: str, value: str) -> list:
    """Typing a number of days or a date chooses that line."""
    return [
        S.set_reject_when(value),
        rx.call_script(f"document.getElementById('{ids}-when-{value}').checked = true"),
    ]


def reject_dialog(
    S: Any,
    *,
    title: Any,
    open: Any,
    on_open_change: Any,
    on_submit: Any,
    confirm_label: Any,
    ids: str = "reject",
    test_ids: dict[str, str] | None = None,
    plural: bool = False,
) -> rx.Component:
    """``ids`` prefixes the fields' ids; ``test_ids`` names the reason, note, days and confirm
    fields for the browser tests (each page keeps its own)."""
    t = {"reason": ids + "-reason", "note": ids + "-note", "days": ids + "-days", "confirm": ids + "-confirm"}
    t.update(test_ids or {})
    who = "the candidates" if plural else "the candidate"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(
                "The reason and the note stay with your team. The email waits until the time "
                "you choose; reopening or undoing cancels it.",
                size="2",
                margin_bottom="2",
            ),
            rx.form(
                rx.vstack(
                    rx.el.label("Reason", html_for=ids + "-reason-field", style=_LABEL),
                    rx.el.select(
                        rx.el.option("No standard reason", value=""),
                        rx.foreach(S.reject_reasons, lambda r: rx.el.option(r.label, value=r.id)),
                        id=ids + "-reason-field",
                        name="reason_id",
                        on_change=S.pick_reject_reason,
                        data_testid=t["reason"],
                        style=_FIELD,
                    ),
                    rx.el.fieldset(
                        rx.el.legend("Email " + who, style={**_LABEL, "padding": 0, "marginBottom": "4px"}),
                        _when(S, ids, "undo", "After the undo window"),
                        _when(S, ids, "2d", "In 2 days"),
                        _when(
                            S,
                            ids,
                            "days",
                            "In",
                            rx.el.input(
                                type="number",
                                name="days",
                                min="1",
                                max="30",
                                default_value="3",
                                aria_label="Number of days before the email",
                                on_focus=_pick(S, ids, "days"),
                                data_testid=t["days"],
                                style={**_SMALL, "width": "64px"},
                            ),
                            rx.el.span("days"),
                        ),
                        _when(
                            S,
                            ids,
                            "date",
                            "On",
                            rx.el.input(
                                type="date",
                                name="date",
                                min=S.reject_today,
                                aria_label="Date the email leaves (at 09:00 your time)",
                                on_focus=_pick(S, ids, "date"),
                                data_testid=ids + "-date",
                                style=_SMALL,
                            ),
                        ),
                        _when(S, ids, "never", "Don't email"),
                        style={"border": "none", "padding": 0, "margin": 0, "display": "grid", "gap": "2px"},
                    ),
                    rx.cond(
                        S.reject_when != "never",
                        rx.vstack(
                            rx.el.label("Template", html_for=ids + "-template", style=_LABEL),
                            rx.el.select(
                                rx.foreach(
                                    S.reject_templates, lambda tpl: rx.el.option(tpl.name, value=tpl.id)
                                ),
                                id=ids + "-template",
                                name="template_id",
                                value=S.reject_template,
                                on_change=S.set_reject_template,
                                data_testid=ids + "-template",
                                style=_FIELD,
                            ),
                            spacing="1",
                            width="100%",
                        ),
                    ),
                    rx.el.label("Note (optional, internal)", html_for=ids + "-note-field", style=_LABEL),
                    rx.text_area(
                        id=ids + "-note-field",
                        name="note",
                        width="100%",
                        max_length=2000,
                        rows="2",
                        data_testid=t["note"],
                    ),
                    rx.cond(
                        S.reject_error != "",
                        rx.text(S.reject_error, color_scheme="red", size="2", role="alert"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            confirm_label,
                            type="submit",
                            color_scheme="red",
                            high_contrast=True,  # white on red-9 is under 4.5:1
                            data_testid=t["confirm"],
                        ),
                        justify="end",
                        width="100%",
                        wrap="wrap",
                    ),
                    spacing="3",
                    padding_top="3",
                    align="start",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
            ),
            max_width="480px",
        ),
        open=open,
        on_open_change=on_open_change,
    )
