"""The full application page for staff: who the candidate is, what they answered, their résumé."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.board import stage_badge, tag_badges
from flowtrack_ui.components.layout import empty_block, loading_block, page
from flowtrack_ui.components.team import interviews_panel, notes_and_feed, schedule_dialog, scorecard_dialog
from flowtrack_ui.state.application import AnswerRow, DuplicateRow
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
        on_submit=S.save_tags,
        width="100%",
    )


def _duplicate(d: DuplicateRow) -> rx.Component:
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


def _answer(a: AnswerRow) -> rx.Component:
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
    )


def application_page() -> rx.Component:
    return page(
        rx.cond(
            S.loading,
            loading_block(),
            rx.cond(
                S.not_found != "",
                empty_block("search_x", S.not_found, rx.link("Back to jobs", href="/jobs")),
                rx.vstack(
                    rx.link(
                        "← Board of ",
                        S.job_title,
                        href="/board?job=" + S.job_id.to_string(),
                        size="2",
                        data_testid="back-to-board",
                    ),
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
                    rx.grid(
                        interviews_panel(),
                        notes_and_feed(),
                        columns=rx.breakpoints(initial="1", md="5fr 7fr"),
                        spacing="4",
                        width="100%",
                    ),
                    schedule_dialog(),
                    scorecard_dialog(),
                    spacing="3",
                    width="100%",
                ),
            ),
        ),
        max_width="1280px",
    )
