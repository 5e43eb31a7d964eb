"""The conversation with the candidate on the application page: the thread (emails out with their
state, replies in, the team's internal notes set apart) and the "Write to candidate" dialog."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.forms import error_callout, label
from flowtrack_ui.components.resume_upload import _name_file_input
from flowtrack_ui.state.conversation import ConversationState as C
from flowtrack_ui.state.conversation import FileRow, TemplateChoice, ThreadRow

UPLOAD_ID = "message-attachments"

STATE_COLORS = [
    ("held", "amber"),
    ("queued", "blue"),
    ("sent", "green"),
    ("failed", "red"),
    ("cancelled", "gray"),
    ("reply", "violet"),
    ("bounce", "red"),
    ("auto_reply", "gray"),
]


def _state_badge(r: ObjectVar[ThreadRow]) -> rx.Component:
    return rx.badge(
        r.state_label,
        color_scheme=rx.match(r.state, *STATE_COLORS, "gray"),
        variant="soft",
        high_contrast=True,
        size="1",
        data_testid="conversation-state",
    )


def _file(f: ObjectVar[FileRow]) -> rx.Component:
    return rx.button(
        rx.icon("paperclip", size=14, aria_hidden="true"),
        f.name,
        rx.text.span(f.info, color_scheme="gray", size="1"),
        type="button",
        size="1",
        variant="soft",
        color_scheme="gray",
        high_contrast=True,
        on_click=C.download_file(f.file_id),
        title="Download",
        data_testid="conversation-file",
    )


def _email_row(r: ObjectVar[ThreadRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("mail", size=16, aria_hidden="true"),
            rx.text(r.subject, weight="medium", size="2", style={"overflowWrap": "anywhere"}),
            _state_badge(r),
            rx.cond(
                r.template_name != "",
                rx.badge(r.template_name, variant="outline", color_scheme="gray", size="1"),
            ),
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.text(
            "To ",
            r.address,
            " · from ",
            r.author,
            rx.cond(r.held_until != "", " · held until " + r.held_until, ""),
            size="1",
            color_scheme="gray",
            style={"overflowWrap": "anywhere"},
        ),
        rx.text(r.body, size="2", white_space="pre-wrap", style={"overflowWrap": "anywhere"}),
        rx.cond(
            r.attachments.length() > 0,
            rx.hstack(rx.foreach(r.attachments, _file), wrap="wrap", spacing="1"),
        ),
        rx.cond(r.error != "", rx.text(r.error, size="1", color_scheme="red")),
        rx.cond(
            r.can_cancel,
            rx.hstack(
                rx.button(
                    "Send now",
                    size="1",
                    variant="soft",
                    on_click=C.send_email_now(r.id),
                    data_testid="conversation-send-now",
                ),
                rx.button(
                    "Cancel email",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    high_contrast=True,
                    on_click=C.cancel_email(r.id),
                    data_testid="conversation-cancel",
                ),
                spacing="2",
            ),
        ),
        rx.text(r.when, size="1", color_scheme="gray", title=r.exact),
        spacing="1",
        width="100%",
        padding="10px 12px",
        border_radius="8px",
        border="1px solid var(--gray-a5)",
        data_testid="conversation-email",
    )


def _reply_row(r: ObjectVar[ThreadRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("reply", size=16, aria_hidden="true"),
            rx.text(r.author, weight="medium", size="2"),
            _state_badge(r),
            rx.cond(
                r.unread, rx.badge("New", color_scheme="violet", size="1", data_testid="conversation-unread")
            ),
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.text(
            r.subject, " · ", r.address, size="1", color_scheme="gray", style={"overflowWrap": "anywhere"}
        ),
        rx.text(r.body, size="2", white_space="pre-wrap", style={"overflowWrap": "anywhere"}),
        rx.cond(
            r.attachments.length() > 0,
            rx.hstack(rx.foreach(r.attachments, _file), wrap="wrap", spacing="1"),
        ),
        rx.cond(r.error != "", rx.text(r.error, size="1", color_scheme="gray")),
        rx.text(r.when, size="1", color_scheme="gray", title=r.exact),
        spacing="1",
        width="100%",
        padding="10px 12px",
        border_radius="8px",
        background=rx.cond(r.unread, "var(--violet-a3)", "var(--gray-a2)"),
        border_left="3px solid var(--violet-9)",
        data_testid="conversation-reply",
    )


def _note_row(r: ObjectVar[ThreadRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("lock", size=14, aria_hidden="true"),
            rx.text("Internal note", weight="medium", size="1"),
            rx.text("· ", r.author, size="1", color_scheme="gray"),
            align="center",
            spacing="1",
        ),
        rx.text(r.body, size="2", white_space="pre-wrap", style={"overflowWrap": "anywhere"}),
        rx.text(r.when, size="1", color_scheme="gray", title=r.exact),
        spacing="1",
        width="100%",
        padding="8px 12px",
        border_radius="8px",
        background="var(--amber-a3)",
        border="1px dashed var(--amber-a7)",
        data_testid="conversation-note",
    )


def _row(r: ObjectVar[ThreadRow]) -> rx.Component:
    return rx.match(r.kind, ("email", _email_row(r)), ("reply", _reply_row(r)), _note_row(r))


def conversation_panel() -> rx.Component:
    """The thread, newest first, and the button that writes to the candidate (recruiters)."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Conversation", size="4", as_="h2"),
                rx.cond(
                    C.unread_count > 0,
                    rx.badge(C.unread_count.to_string() + " new", color_scheme="violet", size="1"),
                ),
                rx.spacer(),
                rx.cond(
                    C.can_write,
                    rx.button(
                        rx.icon("send", size=14, aria_hidden="true"),
                        "Write to candidate",
                        size="2",
                        on_click=C.open_compose,
                        data_testid="write-to-candidate",
                    ),
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.text(
                "Emails to the candidate and their replies. Internal notes are for the team and never sent.",
                size="1",
                color_scheme="gray",
            ),
            rx.cond(
                C.thread.length() > 0,
                rx.vstack(rx.foreach(C.thread, _row), spacing="2", width="100%"),
                rx.text("Nothing written yet.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="conversation",
    )


def _choice(c: ObjectVar[TemplateChoice]) -> rx.Component:
    return rx.el.option(c.label, value=c.value)


def _attached(name: str) -> rx.Component:
    return rx.badge(
        rx.icon("paperclip", size=12, aria_hidden="true"),
        name,
        rx.el.button(
            rx.icon("x", size=12, aria_hidden="true"),
            type="button",
            on_click=C.remove_attachment(name),
            aria_label="Remove " + name,
            style={
                "background": "none",
                "border": "none",
                "cursor": "pointer",
                "padding": "0",
                "color": "inherit",
            },
        ),
        color_scheme="gray",
        variant="soft",
        high_contrast=True,
        size="2",
        data_testid="message-attached",
    )


_FIELD = {
    "width": "100%",
    "padding": "6px 8px",
    "borderRadius": "6px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
    "fontSize": "14px",
}


def compose_dialog() -> rx.Component:
    """Write to the candidate: a template or blank, subject and body (variables such as
    {{ candidate.first_name }} are filled in), attachments, now or at a chosen time."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Write to ", C.name),
            rx.dialog.description(
                "Variables such as {{ candidate.first_name }} or {{ job.title }} are filled in when it "
                "is sent. Replies come back into this conversation.",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.vstack(
                        label("Start from", html_for="message-template"),
                        rx.el.select(
                            rx.foreach(C.choices, _choice),
                            id="message-template",
                            value=C.template_value,
                            on_change=C.pick_template,
                            style=_FIELD,
                            data_testid="message-template",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.vstack(
                        label("Subject", html_for="message-subject"),
                        rx.input(
                            id="message-subject",
                            name="subject",
                            default_value=C.draft_subject,
                            key=C.compose_key,
                            on_change=C.set_draft_subject.debounce(300),
                            on_blur=C.set_draft_subject,
                            max_length=200,
                            width="100%",
                            data_testid="message-subject",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.vstack(
                        label("Message", html_for="message-body"),
                        rx.text_area(
                            id="message-body",
                            name="body",
                            default_value=C.draft_body,
                            key=C.compose_key,
                            on_change=C.set_draft_body.debounce(300),
                            on_blur=C.set_draft_body,
                            rows="8",
                            width="100%",
                            data_testid="message-body",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    _name_file_input(
                        rx.upload.root(
                            rx.hstack(
                                rx.icon("paperclip", size=16, aria_hidden="true"),
                                rx.text("Attach files (PDF, Word, PNG, JPEG, text; 5 MB each)", size="2"),
                                align="center",
                                spacing="2",
                            ),
                            id=UPLOAD_ID,
                            multiple=True,
                            max_files=5,
                            on_drop=C.attach(rx.upload_files(upload_id=UPLOAD_ID)),
                            border="1px dashed var(--gray-a7)",
                            border_radius="8px",
                            padding="10px",
                            width="100%",
                            cursor="pointer",
                            data_testid="message-upload",
                        ),
                        "Attach files to the message",
                    ),
                    rx.cond(
                        C.attached.length() > 0,
                        rx.hstack(rx.foreach(C.attached, _attached), wrap="wrap", spacing="1"),
                    ),
                    rx.vstack(
                        rx.text("When", size="2", weight="medium", id="message-when-label"),
                        rx.radio_group.root(
                            rx.hstack(
                                rx.radio_group.item(value="now", id="message-when-now"),
                                label("Send now", html_for="message-when-now", weight="regular"),
                                rx.radio_group.item(value="later", id="message-when-later"),
                                label("Schedule", html_for="message-when-later", weight="regular"),
                                align="center",
                                spacing="2",
                            ),
                            value=rx.cond(C.schedule, "later", "now"),
                            on_change=C.set_schedule,
                            aria_labelledby="message-when-label",
                        ),
                        rx.cond(
                            C.schedule,
                            rx.hstack(
                                rx.el.input(
                                    type="datetime-local",
                                    id="message-send-at",
                                    name="send_at",
                                    value=C.send_at_local,
                                    on_change=C.set_send_at_local,
                                    aria_label="Send at (your time zone)",
                                    style={**_FIELD, "width": "auto"},
                                    data_testid="message-send-at",
                                ),
                                rx.text(C.time_zone, size="1", color_scheme="gray"),
                                align="center",
                                wrap="wrap",
                            ),
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.cond(
                        C.preview_text != "",
                        rx.vstack(
                            rx.text("Preview", size="1", color_scheme="gray"),
                            rx.text(C.preview_subject, weight="medium", size="2"),
                            rx.text(C.preview_text, size="2", white_space="pre-wrap"),
                            padding="8px 12px",
                            border_radius="8px",
                            background="var(--gray-a2)",
                            width="100%",
                            spacing="1",
                            data_testid="message-preview",
                        ),
                    ),
                    error_callout(C.compose_error),
                    rx.hstack(
                        rx.button(
                            "Preview",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            high_contrast=True,
                            on_click=C.preview,
                            data_testid="message-preview-button",
                        ),
                        rx.spacer(),
                        rx.dialog.close(
                            rx.button("Close", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            rx.cond(C.schedule, "Schedule", "Send"),
                            type="submit",
                            loading=C.sending,
                            data_testid="message-send",
                        ),
                        width="100%",
                        align="center",
                        wrap="wrap",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=C.send,
                reset_on_submit=False,
            ),
            max_width="640px",
        ),
        open=C.compose_open,
        on_open_change=C.set_compose_open,
    )
