"""The full application page for staff: who the candidate is, what they answered, their résumé."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.board import stage_badge, tag_badges
from flowtrack_ui.components.conversation import compose_dialog, conversation_panel
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.components.offers import offer_dialog, offer_panel
from flowtrack_ui.components.reject_dialog import reject_dialog
from flowtrack_ui.components.team import interviews_panel, notes_and_feed, schedule_dialog, scorecard_dialog
from flowtrack_ui.state.application import ActMove, AnswerRow, DuplicateRow
from flowtrack_ui.state.application import ApplicationState as S
from flowtrack_ui.state.application_team import TeamState as T


def _fact(icon: str, value, href=None) -> rx.Component:
    wrap = {"overflowWrap": "anywhere", "minWidth": "0"}  # a long address wraps, never widens the card
    body = (
        rx.link(value, href=href, is_external=True, style=wrap)
        if href is not None
        else rx.text(value, style=wrap)
    )
    return rx.cond(
        value != "",
        rx.hstack(
            rx.icon(icon, size=16, aria_hidden="true"), body, align="center", spacing="2", max_width="100%"
        ),
    )


def _profile() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Candidate", size="4", as_="h2"),
            rx.text(S.headline, weight="medium"),
            _fact("mail", S.email, "mailto:" + S.email),
            _fact("phone", S.phone, "tel:" + S.phone),
            _fact("map-pin", S.location),
            _fact("link", S.linkedin_url, S.linkedin_url),
            _fact("globe", S.website, S.website),
            rx.text("Applied ", S.applied, size="2", color_scheme="gray"),
            tag_badges(S.tags, "application-tag"),
            rx.cond(S.can_tag, _tags_form()),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _tags_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="tags",
                default_value=S.tags_text,
                key=S.tags_text,
                placeholder="Tags, separated by commas",
                aria_label="Tags, separated by commas",
                max_length=900,
                size="2",
                flex="1",
                min_width="0",
                data_testid="application-tags-input",
            ),
            rx.button(
                "Save tags", type="submit", size="2", variant="soft", data_testid="application-tags-save"
            ),
            width="100%",
        ),
        rx.cond(
            S.tag_suggestions.length() > 0,
            rx.hstack(
                rx.text("Add:", size="1", color_scheme="gray"),
                rx.foreach(
                    S.tag_suggestions,
                    lambda t: rx.button(
                        rx.icon("plus", size=12, aria_hidden="true"),
                        t,
                        type="button",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        high_contrast=True,
                        on_click=S.add_tag(t),
                        aria_label="Add the tag " + t,
                        data_testid="application-tag-suggestion",
                    ),
                ),
                wrap="wrap",
                spacing="1",
                align="center",
                padding_top="6px",
            ),
        ),
        on_submit=S.save_tags,
        width="100%",
    )


def _duplicate(d: ObjectVar[DuplicateRow]) -> rx.Component:
    return rx.callout(
        rx.text(
            "Possible duplicate: ",
            rx.link(
                d.name,
                href="/application?id=" + d.application_id.to_string(),
                weight="bold",
                high_contrast=True,
                underline="always",
            ),
            " (",
            d.email,
            ") has the same ",
            d.same,
            ". It may be the same person with another account.",
        ),
        icon="users",
        color_scheme="amber",
        high_contrast=True,
        width="100%",
        data_testid="possible-duplicate",
    )


def _answer(a: ObjectVar[AnswerRow]) -> rx.Component:
    return rx.vstack(
        rx.text(a.prompt, size="2", weight="bold"),
        rx.cond(
            a.kind == "yes_no",
            rx.badge(a.answer, color_scheme=rx.cond(a.answer == "yes", "green", "red"), size="2"),
            rx.text(a.answer, white_space="pre-wrap"),
        ),
        spacing="1",
        width="100%",
        data_testid="answer",
    )


def _answers() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Answers", size="4", as_="h2"),
            rx.cond(
                S.answers.length() == 0,
                rx.text("This job asked no questions.", color_scheme="gray", size="2"),
                rx.foreach(S.answers, _answer),
            ),
            rx.heading("Cover letter", size="4", as_="h2", padding_top="2"),
            rx.cond(
                S.cover_letter != "",
                rx.text(S.cover_letter, white_space="pre-wrap", data_testid="cover-letter"),
                rx.text("No cover letter.", color_scheme="gray", size="2"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _resume_viewer() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Résumé", size="4", as_="h2"),
                rx.text(S.resume_name, " · ", S.resume_info, size="2", color_scheme="gray"),
                rx.spacer(),
                rx.button(
                    rx.icon("download", size=16),
                    "Download",
                    variant="soft",
                    on_click=S.download_resume,
                    data_testid="download-resume",
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                S.resume_note != "",
                rx.callout(S.resume_note, icon="info", color_scheme="amber", high_contrast=True, size="1"),
            ),
            rx.cond(
                S.resume_is_pdf,
                rx.vstack(
                    rx.cond(
                        S.page_image != "",
                        rx.image(
                            src=S.page_image,
                            alt="Résumé, " + S.page_label,
                            width="100%",
                            border="1px solid var(--gray-a6)",
                            border_radius="6px",
                            data_testid="resume-page",
                        ),
                        rx.text(
                            "This page could not be drawn; download the file to read it.", color_scheme="gray"
                        ),
                    ),
                    rx.hstack(
                        rx.icon_button(
                            rx.icon("chevron-left"),
                            on_click=S.previous_page,
                            variant="soft",
                            disabled=S.page_index == 0,
                            aria_label="Previous page",
                        ),
                        rx.text(S.page_label, size="2", data_testid="page-label"),
                        rx.icon_button(
                            rx.icon("chevron-right"),
                            on_click=S.next_page,
                            variant="soft",
                            disabled=S.page_index + 1 >= S.page_count,
                            aria_label="Next page",
                        ),
                        align="center",
                        justify="center",
                        width="100%",
                    ),
                    width="100%",
                    spacing="2",
                ),
                rx.box(
                    rx.text(S.resume_text, white_space="pre-wrap", size="2"),
                    max_height="80vh",
                    overflow_y="auto",
                    width="100%",
                    data_testid="resume-text",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="resume",
    )


def _walker() -> rx.Component:
    """Back to where the page was opened from, and Previous / Next through it (keys k / j)."""
    return rx.flex(
        rx.link("← ", S.back_label, href=S.back_href, size="2", data_testid="back-to-origin"),
        rx.cond(
            S.position_label != "",
            rx.hstack(
                rx.cond(
                    S.previous_href != "",
                    rx.link(
                        "← Previous",
                        href=S.previous_href,
                        size="2",
                        aria_keyshortcuts="k",
                        data_testid="app-previous",
                    ),
                    rx.text("← Previous", size="2", color_scheme="gray", aria_disabled="true"),
                ),
                rx.text(S.position_label, size="2", color_scheme="gray", data_testid="app-position"),
                rx.cond(
                    S.next_href != "",
                    rx.link(
                        "Next →", href=S.next_href, size="2", aria_keyshortcuts="j", data_testid="app-next"
                    ),
                    rx.text("Next →", size="2", color_scheme="gray", aria_disabled="true"),
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
        ),
        justify="between",
        align="center",
        wrap="wrap",
        spacing="2",
        width="100%",
    )


def _move_item(m: ObjectVar[ActMove]) -> rx.Component:
    return rx.menu.item(m.label, on_select=S.move_to(m.stage), data_testid="act-move-to-" + m.stage)


def _acts() -> rx.Component:
    """Advance, Move to…, Reject…, Note, Schedule for recruiters; hiring managers read and write notes."""
    note = rx.button(
        rx.icon("message-square", size=16, aria_hidden="true"),
        "Note",
        variant="soft",
        on_click=S.focus_note,
        data_testid="act-note",
    )
    stale = rx.callout(
        rx.hstack(
            rx.text("This application moved to " + S.stage + " meanwhile.", size="2"),
            rx.button(
                "Show its actions",
                size="1",
                variant="soft",
                on_click=S.refresh_actions,
                data_testid="act-refresh",
            ),
            align="center",
            wrap="wrap",
        ),
        icon="info",
        size="1",
        color_scheme="gray",
        data_testid="act-stale",
    )
    return rx.cond(
        S.can_move & (S.acts_stage != S.stage),
        stale,
        _act_bar(note),
    )


def _act_bar(note: rx.Component) -> rx.Component:
    return rx.cond(
        S.can_move,
        rx.flex(
            rx.cond(
                S.advance_to != "",
                rx.button(
                    rx.icon("arrow-right", size=16, aria_hidden="true"),
                    "Advance to " + S.advance_to,
                    on_click=S.advance,
                    data_testid="act-advance",
                ),
            ),
            rx.cond(
                S.act_moves.length() > 0,
                rx.menu.root(
                    rx.menu.trigger(
                        rx.button(
                            "Move to…",
                            rx.icon("chevron-down", size=14, aria_hidden="true"),
                            variant="soft",
                            data_testid="act-move",
                        )
                    ),
                    rx.menu.content(rx.foreach(S.act_moves, _move_item)),
                ),
            ),
            rx.cond(
                S.can_reject,
                rx.button(
                    "Reject…",
                    variant="soft",
                    color_scheme="red",
                    high_contrast=True,
                    on_click=S.open_reject,
                    data_testid="act-reject",
                ),
            ),
            note,
            rx.cond(
                T.can_schedule,
                rx.button(
                    rx.icon("calendar-plus", size=16, aria_hidden="true"),
                    "Schedule",
                    variant="soft",
                    on_click=T.open_schedule,
                    data_testid="act-schedule",
                ),
            ),
            spacing="2",
            wrap="wrap",
            role="toolbar",
            aria_label="Act on this application",
            data_testid="act-bar",
        ),
        rx.flex(
            note,
            rx.text(
                "Read-only: recruiters move applications; you read them, write notes and score interviews.",
                size="1",
                color_scheme="gray",
                data_testid="act-read-only",
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
    )


_LABEL = {"fontSize": "14px", "fontWeight": "500"}
_FIELD = {"width": "100%", "padding": "6px", "borderRadius": "6px", "fontSize": "14px"}


def _dialog_buttons(label, test_id: str, danger: bool = False) -> rx.Component:
    return rx.hstack(
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
        rx.button(
            label,
            type="submit",
            color_scheme="red" if danger else "indigo",
            high_contrast=danger,
            data_testid=test_id,
        ),
        justify="end",
        width="100%",
    )


def _error():
    return rx.cond(
        S.ask_error != "",
        rx.text(S.ask_error, color_scheme="red", size="2", role="alert", data_testid="act-error"),
    )


def _reject_dialog() -> rx.Component:
    return reject_dialog(
        S,
        title="Reject " + S.name + "?",
        open=S.reject_open,
        on_open_change=S.set_reject_open,
        on_submit=S.confirm_reject,
        confirm_label="Reject",
        ids="act-reject",
        test_ids={"reason": "act-reason", "note": "act-note-text", "confirm": "act-confirm-reject"},
    )


def _ask_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Move " + S.name + " to " + S.ask_target + "?"),
            rx.dialog.description(
                "A correction needs a reason; it is kept in the stage history for your team.", size="2"
            ),
            rx.form(
                rx.vstack(
                    rx.el.label("Reason", html_for="act-ask-note", style=_LABEL),
                    rx.text_area(
                        id="act-ask-note",
                        name="note",
                        width="100%",
                        max_length=2000,
                        data_testid="act-ask-note",
                    ),
                    _error(),
                    _dialog_buttons("Move to " + S.ask_target, "act-confirm-move"),
                    spacing="3",
                    padding_top="3",
                    align="start",
                ),
                on_submit=S.confirm_ask,
                reset_on_submit=False,
            ),
            max_width="460px",
        ),
        open=S.ask_open,
        on_open_change=S.set_ask_open,
    )


# j / k follow the Next / Previous links, n focuses the note box; never while typing in a field.
_KEYS = """
(() => {
  if (window.__ftApplicationKeys) return;
  window.__ftApplicationKeys = true;
  document.addEventListener('keydown', (e) => {
    if (!location.pathname.startsWith('/application')) return;
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (document.querySelector('[role=dialog], [role=menu]')) return;
    const ids = {j: 'app-next', k: 'app-previous', n: 'act-note'};
    const id = ids[e.key];
    if (!id) return;
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (el) { e.preventDefault(); el.click(); }
  });
})()
"""


def application_page() -> rx.Component:
    return page(
        rx.cond(
            S.loading,
            loading_block(),
            rx.cond(
                S.not_found != "",
                empty_block("search_x", S.not_found, rx.link("Back to jobs", href="/jobs")),
                rx.vstack(
                    _walker(),
                    rx.hstack(
                        rx.heading(S.name, size="7", as_="h1", data_testid="candidate-name"),
                        rx.el.span(stage_badge(S.stage), data_testid="application-stage"),
                        rx.cond(
                            T.scorecard_summary != "", rx.badge(T.scorecard_summary, color_scheme="gray")
                        ),
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(S.job_title, color_scheme="gray"),
                    _acts(),
                    rx.foreach(S.duplicates, _duplicate),
                    rx.grid(
                        rx.vstack(_profile(), _answers(), spacing="4", width="100%"),
                        rx.cond(
                            S.resume_name != "",
                            _resume_viewer(),
                            rx.card(
                                rx.text("No résumé was sent with this application.", color_scheme="gray"),
                                width="100%",
                            ),
                        ),
                        columns=rx.breakpoints(initial="1", md="5fr 7fr"),
                        spacing="4",
                        width="100%",
                    ),
                    offer_panel(),
                    offer_dialog(),
                    conversation_panel(),
                    compose_dialog(),
                    rx.grid(
                        interviews_panel(),
                        notes_and_feed(),
                        columns=rx.breakpoints(initial="1", md="5fr 7fr"),
                        spacing="4",
                        width="100%",
                    ),
                    schedule_dialog(),
                    scorecard_dialog(),
                    _reject_dialog(),
                    _ask_dialog(),
                    rx.box(on_mount=rx.call_script(_KEYS), display="none"),
                    spacing="3",
                    width="100%",
                ),
            ),
        ),
        max_width="1280px",
    )
