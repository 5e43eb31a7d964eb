"""Per-application running totals of the history (``application_stage_stats``), so that the
hiring report reads one row per application instead of every history row.

Each history row updates its application's totals in the transaction that writes it: the first
row (``first_row``, from applications/applying.py) and every stage change (``record``, from
pipelines/moves.py ``_change``). ``rebuild`` computes the same totals from the history; it is the
definition (migration 0027 backfills with the same SQL) and what fixtures that write history rows
by hand call afterwards. The totals hold, per application:

- ``t0`` … ``t3``: the seconds of every stay (undos and corrections included) in stages of the
  applied, screening, interview and offer categories, a row's ``changed_at -
  old_stage_entered_at`` added to its old stage's category (None: no stay there);
- ``top``: the furthest step among the old stages of its rows that are not undos;
- the last rejection (its row, standard reason and the stage it rejected from);
- the first and last moves into hired that stand. An undo of a hire is the one change that cannot
  be kept as a running total: it takes both again from that application's history (a few rows);
- its job and company, for the indexes that hold a scope's stays of one category in order.

The categories are those of the stages when each row was written: a stage whose category is
changed later (replace_stages allows it among screening, interview and offer) keeps its past
stays where they were counted until ``rebuild`` runs for its job's applications.

The same transaction keeps two things the all-time report reads instead of one row per
application (migration 0028): its job's summary (``job_report_totals``: applications by furthest
step, by source with hires, by reason and step of those rejected now, with a stay per timed
category), updated by the difference between what the application counted before the change and
after it; and ``standing_hires``, the applications in a hired stage now with a standing hire,
written again when one enters or leaves hired. ``rebuild`` computes both again too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import prebuilt
from ..models import UTCDateTime
from .categories import Category
from .transitions import StageRef

# The steps in order: a stage's rank is its category's index (rejected and withdrawn rank 0).
STEPS: tuple[Category, ...] = (
    Category.APPLIED,
    Category.SCREENING,
    Category.INTERVIEW,
    Category.OFFER,
    Category.HIRED,
)
TIMED: tuple[Category, ...] = STEPS[:-1]


def rank(category: str | None) -> int:
    """A step's rank (0 applied … 4 hired); rejected and withdrawn do not advance anyone."""
    return next((i for i, c in enumerate(STEPS) if c == category), 0)


def rank_sql(column: str) -> str:
    cases = " ".join(f"WHEN '{c.value}' THEN {i}" for i, c in enumerate(STEPS))
    return f"CASE {column} {cases} ELSE 0 END"


def seconds_sql(dialect: str, start: str, end: str) -> str:
    """``end - start`` in seconds, the same expression for the totals and the report."""
    if dialect == "postgresql":
        return f"date_part('epoch', {end} - {start})"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


# The hires that stand: moves into hired that are not undos and that no undo reverted.
_STANDING_HIRES = (
    "FROM application_history hh JOIN job_stage hs ON hs.id = hh.new_stage_id "
    "WHERE hs.category = 'hired' AND hh.kind <> 'undo' AND hh.id NOT IN "
    "(SELECT u.reverts_id FROM application_history u WHERE u.reverts_id IS NOT NULL{also})"
)

_statements: dict[tuple, sa.TextClause | None] = {}


def _record_sql(
    dialect: str, timed: int | None, stands: bool, reject: bool, hire: str | None
) -> sa.TextClause | None:
    """The UPDATE of one change, built once per dialect and shape (what the change touches);
    None when it touches nothing (an undo out of a rejected or withdrawn stage)."""
    key = (dialect, timed, stands, reject, hire)
    if key in _statements:
        return _statements[key]
    sets = []
    if timed is not None:
        stay = seconds_sql(dialect, "h.old_stage_entered_at", "h.changed_at")
        t = f"t{timed}"
        # A row without ``old_stage_entered_at`` (written before it existed) measures no stay.
        added = f"COALESCE({t}, 0) + (SELECT {stay} FROM application_history h WHERE h.id = :hid)"
        sets.append(f"{t} = COALESCE({added}, {t})")
    if stands:
        sets.append("top = CASE WHEN top < :rank THEN :rank ELSE top END")
    if reject:
        sets.append("last_reject_id = :hid, last_reject_reason = :reason, last_reject_stage_id = :from_id")
    if hire == "move":
        sets.append("first_hire = COALESCE(first_hire, :now), last_hire = :now")
    elif hire == "undo":
        standing = (
            _STANDING_HIRES.format(also=" AND u.application_id = :app") + " AND hh.application_id = :app"
        )
        sets.append(f"first_hire = (SELECT MIN(hh.changed_at) {standing})")
        sets.append(f"last_hire = (SELECT MAX(hh.changed_at) {standing})")
    if not sets:
        _statements[key] = None
        return None
    statement = sa.text(f"UPDATE application_stage_stats SET {', '.join(sets)} WHERE application_id = :app")
    if hire == "move":
        statement = statement.bindparams(sa.bindparam("now", type_=UTCDateTime))
    _statements[key] = statement
    return statement


# --- the per-job summary (``job_report_totals``) --------------------------------------------
# What one application adds to its job's summary, from its totals and its current stage: the
# report's all-time figures are these summed over the scope's jobs (analytics/report.py).


def effective_top_sql(current: str, top: str) -> str:
    """The furthest step that stands, of an application whose current category is ``current`` and
    whose totals' furthest old stage is ``top``: hired while it stands there (an un-hired one
    reached offer), else the further of its current stage and ``top``."""
    rank_now = rank_sql(current)
    return (
        f"CASE WHEN {current} = 'hired' THEN 4 WHEN {top} = 4 THEN 3 "
        f"WHEN {rank_now} > {top} THEN {rank_now} ELSE {top} END"
    )


@dataclass(frozen=True)
class _Standing:
    """What the summary counts of one application."""

    cur: str | None  # its current stage's category
    top: int  # its totals' ``top``
    rejected: bool  # it has a last rejection
    reason: str | None
    reject_category: str | None  # the category of the stage its last rejection left
    timed: tuple[bool, ...]  # a stay measured in each timed category
    source: str
    detail: str

    @classmethod
    def of(cls, row, cur: str | None) -> _Standing:
        return cls(
            cur=cur,
            top=int(row.top),
            rejected=bool(row.rejected),
            reason=row.reason,
            reject_category=row.reject_category,
            timed=tuple(bool(t) for t in (row.s0, row.s1, row.s2, row.s3)),
            source=row.source,
            detail=row.detail,
        )

    def cells(self) -> dict[tuple[str, str, str], tuple[int, int]]:
        """(figure, item, detail) → (applications, hired): the report's definitions, as in
        ``summary_sql`` (a test holds the two equal)."""
        rank_now = rank(self.cur)
        if self.cur == Category.HIRED:
            top = 4
        elif self.top == 4:
            top = 3
        else:
            top = max(rank_now, self.top)
        hired = 1 if self.cur == Category.HIRED else 0
        cells = {("top", str(top), ""): (1, 0), ("source", self.source, self.detail): (1, hired)}
        if self.cur == Category.REJECTED and self.rejected:
            item = "" if self.reason is None else "=" + self.reason
            cells[("reason", item, self.reject_category or "")] = (1, 0)
        for i, measured in enumerate(self.timed):
            if measured:
                cells[("timed", str(i), "")] = (1, 0)
        return cells


def _standing_sql(dialect: str) -> sa.TextClause:
    """An application's totals and source as the summary counts them, and whether the history row
    ``:hid`` measures a stay (it has ``old_stage_entered_at``): read before the change is added."""
    key = ("standing", dialect)
    if key not in _statements:
        measured = (
            "(SELECT CASE WHEN h.old_stage_entered_at IS NULL THEN 0 ELSE 1 END "
            "FROM application_history h WHERE h.id = :hid)"
        )
        timed = "".join(f", CASE WHEN st.t{i} IS NULL THEN 0 ELSE 1 END AS s{i}" for i in range(len(TIMED)))
        _statements[key] = sa.text(
            "SELECT st.job_id, st.company_id, st.top, "
            "CASE WHEN st.last_reject_id IS NULL THEN 0 ELSE 1 END AS rejected, "
            f"st.last_reject_reason AS reason, rs.category AS reject_category{timed}, a.source, "
            f"COALESCE(a.source_detail, '') AS detail, {measured} AS measured "
            "FROM application_stage_stats st JOIN application a ON a.id = st.application_id "
            "LEFT JOIN job_stage rs ON rs.id = st.last_reject_stage_id WHERE st.application_id = :app"
        )
    return _statements[key]  # type: ignore[return-value]


_UPSERTS: dict[int, sa.TextClause] = {}


def _add_to_summary(
    sql: Connection, job_id: int, company_id: int, before: _Standing | None, after: _Standing | None
) -> None:
    """Replace an application's contribution to its job's summary (``before``, None for a new
    one) by ``after``: the cells that differ, in one upsert. The job's own row comes first and
    the cells in one order, so two changes of one job's totals never wait on each other crosswise."""
    delta: dict[tuple[str, str, str], list[int]] = {}
    for sign, standing in ((-1, before), (1, after)):
        if standing is None:
            continue
        for cell, (n, hired) in standing.cells().items():
            d = delta.setdefault(cell, [0, 0])
            d[0] += sign * n
            d[1] += sign * hired
    cells = sorted((cell, d) for cell, d in delta.items() if d != [0, 0])
    if not cells:
        return
    cells.insert(0, (("", "", ""), [0, 0]))
    count = len(cells)
    if count not in _UPSERTS:
        values = ", ".join(f"(:job, :company, :f{i}, :i{i}, :d{i}, :n{i}, :h{i})" for i in range(count))
        _UPSERTS[count] = sa.text(
            "INSERT INTO job_report_totals (job_id, company_id, figure, item, detail, n, hired) "
            f"VALUES {values} ON CONFLICT (job_id, figure, item, detail) DO UPDATE SET "
            "n = job_report_totals.n + excluded.n, hired = job_report_totals.hired + excluded.hired"
        )
    binds: dict = {"job": job_id, "company": company_id}
    for i, ((figure, item, detail), (n, hired)) in enumerate(cells):
        binds.update({f"f{i}": figure, f"i{i}": item, f"d{i}": detail, f"n{i}": n, f"h{i}": hired})
    prebuilt.execute(sql, _UPSERTS[count], binds)


def summary_sql(where: str = "") -> tuple[str, str]:
    """The summary from the running totals, as a DELETE and an INSERT … SELECT (``where``: a
    condition on ``job_id``, for some jobs only): the definition ``_Standing.cells`` keeps by delta."""
    only = f" WHERE job_id {where}" if where else ""
    delete = f"DELETE FROM job_report_totals{only}"
    columns = "INSERT INTO job_report_totals (job_id, company_id, figure, item, detail, n, hired) "
    apps = (
        "SELECT st.job_id, st.company_id, cs.category AS cur, "
        f"{effective_top_sql('cs.category', 'st.top')} AS top, st.last_reject_id, st.last_reject_reason, "
        "rs.category AS reject_category, st.t0, st.t1, st.t2, st.t3, a.source, "
        "COALESCE(a.source_detail, '') AS detail FROM application_stage_stats st "
        "JOIN application a ON a.id = st.application_id JOIN job_stage cs ON cs.id = a.stage_id "
        "LEFT JOIN job_stage rs ON rs.id = st.last_reject_stage_id"
        + (f" WHERE st.job_id {where}" if where else "")
    )
    by = "GROUP BY job_id, company_id"
    parts = [
        f"SELECT job_id, company_id, 'top', CAST(top AS VARCHAR(1)), '', COUNT(*), 0 FROM apps {by}, top",
        "SELECT job_id, company_id, 'source', source, detail, COUNT(*), "
        f"SUM(CASE WHEN cur = 'hired' THEN 1 ELSE 0 END) FROM apps {by}, source, detail",
        "SELECT job_id, company_id, 'reason', COALESCE('=' || last_reject_reason, ''), "
        "COALESCE(reject_category, ''), COUNT(*), 0 FROM apps "
        f"WHERE cur = 'rejected' AND last_reject_id IS NOT NULL {by}, last_reject_reason, reject_category",
        *(
            f"SELECT job_id, company_id, 'timed', '{i}', '', COUNT(*), 0 FROM apps "
            f"WHERE t{i} IS NOT NULL {by}"
            for i in range(len(TIMED))
        ),
    ]
    insert = f"{columns}WITH apps AS ({apps}) " + " UNION ALL ".join(parts)
    return delete, insert


def hires_sql(dialect: str, where: str = "") -> tuple[str, str]:
    """``standing_hires`` from the totals, as a DELETE and an INSERT … SELECT (``where``: a
    condition on ``application_id``): the applications in a hired stage now with a standing hire,
    the seconds from their creation to their last standing hire and their first one, so the report
    reads time to hire in order along an index and time to fill as one probe per job."""
    only = f" WHERE application_id {where}" if where else ""
    insert = (
        "INSERT INTO standing_hires (application_id, job_id, company_id, seconds, first_hire) "
        f"SELECT st.application_id, st.job_id, st.company_id, "
        f"{seconds_sql(dialect, 'a.created_at', 'st.last_hire')}, st.first_hire "
        "FROM application_stage_stats st JOIN application a ON a.id = st.application_id "
        "JOIN job_stage cs ON cs.id = a.stage_id WHERE cs.category = 'hired' AND st.last_hire IS NOT NULL"
        + (f" AND st.application_id {where}" if where else "")
    )
    return f"DELETE FROM standing_hires{only}", insert


def rebuild_summary(sql: Connection, job_ids: list[int] | None = None) -> None:
    """The summary of these jobs (all with None) computed again from the running totals: after the
    totals themselves were (``rebuild``), or a stage changed category."""
    if job_ids is not None and not job_ids:
        return
    where = f"IN ({', '.join(str(int(i)) for i in job_ids)})" if job_ids is not None else ""
    for statement in summary_sql(where):
        sql.execute(sa.text(statement))


_NEW_APPLICATION = sa.text(
    "SELECT cs.category AS cur, a.source, COALESCE(a.source_detail, '') AS detail "
    "FROM application a JOIN job_stage cs ON cs.id = a.stage_id WHERE a.id = :app"
)


def first_row(sql: Connection, application_id: int, job_id: int, company_id: int) -> None:
    """The totals of a new application, whose one history row (no old stage) measures nothing yet,
    and its cells of its job's summary."""
    sql.execute(
        sa.text(
            "INSERT INTO application_stage_stats (application_id, job_id, company_id, top) "
            "VALUES (:app, :job, :company, 0)"
        ),
        {"app": application_id, "job": job_id, "company": company_id},
    )
    # Its first stage and source: no old stage, so no stay, rejection or step beyond it yet.
    row = sql.execute(_NEW_APPLICATION, {"app": application_id}).one()
    new = _Standing(row.cur, 0, False, None, None, (False,) * len(TIMED), row.source, row.detail)
    _add_to_summary(sql, job_id, company_id, None, new)


def record(
    sql: Connection,
    *,
    history_id: int,
    application_id: int,
    current: StageRef,
    target: StageRef,
    kind: str,
    reason: str | None,
    now: datetime,
) -> None:
    """Add the history row ``history_id`` (a change from ``current`` to ``target``, just written)
    to its application's totals and its job's summary, in the same transaction: a read of what it
    counted before, an update and an upsert (and its standing hire again when it enters or leaves
    hired)."""
    timed = next((i for i, c in enumerate(TIMED) if c == current.category), None)
    undo = kind == "undo"
    hire = None
    if undo and current.category == Category.HIRED:
        hire = "undo"  # the hire it reverts no longer stands
    elif not undo and target.category == Category.HIRED:
        hire = "move"
    dialect = sql.dialect.name
    before = prebuilt.execute(sql, _standing_sql(dialect), {"app": application_id, "hid": history_id}).first()
    statement = _record_sql(dialect, timed, not undo, kind == "reject", hire)
    if before is not None:  # an application without totals (rows written by hand) counts nowhere yet
        after = _Standing(
            cur=target.category,
            top=before.top if undo else max(before.top, rank(current.category)),
            rejected=True if kind == "reject" else bool(before.rejected),
            reason=reason if kind == "reject" else before.reason,
            reject_category=current.category if kind == "reject" else before.reject_category,
            timed=tuple(
                bool(t) or (i == timed and bool(before.measured))
                for i, t in enumerate((before.s0, before.s1, before.s2, before.s3))
            ),
            source=before.source,
            detail=before.detail,
        )
        _add_to_summary(sql, before.job_id, before.company_id, _Standing.of(before, current.category), after)
    if statement is not None:
        prebuilt.execute(
            sql,
            statement,
            {
                "app": application_id,
                "hid": history_id,
                "rank": rank(current.category),
                "reason": reason,
                "from_id": current.id,
                "now": now,
            },
        )
    if Category.HIRED in (current.category, target.category):  # into or out of hired: rare
        for hire_sql in hires_sql(dialect, f"= {int(application_id)}"):
            sql.execute(sa.text(hire_sql))


def rebuild_sql(dialect: str, where: str = "") -> tuple[str, str]:
    """The totals from the history, as a DELETE and an INSERT … SELECT (``where``: a condition on
    ``application_id``, for some applications only)."""
    stay = seconds_sql(dialect, "h.old_stage_entered_at", "h.changed_at")
    sums = "".join(
        f", SUM(CASE os.category WHEN '{c.value}' THEN {stay} END) AS t{i}" for i, c in enumerate(TIMED)
    )
    only = f" WHERE application_id {where}" if where else ""
    hires = _STANDING_HIRES.format(also="") + (f" AND hh.application_id {where}" if where else "")
    delete = f"DELETE FROM application_stage_stats{only}"
    insert = (
        "INSERT INTO application_stage_stats (application_id, job_id, company_id, t0, t1, t2, t3, top, "
        "last_reject_id, last_reject_reason, last_reject_stage_id, first_hire, last_hire) "
        "SELECT p.id, a.job_id, j.company_id, p.t0, p.t1, p.t2, p.t3, COALESCE(p.top, 0), p.last_reject, "
        "r.reason, r.old_stage_id, x.first_hire, x.last_hire FROM (SELECT h.application_id AS id, "
        f"MAX(CASE WHEN h.kind <> 'undo' THEN {rank_sql('os.category')} END) AS top, "
        f"MAX(CASE WHEN h.kind = 'reject' THEN h.id END) AS last_reject{sums} "
        "FROM application_history h LEFT JOIN job_stage os ON os.id = h.old_stage_id"
        + (f" WHERE h.application_id {where}" if where else "")
        + " GROUP BY h.application_id) p "
        "JOIN application a ON a.id = p.id JOIN job j ON j.id = a.job_id "
        "LEFT JOIN application_history r ON r.id = p.last_reject "
        "LEFT JOIN (SELECT hh.application_id AS id, MIN(hh.changed_at) AS first_hire, "
        f"MAX(hh.changed_at) AS last_hire {hires} GROUP BY hh.application_id) x ON x.id = p.id"
    )
    return delete, insert


def rebuild(sql: Connection, application_ids: list[int] | None = None) -> None:
    """The totals of these applications (all with None) computed again from their history, with
    their standing hires, and their jobs' summaries from the totals: for history rows written
    other than by FlowTrack's write paths (imports, fixtures) or stages that changed category."""
    if application_ids is not None and not application_ids:
        return
    where = ""
    if application_ids is not None:
        where = f"IN ({', '.join(str(int(i)) for i in application_ids)})"
    for statement in (*rebuild_sql(sql.dialect.name, where), *hires_sql(sql.dialect.name, where)):
        sql.execute(sa.text(statement))
    jobs = None
    if application_ids is not None:
        jobs = [
            int(j)
            for j in sql.execute(
                sa.text(f"SELECT DISTINCT job_id FROM application WHERE id {where}")
            ).scalars()
        ]
    rebuild_summary(sql, jobs)
