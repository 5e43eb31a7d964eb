"""Plain data returned by the use cases: no ORM objects leave the domain core."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class UserView:
    id: int
    email: str
    full_name: str
    role: str
    company_id: int | None
    company_name: str | None = None


@dataclass(frozen=True)
class StageView:
    id: int
    name: str
    category: str
    position: int
    target_days: int | None = None  # applications waiting longer show on "My work"
    # What entering it does (mail/automation.py): the name candidates read, and its email.
    public_name: str = ""
    notify: bool = False
    email_template_id: int | None = None
    email_delay_minutes: int = 0
    business_hours_only: bool = False


@dataclass(frozen=True)
class PipelineTemplateView:
    id: int  # 0 is the built-in default pipeline
    name: str
    stages: tuple[dict, ...]  # {name, category}, in board order


@dataclass(frozen=True)
class MoveOption:
    """A move the transition table allows for a card: where to, which kind, whether a reason is needed."""

    stage: str
    kind: str
    reason: str  # none, optional, required
    asks: bool = False  # the board asks for the reason (or an optional one) before the move


@dataclass(frozen=True)
class JobView:
    id: int
    title: str
    description: str
    location: str
    status: str
    company_id: int
    company_name: str
    created_by_id: int
    created_at: datetime
    updated_at: datetime
    company_slug: str = ""
    department: str = ""
    employment_type: str = "full_time"
    workplace: str = "on_site"
    remote_region: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str = ""
    salary_period: str = "year"
    salary_visible: bool = False
    valid_through: datetime | None = None
    published_at: datetime | None = None
    knockout_delay_minutes: int = 2880
    questions: tuple = ()  # QuestionView, in their order
    criteria: tuple[str, ...] = ()  # what interviewers rate on their scorecards
    stages: tuple[StageView, ...] = ()  # the job's own pipeline, in board order


@dataclass(frozen=True)
class ApplicationView:
    id: int
    job_id: int
    candidate_id: int
    stage: str
    version: int
    created_at: datetime
    updated_at: datetime
    stage_changed_at: datetime
    category: str = ""
    kind: str = ""  # of the move that put it there
    undo_seconds: int = 0  # how long the mover may undo that move


@dataclass(frozen=True)
class Card:
    """One application on the board."""

    id: int
    candidate_id: int
    candidate_name: str
    candidate_email: str
    stage: str
    version: int
    applied_at: datetime
    stage_changed_at: datetime
    days_in_stage: int
    allowed_next: tuple[str, ...]
    headline: str = ""
    moves: tuple[MoveOption, ...] = ()
    category: str = ""
    has_resume: bool = False
    knockouts: tuple[tuple[str, str], ...] = ()  # (question, yes/no)
    scorecards: str = ""  # e.g. "2 × Yes, 1 × Strong yes", as the viewer may read them
    tags: tuple[str, ...] = ()  # the company's tags on the candidate


@dataclass(frozen=True)
class Column:
    stage: str
    count: int
    cards: tuple[Card, ...]
    category: str = ""


@dataclass(frozen=True)
class Board:
    job: JobView
    columns: tuple[Column, ...]
    total: int
    search: str = ""
    # The job's change number (Job.change_seq) in the same snapshot as the counts and the cards:
    # an open board applies the change numbered seq + 1 next, and reads again after a gap.
    seq: int = 0


# Where an email to the candidate is: waiting in the outbox, delivered, refused, or called back.
EmailStatus = Literal["queued", "sent", "failed", "cancelled"]


@dataclass(frozen=True)
class EmailEntry:
    """An email to the candidate about an application, as its recruiters see it on the timeline."""

    id: int
    kind: str
    to_address: str
    subject: str
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    attempts: int

    cancelled_at: datetime | None = None

    @property
    def status(self) -> EmailStatus:
        if self.sent_at:
            return "sent"
        return "failed" if self.failed_at else "cancelled" if self.cancelled_at else "queued"


@dataclass(frozen=True)
class HistoryEntry:
    """A full history row, for the recruiters of the application's company."""

    id: int
    application_id: int
    old_stage: str | None
    new_stage: str
    changed_by_id: int
    changed_by_name: str
    changed_at: datetime
    note: str | None
    kind: str = "forward"
    reason: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    """What a candidate sees of a change: no staff names, no internal notes."""

    id: int
    application_id: int
    old_stage: str | None
    new_stage: str
    changed_at: datetime
    new_category: str = ""


@dataclass(frozen=True)
class MyApplication:
    id: int
    job_id: int
    job_title: str
    company_name: str
    job_status: str
    stage: str
    created_at: datetime
    updated_at: datetime
    timeline: tuple[TimelineEntry, ...] = field(default_factory=tuple)
    category: str = ""
    can_withdraw: bool = False
    # When a change the candidate may not see yet (one that can still be undone, or whose email is
    # held) shows: the tracker looks again then.
    shows_more_at: datetime | None = None


@dataclass(frozen=True)
class CompanyApplication:
    """A row of the company-wide application list (``GET /api/applications/recruiter/all``)."""

    application_id: int
    job_id: int
    job_title: str
    candidate_id: int
    candidate_name: str
    candidate_email: str
    stage: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class JobSummary:
    """A row of the hiring manager's overview: a job with its applications per stage."""

    job: JobView
    counts: dict[str, int]
    total: int
    by_category: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class InvitationView:
    token: str
    email: str
    role: str
    expires_at: datetime


@dataclass(frozen=True)
class FileView:
    """A stored file's metadata (never its bytes)."""

    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    page_count: int | None
    has_text: bool
    text_note: str | None


@dataclass(frozen=True)
class BulkFailure:
    """An application a bulk action left as it was, and why (the use case's refusal)."""

    application_id: int
    name: str  # the candidate's name as staff see it ("Erased candidate" for an erased person)
    detail: str  # the DomainError's message


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action (or its undo) did: each application either succeeded or failed, by name."""

    batch_id: int | None  # None when nothing succeeded
    action: str
    succeeded: tuple[int, ...]  # application ids
    failed: tuple[BulkFailure, ...]
    undo_seconds: int  # how long ``undo_batch`` accepts this batch (0: not undoable, e.g. tag)
