"""stage automation: what entering a job stage does (its candidate-facing name, whether and when it
emails the candidate, from which template), and each company's time zone for business hours

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 14:00:00

Existing stages keep no public name (candidates read their category's), and email on entering
only when they are an applied or rejected stage: the application received and the rejection, as
before; every other stage change stops emailing candidates (commercial ATSs' default). Existing
companies are in UTC until a recruiter sets their zone.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: Union[str, Sequence[str], None] = "0016"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC"))
    with op.batch_alter_table("company") as batch:
        batch.alter_column("time_zone", existing_type=sa.String(length=64), server_default=None)
    with op.batch_alter_table("job_stage") as batch:
        batch.add_column(sa.Column("public_name", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("notify", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("email_template_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("email_delay_minutes", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(
            sa.Column("business_hours_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_job_stage_email_template_id",
            "email_template",
            ["email_template_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Data: the application received and the rejection keep emailing; other stages stop.
    stages = sa.table("job_stage", sa.column("category", sa.String), sa.column("notify", sa.Boolean))
    op.execute(stages.update().where(stages.c.category.in_(["applied", "rejected"])).values(notify=True))
    with op.batch_alter_table("job_stage") as batch:
        batch.alter_column("notify", existing_type=sa.Boolean(), server_default=None)
        batch.alter_column("email_delay_minutes", existing_type=sa.Integer(), server_default=None)
        batch.alter_column("business_hours_only", existing_type=sa.Boolean(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("job_stage") as batch:
        batch.drop_constraint("fk_job_stage_email_template_id", type_="foreignkey")
        batch.drop_column("business_hours_only")
        batch.drop_column("email_delay_minutes")
        batch.drop_column("email_template_id")
        batch.drop_column("notify")
        batch.drop_column("public_name")
    with op.batch_alter_table("company") as batch:
        batch.drop_column("time_zone")
