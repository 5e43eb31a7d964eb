"""Sign in, candidate sign-up, company sign-up, and accepting an invitation."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import auth_card, error_callout, field
from flowtrack_ui.state.auth import AuthState


def _submit(label: str, test_id: str) -> rx.Component:
    return rx.button(label, type="submit", size="3", width="100%", data_testid=test_id)


def new_password_field(label: str = "Password") -> rx.Component:
    """The password of a new account: the core's rule is 8 to 128 characters."""
    return field(
        label,
        "password",
        "password",
        auto_complete="new-password",
        required=True,
        min_length=8,
        max_length=128,
        placeholder="At least 8 characters",
    )


def login_page() -> rx.Component:
    return auth_card(
        "Sign in",
        "Recruiters, hiring managers and candidates all sign in here.",
        rx.form(
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
                spacing="3",
            ),
            on_submit=AuthState.login,
        ),
        rx.text(
            "New here? ",
            rx.link("Create a candidate account", href="/signup"),
            " or ",
            rx.link("set up your company", href="/company-signup"),
            ".",
            size="2",
        ),
    )


def signup_page() -> rx.Component:
    return auth_card(
        "Create your candidate account",
        "Apply to open jobs and follow every application.",
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
        rx.text("Hiring? ", rx.link("Set up your company", href="/company-signup"), size="2"),
        rx.text("Already have an account? ", rx.link("Sign in", href="/login"), size="2"),
    )


def company_signup_page() -> rx.Component:
    return auth_card(
        "Set up your company",
        "You become its first recruiter and can invite your team.",
        rx.form(
            rx.vstack(
                field("Company name", "company_name", required=True, max_length=120),
                field("Your full name", "full_name", auto_complete="name", required=True, max_length=120),
                field("Work email", "email", "email", auto_complete="email", required=True),
                new_password_field(),
                error_callout(AuthState.error),
                _submit("Create company", "company-submit"),
                spacing="3",
            ),
            on_submit=AuthState.company_signup,
        ),
        rx.text("Already have an account? ", rx.link("Sign in", href="/login"), size="2"),
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
