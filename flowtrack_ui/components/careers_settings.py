"""Pieces of the careers-site settings page: a titled section, a read-only box with a Copy button,
a link row, the logo's preview and upload."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.forms import label
from flowtrack_ui.components.resume_upload import _name_file_input
from flowtrack_ui.state.careers_settings import LOGO_UPLOAD_ID, CareersSettingsState, LinkRow

LOGO_ACCEPT = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}


def section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3", width="100%"),
        width="100%",
        size="2",
    )


def copy_box(title: str, box_id: str, text, copied: str, rows: str = "3") -> rx.Component:
    """A read-only box with what to paste, and a button that copies it (in the browser)."""
    common = {
        "id": box_id,
        "width": "100%",
        "style": {"fontFamily": "var(--code-font-family)", "fontSize": "13px"},
        "on_focus": rx.call_script(f"document.getElementById('{box_id}').select()"),
        "data_testid": box_id,
    }
    return rx.vstack(
        rx.hstack(
            label(title, html_for=box_id),
            rx.spacer(),
            rx.button(
                rx.icon("copy", size=14),
                "Copy",
                type="button",
                size="1",
                variant="soft",
                on_click=[rx.set_clipboard(text), rx.toast.success(copied)],
                aria_label=f"Copy: {title}",
                data_testid=f"copy-{box_id}",
            ),
            align="center",
            width="100%",
        ),
        rx.input(value=text, read_only=True, **common)
        if rows == "1"
        else rx.text_area(value=text, read_only=True, rows=rows, resize="vertical", **common),
        spacing="1",
        width="100%",
    )


def link_editor(row: ObjectVar[LinkRow], index) -> rx.Component:
    n = (index + 1).to_string()
    return rx.hstack(
        rx.input(
            name="link_label_" + row.key.to_string(),
            default_value=row.label,
            placeholder="Label",
            max_length=40,
            aria_label="Label of link " + n,
            disabled=~CareersSettingsState.can_edit,
            width=["40%", "30%"],
            data_testid="link-label",
        ),
        rx.input(
            name="link_url_" + row.key.to_string(),
            default_value=row.url,
            placeholder="https://…",
            max_length=300,
            aria_label="Address of link " + n,
            disabled=~CareersSettingsState.can_edit,
            flex="1",
            min_width="0",
            data_testid="link-url",
        ),
        rx.cond(
            CareersSettingsState.can_edit,
            rx.icon_button(
                rx.icon("trash-2", size=14),
                type="button",
                variant="ghost",
                color_scheme="red",
                size="1",
                on_click=CareersSettingsState.remove_link(row.key),
                aria_label="Remove link " + n,
            ),
        ),
        key=row.key,
        width="100%",
        align="center",
        spacing="2",
        data_testid="link-row",
    )


def logo_upload(on_upload, on_progress) -> rx.Component:
    """``on_upload`` receives the file; the type and size limits here are only browser hints."""
    S = CareersSettingsState
    preview = rx.cond(
        S.logo_src != "",
        rx.image(
            src=S.logo_src,
            alt="Your logo",
            max_height="96px",
            max_width="240px",
            object_fit="contain",
            data_testid="logo-preview",
        ),
        rx.center(
            rx.text("No logo", size="1", color_scheme="gray"),
            width="96px",
            height="64px",
            border="1px dashed var(--gray-a7)",
            border_radius="8px",
        ),
    )
    zone = _name_file_input(
        rx.upload.root(
            rx.vstack(
                rx.icon("image-up", size=24, color="var(--gray-11)"),
                rx.text("Drop an image here, or", size="2"),
                rx.button("Choose an image", type="button", variant="soft", size="1"),
                rx.text(
                    "PNG, JPEG or WebP, at most 2 MB; shown at most 512 px wide",
                    size="1",
                    color_scheme="gray",
                ),
                align="center",
                spacing="1",
            ),
            id=LOGO_UPLOAD_ID,
            accept=LOGO_ACCEPT,
            max_files=1,
            multiple=False,
            max_size=2 * 1024 * 1024,
            border="1px dashed var(--gray-a8)",
            border_radius="10px",
            padding="3",
            width="100%",
            data_testid="logo-dropzone",
        ),
        "Logo image (PNG, JPEG or WebP)",
    )
    return rx.vstack(
        rx.hstack(
            preview,
            rx.cond(
                S.can_edit & (S.logo_src != ""),
                rx.button(
                    rx.icon("trash-2", size=14),
                    "Remove logo",
                    type="button",
                    variant="soft",
                    color_scheme="red",
                    size="1",
                    on_click=S.remove_logo,
                    data_testid="remove-logo",
                ),
            ),
            align="center",
            spacing="4",
            wrap="wrap",
        ),
        rx.cond(
            S.can_edit,
            rx.vstack(
                zone,
                rx.foreach(
                    rx.selected_files(LOGO_UPLOAD_ID),
                    lambda name: rx.text(
                        rx.icon("file", size=14), " ", name, size="2", data_testid="selected-logo"
                    ),
                ),
                rx.cond(
                    S.logo_error != "",
                    rx.callout(
                        S.logo_error,
                        icon="triangle_alert",
                        color_scheme="red",
                        high_contrast=True,
                        role="alert",
                        width="100%",
                        data_testid="logo-error",
                    ),
                ),
                rx.button(
                    rx.icon("upload", size=14),
                    "Upload logo",
                    type="button",
                    loading=S.uploading,
                    on_click=on_upload(
                        rx.upload_files(upload_id=LOGO_UPLOAD_ID, on_upload_progress=on_progress)
                    ),
                    data_testid="upload-logo",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )
