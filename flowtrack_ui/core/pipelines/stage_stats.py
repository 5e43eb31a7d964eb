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
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

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


def first_row(sql: Connection, application_id: int, job_id: int, company_id: int) -> None:
    """The totals of a new application, whose one history row (no old stage) measures nothing yet."""
    sql.execute(
        sa.text(
            "INSERT INTO application_stage_stats (application_id, job_id, company_id, top) "
            "VALUES (:app, :job, :company, 0)"
        ),
        {"app": application_id, "job": job_id, "company": company_id},
    )


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
    to its application's totals, in the same transaction: one statement."""
    timed = next((i for i, c in enumerate(TIMED) if c == current.category), None)
    undo = kind == "undo"
    hire = None
    if undo and current.category == Category.HIRED:
        hire = "undo"  # the hire it reverts no longer stands
    elif not undo and target.category == Category.HIRED:
        hire = "move"
    statement = _record_sql(sql.dialect.name, timed, not undo, kind == "reject", hire)
    if statement is None:
        return
    sql.execute(
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
    """The totals of these applications (all with None) computed again from their history: for
    history rows written other than by FlowTrack's write paths (imports, fixtures)."""
    if application_ids is not None and not application_ids:
        return
    where = ""
    if application_ids is not None:
        where = f"IN ({', '.join(str(int(i)) for i in application_ids)})"
    for statement in rebuild_sql(sql.dialect.name, where):
        sql.execute(sa.text(statement))
