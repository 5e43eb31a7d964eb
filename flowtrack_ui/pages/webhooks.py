"""/webhooks: where recruiters connect their HR system, Slack or anything else that listens for
FlowTrack's events: add an endpoint (its secret shown once), see each one's state and delivery log,
redeliver, enable again after a failure, delete."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.careers_settings import copy_box, section
from flowtrack_ui.components.forms import error_callout, field, form_dialog
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.state.webhooks import DeliveryRow, EndpointRow, EventChoice
from flowtrack_ui.state.webhooks import WebhooksState as S


def _event_choice(choice: ObjectVar[EventChoice]) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=choice.field,
            default_checked=choice.checked,
            style={"marginTop": "3px", "width": "16px", "height": "16px", "flexShrink": "0"},
            data_testid="event-" + choice.field,
        ),
        rx.box(
            rx.text(choice.name, size="2", weight="medium", as_="div"),
            rx.text(choice.description, size="1", color_scheme="gray", as_="div"),
        ),
        style={"display": "flex", "gap": "8px", "alignItems": "flex-start", "cursor": "pointer"},
    )


def _add_dialog() -> rx.Component:
    return form_dialog(
        "Add a webhook",
        field(
            "Endpoint URL",
            "url",
            "url",
            id_="webhook-url",
            placeholder="https://hr.example.com/flowtrack",
            required=True,
            max_length=2000,
            data_testid="webhook-url",
        ),
        field(
            "Description (optional)",
            "description",
            id_="webhook-description",
            placeholder="Our HR system",
            max_length=200,
        ),
        rx.el.fieldset(
            rx.el.legend("Events", class_name="rt-Text rt-r-size-2 rt-r-weight-medium"),
            rx.vstack(rx.foreach(S.choices, _event_choice), spacing="2", padding_top="6px"),
            style={"border": "none", "padding": "0", "margin": "0"},
        ),
        error_callout(S.add_error),
        description=(
            "FlowTrack POSTs a signed JSON body to this URL for each event you choose. "
            "It must be an https:// address on the public internet."
        ),
        on_submit=S.add,
        open=S.add_open,
        on_open_change=S.set_add_open,
        submit_label="Add webhook",
        submit_test_id="webhook-add-submit",
        key=S.form_key,
    )


def _delete_dialog() -> rx.Component:
    return form_dialog(
        "Delete this webhook?",
        rx.text(
            "Nothing more is sent to ",
            rx.code(S.delete_url, size="2", style={"wordBreak": "break-all"}),
            " and its delivery log is deleted.",
            size="2",
        ),
        on_submit=S.delete,
        open=S.delete_id != 0,
        on_open_change=S.set_delete_open,
        submit_label="Delete webhook",
        submit_test_id="webhook-delete-submit",
        danger=True,
    )


def _secret() -> rx.Component:
    return rx.cond(
        S.new_secret != "",
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("key-round", size=18, color="var(--green-11)"),
                    rx.text(
                        "Copy the signing secret of ",
                        rx.code(S.new_secret_url, variant="ghost", style={"wordBreak": "break-all"}),
                        " now: it is not shown again.",
                        size="2",
                        weight="medium",
                    ),
                    align="start",
                    spacing="2",
                ),
                copy_box("Signing secret", "webhook-secret", S.new_secret, "Copied the secret.", rows="1"),
                rx.text(
                    "Each delivery carries a FlowTrack-Signature header, t=<unix time>,v1=<hex>: "
                    "the HMAC-SHA256 of the time, a dot and the raw body, keyed with this secret. "
                    "Compute it on your side and compare; refuse old times to stop replays.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.button(
                    "Done", size="2", variant="soft", on_click=S.hide_secret, data_testid="secret-done"
                ),
                spacing="3",
                width="100%",
            ),
            role="status",
            width="100%",
            style={"borderLeft": "4px solid var(--green-9)"},
            data_testid="secret-callout",
        ),
    )


def _endpoint(row: ObjectVar[EndpointRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(
                    rx.match(row.status, ("active", "Active"), ("failing", "Failing"), "Disabled"),
                    color_scheme=rx.match(row.status, ("active", "green"), ("failing", "amber"), "red"),
                    high_contrast=True,
                ),
                rx.text(
                    row.url,
                    size="2",
                    weight="medium",
                    style={"wordBreak": "break-all", "fontFamily": "var(--code-font-family)"},
                ),
                align="center",
                spacing="2",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(row.description != "", rx.text(row.description, size="2")),
            rx.hstack(
                rx.foreach(
                    row.events, lambda e: rx.badge(e, variant="soft", color_scheme="gray", high_contrast=True)
                ),
                spacing="1",
                wrap="wrap",
            ),
            rx.text(
                row.status_text,
                rx.cond(row.pending != "", " · " + row.pending, ""),
                size="1",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("list", size=14),
                    "Deliveries",
                    size="2",
                    variant="soft",
                    on_click=S.open_log(row.id),
                    aria_label="Deliveries of " + row.url,
                    data_testid="webhook-log",
                ),
                rx.cond(
                    row.enabled,
                    rx.button(
                        rx.icon("send", size=14),
                        "Send a test event",
                        size="2",
                        variant="soft",
                        on_click=S.send_test(row.id),
                        aria_label="Send a test event to " + row.url,
                        data_testid="webhook-test",
                    ),
                ),
                rx.cond(
                    ~row.enabled,
                    rx.button(
                        "Enable",
                        size="2",
                        variant="soft",
                        color_scheme="green",
                        on_click=S.enable(row.id),
                        data_testid="webhook-enable",
                    ),
                ),
                rx.button(
                    rx.icon("trash-2", size=14),
                    "Delete",
                    size="2",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.ask_delete(row.id),
                    aria_label="Delete " + row.url,
                    data_testid="webhook-delete",
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="webhook-row",
    )


def _delivery(row: ObjectVar[DeliveryRow]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.badge(
                row.state,
                color_scheme=rx.match(row.state, ("delivered", "green"), ("pending", "amber"), "red"),
                high_contrast=True,
            ),
            rx.text(row.event, size="2", weight="medium"),
            rx.cond(
                row.redelivery,
                rx.badge("redelivery", variant="outline", color_scheme="gray", high_contrast=True),
            ),
            rx.text("HTTP " + row.status, size="2", data_testid="delivery-status"),
            rx.text(row.attempts, size="2", color_scheme="gray"),
            rx.spacer(),
            rx.button(
                rx.icon("rotate-cw", size=14),
                "Redeliver",
                size="1",
                variant="soft",
                on_click=S.redeliver(row.id),
                aria_label="Redeliver " + row.event + " " + row.event_id,
                data_testid="delivery-redeliver",
            ),
            align="center",
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        rx.text(
            row.when, " · ", row.event_id, size="1", color_scheme="gray", style={"wordBreak": "break-all"}
        ),
        rx.cond(row.next_try != "", rx.text(row.next_try, size="1", color_scheme="gray")),
        rx.cond(
            row.detail != "",
            rx.code(
                row.detail,
                size="1",
                variant="ghost",
                style={"whiteSpace": "pre-wrap", "wordBreak": "break-all", "display": "block"},
            ),
        ),
        padding_y="10px",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
        data_testid="delivery-row",
    )


def _log() -> rx.Component:
    return rx.cond(
        S.log_id != 0,
        section(
            "Deliveries",
            rx.hstack(
                rx.text(
                    rx.code(S.log_url, style={"wordBreak": "break-all"}),
                    ": newest first. Failed deliveries are retried with growing pauses for a day.",
                    size="2",
                ),
                rx.spacer(),
                rx.button("Refresh", size="1", variant="soft", on_click=S.refresh, data_testid="log-refresh"),
                rx.button("Close", size="1", variant="soft", color_scheme="gray", on_click=S.close_log),
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                S.log_rows.length() > 0,
                rx.vstack(rx.foreach(S.log_rows, _delivery), spacing="0", width="100%"),
                rx.text("Nothing was sent to it yet.", size="2", color_scheme="gray"),
            ),
        ),
    )


def webhooks_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading("Webhooks", size="7", as_="h1"),
                    rx.text(
                        "Tell your HR system, Slack or any service of yours when something happens "
                        "in FlowTrack. Each event is a signed JSON POST, retried for a day if it fails.",
                        size="2",
                        color_scheme="gray",
                    ),
                    spacing="1",
                    flex="1",
                    min_width="16em",
                ),
                rx.button(
                    rx.icon("plus", size=16),
                    "Add webhook",
                    size="3",
                    on_click=S.set_add_open(True),
                    data_testid="webhook-add",
                ),
                align="end",
                wrap="wrap",
                spacing="3",
                width="100%",
            ),
            _secret(),
            rx.cond(
                S.loading,
                loading_block(),
                rx.cond(
                    S.rows.length() > 0,
                    rx.vstack(rx.foreach(S.rows, _endpoint), spacing="3", width="100%"),
                    empty_block(
                        "webhook",
                        "No webhooks yet",
                        "Add one to send new applications, moves and hires to another system.",
                    ),
                ),
            ),
            _log(),
            _add_dialog(),
            _delete_dialog(),
            spacing="4",
            width="100%",
        ),
    )
