"""board read indexes: a board column in board order

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 17:35:00

``ix_application_stage_changed`` (stage_id, stage_changed_at, id) holds each board column in
board order, so the board reads a column's first cards as a short range of it instead of ranking
every application of the job, and counts a job's stages from the index alone. It replaces
``ix_application_stage_id``, whose single column it starts with: a move updates one index, as
before.

The tag lookup needs no index of its own: the unique (company_id, candidate_id, label) constraint
already serves it (talent/tags.py orders by candidate, then label, so SQLite picks it).
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0026"
down_revision: Union[str, Sequence[str], None] = "0025"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_application_stage_changed", "application", ["stage_id", "stage_changed_at", "id"])
    op.drop_index("ix_application_stage_id", table_name="application")


def downgrade() -> None:
    op.create_index("ix_application_stage_id", "application", ["stage_id"])
    op.drop_index("ix_application_stage_changed", table_name="application")
