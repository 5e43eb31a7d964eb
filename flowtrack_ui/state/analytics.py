"""The analytics page: the hiring report of all jobs or one, over a date range, with a CSV export."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import reflex as rx

from flowtrack_ui.core import queries
from flowtrack_ui.core.analytics import csv_export, report
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.permissions import STAFF_ROLES
from flowtrack_ui.core.pipelines.categories import Category

from .colors import CATEGORY_COLORS
from .session import SessionState, db

RANGES = {
    "30": "Last 30 days",
    "90": "Last 90 days",
    "365": "Last 12 months",
    "all": "All time",
    "custom": "Between two dates",
}


@dataclasses.dataclass
class JobOption:
    id: str
    title: str


@dataclasses.dataclass
class StepRow:
    label: str
    reached: int
    percent: str
    conversion: str  # to the next step, e.g. "60%"; "" for the last


@dataclasses.dataclass
class DurationRow:
    label: str
    count: int
    median: str
    p90: str


@dataclasses.dataclass
class CountRow:
    label: str
    group: str
    count: int
    extra: str = ""


def _days(value: float | None, unit: str = " d") -> str:
    """Days as people read them: hours under a day; ``unit`` is short in tables, long in the cards."""
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 24:.0f} h"
    return f"{value:.1f}{unit}"


class AnalyticsState(SessionState):
    jobs: list[JobOption] = []
    job: str = ""  # "" is all jobs
    range: str = "90"
    # A custom range: days as the browser's date inputs send them (the core checks them).
    since_day: str = ""
    until_day: str = ""
    applications: int = 0
    steps: list[StepRow] = []
    # Recharts reads plain objects.
    funnel_chart: list[dict] = []
    stage_chart: list[dict] = []
    stage_rows: list[DurationRow] = []
    hire: DurationRow = DurationRow("Time to hire", 0, "—", "—")
    fill: DurationRow = DurationRow("Time to fill", 0, "—", "—")
    # Offers (core/analytics/report.OfferFigures): acceptance rate, and sending to signature.
    offer_rate: str = "—"
    offer_rate_hint: str = ""
    accept: DurationRow = DurationRow("Offer sent to accepted", 0, "—", "—")
    reasons: list[CountRow] = []
    sources: list[CountRow] = []
    range_label: str = ""
    loading: bool = True
    error: str = ""

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        try:
            summaries = queries.job_overview(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        self.jobs = [JobOption(str(s.job.id), s.job.title) for s in summaries]
        wanted = str(self.router.url.query_parameters.get("job", ""))
        self.job = wanted if any(j.id == wanted for j in self.jobs) else ""
        return self._refresh()

    def _range(self):
        if self.range == "custom":
            return self.since_day or None, self.until_day or None
        if self.range == "all":
            return None, None
        return (datetime.now(UTC) - timedelta(days=int(self.range))).date(), None

    def _report(self):
        since, until = self._range()
        return report.report(db(), self.principal(), self.job or None, since=since, until=until)

    def _refresh(self):
        try:
            r = self._report()
        except DomainError as exc:
            self.loading = False
            if exc.status_code in (404, 422):  # a job not ours, or dates the core refuses
                self.error = exc.message
                return None
            return self.refuse(exc)
        self.error = ""
        self.applications = r.applications
        self.range_label = RANGES.get(self.range, "")
        if self.range == "custom":
            self.range_label = f"{r.since or 'the start'} to {r.until or 'today'}"
        self.steps = [
            StepRow(
                f.label,
                f.reached,
                f"{f.percent:.0f}%",
                "" if f.conversion is None else f"{f.conversion * 100:.0f}%",
            )
            for f in r.funnel
        ]
        self.funnel_chart = [
            {
                "step": f.label,
                "reached": f.reached,
                "label": f"{f.reached} · {f.percent:.0f}%",
                "fill": CATEGORY_COLORS[Category(f.category)].chart,
            }
            for f in r.funnel
        ]
        self.stage_rows = [
            DurationRow(d.label, d.count, _days(d.median_days), _days(d.p90_days)) for d in r.time_in_stage
        ]
        self.stage_chart = [
            {"stage": d.label, "median": d.median_days or 0, "p90": d.p90_days or 0} for d in r.time_in_stage
        ]
        self.hire, self.fill = (
            DurationRow(d.label, d.count, _days(d.median_days, " days"), _days(d.p90_days, " days"))
            for d in (r.time_to_hire, r.time_to_fill)
        )
        o = r.offers
        answered = o.accepted + o.declined + o.expired
        self.offer_rate = "—" if o.acceptance_rate is None else f"{o.acceptance_rate * 100:.0f}%"
        self.offer_rate_hint = (
            f"{o.accepted} accepted of {answered} answered · {o.declined} declined · "
            f"{o.expired} expired · {o.sent} sent"
        )
        d = o.time_to_accept
        self.accept = DurationRow(d.label, d.count, _days(d.median_days, " days"), _days(d.p90_days, " days"))
        used = {x.reason for x in r.reasons}
        self.reasons = [CountRow(x.reason, x.category.capitalize(), x.count) for x in r.reasons] + [
            CountRow(label, "", 0) for label in r.standard_reasons if label not in used
        ]
        self.sources = [CountRow(x.label, "", x.applications, str(x.hired)) for x in r.sources]
        self.loading = False
        return None

    @rx.event
    def set_job(self, value: str):
        self.job = value if any(j.id == value for j in self.jobs) else ""
        return self._refresh()

    @rx.event
    def set_range(self, value: str):
        self.range = value if value in RANGES else "90"
        return self._refresh()

    @rx.event
    def set_since_day(self, value: str):
        self.since_day = str(value)[:10]
        return self._refresh()

    @rx.event
    def set_until_day(self, value: str):
        self.until_day = str(value)[:10]
        return self._refresh()

    @rx.event
    def export_csv(self):
        """The same figures as a CSV file, computed again for the same filters."""
        since, until = self._range()
        try:
            body = csv_export.export(
                db(), self.principal(), self.job or None, since, until, self.router.session.client_ip
            )
        except DomainError as exc:
            return self.refuse(exc)
        name = f"flowtrack-analytics{'-job-' + self.job if self.job else ''}.csv"
        return rx.download(data=body, filename=name)
