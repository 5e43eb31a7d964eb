"""/offer-templates: the company's offer letters in Markdown with variables, a list of what each
variable holds, and a preview filled in with an example candidate (below the editor on a phone)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.forms import error_callout
from flowtrack_ui.components.markdown_view import markdown_preview
from flowtrack_ui.components.titled_page import titled_page
from flowtrack_ui.state.offer_templates import LetterRow, LetterVariable
from flowtrack_ui.state.offer_templates import OfferTemplatesState as S

_FIELD = {
    "width": "100%",
    "padding": "8px",
    "borderRadius": "6px",
    "fontSize": "14px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-background)",
    "color": "var(--gray-12)",
}


def _row(row: ObjectVar[LetterRow]) -> rx.Component:
    return rx.el.button(
        rx.hstack(
            rx.text(row.name, size="2", weight="medium"),
            rx.cond(row.built_in, rx.badge("built-in", color_scheme="gray", size="1")),
            rx.cond(row.is_default, rx.badge("default", color_scheme="green", size="1")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        on_click=S.open(row.id),
        type="button",
        aria_current=rx.cond(S.selected == row.id, "true", "false"),
        style={
            "width": "100%",
            "textAlign": "left",
            "padding": "8px 10px",
            "borderRadius": "6px",
            "background": rx.cond(S.selected == row.id, "var(--accent-a3)", "transparent"),
            "cursor": "pointer",
            "color": "var(--gray-12)",
        },
        data_testid="letter-row",
    )


def _variable(v: ObjectVar[LetterVariable]) -> rx.Component:
    return rx.box(
        rx.code("{{ " + v.name + " }}", size="1"),
        rx.text(v.description, size="1", color_scheme="gray"),
    )


def _variables(opened: bool, display) -> rx.Component:
    """What each variable holds: beside the list on a laptop (open), below the editor on a phone."""
    return rx.card(
        rx.el.details(
            rx.el.summary(
                "Variables a letter may use",
                style={"cursor": "pointer", "fontWeight": "600", "fontSize": "15px"},
            ),
            rx.vstack(rx.foreach(S.variables, _variable), spacing="2", padding_top="8px"),
            open=opened,
        ),
        width="100%",
        display=display,
    )


def _editor() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.el.label("Name", html_for="letter-name", style={"fontSize": "14px", "fontWeight": "500"}),
            rx.el.input(
                id="letter-name",
                value=S.name,
                on_change=S.set_name,
                read_only=S.read_only,
                max_length=80,
                style=_FIELD,
                data_testid="letter-name",
            ),
            rx.el.label(
                "Letter (Markdown)", html_for="letter-body", style={"fontSize": "14px", "fontWeight": "500"}
            ),
            rx.el.textarea(
                id="letter-body",
                value=S.body,
                on_change=S.set_body.debounce(400),
                read_only=S.read_only,
                rows=16,
                style={**_FIELD, "fontFamily": "var(--code-font-family)", "fontSize": "13px"},
                data_testid="letter-body",
            ),
            rx.cond(S.error != "", error_callout(S.error)),
            rx.cond(
                ~S.read_only,
                rx.flex(
                    rx.checkbox(
                        "New offers start from this letter",
                        checked=S.is_default,
                        on_change=S.set_is_default,
                    ),
                    rx.spacer(),
                    rx.cond(
                        S.selected > 0,
                        rx.button(
                            "Delete", on_click=S.delete, variant="soft", color_scheme="red", type="button"
                        ),
                    ),
                    rx.button("Save", on_click=S.save, data_testid="letter-save", type="button"),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                    width="100%",
                ),
                rx.text(
                    rx.cond(
                        S.can_edit,
                        "The built-in letter cannot be changed: start a new letter from it.",
                        "Recruiters write the offer letters; you may read them.",
                    ),
                    size="1",
                    color_scheme="gray",
                ),
            ),
            markdown_preview(
                S.preview_html, "letter-preview", "Nothing to preview yet.", "Preview with an example"
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def offer_templates_page() -> rx.Component:
    return titled_page(
        "Offer letters",
        "The letters offers are written from. Variables in {{ }} are filled in for each offer; "
        "{% if offer.bonus %} … {% endif %} keeps a line only when it has a value.",
        S.loading,
        rx.grid(
            rx.vstack(
                rx.card(
                    rx.vstack(
                        rx.foreach(S.rows, _row),
                        rx.cond(
                            S.can_edit,
                            rx.button(
                                rx.icon("plus", size=14),
                                "New letter",
                                on_click=S.new,
                                variant="soft",
                                size="2",
                                data_testid="letter-new",
                            ),
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    width="100%",
                ),
                _variables(opened=True, display=rx.breakpoints(initial="none", md="block")),
                width="100%",
            ),
            rx.vstack(
                _editor(),
                _variables(opened=False, display=rx.breakpoints(initial="block", md="none")),
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="4fr 8fr"),
            spacing="4",
            width="100%",
        ),
        heading_size="6",
        max_width="1200px",
    )
