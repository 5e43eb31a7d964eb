"""job report totals and standing hires: what the all-time hiring report sums and ranks

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 20:40:00

``job_report_totals`` holds, per job, how many applications stand in each cell of the all-time
report: by furthest step (``top``), by source and detail with how many of them are hired now
(``source``), by the reason and the step of the last rejection of those rejected now (``reason``)
and with a measured stay in each timed category (``timed``). A company's report sums these few
rows instead of reading one row per application; every change of an application's running totals
updates them in its own transaction (pipelines/stage_stats.py). ``standing_hires`` holds the
applications in a hired stage now whose hire stands, with the seconds from their creation to it
and their first standing hire: time to hire in order along an index, time to fill one probe per
job. Both are filled here from ``application_stage_stats`` by the same definitions.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: Union[str, Sequence[str], None] = "0027"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STEPS = ("applied", "screening", "interview", "offer", "hired")


def _backfill() -> str:
    rank = "CASE cs.category " + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(STEPS)) + " ELSE 0 END"
    # The furthest step that stands: hired while it stands there, else its current or furthest old stage.
    top = (
        f"CASE WHEN cs.category = 'hired' THEN 4 WHEN st.top = 4 THEN 3 "
        f"WHEN {rank} > st.top THEN {rank} ELSE st.top END"
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
            for i in range(4)
        ),
    ]
    return (
        "INSERT INTO job_report_totals (job_id, company_id, figure, item, detail, n, hired) "
        "WITH apps AS (SELECT st.job_id, st.company_id, cs.category AS cur, "
        f"{top} AS top, st.last_reject_id, st.last_reject_reason, rs.category AS reject_category, "
        "st.t0, st.t1, st.t2, st.t3, a.source, COALESCE(a.source_detail, '') AS detail "
        "FROM application_stage_stats st JOIN application a ON a.id = st.application_id "
        "JOIN job_stage cs ON cs.id = a.stage_id LEFT JOIN job_stage rs ON rs.id = st.last_reject_stage_id) "
        + " UNION ALL ".join(parts)
    )


def _hires(dialect: str) -> str:
    if dialect == "postgresql":
        seconds = "date_part('epoch', st.last_hire - a.created_at)"
    else:
        seconds = "((julianday(st.last_hire) - julianday(a.created_at)) * 86400.0)"
    return (
        "INSERT INTO standing_hires (application_id, job_id, company_id, seconds, first_hire) "
        f"SELECT st.application_id, st.job_id, st.company_id, {seconds}, st.first_hire "
        "FROM application_stage_stats st JOIN application a ON a.id = st.application_id "
        "JOIN job_stage cs ON cs.id = a.stage_id WHERE cs.category = 'hired' AND st.last_hire IS NOT NULL"
    )


def upgrade() -> None:
    op.create_table(
        "job_report_totals",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(8), nullable=False),
        sa.Column("item", sa.String(130), nullable=False),
        sa.Column("detail", sa.String(40), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("hired", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "figure", "item", "detail"),
    )
    op.create_index("ix_job_report_totals_company", "job_report_totals", ["company_id"])
    op.create_table(
        "standing_hires",
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("application.id"), primary_key=True),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("first_hire", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_standing_hires_company_seconds", "standing_hires", ["company_id", "seconds"])
    op.create_index("ix_standing_hires_job_seconds", "standing_hires", ["job_id", "seconds"])
    op.create_index("ix_standing_hires_job_first", "standing_hires", ["job_id", "first_hire"])
    op.execute(_backfill())
    op.execute(_hires(op.get_bind().dialect.name))


def downgrade() -> None:
    op.drop_table("standing_hires")
    op.drop_table("job_report_totals")
