"""Account page: who you are, and a new password (which signs out every other session), or a first
one for an account made by applying without one."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.credentials import credentials_section
from flowtrack_ui.components.forms import error_callout, field, form_dialog, label
from flowtrack_ui.components.layout import page
from flowtrack_ui.components.scheduling import calendar_settings
from flowtrack_ui.core.time_zones import zone_names
from flowtrack_ui.state.account import AccountState

from .auth import new_password_field


def account_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Your account", size="6"),
            rx.text(AccountState.user_name, " · ", AccountState.user_email, color_scheme="gray"),
            rx.cond(~AccountState.email_confirmed, _confirm_email()),
            _time_zone(),
            rx.cond(~AccountState.is_candidate, calendar_settings()),  # staff: hours and calendar
            rx.cond(AccountState.has_password, _change_password(), _choose_password()),
            credentials_section(),
            rx.cond(AccountState.is_candidate, _your_data()),
            spacing="4",
        ),
        max_width="720px",
    )


def _time_zone() -> rx.Component:
    """Type to search the IANA names (a datalist): every time shown and entered uses the zone."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Time zone", size="4", as_="h2"),
                rx.text(
                    "Interviews and other times are shown in your time zone, and the times you enter "
                    "are in it. Until you choose one, it is taken from your browser when you sign in.",
                    size="2",
                    color_scheme="gray",
                ),
                label("Your time zone", html_for="time_zone"),
                # Not bound to the state while typed: a slow answer to an earlier event (the
                # previous attempt's refusal, its draft) never overwrites what is being typed. The
                # save reads the form; a loaded or saved zone shows through the key.
                rx.input(
                    id="time_zone",
                    name="time_zone",
                    default_value=AccountState.time_zone,
                    key=AccountState.time_zone,
                    on_change=AccountState.set_zone_draft,
                    placeholder="Europe/Berlin",
                    list="time-zone-names",
                    auto_complete="off",
                    max_length=80,
                    width="100%",
                    size="3",
                    data_testid="time-zone-input",
                ),
                rx.el.datalist(*[rx.el.option(value=name) for name in zone_names()], id="time-zone-names"),
                error_callout(AccountState.zone_error),
                rx.button("Save time zone", type="submit", data_testid="save-time-zone"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.save_time_zone,
        ),
        width="100%",
        max_width="480px",
        data_testid="time-zone",
    )


def _choose_password() -> rx.Component:
    """An account made by applying without one signs in by emailed links until it has a password."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Choose a password", size="4", as_="h2"),
                rx.text(
                    "You signed in with the link we emailed you. With a password you can sign in any "
                    "time without a link. Every other browser signed in as you will be signed out.",
                    size="2",
                    color_scheme="gray",
                ),
                new_password_field("New password"),
                error_callout(AccountState.error),
                rx.button("Set password", type="submit", data_testid="set-password"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.set_first_password,
            reset_on_submit=True,
        ),
        width="100%",
        max_width="480px",
        data_testid="choose-password",
    )


def _change_password() -> rx.Component:
    return rx.card(
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
    )


def _confirm_email() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text("Your email address is not confirmed yet: use the link we sent to it."),
            rx.button(
                "Send a new link",
                size="1",
                variant="solid",
                color_scheme="amber",
                high_contrast=True,
                on_click=AccountState.resend_confirmation,
                data_testid="resend-confirmation",
            ),
            align="center",
            wrap="wrap",
        ),
        icon="mail",
        color_scheme="amber",
        high_contrast=True,
        width="100%",
        max_width="480px",
    )


def _your_data() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Your data", size="4", as_="h2"),
            rx.text(
                "Download everything you gave us and what you saw of your applications: your profile, "
                "applications, answers, timelines, the emails we sent you, and your files, as one zip.",
                size="2",
            ),
            rx.button(
                rx.icon("download", size=16),
                "Download my data",
                variant="soft",
                on_click=AccountState.download_data,
                data_testid="export-data",
            ),
            rx.divider(),
            rx.text(
                "Erasing your account deletes your name, email, profile, résumés and answers for good, "
                "everywhere. Companies keep only anonymous stage history. You cannot sign in again.",
                size="2",
            ),
            rx.cond(
                ~AccountState.has_password,
                rx.text("Choose a password above first: erasing asks for it.", size="2", color_scheme="gray"),
            ),
            rx.button(
                "Erase my account",
                color_scheme="red",
                variant="soft",
                on_click=AccountState.set_erase_open(True),
                data_testid="erase-account",
            ),
            form_dialog(
                "Erase your account for good?",
                field(
                    "Your password",
                    "password",
                    "password",
                    id_="erase-password",
                    auto_complete="current-password",
                    required=True,
                    max_length=128,
                ),
                error_callout(AccountState.erase_error),
                on_submit=AccountState.erase_account,
                open=AccountState.erase_open,
                on_open_change=AccountState.set_erase_open,
                submit_label="Erase my account",
                submit_test_id="erase-account-confirm",
                description="This cannot be undone. Enter your password to confirm.",
                max_width="460px",
                danger=True,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="480px",
    )
