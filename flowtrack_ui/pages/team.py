"""/team: the company's members and pending invitations; for recruiters also the sign-in
requirement and the audit log. A card per member, so it reads on a phone as on a laptop."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.careers_settings import section
from flowtrack_ui.components.forms import NATIVE_FIELD_STYLE, error_callout, field, form_dialog, label
from flowtrack_ui.components.layout import page
from flowtrack_ui.state.team import AuditItem, InvitationItem, MemberItem
from flowtrack_ui.state.team import TeamPageState as T

ROLE_OPTIONS = (("recruiter", "Recruiter"), ("hiring_manager", "Hiring manager"))


def _role(m: ObjectVar[MemberItem]) -> rx.Component:
    """A role picker for recruiters (not for their own row: another recruiter changes theirs)."""
    return rx.cond(
        T.can_manage & m.active,
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in ROLE_OPTIONS],
            value=m.role,
            on_change=lambda v: T.change_role(m.id, v),
            aria_label="Role of " + m.name,
            style=NATIVE_FIELD_STYLE | {"minWidth": "150px"},
            data_testid="member-role",
        ),
        rx.badge(m.role_label, color_scheme="gray", size="2"),
    )


def _member(m: ObjectVar[MemberItem]) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.text(m.name, weight="bold", size="3"),
                rx.cond(m.is_you, rx.badge("you", size="1", color_scheme="indigo")),
                rx.cond(~m.active, rx.badge("Deactivated", size="1", color_scheme="red")),
                rx.cond(
                    m.totp,
                    rx.badge(rx.icon("shield-check", size=12), "2FA on", size="1", color_scheme="green"),
                    rx.badge("2FA off", size="1", color_scheme="gray"),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(m.email, size="2", color_scheme="gray", word_break="break-all"),
            rx.text("Last sign-in: ", rx.el.span(m.last_sign_in, title=m.last_sign_in_exact), size="1"),
            spacing="1",
            align="start",
            min_width="0",
            flex="1",
        ),
        rx.hstack(
            _role(m),
            rx.cond(
                T.can_manage & ~m.is_you,
                rx.cond(
                    m.active,
                    rx.button(
                        "Deactivate",
                        size="2",
                        variant="soft",
                        color_scheme="red",
                        on_click=T.ask_deactivate(m.id, m.name),
                        aria_label="Deactivate " + m.name,
                        data_testid="deactivate",
                    ),
                    rx.button(
                        "Reactivate",
                        size="2",
                        variant="soft",
                        on_click=T.reactivate(m.id),
                        aria_label="Reactivate " + m.name,
                        data_testid="reactivate",
                    ),
                ),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="3",
        align=rx.breakpoints(initial="start", sm="center"),
        justify="between",
        width="100%",
        padding_y="12px",
        border_bottom="1px solid var(--gray-a5)",
        data_testid="member",
        data_email=m.email,
    )


def _invitation(i: ObjectVar[InvitationItem]) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(i.email, weight="medium", size="2", word_break="break-all"),
            rx.text(
                i.role_label,
                " · invited by ",
                i.invited_by,
                " · ",
                rx.cond(i.expired, "expired ", "expires "),
                i.expires,
                size="1",
                color_scheme=rx.cond(i.expired, "red", "gray"),
            ),
            spacing="0",
            align="start",
            min_width="0",
        ),
        rx.cond(
            T.can_manage,
            rx.hstack(
                rx.button(
                    "Resend",
                    size="1",
                    variant="soft",
                    on_click=T.resend(i.id),
                    aria_label="Resend the invitation to " + i.email,
                ),
                rx.button(
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=T.revoke(i.id),
                    aria_label="Revoke the invitation to " + i.email,
                ),
                spacing="2",
            ),
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="2",
        justify="between",
        align=rx.breakpoints(initial="start", sm="center"),
        width="100%",
        padding_y="8px",
        border_bottom="1px solid var(--gray-a5)",
        data_testid="invitation",
    )


def _invite_dialog() -> rx.Component:
    return form_dialog(
        "Invite a colleague",
        field("Email", "email", "email", id_="invite_email", required=True, placeholder="name@company.com"),
        rx.vstack(
            label("Role", html_for="invite_role"),
            rx.el.select(
                rx.el.option("Hiring manager", value="hiring_manager"),
                rx.cond(
                    T.role == "recruiter",
                    rx.el.option("Recruiter", value="recruiter"),
                ),
                id="invite_role",
                name="role",
                style=NATIVE_FIELD_STYLE,
            ),
            spacing="1",
        ),
        error_callout(T.invite_error),
        on_submit=T.invite,
        open=T.invite_open,
        on_open_change=T.set_invite_open,
        submit_label="Send invitation",
        submit_test_id="send-invitation",
        description="They get an email with a link to make their account; it works for 7 days.",
    )


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Deactivate " + T.confirm_name + "?"),
            rx.alert_dialog.description(
                "They are signed out everywhere at once and their API tokens stop working. Their notes, "
                "scorecards and the moves they made stay. You can reactivate them later.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Deactivate",
                        color_scheme="red",
                        on_click=T.deactivate,
                        data_testid="confirm-deactivate",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=T.confirm_id != 0,
        on_open_change=T.close_confirm,
    )


def _security() -> rx.Component:
    return section(
        "Sign-in requirements",
        rx.hstack(
            rx.switch(
                checked=T.require_2fa,
                on_change=T.set_require_2fa,
                id="require-2fa",
                data_testid="require-2fa",
            ),
            label("Require two-factor sign-in for all staff", html_for="require-2fa"),
            spacing="3",
            align="center",
        ),
        rx.text(
            "Members without it are asked to set it up at their next sign-in and can do nothing else "
            "until they have. ",
            rx.match(
                T.staff_without_2fa,
                (0, "Every active member has."),
                (1, "1 active member has not yet."),
                T.staff_without_2fa.to_string() + " active members have not yet.",
            ),
            size="2",
            color_scheme="gray",
        ),
    )


def _audit_row(a: ObjectVar[AuditItem]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.code(a.action, variant="soft", size="2"),
            rx.text(a.actor, size="2", weight="medium"),
            rx.text(a.at, size="1", color_scheme="gray"),
            rx.cond(a.client != "", rx.text("from ", a.client, size="1", color_scheme="gray")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(a.target, size="2", word_break="break-all"),
        rx.cond(a.details != "", rx.text(a.details, size="1", color_scheme="gray", word_break="break-all")),
        spacing="1",
        width="100%",
        padding_y="8px",
        border_bottom="1px solid var(--gray-a5)",
        data_testid="audit-row",
    )


def _audit() -> rx.Component:
    return section(
        "Audit log",
        rx.text(
            "Who changed the company's members, roles, tokens, settings, templates and data, and from where.",
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name="action",
                    placeholder="Filter: member. or token.created",
                    aria_label="Filter by action",
                    max_length=60,
                    default_value=T.audit_filter,
                ),
                rx.button("Filter", type="submit", variant="soft"),
                rx.button("Download CSV", type="button", variant="soft", on_click=T.download_audit),
                spacing="2",
                wrap="wrap",
            ),
            on_submit=T.filter_audit,
        ),
        rx.box(rx.foreach(T.audit_rows, _audit_row), width="100%"),
        rx.cond(T.audit_rows.length() == 0, rx.text("Nothing recorded yet.", size="2", color_scheme="gray")),
    )


def team_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading("Team", size="6"),
                    rx.text(T.company_name, color_scheme="gray"),
                    spacing="0",
                ),
                rx.button(rx.icon("user-plus", size=16), "Invite", on_click=T.set_invite_open(True)),
                justify="between",
                align="center",
                width="100%",
            ),
            rx.cond(
                ~T.can_manage,
                rx.text(
                    "Recruiters change roles and deactivate members; you can see who has access.", size="2"
                ),
            ),
            section("Members", rx.box(rx.foreach(T.members, _member), width="100%")),
            section(
                "Pending invitations",
                rx.cond(
                    T.invitations.length() > 0,
                    rx.box(rx.foreach(T.invitations, _invitation), width="100%"),
                    rx.text("No invitations are waiting.", size="2", color_scheme="gray"),
                ),
            ),
            rx.cond(T.can_manage, _security()),
            rx.cond(T.can_manage, _audit()),
            _invite_dialog(),
            _confirm_dialog(),
            spacing="4",
            width="100%",
        ),
        max_width="960px",
    )
