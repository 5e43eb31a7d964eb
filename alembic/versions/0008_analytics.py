"""analytics: where each application came from; indexes for the reports

Applications made before this migration get the source "unknown": nobody recorded it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 23:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("source", sa.String(length=20), nullable=False, server_default="unknown"))
        batch.add_column(sa.Column("source_detail", sa.String(length=40), nullable=True))
    with op.batch_alter_table("application") as batch:
        batch.alter_column("source", existing_type=sa.String(length=20), server_default=None)
        batch.create_index("ix_application_job_created", ["job_id", "created_at"])
    op.create_index("ix_history_reverts_id", "application_history", ["reverts_id"])


def downgrade() -> None:
    op.drop_index("ix_history_reverts_id", table_name="application_history")
    with op.batch_alter_table("application") as batch:
        batch.drop_index("ix_application_job_created")
        batch.drop_column("source_detail")
        batch.drop_column("source")
