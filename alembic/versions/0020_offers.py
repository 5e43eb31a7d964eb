"""offers: offer letter templates, offers with their approval chain and steps, email attachments

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 14:00:00

New tables only: companies start without offer templates (the built-in letter is used until they
write one, offers/letters.py) and without offers. ``email_attachment`` lets an outbox email carry
stored files (the offer letter's PDF, the signed copy).
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: Union[str, Sequence[str], None] = "0019"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "offer_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "name", name="uq_offer_template_name"),
    )
    op.create_index("ix_offer_template_company_id", "offer_template", ["company_id"])
    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("letter", sa.Text(), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("salary_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("salary_period", sa.String(length=10), nullable=False),
        sa.Column("bonus", sa.Text(), nullable=False),
        sa.Column("equity", sa.Text(), nullable=False),
        sa.Column("other_terms", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signer_title", sa.String(length=120), nullable=False),
        sa.Column("approval_round", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("sent_at", True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("link_nonce", sa.String(length=64), nullable=True),
        sa.Column("pdf_file_id", sa.Integer(), nullable=True),
        _ts("responded_at", True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        _ts("withdrawn_at", True),
        sa.Column("signed_name", sa.String(length=200), nullable=True),
        sa.Column("signed_ip", sa.String(length=64), nullable=True),
        sa.Column("signed_user_agent", sa.Text(), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("signed_file_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["replaces_id"], ["offer.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["sent_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["pdf_file_id"], ["stored_file.id"]),
        sa.ForeignKeyConstraint(["signed_file_id"], ["stored_file.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_application_id", "offer", ["application_id"])
    op.create_index("ix_offer_company_id", "offer", ["company_id"])
    op.create_table(
        "offer_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        _ts("decided_at", True),
        sa.ForeignKeyConstraint(["offer_id"], ["offer.id"]),
        sa.ForeignKeyConstraint(["approver_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("offer_id", "round", "position", name="uq_offer_approval_slot"),
    )
    op.create_index("ix_offer_approval_offer_id", "offer_approval", ["offer_id"])
    op.create_index("ix_offer_approval_approver_id", "offer_approval", ["approver_id"])
    op.create_table(
        "offer_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        _ts("at"),
        sa.ForeignKeyConstraint(["offer_id"], ["offer.id"]),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_event_offer_id", "offer_event", ["offer_id"])
    op.create_index("ix_offer_event_application_id", "offer_event", ["application_id"])
    op.create_table(
        "email_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["email_id"], ["email_outbox.id"]),
        sa.ForeignKeyConstraint(["file_id"], ["stored_file.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_email_attachment_email_id", "email_attachment", ["email_id"])


def downgrade() -> None:
    op.drop_index("ix_email_attachment_email_id", table_name="email_attachment")
    op.drop_table("email_attachment")
    op.drop_index("ix_offer_event_application_id", table_name="offer_event")
    op.drop_index("ix_offer_event_offer_id", table_name="offer_event")
    op.drop_table("offer_event")
    op.drop_index("ix_offer_approval_approver_id", table_name="offer_approval")
    op.drop_index("ix_offer_approval_offer_id", table_name="offer_approval")
    op.drop_table("offer_approval")
    op.drop_index("ix_offer_company_id", table_name="offer")
    op.drop_index("ix_offer_application_id", table_name="offer")
    op.drop_table("offer")
    op.drop_index("ix_offer_template_company_id", table_name="offer_template")
    op.drop_table("offer_template")
