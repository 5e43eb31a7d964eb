"""sso and webhooks: a company's OpenID Connect provider, its pending sign-ins and one-time
codes; webhook endpoints and their queued deliveries

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 14:00:00

New tables only: no company has SSO or an endpoint until a recruiter sets one up.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: Union[str, Sequence[str], None] = "0021"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "company_sso",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("issuer_url", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=300), nullable=False),
        sa.Column("client_secret_sealed", sa.Text(), nullable=False),
        sa.Column("domains", sa.Text(), nullable=False),
        sa.Column("allow_domain_join", sa.Boolean(), nullable=False),
        sa.Column("sso_only", sa.Boolean(), nullable=False),
        _ts("updated_at"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id"),
    )
    op.create_table(
        "sso_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=200), nullable=False),
        sa.Column("next_path", sa.String(length=500), nullable=True),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("used_at", nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("state_hash"),
    )
    op.create_index("ix_sso_login_company_id", "sso_login", ["company_id"])
    op.create_table(
        "sso_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("next_path", sa.String(length=500), nullable=True),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("used_at", nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_sso_ticket_user_id", "sso_ticket", ["user_id"])
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("failing_since", nullable=True),
        _ts("last_success_at", nullable=True),
        _ts("disabled_at", nullable=True),
        sa.Column("disabled_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_endpoint_company_id", "webhook_endpoint", ["company_id"])
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("ordering_key", sa.String(length=60), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        _ts("created_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at"),
        _ts("leased_until", nullable=True),
        _ts("delivered_at", nullable=True),
        _ts("failed_at", nullable=True),
        _ts("last_attempt_at", nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("response_snippet", sa.String(length=500), nullable=True),
        sa.Column("redelivery_of_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoint.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_delivery_endpoint_id", "webhook_delivery", ["endpoint_id"])
    op.create_index(
        "ix_webhook_delivery_pending", "webhook_delivery", ["delivered_at", "failed_at", "next_attempt_at"]
    )
    op.create_index("ix_webhook_delivery_endpoint_key", "webhook_delivery", ["endpoint_id", "ordering_key"])


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_endpoint_key", table_name="webhook_delivery")
    op.drop_index("ix_webhook_delivery_pending", table_name="webhook_delivery")
    op.drop_index("ix_webhook_delivery_endpoint_id", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_webhook_endpoint_company_id", table_name="webhook_endpoint")
    op.drop_table("webhook_endpoint")
    op.drop_index("ix_sso_ticket_user_id", table_name="sso_ticket")
    op.drop_table("sso_ticket")
    op.drop_index("ix_sso_login_company_id", table_name="sso_login")
    op.drop_table("sso_login")
    op.drop_table("company_sso")
