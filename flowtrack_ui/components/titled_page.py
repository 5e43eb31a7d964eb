"""The frame of a settings-style page: its title, a line saying what it is for, and a spinner in
place of its body until its state has loaded."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from flowtrack_ui.components.layout import loading_block, page


def titled_page(
    title: str,
    intro: str,
    loading: Var[bool],
    body: rx.Component,
    *,
    heading_size: str = "7",
    max_width: str = "1100px",
) -> rx.Component:
    """``body`` under an h1 ``title`` and a grey ``intro``; while ``loading``, a spinner instead."""
    return page(
        rx.vstack(
            rx.heading(title, size=heading_size, as_="h1"),
            rx.text(intro, size="2", color_scheme="gray"),
            rx.cond(loading, loading_block(), body),
            spacing="3",
            width="100%",
        ),
        max_width=max_width,
    )
