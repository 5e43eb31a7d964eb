"""/sso-complete: where a single sign-on lands, signing the browser in or saying why not; and
/single-sign-on: the company's identity provider as its recruiters set it up."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.careers_settings import copy_box, section
from flowtrack_ui.components.forms import auth_card, error_callout, field, form_dialog
from flowtrack_ui.components.layout import loading_block, page
from flowtrack_ui.state.sso import SsoSettingsState as S
from flowtrack_ui.state.sso import SsoState


def sso_complete_page() -> rx.Component:
    return auth_card(
        "Single sign-on",
        rx.cond(
            SsoState.complete_error != "",
            "Your company's sign-in did not let you in.",
            "Signing you in with your company's account.",
        ),
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


def _check(name: str, checked, title: str, hint: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=name,
            id=name,
            default_checked=checked,
            style={"marginTop": "3px", "width": "16px", "height": "16px", "flexShrink": "0"},
            data_testid=f"sso-{name}",
        ),
        rx.box(
            rx.text(title, size="2", weight="medium", as_="div"),
            rx.text(hint, size="1", color_scheme="gray", as_="div"),
        ),
        style={"display": "flex", "gap": "8px", "alignItems": "flex-start", "cursor": "pointer"},
    )


def _settings_form() -> rx.Component:
    return section(
        "Your identity provider",
        rx.form(
            rx.vstack(
                field(
                    "Issuer URL",
                    "issuer_url",
                    "url",
                    id_="sso-issuer",
                    default_value=S.issuer_url,
                    placeholder="https://accounts.google.com",
                    required=True,
                    max_length=500,
                ),
                field(
                    "Client ID",
                    "client_id",
                    id_="sso-client-id",
                    default_value=S.client_id,
                    required=True,
                    max_length=300,
                    auto_complete="off",
                ),
                field(
                    "Client secret",
                    "client_secret",
                    "password",
                    id_="sso-client-secret",
                    placeholder=rx.cond(S.has_secret, "Stored: leave empty to keep it", "From your provider"),
                    max_length=1000,
                    auto_complete="new-password",
                ),
                field(
                    "Email domains of your staff",
                    "domains",
                    id_="sso-domains",
                    default_value=S.domains,
                    placeholder="acme.com, acme.co.uk",
                    required=True,
                ),
                _check(
                    "allow_domain_join",
                    S.allow_domain_join,
                    "Let people of these domains join without an invitation",
                    "They join as hiring managers; a recruiter can change their role on the team page.",
                ),
                _check(
                    "sso_only",
                    S.sso_only,
                    "SSO only",
                    "Staff cannot sign in with a password any more. Candidates are not affected.",
                ),
                error_callout(S.form_error),
                rx.hstack(
                    rx.button("Save", type="submit", size="3", data_testid="sso-save"),
                    rx.cond(
                        S.configured,
                        rx.button(
                            "Turn off single sign-on",
                            type="button",
                            size="3",
                            variant="soft",
                            color_scheme="red",
                            on_click=S.set_remove_open(True),
                            data_testid="sso-remove",
                        ),
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save,
            key=S.version,
        ),
    )


def sso_settings_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Single sign-on", size="7", as_="h1"),
            rx.text(
                "Let your staff sign in with your company's accounts (Google Workspace, Microsoft "
                "Entra ID, Okta or any OpenID Connect provider).",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                S.loading,
                loading_block(),
                rx.vstack(
                    section(
                        "Register FlowTrack with your provider",
                        rx.text(
                            "Create a web application (authorisation code flow) in your provider with "
                            "this redirect URI and the scopes openid, email and profile.",
                            size="2",
                        ),
                        copy_box("Redirect URI", "sso-redirect-uri", S.redirect_uri, "Copied.", rows="1"),
                        copy_box(
                            "Sign-in address for your staff",
                            "sso-start-url",
                            S.start_url,
                            "Copied.",
                            rows="1",
                        ),
                    ),
                    _settings_form(),
                    spacing="4",
                    width="100%",
                ),
            ),
            form_dialog(
                "Turn off single sign-on?",
                rx.text(
                    "Staff sign in with their passwords again; those who never had one choose "
                    "“Forgot your password?” on the sign-in page.",
                    size="2",
                ),
                on_submit=S.remove,
                open=S.remove_open,
                on_open_change=S.set_remove_open,
                submit_label="Turn off",
                submit_test_id="sso-remove-submit",
                danger=True,
            ),
            spacing="4",
            width="100%",
        ),
        max_width="800px",
    )
