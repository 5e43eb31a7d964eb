"""talent pool and privacy: tags, searchable documents with each engine's full-text index,
duplicate keys, erasure, retention

SQLite indexes ``talent_document`` in an FTS5 table kept in step by triggers (external
content: the words live once, in the document row). PostgreSQL indexes a generated, weighted
``tsvector`` column with GIN. Existing candidates get their documents and duplicate keys here.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 01:00:00

"""

import re
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_COLUMNS = "company_key, full_name, email, headline, resume_text, notes_text, tags_text"


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}.{c.strip()}" for c in _COLUMNS.split(","))


SQLITE_FTS = [
    f"""CREATE VIRTUAL TABLE talent_fts USING fts5({_COLUMNS}, content='talent_document',
        content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER talent_document_ai AFTER INSERT ON talent_document BEGIN
        INSERT INTO talent_fts(rowid, {_COLUMNS}) VALUES (new.id, {_values("new")}); END""",
    f"""CREATE TRIGGER talent_document_ad AFTER DELETE ON talent_document BEGIN
        INSERT INTO talent_fts(talent_fts, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_values("old")});
        END""",
    f"""CREATE TRIGGER talent_document_au AFTER UPDATE ON talent_document BEGIN
        INSERT INTO talent_fts(talent_fts, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_values("old")});
        INSERT INTO talent_fts(rowid, {_COLUMNS}) VALUES (new.id, {_values("new")}); END""",
]

# Names and tags weigh most, then the headline, the résumé, the notes. The email is indexed whole
# and as its words ("jane", "doe", "example").
POSTGRES_SEARCH = """ALTER TABLE talent_document ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, full_name || ' ' || email || ' '
        || regexp_replace(email, '[^[:alnum:]]+', ' ', 'g')), 'A')
    || setweight(to_tsvector('english'::regconfig, tags_text), 'A')
    || setweight(to_tsvector('english'::regconfig, headline), 'B')
    || setweight(to_tsvector('english'::regconfig, resume_text), 'C')
    || setweight(to_tsvector('english'::regconfig, notes_text), 'D')
) STORED"""

# Ranking reads every matching document's vector: lz4 (PostgreSQL 14+) unpacks it several times
# faster than the default pglz. Where lz4 is missing the column keeps the default.
POSTGRES_LZ4 = """DO $$ BEGIN
    EXECUTE 'ALTER TABLE talent_document ALTER COLUMN search SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN NULL;
END $$"""

BACKFILL = """
INSERT INTO talent_document (company_id, candidate_id, company_key, full_name, email, headline,
    resume_text, notes_text, tags_text, last_applied_at, updated_at)
SELECT p.company_id, p.candidate_id, 'c' || p.company_id, u.full_name, u.email, coalesce(cp.headline, ''),
    coalesce((SELECT {resumes} FROM (SELECT DISTINCT f.text AS body FROM application a
        JOIN job j ON j.id = a.job_id JOIN stored_file f ON f.id = a.resume_file_id
        WHERE j.company_id = p.company_id AND a.candidate_id = p.candidate_id AND f.text IS NOT NULL) t), ''),
    coalesce((SELECT {notes} FROM application_note n JOIN application a ON a.id = n.application_id
        JOIN job j ON j.id = a.job_id
        WHERE j.company_id = p.company_id AND a.candidate_id = p.candidate_id), ''),
    '', p.last_applied_at, p.last_applied_at
FROM (SELECT j.company_id AS company_id, a.candidate_id AS candidate_id, max(a.created_at) AS last_applied_at
      FROM application a JOIN job j ON j.id = a.job_id GROUP BY j.company_id, a.candidate_id) p
JOIN user_account u ON u.id = p.candidate_id
LEFT JOIN candidate_profile cp ON cp.user_id = p.candidate_id
"""


def _phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 6 else ""


def _linkedin_key(url: str) -> str:
    m = re.search(r"linkedin\.com/(in|pub)/([^/?#]+)", (url or "").lower())
    return f"{m.group(1)}/{m.group(2)}" if m else ""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("retention_months", sa.Integer(), nullable=True))
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("candidate_profile") as batch:
        batch.add_column(sa.Column("phone_key", sa.String(length=40), nullable=False, server_default=""))
        batch.add_column(sa.Column("linkedin_key", sa.String(length=120), nullable=False, server_default=""))
    with op.batch_alter_table("candidate_profile") as batch:
        batch.alter_column("phone_key", existing_type=sa.String(length=40), server_default=None)
        batch.alter_column("linkedin_key", existing_type=sa.String(length=120), server_default=None)
        batch.create_index("ix_candidate_profile_phone_key", ["phone_key"])
        batch.create_index("ix_candidate_profile_linkedin_key", ["linkedin_key"])
    bind = op.get_bind()
    for user_id, phone, linkedin in bind.execute(
        sa.text("SELECT user_id, phone, linkedin_url FROM candidate_profile")
    ).all():
        bind.execute(
            sa.text("UPDATE candidate_profile SET phone_key = :p, linkedin_key = :l WHERE user_id = :u"),
            {"p": _phone_key(phone), "l": _linkedin_key(linkedin), "u": user_id},
        )

    op.create_table(
        "candidate_tag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id"), nullable=False),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("company_id", "candidate_id", "label", name="uq_candidate_tag"),
    )
    op.create_index("ix_candidate_tag_company_label", "candidate_tag", ["company_id", "label"])
    op.create_index("ix_candidate_tag_candidate_id", "candidate_tag", ["candidate_id"])

    op.create_table(
        "talent_document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id"), nullable=False),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("company_key", sa.String(length=24), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("resume_text", sa.Text(), nullable=False),
        sa.Column("notes_text", sa.Text(), nullable=False),
        sa.Column("tags_text", sa.Text(), nullable=False),
        sa.Column("last_applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("company_id", "candidate_id", name="uq_talent_document"),
    )
    op.create_index(
        "ix_talent_document_company_applied", "talent_document", ["company_id", "last_applied_at"]
    )
    op.create_index("ix_talent_document_candidate_id", "talent_document", ["candidate_id"])
    if sqlite:
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(POSTGRES_SEARCH)
        op.execute(POSTGRES_LZ4)
        op.execute("CREATE INDEX ix_talent_document_search ON talent_document USING gin (search)")
    joined = "group_concat({}, char(10))" if sqlite else "string_agg({}, E'\\n')"
    op.execute(BACKFILL.format(resumes=joined.format("t.body"), notes=joined.format("n.body")))

    op.create_table(
        "erasure_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id"), nullable=True),
        sa.Column("subject_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("erased_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_erasure_log_company_id", "erasure_log", ["company_id"])


def downgrade() -> None:
    op.drop_index("ix_erasure_log_company_id", table_name="erasure_log")
    op.drop_table("erasure_log")
    if op.get_bind().dialect.name == "sqlite":
        for name in ("talent_document_ai", "talent_document_ad", "talent_document_au"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE talent_fts")
    op.drop_table("talent_document")
    op.drop_table("candidate_tag")
    with op.batch_alter_table("candidate_profile") as batch:
        batch.drop_index("ix_candidate_profile_linkedin_key")
        batch.drop_index("ix_candidate_profile_phone_key")
        batch.drop_column("linkedin_key")
        batch.drop_column("phone_key")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("erased_at")
    with op.batch_alter_table("company") as batch:
        batch.drop_column("retention_months")
