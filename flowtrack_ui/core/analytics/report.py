"""The hiring report of a company or one job, for applications created in a date range.

Everything is aggregated by the database (CTEs and window functions, the same SQL on SQLite and
PostgreSQL): a handful of rows reach Python whatever the size of the history table.

Definitions (what a manager reads next to each figure):
- **Funnel**: applications that reached each step or beyond (applied, screening, interview, offer,
  hired), from history. An undone move does not count; a hire counts only while it stands (an
  un-hired application reached offer).
- **Conversion**: reached the next step ÷ reached this one.
- **Time in stage**: per application, the time it spent in stages of that category (every stay,
  corrections and undos included, so a mis-drop's seconds go to the stage it was dropped on); only
  stays that ended. Median and 90th percentile by nearest rank.
- **Time to hire**: application created → its (standing) hire. **Time to fill**: job opened → its
  first standing hire.
- **Rejection reasons**: applications rejected now, by the standard reason of their rejection and
  the step they were rejected from.
- **Sources**: where the applications came from, and how many of them are hired.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, text

from .. import validation
from ..db import Database
from ..errors import InvalidInput
from ..models import UTCDateTime
from ..permissions import Action, Principal, require
from ..pipelines.categories import LABELS, Category
from ..pipelines.rejection_reasons import labels
from ..scoping import company_job
from .sources import LABELS as SOURCE_LABELS
from .sources import Source

STEPS: tuple[Category, ...] = (
    Category.APPLIED,
    Category.SCREENING,
    Category.INTERVIEW,
    Category.OFFER,
    Category.HIRED,
)
TIMED: tuple[Category, ...] = STEPS[:-1]
NO_REASON = "No reason given"
DAY = 86400.0


@dataclass(frozen=True)
class FunnelStep:
    category: str
    label: str
    reached: int
    percent: float  # of the applications in scope
    conversion: float | None  # to the next step; None for the last


@dataclass(frozen=True)
class Duration:
    """Days (fractional), over ``count`` applications (or jobs); None when there is nothing to measure."""

    label: str
    count: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    category: str  # the step rejected from
    count: int


@dataclass(frozen=True)
class SourceRow:
    source: str
    detail: str
    label: str
    applications: int
    hired: int


@dataclass(frozen=True)
class OfferFigures:
    """Offers sent on the applications in scope (a revised version counts once, as its last one):
    how many were accepted, declined or left to expire; the acceptance rate is accepted ÷ answered
    (accepted, declined or expired); time to accept runs from sending to the signature."""

    sent: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    acceptance_rate: float | None = None
    time_to_accept: Duration = Duration("Offer sent to accepted", 0, None, None)


@dataclass(frozen=True)
class AnalyticsReport:
    job_id: int | None
    since: date | None
    until: date | None
    applications: int
    funnel: tuple[FunnelStep, ...]
    time_in_stage: tuple[Duration, ...]
    time_to_hire: Duration
    time_to_fill: Duration
    reasons: tuple[ReasonRow, ...]
    standard_reasons: tuple[str, ...]
    sources: tuple[SourceRow, ...]
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    offers: OfferFigures = field(default_factory=OfferFigures)


def _day(value: object, what: str) -> date | None:
    """A day of the range, within the years the range's arithmetic (the day after ``until``) can reach."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise InvalidInput(f"{what} must be a date like 2026-01-31.") from None
    validation.date_in_range(day, what)
    return day


def _rank(column: str) -> str:
    """A step's rank (0 applied … 4 hired); rejected and withdrawn do not advance anyone."""
    cases = " ".join(f"WHEN '{c.value}' THEN {i}" for i, c in enumerate(STEPS))
    return f"CASE {column} {cases} ELSE 0 END"


def _seconds(dialect: str, start: str, end: str) -> str:
    if dialect == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


class _Query:
    """The scope (a company, maybe one job, applications created in a range) as SQL and binds."""

    def __init__(self, company_id: int, job_id: int | None, since: date | None, until: date | None):
        where = ["j.company_id = :company"]
        self.binds: dict = {"company": company_id}
        self.types = []
        if job_id is not None:
            where.append("a.job_id = :job")
            self.binds["job"] = job_id
        if since is not None:
            where.append("a.created_at >= :since")
            self.binds["since"] = datetime.combine(since, time.min, UTC)
            self.types.append(bindparam("since", type_=UTCDateTime))
        if until is not None:  # the whole day of ``until``
            where.append("a.created_at < :until")
            self.binds["until"] = datetime.combine(until + timedelta(days=1), time.min, UTC)
            self.types.append(bindparam("until", type_=UTCDateTime))
        self.scope = (
            "scope AS (SELECT a.id, a.job_id, a.created_at, a.source, a.source_detail, cs.category AS cur "
            "FROM application a JOIN job j ON j.id = a.job_id JOIN job_stage cs ON cs.id = a.stage_id "
            f"WHERE {' AND '.join(where)})"
        )

    def run(self, s, sql: str) -> list:
        statement = text(
            f"WITH {self.scope}, {sql}" if not sql.startswith("SELECT") else f"WITH {self.scope} {sql}"
        )
        if self.types:
            statement = statement.bindparams(*self.types)
        return s.execute(statement, self.binds).all()


# Moves that stand: not undo rows, and not the moves an undo reverted.
_STANDING = (
    "moves AS (SELECT h.id, h.application_id, h.kind, h.reason, h.changed_at, ns.category AS new_cat, "
    "os.category AS old_cat FROM application_history h JOIN scope ON scope.id = h.application_id "
    "JOIN job_stage ns ON ns.id = h.new_stage_id LEFT JOIN job_stage os ON os.id = h.old_stage_id "
    "WHERE h.kind <> 'undo' AND NOT EXISTS "
    "(SELECT 1 FROM application_history u WHERE u.reverts_id = h.id))"
)


# The offers of the applications in scope that were sent, less those revised (withdrawn with a
# newer version): offers/workflow.py writes these columns.
_OFFERS = (
    "SELECT o.status, o.sent_at, o.responded_at, o.expires_on FROM offer o "
    "JOIN scope ON scope.id = o.application_id "
    "WHERE o.sent_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM offer n WHERE n.replaces_id = o.id)"
)


def _as_utc(value: object) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _offer_figures(rows: list, now: datetime) -> OfferFigures:
    """Counted in Python: a company sends few offers, and expiry is read against ``now``."""
    accepted = declined = expired = 0
    waits: list[float] = []
    for r in rows:
        expires = r.expires_on if isinstance(r.expires_on, date) else date.fromisoformat(str(r.expires_on))
        if r.status == "accepted":
            accepted += 1
            sent, answered = _as_utc(r.sent_at), _as_utc(r.responded_at)
            if sent and answered:
                waits.append((answered - sent).total_seconds())
        elif r.status == "declined":
            declined += 1
        elif r.status == "expired" or (r.status == "sent" and now.date() > expires):
            expired += 1
    answered_n = accepted + declined + expired
    waits.sort()

    def rank(p: float) -> float | None:  # nearest rank, like the SQL percentiles above
        return waits[max(0, math.ceil(len(waits) * p) - 1)] / DAY if waits else None

    return OfferFigures(
        sent=len(rows),
        accepted=accepted,
        declined=declined,
        expired=expired,
        acceptance_rate=accepted / answered_n if answered_n else None,
        time_to_accept=Duration("Offer sent to accepted", len(waits), rank(0.5), rank(0.9)),
    )


def _percentiles(rows) -> dict[str, tuple[int, float | None, float | None]]:
    return {r.key: (int(r.n), _days(r.median), _days(r.p90)) for r in rows}


def _step_order(category: str) -> int:
    return next((i for i, c in enumerate(STEPS) if c == category), len(STEPS))


def _days(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / DAY, 2)


def _nearest_rank(source: str, key: str, value: str) -> str:
    """Median and p90 by nearest rank over ``source`` grouped by ``key``, with window functions."""
    return (
        f"ranked AS (SELECT {key} AS key, {value} AS v, "
        f"ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY {value}) AS rn, "
        f"COUNT(*) OVER (PARTITION BY {key}) AS n FROM {source}) "
        "SELECT key, MAX(n) AS n, "
        "MAX(CASE WHEN rn = (n + 1) / 2 THEN v END) AS median, "
        "MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN v END) AS p90 "
        "FROM ranked GROUP BY key"
    )


def _furthest(s, q: _Query, by_job: bool) -> dict[tuple[int, int], int]:
    """(job id or 0, furthest step rank) → applications, in one grouped query."""
    job = "scope.job_id" if by_job else "0"
    rows = q.run(
        s,
        f"{_STANDING}, reached AS (SELECT m.application_id, MAX({_rank('m.new_cat')}) AS top "
        "FROM moves m GROUP BY m.application_id) "
        f"SELECT {job} AS job, CASE WHEN r.top = 4 AND scope.cur <> 'hired' THEN 3 ELSE r.top END AS top, "
        "COUNT(*) AS n FROM reached r JOIN scope ON scope.id = r.application_id GROUP BY 1, 2",
    )
    return {(int(r.job), int(r.top)): int(r.n) for r in rows}


def _cumulative(at_top: dict[int, int]) -> list[int]:
    """Reached each step or beyond, from how many stopped at each step."""
    return [sum(n for top, n in at_top.items() if top >= i) for i in range(len(STEPS))]


def funnels_by_job(db: Database, principal: Principal) -> dict[int, list[int]]:
    """Per job of the company, how many applications reached each step (all time): the overview's bars."""
    require(principal, Action.VIEW_ANALYTICS)
    with db.session() as s:
        q = _Query(principal.staff_company_id, None, None, None)
        found: dict[int, dict[int, int]] = {}
        for (job_id, top), n in _furthest(s, q, by_job=True).items():
            found.setdefault(job_id, {})[top] = n
    return {job_id: _cumulative(at_top) for job_id, at_top in found.items()}


def job_funnel(db: Database, principal: Principal, job_id: object) -> list[int]:
    """How many applications of one job of the company reached each step (all time): what an open
    overview reads again for a job whose cards moved, instead of every job's funnel. A job of
    another company has no applications in the caller's scope, so it reads as zeros."""
    require(principal, Action.VIEW_ANALYTICS)
    job = validation.object_id(job_id, "Job id")
    with db.session() as s:
        q = _Query(principal.staff_company_id, job, None, None)
        at_top = {top: n for (_job, top), n in _furthest(s, q, by_job=False).items()}
    return _cumulative(at_top)


def report(
    db: Database, principal: Principal, job_id: object = None, since: object = None, until: object = None
) -> AnalyticsReport:
    """The hiring report for the caller's company (or one of its jobs); see the module's definitions."""
    require(principal, Action.VIEW_ANALYTICS)
    since_d, until_d = _day(since, "since"), _day(until, "until")
    if since_d and until_d and since_d > until_d:
        raise InvalidInput("The start of the range must not be after its end.")
    with db.session() as s:
        job = None
        if job_id not in (None, "", 0, "0"):
            job = company_job(s, principal, validation.object_id(job_id, "Job id"))
        q = _Query(principal.staff_company_id, job.id if job else None, since_d, until_d)
        dialect = s.get_bind().dialect.name

        # Funnel: the furthest step each application reached (a hire counts while it stands).
        at_top = {top: n for (_job, top), n in _furthest(s, q, by_job=False).items()}
        total = sum(at_top.values())
        reached = _cumulative(at_top)
        funnel = tuple(
            FunnelStep(
                category=c.value,
                label=LABELS[c],
                reached=reached[i],
                percent=round(100.0 * reached[i] / total, 1) if total else 0.0,
                conversion=(
                    round(reached[i + 1] / reached[i], 3) if i + 1 < len(STEPS) and reached[i] else None
                ),
            )
            for i, c in enumerate(STEPS)
        )

        # Time in stage: every stay (undos and corrections included), summed per application.
        duration = _seconds(dialect, "started", "ended")
        timed = ", ".join(f"'{c.value}'" for c in TIMED)
        stays = q.run(
            s,
            "stays AS (SELECT h.application_id, ns.category AS cat, h.changed_at AS started, "
            "LEAD(h.changed_at) OVER (PARTITION BY h.application_id ORDER BY h.id) AS ended "
            "FROM application_history h JOIN scope ON scope.id = h.application_id "
            "JOIN job_stage ns ON ns.id = h.new_stage_id), "
            f"per_app AS (SELECT application_id, cat, SUM({duration}) AS secs FROM stays "
            f"WHERE ended IS NOT NULL AND cat IN ({timed}) GROUP BY application_id, cat), "
            + _nearest_rank("per_app", "cat", "secs"),
        )
        by_cat = _percentiles(stays)
        time_in_stage = tuple(Duration(LABELS[c], *by_cat.get(c.value, (0, None, None))) for c in TIMED)

        # Time to hire: created → the last standing move into hired, of applications hired now.
        hire = _seconds(dialect, "created_at", "hired_at")
        hires = q.run(
            s,
            f"{_STANDING}, hires AS (SELECT scope.id, scope.job_id, scope.created_at, "
            "MAX(m.changed_at) AS hired_at FROM scope JOIN moves m ON m.application_id = scope.id "
            "WHERE scope.cur = 'hired' AND m.new_cat = 'hired' "
            "GROUP BY scope.id, scope.job_id, scope.created_at), "
            f"timed AS (SELECT 'hire' AS k, {hire} AS secs FROM hires), "
            + _nearest_rank("timed", "k", "secs"),
        )
        n, median, p90 = _percentiles(hires).get("hire", (0, None, None))
        time_to_hire = Duration("Time to hire", n, median, p90)

        # Time to fill: job opened → its first standing hire (among the applications in scope).
        fill = _seconds(dialect, "opened", "filled")
        fills = q.run(
            s,
            f"{_STANDING}, firsts AS (SELECT scope.job_id, MIN(m.changed_at) AS filled FROM scope "
            "JOIN moves m ON m.application_id = scope.id WHERE scope.cur = 'hired' AND m.new_cat = 'hired' "
            "GROUP BY scope.job_id), "
            f"timed AS (SELECT 'fill' AS k, {fill} AS secs FROM "
            "(SELECT j.created_at AS opened, f.filled FROM firsts f JOIN job j ON j.id = f.job_id) x), "
            + _nearest_rank("timed", "k", "secs"),
        )
        n, median, p90 = _percentiles(fills).get("fill", (0, None, None))
        time_to_fill = Duration("Time to fill", n, median, p90)

        # Rejection reasons: applications rejected now, by their last rejection.
        reason_rows = q.run(
            s,
            f"{_STANDING}, last_reject AS (SELECT m.application_id, m.reason, m.old_cat, "
            "ROW_NUMBER() OVER (PARTITION BY m.application_id ORDER BY m.id DESC) AS rn "
            "FROM moves m JOIN scope ON scope.id = m.application_id "
            "WHERE m.kind = 'reject' AND scope.cur = 'rejected') "
            "SELECT reason, old_cat, COUNT(*) AS n FROM last_reject WHERE rn = 1 GROUP BY reason, old_cat",
        )
        reasons = tuple(
            sorted(
                (ReasonRow(r.reason or NO_REASON, r.old_cat or "", int(r.n)) for r in reason_rows),
                key=lambda x: (-x.count, x.reason, _step_order(x.category)),
            )
        )

        source_rows = q.run(
            s,
            "SELECT source, COALESCE(source_detail, '') AS detail, COUNT(*) AS n, "
            "SUM(CASE WHEN cur = 'hired' THEN 1 ELSE 0 END) AS hired FROM scope "
            "GROUP BY source, COALESCE(source_detail, '')",
        )
        source_rows = sorted(source_rows, key=lambda r: (-int(r.n), r.source, r.detail))
        sources = tuple(
            SourceRow(
                source=r.source,
                detail=r.detail,
                label=SOURCE_LABELS.get(Source(r.source), r.source) + (f": {r.detail}" if r.detail else ""),
                applications=int(r.n),
                hired=int(r.hired or 0),
            )
            for r in source_rows
        )
        standard = tuple(labels(s, principal.staff_company_id))
        offers = _offer_figures(q.run(s, _OFFERS), datetime.now(UTC))
    return AnalyticsReport(
        offers=offers,
        job_id=job.id if job else None,
        since=since_d,
        until=until_d,
        applications=total,
        funnel=funnel,
        time_in_stage=time_in_stage,
        time_to_hire=time_to_hire,
        time_to_fill=time_to_fill,
        reasons=reasons,
        standard_reasons=standard,
        sources=sources,
    )
