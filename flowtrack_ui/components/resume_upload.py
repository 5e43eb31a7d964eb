"""The résumé drop zone: one PDF or DOCX, sent as soon as it is chosen or dropped, a progress bar
while it uploads; the server decides."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar, Var

UPLOAD_ID = "resume"
ACCEPT = {
    "application/pdf": [".pdf"],
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [".docx"],
}


def _name_file_input(component: rx.Component, name: str) -> rx.Component:
    """Give the drop zone's hidden file input an accessible name (rx.upload offers no prop for it)."""
    todo = [component]
    while todo:
        node = todo.pop()
        if getattr(node, "tag", None) == "input":
            node.custom_attrs["aria-label"] = name
            return component
        todo.extend(getattr(node, "children", []))
    return component


def rejected_records(rejected: Var) -> Var:
    """What the browser refused, as plain records the server can put in words: the file's name and
    size and react-dropzone's reason codes (its own messages read "File is larger than 10485760
    bytes")."""

    def record(rf: Var) -> Var:
        item = rf.to(ObjectVar, dict[str, Any])
        file = item["file"].to(ObjectVar, dict[str, Any])
        errors = item["errors"].to(ArrayVar, list[dict[str, Any]])
        return Var.create(
            {
                "name": file["name"],
                "size": file["size"],
                "codes": errors.map(lambda e: e.to(ObjectVar, dict[str, Any])["code"]),
            }
        )

    return rejected.to(ArrayVar, list[dict[str, Any]]).map(record)


def resume_upload(on_upload, on_progress, uploading, progress, error, on_rejected) -> rx.Component:
    """``on_upload`` receives the file as soon as it is chosen or dropped (no second step); the
    10 MiB and type limits here are only browser hints, and ``on_rejected`` hears (as
    ``rejected_records``) of a file they refused."""
    zone = _name_file_input(
        rx.upload.root(
            rx.vstack(
                rx.icon("file-up", size=28, color="var(--gray-11)"),
                rx.text("Drop your résumé here, or", size="2"),
                rx.button("Choose a file", type="button", variant="soft", size="2"),
                rx.text("PDF or Word (DOCX), at most 10 MB", size="1", color_scheme="gray"),
                align="center",
                spacing="2",
            ),
            id=UPLOAD_ID,
            accept=ACCEPT,
            max_files=1,
            multiple=False,
            max_size=10 * 1024 * 1024,
            on_drop=on_upload(rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=on_progress)),
            on_drop_rejected=lambda rejected: on_rejected(rejected_records(rejected)),
            border="1px dashed var(--gray-a8)",
            border_radius="10px",
            padding="4",
            width="100%",
            data_testid="resume-dropzone",
        ),
        "Résumé file (PDF or Word DOCX)",
    )
    return rx.vstack(
        zone,
        rx.cond(uploading, rx.progress(value=progress, width="100%", aria_label="Upload progress")),
        rx.cond(
            error != "",
            rx.callout(
                error,
                icon="triangle_alert",
                color_scheme="red",
                high_contrast=True,
                role="alert",
                width="100%",
                data_testid="upload-error",
            ),
        ),
        spacing="2",
        width="100%",
    )
