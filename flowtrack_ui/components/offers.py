"""The Offer section of the application page and the dialog that writes an offer."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.state.offers import ApprovalRow, ChoiceRow, OfferState, VersionRow

S = OfferState
_LABEL = {"fontSize": "14px", "fontWeight": "500"}
_FIELD = {
    "width": "100%",
    "padding": "8px",
    "borderRadius": "6px",
    "fontSize": "14px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-background)",
    "color": "var(--gray-12)",
    "minHeight": "36px",
}


def _fact(label: str, value) -> rx.Component:
    return rx.box(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium"),
        min_width="0",
    )


def _approval(a: ObjectVar[ApprovalRow]) -> rx.Component:
    return rx.hstack(
        rx.text(a.position + ".", size="2", color_scheme="gray", width="1.5em"),
        rx.box(
            rx.hstack(
                rx.text(a.name, size="2", weight="medium"),
                rx.badge(a.decision, color_scheme=a.color, variant="soft"),
                rx.cond(a.turn, rx.badge("Their turn", color_scheme="amber", variant="outline")),
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            rx.cond(a.comment != "", rx.text("“", a.comment, "”", size="1", color_scheme="gray")),
            min_width="0",
        ),
        align="start",
        width="100%",
        data_testid="offer-approval",
    )


def _version(v: ObjectVar[VersionRow]) -> rx.Component:
    return rx.text(v.label, size="1", color_scheme="gray")


def _decide() -> rx.Component:
    """The approver whose turn it is: a comment, then approve or decline."""
    return rx.card(
        rx.vstack(
            rx.el.label("Your comment (a decline needs one)", html_for="offer-comment", style=_LABEL),
            rx.text_area(
                id="offer-comment",
                value=S.decision_comment,
                on_change=S.set_decision_comment,
                width="100%",
                max_length=2000,
                data_testid="offer-comment",
            ),
            rx.hstack(
                rx.button(
                    "Approve", on_click=S.approve_offer, color_scheme="green", data_testid="offer-approve"
                ),
                rx.button(
                    "Decline",
                    on_click=S.decline_offer,
                    color_scheme="red",
                    variant="soft",
                    data_testid="offer-decline",
                ),
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        variant="surface",
        width="100%",
    )


def _buttons() -> rx.Component:
    return rx.flex(
        rx.button(
            rx.icon("file-text", size=16),
            "Letter (PDF)",
            on_click=S.download_offer,
            variant="soft",
            data_testid="offer-pdf",
        ),
        rx.cond(
            S.offer_has_signed,
            rx.button(
                rx.icon("signature", size=16),
                "Signed copy",
                on_click=S.download_signed,
                variant="soft",
                color_scheme="green",
                data_testid="offer-signed-pdf",
            ),
        ),
        rx.cond(
            S.can_write_offers & S.offer_open,
            rx.fragment(
                rx.button("Edit", on_click=S.open_edit_offer, variant="soft", data_testid="offer-edit"),
                rx.cond(
                    S.offer_status == "draft",
                    rx.button("Submit for approval", on_click=S.submit_offer, data_testid="offer-submit"),
                ),
                rx.cond(
                    S.offer_status == "approved",
                    rx.button("Send to the candidate", on_click=S.send_offer, data_testid="offer-send"),
                ),
                rx.button(
                    "Withdraw",
                    on_click=S.withdraw_offer,
                    variant="ghost",
                    color_scheme="red",
                    data_testid="offer-withdraw",
                ),
            ),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def _current() -> rx.Component:
    return rx.vstack(
        rx.grid(
            _fact("Salary", S.offer_salary),
            _fact("Start date", S.offer_start),
            _fact("Open until", S.offer_expires),
            _fact("Version", S.offer_version.to_string()),
            columns=rx.breakpoints(initial="2", sm="4"),
            spacing="3",
            width="100%",
        ),
        rx.cond(S.offer_sent != "", rx.text("Sent ", S.offer_sent, size="1", color_scheme="gray")),
        rx.cond(
            S.offer_outcome != "",
            rx.callout(
                S.offer_outcome,
                icon=rx.cond(S.offer_status == "accepted", "badge-check", "info"),
                color_scheme=rx.cond(S.offer_status == "accepted", "green", "gray"),
                size="1",
                data_testid="offer-outcome",
            ),
        ),
        rx.cond(
            S.offer_hash != "",
            rx.text(
                "SHA-256 of the signed letter: ", rx.code(S.offer_hash), size="1", word_break="break-all"
            ),
        ),
        rx.cond(
            S.hire_stage != "",
            rx.callout(
                rx.flex(
                    rx.text("The candidate accepted. Move the application to ", S.hire_stage, "?", size="2"),
                    rx.button(
                        "Move to " + S.hire_stage,
                        on_click=S.move_to_hired,
                        color_scheme="green",
                        data_testid="offer-hire",
                    ),
                    gap="3",
                    align="center",
                    wrap="wrap",
                ),
                icon="party-popper",
                color_scheme="green",
            ),
        ),
        rx.cond(
            S.approvals.length() > 0,
            rx.vstack(
                rx.text("Approvals, in order", size="2", weight="medium"),
                rx.foreach(S.approvals, _approval),
                spacing="2",
                width="100%",
            ),
        ),
        rx.cond(S.my_turn, _decide()),
        _buttons(),
        rx.foreach(S.versions, _version),
        spacing="3",
        width="100%",
    )


def offer_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Offer", size="4", as_="h2"),
                rx.cond(
                    S.offer_id > 0,
                    rx.badge(S.offer_status_label, color_scheme=S.offer_color, data_testid="offer-status"),
                ),
                rx.spacer(),
                rx.link("Offer letters", href="/offer-templates", size="2", data_testid="offer-letters-link"),
                rx.cond(
                    S.can_create_offer,
                    rx.button(
                        rx.icon("plus", size=16),
                        rx.cond(S.offer_id > 0, "New offer", "Write an offer"),
                        on_click=S.open_new_offer,
                        size="2",
                        data_testid="offer-new",
                    ),
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                S.offer_id > 0,
                _current(),
                rx.text("No offer yet.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="offer",
        data_testid="offer-panel",
        on_mount=S.load_offers,
    )


def _input(label: str, name: str, kind: str = "text", **props) -> rx.Component:
    field_id = f"offer-{name}"
    return rx.box(
        rx.el.label(label, html_for=field_id, style=_LABEL),
        rx.el.input(
            id=field_id,
            name=name,
            type=kind,
            default_value=S.form_values.get(name, ""),
            style=_FIELD,
            **props,
        ),
        width="100%",
    )


def _chain_item(c: ObjectVar[ChoiceRow]) -> rx.Component:
    return rx.hstack(
        rx.text(c.label, size="2"),
        rx.icon_button(
            rx.icon("x", size=14),
            on_click=S.remove_approver(c.value),
            variant="ghost",
            size="1",
            type="button",
            aria_label="Remove " + c.label,
        ),
        align="center",
        data_testid="offer-chain-item",
    )


def offer_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.offer_open, "Edit the offer", "Write an offer")),
            rx.dialog.description(
                "The letter is filled in from a template; approvers decide in the order listed. "
                "Editing an offer under approval starts its approvals again.",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.box(
                        rx.el.label("Letter template", html_for="offer-template_id", style=_LABEL),
                        rx.el.select(
                            rx.el.option("Keep the current letter", value=""),
                            rx.foreach(S.template_choices, lambda t: rx.el.option(t.label, value=t.value)),
                            id="offer-template_id",
                            name="template_id",
                            default_value=S.form_values.get("template_id", ""),
                            style=_FIELD,
                        ),
                        width="100%",
                    ),
                    _input("Job title", "job_title", required=True, max_length=200),
                    rx.grid(
                        _input("Salary", "salary", inputmode="decimal", required=True, placeholder="60000"),
                        _input("Currency", "currency", required=True, max_length=3, placeholder="EUR"),
                        rx.box(
                            rx.el.label("Per", html_for="offer-salary_period", style=_LABEL),
                            rx.el.select(
                                rx.el.option("year", value="year"),
                                rx.el.option("month", value="month"),
                                rx.el.option("hour", value="hour"),
                                id="offer-salary_period",
                                name="salary_period",
                                default_value=S.form_values.get("salary_period", "year"),
                                style=_FIELD,
                            ),
                        ),
                        columns=rx.breakpoints(initial="1", sm="3"),
                        spacing="2",
                        width="100%",
                    ),
                    rx.grid(
                        _input("Start date", "start_date", "date", required=True),
                        _input("Open until", "expires_on", "date", required=True),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="2",
                        width="100%",
                    ),
                    _input("Bonus (optional)", "bonus", max_length=2000),
                    _input("Equity (optional)", "equity", max_length=2000),
                    rx.box(
                        rx.el.label("Other terms (optional)", html_for="offer-other_terms", style=_LABEL),
                        rx.el.textarea(
                            id="offer-other_terms",
                            name="other_terms",
                            default_value=S.form_values.get("other_terms", ""),
                            rows=3,
                            max_length=2000,
                            style=_FIELD,
                        ),
                        width="100%",
                    ),
                    rx.grid(
                        _input("Signed by", "signer_name", required=True, max_length=120),
                        _input("Signer's title", "signer_title", max_length=120),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="2",
                        width="100%",
                    ),
                    rx.box(
                        rx.el.label("Add an approver", html_for="offer-approver", style=_LABEL),
                        rx.el.select(
                            rx.el.option("Choose a colleague…", value=""),
                            rx.foreach(S.staff_choices, lambda c: rx.el.option(c.label, value=c.value)),
                            id="offer-approver",
                            name="approver_pick",
                            value="",
                            on_change=S.add_approver,
                            style=_FIELD,
                            data_testid="offer-approver",
                        ),
                        rx.cond(
                            S.chain.length() > 0,
                            rx.el.ol(
                                rx.foreach(S.chain, lambda c: rx.el.li(_chain_item(c))),
                                style={"paddingLeft": "1.4em", "margin": "6px 0 0"},
                            ),
                            rx.text(
                                "No approver yet: add at least one before submitting.",
                                size="1",
                                color_scheme="gray",
                            ),
                        ),
                        width="100%",
                    ),
                    rx.cond(
                        S.offer_form_error != "",
                        rx.text(
                            S.offer_form_error,
                            color_scheme="red",
                            size="2",
                            role="alert",
                            data_testid="offer-form-error",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save", type="submit", data_testid="offer-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    padding_top="3",
                    align="start",
                ),
                on_submit=S.save_offer,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=S.offer_form_open,
        on_open_change=S.set_offer_form_open,
    )
