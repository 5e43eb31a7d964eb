"""My work: where staff land after signing in. What waits for them, each item one click from where
it is done: interviews, scorecards due, mentions not read yet, applications waiting too long."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from flowtrack_ui.components.layout import loading_block, page
from flowtrack_ui.state.work import (
    InterviewItem,
    MentionItem,
    OfferApprovalItem,
    OverdueItem,
    ReplyItem,
    ScorecardItem,
    UnmatchedItem,
    WorkState,
)


def _section(title: str, test_id: str, items, row, hint: str) -> rx.Component:
    """One list of My work: its title and count, its ``items`` drawn by ``row``, or ``hint`` when empty."""
    count = items.length()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="4", as_="h2"),
                rx.badge(count.to_string(), variant="soft", radius="full", color_scheme="gray"),
                align="center",
                spacing="2",
            ),
            rx.cond(
                count > 0,
                rx.vstack(rx.foreach(items, row), spacing="0", width="100%"),
                rx.text(hint, size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid=test_id,
    )


def _interview(i: ObjectVar[InterviewItem]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(i.today, rx.badge("Today", color_scheme="green", variant="solid", high_contrast=True)),
            rx.link(i.candidate, href=i.href, weight="bold", size="2"),
            rx.text(i.job, size="2", color_scheme="gray"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(i.when, size="2", data_testid="work-interview-when"),
        rx.hstack(
            rx.cond(i.where != "", rx.text(i.where, size="1", color_scheme="gray")),
            rx.cond(
                i.video_url != "",
                rx.link("Video link", href=i.video_url, is_external=True, size="1"),
            ),
            rx.text(i.role, size="1", color_scheme="gray"),
            spacing="2",
            wrap="wrap",
        ),
        padding_y="2",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="work-interview",
    )


def _scorecard(d: ObjectVar[ScorecardItem]) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.text(d.candidate, weight="bold", size="2"),
            rx.text(d.job, " · ", d.when, size="1", color_scheme="gray"),
            min_width="0",
        ),
        rx.link(
            rx.button("Write scorecard", size="2", variant="soft", tab_index=-1),
            href=d.href,
            aria_label="Write scorecard for " + d.candidate,
        ),
        justify="between",
        align="center",
        gap="2",
        wrap="wrap",
        padding_y="2",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="work-scorecard",
    )


def _mention(m: ObjectVar[MentionItem]) -> rx.Component:
    return rx.box(
        rx.text(
            rx.text.strong(m.author),
            " mentioned you on ",
            rx.link(m.candidate, href=m.href, weight="bold"),
            " · " + m.job,
            size="2",
        ),
        rx.text(m.excerpt, size="2", color_scheme="gray", white_space="pre-wrap"),
        rx.hstack(
            rx.text(m.ago, size="1", color_scheme="gray", title=m.exact),
            rx.button(
                "Mark read",
                size="1",
                variant="ghost",
                on_click=WorkState.mark_read(m.note_id),
                aria_label="Mark read: " + m.author + " on " + m.candidate,
            ),
            spacing="3",
            align="center",
        ),
        padding_y="2",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="work-mention",
    )


def _reply(r: ObjectVar[ReplyItem]) -> rx.Component:
    return rx.box(
        rx.text(
            rx.link(r.candidate, href=r.href, weight="bold"),
            " · " + r.job + " · ",
            rx.text.span(r.label, weight="medium"),
            size="2",
        ),
        rx.text(r.subject, size="1", color_scheme="gray"),
        rx.text(r.excerpt, size="2", color_scheme="gray", white_space="pre-wrap"),
        rx.text(r.ago, size="1", color_scheme="gray", title=r.exact),
        padding_y="2",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="work-reply",
    )


def _unmatched(u: ObjectVar[UnmatchedItem]) -> rx.Component:
    return rx.box(
        rx.text(rx.text.strong(u.sender), " · ", u.subject, size="2"),
        rx.text(u.excerpt, size="2", color_scheme="gray", white_space="pre-wrap"),
        rx.text(u.ago, size="1", color_scheme="gray", title=u.exact),
        padding_y="2",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="work-unmatched",
    )


def _overdue(o: ObjectVar[OverdueItem]) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.link(o.candidate, href=o.href, weight="bold", size="2"),
            rx.text(o.job, " · ", o.waiting, size="1", color_scheme="gray"),
            min_width="0",
        ),
        rx.link("Board", href=o.board_href, size="2", aria_label="Board of " + o.job),
        justify="between",
        align="center",
        gap="2",
        wrap="wrap",
        padding_y="2",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="work-overdue-item",
    )


def _offer(o: ObjectVar[OfferApprovalItem]) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.link(o.candidate, href=o.href, weight="bold", size="2"),
            rx.text(o.job, " · ", o.salary, size="1", color_scheme="gray"),
            min_width="0",
        ),
        rx.text("waiting ", o.ago, size="1", color_scheme="gray"),
        justify="between",
        align="center",
        gap="2",
        wrap="wrap",
        padding_y="2",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="work-offer",
    )


def work_page() -> rx.Component:
    return page(
        rx.vstack(
            rx.vstack(
                rx.heading("My work", size="6", as_="h1"),
                rx.text(WorkState.summary, size="2", color_scheme="gray", data_testid="work-summary"),
                rx.text(
                    "Times in ",
                    rx.text.strong(WorkState.shown_zone),
                    " · ",
                    rx.link("change your time zone", href="/account"),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.cond(
                WorkState.loading,
                loading_block(),
                rx.grid(
                    rx.cond(
                        WorkState.offers.length() > 0,
                        _section("Offers to approve", "work-offers", WorkState.offers, _offer, ""),
                    ),
                    _section(
                        "Interviews",
                        "work-interviews",
                        WorkState.interviews,
                        _interview,
                        "No interviews today or coming up that you interview in or scheduled.",
                    ),
                    _section(
                        "Scorecards due",
                        "work-scorecards",
                        WorkState.scorecards,
                        _scorecard,
                        "No scorecards due: every interview you held has yours.",
                    ),
                    _section(
                        "Replies",
                        "work-replies",
                        WorkState.replies,
                        _reply,
                        "No new replies. Candidates' answers to your emails appear here until you open them.",
                    ),
                    _section(
                        "Mentions",
                        "work-mentions",
                        WorkState.mentions,
                        _mention,
                        "No unread mentions. Colleagues mention you in notes with @ and your handle.",
                    ),
                    _section(
                        "Waiting too long",
                        "work-overdue",
                        WorkState.overdue,
                        _overdue,
                        "No application has waited past its stage's target. Set targets per stage "
                        "in a job's pipeline.",
                    ),
                    rx.cond(
                        WorkState.unmatched.length() > 0,
                        _section(
                            "Unmatched replies",
                            "work-unmatched",
                            WorkState.unmatched,
                            _unmatched,
                            "",
                        ),
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )
