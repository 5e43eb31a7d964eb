"""SQLModel tables. Alembic migrations in ``alembic/`` mirror exactly what is declared here."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every engine (SQLite drops the zone; this restores it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _ts(nullable: bool = False, index: bool = False):
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_type=UTCDateTime,
        nullable=nullable,
        index=index,
    )


class Company(SQLModel, table=True):
    __tablename__ = "company"
    __table_args__ = (sa.UniqueConstraint("name_key", name="uq_company_name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(120), unique=True)
    # The look-alike key of the name (accounts/company_names.py): unique, so "Αcme" cannot join "Acme".
    name_key: str = Field(sa_type=sa.String(240))
    # Rejected and withdrawn candidates are erased this many months after their last change
    # (privacy/retention.py); None keeps them.
    retention_months: int | None = Field(default=None, nullable=True)
    created_at: datetime = _ts()
    # The careers site: /careers/{slug}. Unique, lower-case letters, digits and hyphens; a changed
    # slug keeps answering as a redirect (CompanySlugRedirect).
    slug: str = Field(sa_type=sa.String(60), unique=True)
    about: str = Field(default="", sa_type=sa.Text)  # Markdown
    accent_color: str = Field(default="#4f46e5", sa_type=sa.String(7))
    links: str = Field(default="[]", sa_type=sa.Text)  # JSON: [{"label": ..., "url": ...}]
    # The logo as uploaded, re-encoded to PNG (StoredFile, owned by the uploader).
    # (use_alter: company → stored_file → user_account → company is a cycle of foreign keys.)
    logo_file_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("stored_file.id", use_alter=True, name="fk_company_logo_file_id"),
            nullable=True,
        ),
    )
    # The company's IANA time zone: its business hours, for emails held until then (mail/automation.py).
    time_zone: str = Field(default="UTC", sa_type=sa.String(64))
    # Staff without two-factor sign-in may do nothing but enrol (accounts/two_factor.py).
    require_2fa: bool = Field(default=False)


class CompanySlugRedirect(SQLModel, table=True):
    """A slug a company used before: /careers/{old} redirects to its current careers site."""

    __tablename__ = "company_slug_redirect"

    slug: str = Field(sa_type=sa.String(60), primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    created_at: datetime = _ts()


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased, so the unique index makes emails unique case-insensitively.
    email: str = Field(sa_type=sa.String(254), unique=True)
    full_name: str = Field(sa_type=sa.String(120))
    role: str = Field(sa_type=sa.String(20))
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    password_hash: str = Field(sa_type=sa.String(255))
    is_active: bool = Field(default=True)
    # Bumped on sign-out or password change: tokens carrying an older value stop working.
    token_version: int = Field(default=0)
    # Set when the person was erased (privacy/erase.py): the row stays, anonymous, for the history.
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = _ts()
    # When the account proved it reads its address (an emailed link: accounts/email_ownership.py).
    # Until then nothing addressed to that address is shown to it, and it never blocks the owner.
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # The person's time zone (IANA name, time_zones.py): times are shown and entered in it. None
    # until the browser's zone is stored at the first sign-in or the person chooses one.
    time_zone: str | None = Field(default=None, sa_type=sa.String(64), nullable=True)
    # The team page (accounts/team.py) shows it; set by every finished sign-in.
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # Two-factor sign-in (accounts/two_factor.py): the TOTP secret, sealed (sealed.py), set at
    # enrolment; it counts only once a first code confirmed it (``totp_enabled_at``).
    totp_secret_sealed: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # The time step of the last code accepted: a code is accepted once (no replay).
    totp_last_step: int | None = Field(default=None, sa_type=sa.BigInteger, nullable=True)


# A job's status. Draft: only its company's staff see it. Published: listed on the careers site,
# the sitemap and the feeds. Unlisted: anyone with the link, never listed. Internal: its
# company's staff only. Closed: no new applications; kept for its history.
DRAFT, PUBLISHED, UNLISTED, INTERNAL, CLOSED = "draft", "published", "unlisted", "internal", "closed"
JOB_STATUSES = (DRAFT, PUBLISHED, UNLISTED, INTERNAL, CLOSED)
# Statuses whose job takes new applications (candidates apply; recruiters add from the pool).
TAKES_APPLICATIONS = (PUBLISHED, UNLISTED, INTERNAL)
# Statuses whose job page anyone may read by its link.
PUBLIC = (PUBLISHED, UNLISTED)
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "internship", "temporary")
WORKPLACES = ("on_site", "hybrid", "remote")
SALARY_PERIODS = ("year", "month", "hour")


class Job(SQLModel, table=True):
    __tablename__ = "job"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    title: str = Field(sa_type=sa.String(200))
    description: str = Field(default="", sa_type=sa.Text)
    location: str = Field(default="", sa_type=sa.String(200))
    status: str = Field(default=DRAFT, sa_type=sa.String(10))
    department: str = Field(default="", sa_type=sa.String(80))
    employment_type: str = Field(default="full_time", sa_type=sa.String(12))
    workplace: str = Field(default="on_site", sa_type=sa.String(8))
    remote_region: str = Field(default="", sa_type=sa.String(120))  # where a remote hire may live
    salary_min: int | None = Field(default=None, nullable=True)
    salary_max: int | None = Field(default=None, nullable=True)
    salary_currency: str = Field(default="", sa_type=sa.String(3))  # ISO 4217
    salary_period: str = Field(default="year", sa_type=sa.String(5))
    salary_visible: bool = Field(default=False)
    valid_through: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # When it was first published (JobPosting datePosted; a closed job once public answers 410).
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # How long a knockout rejection's email is held (a recruiter may reopen meanwhile).
    knockout_delay_minutes: int = Field(default=2880)
    # What interviewers rate 1–4 on their scorecards: a JSON list of names, edited with the job.
    scorecard_criteria: str = Field(default="[]", sa_type=sa.Text)
    # Bumped in the same transaction as every change announced on the job's board (core/db.py): an
    # open board applies a change only when its number follows the one it holds (a gap: it re-reads).
    change_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


def posting_over(job: Job, now: datetime) -> bool:
    """A posting past its ``valid_through`` is over, like a closed one: the careers site stops
    showing it and candidates can no longer apply (``still_posted`` is the same rule in SQL)."""
    return job.valid_through is not None and job.valid_through <= now


def still_posted(now: datetime):
    """``posting_over`` as a query condition: no ``valid_through``, or one still ahead."""
    return sa.or_(Job.valid_through.is_(None), Job.valid_through > now)  # type: ignore[union-attr, operator]


class JobStage(SQLModel, table=True):
    """A stage of one job's own pipeline (copied from a template or the default when the job is made).

    A removed stage keeps its row (history points to it) with ``removed_at`` set.
    """

    __tablename__ = "job_stage"
    __table_args__ = (sa.Index("ix_job_stage_job_position", "job_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id")
    position: int = Field(default=0)
    name: str = Field(sa_type=sa.String(40))
    category: str = Field(sa_type=sa.String(12))
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # How many days an application should wait here at most; longer shows it as overdue on
    # "My work" (work.py). None: no target.
    target_days: int | None = Field(default=None, nullable=True)
    # What entering the stage does (mail/automation.py). The name candidates read (None: its
    # category's, mail/values.public_stage_name); internal names never reach them.
    public_name: str | None = Field(default=None, sa_type=sa.String(40), nullable=True)
    # Whether entering it emails the candidate, from which template of the company (None: the
    # company's default of the stage's kind), after how many minutes and only in business hours.
    notify: bool = Field(default=False)
    email_template_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("email_template.id", ondelete="SET NULL", name="fk_job_stage_email_template_id"),
            nullable=True,
        ),
    )
    email_delay_minutes: int = Field(default=0)
    business_hours_only: bool = Field(default=False)


class PipelineTemplate(SQLModel, table=True):
    """A company's named pipeline: a JSON list of ``{name, category}``, copied into each new job."""

    __tablename__ = "pipeline_template"
    __table_args__ = (sa.UniqueConstraint("company_id", "name", name="uq_pipeline_template_name"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    name: str = Field(sa_type=sa.String(80))
    stages: str = Field(sa_type=sa.Text)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class RejectionReason(SQLModel, table=True):
    """One of a company's standard reasons to reject, in the order recruiters pick from."""

    __tablename__ = "rejection_reason"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    position: int = Field(default=0)
    label: str = Field(sa_type=sa.String(120))


class Application(SQLModel, table=True):
    __tablename__ = "application"
    __table_args__ = (
        sa.UniqueConstraint("job_id", "candidate_id", name="uq_application_job_candidate"),
        # Analytics select a job's (or company's) applications created in a date range.
        sa.Index("ix_application_job_created", "job_id", "created_at"),
        # A board column in board order (most recently moved first, then the newest): the board
        # reads each column's first cards as a range of it, and counts a job's stages from it alone.
        sa.Index("ix_application_stage_changed", "stage_id", "stage_changed_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id")
    candidate_id: int = Field(foreign_key="user_account.id", index=True)
    stage_id: int = Field(foreign_key="job_stage.id")  # indexed by ix_application_stage_changed
    # The stage it was in before the current one: where a rejection is reopened to.
    previous_stage_id: int | None = Field(default=None, foreign_key="job_stage.id", nullable=True)
    # Optimistic concurrency: every move is a conditional UPDATE on this number.
    version: int = Field(default=1)
    cover_letter: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    # The résumé as it was when the candidate applied (a snapshot: a later upload does not change it).
    resume_file_id: int | None = Field(default=None, foreign_key="stored_file.id", nullable=True)
    # Where it came from (analytics/sources.py): careers, link (with its ?source= tag), talent_pool, api.
    source: str = Field(default="careers", sa_type=sa.String(20))
    source_detail: str | None = Field(default=None, sa_type=sa.String(40), nullable=True)
    stage_changed_at: datetime = _ts()
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ApplicationHistory(SQLModel, table=True):
    """Append-only: rows are inserted with each change of stage and never updated or deleted."""

    __tablename__ = "application_history"
    __table_args__ = (
        sa.Index("ix_history_application_id_id", "application_id", "id"),
        sa.Index("ix_history_reverts_id", "reverts_id"),  # analytics skip the moves an undo reverted
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    # Stage names as they were at the time; the ids chain even across renames.
    old_stage: str | None = Field(default=None, sa_type=sa.String(40), nullable=True)
    new_stage: str = Field(sa_type=sa.String(40))
    old_stage_id: int | None = Field(default=None, foreign_key="job_stage.id", nullable=True)
    new_stage_id: int = Field(foreign_key="job_stage.id")
    # applied, forward, skip, back, reject, reopen, unhire, withdraw, undo (pipelines/transitions.py)
    kind: str = Field(default="forward", sa_type=sa.String(12))
    changed_by_id: int = Field(foreign_key="user_account.id")
    changed_at: datetime = _ts()
    # When the old stage was entered: the previous row's changed_at (the application's created_at
    # for the first row), so a stay's length is one row's difference (analytics/report.py).
    old_stage_entered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    note: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    # A standard rejection reason of the company, as worded when it was chosen.
    reason: str | None = Field(default=None, sa_type=sa.String(120), nullable=True)
    # On an undo: the row it undoes (the candidate's timeline shows neither).
    reverts_id: int | None = Field(default=None, foreign_key="application_history.id", nullable=True)
    # A move made by a bulk action: its batch, which one undo reverts as a whole (bulk/actions.py).
    batch_id: int | None = Field(default=None, foreign_key="bulk_batch.id", index=True, nullable=True)


class BulkBatch(SQLModel, table=True):
    """One bulk action of a recruiter on many applications (bulk/actions.py): its moves carry its id."""

    __tablename__ = "bulk_batch"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    created_by_id: int = Field(foreign_key="user_account.id")
    action: str = Field(sa_type=sa.String(20))  # move, reject, tag, add_to_job
    created_at: datetime = _ts()
    size: int = Field(default=0)  # the applications asked for, each once
    # When the last card was done: the undo window counts from then. None while it runs.
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class Invitation(SQLModel, table=True):
    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    email: str = Field(sa_type=sa.String(254))
    role: str = Field(sa_type=sa.String(20))
    # Only a SHA-256 of the token is kept; the token itself is shown once to the inviter.
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    invited_by_id: int = Field(foreign_key="user_account.id")
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = _ts()


class SignInFailure(SQLModel, table=True):
    """A failed (or still unfinished) sign-in for an email from a client address.

    The throttle counts recent ones per (email, address) and per address, so guessing from one
    address never locks the account's owner out elsewhere.
    """

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        sa.Index("ix_sign_in_failure_email_client", "email", "client", "failed_at"),
        sa.Index("ix_sign_in_failure_client", "client", "failed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(254))
    client: str = Field(default="", sa_type=sa.String(64))
    failed_at: datetime = Field(sa_type=UTCDateTime, index=True)


class SignInLink(SQLModel, table=True):
    """The emailed link that signs a candidate who applied without an account in to their tracker:
    only the token's SHA-256 is kept; valid for days, works once."""

    __tablename__ = "sign_in_link"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = _ts()


class ApplyAttempt(SQLModel, table=True):
    """One application sent through a public form, kept a day for the per-address and per-client
    rate limits of applying without an account."""

    __tablename__ = "apply_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(254), index=True)
    client: str = Field(default="", sa_type=sa.String(64), index=True)
    attempted_at: datetime = Field(sa_type=UTCDateTime, index=True)


class PasswordReset(SQLModel, table=True):
    """A password-reset link: only the token's SHA-256 is kept; valid one hour, works once."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = _ts()


class EmailVerification(SQLModel, table=True):
    """A link that proves an account reads its address: only the token's SHA-256 is kept; works once."""

    __tablename__ = "email_verification"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = _ts()


class SignUpClaim(SQLModel, table=True):
    """A sign-up for an address an unverified account holds: the account is made (and the holder
    erased) only when the emailed link is used, so nobody can wipe a real owner by signing up."""

    __tablename__ = "sign_up_claim"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(254), index=True)
    full_name: str = Field(sa_type=sa.String(120))
    password_hash: str = Field(sa_type=sa.String(255))
    # A company sign-up's company, made with its recruiter when the link is used.
    company_name: str | None = Field(default=None, sa_type=sa.String(120), nullable=True)
    company_slug: str | None = Field(default=None, sa_type=sa.String(60), nullable=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = _ts()


class OutboxEmail(SQLModel, table=True):
    """An email written in the same transaction as the change that caused it.

    The sender delivers pending rows over SMTP and marks them sent; ``message_id`` is fixed
    when the row is written, so a re-delivery after a crash carries the same Message-ID.
    """

    __tablename__ = "email_outbox"
    __table_args__ = (sa.Index("ix_email_outbox_pending", "sent_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(sa_type=sa.String(200), unique=True)
    kind: str = Field(sa_type=sa.String(40))
    to_address: str = Field(sa_type=sa.String(254))
    subject: str = Field(sa_type=sa.String(300))
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(sa_type=sa.Text)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True, nullable=True)
    created_at: datetime = _ts()
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _ts()
    # A sender that claims a row leases it until then; another sender may take it afterwards.
    leased_until: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # Set when the mail server refused the email for good (a 5xx reply): it is not retried.
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    last_error: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    # An iCalendar invitation sent as a text/calendar part, with its METHOD (REQUEST or CANCEL).
    calendar_ics: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    calendar_method: str | None = Field(default=None, sa_type=sa.String(10), nullable=True)
    # The stage change this email tells of: an undo of that change cancels the email.
    history_id: int | None = Field(
        default=None, foreign_key="application_history.id", index=True, nullable=True
    )
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # A message a recruiter wrote to the candidate (mail/conversation.py): who wrote it, and the
    # template it started from (its name as it was; None for a blank one or FlowTrack's own emails).
    author_id: int | None = Field(default=None, foreign_key="user_account.id", nullable=True)
    template_name: str | None = Field(default=None, sa_type=sa.String(80), nullable=True)


class StoredFile(SQLModel, table=True):
    """A file kept in the database (it follows backups, PostgreSQL and every worker).

    Rows are written once and never changed: a new upload is a new row, so an application's
    snapshot keeps pointing at the bytes the candidate sent.
    """

    __tablename__ = "stored_file"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user_account.id", index=True)
    sha256: str = Field(sa_type=sa.String(64), index=True)
    size: int
    content_type: str = Field(sa_type=sa.String(100))
    original_name: str = Field(sa_type=sa.String(255))
    data: bytes = Field(sa_type=sa.LargeBinary)
    page_count: int | None = Field(default=None, nullable=True)
    # The extracted text (searchable), or None with a note saying why there is none.
    text: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    text_note: str | None = Field(default=None, sa_type=sa.String(300), nullable=True)
    created_at: datetime = _ts()
    # The first pages of a PDF are drawn once (files/storage.py), never when the file is opened:
    # "pending" (not drawn yet), "ready" (the file_page rows), "none" (nothing to draw); the note
    # says what was left out and why.
    preview_status: str = Field(default="pending", sa_type=sa.String(12))
    preview_note: str | None = Field(default=None, sa_type=sa.String(300), nullable=True)


class FilePage(SQLModel, table=True):
    """A page of a stored PDF drawn as a PNG at upload, within bounds (files/preview.py)."""

    __tablename__ = "file_page"

    file_id: int = Field(foreign_key="stored_file.id", primary_key=True, ondelete="CASCADE")
    page_no: int = Field(primary_key=True)  # from 0
    png: bytes = Field(sa_type=sa.LargeBinary)
    width: int
    height: int


class ResumeUpload(SQLModel, table=True):
    """A résumé upload of an account, counted by the hourly quota (files/quota.py) and kept an hour."""

    __tablename__ = "resume_upload"
    __table_args__ = (sa.Index("ix_resume_upload_user", "user_id", "uploaded_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    uploaded_at: datetime = _ts()


class CandidateProfile(SQLModel, table=True):
    """What a candidate tells about themself; the name lives on the account."""

    __tablename__ = "candidate_profile"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    phone: str = Field(default="", sa_type=sa.String(40))
    location: str = Field(default="", sa_type=sa.String(200))
    linkedin_url: str = Field(default="", sa_type=sa.String(300))
    website: str = Field(default="", sa_type=sa.String(300))
    headline: str = Field(default="", sa_type=sa.String(200))
    resume_file_id: int | None = Field(default=None, foreign_key="stored_file.id", nullable=True)
    # The phone's digits and the LinkedIn profile's path, compared to flag one person's two accounts.
    phone_key: str = Field(default="", sa_type=sa.String(40), index=True)
    linkedin_key: str = Field(default="", sa_type=sa.String(120), index=True)
    updated_at: datetime = _ts()


class ScreeningQuestion(SQLModel, table=True):
    """A question of a job's application form, edited with the job."""

    __tablename__ = "screening_question"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", index=True)
    position: int = Field(default=0)
    kind: str = Field(sa_type=sa.String(20))  # short_text, long_text, yes_no, single_choice
    prompt: str = Field(sa_type=sa.String(300))
    required: bool = Field(default=False)
    choices: str = Field(default="[]", sa_type=sa.Text)  # a JSON list, for single_choice
    # Answers that disqualify (yes_no: "yes"/"no"; single_choice: choices): a JSON list.
    disqualifying_answers: str = Field(default="[]", sa_type=sa.Text)


class ApplicationAnswer(SQLModel, table=True):
    """An answer as sent: the question's words and kind are kept, so later edits do not change it."""

    __tablename__ = "application_answer"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    question_id: int | None = Field(default=None, foreign_key="screening_question.id", nullable=True)
    position: int = Field(default=0)
    kind: str = Field(sa_type=sa.String(20))
    prompt: str = Field(sa_type=sa.String(300))
    answer: str = Field(sa_type=sa.Text)


class ApplicationNote(SQLModel, table=True):
    """A note of the hiring team on an application: append-only, never shown to the candidate."""

    __tablename__ = "application_note"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    author_id: int = Field(foreign_key="user_account.id")
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = _ts()


class NoteMention(SQLModel, table=True):
    """A colleague mentioned in a note (collaboration/notes.py); ``read_at`` is set when they open
    the application or mark it read on "My work"."""

    __tablename__ = "note_mention"
    __table_args__ = (sa.Index("ix_note_mention_user_read", "user_id", "read_at"),)

    # Erasing a candidate deletes the notes on their applications, and so these rows.
    note_id: int = Field(foreign_key="application_note.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class Interview(SQLModel, table=True):
    """An interview of an application; ``uid`` and ``sequence`` make its calendar invitations."""

    __tablename__ = "interview"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    scheduled_by_id: int = Field(foreign_key="user_account.id")
    starts_at: datetime = Field(sa_type=UTCDateTime)
    duration_minutes: int
    # The scheduler's time zone (IANA name): how the time was entered and is shown back.
    timezone: str = Field(sa_type=sa.String(64))
    location: str = Field(default="", sa_type=sa.String(300))
    video_url: str = Field(default="", sa_type=sa.String(500))
    uid: str = Field(sa_type=sa.String(200), unique=True)
    sequence: int = Field(default=0)
    status: str = Field(default="scheduled", sa_type=sa.String(12))  # scheduled or cancelled
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class InterviewInterviewer(SQLModel, table=True):
    __tablename__ = "interview_interviewer"

    interview_id: int = Field(foreign_key="interview.id", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    # When the "your scorecard is due" email was queued (work.py): it is sent once.
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # The interviewer's answer to the invitation (an iCalendar REPLY read from the reply mailbox):
    # None until one arrives, then "accepted", "declined" or "tentative"; reset when it moves.
    response: str | None = Field(default=None, sa_type=sa.String(12), nullable=True)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class Scorecard(SQLModel, table=True):
    """One interviewer's verdict on one interview: a recommendation, 1–4 per criterion, notes."""

    __tablename__ = "scorecard"
    __table_args__ = (sa.UniqueConstraint("interview_id", "interviewer_id", name="uq_scorecard_interviewer"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True)
    interviewer_id: int = Field(foreign_key="user_account.id")
    recommendation: str = Field(sa_type=sa.String(12))  # strong_no, no, yes, strong_yes
    ratings: str = Field(default="{}", sa_type=sa.Text)  # JSON: criterion -> 1..4
    notes: str = Field(default="", sa_type=sa.Text)
    submitted_at: datetime = _ts()


class CandidateTag(SQLModel, table=True):
    """A company's own label on a candidate ("python", "silver medallist"); other companies never see it."""

    __tablename__ = "candidate_tag"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "candidate_id", "label", name="uq_candidate_tag"),
        sa.Index("ix_candidate_tag_company_label", "company_id", "label"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id")
    candidate_id: int = Field(foreign_key="user_account.id", index=True)
    label: str = Field(sa_type=sa.String(40))
    created_at: datetime = _ts()


class TalentDocument(SQLModel, table=True):
    """What a company may search about one of its candidates, rewritten in the transaction of every
    change to it (talent/documents.py). The database's full-text engine indexes it: an FTS5 table
    kept in step by triggers on SQLite, a generated ``tsvector`` column with a GIN index on
    PostgreSQL (both made by migration 0009)."""

    __tablename__ = "talent_document"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "candidate_id", name="uq_talent_document"),
        sa.Index("ix_talent_document_company_applied", "company_id", "last_applied_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id")
    candidate_id: int = Field(foreign_key="user_account.id", index=True)
    # "c<company id>": an indexed word, so SQLite's index itself keeps companies apart.
    company_key: str = Field(sa_type=sa.String(24))
    full_name: str = Field(default="", sa_type=sa.Text)
    email: str = Field(default="", sa_type=sa.Text)
    headline: str = Field(default="", sa_type=sa.Text)
    resume_text: str = Field(default="", sa_type=sa.Text)
    notes_text: str = Field(default="", sa_type=sa.Text)
    tags_text: str = Field(default="", sa_type=sa.Text)
    last_applied_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = _ts()


def engine_managed(name: str, kind: str, table: str | None = None) -> bool:
    """The full-text objects each engine keeps itself (FTS5 tables, the ``tsvector`` column and
    its index): made by migration 0009, not declared above, so schema comparison skips them."""
    if kind == "table":
        return name.startswith("talent_fts")
    if kind == "column":
        return table == "talent_document" and name == "search"
    return kind == "index" and name == "ix_talent_document_search"


class ErasureLog(SQLModel, table=True):
    """Who erased whom, when and why, without the erased data: the anonymous record's id only."""

    __tablename__ = "erasure_log"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True, nullable=True)
    # The anonymous account that now holds the erased applications.
    subject_id: int = Field(foreign_key="user_account.id")
    # None when the candidate erased themself or retention did it.
    erased_by_id: int | None = Field(default=None, foreign_key="user_account.id", nullable=True)
    kind: str = Field(sa_type=sa.String(12))  # self, staff, retention
    applications: int = Field(default=0)
    erased_at: datetime = _ts()


class CompanyEmailTemplate(SQLModel, table=True):
    """A company's named email template of one kind (mail/templates.py); the default of a kind is
    the one FlowTrack's automatic emails of that kind use. A kind without rows uses the built-in."""

    __tablename__ = "email_template"
    __table_args__ = (sa.UniqueConstraint("company_id", "kind", "name", name="uq_email_template_name"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    kind: str = Field(sa_type=sa.String(30))  # mail/render.KINDS
    name: str = Field(sa_type=sa.String(80))
    subject: str = Field(sa_type=sa.String(200))
    body: str = Field(sa_type=sa.Text)
    is_default: bool = Field(default=False)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


# --- conversation: stage automation and rejections -------------------------------------------


# --- conversation: messages, replies and the inbox -------------------------------------------


# A message's attachments are ``OutboxAttachment`` rows (the offers' section below), which
# outbox.py sends as MIME parts.


class ReplyAddress(SQLModel, table=True):
    """The unguessable token of an application's Reply-To address (``reply+{token}@{domain}``):
    a reply to it is threaded into that application's conversation (mail/inbound.py)."""

    __tablename__ = "reply_address"

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    token: str = Field(sa_type=sa.String(40), unique=True)
    created_at: datetime = _ts()


# What came into the reply mailbox: a candidate's reply, a bounce (a delivery report) or an
# automatic reply (out of office).
INBOUND_KINDS = ("reply", "bounce", "auto_reply")


class InboundEmail(SQLModel, table=True):
    """An email read from the reply mailbox. With an application: part of its conversation. Without
    one: "unmatched" (an unknown or forged token), listed to its company's staff; with no company
    either it is in the global bin nobody sees (only logged)."""

    __tablename__ = "inbound_email"
    __table_args__ = (sa.Index("ix_inbound_email_company_unmatched", "company_id", "application_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # Message-ID (or a hash of the bytes): the same email read twice is kept once.
    dedupe_key: str = Field(sa_type=sa.String(64), unique=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", nullable=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True, nullable=True)
    kind: str = Field(default="reply", sa_type=sa.String(12))  # INBOUND_KINDS
    from_address: str = Field(default="", sa_type=sa.String(254))
    from_name: str = Field(default="", sa_type=sa.String(200))
    subject: str = Field(default="", sa_type=sa.String(300))
    # The reply's own words (quoted history trimmed), and its HTML part sanitised (nh3), if any.
    body_text: str = Field(default="", sa_type=sa.Text)
    body_html: str = Field(default="", sa_type=sa.Text)
    # The token the address carried (kept on unmatched mail, to see what was tried).
    token: str = Field(default="", sa_type=sa.String(80))
    # Attachments not kept (too large, too many): what was left out.
    note: str = Field(default="", sa_type=sa.String(500))
    received_at: datetime = _ts()


class InboundAttachment(SQLModel, table=True):
    """A file that came with a reply, stored like every other file (owned by the candidate)."""

    __tablename__ = "inbound_attachment"

    inbound_id: int = Field(foreign_key="inbound_email.id", primary_key=True, ondelete="CASCADE")
    file_id: int = Field(foreign_key="stored_file.id", primary_key=True)
    position: int = Field(default=0)


class InboundUnread(SQLModel, table=True):
    """A reply not yet read by one of the job's recruiters ("My work" lists it until they open
    the application)."""

    __tablename__ = "inbound_unread"
    __table_args__ = (sa.Index("ix_inbound_unread_user_read", "user_id", "read_at"),)

    inbound_id: int = Field(foreign_key="inbound_email.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


# --- scheduling: working hours, calendars, booking links -------------------------------------


class StaffAvailability(SQLModel, table=True):
    """A staff member's working hours and calendars (core/scheduling/): when interviews may be offered.

    The CalDAV password is stored sealed (sealed.py) and never read back to any page or API.
    """

    __tablename__ = "staff_availability"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    days: str = Field(default="0,1,2,3,4", sa_type=sa.String(20))  # weekdays, Monday = 0
    start_minute: int = Field(default=9 * 60)  # local minutes after midnight
    end_minute: int = Field(default=17 * 60)
    # The working hours' zone (IANA); None: the person's own zone (User.time_zone).
    time_zone: str | None = Field(default=None, sa_type=sa.String(64), nullable=True)
    caldav_url: str = Field(default="", sa_type=sa.String(500))
    caldav_username: str = Field(default="", sa_type=sa.String(200))
    caldav_password_sealed: str = Field(default="", sa_type=sa.Text)
    ics_url_sealed: str = Field(default="", sa_type=sa.Text)  # a secret address: sealed too
    updated_at: datetime = _ts()


class SchedulingLink(SQLModel, table=True):
    """A link a recruiter sent a candidate to book their own interview slot (scheduling/links.py).

    Only the token's SHA-256 is stored; the link offers slots in its window until it expires.
    """

    __tablename__ = "scheduling_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    created_by_id: int = Field(foreign_key="user_account.id")
    interviewer_ids: str = Field(sa_type=sa.String(200))  # comma-separated user ids
    duration_minutes: int
    location: str = Field(default="", sa_type=sa.String(300))
    video_url: str = Field(default="", sa_type=sa.String(500))
    buffer_before: int = Field(default=0)
    buffer_after: int = Field(default=0)
    min_notice_minutes: int = Field(default=24 * 60)
    # Reschedule or cancel from the link until this long before the interview.
    cutoff_minutes: int = Field(default=24 * 60)
    window_days: int = Field(default=10)  # working days offered from the day after it is sent
    expires_at: datetime = Field(sa_type=UTCDateTime)
    interview_id: int | None = Field(default=None, foreign_key="interview.id", nullable=True)
    created_at: datetime = _ts()
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class SchedulingClaim(SQLModel, table=True):
    """A 15-minute block of an interviewer's time taken by a booking through a link: the primary key
    makes two bookings overlapping for one person impossible, whichever process writes first wins."""

    __tablename__ = "scheduling_claim"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    block_start: datetime = Field(sa_type=UTCDateTime, primary_key=True)
    link_id: int = Field(foreign_key="scheduling_link.id", index=True)


class InterviewReminder(SQLModel, table=True):
    """One reminder email of an interview to one person, ``minutes_before`` it: the row is the claim,
    so each is sent once however many sender processes run (scheduling/reminders.py)."""

    __tablename__ = "interview_reminder"

    interview_id: int = Field(foreign_key="interview.id", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    minutes_before: int = Field(primary_key=True)
    sent_at: datetime = _ts()


# --- offers ------------------------------------------------------------------------------------

# An offer's status (offers/workflow.py). Draft: the recruiter writes it. Pending approval: its
# approvers decide in order. Approved: ready to send. Sent: the candidate's link works. Accepted,
# declined, withdrawn and expired are final; a revised sent offer is withdrawn and its next
# version starts as a draft.
OFFER_STATUSES = (
    "draft",
    "pending_approval",
    "approved",
    "sent",
    "accepted",
    "declined",
    "withdrawn",
    "expired",
)


class OfferTemplate(SQLModel, table=True):
    """A company's offer letter in Markdown with ``{{ variables }}`` (offers/letters.py); the
    default one is what a new offer starts from. A company without rows uses the built-in letter."""

    __tablename__ = "offer_template"
    __table_args__ = (sa.UniqueConstraint("company_id", "name", name="uq_offer_template_name"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    name: str = Field(sa_type=sa.String(80))
    body: str = Field(sa_type=sa.Text)
    is_default: bool = Field(default=False)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Offer(SQLModel, table=True):
    """One version of an offer on an application. A revision of a sent offer is a new row
    (``replaces_id``); the old one is withdrawn and its link stops working."""

    __tablename__ = "offer"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    version: int = Field(default=1)
    replaces_id: int | None = Field(default=None, foreign_key="offer.id", nullable=True)
    status: str = Field(default="draft", sa_type=sa.String(20))
    letter: str = Field(sa_type=sa.Text)  # the Markdown letter with variables, from a template
    job_title: str = Field(sa_type=sa.String(200))
    start_date: date
    salary_cents: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(sa_type=sa.String(3))
    salary_period: str = Field(sa_type=sa.String(10))  # year, month, hour
    bonus: str = Field(default="", sa_type=sa.Text)
    equity: str = Field(default="", sa_type=sa.Text)
    other_terms: str = Field(default="", sa_type=sa.Text)
    expires_on: date
    signer_name: str = Field(sa_type=sa.String(120))
    signer_title: str = Field(default="", sa_type=sa.String(120))
    # Approvals restart with each edit: the current round's rows are the chain in force.
    approval_round: int = Field(default=0)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    sent_by_id: int | None = Field(default=None, foreign_key="user_account.id", nullable=True)
    # The candidate's link is derived from this (offers/links.py); None until sent.
    link_nonce: str | None = Field(default=None, sa_type=sa.String(64), nullable=True)
    # The letter exactly as sent (PDF): what the link serves and what a signature covers.
    pdf_file_id: int | None = Field(default=None, foreign_key="stored_file.id", nullable=True)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    decline_reason: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # The acceptance's audit record and the signed copy (the letter plus a signature page).
    signed_name: str | None = Field(default=None, sa_type=sa.String(200), nullable=True)
    signed_ip: str | None = Field(default=None, sa_type=sa.String(64), nullable=True)
    signed_user_agent: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    document_sha256: str | None = Field(default=None, sa_type=sa.String(64), nullable=True)
    signed_file_id: int | None = Field(default=None, foreign_key="stored_file.id", nullable=True)


class OfferApproval(SQLModel, table=True):
    """One approver's place in an offer's chain for one round: pending, approved or declined."""

    __tablename__ = "offer_approval"
    __table_args__ = (sa.UniqueConstraint("offer_id", "round", "position", name="uq_offer_approval_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    round: int
    position: int
    approver_id: int = Field(foreign_key="user_account.id", index=True)
    decision: str = Field(default="pending", sa_type=sa.String(10))  # pending, approved, declined
    comment: str = Field(default="", sa_type=sa.Text)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class OfferEvent(SQLModel, table=True):
    """Append-only: every step of an offer (created, edited, submitted, approved, declined, sent,
    viewed, accepted, withdrawn…), read by the application's activity feed."""

    __tablename__ = "offer_event"

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    kind: str = Field(sa_type=sa.String(20))
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", nullable=True)
    note: str = Field(default="", sa_type=sa.Text)
    at: datetime = _ts()


class OutboxAttachment(SQLModel, table=True):
    """A stored file sent as an attachment of an outbox email (outbox.py adds it to the message)."""

    __tablename__ = "email_attachment"

    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(foreign_key="email_outbox.id", index=True)
    file_id: int = Field(foreign_key="stored_file.id")
    filename: str = Field(sa_type=sa.String(200))


# --- the team: members, two-factor, tokens, audit ------------------------------------------------


class RecoveryCode(SQLModel, table=True):
    """One of the ten single-use codes given at two-factor enrolment: only a SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    code_hash: str = Field(sa_type=sa.String(64))
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class ApiToken(SQLModel, table=True):
    """A personal API token (accounts/api_tokens.py): shown once, only its SHA-256 kept. It acts
    as its owner, with the owner's current role and never more; ``scopes`` "read" or "read,write"."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", nullable=True)
    name: str = Field(sa_type=sa.String(80))
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    prefix: str = Field(sa_type=sa.String(12))  # the first characters, to recognise it in a list
    scopes: str = Field(sa_type=sa.String(40))
    created_at: datetime = _ts()
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class AuditEvent(SQLModel, table=True):
    """Who did what to a company's administration, when and from where (audit.py). Never updated
    or deleted; the actor's name is copied so the row reads the same after an erasure."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_company_at", "company_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id")
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", nullable=True)
    actor_name: str = Field(default="", sa_type=sa.String(120))
    action: str = Field(sa_type=sa.String(60))
    target: str = Field(default="", sa_type=sa.String(300))
    details: str = Field(default="{}", sa_type=sa.Text)  # JSON object
    client: str = Field(default="", sa_type=sa.String(64))
    created_at: datetime = _ts()


# --- single sign-on and webhooks ---------------------------------------------------------------


class CompanySso(SQLModel, table=True):
    """A company's OpenID Connect provider (accounts/sso.py): staff whose address is in one of its
    ``domains`` sign in through it; the client secret is stored sealed (sealed.py)."""

    __tablename__ = "company_sso"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", unique=True)
    issuer_url: str = Field(sa_type=sa.String(500))
    client_id: str = Field(sa_type=sa.String(300))
    client_secret_sealed: str = Field(sa_type=sa.Text)
    domains: str = Field(default="", sa_type=sa.Text)  # lower-case, comma-separated
    # Someone of those domains without an account or invitation joins as a hiring manager.
    allow_domain_join: bool = Field(default=False)
    # The company's staff may not sign in with a password.
    sso_only: bool = Field(default=False)
    updated_at: datetime = _ts()


class SsoLogin(SQLModel, table=True):
    """One authorisation request sent to a provider: its ``state`` (hashed; the browser holds it in
    a cookie too), the ``nonce`` the ID token must carry and the PKCE verifier. Used once."""

    __tablename__ = "sso_login"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(sa_type=sa.String(64), unique=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    nonce: str = Field(sa_type=sa.String(100))
    code_verifier: str = Field(sa_type=sa.String(200))
    next_path: str | None = Field(default=None, sa_type=sa.String(500), nullable=True)
    created_at: datetime = _ts()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class SsoTicket(SQLModel, table=True):
    """The single-use, short-lived code a finished SSO sign-in hands the browser, which the sign-in
    page exchanges for FlowTrack's session token (the token never travels in a URL)."""

    __tablename__ = "sso_ticket"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(sa_type=sa.String(64), unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    next_path: str | None = Field(default=None, sa_type=sa.String(500), nullable=True)
    created_at: datetime = _ts()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class WebhookEndpoint(SQLModel, table=True):
    """A URL a company's recruiters registered for events (webhooks/endpoints.py). The signing
    secret is stored sealed and shown once; ``failing_since`` is the first failure since the last
    success: an endpoint failing for days is disabled (``disabled_at``)."""

    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    url: str = Field(sa_type=sa.String(2000))
    events: str = Field(sa_type=sa.Text)  # comma-separated event names (webhooks/events.EVENTS)
    secret_sealed: str = Field(sa_type=sa.Text)
    description: str = Field(default="", sa_type=sa.String(200))
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = _ts()
    failing_since: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    disabled_reason: str | None = Field(default=None, sa_type=sa.String(300), nullable=True)


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint, queued in the transaction of the change (webhooks/events.py)
    and delivered by the sender (webhooks/delivery.py). Deliveries with the same ``ordering_key``
    (an application) go out in ``id`` order; the log shows the last status and response."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.Index("ix_webhook_delivery_pending", "delivered_at", "failed_at", "next_attempt_at"),
        sa.Index("ix_webhook_delivery_endpoint_key", "endpoint_id", "ordering_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True)
    event: str = Field(sa_type=sa.String(40))
    event_id: str = Field(sa_type=sa.String(40))  # the body's "id"; the same on a redelivery
    ordering_key: str | None = Field(default=None, sa_type=sa.String(60), nullable=True)
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = _ts()
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _ts()
    leased_until: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # Set when retrying stopped (a day of failures, or the endpoint was disabled).
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    last_status: int | None = Field(default=None, nullable=True)
    last_error: str | None = Field(default=None, sa_type=sa.String(500), nullable=True)
    response_snippet: str | None = Field(default=None, sa_type=sa.String(500), nullable=True)
    redelivery_of_id: int | None = Field(default=None, nullable=True)


class ApplicationStageStats(SQLModel, table=True):
    """Per application, the running totals the hiring report reads instead of the history
    (pipelines/stage_stats.py keeps them in the transaction of every history row)."""

    __tablename__ = "application_stage_stats"
    # A company's or a job's stays of one category in order: the report's medians and 90th
    # percentiles are a step along one of these rather than a sort.
    __table_args__ = tuple(
        sa.Index(f"ix_stage_stats_{scope}_t{i}", f"{scope}_id", f"t{i}")
        for scope in ("company", "job")
        for i in range(4)
    )

    application_id: int = Field(primary_key=True, foreign_key="application.id")
    # The application's job and its company (they never change).
    job_id: int
    company_id: int
    # Seconds in stages of the applied, screening, interview and offer categories (None: no stay).
    t0: float | None = Field(default=None, nullable=True)
    t1: float | None = Field(default=None, nullable=True)
    t2: float | None = Field(default=None, nullable=True)
    t3: float | None = Field(default=None, nullable=True)
    # The furthest step (0 applied … 4 hired) among the old stages of the rows that are not undos.
    top: int = Field(default=0)
    # The last rejection: its history row, standard reason and the stage it rejected from.
    last_reject_id: int | None = Field(default=None, nullable=True)
    last_reject_reason: str | None = Field(default=None, sa_type=sa.String(120), nullable=True)
    last_reject_stage_id: int | None = Field(default=None, nullable=True)
    # The first and last moves into hired that stand (not undos, not undone).
    first_hire: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    last_hire: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class JobReportTotals(SQLModel, table=True):
    """Per job, how many applications stand in each cell of the all-time report (furthest step,
    source, rejection reason, stays of a timed category), so a company's report sums a few rows
    rather than one per application (pipelines/stage_stats.py keeps them with the running totals)."""

    __tablename__ = "job_report_totals"
    __table_args__ = (sa.Index("ix_job_report_totals_company", "company_id"),)

    job_id: int = Field(primary_key=True)
    # ``top`` (item: the furthest step's rank), ``source`` (item: source, detail: its detail or
    # ''), ``reason`` (item: '' without a reason, else '=' and the reason; detail: the category
    # rejected from or ''), ``timed`` (item: the timed category's index), '' (the job's row that
    # every change of its totals updates first, so concurrent changes queue in one order).
    figure: str = Field(primary_key=True, sa_type=sa.String(8))
    item: str = Field(primary_key=True, sa_type=sa.String(130))
    detail: str = Field(primary_key=True, sa_type=sa.String(40))
    company_id: int
    n: int = Field(default=0)
    hired: int = Field(default=0)  # of ``source`` rows: those of the applications hired now


class StandingHire(SQLModel, table=True):
    """The applications in a hired stage now whose hire stands, with what time to hire and fill
    need, so the report reads them in order along an index instead of every hired application with
    its stage and totals (pipelines/stage_stats.py keeps them with the running totals)."""

    __tablename__ = "standing_hires"
    __table_args__ = (
        sa.Index("ix_standing_hires_company_seconds", "company_id", "seconds"),
        sa.Index("ix_standing_hires_job_seconds", "job_id", "seconds"),
        sa.Index("ix_standing_hires_job_first", "job_id", "first_hire"),
    )

    application_id: int = Field(primary_key=True, foreign_key="application.id")
    job_id: int
    company_id: int
    # From the application's creation to its last standing move into hired (time to hire).
    seconds: float
    # Its first standing move into hired (a job's earliest is its time to fill).
    first_hire: datetime = Field(sa_type=UTCDateTime)
