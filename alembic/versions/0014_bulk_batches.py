"""bulk actions: a batch of moves that one undo reverts

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 11:10:00

A recruiter acting on many applications at once makes a ``bulk_batch`` row; each move of the batch
carries its id in ``application_history.batch_id``, so one undo finds and reverts them all. Existing
history rows were single moves: their ``batch_id`` stays NULL.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "bulk_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bulk_batch_company_id", "bulk_batch", ["company_id"])
    with op.batch_alter_table("application_history") as batch:
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_application_history_batch_id", "bulk_batch", ["batch_id"], ["id"])
        batch.create_index("ix_application_history_batch_id", ["batch_id"])


def downgrade() -> None:
    with op.batch_alter_table("application_history") as batch:
        batch.drop_index("ix_application_history_batch_id")
        batch.drop_constraint("fk_application_history_batch_id", type_="foreignkey")
        batch.drop_column("batch_id")
    op.drop_index("ix_bulk_batch_company_id", table_name="bulk_batch")
    op.drop_table("bulk_batch")
