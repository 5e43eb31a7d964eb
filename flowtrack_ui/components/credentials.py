"""The account page's two-factor sign-in and API token cards (state/credentials.py)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.forms import NATIVE_FIELD_STYLE, error_callout, field, label
from flowtrack_ui.state.credentials import CredentialsState as C
from flowtrack_ui.state.credentials import TokenItem


def _recovery_codes() -> rx.Component:
    return rx.callout.root(
        rx.vstack(
            rx.text(
                "Your recovery codes. Keep them somewhere safe: each signs you in once if you lose "
                "your phone. They are shown only now.",
                size="2",
                weight="medium",
            ),
            rx.grid(
                rx.foreach(
                    C.recovery_codes, lambda c: rx.code(c, size="3", variant="ghost", white_space="nowrap")
                ),
                columns="2",
                spacing="2",
                data_testid="recovery-codes",
            ),
            rx.button("I have saved them", size="2", variant="soft", on_click=C.dismiss_recovery_codes),
            spacing="2",
        ),
        color_scheme="green",
        width="100%",
    )


def _enrol() -> rx.Component:
    return rx.vstack(
        rx.text(
            "1. Scan this QR code with an authenticator app (Google Authenticator, 1Password, Aegis…).",
            size="2",
        ),
        rx.box(
            rx.html(C.qr_svg),
            background="white",
            padding="2",
            border_radius="8px",
            width="fit-content",
            role="img",
            aria_label="QR code for your authenticator app",
            data_testid="totp-qr",
        ),
        rx.text(
            "Or type this key: ",
            rx.code(C.setup_secret, data_testid="totp-secret"),
            size="2",
            word_break="break-all",
        ),
        rx.form(
            rx.vstack(
                field(
                    "2. Enter the 6-digit code it shows",
                    "code",
                    "text",
                    id_="enrol_code",
                    auto_complete="one-time-code",
                    input_mode="numeric",
                    required=True,
                    max_length=12,
                    placeholder="123456",
                ),
                error_callout(C.tf_error),
                rx.hstack(
                    rx.button("Turn on", type="submit", data_testid="totp-confirm"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=C.cancel_enrolment,
                    ),
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=C.confirm_enrolment,
            reset_on_submit=True,
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _turn_off() -> rx.Component:
    return rx.cond(
        C.tf_required,
        rx.text("Your company requires two-factor sign-in, so it stays on.", size="2", color_scheme="gray"),
        rx.form(
            rx.vstack(
                rx.text("To turn it off, enter your password and a current code.", size="2"),
                field(
                    "Password", "password", "password", id_="tf_password", auto_complete="current-password"
                ),
                field(
                    "Code or recovery code",
                    "code",
                    "text",
                    id_="tf_code",
                    auto_complete="one-time-code",
                    max_length=40,
                ),
                error_callout(C.tf_error),
                rx.button("Turn off two-factor sign-in", type="submit", variant="soft", color_scheme="red"),
                spacing="3",
                width="100%",
            ),
            on_submit=C.disable,
            reset_on_submit=True,
            width="100%",
        ),
    )


def two_factor_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Two-factor sign-in", size="4", as_="h2"),
                rx.cond(
                    C.tf_enabled,
                    rx.badge("On", color_scheme="green", data_testid="totp-status"),
                    rx.badge("Off", color_scheme="gray", data_testid="totp-status"),
                ),
                align="center",
                spacing="3",
            ),
            rx.text(
                "Signing in then also asks for a code from an app on your phone, so a stolen password "
                "alone is not enough.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                C.tf_required & ~C.tf_enabled,
                rx.callout(
                    "Your company requires two-factor sign-in: set it up to continue using FlowTrack.",
                    icon="shield-alert",
                    color_scheme="amber",
                    role="alert",
                ),
            ),
            rx.cond(C.recovery_codes.length() > 0, _recovery_codes()),
            rx.cond(
                C.tf_enabled,
                rx.vstack(
                    rx.text(C.tf_codes_left.to_string() + " recovery codes left.", size="2"),
                    _turn_off(),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    C.enrolling,
                    _enrol(),
                    rx.vstack(
                        error_callout(C.tf_error),
                        rx.button(
                            "Set up two-factor sign-in", on_click=C.start_enrolment, data_testid="totp-start"
                        ),
                        spacing="2",
                    ),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        id="two-factor",
        width="100%",
        max_width="480px",
        data_testid="two-factor",
    )


def _token(t: ObjectVar[TokenItem]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(t.name, weight="bold", size="2"),
            rx.text(t.prefix, "… · ", t.scopes, size="1", color_scheme="gray"),
            rx.text("Made ", t.created, " · expires ", t.expires, size="1", color_scheme="gray"),
            rx.text("Last used: ", t.last_used, size="1", color_scheme="gray"),
            spacing="0",
            align="start",
            min_width="0",
        ),
        rx.spacer(),
        rx.button(
            "Revoke",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=C.revoke_token(t.id),
            aria_label="Revoke " + t.name,
        ),
        width="100%",
        align="center",
        padding_y="2",
        border_bottom="1px solid var(--gray-a5)",
        data_testid="api-token",
    )


def api_tokens_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("API tokens", size="4", as_="h2"),
            rx.text(
                "For scripts and other systems calling FlowTrack's API (/api/docs) as you: send "
                "Authorization: Bearer <token>. A token has your role and never more; a read token "
                "cannot change anything.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                C.new_token != "",
                rx.callout.root(
                    rx.vstack(
                        rx.text("Copy your new token now: it is shown only once.", size="2", weight="medium"),
                        rx.code(C.new_token, word_break="break-all", data_testid="new-api-token"),
                        rx.hstack(
                            rx.button(
                                "Copy",
                                size="1",
                                on_click=[rx.set_clipboard(C.new_token), rx.toast.info("Copied.")],
                            ),
                            rx.button("Done", size="1", variant="soft", on_click=C.dismiss_new_token),
                            spacing="2",
                        ),
                        spacing="2",
                    ),
                    color_scheme="green",
                    width="100%",
                ),
            ),
            rx.foreach(C.tokens, _token),
            rx.form(
                rx.vstack(
                    field("Token name", "name", "text", id_="token_name", required=True, max_length=80),
                    rx.hstack(
                        rx.vstack(
                            label("Access", html_for="token_scope"),
                            rx.el.select(
                                rx.el.option("Read only", value="read"),
                                rx.el.option("Read and write", value="write"),
                                id="token_scope",
                                name="scope",
                                style=NATIVE_FIELD_STYLE,
                            ),
                            spacing="1",
                        ),
                        rx.vstack(
                            label("Expires", html_for="token_expires"),
                            rx.el.select(
                                rx.el.option("In 30 days", value="30"),
                                rx.el.option("In 90 days", value="90"),
                                rx.el.option("In a year", value="365"),
                                rx.el.option("Never", value="never"),
                                id="token_expires",
                                name="expires",
                                default_value="90",
                                style=NATIVE_FIELD_STYLE,
                            ),
                            spacing="1",
                        ),
                        spacing="4",
                        wrap="wrap",
                    ),
                    error_callout(C.token_error),
                    rx.button("Create token", type="submit", data_testid="create-api-token"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=C.create_token,
                reset_on_submit=True,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="480px",
        data_testid="api-tokens",
    )


def credentials_section() -> rx.Component:
    """Both cards; they read their state when the account page shows them."""
    return rx.vstack(two_factor_card(), api_tokens_card(), spacing="4", width="100%", on_mount=C.load)
