"""/careers-settings: the company's careers site as its staff set it up, and the snippets that put
its open jobs on the company's own website."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.careers_settings import copy_box, link_editor, logo_upload, section
from flowtrack_ui.components.company_zone import company_zone_section
from flowtrack_ui.components.forms import error_callout, label
from flowtrack_ui.components.layout import loading_block, page
from flowtrack_ui.components.markdown_view import markdown_preview, plain_link
from flowtrack_ui.state.careers_settings import CareersSettingsState as S


def _careers_link() -> rx.Component:
    return section(
        "Your careers page",
        rx.text(
            "Link it from your website, your email signature and your job ads. It lists your "
            "published jobs; each job has its own page that search engines and job boards read.",
            size="2",
            color_scheme="gray",
        ),
        copy_box("Careers page link", "careers-url", S.careers_url, "Copied the link.", rows="1"),
        plain_link(
            "Open your careers page",
            rx.icon("external-link", size=14),
            href=S.careers_url,
            test_id="careers-open",
        ),
    )


def _address() -> rx.Component:
    return section(
        "Address",
        rx.form(
            rx.vstack(
                label("Careers page address", html_for="slug"),
                rx.hstack(
                    rx.text(S.careers_base, size="2", color_scheme="gray", white_space="nowrap"),
                    rx.input(
                        id="slug",
                        name="slug",
                        default_value=S.slug,
                        on_change=S.set_slug_input,
                        max_length=60,
                        disabled=~S.can_edit,
                        auto_complete="off",
                        aria_describedby="slug-hint",
                        flex="1",
                        min_width="8em",
                        data_testid="slug-input",
                    ),
                    align="center",
                    spacing="1",
                    width="100%",
                    wrap="wrap",
                ),
                rx.text(
                    rx.cond(
                        S.address_preview != "",
                        "Candidates will find you at " + S.address_preview + ". ",
                        "",
                    ),
                    "Lower-case letters, digits and hyphens. Your old address keeps leading here.",
                    size="1",
                    color_scheme="gray",
                    id="slug-hint",
                    data_testid="slug-preview",
                ),
                rx.cond(
                    S.old_slugs.length() > 0,
                    rx.text(
                        "Old addresses that still lead here: ",
                        rx.foreach(S.old_slugs, lambda old: rx.code(old, size="1", margin_right="4px")),
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                error_callout(S.address_error),
                rx.cond(
                    S.can_edit,
                    rx.button("Change address", type="submit", variant="soft", data_testid="save-address"),
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.save_address,
            key=S.version,
            width="100%",
        ),
    )


def _look() -> rx.Component:
    return section(
        "About your company",
        rx.form(
            rx.vstack(
                label("Accent colour", html_for="accent_hex"),
                rx.hstack(
                    rx.el.input(
                        type="color",
                        value=S.accent_color,
                        on_change=S.set_accent,
                        disabled=~S.can_edit,
                        aria_label="Pick the accent colour",
                        style={"width": "44px", "height": "32px", "padding": "0", "border": "none"},
                        data_testid="accent-picker",
                    ),
                    rx.input(
                        id="accent_hex",
                        name="accent_color",
                        value=S.accent_input,
                        on_change=S.set_accent,
                        max_length=7,
                        disabled=~S.can_edit,
                        width="7em",
                        aria_describedby="accent-hint",
                        data_testid="accent-hex",
                    ),
                    rx.box(
                        "Apply",
                        background=S.accent_color,
                        color="white",
                        padding="4px 12px",
                        border_radius="6px",
                        font_size="14px",
                        font_weight="600",
                        aria_hidden="true",
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.text(
                    "Buttons and links on your careers page take this colour.",
                    size="1",
                    color_scheme="gray",
                    id="accent-hint",
                ),
                label("About (Markdown)", html_for="about"),
                rx.text_area(
                    id="about",
                    name="about",
                    default_value=S.about,
                    on_change=S.preview_about.debounce(250),
                    rows="6",
                    max_length=5000,
                    disabled=~S.can_edit,
                    width="100%",
                    placeholder="Who you are, what you build, how you work.",
                    data_testid="about-input",
                ),
                markdown_preview(S.about_html, "about-preview", "Your about text, as candidates read it."),
                rx.text("Links", size="2", weight="medium"),
                rx.foreach(S.links, link_editor),
                rx.cond(
                    S.can_edit,
                    rx.button(
                        rx.icon("plus", size=14),
                        "Add a link",
                        type="button",
                        variant="soft",
                        size="1",
                        on_click=S.add_link,
                        disabled=S.links.length() >= 8,
                        data_testid="add-link",
                    ),
                ),
                error_callout(S.form_error),
                rx.cond(S.can_edit, rx.button("Save", type="submit", data_testid="save-careers")),
                spacing="2",
                width="100%",
            ),
            on_submit=S.save,
            key=S.version,
            width="100%",
        ),
    )


def _embed() -> rx.Component:
    return section(
        "Show your jobs on your website",
        rx.text(
            "Paste one of these into a page of your website: it shows your open jobs there, "
            "always up to date, and each links to its page here. The script fits your page's own "
            "fonts; the frame works where scripts are not allowed.",
            size="2",
            color_scheme="gray",
        ),
        copy_box("Script", "embed-script", S.embed_script, "Copied the script snippet.", rows="4"),
        copy_box("Frame (iframe)", "embed-iframe", S.embed_iframe, "Copied the frame snippet.", rows="4"),
    )


def careers_settings_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Careers site", size="7", as_="h1"),
            rx.cond(
                S.loading,
                loading_block(),
                rx.vstack(
                    rx.cond(
                        ~S.can_edit,
                        rx.callout(
                            "Only recruiters can change the careers site; you can copy its links.",
                            icon="info",
                            width="100%",
                            data_testid="read-only-note",
                        ),
                    ),
                    _careers_link(),
                    _embed(),
                    _address(),
                    section("Logo", logo_upload(S.upload_logo, S.upload_progressed)),
                    _look(),
                    company_zone_section(),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        max_width="860px",
    )
