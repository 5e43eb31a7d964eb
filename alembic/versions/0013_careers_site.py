"""careers site: job details and statuses, company careers pages, applying without an account

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 07:00:00

Jobs gain what a candidate asks (department, employment type, workplace, salary, valid-through)
and five statuses: open jobs become ``published`` (their text kept, ``published_at`` their
creation), closed stay ``closed``. Every company gets a careers-site slug made from its name
(``acme-corp``; a number appended where two names make the same slug). Sign-in links and apply
attempts back applying without an account; questions may name disqualifying answers.
"""

import re
import unicodedata
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50].strip("-")
    return slug if len(slug) >= 2 else "company"


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("slug", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("about", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("accent_color", sa.String(length=7), nullable=False, server_default="#4f46e5")
        )
        batch.add_column(sa.Column("links", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("logo_file_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_company_logo_file_id", "stored_file", ["logo_file_id"], ["id"])
    taken: set[str] = set()
    for company_id, name in bind.execute(sa.text("SELECT id, name FROM company ORDER BY id")).all():
        base = _slug(name)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        bind.execute(
            sa.text("UPDATE company SET slug = :slug WHERE id = :id"), {"slug": slug, "id": company_id}
        )
    with op.batch_alter_table("company") as batch:
        batch.alter_column("slug", existing_type=sa.String(length=60), nullable=False)
        batch.create_unique_constraint("uq_company_slug", ["slug"])
        batch.alter_column("about", existing_type=sa.Text(), server_default=None)
        batch.alter_column("accent_color", existing_type=sa.String(length=7), server_default=None)
        batch.alter_column("links", existing_type=sa.Text(), server_default=None)

    op.create_table(
        "company_slug_redirect",
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("slug"),
    )
    op.create_index("ix_company_slug_redirect_company_id", "company_slug_redirect", ["company_id"])

    columns = [
        sa.Column("department", sa.String(length=80), nullable=False, server_default=""),
        sa.Column("employment_type", sa.String(length=12), nullable=False, server_default="full_time"),
        sa.Column("workplace", sa.String(length=8), nullable=False, server_default="on_site"),
        sa.Column("remote_region", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("salary_min", sa.Integer(), nullable=True),
        sa.Column("salary_max", sa.Integer(), nullable=True),
        sa.Column("salary_currency", sa.String(length=3), nullable=False, server_default=""),
        sa.Column("salary_period", sa.String(length=5), nullable=False, server_default="year"),
        sa.Column("salary_visible", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("valid_through", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("knockout_delay_minutes", sa.Integer(), nullable=False, server_default="2880"),
    ]
    with op.batch_alter_table("job") as batch:
        for column in columns:
            batch.add_column(column)
    op.execute("UPDATE job SET status = 'published', published_at = created_at WHERE status = 'open'")
    with op.batch_alter_table("job") as batch:
        for column in columns:
            if column.server_default is not None:
                batch.alter_column(column.name, existing_type=column.type, server_default=None)

    with op.batch_alter_table("sign_up_claim") as batch:
        batch.add_column(sa.Column("company_slug", sa.String(length=60), nullable=True))
    with op.batch_alter_table("screening_question") as batch:
        batch.add_column(sa.Column("disqualifying_answers", sa.Text(), nullable=False, server_default="[]"))
    with op.batch_alter_table("screening_question") as batch:
        batch.alter_column("disqualifying_answers", existing_type=sa.Text(), server_default=None)

    op.create_table(
        "sign_in_link",
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
    op.create_index("ix_sign_in_link_user_id", "sign_in_link", ["user_id"])
    op.create_table(
        "apply_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_apply_attempt_email", "apply_attempt", ["email"])
    op.create_index("ix_apply_attempt_client", "apply_attempt", ["client"])
    op.create_index("ix_apply_attempt_attempted_at", "apply_attempt", ["attempted_at"])


def downgrade() -> None:
    op.drop_table("apply_attempt")
    op.drop_table("sign_in_link")
    with op.batch_alter_table("sign_up_claim") as batch:
        batch.drop_column("company_slug")
    with op.batch_alter_table("screening_question") as batch:
        batch.drop_column("disqualifying_answers")
    op.execute("UPDATE job SET status = 'open' WHERE status IN ('published', 'unlisted', 'internal')")
    op.execute("UPDATE job SET status = 'closed' WHERE status = 'draft'")
    with op.batch_alter_table("job") as batch:
        for name in (
            "knockout_delay_minutes",
            "published_at",
            "valid_through",
            "salary_visible",
            "salary_period",
            "salary_currency",
            "salary_max",
            "salary_min",
            "remote_region",
            "workplace",
            "employment_type",
            "department",
        ):
            batch.drop_column(name)
    op.drop_index("ix_company_slug_redirect_company_id", table_name="company_slug_redirect")
    op.drop_table("company_slug_redirect")
    with op.batch_alter_table("company") as batch:
        batch.drop_constraint("uq_company_slug", type_="unique")
        batch.drop_constraint("fk_company_logo_file_id", type_="foreignkey")
        for name in ("logo_file_id", "links", "accent_color", "about", "slug"):
            batch.drop_column(name)
