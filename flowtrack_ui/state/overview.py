"""The hiring manager's overview: per-job stage counts, a funnel, and who is where (read-only)."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from flowtrack_ui.core import live_access, queries
from flowtrack_ui.core.analytics.report import STEPS, funnels_by_job
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.permissions import STAFF_ROLES
from flowtrack_ui.core.pipelines.categories import LABELS

from . import live
from .board import ColumnRow, StageCount, columns_of, stage_counts
from .colors import CATEGORY_COLORS, JOB_STATUS_COLORS
from .format import counted, day
from .jobs import STATUS_LABELS
from .session import SessionState, db


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


class OverviewState(SessionState):
    jobs: list[JobOverviewRow] = []
    selected_id: int = 0
    selected_title: str = ""
    people: list[ColumnRow] = []
    loading: bool = True
    _watch_gen: int = 0

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
            lambda: live_access.company_overview_topic(self.principal()),
            still_wanted=lambda: self._watch_gen == gen,
            refresh=self._refresh,
        )

    def _refresh(self):
        try:
            summaries = queries.job_overview(db(), self.principal())
            funnels = funnels_by_job(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        self.jobs = [
            JobOverviewRow(
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
                funnel=_funnel(funnels.get(s.job.id, [0] * len(STEPS))),
            )
            for s in summaries
        ]
        self.loading = False
        first = self.selected_id or (self.jobs[0].id if self.jobs else 0)
        if first:
            return self.select(first)
        return None

    @rx.event
    def select(self, job_id: int):
        try:
            board = queries.board(db(), self.principal(), job_id, per_stage=100)
        except DomainError as exc:
            return self.refuse(exc)
        self.selected_id, self.selected_title = board.job.id, board.job.title
        self.people = columns_of(board)
