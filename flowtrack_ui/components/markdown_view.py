"""Markdown as the careers site shows it, previewed beside the field it is typed in."""

from __future__ import annotations

import reflex as rx

# The rendered Markdown's own elements, spaced like the careers page (the theme resets none).
_MARKDOWN_STYLE = {
    "fontSize": "14px",
    "lineHeight": "1.5",
    "& h1, & h2, & h3, & h4": {"fontWeight": "600", "margin": "0.6em 0 0.3em", "lineHeight": "1.25"},
    "& h1": {"fontSize": "20px"},
    "& h2": {"fontSize": "18px"},
    "& h3, & h4": {"fontSize": "16px"},
    "& p, & ul, & ol, & blockquote, & pre, & table": {"margin": "0 0 0.6em"},
    "& ul, & ol": {"paddingLeft": "1.4em"},
    "& ul": {"listStyleType": "disc"},
    "& ol": {"listStyleType": "decimal"},
    "& a": {"color": "var(--accent-11)", "textDecoration": "underline"},
    "& code": {"fontFamily": "var(--code-font-family)", "fontSize": "13px"},
    "& blockquote": {
        "borderLeft": "3px solid var(--gray-a6)",
        "paddingLeft": "10px",
        "color": "var(--gray-11)",
    },
    "& > :first-child": {"marginTop": "0"},
}


def markdown_preview(html, test_id: str, empty: str, name: str = "Preview") -> rx.Component:
    """``html`` comes from core/markdown.to_html, which renders and sanitises (no scripts, no raw
    HTML, no ``javascript:`` links): that is what makes showing it with rx.html safe."""
    return rx.box(
        rx.text(name, size="1", weight="medium", color_scheme="gray", margin_bottom="4px"),
        rx.cond(
            html != "",
            rx.html(html, style=_MARKDOWN_STYLE, data_testid=test_id),
            rx.text(empty, size="1", color_scheme="gray"),
        ),
        width="100%",
        padding="10px 12px",
        border="1px solid var(--gray-a5)",
        border_radius="8px",
        background="var(--gray-a2)",
        max_height="320px",
        overflow_y="auto",
        role="region",
        aria_label=name,
        tab_index=0,
    )


def plain_link(*children, href, test_id: str, **props) -> rx.Component:
    """A link the browser follows itself, loading a new document: the careers site is served by
    the server, not by the app's client-side router (which would show its own 404 page). Reflex
    renders every ``a`` as React Router's Link; ``reloadDocument`` makes it an ordinary link."""
    return rx.el.a(
        *children,
        href=href,
        reload_document=True,
        style={
            "display": "inline-flex",
            "alignItems": "center",
            "gap": "4px",
            "color": "var(--accent-11)",
            "fontSize": "14px",
            "textDecoration": "underline",
            "textUnderlineOffset": "2px",
        },
        data_testid=test_id,
        **props,
    )
