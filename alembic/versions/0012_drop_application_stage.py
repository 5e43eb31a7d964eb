"""applications: drop the denormalised stage name, ``stage_id`` is the one record of the stage

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 03:00:00

``application.stage`` copied the name of the job stage ``stage_id`` points to; every write had to
keep the two in step (a move, a rename) and no read needed it. Nothing is lost: the name is
``job_stage.name`` of ``stage_id``. The downgrade restores the column from those names.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_index("ix_application_job_stage")
        batch.drop_column("stage")


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("stage", sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE application SET stage = (SELECT js.name FROM job_stage js WHERE js.id = application.stage_id)"
    )
    with op.batch_alter_table("application") as batch:
        batch.alter_column("stage", existing_type=sa.String(length=40), nullable=False)
        batch.create_index("ix_application_job_stage", ["job_id", "stage"], unique=False)
