"""conversation: who wrote an outbox email and from which template, each
application's reply address, and what comes back into the reply mailbox (replies, bounces,
automatic replies), with who has not read it yet

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 14:00:00

Existing emails get no author and no template name (FlowTrack wrote them); no application has a
reply address until its first email to the candidate is sent.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: Union[str, Sequence[str], None] = "0017"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("email_outbox") as batch:
        batch.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("template_name", sa.String(length=80), nullable=True))
        batch.create_foreign_key("fk_email_outbox_author_id", "user_account", ["author_id"], ["id"])
    op.create_table(
        "reply_address",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("application_id"),
        sa.UniqueConstraint("token"),
    )
    op.create_table(
        "inbound_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("from_address", sa.String(length=254), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("token", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_inbound_email_application_id", "inbound_email", ["application_id"])
    op.create_index("ix_inbound_email_company_unmatched", "inbound_email", ["company_id", "application_id"])
    op.create_table(
        "inbound_attachment",
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["inbound_id"], ["inbound_email.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["file_id"], ["stored_file.id"]),
        sa.PrimaryKeyConstraint("inbound_id", "file_id"),
    )
    op.create_table(
        "inbound_unread",
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["inbound_id"], ["inbound_email.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("inbound_id", "user_id"),
    )
    op.create_index("ix_inbound_unread_user_read", "inbound_unread", ["user_id", "read_at"])


def downgrade() -> None:
    op.drop_index("ix_inbound_unread_user_read", table_name="inbound_unread")
    op.drop_table("inbound_unread")
    op.drop_table("inbound_attachment")
    op.drop_index("ix_inbound_email_company_unmatched", table_name="inbound_email")
    op.drop_index("ix_inbound_email_application_id", table_name="inbound_email")
    op.drop_table("inbound_email")
    op.drop_table("reply_address")
    with op.batch_alter_table("email_outbox") as batch:
        batch.drop_constraint("fk_email_outbox_author_id", type_="foreignkey")
        batch.drop_column("template_name")
        batch.drop_column("author_id")
