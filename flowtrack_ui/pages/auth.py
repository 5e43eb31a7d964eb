"""Sign in, candidate sign-up, company sign-up, and accepting an invitation."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import auth_card, error_callout, field, label
from flowtrack_ui.components.sso import sso_sign_in
from flowtrack_ui.state.auth import AuthState


def _submit(label: str, test_id: str) -> rx.Component:
    """Disabled until the page is live: the served HTML holds the form before its script runs, and
    a form sent then would go as a plain GET, the email and password in the address (and logs)."""
    return rx.button(
        label,
        type="submit",
        size="3",
        width="100%",
        disabled=~rx.State.is_hydrated,
        data_testid=test_id,
    )


def new_password_field(label: str = "Password") -> rx.Component:
    """A new password: the core checks the rule (10 to 128 characters, not a common one)."""
    return field(
        label,
        "password",
        "password",
        auto_complete="new-password",
        required=True,
        min_length=10,
        max_length=128,
        placeholder="At least 10 characters, not a common password",
    )


def _second_step() -> rx.Component:
    """Two-factor sign-in: the password was right; now a code from the app (or a recovery code)."""
    return rx.form(
        rx.vstack(
            rx.text("Enter the 6-digit code from your authenticator app.", size="2"),
            field(
                "Authentication code",
                "code",
                "text",
                auto_complete="one-time-code",
                input_mode="numeric",
                required=True,
                max_length=40,
                auto_focus=True,
                placeholder="123456",
            ),
            rx.text(
                "Lost your phone? Enter one of your recovery codes instead (each works once).",
                size="1",
                color_scheme="gray",
            ),
            error_callout(AuthState.error),
            _submit("Verify and sign in", "login-code-submit"),
            rx.button(
                "Use another account",
                type="button",
                variant="ghost",
                size="2",
                on_click=AuthState.restart_login,
            ),
            spacing="3",
        ),
        on_submit=AuthState.login_code,
        reset_on_submit=True,
    )


def login_page() -> rx.Component:
    return auth_card(
        "Sign in",
        "Recruiters, hiring managers and candidates all sign in here.",
        rx.cond(AuthState.needs_code, _second_step(), _password_step()),
        rx.cond(AuthState.needs_code, rx.fragment(), sso_sign_in()),
        rx.text(
            "New here? ",
            rx.link("Create a candidate account", href="/signup" + AuthState.next_suffix, underline="always"),
            " or ",
            rx.link("set up your company", href="/company-signup", underline="always"),
            ".",
            size="2",
        ),
    )


def _password_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(
                "Email",
                "email",
                "email",
                placeholder="you@example.com",
                auto_complete="username",
                required=True,
            ),
            field("Password", "password", "password", auto_complete="current-password", required=True),
            error_callout(AuthState.error),
            _submit("Sign in", "login-submit"),
            rx.link("Forgot your password?", href="/forgot-password", size="2"),
            spacing="3",
        ),
        on_submit=AuthState.login,
    )


def _status(message: str | rx.Var, test_id: str) -> rx.Component:
    return rx.callout(
        message,
        icon="mail",
        color_scheme="green",
        high_contrast=True,
        role="status",
        width="100%",
        data_testid=test_id,
    )


def signup_page() -> rx.Component:
    return auth_card(
        "Create your candidate account",
        "Apply to open jobs and follow every application.",
        rx.cond(
            AuthState.signup_pending,
            _status(
                "Check your email: your account is made when you confirm the address with the link "
                "we sent. It works once, within 24 hours.",
                "signup-pending",
            ),
            rx.form(
                rx.vstack(
                    field("Full name", "full_name", auto_complete="name", required=True, max_length=120),
                    field("Email", "email", "email", auto_complete="email", required=True),
                    new_password_field(),
                    error_callout(AuthState.error),
                    _submit("Create account", "signup-submit"),
                    spacing="3",
                ),
                on_submit=AuthState.signup,
            ),
        ),
        rx.text(
            "Hiring? ", rx.link("Set up your company", href="/company-signup", underline="always"), size="2"
        ),
        rx.text(
            "Already have an account? ",
            rx.link("Sign in", href="/login" + AuthState.next_suffix, underline="always"),
            size="2",
        ),
    )


def _careers_address_field() -> rx.Component:
    """The careers page's address, filled in from the company name and editable."""
    return rx.vstack(
        label("Careers page address", html_for="company_slug"),
        rx.input(
            id="company_slug",
            name="company_slug",
            value=AuthState.signup_slug,
            on_change=AuthState.slug_typed,
            max_length=60,
            auto_complete="off",
            width="100%",
            size="3",
            aria_describedby="company-slug-hint",
            data_testid="company-slug",
        ),
        rx.text(
            AuthState.careers_prefix,
            rx.text.strong(rx.cond(AuthState.signup_slug != "", AuthState.signup_slug, "your-company")),
            rx.el.br(),
            "Where candidates find your jobs; you can change it later.",
            size="1",
            color_scheme="gray",
            id="company-slug-hint",
            style={"wordBreak": "break-all"},
        ),
        spacing="1",
        width="100%",
    )


def company_signup_page() -> rx.Component:
    return auth_card(
        "Set up your company",
        "You become its first recruiter and can invite your team.",
        rx.cond(
            AuthState.signup_pending,
            _status(
                "Check your email: your company and your account are made when you confirm the "
                "address with the link we sent. It works once, within 24 hours.",
                "signup-pending",
            ),
            rx.form(
                rx.vstack(
                    field(
                        "Company name",
                        "company_name",
                        required=True,
                        max_length=120,
                        on_change=AuthState.company_name_typed,
                    ),
                    _careers_address_field(),
                    field("Your full name", "full_name", auto_complete="name", required=True, max_length=120),
                    field("Work email", "email", "email", auto_complete="email", required=True),
                    new_password_field(),
                    error_callout(AuthState.error),
                    _submit("Create company", "company-submit"),
                    spacing="3",
                ),
                on_submit=AuthState.company_signup,
            ),
        ),
        rx.text("Already have an account? ", rx.link("Sign in", href="/login", underline="always"), size="2"),
    )


def invite_page() -> rx.Component:
    return auth_card(
        "Join your team",
        rx.cond(
            AuthState.invite_error != "",
            AuthState.invite_error,
            AuthState.invite_company
            + " invites "
            + AuthState.invite_email
            + " as "
            + AuthState.invite_role
            + ".",
        ),
        rx.cond(
            AuthState.invite_error == "",
            rx.form(
                rx.vstack(
                    rx.cond(
                        AuthState.invite_replaces,
                        rx.callout(
                            "An account that never confirmed this email address already uses it. "
                            "Accepting replaces that account: its applications and data are erased. "
                            "If it is yours and you want to keep it, sign in to it and confirm the "
                            "address instead, then ask for an invitation to another address.",
                            icon="triangle_alert",
                            color_scheme="amber",
                            role="status",
                            width="100%",
                            data_testid="invite-replaces",
                        ),
                    ),
                    field("Full name", "full_name", auto_complete="name", required=True, max_length=120),
                    new_password_field("Choose a password"),
                    error_callout(AuthState.error),
                    _submit("Accept invitation", "invite-submit"),
                    spacing="3",
                ),
                on_submit=AuthState.accept_invitation,
            ),
            rx.link("Go to sign in", href="/login"),
        ),
    )


def forgot_password_page() -> rx.Component:
    return auth_card(
        "Forgot your password?",
        "Enter your account's email: we send you a link to choose a new password.",
        rx.cond(
            AuthState.reset_requested,
            rx.callout(
                "If an account uses this email, a link to choose a new password is on its way. "
                "It works once, within the hour.",
                icon="mail",
                color_scheme="green",
                high_contrast=True,
                role="status",
                width="100%",
                data_testid="reset-requested",
            ),
            rx.form(
                rx.vstack(
                    field("Email", "email", "email", auto_complete="email", required=True),
                    _submit("Send the link", "reset-request-submit"),
                    spacing="3",
                ),
                on_submit=AuthState.request_reset,
            ),
        ),
        rx.text("Remembered it? ", rx.link("Sign in", href="/login", underline="always"), size="2"),
    )


def reset_password_page() -> rx.Component:
    return auth_card(
        "Choose a new password",
        rx.cond(
            AuthState.reset_error != "",
            AuthState.reset_error,
            "For " + AuthState.reset_email + ". Every other session of this account is signed out.",
        ),
        rx.cond(
            AuthState.reset_error == "",
            rx.form(
                rx.vstack(
                    new_password_field("New password"),
                    error_callout(AuthState.error),
                    _submit("Set the new password", "reset-submit"),
                    spacing="3",
                ),
                on_submit=AuthState.reset_password,
            ),
            rx.link("Ask for a new link", href="/forgot-password"),
        ),
    )


def verify_page() -> rx.Component:
    """The emailed confirmation link opens this page; the button confirms (a link scanner that only
    opens the page confirms nothing)."""
    return auth_card(
        "Confirm your email address",
        "Confirming shows that this address is yours.",
        rx.cond(
            AuthState.verify_done != "",
            rx.vstack(
                _status(AuthState.verify_done, "verify-done"),
                rx.link("Go to sign in", href="/login"),
                width="100%",
            ),
            rx.vstack(
                error_callout(AuthState.verify_error),
                rx.button(
                    "Confirm my email address",
                    size="3",
                    width="100%",
                    on_click=AuthState.confirm_email,
                    data_testid="verify-submit",
                ),
                width="100%",
            ),
        ),
    )


def track_page() -> rx.Component:
    """The link emailed after applying without an account opens this page; the button signs in
    (a mail scanner that only opens the link does not use it up) and lands on the applications."""
    return auth_card(
        "Follow your application",
        "This link signs you in to your applications. It works once.",
        rx.vstack(
            error_callout(AuthState.track_error),
            rx.cond(
                AuthState.track_error != "",
                rx.link("Go to sign in", href="/login"),
                rx.button(
                    "Open my applications",
                    size="3",
                    width="100%",
                    on_click=AuthState.use_sign_in_link,
                    data_testid="track-submit",
                ),
            ),
            width="100%",
        ),
    )
