"""The hiring manager's overview: per-job stage counts, a funnel, and who is where (read-only).

Live: a move anywhere in the company reaches the overview as a change (``core/changes.py``): its
job's counts take the move (one card leaves a stage, one enters), its funnel is read again for
that job alone, and the selected job's people take the card the way a board does
(``state/board_changes.py``). Each job's change number is kept with its row; a job's change the
overview cannot apply (a gap in its numbers, a change that says nothing of what moved) makes it
read that job again, and only what it cannot place at all (a job it does not hold, changes lost)
the whole overview.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import reflex as rx

from flowtrack_ui.core import live_access, queries
from flowtrack_ui.core.analytics.report import STEPS, funnels_by_job, job_funnel
from flowtrack_ui.core.changes import CardMove, Change, JobChange
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.permissions import STAFF_ROLES
from flowtrack_ui.core.pipelines.categories import LABELS
from flowtrack_ui.core.views import JobSummary

from . import live
from .board import CardRow, ColumnRow, StageCount, card_row, columns_of, moved_card, stage_counts
from .board_changes import SPARE, CannotPlace, apply_move, held_columns
from .colors import CATEGORY_COLORS, JOB_STATUS_COLORS
from .format import counted, day
from .jobs import STATUS_LABELS
from .session import SessionState, db

# People shown per stage of the selected job.
PEOPLE = 100


@dataclasses.dataclass
class JobOverviewRow:
    id: int
    title: str
    status: str
    location: str
    status_label: str
    status_color: str
    posted: str
    total: int
    total_label: str  # "1 application"
    counts: list[StageCount] = dataclasses.field(default_factory=list)
    # Recharts reads plain objects: {stage, value, fill}.
    funnel: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def _funnel(reached: list[int]) -> list[dict[str, Any]]:
    total = reached[0] if reached else 0
    return [
        {
            "stage": LABELS[step],
            "value": n,
            "label": f"{n} · {round(100 * n / total) if total else 0}%",
            "fill": CATEGORY_COLORS[step].overview,
        }
        for step, n in zip(STEPS, reached, strict=True)
    ]


def _job_row(s: JobSummary, reached: list[int]) -> JobOverviewRow:
    return JobOverviewRow(
        id=s.job.id,
        title=s.job.title,
        status=s.job.status,
        location=s.job.location,
        status_label=STATUS_LABELS.get(s.job.status, s.job.status),
        status_color=JOB_STATUS_COLORS.get(s.job.status, "gray"),
        posted=day(s.job.created_at),
        total=s.total,
        total_label=counted(s.total, "application"),
        counts=stage_counts(s),
        # The real funnel: how many applications reached each step or beyond (from history).
        funnel=_funnel(reached),
    )


def counts_after(
    counts: list[StageCount], changes: list[JobChange], seq: int
) -> tuple[list[StageCount], int] | None:
    """A job's counts after its changes numbered above ``seq``, applied in order, and the number
    they are at; None when only a fresh read can tell (a gap in the numbers, a change that does not
    say what moved, a stage the job's row does not have)."""
    by_stage = {c.stage: c.count for c in counts}
    for change in sorted(changes, key=lambda c: c.seq if c.seq is not None else -1):
        if change.seq is not None and change.seq <= seq:
            continue  # already in what the overview read
        if change.seq != seq + 1 or not change.moves:
            return None
        for move in change.moves:
            for stage, step in ((move.from_stage, -1), (move.to_stage, 1)):
                if stage is None:
                    continue  # a card new to the job, or gone from it
                if stage not in by_stage or by_stage[stage] + step < 0:
                    return None
                by_stage[stage] += step
        seq = change.seq
    return [dataclasses.replace(c, count=by_stage[c.stage]) for c in counts], seq


class _PeopleReader:
    """The selected job's cards a change does not carry, read with the viewer's permissions."""

    def __init__(self, state: OverviewState, job_id: int):
        self.state, self.job_id, self.seq = state, job_id, -1

    def card(self, application_id: int) -> CardRow | None:
        try:
            found = queries.board_cards(db(), self.state.principal(), self.job_id, [application_id])
        except DomainError:
            return None
        card = found.get(application_id)
        return card_row(card, self.job_id) if card is not None else None

    def window(self, stage: str, offset: int, limit: int) -> list[CardRow] | None:
        try:
            seq, cards = queries.column_window(
                db(), self.state.principal(), self.job_id, stage, offset, limit
            )
        except DomainError:
            return None
        if seq != self.seq:  # read after later changes: its ranks are not this change's
            return None
        return [card_row(c, self.job_id) for c in cards]


class OverviewState(SessionState):
    jobs: list[JobOverviewRow] = []
    selected_id: int = 0
    selected_title: str = ""
    people: list[ColumnRow] = []
    loading: bool = True
    _watch_gen: int = 0
    # The change feed's mark before the last full read, each job's change number its row is at,
    # and the selected job's people: the number they are at and the spare cards after each column.
    _read_mark: str = ""
    _seqs: dict[int, int] = {}
    _people_seq: int = -1
    _people_spare: dict[str, list[CardRow]] = {}

    @rx.event
    def load(self):
        me = self.require(*STAFF_ROLES)
        if me is None:
            return self.guard(*STAFF_ROLES)
        self._watch_gen += 1
        wanted = self.router.url.query_parameters.get("job", "")
        self.selected_id = int(wanted) if wanted.isdigit() and len(wanted) < 10 else 0
        return self._refresh() or OverviewState.watch

    @rx.event(background=True)
    async def watch(self):
        """Live overview: counts follow the company's moves and new applications."""
        async with self:
            gen = self._watch_gen
        return await live.follow(
            self,
            lambda _signal: live_access.company_overview_topic(self.principal()),
            still_wanted=lambda: self._watch_gen == gen,
            refresh=self._refresh,
            read_mark=lambda: self._read_mark,
            on_changes=self._on_changes,
        )

    def _refresh(self):
        mark = db().feed.mark()  # before the read: the signals heard so far are in what it reads
        try:
            summaries, seqs = queries.numbered_job_overview(db(), self.principal())
            funnels = funnels_by_job(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        self.jobs = [_job_row(s, funnels.get(s.job.id, [0] * len(STEPS))) for s in summaries]
        self._seqs, self._read_mark = seqs, mark
        self.loading = False
        first = self.selected_id or (self.jobs[0].id if self.jobs else 0)
        if first:
            return self.select(first)
        return None

    @rx.event
    def select(self, job_id: int):
        try:
            board = queries.board(db(), self.principal(), job_id, per_stage=PEOPLE + SPARE)
        except DomainError as exc:
            return self.refuse(exc)
        self.selected_id, self.selected_title = board.job.id, board.job.title
        people, spare = columns_of(board), {}
        for col in people:  # each column shows its first cards; a few more wait for a card leaving it
            col.cards, spare[col.stage] = col.cards[:PEOPLE], col.cards[PEOPLE:]
            col.hidden = col.count - len(col.cards)
        self.people, self._people_spare, self._people_seq = people, spare, board.seq
        return None

    def _on_changes(self, changes: list[Change], lost: bool):
        """The company's changes heard since the last wake, applied to what the overview holds. A
        job whose change cannot be applied (a gap in its numbers, a change that does not say what
        moved) is read again alone; the whole overview only when changes were lost, a change
        names no job, or names a job the overview does not hold."""
        if lost:
            return self._refresh()
        by_job: dict[int, list[JobChange]] = {}
        for change in changes:
            if not change.jobs:  # a change of the company that names no job's board: read it all
                return self._refresh()
            for job_id, job_change in change.jobs.items():
                by_job.setdefault(job_id, []).append(job_change)
        held: list[JobOverviewRow] = self.get_value("jobs")
        rows = {row.id: row for row in held}
        seqs = dict(self._seqs)
        applied: dict[int, list[StageCount]] = {}
        stale: list[int] = []
        for job_id, job_changes in by_job.items():
            row, seq = rows.get(job_id), seqs.get(job_id)
            if row is None or seq is None:
                return self._refresh()
            after = counts_after(row.counts, job_changes, seq)
            if after is None:
                stale.append(job_id)
                continue
            counts, seqs[job_id] = after
            if seqs[job_id] != seq:
                applied[job_id] = counts
        try:
            me = self.principal()
            summaries = {}
            for job_id in stale:
                summaries[job_id], seqs[job_id] = queries.numbered_job_summary(db(), me, job_id)
            funnels = {job_id: job_funnel(db(), me, job_id) for job_id in [*applied, *stale]}
        except DomainError as exc:
            return self._refresh() if exc.status_code == 404 else self.refuse(exc)
        if any(summaries[job_id].job.status != rows[job_id].status for job_id in stale):
            return self._refresh()  # a job opened or closed: its place among the others changes
        updated = {job_id: _job_row(summary, funnels[job_id]) for job_id, summary in summaries.items()}
        for job_id, counts in applied.items():
            total = sum(c.count for c in counts)
            updated[job_id] = dataclasses.replace(
                rows[job_id],
                counts=counts,
                total=total,
                total_label=counted(total, "application"),
                funnel=_funnel(funnels[job_id]),
            )
        if updated:
            self.jobs = [updated.get(row.id, row) for row in held]
        self._seqs = seqs
        chosen = self.selected_id
        if chosen in by_job and (chosen in stale or not self._apply_people(by_job[chosen])):
            return self.select(chosen)
        return None

    def _apply_people(self, changes: list[JobChange]) -> bool:
        """The selected job's moves applied to the people shown; False when they cannot be placed
        (the caller then reads the job's people again). Nothing changes until all fit."""
        job_id, raw = self.selected_id, self.get_value("people")
        held = held_columns(
            [(c.stage, c.count, [*c.cards, *self._people_spare.get(c.stage, [])], PEOPLE) for c in raw]
        )
        now, reader = datetime.now(UTC), _PeopleReader(self, job_id)

        def moved_row(old: CardRow | None, move: CardMove) -> CardRow | None:
            if old is None or move.to_stage is None:
                return None
            return moved_card(old, move, job_id, True, "", now)

        seq, changed = self._people_seq, set()
        for change in sorted(changes, key=lambda c: c.seq if c.seq is not None else -1):
            if change.seq is not None and change.seq <= seq:
                continue
            if change.seq != seq + 1 or not change.moves:
                return False
            reader.seq = change.seq
            try:
                for move in change.moves:
                    changed |= apply_move(held, move, moved_row, reader, filtered=False)
            except CannotPlace:
                return False
            seq = change.seq
        self._people_seq = seq
        if changed:
            self.people = [
                dataclasses.replace(
                    col,
                    cards=held[col.stage].shown,
                    count=held[col.stage].count,
                    hidden=held[col.stage].count - len(held[col.stage].shown),
                )
                if col.stage in changed
                else col
                for col in raw
            ]
            self._people_spare = {stage: h.spare for stage, h in held.items()}
        return True
