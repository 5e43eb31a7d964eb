"""The hiring team's panels on the application page: interviews, scorecards, notes and the feed."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.forms import error_callout, field, form_dialog, label
from flowtrack_ui.components.scheduling import link_dialog, send_link_button, suggested_slots
from flowtrack_ui.state.application_team import (
    ActivityRow,
    ColleagueRow,
    InterviewerChip,
    InterviewRow,
    ScorecardRow,
)
from flowtrack_ui.state.application_team import (
    TeamState as T,
)
from flowtrack_ui.state.scheduling import SlotsState

RECOMMENDATION_COLOR = {"strong_no": "red", "no": "orange", "yes": "green", "strong_yes": "grass"}
ACTIVITY_ICON = {
    "stage": "arrow-right-left",
    "note": "message-square",
    "email": "mail",
    "interview": "calendar",
    "scorecard": "clipboard-check",
}


def _interviewer(person: ObjectVar[InterviewerChip]) -> rx.Component:
    """A name, with their calendar's answer to the invitation once one came (a decline in red)."""
    return rx.hstack(
        rx.text(person.name, size="1", color_scheme="gray"),
        rx.cond(
            person.response != "",
            rx.badge(
                person.response,
                size="1",
                color_scheme=rx.match(person.response, ("accepted", "green"), ("declined", "red"), "amber"),
                data_testid="interviewer-response",
            ),
        ),
        spacing="1",
        align="center",
    )


def _interview(i: ObjectVar[InterviewRow]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.vstack(
                rx.text(i.when, weight="bold", size="2"),
                rx.text(i.duration.to_string(), " min", size="1", color_scheme="gray"),
                rx.cond(i.where != "", rx.text(i.where, size="2")),
                rx.cond(
                    i.video_url != "",
                    rx.link(
                        i.video_url, href=i.video_url, is_external=True, size="2", word_break="break-all"
                    ),
                ),
                rx.flex(
                    rx.text("Interviewers:", size="1", color_scheme="gray"),
                    rx.foreach(i.people, _interviewer),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.cond(
                i.status == "cancelled",
                rx.badge("Cancelled", color_scheme="gray"),
                rx.vstack(
                    rx.cond(
                        i.can_score & ~i.scored,
                        rx.button(
                            "Submit scorecard",
                            size="1",
                            on_click=T.open_scorecard(i.id),
                            data_testid="open-scorecard",
                        ),
                    ),
                    rx.cond(i.scored, rx.badge("Scorecard submitted", color_scheme="green")),
                    rx.cond(
                        T.can_schedule,
                        rx.hstack(
                            rx.button("Move", size="1", variant="soft", on_click=T.open_reschedule(i.id)),
                            rx.button(
                                "Cancel",
                                size="1",
                                variant="soft",
                                color_scheme="red",
                                on_click=T.cancel_interview(i.id),
                                data_testid="cancel-interview",
                            ),
                            spacing="1",
                        ),
                    ),
                    align="end",
                    spacing="1",
                ),
            ),
            width="100%",
            align="start",
            wrap="wrap",  # on a phone the Move / Cancel buttons go below the details
        ),
        padding_y="2",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="interview",
    )


def _scorecard(c: ObjectVar[ScorecardRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(c.interviewer, weight="bold", size="2"),
            rx.match(
                c.recommendation,
                *[(r, rx.badge(c.label, color_scheme=color)) for r, color in RECOMMENDATION_COLOR.items()],
                rx.badge(c.label),
            ),
            rx.text(c.when, size="1", color_scheme="gray"),
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            rx.foreach(c.ratings, lambda r: rx.badge(r, variant="outline", color_scheme="gray")),
            wrap="wrap",
            spacing="1",
        ),
        rx.cond(c.notes != "", rx.text(c.notes, size="2", white_space="pre-wrap")),
        spacing="1",
        width="100%",
        data_testid="scorecard",
    )


def interviews_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Interviews", size="4", as_="h2"),
                rx.spacer(),
                rx.cond(
                    T.can_schedule,
                    rx.hstack(
                        send_link_button(),  # scheduling: the candidate books their own time
                        rx.button(
                            rx.icon("calendar-plus", size=16),
                            "Schedule",
                            size="2",
                            on_click=T.open_schedule,
                            data_testid="schedule-interview",
                        ),
                        link_dialog(),
                        spacing="2",
                    ),
                ),
                width="100%",
                align="center",
                wrap="wrap",  # on a phone the two buttons go below the heading
                row_gap="8px",
            ),
            rx.cond(
                T.interviews_list.length() == 0,
                rx.text("No interview yet.", size="2", color_scheme="gray"),
                rx.foreach(T.interviews_list, _interview),
            ),
            rx.heading("Scorecards", size="4", as_="h2", padding_top="2"),
            rx.cond(
                T.scorecard_summary != "",
                rx.text(T.scorecard_summary, weight="bold", size="2", data_testid="scorecard-summary"),
            ),
            rx.cond(
                T.scorecards_list.length() == 0,
                rx.text(
                    "No scorecard to read yet. Interviewers read the others' once they submit their own.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.foreach(T.scorecards_list, _scorecard),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _suggestion(c: ObjectVar[ColleagueRow]) -> rx.Component:
    return rx.button(
        c.name,
        rx.text.span(" @" + c.handle, color_scheme="gray"),
        variant="soft",
        size="1",
        type="button",
        on_click=T.pick_mention(c.handle),
        data_testid="mention-suggestion",
    )


def _activity(a: ObjectVar[ActivityRow]) -> rx.Component:
    return rx.hstack(
        rx.match(
            a.kind,
            *[(k, rx.icon(icon, size=16, aria_hidden="true")) for k, icon in ACTIVITY_ICON.items()],
            rx.icon("dot", size=16),
        ),
        rx.vstack(
            rx.text(
                rx.text.span(a.title, weight="medium"), rx.cond(a.actor != "", " · " + a.actor, ""), size="2"
            ),
            rx.cond(a.body != "", rx.text(a.body, size="2", white_space="pre-wrap", color_scheme="gray")),
            rx.text(a.when, size="1", color_scheme="gray", title=a.exact),
            spacing="0",
            align="start",
        ),
        align="start",
        spacing="2",
        width="100%",
        data_testid="activity-" + a.kind,
    )


def notes_and_feed() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Notes and activity", size="4", as_="h2"),
            rx.cond(
                T.can_write_notes,
                rx.vstack(
                    rx.text_area(
                        value=T.note_draft,
                        on_change=T.set_note_draft,
                        placeholder="Write a note for the team. Type @ to mention a colleague.",
                        rows="3",
                        width="100%",
                        aria_label="New note",
                        data_testid="note-draft",
                    ),
                    rx.cond(
                        T.mention_suggestions.length() > 0,
                        rx.hstack(rx.foreach(T.mention_suggestions, _suggestion), wrap="wrap", spacing="1"),
                    ),
                    error_callout(T.note_error),
                    rx.button(
                        "Add note",
                        size="2",
                        on_click=T.add_note,
                        disabled=T.note_draft == "",
                        data_testid="add-note",
                    ),
                    spacing="2",
                    width="100%",
                    align="end",
                ),
            ),
            rx.text(
                "Notes are for the hiring team; the candidate never sees them.", size="1", color_scheme="gray"
            ),
            rx.foreach(T.feed, _activity),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def schedule_dialog() -> rx.Component:
    return form_dialog(
        rx.cond(T.editing_interview == 0, "Schedule an interview", "Move the interview"),
        rx.grid(
            field(
                "Date and time",
                "starts_at",
                "datetime-local",
                default_value=T.form_starts,
                required=True,
            ),
            rx.vstack(
                label("Time zone", html_for="timezone"),
                rx.select.root(
                    rx.select.trigger(aria_label="Time zone", id="timezone", width="100%"),
                    rx.select.content(rx.foreach(T.zones, lambda z: rx.select.item(z, value=z))),
                    name="timezone",
                    value=T.timezone,
                    on_change=T.set_browser_timezone,
                ),
                spacing="1",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        field(
            "Duration (minutes)",
            "duration_minutes",
            "number",
            default_value=T.form_duration,
            min=15,
            max=480,
            step=15,
            on_change=SlotsState.set_duration,
        ),
        field(
            "Location",
            "location",
            default_value=T.form_location,
            max_length=300,
            placeholder="Room, address — or leave empty for a video call",
        ),
        field(
            "Video link",
            "video_url",
            "url",
            default_value=T.form_video,
            max_length=500,
            placeholder="https://meet.example.com/…",
        ),
        rx.text("Interviewers", size="2", weight="medium"),
        rx.foreach(
            T.colleagues,
            lambda c: rx.checkbox(
                c.name,
                name="interviewer_" + c.id.to_string(),
                default_checked=T.form_interviewers.contains(c.id),
                on_change=lambda on: SlotsState.toggle(c.id, on),
            ),
        ),
        suggested_slots(),  # scheduling: free times of the ticked interviewers; a click fills the form
        error_callout(T.schedule_error),
        on_submit=T.save_interview,
        open=T.schedule_open,
        on_open_change=T.set_schedule_open,
        submit_label="Send invitations",
        submit_test_id="save-interview",
        key=T.editing_interview.to_string() + T.form_starts,
    )


def scorecard_dialog() -> rx.Component:
    return form_dialog(
        "Your scorecard",
        rx.text("Overall recommendation", size="2", weight="medium"),
        rx.radio_group.root(
            rx.hstack(
                *[
                    rx.text(
                        rx.hstack(rx.radio_group.item(value=r), label, spacing="1", align="center"),
                        as_="label",
                        size="2",
                    )
                    for r, label in (
                        ("strong_no", "Strong no"),
                        ("no", "No"),
                        ("yes", "Yes"),
                        ("strong_yes", "Strong yes"),
                    )
                ],
                wrap="wrap",
                spacing="3",
            ),
            name="recommendation",
            required=True,
            aria_label="Overall recommendation",
        ),
        rx.foreach(
            T.criteria,
            lambda name, n: rx.hstack(
                rx.text(name, size="2", width="50%"),
                rx.select.root(
                    rx.select.trigger(
                        placeholder="1–4",
                        aria_label="Rating for " + name,
                        # Radix's placeholder grey is below AA contrast on the dialog's panel.
                        style={"& .rt-SelectTriggerInner": {"color": "var(--gray-12)"}},
                    ),
                    rx.select.content(*[rx.select.item(v, value=v) for v in ("1", "2", "3", "4")]),
                    name="rating_" + n.to_string(),
                    required=True,
                ),
                width="100%",
                align="center",
            ),
        ),
        label("Notes", html_for="scorecard-notes"),
        rx.text_area(name="notes", id="scorecard-notes", rows="4", width="100%", max_length=5000),
        error_callout(T.scorecard_error),
        on_submit=T.submit_scorecard,
        open=T.scorecard_open,
        on_open_change=T.set_scorecard_open,
        submit_label="Submit scorecard",
        submit_test_id="submit-scorecard",
        description="Your colleagues' scorecards open to you once you submit yours.",
        max_width="520px",
    )
