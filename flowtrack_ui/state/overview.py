"""The hiring manager's overview: per-job stage counts, a funnel, and who is where (read-only)."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from flowtrack_ui.core import queries
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.permissions import STAFF_ROLES
from flowtrack_ui.core.stages import PIPELINE

from .board import ColumnRow, columns_of
from .format import day
from .session import SessionState, db

STAGE_COLORS = {
    "Applied": "#8da4ef",
    "Screening": "#5eb1ef",
    "Interview": "#3dd68c",
    "Offer": "#ffc53d",
    "Hired": "#30a46c",
    "Rejected": "#e5484d",
}


@dataclasses.dataclass
class JobOverviewRow:
    id: int
    title: str
    status: str
    location: str
    posted: str
    total: int
    counts: list[int] = dataclasses.field(default_factory=list)
    # Recharts reads plain objects: {stage, value, fill}.
    funnel: list[dict[str, Any]] = dataclasses.field(default_factory=list)


class OverviewState(SessionState):
    jobs: list[JobOverviewRow] = []
    selected_id: int = 0
    selected_title: str = ""
    people: list[ColumnRow] = []
    loading: bool = True

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        try:
            summaries = queries.job_overview(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        self.jobs = [
            JobOverviewRow(
                id=s.job.id,
                title=s.job.title,
                status=s.job.status,
                location=s.job.location,
                posted=day(s.job.created_at),
                total=s.total,
                counts=[s.counts[st.value] for st in PIPELINE],
                funnel=[
                    {"stage": st.value, "value": s.counts[st.value], "fill": STAGE_COLORS[st.value]}
                    for st in PIPELINE
                    if st.value != "Rejected"
                ],
            )
            for s in summaries
        ]
        self.loading = False
        wanted = self.router.url.query_parameters.get("job", "")
        first = wanted if wanted.isdigit() else (str(self.jobs[0].id) if self.jobs else "")
        if first:
            return self.select(int(first))
        return None

    @rx.event
    def select(self, job_id: int):
        try:
            board = queries.board(db(), self.principal(), job_id, per_stage=100)
        except DomainError as exc:
            return self.refuse(exc)
        self.selected_id, self.selected_title = board.job.id, board.job.title
        self.people = columns_of(board)
