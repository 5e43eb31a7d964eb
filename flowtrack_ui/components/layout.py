"""The page frame: a top bar with what the signed-in role may use, and the content."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.state.session import SessionState


def _link(label: str, href: str, test_id: str) -> rx.Component:
    # The careers site (/careers…) is served by the server, not the app's router: a full page load.
    document = {"reload_document": True} if href.startswith("/careers/") or href == "/careers" else {}
    return rx.link(label, href=href, weight="medium", size="3", data_testid=test_id, **document)


def company_menu(*pages: tuple[str, str, str]) -> rx.Component:
    """The company's settings pages (label, address, test id) behind one "Company" button, so the
    top bar stays one row on a laptop however many settings pages there are."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                "Company",
                rx.icon("chevron_down", size=14),
                variant="ghost",
                size="3",
                data_testid="nav-company",
            ),
        ),
        rx.menu.content(
            *(
                rx.menu.item(label, on_select=rx.redirect(href), data_testid=test_id)
                for label, href, test_id in pages
            ),
        ),
    )


def nav_links() -> rx.Component:
    return rx.hstack(
        rx.match(
            SessionState.role,
            (
                "recruiter",
                rx.hstack(
                    _link("My work", "/work", "nav-work"),
                    _link("Jobs", "/jobs", "nav-jobs"),
                    _link("Talent pool", "/talent", "nav-talent"),
                    _link("Analytics", "/analytics", "nav-analytics"),
                    company_menu(
                        ("Team", "/team", "nav-team"),
                        ("Careers site", "/careers-settings", "nav-careers-settings"),
                        ("Email templates", "/email-templates", "nav-email-templates"),
                        ("Webhooks", "/webhooks", "nav-webhooks"),
                        ("Single sign-on", "/single-sign-on", "nav-sso"),
                    ),
                    spacing="4",
                ),
            ),
            (
                "hiring_manager",
                rx.hstack(
                    _link("My work", "/work", "nav-work"),
                    _link("Overview", "/overview", "nav-overview"),
                    _link("Analytics", "/analytics", "nav-analytics"),
                    _link("Jobs", "/jobs", "nav-jobs"),
                    company_menu(
                        ("Team", "/team", "nav-team"),
                        ("Careers site", "/careers-settings", "nav-careers-settings"),
                        ("Email templates", "/email-templates", "nav-email-templates"),
                    ),
                    spacing="4",
                ),
            ),
            (
                "candidate",
                rx.hstack(
                    _link("Open jobs", "/careers", "nav-careers"),
                    _link("My applications", "/my-applications", "nav-my-applications"),
                    _link("Profile", "/profile", "nav-profile"),
                    spacing="4",
                ),
            ),
            rx.hstack(_link("Open jobs", "/careers", "nav-careers"), spacing="4"),
        ),
        spacing="4",
        align="center",
        wrap="wrap",
    )


def user_menu() -> rx.Component:
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            rx.vstack(
                rx.text(SessionState.user_name, weight="bold", size="2", data_testid="user-name"),
                rx.text(
                    SessionState.role_label,
                    rx.cond(SessionState.company_name != "", " · " + SessionState.company_name, ""),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="0",
                align="end",
                display=["none", "none", "flex"],
            ),
            rx.link(
                rx.button("Account", variant="ghost", size="2"),
                href="/account",
                data_testid="account-link",
            ),
            rx.button(
                "Sign out",
                variant="soft",
                size="2",
                on_click=SessionState.sign_out,
                data_testid="sign-out",
            ),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            rx.link(rx.button("Sign in", variant="soft"), href="/login"),
            rx.link(rx.button("Sign up"), href="/signup"),
            spacing="2",
        ),
    )


def navbar() -> rx.Component:
    """Brand, the role's links and the account: one row on a laptop; on a phone the links take a
    second row that scrolls sideways (flowtrack.css, `.ft-topbar`)."""
    return rx.el.header(
        rx.box(
            rx.link(
                rx.hstack(
                    rx.icon("kanban", size=22),
                    rx.heading("FlowTrack", size="5"),
                    align="center",
                    spacing="2",
                ),
                href="/",
                underline="none",
                color_scheme="gray",
                high_contrast=True,
                class_name="ft-brand",
            ),
            rx.el.nav(nav_links(), aria_label="Main", class_name="ft-nav"),
            rx.box(user_menu(), class_name="ft-user"),
            class_name="ft-topbar",
        ),
        padding=["10px 12px", "12px 20px"],
        border_bottom="1px solid var(--gray-a5)",
        background="var(--color-panel-solid)",
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def page(*children: rx.Component, max_width: str = "1100px") -> rx.Component:
    return rx.box(
        navbar(),
        # A signed-in person without a time zone: their browser's is stored once (session.py).
        rx.cond(
            SessionState.signed_in & (SessionState.time_zone == ""),
            rx.box(on_mount=SessionState.ask_time_zone, display="none"),
        ),
        rx.el.main(
            rx.box(
                *children,
                padding=["12px", "24px"],
                max_width=max_width,
                margin_x="auto",
                width="100%",
            ),
        ),
        min_height="100vh",
        background="var(--gray-2)",
    )


def loading_block() -> rx.Component:
    return rx.center(rx.spinner(size="3"), padding="6", width="100%")


def empty_block(icon: str, title: str | rx.Var[str], hint: str | rx.Component = "") -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=32, color="var(--gray-9)"),
            rx.text(title, weight="bold"),
            rx.text(hint, color_scheme="gray", size="2", align="center"),
            align="center",
            spacing="2",
        ),
        padding="6",
        width="100%",
        border="1px dashed var(--gray-a6)",
        border_radius="12px",
    )
