"""The hiring report of a company or one job, for applications created in a date range.

Everything is aggregated by the database (one statement of CTEs, the same SQL on SQLite and
PostgreSQL but for date arithmetic): a handful of rows reach Python whatever the size of the
history table. The history itself is not read: each application's running totals
(``application_stage_stats``, kept by stage_stats.py in the transaction of every history row) give
its time in each category, its furthest step, its last rejection and its standing hires, so the
report reads one row per application. Medians and 90th percentiles are picked by ``ORDER BY …
LIMIT 1 OFFSET``. All time (no date range), not even that: the funnel, reasons, sources and the
number of stays per category are sums of the per-job summary (``job_report_totals``, kept by delta
with the totals), and the ranks of stays and of times to hire walks along (company|job, seconds)
indexes of the totals and of the standing hires: at 50 jobs × 10,000 applications, the
per-application pass cost more than a second.

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
from ..pipelines import stage_stats
from ..pipelines.categories import LABELS
from ..pipelines.rejection_reasons import labels
from ..scoping import company_job
from .sources import LABELS as SOURCE_LABELS
from .sources import Source

STEPS, TIMED = stage_stats.STEPS, stage_stats.TIMED
NO_REASON = "No reason given"
# The all-time report sums the per-job summary; False reads one row per application instead (the
# path of a date range), which the tests hold to the same figures.
SUMMARY = True
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
    return stage_stats.rank_sql(column)


def _seconds(dialect: str, start: str, end: str) -> str:
    return stage_stats.seconds_sql(dialect, start, end)


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
        self.where = " AND ".join(where)
        # All time (no range): a category's stays of the scope in order, from the totals' index.
        self.in_order: str | None = None
        if since is None and until is None:
            self.in_order = "job_id = :job" if job_id is not None else "company_id = :company"

    def run(self, s, sql: str) -> list:
        statement = text(sql if sql.startswith("SELECT") else f"WITH {sql}")
        if self.types:
            statement = statement.bindparams(*self.types)
        if s.get_bind().dialect.name == "postgresql" and not s.info.get("jit_off"):
            # Statements that run in milliseconds: compiling them to machine code (PostgreSQL's
            # JIT, which their estimated cost sets off) takes longer than that. And the sorts in
            # memory rather than on disk; both for this transaction only, in one round trip.
            s.execute(text("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)"))
            s.info["jit_off"] = True
        return s.execute(statement, self.binds).all()


def _applications(dialect: str, q: _Query, durations: bool = True) -> str:
    """``apps``: one row per application in scope with a history, from its running totals
    (``application_stage_stats``, see stage_stats.py) rather than its history rows:
    - ``top``, the furthest step reached by moves that stand (a hire only while it stands): the
      furthest of its current stage and the old stages of its rows that are not undos. By the
      history chain each row's old stage is the stage the row before it entered, so these are
      every stage it stood in; an undone move's target is the old stage of its undo only;
    - ``last_reject``, its last rejection (for an application rejected now, the last one that
      stands: an undo reverts the row just before it, so the rows after that rejection are
      reopenings and their undos), with its reason and the stage it rejected from;
    - ``first_hire`` and ``last_hire``, its standing moves into hired;
    - with ``durations``, ``t0`` … ``t3``: the seconds it spent in stages of each timed category,
      every stay counted (corrections and undos included; None: no stay there)."""
    timed = range(len(TIMED)) if durations else range(0)
    current = _rank("cs.category")
    return (
        "apps AS MATERIALIZED (SELECT a.id, a.job_id, a.created_at, a.source, a.source_detail, "
        "cs.category AS cur, "
        "CASE WHEN cs.category = 'hired' THEN 4 WHEN st.top = 4 THEN 3 "
        f"WHEN {current} > st.top THEN {current} ELSE st.top END AS top, st.last_reject_id AS last_reject, "
        "st.last_reject_reason, st.last_reject_stage_id, st.first_hire, st.last_hire"
        + "".join(f", st.t{i}" for i in timed)
        + " FROM application a JOIN job j ON j.id = a.job_id JOIN job_stage cs ON cs.id = a.stage_id "
        f"JOIN application_stage_stats st ON st.application_id = a.id WHERE {q.where})"
    )


def _offers(q: _Query) -> str:
    """The offers of the applications in scope that were sent, less those revised (withdrawn with a
    newer version): offers/workflow.py writes these columns. The scope's applications without
    their stages, and the revised offers read once rather than once per offer."""
    return (
        "SELECT o.status, o.sent_at, o.responded_at, o.expires_on FROM offer o "
        "JOIN application a ON a.id = o.application_id JOIN job j ON j.id = a.job_id "
        f"WHERE {q.where} AND o.sent_at IS NOT NULL "
        "AND o.id NOT IN (SELECT n.replaces_id FROM offer n WHERE n.replaces_id IS NOT NULL)"
    )


@dataclass(frozen=True)
class _Cell:
    """A summed cell of the summary, shaped as the rows of ``_figures_sql``."""

    key: str | None
    detail: str | None
    n: int
    a: int


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


def _step_order(category: str) -> int:
    return next((i for i, c in enumerate(STEPS) if c == category), len(STEPS))


def _days(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / DAY, 2)


def _nearest_ranks(values: dict[str, str], counts: dict[str, int] | None = None) -> tuple[str, str]:
    """Per key, the count, median (``a``) and p90 (``b``) by nearest rank of the values that
    ``values[key]`` selects (a ``SELECT … AS v`` without nulls), as CTEs and ``durations`` figure
    rows. Each rank is one ``ORDER BY v LIMIT 1 OFFSET``, the p90 from the top (a heap of a tenth
    of the values): SQLite's window functions cost several times the sort they need. A key of
    ``counts`` (known from the summary) is not counted again: the ranks are constants."""
    ctes, rows = [], []
    for i, (key, select) in enumerate(values.items()):
        d, n = f"d{i}", f"n{i}"
        ctes.append(f"{d} AS NOT MATERIALIZED ({select})")
        if counts is not None and key in counts:
            known = counts[key]
            count, median = str(known), str(max(0, (known + 1) // 2 - 1))
            p90 = str(max(0, known - (9 * known + 9) // 10))
        else:
            ctes.append(f"{n} AS MATERIALIZED (SELECT COUNT(*) AS n FROM {d})")
            count = f"(SELECT n FROM {n})"
            median = f"(SELECT CASE WHEN n = 0 THEN 0 ELSE (n + 1) / 2 - 1 END FROM {n})"
            p90 = f"(SELECT CASE WHEN n = 0 THEN 0 ELSE n - (9 * n + 9) / 10 END FROM {n})"
        rows.append(
            f"SELECT 'durations' AS figure, '{key}' AS key, NULL AS detail, {count} AS n, "
            f"(SELECT v FROM {d} ORDER BY v LIMIT 1 OFFSET {median}) AS a, "
            f"(SELECT v FROM {d} ORDER BY v DESC LIMIT 1 OFFSET {p90}) AS b"
        )
    return ", ".join(ctes), " UNION ALL ".join(rows)


def _furthest(s, q: _Query, by_job: bool) -> dict[tuple[int, int], int]:
    """(job id or 0, furthest step rank) → applications, in one grouped query."""
    job = "job_id" if by_job else "0"
    if SUMMARY:  # all time: the per-job summary's furthest steps
        scope = "company_id = :company" + (" AND job_id = :job" if "job" in q.binds else "")
        rows = q.run(
            s,
            f"SELECT {job} AS job, item AS top, SUM(n) AS n FROM job_report_totals "
            f"WHERE {scope} AND figure = 'top' GROUP BY 1, 2 HAVING SUM(n) <> 0",
        )
        return {(int(r.job), int(r.top)): int(r.n) for r in rows}
    rows = q.run(
        s,
        f"{_applications(s.get_bind().dialect.name, q, durations=False)} "
        f"SELECT {job} AS job, top, COUNT(*) AS n FROM apps WHERE top IS NOT NULL GROUP BY 1, 2",
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


def _summary(s, q: _Query) -> list:
    """All time: the scope's cells of the per-job summary (``job_report_totals``, kept with the
    running totals by stage_stats.py), summed: a few rows per job instead of one per application."""
    scope = "company_id = :company" + (" AND job_id = :job" if "job" in q.binds else "")
    return q.run(
        s,
        "SELECT figure, item, detail, SUM(n) AS n, SUM(hired) AS hired FROM job_report_totals "
        f"WHERE {scope} AND figure <> '' GROUP BY figure, item, detail HAVING SUM(n) <> 0",
    )


def _durations_sql(dialect: str, q: _Query, counts: dict[str, int]) -> str:
    """All time, beside the summary: the durations, as ``_figures_sql`` rows, each along an index.
    Time in stage: each category's stays in order from the totals (their number is the summary's).
    Time to hire: the scope's standing hires (``standing_hires``, the applications hired now) in
    order; time to fill: each job's first standing hire, one probe per job of the scope."""
    values = {
        str(i): f"SELECT t{i} AS v FROM application_stage_stats WHERE {q.in_order} AND t{i} IS NOT NULL"
        for i in range(len(TIMED))
    }
    values["hire"] = f"SELECT seconds AS v FROM standing_hires WHERE {q.in_order}"
    values["fill"] = (
        f"SELECT {_seconds(dialect, 'opened', 'filled')} AS v FROM fills WHERE filled IS NOT NULL"
    )
    ranks_cte, ranks = _nearest_ranks(values, counts)
    jobs = "j.company_id = :company" + (" AND j.id = :job" if "job" in q.binds else "")
    return (
        "fills AS MATERIALIZED (SELECT j.created_at AS opened, (SELECT MIN(h.first_hire) "
        f"FROM standing_hires h WHERE h.job_id = j.id) AS filled FROM job j WHERE {jobs}), "
        f"{ranks_cte} {ranks}"
    )


def _figures_sql(dialect: str, q: _Query) -> str:
    """Every figure but offers in one statement over one pass of the history (``apps``), as rows
    ``(figure, key, detail, n, a, b)``: ``durations`` (key: a timed category's index, ``hire`` or
    ``fill``; n, median and p90 seconds), ``funnel`` (key: the furthest step; n applications),
    ``reasons`` (the reason and the step rejected from; n) and ``sources`` (source and detail; n
    applications, ``a`` of them hired)."""
    values = {str(i): f"SELECT t{i} AS v FROM apps WHERE t{i} IS NOT NULL" for i in range(len(TIMED))}
    if q.in_order is not None:  # the same values, read in order from an index instead of sorted
        values = {
            str(i): f"SELECT t{i} AS v FROM application_stage_stats WHERE {q.in_order} AND t{i} IS NOT NULL"
            for i in range(len(TIMED))
        }
    values["hire"] = f"SELECT {_seconds(dialect, 'created_at', 'last_hire')} AS v FROM hires"
    values["fill"] = f"SELECT {_seconds(dialect, 'opened', 'filled')} AS v FROM fills"
    ranks_cte, ranks = _nearest_ranks(values)
    return (
        f"{_applications(dialect, q, durations=q.in_order is None)}, "
        # Time to hire and fill: the standing moves into hired of the applications hired now.
        "hires AS (SELECT id, job_id, created_at, last_hire, first_hire FROM apps "
        "WHERE cur = 'hired' AND last_hire IS NOT NULL), "
        "fills AS (SELECT j.created_at AS opened, f.filled FROM (SELECT job_id, MIN(first_hire) AS filled "
        "FROM hires GROUP BY job_id) f JOIN job j ON j.id = f.job_id), "
        f"{ranks_cte} {ranks}"
        + " UNION ALL SELECT 'funnel', CAST(top AS VARCHAR(1)), NULL, COUNT(*), NULL, NULL FROM apps "
        "WHERE top IS NOT NULL GROUP BY top"
        # Rejection reasons: applications rejected now, by their last rejection that stands.
        " UNION ALL SELECT 'reasons', apps.last_reject_reason, os.category, COUNT(*), NULL, NULL FROM apps "
        "LEFT JOIN job_stage os ON os.id = apps.last_reject_stage_id "
        "WHERE apps.cur = 'rejected' AND apps.last_reject IS NOT NULL "
        "GROUP BY apps.last_reject_reason, os.category"
        " UNION ALL SELECT 'sources', source, COALESCE(source_detail, ''), COUNT(*), "
        "SUM(CASE WHEN cur = 'hired' THEN 1 ELSE 0 END), NULL FROM apps "
        "GROUP BY source, COALESCE(source_detail, '')"
    )


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
        figures: dict[str, list] = {"durations": [], "funnel": [], "reasons": [], "sources": []}
        dialect = s.get_bind().dialect.name
        if q.in_order is not None and SUMMARY:
            counts = {str(i): 0 for i in range(len(TIMED))}
            for r in _summary(s, q):
                if r.figure == "timed":
                    counts[r.item] = int(r.n)
                else:
                    key = r.item
                    if r.figure == "reason":  # '' is no reason, '=…' a reason (maybe '')
                        key = r.item[1:] if r.item else None
                    figure = {"top": "funnel", "reason": "reasons", "source": "sources"}[r.figure]
                    figures[figure].append(_Cell(key, r.detail, int(r.n), int(r.hired)))
            sql = _durations_sql(dialect, q, counts)
        else:
            sql = _figures_sql(dialect, q)
        for r in q.run(s, sql):
            figures[r.figure].append(r)
        standard = tuple(labels(s, principal.staff_company_id))
        offers = _offer_figures(q.run(s, _offers(q)), datetime.now(UTC))

    # Funnel: the furthest step each application reached (a hire counts while it stands).
    at_top = {int(r.key): int(r.n) for r in figures["funnel"]}
    total = sum(at_top.values())
    reached = _cumulative(at_top)
    funnel = tuple(
        FunnelStep(
            category=c.value,
            label=LABELS[c],
            reached=reached[i],
            percent=round(100.0 * reached[i] / total, 1) if total else 0.0,
            conversion=(round(reached[i + 1] / reached[i], 3) if i + 1 < len(STEPS) and reached[i] else None),
        )
        for i, c in enumerate(STEPS)
    )
    durations = {r.key: (int(r.n), _days(r.a), _days(r.b)) for r in figures["durations"]}
    # Time in stage: every stay (undos and corrections included), summed per application.
    time_in_stage = tuple(
        Duration(LABELS[c], *durations.get(str(i), (0, None, None))) for i, c in enumerate(TIMED)
    )
    # Time to hire: created → the last standing move into hired, of applications hired now.
    time_to_hire = Duration("Time to hire", *durations.get("hire", (0, None, None)))
    # Time to fill: job opened → its first standing hire (among the applications in scope).
    time_to_fill = Duration("Time to fill", *durations.get("fill", (0, None, None)))
    reasons = tuple(
        sorted(
            (ReasonRow(r.key or NO_REASON, r.detail or "", int(r.n)) for r in figures["reasons"]),
            key=lambda x: (-x.count, x.reason, _step_order(x.category)),
        )
    )
    source_rows = sorted(figures["sources"], key=lambda r: (-int(r.n), r.key, r.detail))
    sources = tuple(
        SourceRow(
            source=r.key,
            detail=r.detail,
            label=SOURCE_LABELS.get(Source(r.key), r.key) + (f": {r.detail}" if r.detail else ""),
            applications=int(r.n),
            hired=int(r.a or 0),
        )
        for r in source_rows
    )
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
