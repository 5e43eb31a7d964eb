"""The recruiter's kanban board of one job: columns, moves, rejection with a reason, the timeline."""

from __future__ import annotations

import dataclasses

import reflex as rx

from flowtrack_ui.core import live_access, queries, workflow
from flowtrack_ui.core.errors import ConcurrentUpdate, DomainError, InvalidTransition
from flowtrack_ui.core.permissions import STAFF_ROLES, Action, may
from flowtrack_ui.core.stages import PIPELINE, Stage
from flowtrack_ui.core.views import Board

from . import live
from .format import day, exact, relative
from .session import SessionState, db

PAGE = 20
STAGE_NAMES = [stage.value for stage in PIPELINE]


@dataclasses.dataclass
class CardRow:
    id: int
    name: str
    email: str
    stage: str
    applied: str
    days: int
    allowed: list[str] = dataclasses.field(default_factory=list)
    headline: str = ""
    has_resume: bool = False
    knockouts: list[str] = dataclasses.field(default_factory=list)
    scorecards: str = ""


@dataclasses.dataclass
class ColumnRow:
    stage: str
    count: int
    hidden: int
    cards: list[CardRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class HistoryRow:
    old_stage: str
    new_stage: str
    by: str
    when: str
    exact: str
    note: str


@dataclasses.dataclass
class EmailRow:
    subject: str
    status: str  # sent, queued or failed
    when: str
    exact: str


def _short(question: str) -> str:
    return question if len(question) <= 28 else question[:27].rstrip() + "…"


def columns_of(board: Board, can_move: bool = True) -> list[ColumnRow]:
    return [
        ColumnRow(
            stage=col.stage,
            count=col.count,
            hidden=col.count - len(col.cards),
            cards=[
                CardRow(
                    id=c.id,
                    name=c.candidate_name,
                    email=c.candidate_email,
                    stage=c.stage,
                    applied=day(c.applied_at),
                    days=c.days_in_stage,
                    allowed=list(c.allowed_next) if can_move else [],
                    headline=c.headline,
                    has_resume=c.has_resume,
                    knockouts=[f"{_short(q)}: {a}" for q, a in c.knockouts],
                    scorecards=c.scorecards,
                )
                for c in col.cards
            ],
        )
        for col in board.columns
    ]


class BoardState(SessionState):
    job_id: int = 0
    can_move: bool = False
    job_title: str = ""
    job_status: str = ""
    columns: list[ColumnRow] = []
    total: int = 0
    search: str = ""
    per_stage: int = PAGE
    loading: bool = True
    not_found: str = ""
    _watch_gen: int = 0

    detail_open: bool = False
    detail_id: int = 0
    detail_name: str = ""
    detail_email: str = ""
    detail_stage: str = ""
    history: list[HistoryRow] = []
    emails: list[EmailRow] = []

    reject_open: bool = False
    reject_id: int = 0
    reject_name: str = ""
    reject_from: str = ""

    @rx.event
    def load(self):
        me = self.require(*STAFF_ROLES)
        if me is None:
            return self.guard(*STAFF_ROLES)
        # Hiring managers read the board; only recruiters move cards (the core checks every move).
        self.can_move = may(me, Action.MOVE_STAGE)
        try:
            self.job_id = int(self.router.url.query_parameters.get("job", "0"))
        except ValueError:
            self.job_id = 0
        self.search, self.per_stage, self.detail_open, self.reject_open = "", PAGE, False, False
        self._watch_gen += 1
        refused = self._refresh()
        if refused is None and not self.not_found:
            return BoardState.watch
        return refused

    def _refresh(self):
        try:
            board = queries.board(
                db(), self.principal(), self.job_id, search=self.search, per_stage=self.per_stage
            )
        except DomainError as exc:
            self.loading = False
            if exc.status_code in (404, 422):
                self.not_found, self.columns = "This job does not exist or is not yours.", []
                return None
            return self.refuse(exc)
        self.not_found = ""
        self.job_title, self.job_status = board.job.title, board.job.status
        self.columns = columns_of(board, self.can_move)
        self.total = board.total
        self.loading = False
        return None

    @rx.event
    def refresh(self):
        return self._refresh()

    @rx.event(background=True)
    async def watch(self):
        """Live board: re-read when any move of this job commits, on whichever worker."""
        async with self:
            gen, job_id = self._watch_gen, self.job_id
        return await live.follow(
            self,
            lambda: live_access.job_board_topic(db(), self.principal(), job_id),
            still_wanted=lambda: self._watch_gen == gen and self.job_id == job_id,
            refresh=self._live_refresh,
        )

    def _live_refresh(self):
        result = self._refresh()
        if self.detail_open and result is None:
            try:
                self._load_history()
            except DomainError as exc:
                return self.refuse(exc)
        return result

    @rx.event
    def set_search(self, value: str):
        self.search = value[:100]
        return self._refresh()

    @rx.event
    def show_more(self):
        self.per_stage += PAGE
        return self._refresh()

    def _move(self, application_id: int, target: str, expected: str, note: str | None = None):
        """One path for every move (drag, keyboard, menu, reject): the domain core decides."""
        try:
            moved = workflow.move_stage(
                db(), self.principal(), application_id, target, expected_stage=expected, note=note
            )
        except InvalidTransition as exc:
            self._refresh()
            return rx.toast.error(exc.message, duration=6000)
        except ConcurrentUpdate as exc:
            self._refresh()
            return rx.toast.warning(
                f"Someone else moved this card first; it is now in {exc.current}. The board is reloaded.",
                duration=6000,
            )
        except DomainError as exc:
            self._refresh()
            return self.refuse(exc)
        self._refresh()
        if self.detail_open and self.detail_id == moved.id:
            self._load_history()
        return rx.toast.success(f"Moved to {moved.stage}.")

    @rx.event
    def move(self, application_id: int, target: str, source: str = ""):
        """From a drop, the keyboard or the menu: (application id, target stage, stage it was seen in)."""
        if target == Stage.REJECTED:
            return self.ask_reject(application_id, source)
        return self._move(application_id, target, source)

    @rx.event
    def ask_reject(self, application_id: int, source: str = ""):
        card = next((c for col in self.columns for c in col.cards if c.id == application_id), None)
        self.reject_id = application_id
        self.reject_name = card.name if card else ""
        self.reject_from = source or (card.stage if card else "")
        self.reject_open = True

    @rx.event
    def set_reject_open(self, value: bool):
        self.reject_open = value

    @rx.event
    def confirm_reject(self, form: dict):
        self.reject_open = False
        return self._move(self.reject_id, Stage.REJECTED, self.reject_from, form.get("reason") or None)

    def _load_history(self):
        entries = queries.application_history(db(), self.principal(), self.detail_id)
        self.history = [
            HistoryRow(
                old_stage=h.old_stage or "",
                new_stage=h.new_stage,
                by=h.changed_by_name,
                when=relative(h.changed_at),
                exact=exact(h.changed_at),
                note=h.note or "",
            )
            for h in reversed(entries)
        ]
        if entries:
            self.detail_stage = entries[-1].new_stage
        self.emails = [
            EmailRow(
                subject=e.subject,
                status=e.status,
                when=relative(e.sent_at or e.created_at),
                exact=exact(e.sent_at or e.created_at),
            )
            for e in reversed(queries.application_emails(db(), self.principal(), self.detail_id))
        ]

    @rx.event
    def open_card(self, application_id: int):
        if not self.can_move:  # hiring managers read the application page (no stage history)
            return rx.redirect(f"/application?id={int(application_id)}")
        card = next((c for col in self.columns for c in col.cards if c.id == application_id), None)
        self.detail_id = application_id
        self.detail_name = card.name if card else ""
        self.detail_email = card.email if card else ""
        try:
            self._load_history()
        except DomainError as exc:
            return self.refuse(exc)
        self.detail_open = True

    @rx.event
    def set_detail_open(self, value: bool):
        self.detail_open = value
