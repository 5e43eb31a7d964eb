"""email templates: a company's named templates per kind of email to candidates

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 11:40:00

Companies start with no rows: until a company writes a template of a kind, FlowTrack uses the
built-in one (mail/templates.py), whose words are those it sent before, so no data is needed.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: Union[str, Sequence[str], None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "email_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "kind", "name", name="uq_email_template_name"),
    )
    op.create_index("ix_email_template_company_id", "email_template", ["company_id"])


def downgrade() -> None:
    op.drop_index("ix_email_template_company_id", table_name="email_template")
    op.drop_table("email_template")
