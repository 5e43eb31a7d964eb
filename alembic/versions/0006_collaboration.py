"""collaboration: notes, interviews with calendar invitations, scorecards, job criteria

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 14:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("scorecard_criteria", sa.Text(), nullable=False, server_default="[]"))
    with op.batch_alter_table("job") as batch:
        batch.alter_column("scorecard_criteria", existing_type=sa.Text(), server_default=None)
    with op.batch_alter_table("email_outbox") as batch:
        batch.add_column(sa.Column("calendar_ics", sa.Text(), nullable=True))
        batch.add_column(sa.Column("calendar_method", sa.String(length=10), nullable=True))
    op.create_table(
        "application_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_application_note_application_id"), "application_note", ["application_id"])
    op.create_table(
        "interview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["scheduled_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index(op.f("ix_interview_application_id"), "interview", ["application_id"])
    op.create_table(
        "interview_interviewer",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["interview_id"], ["interview.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("interview_id", "user_id"),
    )
    op.create_table(
        "scorecard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("recommendation", sa.String(length=12), nullable=False),
        sa.Column("ratings", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["interview_id"], ["interview.id"]),
        sa.ForeignKeyConstraint(["interviewer_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interview_id", "interviewer_id", name="uq_scorecard_interviewer"),
    )
    op.create_index(op.f("ix_scorecard_interview_id"), "scorecard", ["interview_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_scorecard_interview_id"), table_name="scorecard")
    op.drop_table("scorecard")
    op.drop_table("interview_interviewer")
    op.drop_index(op.f("ix_interview_application_id"), table_name="interview")
    op.drop_table("interview")
    op.drop_index(op.f("ix_application_note_application_id"), table_name="application_note")
    op.drop_table("application_note")
    with op.batch_alter_table("email_outbox") as batch:
        batch.drop_column("calendar_method")
        batch.drop_column("calendar_ics")
    with op.batch_alter_table("job") as batch:
        batch.drop_column("scorecard_criteria")
