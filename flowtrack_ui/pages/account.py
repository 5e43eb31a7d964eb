"""Account page: who you are, and a new password (which signs out every other session)."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import error_callout, field
from flowtrack_ui.components.layout import page
from flowtrack_ui.state.account import AccountState

from .auth import new_password_field


def account_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Your account", size="6"),
            rx.text(AccountState.user_name, " · ", AccountState.user_email, color_scheme="gray"),
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.heading("Change password", size="4"),
                        rx.text(
                            "Every other browser and API token signed in as you will be signed out.",
                            size="2",
                            color_scheme="gray",
                        ),
                        field(
                            "Current password",
                            "current_password",
                            "password",
                            auto_complete="current-password",
                            required=True,
                            max_length=128,
                        ),
                        new_password_field("New password"),
                        error_callout(AccountState.error),
                        rx.button("Change password", type="submit", data_testid="change-password"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=AccountState.change_password,
                    reset_on_submit=True,
                ),
                width="100%",
                max_width="480px",
            ),
            spacing="4",
        ),
        max_width="720px",
    )
