"""The root URL sends each role to its home page, and visitors to sign-in."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.layout import loading_block


def home_page() -> rx.Component:
    return loading_block()
