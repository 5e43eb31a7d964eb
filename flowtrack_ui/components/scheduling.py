"""The account page's working hours and calendar connection (staff)."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import error_callout, field, form_dialog, label
from flowtrack_ui.state.application_team import TeamState as T
from flowtrack_ui.state.scheduling import DAYS
from flowtrack_ui.state.scheduling import CalendarSettingsState as C
from flowtrack_ui.state.scheduling import SlotsState as S


def calendar_settings() -> rx.Component:
    return rx.vstack(_hours(), _calendar(), spacing="4", width="100%", on_mount=C.load)


def _hours() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Working hours", size="4", as_="h2"),
                rx.text(
                    "Suggested interview times and the times candidates may book fall inside these hours.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.el.fieldset(
                    rx.el.legend("Days", class_name="rt-Text rt-r-size-2 rt-r-weight-medium"),
                    rx.hstack(
                        *[
                            rx.checkbox(
                                name,
                                name=f"day_{i}",
                                default_checked=C.days.contains(i),
                                data_testid=f"day-{i}",
                            )
                            for i, name in enumerate(DAYS)
                        ],
                        wrap="wrap",
                        spacing="3",
                    ),
                    style={"border": "0", "padding": "0", "margin": "0"},
                ),
                rx.grid(
                    field("From", "start", "time", default_value=C.start, required=True),
                    field("Until", "end", "time", default_value=C.end, required=True),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                field(
                    "Time zone of these hours (empty: your own)",
                    "hours_zone",
                    default_value=C.hours_zone,
                    placeholder="Europe/Berlin",
                    list="time-zone-names",
                    auto_complete="off",
                    max_length=64,
                ),
                error_callout(C.hours_error),
                rx.button("Save working hours", type="submit", data_testid="save-hours"),
                spacing="3",
                width="100%",
            ),
            on_submit=C.save_hours,
            key=C.start + C.end + C.hours_zone + C.days.to_string(),
        ),
        width="100%",
        max_width="480px",
        data_testid="working-hours",
    )


def _calendar() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Your calendar", size="4", as_="h2"),
                rx.text(
                    "FlowTrack reads when you are busy, so nobody is offered a time you are taken. "
                    "Use an app password; it is stored encrypted and never shown again.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    C.caldav_connected,
                    rx.hstack(
                        rx.badge("CalDAV connected", color_scheme="green", high_contrast=True),
                        rx.text(C.caldav_username, size="2"),
                        rx.button(
                            "Disconnect",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            size="1",
                            on_click=C.disconnect("caldav"),
                        ),
                        align="center",
                        wrap="wrap",
                        data_testid="caldav-connected",
                    ),
                ),
                field(
                    "CalDAV address",
                    "caldav_url",
                    "url",
                    default_value=C.caldav_url,
                    placeholder="https://caldav.example.com/dav/you/",
                    max_length=500,
                ),
                field(
                    "User name",
                    "caldav_username",
                    default_value=C.caldav_username,
                    max_length=200,
                    auto_complete="off",
                ),
                rx.vstack(
                    label("App password", html_for="caldav_password"),
                    rx.input(
                        id="caldav_password",
                        name="caldav_password",
                        type="password",
                        auto_complete="new-password",
                        placeholder=rx.cond(C.caldav_connected, "Stored — type a new one to replace it", ""),
                        max_length=500,
                        width="100%",
                        size="3",
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.cond(
                    C.ics_connected,
                    rx.hstack(
                        rx.badge("Calendar feed connected", color_scheme="green", high_contrast=True),
                        rx.text(C.ics_host, size="2"),
                        rx.button(
                            "Remove",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            size="1",
                            on_click=C.disconnect("ics"),
                        ),
                        align="center",
                        wrap="wrap",
                    ),
                ),
                field(
                    "Or a read-only calendar feed (.ics secret address)",
                    "ics_url",
                    "url",
                    placeholder="https://calendar.google.com/calendar/ical/…/basic.ics",
                    max_length=1000,
                    auto_complete="off",
                ),
                error_callout(C.calendar_error),
                rx.button(
                    rx.cond(C.checking, "Checking…", "Connect calendar"),
                    type="submit",
                    loading=C.checking,
                    data_testid="save-calendar",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=C.save_calendar,
            key=C.form_key.to_string(),
        ),
        width="100%",
        max_width="480px",
        data_testid="calendar-connection",
    )


def suggested_slots() -> rx.Component:
    """In the schedule dialog: the next times the ticked interviewers are all free; a click fills the form."""
    return rx.vstack(
        rx.hstack(
            rx.button(
                "Find free times",
                type="button",
                variant="soft",
                size="2",
                loading=S.finding,
                on_click=S.find,
                data_testid="find-slots",
            ),
            rx.text("when every ticked interviewer is free", size="1", color_scheme="gray"),
            align="center",
            wrap="wrap",
        ),
        rx.foreach(
            S.slot_warnings,
            lambda w: rx.callout(w, icon="triangle_alert", color_scheme="amber", size="1", width="100%"),
        ),
        rx.cond(
            S.suggestions.length() > 0,
            rx.flex(
                rx.foreach(
                    S.suggestions,
                    lambda s: rx.button(
                        s.label,
                        type="button",
                        size="2",
                        variant="outline",
                        color_scheme=rx.cond(s.unknown, "amber", "gray"),
                        high_contrast=True,
                        on_click=S.pick(s.value),
                        data_testid="suggested-slot",
                    ),
                ),
                wrap="wrap",
                gap="2",
                role="group",
                aria_label="Suggested times",
            ),
            rx.cond(
                S.searched & (S.slot_warnings.length() == 0),
                rx.text("No free time in the next 10 working days.", size="2", color_scheme="gray"),
            ),
        ),
        spacing="2",
        width="100%",
        on_mount=S.reset_panel,
        data_testid="suggested-slots",
    )


def send_link_button() -> rx.Component:
    return rx.button(
        "Send booking link",
        size="2",
        variant="soft",
        on_click=S.set_link_open(True),
        data_testid="send-scheduling-link",
    )


def link_dialog() -> rx.Component:
    return form_dialog(
        "Let the candidate choose a time",
        rx.text("Interviewers", size="2", weight="medium"),
        rx.foreach(
            T.colleagues,
            lambda c: rx.checkbox(c.name, name="link_interviewer_" + c.id.to_string()),
        ),
        rx.grid(
            field(
                "Duration (minutes)", "link_duration", "number", default_value="45", min=15, max=480, step=15
            ),
            field("Working days offered", "link_window", "number", default_value="10", min=1, max=30),
            columns="2",
            spacing="3",
            width="100%",
        ),
        rx.grid(
            field(
                "Buffer before (min)",
                "link_buffer_before",
                "number",
                default_value="0",
                min=0,
                max=240,
                step=5,
            ),
            field(
                "Buffer after (min)", "link_buffer_after", "number", default_value="0", min=0, max=240, step=5
            ),
            field("Notice (hours)", "link_notice", "number", default_value="24", min=0, max=336),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        field(
            "Location", "link_location", max_length=300, placeholder="Room, address — or a video link below"
        ),
        field("Video link", "link_video", "url", max_length=500, placeholder="https://meet.example.com/…"),
        error_callout(S.link_error),
        description="The candidate gets an email with a link to the times when every interviewer is free, "
        "books one, and everyone gets the calendar invitation.",
        on_submit=S.send_link,
        open=S.link_open,
        on_open_change=S.set_link_open,
        submit_label="Email the link",
        submit_test_id="email-scheduling-link",
    )
