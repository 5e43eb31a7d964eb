"""The "Sign in with SSO" part of the sign-in page."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import error_callout, field
from flowtrack_ui.state.sso import SsoState


def sso_sign_in() -> rx.Component:
    """A button that opens a one-field form: the work email or the company's name."""
    return rx.vstack(
        rx.hstack(
            rx.separator(flex="1"),
            rx.text("or", size="2", color_scheme="gray"),
            rx.separator(flex="1"),
            align="center",
            width="100%",
        ),
        rx.cond(
            SsoState.sso_open,
            rx.form(
                rx.vstack(
                    field(
                        "Work email or company",
                        "who",
                        id_="sso-who",
                        placeholder="you@company.com",
                        auto_complete="email",
                        required=True,
                        max_length=254,
                        auto_focus=True,
                        data_testid="sso-who",
                    ),
                    rx.cond(SsoState.sso_error != "", error_callout(SsoState.sso_error)),
                    rx.button(
                        "Continue with single sign-on",
                        type="submit",
                        size="3",
                        width="100%",
                        variant="soft",
                        disabled=~rx.State.is_hydrated,
                        data_testid="sso-continue",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=SsoState.start_sso,
                width="100%",
            ),
            rx.button(
                rx.icon("key-round", size=16),
                "Sign in with SSO",
                type="button",
                size="3",
                width="100%",
                variant="outline",
                on_click=SsoState.toggle_sso,
                disabled=~rx.State.is_hydrated,
                data_testid="sso-open",
            ),
        ),
        spacing="3",
        width="100%",
    )
