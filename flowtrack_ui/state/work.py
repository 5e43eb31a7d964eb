"""My work: the staff member's landing page (interviews, scorecards due, mentions, overdue).

The core computes the lists (core/work.py); this state shapes them into rows. Live: it follows
the company's changes. A wake of stage moves alone (each commit names the cards it moved) can
change only the overdue list, and only for the moved cards: the core checks those cards
(``work.overdue_among``) and the list takes them in its order. Anything else (a scheduled
interview, a note, a scorecard, an offer, a reply, an erasure, lost changes) reads the lists again,
so a mention or a submitted scorecard shows or goes without a reload; so does the clock, when an
interview of the caller's ends or their day turns (``work.next_clock_change``).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import reflex as rx

from flowtrack_ui.core import live_access, work
from flowtrack_ui.core.changes import Change
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.mail import conversation
from flowtrack_ui.core.permissions import STAFF_ROLES

from . import live
from .format import counted, exact, relative
from .session import SessionState, db


@dataclasses.dataclass
class InterviewItem:
    interview_id: int
    href: str
    candidate: str
    job: str
    when: str
    where: str
    video_url: str
    today: bool
    role: str  # "Interviewer" or "You scheduled it"


@dataclasses.dataclass
class ScorecardItem:
    interview_id: int
    href: str  # the application page with the scorecard form open
    candidate: str
    job: str
    when: str


@dataclasses.dataclass
class MentionItem:
    note_id: int
    href: str
    candidate: str
    job: str
    author: str
    excerpt: str
    ago: str
    exact: str


@dataclasses.dataclass
class ReplyItem:
    """A candidate's reply (or a bounce, an automatic reply) not read yet."""

    inbound_id: int
    href: str  # the application page, where its conversation is
    candidate: str
    job: str
    label: str  # Reply, Bounce, Automatic reply
    subject: str
    excerpt: str
    ago: str
    exact: str


@dataclasses.dataclass
class UnmatchedItem:
    """Mail to the reply address that matched no application (an unknown or mistyped token)."""

    inbound_id: int
    sender: str
    subject: str
    excerpt: str
    ago: str
    exact: str


@dataclasses.dataclass
class OverdueItem:
    application_id: int
    href: str
    board_href: str
    candidate: str
    job: str
    stage: str
    waiting: str  # "9 days in Screening (target 5)"


@dataclasses.dataclass
class OfferApprovalItem:
    offer_id: int
    href: str  # the application page, at its Offer section
    candidate: str
    job: str
    salary: str
    ago: str


REPLY_LABELS = {"reply": "Reply", "bounce": "Bounce", "auto_reply": "Automatic reply"}


def _application(application_id: int) -> str:
    return f"/application?id={application_id}"


class WorkState(SessionState):
    interviews: list[InterviewItem] = []
    scorecards: list[ScorecardItem] = []
    mentions: list[MentionItem] = []
    replies: list[ReplyItem] = []
    unmatched: list[UnmatchedItem] = []
    overdue: list[OverdueItem] = []
    offers: list[OfferApprovalItem] = []
    shown_zone: str = ""
    loading: bool = True
    _watch_gen: int = 0
    # The overdue list as the core gave it (with when each card entered its stage: the order).
    _overdue: list[work.Overdue] = []
    # The change feed's mark before the last full read: a wake on signals heard before it is skipped.
    _read_mark: str = ""
    # When the lists change by the clock alone (work.next_clock_change): the watch reads them then.
    _wake_at: datetime | None = None

    @rx.var
    def today_count(self) -> int:
        return sum(1 for i in self.interviews if i.today)

    @rx.var
    def summary(self) -> str:
        parts = [
            f"{counted(len(self.interviews), 'interview')} ({self.today_count} today)",
            counted(len(self.scorecards), "scorecard") + " due",
            counted(len(self.mentions), "unread mention"),
            counted(len(self.replies), "new reply", "new replies"),
            counted(len(self.overdue), "overdue application"),
        ]
        if self.offers:
            parts.insert(0, counted(len(self.offers), "offer") + " to approve")
        return " · ".join(parts)

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        self._watch_gen += 1
        refused = self._refresh()
        if refused is not None:
            return refused
        if not self.time_zone:
            # The first sign-in lands here: the browser's zone is asked (again, if the page frame
            # asked already) and the lists are re-read in it once stored.
            self._zone_asked = True
            return [
                rx.call_script(
                    "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=WorkState.first_time_zone
                ),
                WorkState.watch,
            ]
        return WorkState.watch

    @rx.event
    def first_time_zone(self, name: str):
        """The browser's zone, stored while the person has none; then the lists in it."""
        refused = self._keep_zone(name)
        return refused if refused is not None else self._refresh()

    @rx.event(background=True)
    async def watch(self):
        """Live: the company's changes (interviews, notes, scorecards, moves) re-read the lists."""
        async with self:
            gen = self._watch_gen
        return await live.follow(
            self,
            lambda _signal: live_access.company_overview_topic(self.principal()),
            still_wanted=lambda: self._watch_gen == gen,
            refresh=self._refresh,
            read_mark=lambda: self._read_mark,
            wake_at=lambda: self._wake_at,
            on_changes=self._on_changes,
        )

    def _on_changes(self, changes: list[Change], lost: bool):
        """A wake of stage moves alone re-checks the moved cards' place in the overdue list (a
        move never schedules an interview, writes a note or a scorecard, or touches an offer or a
        reply); any other change, or lost ones, reads every list again."""
        if lost:
            return self._refresh()
        moved: set[int] = set()
        for change in changes:
            if not change.jobs:
                return self._refresh()  # a company change naming no job: only a read tells what
            for job in change.jobs.values():
                if job.seq is None or not job.moves:
                    return self._refresh()
                for move in job.moves:
                    if move.to_stage is None:
                        return self._refresh()  # erased: its interviews, notes and replies went too
                    moved.add(move.application_id)
        if not moved:
            return None
        try:
            p = self.principal()
            now_overdue = work.overdue_among(db(), p, moved)
            held = self._overdue
            if len(held) >= work.MAX_ROWS and any(o.application_id in moved for o in held):
                # A card leaves (or moves within) a full list: the next one waiting is not held.
                self._show_overdue(work.overdue(db(), p))
                return None
        except DomainError as exc:
            return self.refuse(exc)
        kept = [o for o in held if o.application_id not in moved]
        merged = sorted([*kept, *now_overdue], key=lambda o: (o.since, o.application_id))
        self._show_overdue(merged[: work.MAX_ROWS])
        return None

    def _show_overdue(self, rows: list[work.Overdue] | tuple[work.Overdue, ...]) -> None:
        self._overdue = list(rows)
        self.overdue = [
            OverdueItem(
                application_id=o.application_id,
                href=_application(o.application_id),
                board_href=f"/board?job={o.job_id}",
                candidate=o.candidate_name,
                job=o.job_title,
                stage=o.stage,
                waiting=f"{counted(o.days_in_stage, 'day')} in {o.stage} (target {o.target_days})",
            )
            for o in rows
        ]

    def _refresh(self):
        mark, now = db().feed.mark(), datetime.now(UTC)
        try:
            mine = work.my_work(db(), self.principal(), now)
        except DomainError as exc:
            return self.refuse(exc)
        self._wake_at = work.next_clock_change(mine, now)
        self.shown_zone = mine.time_zone
        self.replies = [
            ReplyItem(
                inbound_id=r.inbound_id,
                href=_application(r.application_id),
                candidate=r.candidate_name,
                job=r.job_title,
                label=REPLY_LABELS.get(r.kind, "Reply"),
                subject=r.subject,
                excerpt=r.excerpt,
                ago=relative(r.received_at),
                exact=exact(r.received_at, self.time_zone),
            )
            for r in mine.replies
        ]
        try:
            stray = conversation.unmatched(db(), self.principal(), limit=20)
        except DomainError as exc:
            return self.refuse(exc)
        self.unmatched = [
            UnmatchedItem(
                inbound_id=u.id,
                sender=u.from_name or u.from_address or "Unknown sender",
                subject=u.subject,
                excerpt=u.body[:240],
                ago=relative(u.received_at),
                exact=exact(u.received_at, self.time_zone),
            )
            for u in stray
        ]
        self.interviews = [
            InterviewItem(
                interview_id=i.interview_id,
                href=_application(i.application_id),
                candidate=i.candidate_name,
                job=i.job_title,
                when=i.when,
                where=i.location,
                video_url=i.video_url,
                today=i.today,
                role="Interviewer" if i.interviewing else "You scheduled it",
            )
            for i in mine.interviews
        ]
        self.scorecards = [
            ScorecardItem(
                interview_id=d.interview_id,
                href=f"{_application(d.application_id)}&scorecard={d.interview_id}",
                candidate=d.candidate_name,
                job=d.job_title,
                when=d.when,
            )
            for d in mine.scorecards_due
        ]
        self.mentions = [
            MentionItem(
                note_id=m.note_id,
                href=_application(m.application_id),
                candidate=m.candidate_name,
                job=m.job_title,
                author=m.author_name,
                excerpt=m.excerpt,
                ago=relative(m.created_at),
                exact=exact(m.created_at, self.time_zone),
            )
            for m in mine.mentions
        ]
        self._show_overdue(mine.overdue)
        self.offers = [
            OfferApprovalItem(
                offer_id=o.offer_id,
                href=f"{_application(o.application_id)}#offer",
                candidate=o.candidate_name,
                job=o.job_title,
                salary=o.salary,
                ago=relative(o.waiting_since),
            )
            for o in mine.offers_to_approve
        ]
        self.loading, self._read_mark = False, mark
        return None

    @rx.event
    def mark_read(self, note_id: int):
        """The mention's "Mark read": the core checks it is the caller's own mention."""
        try:
            work.read_mention(db(), self.principal(), note_id)
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self._refresh()
            return rx.toast.error(exc.message)
        self.mentions = [m for m in self.mentions if m.note_id != note_id]
        return rx.toast.success("Marked read.")
