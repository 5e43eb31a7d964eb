"""history stage entered: each history row records when its old stage was entered

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 17:00:00

``application_history.old_stage_entered_at`` is the previous history row's ``changed_at`` of the
same application (by id), or the application's ``created_at`` for its first row. The time a stay
lasted is then ``changed_at - old_stage_entered_at`` on one row, so the analytics report's time in
stage is a plain grouped sum instead of a window over every application's whole history.

Existing rows are filled here with LAG, one range of applications at a time (every application's
rows in one statement, so the window sees its whole chain), on SQLite and PostgreSQL alike.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: Union[str, Sequence[str], None] = "0023"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Applications per UPDATE: bounded statements (and, on PostgreSQL, row versions per statement).
BATCH = 20_000

_BACKFILL = sa.text(
    "UPDATE application_history SET old_stage_entered_at = prev.entered "
    "FROM (SELECT h.id, COALESCE(LAG(h.changed_at) OVER "
    "(PARTITION BY h.application_id ORDER BY h.id), a.created_at) AS entered "
    "FROM application_history h JOIN application a ON a.id = h.application_id "
    "WHERE h.application_id >= :lo AND h.application_id < :hi) AS prev "
    "WHERE application_history.id = prev.id"
)


def upgrade() -> None:
    with op.batch_alter_table("application_history") as batch:
        batch.add_column(sa.Column("old_stage_entered_at", sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    low, high = bind.execute(
        sa.text("SELECT MIN(application_id), MAX(application_id) FROM application_history")
    ).one()
    if low is None:
        return
    for start in range(low, high + 1, BATCH):
        bind.execute(_BACKFILL, {"lo": start, "hi": start + BATCH})


def downgrade() -> None:
    with op.batch_alter_table("application_history") as batch:
        batch.drop_column("old_stage_entered_at")
