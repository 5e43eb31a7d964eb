"""job change sequence: every committed change to a job's board bumps its number

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 17:00:00

Open boards apply a move as a change only when its number follows the one they hold; a gap
(a missed signal, a reconnect) makes them read the board again. Existing jobs start at 0.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: Union[str, Sequence[str], None] = "0024"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("change_seq", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("change_seq")
