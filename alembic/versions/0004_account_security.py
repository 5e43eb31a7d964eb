"""account security: look-alike company keys, throttle per client address, password resets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:30:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _backfill_company_keys() -> None:
    """Every existing company gets its look-alike key; a key already taken keeps the rows apart."""
    from flowtrack_ui.core.accounts.company_names import lookalike_key

    conn = op.get_bind()
    company = sa.table("company", sa.column("id", sa.Integer), sa.column("name"), sa.column("name_key"))
    taken: set[str] = set()
    for cid, name in conn.execute(sa.select(company.c.id, company.c.name).order_by(company.c.id)):
        key = lookalike_key(name) or f"#{cid}"
        if key in taken:
            key = f"{key} #{cid}"
        taken.add(key)
        conn.execute(company.update().where(company.c.id == cid).values(name_key=key))


def upgrade() -> None:
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=240), nullable=True))
    _backfill_company_keys()
    with op.batch_alter_table("company") as batch:
        batch.alter_column("name_key", existing_type=sa.String(length=240), nullable=False)
        batch.create_unique_constraint("uq_company_name_key", ["name_key"])

    # Failures counted per client address too; rows from before carry no address.
    with op.batch_alter_table("sign_in_failure") as batch:
        batch.add_column(sa.Column("client", sa.String(length=64), nullable=False, server_default=""))
        batch.drop_index("ix_sign_in_failure_email_failed_at")
        batch.create_index("ix_sign_in_failure_email_client", ["email", "client", "failed_at"])
        batch.create_index("ix_sign_in_failure_client", ["client", "failed_at"])
    with op.batch_alter_table("sign_in_failure") as batch:
        batch.alter_column("client", existing_type=sa.String(length=64), server_default=None)

    op.create_table(
        "password_reset",
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
    op.create_index(op.f("ix_password_reset_user_id"), "password_reset", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_password_reset_user_id"), table_name="password_reset")
    op.drop_table("password_reset")
    with op.batch_alter_table("sign_in_failure") as batch:
        batch.drop_index("ix_sign_in_failure_client")
        batch.drop_index("ix_sign_in_failure_email_client")
        batch.create_index("ix_sign_in_failure_email_failed_at", ["email", "failed_at"])
        batch.drop_column("client")
    with op.batch_alter_table("company") as batch:
        batch.drop_constraint("uq_company_name_key", type_="unique")
        batch.drop_column("name_key")
