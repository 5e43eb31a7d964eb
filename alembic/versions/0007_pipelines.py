"""pipelines: per-job stages with categories, templates, rejection reasons, kinds of move, undo

Every existing job gets the default pipeline (Applied, Screening, Interview, Offer, Hired,
Rejected, Withdrawn); applications and history rows are pointed at those stages by name, each
history row gets its kind (applied, forward or reject: the only moves that existed), and every
company gets the default rejection reasons. Nothing is lost: stage names stay on every row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DEFAULT_STAGES = [
    ("Applied", "applied"),
    ("Screening", "screening"),
    ("Interview", "interview"),
    ("Offer", "offer"),
    ("Hired", "hired"),
    ("Rejected", "rejected"),
    ("Withdrawn", "withdrawn"),
]
DEFAULT_REASONS = [
    "Not enough experience",
    "Skills do not match the role",
    "Salary expectations too high",
    "Did not pass the interview",
    "Not available in time",
    "Position filled",
    "No reply from the candidate",
]


def upgrade() -> None:
    op.create_table(
        "job_stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_job_stage_job_position", "job_stage", ["job_id", "position"])
    op.create_table(
        "pipeline_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("stages", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "name", name="uq_pipeline_template_name"),
    )
    op.create_index(op.f("ix_pipeline_template_company_id"), "pipeline_template", ["company_id"])
    op.create_table(
        "rejection_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_rejection_reason_company_id"), "rejection_reason", ["company_id"])

    with op.batch_alter_table("application") as batch:
        batch.alter_column("stage", existing_type=sa.String(length=20), type_=sa.String(length=40))
        batch.add_column(sa.Column("stage_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("previous_stage_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("application_history") as batch:
        batch.alter_column("old_stage", existing_type=sa.String(length=20), type_=sa.String(length=40))
        batch.alter_column("new_stage", existing_type=sa.String(length=20), type_=sa.String(length=40))
        batch.add_column(sa.Column("old_stage_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("new_stage_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("kind", sa.String(length=12), nullable=False, server_default="forward"))
        batch.add_column(sa.Column("reason", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("reverts_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("email_outbox") as batch:
        batch.add_column(sa.Column("history_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))

    # --- data: every job onto the default pipeline ------------------------------------------
    for position, (name, category) in enumerate(DEFAULT_STAGES):
        op.execute(
            sa.text(
                "INSERT INTO job_stage (job_id, position, name, category) "
                "SELECT id, :position, :name, :category FROM job ORDER BY id"
            ).bindparams(position=position, name=name, category=category)
        )
    op.execute(
        "UPDATE application SET stage_id = (SELECT js.id FROM job_stage js "
        "WHERE js.job_id = application.job_id AND js.name = application.stage)"
    )
    for column in ("new_stage", "old_stage"):
        op.execute(
            f"UPDATE application_history SET {column}_id = (SELECT js.id FROM job_stage js "
            "JOIN application a ON a.job_id = js.job_id "
            f"WHERE a.id = application_history.application_id AND js.name = application_history.{column})"
        )
    op.execute(
        "UPDATE application_history SET kind = CASE WHEN old_stage IS NULL THEN 'applied' "
        "WHEN new_stage = 'Rejected' THEN 'reject' ELSE 'forward' END"
    )
    op.execute(
        "UPDATE application SET previous_stage_id = (SELECT h.old_stage_id FROM application_history h "
        "WHERE h.application_id = application.id ORDER BY h.id DESC LIMIT 1)"
    )
    for position, label in enumerate(DEFAULT_REASONS):
        op.execute(
            sa.text(
                "INSERT INTO rejection_reason (company_id, position, label) "
                "SELECT id, :position, :label FROM company ORDER BY id"
            ).bindparams(position=position, label=label)
        )

    with op.batch_alter_table("application") as batch:
        batch.alter_column("stage_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_application_stage_id", "job_stage", ["stage_id"], ["id"])
        batch.create_foreign_key(
            "fk_application_previous_stage_id", "job_stage", ["previous_stage_id"], ["id"]
        )
        batch.create_index("ix_application_stage_id", ["stage_id"])
    with op.batch_alter_table("application_history") as batch:
        batch.alter_column("new_stage_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("kind", existing_type=sa.String(length=12), server_default=None)
        batch.create_foreign_key("fk_history_old_stage_id", "job_stage", ["old_stage_id"], ["id"])
        batch.create_foreign_key("fk_history_new_stage_id", "job_stage", ["new_stage_id"], ["id"])
        batch.create_foreign_key("fk_history_reverts_id", "application_history", ["reverts_id"], ["id"])
    with op.batch_alter_table("email_outbox") as batch:
        batch.create_foreign_key("fk_email_outbox_history_id", "application_history", ["history_id"], ["id"])
        batch.create_index("ix_email_outbox_history_id", ["history_id"])


def downgrade() -> None:
    with op.batch_alter_table("email_outbox") as batch:
        batch.drop_index("ix_email_outbox_history_id")
        batch.drop_constraint("fk_email_outbox_history_id", type_="foreignkey")
        batch.drop_column("cancelled_at")
        batch.drop_column("history_id")
    with op.batch_alter_table("application_history") as batch:
        batch.drop_constraint("fk_history_reverts_id", type_="foreignkey")
        batch.drop_constraint("fk_history_new_stage_id", type_="foreignkey")
        batch.drop_constraint("fk_history_old_stage_id", type_="foreignkey")
        for column in ("reverts_id", "reason", "kind", "new_stage_id", "old_stage_id"):
            batch.drop_column(column)
    with op.batch_alter_table("application") as batch:
        batch.drop_index("ix_application_stage_id")
        batch.drop_constraint("fk_application_previous_stage_id", type_="foreignkey")
        batch.drop_constraint("fk_application_stage_id", type_="foreignkey")
        batch.drop_column("previous_stage_id")
        batch.drop_column("stage_id")
    op.drop_index(op.f("ix_rejection_reason_company_id"), table_name="rejection_reason")
    op.drop_table("rejection_reason")
    op.drop_index(op.f("ix_pipeline_template_company_id"), table_name="pipeline_template")
    op.drop_table("pipeline_template")
    op.drop_index("ix_job_stage_job_position", table_name="job_stage")
    op.drop_table("job_stage")
