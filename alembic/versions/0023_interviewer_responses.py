"""interviewer responses: each interviewer's answer to the interview invitation (an iCalendar
REPLY read from the reply mailbox) and when it came

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 16:00:00

Two nullable columns: existing interviewers have not answered yet.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: Union[str, Sequence[str], None] = "0022"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("interview_interviewer") as batch:
        batch.add_column(sa.Column("response", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interview_interviewer") as batch:
        batch.drop_column("responded_at")
        batch.drop_column("response")
