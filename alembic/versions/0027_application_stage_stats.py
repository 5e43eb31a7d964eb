"""application stage stats: per-application running totals of the history for the report

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 18:10:00

``application_stage_stats`` holds, per application, what the hiring report needs of its history:
the seconds of its stays in each timed category (applied, screening, interview, offer), the
furthest step among the old stages of its rows that are not undos, its last rejection (row,
reason, the stage it rejected from) and its first and last standing moves into hired, with its
job and company: indexes on (company, category seconds) and (job, category seconds) hold a
scope's stays in order, so a median is a step along an index rather than a sort. Every
history row written from now on updates it in its own transaction (pipelines/stage_stats.py);
existing applications are filled here from their history, one range of applications at a time,
by the report's own definitions (the same SQL on SQLite and PostgreSQL but for date arithmetic).
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: Union[str, Sequence[str], None] = "0026"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Applications per INSERT: bounded statements.
BATCH = 20_000
STEPS = ("applied", "screening", "interview", "offer", "hired")


def _backfill(dialect: str) -> sa.TextClause:
    if dialect == "postgresql":
        stay = "date_part('epoch', h.changed_at - h.old_stage_entered_at)"
    else:
        stay = "((julianday(h.changed_at) - julianday(h.old_stage_entered_at)) * 86400.0)"
    rank = "CASE os.category " + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(STEPS)) + " ELSE 0 END"
    sums = "".join(
        f", SUM(CASE os.category WHEN '{c}' THEN {stay} END) AS t{i}" for i, c in enumerate(STEPS[:-1])
    )
    return sa.text(
        "INSERT INTO application_stage_stats (application_id, job_id, company_id, t0, t1, t2, t3, top, "
        "last_reject_id, last_reject_reason, last_reject_stage_id, first_hire, last_hire) "
        "SELECT p.id, a.job_id, j.company_id, p.t0, p.t1, p.t2, p.t3, COALESCE(p.top, 0), p.last_reject, "
        "r.reason, r.old_stage_id, x.first_hire, x.last_hire FROM (SELECT h.application_id AS id, "
        f"MAX(CASE WHEN h.kind <> 'undo' THEN {rank} END) AS top, "
        f"MAX(CASE WHEN h.kind = 'reject' THEN h.id END) AS last_reject{sums} "
        "FROM application_history h LEFT JOIN job_stage os ON os.id = h.old_stage_id "
        "WHERE h.application_id >= :lo AND h.application_id < :hi GROUP BY h.application_id) p "
        "JOIN application a ON a.id = p.id JOIN job j ON j.id = a.job_id "
        "LEFT JOIN application_history r ON r.id = p.last_reject "
        "LEFT JOIN (SELECT hh.application_id AS id, MIN(hh.changed_at) AS first_hire, "
        "MAX(hh.changed_at) AS last_hire FROM application_history hh "
        "JOIN job_stage hs ON hs.id = hh.new_stage_id "
        "WHERE hs.category = 'hired' AND hh.kind <> 'undo' AND hh.id NOT IN "
        "(SELECT u.reverts_id FROM application_history u WHERE u.reverts_id IS NOT NULL) "
        "AND hh.application_id >= :lo AND hh.application_id < :hi GROUP BY hh.application_id) x "
        "ON x.id = p.id"
    )


def upgrade() -> None:
    op.create_table(
        "application_stage_stats",
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("application.id"), primary_key=True),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("t0", sa.Float(), nullable=True),
        sa.Column("t1", sa.Float(), nullable=True),
        sa.Column("t2", sa.Float(), nullable=True),
        sa.Column("t3", sa.Float(), nullable=True),
        sa.Column("top", sa.Integer(), nullable=False),
        sa.Column("last_reject_id", sa.Integer(), nullable=True),
        sa.Column("last_reject_reason", sa.String(120), nullable=True),
        sa.Column("last_reject_stage_id", sa.Integer(), nullable=True),
        sa.Column("first_hire", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_hire", sa.DateTime(timezone=True), nullable=True),
    )
    for scope in ("company", "job"):
        for i in range(4):
            op.create_index(
                f"ix_stage_stats_{scope}_t{i}", "application_stage_stats", [f"{scope}_id", f"t{i}"]
            )
    bind = op.get_bind()
    low, high = bind.execute(
        sa.text("SELECT MIN(application_id), MAX(application_id) FROM application_history")
    ).one()
    if low is None:
        return
    backfill = _backfill(bind.dialect.name)
    for start in range(low, high + 1, BATCH):
        bind.execute(backfill, {"lo": start, "hi": start + BATCH})


def downgrade() -> None:
    op.drop_table("application_stage_stats")
