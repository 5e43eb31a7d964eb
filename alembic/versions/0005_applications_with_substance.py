"""applications with substance: files in the database, profiles, résumé snapshots, screening questions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 13:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_note", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_stored_file_owner_id"), "stored_file", ["owner_id"])
    op.create_index(op.f("ix_stored_file_sha256"), "stored_file", ["sha256"])
    op.create_table(
        "candidate_profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("linkedin_url", sa.String(length=300), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("resume_file_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["resume_file_id"], ["stored_file.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "screening_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("prompt", sa.String(length=300), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_screening_question_job_id"), "screening_question", ["job_id"])
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("cover_letter", sa.Text(), nullable=True))
        batch.add_column(sa.Column("resume_file_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_application_resume_file_id", "stored_file", ["resume_file_id"], ["id"])
    op.create_table(
        "application_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("prompt", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["screening_question.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_application_answer_application_id"), "application_answer", ["application_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_application_answer_application_id"), table_name="application_answer")
    op.drop_table("application_answer")
    with op.batch_alter_table("application") as batch:
        batch.drop_constraint("fk_application_resume_file_id", type_="foreignkey")
        batch.drop_column("resume_file_id")
        batch.drop_column("cover_letter")
    op.drop_index(op.f("ix_screening_question_job_id"), table_name="screening_question")
    op.drop_table("screening_question")
    op.drop_table("candidate_profile")
    op.drop_index(op.f("ix_stored_file_sha256"), table_name="stored_file")
    op.drop_index(op.f("ix_stored_file_owner_id"), table_name="stored_file")
    op.drop_table("stored_file")
