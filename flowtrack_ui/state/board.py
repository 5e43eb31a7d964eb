"""The recruiter's kanban board of one job: columns, moves, rejection with a reason, the timeline."""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import reflex as rx

from flowtrack_ui.core import live_access, queries
from flowtrack_ui.core.changes import CardMove, Change, JobChange
from flowtrack_ui.core.errors import ConcurrentUpdate, DomainError, InvalidInput, InvalidTransition
from flowtrack_ui.core.models import TAKES_APPLICATIONS
from flowtrack_ui.core.permissions import STAFF_ROLES, Action, Principal, may
from flowtrack_ui.core.pipelines import moves, rejection_reasons
from flowtrack_ui.core.pipelines.categories import is_terminal
from flowtrack_ui.core.privacy.erase import shown_email
from flowtrack_ui.core.views import Board, Card

from . import live
from .board_changes import SPARE, CannotPlace, Held, apply_move, held_columns
from .bulk import BulkActions
from .format import day, exact, relative
from .reflex_internals import unproxied
from .session import SessionState, db

PAGE = 20


@dataclasses.dataclass
class CardRow:
    id: int
    name: str
    email: str
    stage: str
    applied: str
    days: int
    allowed: list[str] = dataclasses.field(default_factory=list)
    # target stage → kind of move, and → reason (none, optional, required), per allowed move
    kinds: dict[str, str] = dataclasses.field(default_factory=dict)
    reasons: dict[str, str] = dataclasses.field(default_factory=dict)
    # Targets that open a dialog first (the core's moves that take words): the board waits for the answer.
    asks: list[str] = dataclasses.field(default_factory=list)
    # The next stage ("a" on the keyboard, Advance): the core's forward move, if it offers one.
    advance: str = ""
    category: str = ""
    headline: str = ""
    has_resume: bool = False
    knockouts: list[str] = dataclasses.field(default_factory=list)
    scorecards: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)
    # The application page, opened from this column (its Previous / Next walk it, search kept).
    href: str = ""
    # When it entered its stage (ISO 8601): its place in the column, newest first.
    moved: str = ""


@dataclasses.dataclass
class StageCount:
    """How many applications are in one stage of a job's own pipeline."""

    stage: str
    category: str
    count: int


def stage_counts(summary) -> list[StageCount]:
    """A JobSummary's counts, in the job's board order."""
    return [StageCount(st.name, st.category, summary.counts.get(st.name, 0)) for st in summary.job.stages]


@dataclasses.dataclass
class ColumnRow:
    stage: str
    count: int
    hidden: int
    cards: list[CardRow] = dataclasses.field(default_factory=list)
    category: str = ""
    # Hired, Rejected and Withdrawn: pinned at the board's right edge as slim drop targets.
    final: bool = False


@dataclasses.dataclass
class HistoryRow:
    old_stage: str
    new_stage: str
    by: str
    when: str
    exact: str
    note: str
    kind: str = ""
    reason: str = ""


@dataclasses.dataclass
class EmailRow:
    subject: str
    status: str  # sent, queued or failed
    when: str
    exact: str


def focus_card(application_id: int, stage: str):
    """Keyboard and menu moves keep the focus on the moved card once it is drawn in its column
    (assets/board_keys.jsx ``flowtrackFocusCard``: the card is a new element there, so focus would
    fall to the page). A call by name: the script itself is not sent with every move."""
    card, column = json.dumps(str(int(application_id))), json.dumps(str(stage))
    return rx.call_script(f"window.flowtrackFocusCard && window.flowtrackFocusCard({card}, {column})")


def _short(question: str) -> str:
    return question if len(question) <= 28 else question[:27].rstrip() + "…"


def card_href(application_id: int, job_id: int, stage: str, search: str = "") -> str:
    """The application page as opened from a board column: Previous / Next walk that column."""
    context = {"from": "board", "job": job_id, "stage": stage, **({"q": search} if search else {})}
    return "/application?" + urlencode({"id": application_id, **context})


def _moves_of(row: CardRow, moves: list[tuple[str, str, str, bool]], can_move: bool) -> CardRow:
    """The card's moves (target, kind, reason, asks), as a recruiter's board offers them."""
    row.allowed, row.kinds, row.reasons, row.asks, row.advance = _offered(tuple(moves) if can_move else ())
    return row


@functools.lru_cache(maxsize=512)
def _offered(
    moves: tuple[tuple[str, str, str, bool], ...],
) -> tuple[list[str], dict[str, str], dict[str, str], list[str], str]:
    """The lists a card shows of its moves, the same objects for every card with the same moves
    (most cards of a column): a tab's state is pickled into Redis and read back whenever its
    lease is renewed, and pickle writes an object shared by 300 cards once (a 300-card board:
    42 KB instead of 60, unpickled in 0.8 ms instead of 1.9). Nothing changes them in place: a
    moved card gets new ones (``moved_card``)."""
    return (
        [m[0] for m in moves],
        {m[0]: m[1] for m in moves},
        {m[0]: m[2] for m in moves},
        [m[0] for m in moves if m[3]],
        next((m[0] for m in moves if m[1] == "forward"), ""),
    )


def card_row(c: Card, job_id: int, can_move: bool = True, search: str = "") -> CardRow:
    """One card of the board, from the core's view of it."""
    row = CardRow(
        id=c.id,
        name=c.candidate_name,
        email=shown_email(c.candidate_email),
        stage=c.stage,
        applied=day(c.applied_at),
        days=c.days_in_stage,
        category=c.category,
        headline=c.headline,
        has_resume=c.has_resume,
        knockouts=[f"{_short(q)}: {a}" for q, a in c.knockouts],
        scorecards=c.scorecards,
        tags=list(c.tags),
        href=card_href(c.id, job_id, c.stage, search),
        moved=c.stage_changed_at.isoformat(),
    )
    return _moves_of(row, [(m.stage, m.kind, m.reason, m.asks) for m in c.moves], can_move)


def moved_card(
    row: CardRow, move: CardMove, job_id: int, can_move: bool, search: str, now: datetime
) -> CardRow:
    """The card a tab holds, as it is after ``move`` (a new row: the browser is sent it)."""
    assert move.to_stage is not None
    changed = datetime.fromisoformat(move.changed_at)
    changed = changed if changed.tzinfo else changed.replace(tzinfo=UTC)
    new = dataclasses.replace(
        row,
        stage=move.to_stage,
        category=move.category,
        days=max(0, (now - changed).days),
        href=card_href(row.id, job_id, move.to_stage, search),
        moved=changed.isoformat(),
    )
    return _moves_of(new, list(move.moves), can_move)


def columns_of(board: Board, can_move: bool = True, search: str = "") -> list[ColumnRow]:
    return [
        ColumnRow(
            stage=col.stage,
            count=col.count,
            hidden=col.count - len(col.cards),
            cards=[card_row(c, board.job.id, can_move, search) for c in col.cards],
            category=col.category,
            final=is_terminal(col.category),
        )
        for col in board.columns
    ]


@dataclasses.dataclass
class ColumnPatch:
    """One column after a change: its count, the ids of the cards it shows in order, and those of
    them the browser does not have yet (the others it keeps)."""

    stage: str
    count: int
    hidden: int
    ids: list[int] = dataclasses.field(default_factory=list)
    cards: list[CardRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class BoardPatch:
    """Changes to the columns the browser holds (assets/kanban_dnd.jsx applies them): ``rev``
    orders them after the last full ``columns`` (``BoardState.columns_rev``)."""

    rev: int = 0
    columns: list[ColumnPatch] = dataclasses.field(default_factory=list)


class _TabReader:
    """The cards a change does not carry, read through the core with the tab's reader's
    permissions; None when the read would not fit the change being applied. ``checked``: the
    caller as the live wake applying the change has just checked them (else re-read)."""

    def __init__(self, state: BoardState, checked: Principal | None = None):
        self.state, self.seq, self.checked = state, -1, checked

    def principal(self) -> Principal:
        return self.checked if self.checked is not None else self.state.principal()

    def card(self, application_id: int) -> CardRow | None:
        st = self.state
        try:
            found = queries.board_cards(db(), self.principal(), st.job_id, [application_id])
        except DomainError:
            return None
        card = found.get(application_id)
        return card_row(card, st.job_id, st.can_move, st.search) if card is not None else None

    def window(self, stage: str, offset: int, limit: int) -> list[CardRow] | None:
        st = self.state
        if st.search:  # the column's next cards among those matching: only a fresh read tells
            return None
        try:
            seq, cards = queries.column_window(
                db(), self.principal(), st.job_id, stage, offset, limit, at_seq=self.seq
            )
        except DomainError:
            return None
        if seq != self.seq:  # read after later changes: its offsets are not this change's
            return None
        return [card_row(c, st.job_id, st.can_move, st.search) for c in cards]


class BoardState(SessionState, BulkActions):
    job_id: int = 0
    can_move: bool = False
    job_title: str = ""
    job_status: str = ""
    # Whether the job takes new applications (``TAKES_APPLICATIONS``); the board says when not.
    job_takes_applications: bool = True
    columns: list[ColumnRow] = []
    # ``columns`` is sent whole after a read (numbered ``columns_rev``); a change after it comes as
    # ``board_patch`` (a higher number), which the browser applies to the columns it has.
    columns_rev: int = 0
    board_patch: BoardPatch = BoardPatch()
    _rev: int = 0
    # The job's change number the columns are at (``job.change_seq``), and the spare cards held
    # after each column's shown ones (state/board_changes.py).
    _seq: int = -1
    _spare: dict[str, list[CardRow]] = {}
    total: int = 0
    search: str = ""
    per_stage: int = PAGE
    # The newest move (by the browser's sequence number) this tab has had an answer to.
    answered: int = 0
    # Cards shown per column (stage name → how many); "Show more" grows one column only.
    _shown: dict[str, int] = {}
    # Final columns (Hired, Rejected, Withdrawn) folded to slim drop targets (all of them when a
    # board opens: they are pinned at its right edge, and unfold to show their cards).
    folded: list[str] = []
    _fold_finals: bool = False
    # The keyboard shortcuts' help sheet.
    help_open: bool = False
    # On a phone the board shows one column at a time: this one (chosen with the stage tabs).
    phone_stage: str = ""
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

    # The dialog before a rejection (standard reason, note) or a correction (reason required).
    ask_open: bool = False
    ask_kind: str = ""
    ask_reason: str = ""  # optional or required, as the transition table says
    ask_id: int = 0
    ask_name: str = ""
    ask_from: str = ""
    ask_target: str = ""
    ask_error: str = ""
    reasons: list[str] = []
    # The shared reject dialog (components/reject_dialog.py) for one card: its choices are RejectTerms'.
    reject_open: bool = False

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
        self.search, self.per_stage, self.detail_open, self.ask_open = "", PAGE, False, False
        self.reject_open = False
        self._shown = {}
        self.reasons = []
        self.help_open, self.bulk_reject_open, self.bulk_tag_open, self.bulk_add_open = (
            False,
            False,
            False,
            False,
        )
        self.selected, self.bulk_summary, self.bulk_failed_heading, self.bulk_failures = [], "", "", []
        self._fold_finals = True
        self._watch_gen += 1
        refused = self._refresh()
        if refused is None and not self.not_found:
            return BoardState.watch
        return refused

    def _refresh(self):
        try:
            board = queries.board(
                db(), self.principal(), self.job_id, search=self.search, per_stage=self.per_stage + SPARE
            )
        except DomainError as exc:
            self.loading = False
            if exc.status_code in (404, 422):
                self.not_found, self.columns = "This job does not exist or is not yours.", []
                return None
            return self.refuse(exc)
        self.not_found = ""
        self.job_title, self.job_status = board.job.title, board.job.status
        self.job_takes_applications = board.job.status in TAKES_APPLICATIONS
        columns = columns_of(board, self.can_move, self.search)
        spare = {}
        for col in columns:  # each column shows as many cards as it was asked to; a few more wait
            limit = self._shown.get(col.stage, PAGE)
            col.cards, spare[col.stage] = col.cards[:limit], col.cards[limit : limit + SPARE]
            col.hidden = col.count - len(col.cards)
        self._rev += 1
        self.columns, self.columns_rev, self._spare, self._seq = columns, self._rev, spare, board.seq
        if self._fold_finals:
            self.folded, self._fold_finals = [c.stage for c in columns if c.final], False
        self._keep_selectable()
        if self.phone_stage not in [c.stage for c in columns]:
            self.phone_stage = columns[0].stage if columns else ""
        self.total = board.total
        if self.can_move and not self.reasons:
            self.reasons = rejection_reasons.list_reasons(db(), self.principal())
        self.loading = False
        return None

    @rx.event
    def refresh(self):
        return self._refresh()

    @rx.event(background=True)
    async def watch(self):
        """Live board: each change of this job committed on whichever worker is applied to the
        columns this tab holds (a read of the whole board only when it cannot be placed)."""
        async with self:
            gen, job_id = self._watch_gen, self.job_id
        checked: list[Principal] = []  # the caller as this wake's access check read them

        def topic_for(signal: str | None) -> str:
            checked.clear()
            topic, principal = live_access.job_board_access_for_token(
                db(), unproxied(self).bound_token(), job_id, signal
            )
            checked.append(principal)
            return topic

        return await live.follow(
            self,
            topic_for,
            still_wanted=lambda: self._watch_gen == gen and self.job_id == job_id,
            refresh=self._live_refresh,
            # Applied to the state the task's proxy holds (inside its lock), as a handler would;
            # the cards it reads are read as the caller the wake's check has just allowed.
            on_changes=lambda changes, lost: BoardState._on_changes(
                unproxied(self), changes, lost, checked[0] if checked else None
            ),
            holds=lambda changes: BoardState._holds(unproxied(self), changes),
        )

    def _holds(self, changes: list[Change]) -> bool:
        """Whether the columns held already have every one of these changes (by change number)."""
        seqs = [c.job.seq if c.job is not None else None for c in changes]
        return bool(seqs) and all(seq is not None and seq <= self._seq for seq in seqs)

    def _on_changes(self, changes: list[Change], lost: bool, checked: Principal | None = None):
        jobs = [c.job for c in changes if c.job is not None]
        if lost or not self._apply_changes(jobs, checked):
            return self._live_refresh()
        if self.detail_open and any(m.application_id == self.detail_id for j in jobs for m in j.moves):
            try:
                self._load_history()
            except DomainError as exc:
                return self.refuse(exc)
        return None

    def _apply_changes(self, changes: list[JobChange], checked: Principal | None = None) -> bool:
        """Apply the job's changes, in order, to the columns held; False when a change cannot be
        placed (a gap in the change numbers, a change without details, a card the tab cannot
        place): the caller then reads the board again. Nothing is changed until all fit."""
        raw: list[ColumnRow] = self.get_value("columns")
        spare: dict[str, list[CardRow]] = self.get_value("_spare")
        shown: dict[str, int] = self.get_value("_shown")
        held = held_columns(
            [(c.stage, c.count, [*c.cards, *spare.get(c.stage, [])], shown.get(c.stage, PAGE)) for c in raw]
        )
        now = datetime.now(UTC)
        reader = _TabReader(self, checked)

        def moved_row(old: CardRow | None, move: CardMove) -> CardRow | None:
            if old is None or move.to_stage is None:
                return None
            return moved_card(old, move, self.job_id, self.can_move, self.search, now)

        seq, changed = self._seq, set()
        for change in sorted(changes, key=lambda c: c.seq if c.seq is not None else -1):
            if change.seq is not None and change.seq <= seq:
                continue  # already in what the tab holds (its own move, or a read after it)
            if change.seq != seq + 1 or not change.moves:
                return False
            reader.seq = change.seq
            try:
                for move in change.moves:
                    changed |= apply_move(held, move, moved_row, reader, filtered=bool(self.search))
            except CannotPlace:
                return False
            seq = change.seq
        self._seq = seq
        if changed:
            self._send_columns(raw, held, changed)
        return True

    def _send_columns(self, raw: list[ColumnRow], held: dict[str, Held[CardRow]], changed: set[str]) -> None:
        """Keep the changed columns here and send them as a patch: per column its count, the ids it
        shows and only the cards the browser does not have (``columns`` itself is not sent)."""
        patches = []
        for col in raw:
            if col.stage not in changed:
                continue
            now = held[col.stage]
            known = {c.id: c for c in col.cards}
            fresh = [c for c in now.shown if known.get(c.id) is not c]
            col.cards, col.count, col.hidden = now.shown, now.count, now.count - len(now.shown)
            patches.append(ColumnPatch(col.stage, col.count, col.hidden, [c.id for c in now.shown], fresh))
        self._spare = {stage: h.spare for stage, h in held.items()}
        self._rev += 1
        self.board_patch = BoardPatch(self._rev, patches)
        self.total = sum(h.count for h in held.values())
        self._keep_selectable()

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
    def show_more(self, stage: str):
        """More cards in one column (the others keep theirs)."""
        shown = dict(self._shown)
        shown[stage] = min(shown.get(stage, PAGE) + PAGE, queries.MAX_PER_STAGE)
        self._shown = shown
        self.per_stage = max(shown.values())
        return self._refresh()

    @rx.event
    def show_stage(self, stage: str):
        """The phone's stage tabs: which column is on screen (a final one opens to show its cards)."""
        if any(c.stage == stage for c in self.columns):
            self.phone_stage = stage
            self.folded = [s for s in self.folded if s != stage]

    @rx.event
    def toggle_fold(self, stage: str):
        """Fold a final column to a narrow drop zone, or open it again."""
        self.folded = (
            [s for s in self.folded if s != stage] if stage in self.folded else [*self.folded, stage]
        )

    def _held(self) -> list[ColumnRow]:
        """The columns as held, for reading (no change tracking: the hot paths only look)."""
        return self.get_value("columns")

    def _card(self, application_id: int) -> CardRow | None:
        return next((c for col in self._held() for c in col.cards if c.id == application_id), None)

    # --- selection and bulk actions (BulkActions): what this board gives them ----------------

    def _selectable_ids(self) -> list[int]:
        """The cards on the board, column by column (only recruiters select: they act in bulk)."""
        if not self.can_move:
            return []
        folded = set(self.get_value("folded"))
        return [c.id for col in self._held() if col.stage not in folded for c in col.cards]

    def _same_range_group(self, first: int, second: int) -> bool:
        return any(
            first in ids and second in ids for ids in ([c.id for c in col.cards] for col in self._held())
        )

    def _bulk_stages(self) -> list[str]:
        """Where "Move to…" may take the selection: the stages the core lets at least one of the
        selected cards move to without words (rejections and corrections have their own dialog)."""
        chosen = set(self.get_value("selected"))
        cards = [c for col in self._held() for c in col.cards if c.id in chosen]
        reachable = {
            stage
            for c in cards
            for stage in c.allowed
            if c.kinds.get(stage) != "reject" and c.reasons.get(stage) != "required"
        }
        return [col.stage for col in self._held() if col.stage in reachable]

    def _current_job_id(self) -> int:
        return self.job_id

    def _after_bulk(self):
        result = self._refresh()
        if self.detail_open and result is None:
            try:
                self._load_history()
            except DomainError as exc:
                return self.refuse(exc)
        return result

    @rx.event
    def select_column(self, stage: str):
        """A column's "Select all": every card it shows joins the selection."""
        col = next((c for c in self.columns if c.stage == stage), None)
        if col is None or not self.can_move:
            return None
        return self.select_many([c.id for c in col.cards])

    # --- the keyboard ------------------------------------------------------------------------

    @rx.event
    def key_action(self, action: str, application_id: int = 0):
        """A shortcut the board's key handler passes on: advance or reject the focused card, the help."""
        if action == "help":
            self.help_open = True
            return None
        card = self._card(application_id) if isinstance(application_id, int) else None
        if action == "advance":
            if card is None:
                return rx.toast.info("Focus a card first (j and k move between cards).")
            if not card.advance:
                return rx.toast.info(f"{card.name} has no next stage to advance to.")
            return self._move(card.id, card.advance, card.stage)
        if action == "reject":
            if not self.selected:
                if card is None:
                    return rx.toast.info("Focus or select the cards to reject first.")
                if not self.can_move:
                    return rx.toast.info("This board is read-only for you: recruiters reject applications.")
                self.selected = [card.id]
                self.bulk_stages = self._bulk_stages()
            return self.open_bulk_reject()
        if action == "email":  # like reject: the selection, or else the focused card
            if not self.selected:
                if card is None:
                    return rx.toast.info("Focus or select the cards whose candidates to email first.")
                if not self.can_move:
                    return rx.toast.info("This board is read-only for you: recruiters write to candidates.")
                self.selected = [card.id]
                self.bulk_stages = self._bulk_stages()
            return self.open_bulk_email()
        return None

    @rx.event
    def set_help_open(self, value: bool):
        self.help_open = value is True

    def _move(
        self,
        application_id: int,
        target: str,
        expected: str,
        note: str | None = None,
        reason: str | None = None,
        asked: bool = False,
        terms: dict | None = None,
    ):
        """One path for every move (drag, keyboard, menu, dialog): the domain core decides.

        ``asked``: the words come from the dialog, which stays open to show the core's refusal of
        them (a correction without a reason). ``terms``: a rejection from the reject dialog (its
        reason, template and when, ``moves.reject``'s words).
        """
        try:
            if terms is not None:
                moved = moves.reject(db(), self.principal(), application_id, expected_stage=expected, **terms)
            else:
                moved = moves.move_stage(
                    db(),
                    self.principal(),
                    application_id,
                    target,
                    expected_stage=expected,
                    note=note,
                    reason=reason,
                )
        except InvalidTransition as exc:
            self._refresh()
            return [rx.toast.error(exc.message, duration=6000), focus_card(application_id, expected)]
        except ConcurrentUpdate as exc:
            self._refresh()
            return [
                rx.toast.warning(
                    f"Someone else moved this card first; it is now in {exc.current}. The board is reloaded.",
                    duration=6000,
                ),
                focus_card(application_id, exc.current),
            ]
        except DomainError as exc:
            if asked and isinstance(exc, InvalidInput):
                if terms is not None:
                    self.reject_open, self.reject_error = True, exc.message
                else:
                    self.ask_open, self.ask_error = True, exc.message
                return None
            self._refresh()
            return self.refuse(exc)
        self._after_own_change()
        if self.detail_open and self.detail_id == moved.id:
            self._load_history()
        if moved.undo_seconds:
            toast = rx.toast.success(
                f"Moved to {moved.stage}.",
                duration=moved.undo_seconds * 1000,
                action={"label": "Undo", "on_click": BoardState.undo(moved.id)},
            )
        else:
            toast = rx.toast.success(f"Moved to {moved.stage}.")
        return [toast, focus_card(moved.id, moved.stage)]

    def _after_own_change(self) -> None:
        """The tab's own move or undo, applied from what its commit announced: no read (its watch
        then skips the same change by its number)."""
        change = db().committed_jobs().get(self.job_id)
        if change is None or not self._apply_changes([change]):
            self._refresh()

    @rx.event
    def move(self, application_id: int, target: str, source: str = "", seq: int = 0):
        """From a drop, the keyboard or the menu: (application id, target stage, stage it was seen in).

        A move the transition table asks words for (a rejection, a correction) first opens the
        dialog; any other goes straight to the core (which refuses what the table does not allow).
        """
        card = self._card(application_id)
        if card is not None and target in card.asks:
            result = self.ask(application_id, target, source)
        else:
            result = self._move(application_id, target, source)
        if isinstance(seq, int) and seq > self.answered:
            self.answered = seq  # the board's optimistic copy of this move ends with this answer
        return result

    @rx.event
    def ask(self, application_id: int, target: str, source: str = ""):
        card = self._card(application_id)
        if card is None or target not in card.kinds:
            return self._move(application_id, target, source)
        self.ask_id, self.ask_name = application_id, card.name
        self.ask_from = source or card.stage
        self.ask_target, self.ask_kind, self.ask_error = target, card.kinds[target], ""
        self.ask_reason = card.reasons.get(target, "")
        if self.ask_kind == "reject":  # the shared reject dialog: reason, template, when, note
            try:
                self._load_reject_options()
            except DomainError as exc:
                return self.refuse(exc)
            self.reject_open = True
            return None
        self.ask_open = True
        return None

    @rx.event
    def set_reject_open(self, value: bool):
        self.reject_open = value is True

    @rx.event
    def confirm_reject(self, form: dict):
        """The reject dialog's answer for the card it was opened for; the core checks it all."""
        terms = self._reject_terms(form)
        if isinstance(terms, str):
            self.reject_error = terms
            return None
        self.reject_open, self.reject_error = False, ""
        return self._move(self.ask_id, self.ask_target, self.ask_from, asked=True, terms=terms)

    @rx.event
    def set_ask_open(self, value: bool):
        self.ask_open = value

    @rx.event
    def confirm_ask(self, form: dict):
        """The dialog's answer: a standard reason and a note for a rejection, a reason for a correction.

        The core says when the words are not enough; the dialog stays open with its message.
        """
        note = str(form.get("note") or "").strip() or None
        reason = str(form.get("reason") or "").strip() or None
        self.ask_open = False
        return self._move(self.ask_id, self.ask_target, self.ask_from, note, reason, asked=True)

    @rx.event
    def undo(self, application_id: int):
        """The toast's Undo: the core checks it is the caller's move and still within the window."""
        try:
            moved = moves.undo_move(db(), self.principal(), application_id)
        except DomainError as exc:  # a 409 (window over, already final) is a toast like any refusal
            self._refresh()
            return self.refuse(exc)
        self._after_own_change()
        if self.detail_open and self.detail_id == moved.id:
            self._load_history()
        return rx.toast.info(f"Undone: back in {moved.stage}. The candidate was not told.")

    def _load_history(self):
        entries = queries.application_history(db(), self.principal(), self.detail_id)
        self.history = [
            HistoryRow(
                old_stage=h.old_stage or "",
                new_stage=h.new_stage,
                by=h.changed_by_name,
                when=relative(h.changed_at),
                exact=exact(h.changed_at, self.time_zone),
                note=h.note or "",
                kind=h.kind,
                reason=h.reason or "",
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
                exact=exact(e.sent_at or e.created_at, self.time_zone),
            )
            for e in reversed(queries.application_emails(db(), self.principal(), self.detail_id))
        ]

    @rx.event
    def open_card(self, application_id: int):
        if not self.can_move:  # hiring managers read the application page (no stage history)
            shown = self._card(application_id)
            return rx.redirect(shown.href if shown else f"/application?id={int(application_id)}")
        card = self._card(application_id)
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
