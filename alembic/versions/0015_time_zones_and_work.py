"""time zones and "My work": a person's time zone, stage targets, note mentions, scorecard reminders

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 11:15:00

Every person may have a time zone (an IANA name; none until their browser's is stored or they
choose one); a job stage may have a target number of days, past which its applications show as
overdue; each colleague mentioned in a note is a row, read or not; an interviewer's scorecard
reminder is sent once. Existing rows need no data: all new columns start empty.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("job_stage") as batch:
        batch.add_column(sa.Column("target_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("interview_interviewer") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "note_mention",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["note_id"], ["application_note.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("note_id", "user_id"),
    )
    op.create_index("ix_note_mention_user_read", "note_mention", ["user_id", "read_at"])


def downgrade() -> None:
    op.drop_index("ix_note_mention_user_read", table_name="note_mention")
    op.drop_table("note_mention")
    with op.batch_alter_table("interview_interviewer") as batch:
        batch.drop_column("reminded_at")
    with op.batch_alter_table("job_stage") as batch:
        batch.drop_column("target_days")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("time_zone")
