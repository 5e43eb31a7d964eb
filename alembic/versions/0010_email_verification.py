"""email ownership: verified addresses, pending sign-up claims

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 02:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    # Accounts from before verification existed count as verified, so nobody is locked out.
    users = sa.table(
        "user_account",
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("email_verified_at", sa.DateTime(timezone=True)),
    )
    op.get_bind().execute(users.update().values(email_verified_at=users.c.created_at))

    op.create_table(
        "email_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_email_verification_user_id"), "email_verification", ["user_id"])

    op.create_table(
        "sign_up_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("company_name", sa.String(length=120), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_sign_up_claim_email"), "sign_up_claim", ["email"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_up_claim_email"), table_name="sign_up_claim")
    op.drop_table("sign_up_claim")
    op.drop_index(op.f("ix_email_verification_user_id"), table_name="email_verification")
    op.drop_table("email_verification")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("email_verified_at")
