"""The hiring report of a company or one job, for applications created in a date range.

Everything is aggregated by the database (one statement of CTEs, the same SQL on SQLite and
PostgreSQL but for date arithmetic): a handful of rows reach Python whatever the size of the
history table. The history is read once, in one grouped pass per application with no window over
it: each row carries when its old stage was entered (``old_stage_entered_at``), so a stay's length
is one row's difference, and the steps an application reached are the old stages of its rows that
are not undos plus its current stage (the history chain: an undone move's target is the old stage
of its undo only). Medians and 90th percentiles are picked by ``ORDER BY … LIMIT 1 OFFSET``.

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
        return f"date_part('epoch', {end} - {start})"
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
        self.where = " AND ".join(where)
        self.scope = (
            "scope AS (SELECT a.id, a.job_id, a.created_at, a.source, a.source_detail, cs.category AS cur "
            "FROM application a JOIN job j ON j.id = a.job_id JOIN job_stage cs ON cs.id = a.stage_id "
            f"WHERE {self.where})"
        )

    def run(self, s, sql: str) -> list:
        statement = text(
            f"WITH {self.scope}, {sql}" if not sql.startswith("SELECT") else f"WITH {self.scope} {sql}"
        )
        if self.types:
            statement = statement.bindparams(*self.types)
        if s.get_bind().dialect.name == "postgresql" and not s.info.get("jit_off"):
            # Grouped passes over the history that run in milliseconds: compiling them to machine
            # code (PostgreSQL's JIT, which their estimated cost sets off) takes longer than that.
            # And the per-application aggregate in memory rather than sorted on disk; both for this
            # transaction only, in one round trip.
            s.execute(text("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)"))
            s.info["jit_off"] = True
        return s.execute(statement, self.binds).all()


# The moves an undo reverted: few (an undo is a mis-drop put right within seconds), read from the
# index on ``reverts_id`` once per statement rather than probed for every history row.
_REVERTED = "(SELECT u.reverts_id FROM application_history u WHERE u.reverts_id IS NOT NULL)"


def _applications(dialect: str, q: _Query, durations: bool = True) -> str:
    """``apps``: one row per application in scope with a history, from one grouped pass over it:
    - ``top``, the furthest step reached by moves that stand (a hire only while it stands): the
      furthest of its current stage and the old stages of its rows that are not undos. By the
      history chain each row's old stage is the stage the row before it entered, so these are
      every stage it stood in; an undone move's target is the old stage of its undo only;
    - ``last_reject``, the id of its last rejection: for an application rejected now, the last
      one that stands (an undo reverts the row just before it, so the rows after that rejection
      are reopenings and their undos);
    - with ``durations``, ``t0`` … ``t3``: the seconds it spent in stages of each timed category,
      every stay counted (corrections and undos included) as its row's ``changed_at -
      old_stage_entered_at`` (None: no stay there)."""
    stay = _seconds(dialect, "h.old_stage_entered_at", "h.changed_at")
    timed = list(enumerate(TIMED)) if durations else []
    sums = "".join(f", SUM(CASE os.category WHEN '{c.value}' THEN {stay} END) AS t{i}" for i, c in timed)
    current = _rank("cs.category")
    return (
        "apps AS MATERIALIZED (SELECT p.id, a.job_id, a.created_at, cs.category AS cur, "
        "CASE WHEN p.top IS NULL THEN NULL WHEN cs.category = 'hired' THEN 4 WHEN p.top = 4 THEN 3 "
        f"WHEN {current} > p.top THEN {current} ELSE p.top END AS top, p.last_reject"
        + "".join(f", p.t{i}" for i, _c in timed)
        + " FROM (SELECT h.application_id AS id, "
        f"MAX(CASE WHEN h.kind <> 'undo' THEN {_rank('os.category')} END) AS top, "
        f"MAX(CASE WHEN h.kind = 'reject' THEN h.id END) AS last_reject{sums} "
        "FROM application_history h LEFT JOIN job_stage os ON os.id = h.old_stage_id "
        # The scope's conditions again rather than the CTE: PostgreSQL then knows how many
        # applications there are, and hashes the history instead of probing it once per application.
        "WHERE h.application_id IN "
        f"(SELECT a.id FROM application a JOIN job j ON j.id = a.job_id WHERE {q.where}) "
        "GROUP BY h.application_id) p "
        "JOIN application a ON a.id = p.id JOIN job_stage cs ON cs.id = a.stage_id)"
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


def _step_order(category: str) -> int:
    return next((i for i, c in enumerate(STEPS) if c == category), len(STEPS))


def _days(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / DAY, 2)


def _nearest_ranks(values: dict[str, str]) -> tuple[str, str]:
    """Per key, the count, median (``a``) and p90 (``b``) by nearest rank of the values that
    ``values[key]`` selects (a ``SELECT … AS v`` without nulls), as CTEs and ``durations`` figure
    rows. Each rank is one ``ORDER BY v LIMIT 1 OFFSET``, the p90 from the top (a heap of a tenth
    of the values): SQLite's window functions cost several times the sort they need."""
    ctes, rows = [], []
    for i, (key, select) in enumerate(values.items()):
        d, n = f"d{i}", f"n{i}"
        ctes.append(
            f"{d} AS NOT MATERIALIZED ({select}), {n} AS MATERIALIZED (SELECT COUNT(*) AS n FROM {d})"
        )
        rows.append(
            f"SELECT 'durations' AS figure, '{key}' AS key, NULL AS detail, (SELECT n FROM {n}) AS n, "
            f"(SELECT v FROM {d} ORDER BY v LIMIT 1 OFFSET "
            f"(SELECT CASE WHEN n = 0 THEN 0 ELSE (n + 1) / 2 - 1 END FROM {n})) AS a, "
            f"(SELECT v FROM {d} ORDER BY v DESC LIMIT 1 OFFSET "
            f"(SELECT CASE WHEN n = 0 THEN 0 ELSE n - (9 * n + 9) / 10 END FROM {n})) AS b"
        )
    return ", ".join(ctes), " UNION ALL ".join(rows)


def _furthest(s, q: _Query, by_job: bool) -> dict[tuple[int, int], int]:
    """(job id or 0, furthest step rank) → applications, in one grouped query."""
    job = "job_id" if by_job else "0"
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


def _figures_sql(dialect: str, q: _Query) -> str:
    """Every figure but offers in one statement over one pass of the history (``apps``), as rows
    ``(figure, key, detail, n, a, b)``: ``durations`` (key: a timed category's index, ``hire`` or
    ``fill``; n, median and p90 seconds), ``funnel`` (key: the furthest step; n applications),
    ``reasons`` (the reason and the step rejected from; n) and ``sources`` (source and detail; n
    applications, ``a`` of them hired)."""
    values = {str(i): f"SELECT t{i} AS v FROM apps WHERE t{i} IS NOT NULL" for i in range(len(TIMED))}
    values["hire"] = f"SELECT {_seconds(dialect, 'created_at', 'last_hire')} AS v FROM hires"
    values["fill"] = f"SELECT {_seconds(dialect, 'opened', 'filled')} AS v FROM fills"
    ranks_cte, ranks = _nearest_ranks(values)
    return (
        f"{_applications(dialect, q)}, "
        # Time to hire and fill: the standing moves into hired of the applications hired now.
        "hires AS (SELECT apps.id, apps.job_id, apps.created_at, MAX(h.changed_at) AS last_hire, "
        "MIN(h.changed_at) AS first_hire FROM apps "
        "JOIN application_history h ON h.application_id = apps.id "
        "JOIN job_stage ns ON ns.id = h.new_stage_id "
        "WHERE apps.cur = 'hired' AND ns.category = 'hired' "
        f"AND h.kind <> 'undo' AND h.id NOT IN {_REVERTED} "
        "GROUP BY apps.id, apps.job_id, apps.created_at), "
        "fills AS (SELECT j.created_at AS opened, f.filled FROM (SELECT job_id, MIN(first_hire) AS filled "
        "FROM hires GROUP BY job_id) f JOIN job j ON j.id = f.job_id), "
        f"{ranks_cte} {ranks}"
        + " UNION ALL SELECT 'funnel', CAST(top AS VARCHAR(1)), NULL, COUNT(*), NULL, NULL FROM apps "
        "WHERE top IS NOT NULL GROUP BY top"
        # Rejection reasons: applications rejected now, by their last rejection that stands.
        " UNION ALL SELECT 'reasons', r.reason, os.category, COUNT(*), NULL, NULL FROM apps "
        "JOIN application_history r ON r.id = apps.last_reject "
        "LEFT JOIN job_stage os ON os.id = r.old_stage_id WHERE apps.cur = 'rejected' "
        "GROUP BY r.reason, os.category"
        " UNION ALL SELECT 'sources', source, COALESCE(source_detail, ''), COUNT(*), "
        "SUM(CASE WHEN cur = 'hired' THEN 1 ELSE 0 END), NULL FROM scope "
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
        for r in q.run(s, _figures_sql(s.get_bind().dialect.name, q)):
            figures[r.figure].append(r)
        standard = tuple(labels(s, principal.staff_company_id))
        offers = _offer_figures(q.run(s, _OFFERS), datetime.now(UTC))

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
