"""The candidate's profile: contact details, links, headline, and the current résumé."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import error_callout, field
from flowtrack_ui.components.layout import loading_block, page
from flowtrack_ui.components.resume_upload import resume_upload
from flowtrack_ui.state.profile import ProfileState


def _details() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Your details", size="4", as_="h2"),
                field(
                    "Full name",
                    "full_name",
                    default_value=ProfileState.full_name,
                    required=True,
                    max_length=120,
                    auto_complete="name",
                ),
                field(
                    "Headline",
                    "headline",
                    default_value=ProfileState.headline,
                    max_length=200,
                    placeholder="Backend engineer, 6 years of Python and PostgreSQL",
                ),
                rx.grid(
                    field(
                        "Phone",
                        "phone",
                        "tel",
                        default_value=ProfileState.phone,
                        max_length=40,
                        auto_complete="tel",
                        placeholder="+44 20 7946 0958",
                    ),
                    field(
                        "Location",
                        "location",
                        default_value=ProfileState.location,
                        max_length=200,
                        placeholder="Lisbon, Portugal",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                field(
                    "LinkedIn",
                    "linkedin_url",
                    "url",
                    default_value=ProfileState.linkedin_url,
                    max_length=300,
                    placeholder="https://www.linkedin.com/in/you",
                ),
                field(
                    "Website",
                    "website",
                    "url",
                    default_value=ProfileState.website,
                    max_length=300,
                    placeholder="https://you.dev",
                ),
                error_callout(ProfileState.error),
                rx.button("Save profile", type="submit", data_testid="save-profile"),
                spacing="3",
                width="100%",
            ),
            on_submit=ProfileState.save,
            reset_on_submit=False,
            key=ProfileState.full_name + ProfileState.headline,
        ),
        width="100%",
    )


def _resume() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Résumé", size="4", as_="h2"),
            rx.cond(
                ProfileState.resume_name != "",
                rx.hstack(
                    rx.icon("file-text", size=22),
                    rx.vstack(
                        rx.text(ProfileState.resume_name, weight="bold", data_testid="current-resume"),
                        rx.text(ProfileState.resume_info, size="1", color_scheme="gray"),
                        spacing="0",
                    ),
                    rx.spacer(),
                    rx.button(
                        rx.icon("download", size=16),
                        "Download",
                        variant="soft",
                        on_click=ProfileState.download_resume,
                        aria_label="Download your résumé",
                    ),
                    align="center",
                    width="100%",
                ),
                rx.text("No résumé yet: applications are sent without one.", color_scheme="gray", size="2"),
            ),
            rx.cond(
                ProfileState.resume_note != "",
                rx.callout(
                    ProfileState.resume_note,
                    icon="info",
                    color_scheme="amber",
                    high_contrast=True,
                    size="1",
                    width="100%",
                ),
            ),
            resume_upload(
                ProfileState.upload_resume,
                ProfileState.upload_progressed,
                ProfileState.uploading,
                ProfileState.upload_progress,
                ProfileState.upload_error,
                ProfileState.resume_rejected,
            ),
            rx.text(
                "A new upload replaces this résumé for future applications; those already sent keep theirs.",
                size="1",
                color_scheme="gray",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def profile_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Your profile", size="6", as_="h1"),
            rx.text("Recruiters see this with every application you send.", color_scheme="gray"),
            rx.cond(
                ProfileState.loaded,
                rx.grid(
                    _details(),
                    _resume(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                loading_block(),
            ),
            spacing="4",
            width="100%",
        )
    )
