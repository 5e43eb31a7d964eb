"""scheduling: staff working hours and calendar connections, self-scheduling links, slot claims,
interview reminders

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 14:00:00

Staff start without a row: until someone sets their hours, Monday to Friday 9:00–17:00 in their
own zone is assumed (scheduling/availability.py), so no data is needed.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: Union[str, Sequence[str], None] = "0018"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "staff_availability",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.String(length=20), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("caldav_url", sa.String(length=500), nullable=False),
        sa.Column("caldav_username", sa.String(length=200), nullable=False),
        sa.Column("caldav_password_sealed", sa.Text(), nullable=False),
        sa.Column("ics_url_sealed", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "scheduling_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_ids", sa.String(length=200), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("buffer_before", sa.Integer(), nullable=False),
        sa.Column("buffer_after", sa.Integer(), nullable=False),
        sa.Column("min_notice_minutes", sa.Integer(), nullable=False),
        sa.Column("cutoff_minutes", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["interview_id"], ["interview.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_scheduling_link_application_id", "scheduling_link", ["application_id"])
    op.create_table(
        "scheduling_claim",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("block_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["link_id"], ["scheduling_link.id"]),
        sa.PrimaryKeyConstraint("user_id", "block_start"),
    )
    op.create_index("ix_scheduling_claim_link_id", "scheduling_claim", ["link_id"])
    op.create_table(
        "interview_reminder",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("minutes_before", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["interview_id"], ["interview.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("interview_id", "user_id", "minutes_before"),
    )


def downgrade() -> None:
    op.drop_table("interview_reminder")
    op.drop_index("ix_scheduling_claim_link_id", table_name="scheduling_claim")
    op.drop_table("scheduling_claim")
    op.drop_index("ix_scheduling_link_application_id", table_name="scheduling_link")
    op.drop_table("scheduling_link")
    op.drop_table("staff_availability")
