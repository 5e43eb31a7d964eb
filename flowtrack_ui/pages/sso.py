"""/sso-complete: where a single sign-on lands; it signs the browser in or says why not."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import auth_card
from flowtrack_ui.state.sso import SsoState


def sso_complete_page() -> rx.Component:
    return auth_card(
        "Single sign-on",
        "Signing you in with your company's account.",
        rx.cond(
            SsoState.complete_error != "",
            rx.vstack(
                rx.callout(
                    SsoState.complete_error,
                    icon="triangle_alert",
                    color_scheme="red",
                    high_contrast=True,
                    role="alert",
                    width="100%",
                    data_testid="sso-error",
                ),
                rx.hstack(
                    rx.link(rx.button("Back to sign in", size="3"), href="/login"),
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="4",
                width="100%",
            ),
            rx.hstack(
                rx.spinner(size="3"),
                rx.text("One moment…", size="3"),
                align="center",
                spacing="3",
                role="status",
                data_testid="sso-working",
            ),
        ),
    )
