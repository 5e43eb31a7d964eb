"""untrusted files: preview status and page images rendered once at upload

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 02:00:00

Existing PDFs get ``preview_status = 'pending'``: their pages are drawn by the bounded file worker
(core/files/sandbox.py) the first time someone opens them, never inside this migration and never
on the server's event loop. Files no row points to any more (résumés replaced before this
revision) are deleted.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _file_references(bind) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to stored_file, whatever revisions added them."""
    inspector = sa.inspect(bind)
    refs = []
    for table in inspector.get_table_names():
        if table == "file_page":
            continue
        for fk in inspector.get_foreign_keys(table):
            if fk.get("referred_table") == "stored_file":
                refs.extend((table, column) for column in fk["constrained_columns"])
    return refs


def upgrade() -> None:
    with op.batch_alter_table("stored_file") as batch:
        batch.add_column(
            sa.Column("preview_status", sa.String(length=12), nullable=False, server_default="pending")
        )
        batch.add_column(sa.Column("preview_note", sa.String(length=300), nullable=True))
    with op.batch_alter_table("stored_file") as batch:
        batch.alter_column("preview_status", existing_type=sa.String(length=12), server_default=None)

    op.create_table(
        "file_page",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["stored_file.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("file_id", "page_no"),
    )
    op.create_table(
        "resume_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resume_upload_user", "resume_upload", ["user_id", "uploaded_at"])

    bind = op.get_bind()
    # Only PDFs have pages to draw; they are drawn when first opened (see the docstring).
    bind.execute(
        sa.text(
            "UPDATE stored_file SET preview_status = CASE WHEN content_type = 'application/pdf' "
            "THEN 'pending' ELSE 'none' END"
        )
    )
    # Replaced résumés that no application snapshotted were kept for ever: drop them.
    refs = _file_references(bind)
    if refs:  # (there always are: applications and profiles)
        unused = " AND ".join(
            f"id NOT IN (SELECT {column} FROM {table} WHERE {column} IS NOT NULL)" for table, column in refs
        )
        bind.execute(sa.text(f"DELETE FROM stored_file WHERE {unused}"))


def downgrade() -> None:
    op.drop_index("ix_resume_upload_user", table_name="resume_upload")
    op.drop_table("resume_upload")
    op.drop_table("file_page")
    with op.batch_alter_table("stored_file") as batch:
        batch.drop_column("preview_note")
        batch.drop_column("preview_status")
