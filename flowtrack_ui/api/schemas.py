"""Request and response bodies of the REST API (the original FlowTrack API's shapes, extended)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.talent.search import MARK_END, MARK_START


class FromView(BaseModel):
    """A response read from the core's view of the same shape: ``Out.model_validate(view)`` takes
    its attributes (and its nested views' too), so no route copies fields by hand."""

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(BaseModel):
    detail: str | list[Any] | dict[str, Any] = Field(description="What went wrong, in words.")
    allowed_stages: list[str] | None = Field(
        default=None, description="On a refused stage move: the stages the application may move to."
    )
    current_stage: str | None = None


class RegisterIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    full_name: str = Field(max_length=120)
    role: str = Field(default=Role.CANDIDATE, max_length=40)
    company_id: int | None = Field(default=None, description="Ignored: candidates belong to no company.")


class LoginJSON(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


class PasswordIn(BaseModel):
    current_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)


class PasswordResetRequestIn(BaseModel):
    email: str = Field(max_length=254)


class PasswordResetIn(BaseModel):
    password: str = Field(max_length=128)


class AcceptedOut(BaseModel):
    detail: str


class ConfirmedOut(BaseModel):
    """A used confirmation link: the address is confirmed; ``account_created`` when it finished a
    sign-up for an address an unconfirmed account held (that account is erased)."""

    detail: str
    email: str
    account_created: bool


class LoginForm(BaseModel):
    username: str = Field(max_length=254)
    password: str = Field(max_length=128)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserOut(FromView):
    id: int
    email: str
    full_name: str
    role: Role
    company_id: int | None


class CompanyIn(BaseModel):
    company_name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    full_name: str = Field(max_length=120)
    company_slug: str | None = Field(
        default=None,
        max_length=60,
        description="The careers site's address, /careers/{company_slug}; made from the name when left out.",
    )


class InvitationIn(BaseModel):
    email: str = Field(max_length=254)
    role: str = Field(max_length=40, description="recruiter or hiring_manager")


class InvitationOut(BaseModel):
    token: str
    accept_url: str
    expires_at: datetime
    email: str
    role: Role


class AcceptIn(BaseModel):
    password: str = Field(max_length=128)
    full_name: str = Field(max_length=120)


QuestionKind = Literal["short_text", "long_text", "yes_no", "single_choice"]


class QuestionIn(BaseModel):
    id: int | None = Field(default=None, description="Keep an existing question (its answers stay linked).")
    kind: QuestionKind
    prompt: str = Field(max_length=300)
    required: bool = False
    choices: list[str] = Field(default_factory=list, max_length=20, description="For single_choice.")
    disqualifying_answers: list[str | bool] | None = Field(
        default=None,
        max_length=20,
        description=(
            "Knockout: answers that reject the application (yes_no: yes or no; single_choice: some "
            "of the choices, never all). Null keeps a kept question's own; [] clears them."
        ),
    )


class QuestionOut(FromView):
    id: int
    position: int
    kind: QuestionKind
    prompt: str
    required: bool
    choices: list[str]
    disqualifying_answers: list[str] = Field(
        default_factory=list, description="Knockout answers: shown to the job's own staff only."
    )


StageCategory = Literal["applied", "screening", "interview", "offer", "hired", "rejected", "withdrawn"]


class StageIn(BaseModel):
    id: int | None = Field(default=None, ge=1, le=2**63 - 1, description="Keep (rename, move) this stage.")
    name: str = Field(max_length=40)
    category: StageCategory
    target_days: int | None = Field(
        default=None, description="Applications waiting longer than this show on My work (1–365 days)."
    )
    # What entering the stage does (recruiters change these; a field left out keeps its value).
    public_name: str | None = Field(
        default=None, max_length=40, description="The name candidates read; empty: its category's."
    )
    notify: bool | None = Field(default=None, description="Whether entering it emails the candidate.")
    email_template_id: int | None = Field(
        default=None,
        ge=1,
        le=2**63 - 1,
        description="A company template of the stage's kind; null: no email (unless notify is true, "
        "then the company's default of the kind).",
    )
    email_delay_minutes: int | None = Field(
        default=None, ge=0, le=43200, description="Send this many minutes after the move (0 to 30 days)."
    )
    business_hours_only: bool | None = Field(
        default=None, description="Send only Monday to Friday, 09:00–17:00 in the company's time zone."
    )


class StageOut(FromView):
    id: int
    name: str
    category: StageCategory
    position: int
    target_days: int | None = None
    public_name: str = Field(default="", description="The stage as candidates read it.")
    notify: bool = False
    email_template_id: int | None = Field(
        default=None, description="The company template it emails from; null: the kind's default."
    )
    email_delay_minutes: int = 0
    business_hours_only: bool = False


class TemplateStage(FromView):
    name: str = Field(max_length=40)
    category: StageCategory


class PipelineTemplateIn(BaseModel):
    name: str = Field(max_length=80)
    stages: list[TemplateStage] = Field(max_length=20)


class PipelineTemplateOut(FromView):
    id: int = Field(description="0 is the built-in default pipeline")
    name: str
    stages: list[TemplateStage]


class RejectionReasonsIn(BaseModel):
    reasons: list[str] = Field(max_length=30)


class RejectionReasonsOut(BaseModel):
    reasons: list[str]


JobStatus = Literal["draft", "published", "unlisted", "internal", "closed"]
EmploymentType = Literal["full_time", "part_time", "contract", "internship", "temporary"]
Workplace = Literal["on_site", "hybrid", "remote"]
SalaryPeriod = Literal["year", "month", "hour"]
# JobIn fields that are the job's details (core/jobs.parse_details); omitted on PUT keeps them.
JOB_DETAIL_FIELDS = (
    "department",
    "employment_type",
    "workplace",
    "remote_region",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_visible",
    "valid_through",
    "knockout_delay_minutes",
)


class JobIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=20_000, description="Markdown.")
    location: str | None = Field(default=None, max_length=200)
    status: JobStatus | None = Field(
        default=None,
        description="draft (staff only), published (listed), unlisted (by link), internal (staff of "
        "the company), closed. POST without it publishes; PUT without it keeps it.",
    )
    department: str | None = Field(default=None, max_length=80)
    employment_type: EmploymentType | None = None
    workplace: Workplace | None = None
    remote_region: str | None = Field(
        default=None, max_length=120, description="Where a remote hire may live."
    )
    salary_min: int | None = Field(default=None, ge=0, le=1_000_000_000)
    salary_max: int | None = Field(default=None, ge=0, le=1_000_000_000)
    salary_currency: str | None = Field(default=None, max_length=3, description="ISO 4217, e.g. EUR.")
    salary_period: SalaryPeriod | None = None
    salary_visible: bool | None = Field(default=None, description="Show the range on the careers site.")
    valid_through: date | None = Field(default=None, description="The last day the posting is open.")
    knockout_delay_minutes: int | None = Field(
        default=None, ge=0, le=43_200, description="How long a knockout rejection's email is held."
    )
    company_id: int | None = Field(
        default=None, description="Ignored: a job always belongs to the caller's company."
    )
    questions: list[QuestionIn] | None = Field(
        default=None, max_length=20, description="Screening questions; omitted on PUT keeps them."
    )
    criteria: list[str] | None = Field(
        default=None, max_length=12, description="What interviewers rate 1–4; omitted on PUT keeps them."
    )
    pipeline_template_id: int | None = Field(
        default=None, ge=0, le=2**63 - 1, description="On POST: copy this template's stages (0: the default)."
    )
    stages: list[StageIn] | None = Field(
        default=None,
        max_length=20,
        description="The job's own stages; on PUT they rename, add, reorder or remove (omitted keeps them).",
    )


class JobOut(FromView):
    id: int
    title: str
    description: str | None
    description_html: str = Field(default="", description="The Markdown description, sanitised HTML.")
    location: str
    status: JobStatus
    company_id: int
    company_name: str
    company_slug: str = ""
    url: str | None = Field(
        default=None, description="The public job page, when it is published or unlisted."
    )
    department: str = ""
    employment_type: EmploymentType = "full_time"
    workplace: Workplace = "on_site"
    remote_region: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str = ""
    salary_period: SalaryPeriod = "year"
    salary_visible: bool = False
    valid_through: datetime | None = None
    published_at: datetime | None = None
    knockout_delay_minutes: int = 2880
    created_by_id: int
    created_at: datetime
    updated_at: datetime
    questions: list[QuestionOut] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    stages: list[StageOut] = Field(default_factory=list)


class DeleteOut(BaseModel):
    message: str
    status: str = Field(description="deleted, or closed when the job has applications")


class ApplicationOut(FromView):
    id: int
    candidate_id: int
    job_id: int
    stage: str = Field(description="A stage name of the job's pipeline")
    version: int
    created_at: datetime
    updated_at: datetime


class CompanyApplicationOut(FromView):
    """An application to one of the caller's company's jobs, with its job and candidate named."""

    application_id: int
    job_id: int
    job_title: str
    candidate_id: int
    candidate_name: str
    candidate_email: str = Field(description="Empty for an erased candidate")
    stage: str = Field(description="A stage name of the job's pipeline")
    created_at: datetime
    updated_at: datetime


class HistoryOut(FromView):
    id: int
    application_id: int
    old_stage: str | None
    new_stage: str
    changed_by_id: int
    changed_by_name: str
    changed_at: datetime
    note: str | None
    kind: str = Field(description="applied, forward, skip, back, reject, reopen, unhire, withdraw or undo")
    reason: str | None = Field(default=None, description="The standard rejection reason chosen")


class EmailOut(FromView):
    id: int
    kind: str
    to_address: str
    subject: str
    status: Literal["queued", "sent", "failed", "cancelled"]
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    attempts: int
    cancelled_at: datetime | None = None


class TimelineOut(FromView):
    id: int
    application_id: int
    old_stage: str | None
    new_stage: str
    changed_at: datetime
    new_category: str = ""


class HealthOut(BaseModel):
    status: str
    database: str


class AnswerIn(BaseModel):
    question_id: int = Field(ge=1, le=2**63 - 1)
    answer: str | bool | None = Field(default=None, description="Text; yes/no; or one of the choices.")


class ApplyIn(BaseModel):
    cover_letter: str | None = Field(default=None, max_length=10_000)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=20)


class PublicApplyIn(BaseModel):
    """An application without an account, as JSON (multipart takes the same names, with the résumé
    as the file field ``resume`` and each answer as ``answer_{question_id}``)."""

    full_name: str = Field(max_length=200)
    email: str = Field(max_length=300)
    phone: str = Field(default="", max_length=100)
    linkedin_url: str = Field(default="", max_length=400)
    cover_letter: str = Field(default="", max_length=20_000)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=20)
    resume_name: str = Field(default="", max_length=300, description="The résumé's file name.")
    resume_base64: str = Field(
        max_length=15_000_000,
        description="The résumé (PDF or DOCX), base64; a body of at most 11 MiB (multipart for larger).",
    )
    source: str = Field(default="", max_length=100, description="A link's tag (e.g. linkedin), or embed.")
    started: str = Field(
        max_length=100,
        description="The token of GET /api/apply/form-token: a form sent within 3 s is refused.",
    )
    website: str = Field(default="", max_length=300, description="Must stay empty (people never see it).")


class PublicApplyOut(BaseModel):
    detail: str
    job_id: int
    email: str


class ApplyProblemsOut(BaseModel):
    detail: str | list[Any] | dict[str, Any] = Field(description="What went wrong, in words.")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Form field → what is wrong with it (when fields are the problem)"
    )


class FormTokenOut(BaseModel):
    started: str = Field(description="Send it back as `started` (form field or JSON)")
    min_seconds: int


class ResumeFieldsOut(FromView):
    full_name: str
    email: str
    phone: str
    linkedin_url: str


class FileOut(FromView):
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    page_count: int | None
    text_extracted: bool = Field(validation_alias="has_text")
    note: str | None = Field(
        validation_alias="text_note", description="Why no text could be read, when none was."
    )


class ProfileIn(BaseModel):
    full_name: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=40)
    location: str | None = Field(default=None, max_length=200)
    linkedin_url: str | None = Field(default=None, max_length=300)
    website: str | None = Field(default=None, max_length=300)
    headline: str | None = Field(default=None, max_length=200)


class ProfileOut(FromView):
    full_name: str
    email: str
    phone: str
    location: str
    linkedin_url: str
    website: str
    headline: str
    resume: FileOut | None


class AnswerOut(FromView):
    question_id: int | None
    kind: str
    prompt: str
    answer: str


class PossibleDuplicateOut(FromView):
    candidate_id: int
    full_name: str
    email: str
    same: str = Field(description="What they share: phone, LinkedIn profile, or both.")
    application_id: int = Field(description="Their latest application in your company.")


class ApplicationDetailOut(FromView):
    id: int
    job_id: int
    job_title: str
    stage: str
    applied_at: datetime
    candidate_id: int
    candidate_name: str
    candidate_email: str
    phone: str
    location: str
    linkedin_url: str
    website: str
    headline: str
    cover_letter: str
    answers: list[AnswerOut]
    resume: FileOut | None
    tags: list[str] = []
    possible_duplicates: list[PossibleDuplicateOut] = []


class NoteIn(BaseModel):
    body: str = Field(max_length=5000, description="Mention colleagues with @ and their email's local part.")


class NoteOut(FromView):
    id: int
    application_id: int
    author_id: int
    author_name: str
    body: str
    created_at: datetime
    mentioned: list[str]


class InterviewIn(BaseModel):
    starts_at: str = Field(max_length=40, description="Local date and time, e.g. 2026-12-01T14:30")
    timezone: str | None = Field(
        default=None,
        max_length=64,
        description="IANA name, e.g. Europe/Lisbon; omitted: the scheduler's own zone",
    )
    duration_minutes: int = Field(default=45, ge=15, le=480)
    location: str = Field(default="", max_length=300)
    video_url: str = Field(default="", max_length=500)
    interviewer_ids: list[int] = Field(min_length=1, max_length=20)


class InterviewPatch(BaseModel):
    starts_at: str | None = Field(default=None, max_length=40)
    timezone: str | None = Field(default=None, max_length=64)
    duration_minutes: int | None = Field(default=None, ge=15, le=480)
    location: str | None = Field(default=None, max_length=300)
    video_url: str | None = Field(default=None, max_length=500)
    interviewer_ids: list[int] | None = Field(default=None, min_length=1, max_length=20)


class InterviewerOut(BaseModel):
    id: int
    name: str


def _interviewers(pairs: object) -> object:
    """The core's (user id, name) pairs as objects; anything else is validated as it is."""
    if isinstance(pairs, tuple):
        return [{"id": user_id, "name": name} for user_id, name in pairs]
    return pairs


class InterviewOut(FromView):
    id: int
    application_id: int
    starts_at: datetime
    duration_minutes: int
    timezone: str
    location: str
    video_url: str
    status: str
    sequence: int
    scheduled_by_name: str
    interviewers: Annotated[list[InterviewerOut], BeforeValidator(_interviewers)]
    when: str = Field(default="", description="The start in its zone, and in yours when it reads differently")


class ScorecardIn(BaseModel):
    recommendation: Literal["strong_no", "no", "yes", "strong_yes"]
    ratings: dict[str, int] = Field(default_factory=dict, description="Each job criterion rated 1–4")
    notes: str = Field(default="", max_length=5000)


class ScorecardOut(FromView):
    id: int
    interview_id: int
    interviewer_id: int
    interviewer_name: str
    recommendation: str
    ratings: Annotated[dict[str, int], BeforeValidator(dict)]  # the core's (criterion, rating) pairs
    notes: str
    submitted_at: datetime


class ActivityOut(FromView):
    kind: Literal["stage", "note", "email", "interview", "scorecard"]
    at: datetime
    actor: str
    title: str
    body: str


class FunnelStepOut(FromView):
    category: str
    label: str
    reached: int = Field(description="Applications that reached this step or beyond")
    percent: float = Field(description="Of the applications in scope")
    conversion: float | None = Field(description="Share that reached the next step; null for the last")


class DurationOut(FromView):
    label: str
    count: int
    median_days: float | None
    p90_days: float | None


class ReasonOut(FromView):
    reason: str
    category: str = Field(description="The step the applications were rejected from")
    count: int


class SourceOut(FromView):
    source: str = Field(description="careers, link, talent_pool, api or unknown")
    detail: str = Field(description="A shared link's ?source= tag")
    label: str
    applications: int
    hired: int


class OfferFiguresOut(FromView):
    sent: int = Field(description="Offers sent on the applications in scope (a revision counts once)")
    accepted: int
    declined: int
    expired: int
    acceptance_rate: float | None = Field(description="Accepted ÷ (accepted + declined + expired)")
    time_to_accept: DurationOut = Field(description="From sending the offer to the candidate's signature")


class AnalyticsOut(FromView):
    job_id: int | None
    since: date | None
    until: date | None
    applications: int
    funnel: list[FunnelStepOut]
    time_in_stage: list[DurationOut]
    time_to_hire: DurationOut
    time_to_fill: DurationOut
    reasons: list[ReasonOut]
    standard_reasons: list[str]
    sources: list[SourceOut]
    generated_at: datetime
    offers: OfferFiguresOut


class PoolApplicationOut(FromView):
    application_id: int
    job_id: int
    job_title: str
    stage: str
    category: str
    applied_at: datetime


def _bracketed(snippet: str) -> str:
    """The core marks a match with control characters; the API puts it between [ and ]."""
    return snippet.replace(MARK_START, "[").replace(MARK_END, "]")


class PoolCandidateOut(FromView):
    id: int = Field(validation_alias="candidate_id")
    full_name: str
    email: str
    headline: str
    tags: list[str]
    last_applied_at: datetime
    snippet: Annotated[str, AfterValidator(_bracketed)] = Field(
        description="Words around the match in the résumé or notes; matches between [ and ]."
    )
    applications: list[PoolApplicationOut]


class PoolPageOut(FromView):
    total: int
    page: int
    per_page: int
    pages: int
    candidates: list[PoolCandidateOut]


class TagsIn(BaseModel):
    tags: list[str] = Field(
        max_length=50, description="Replaces every tag; at most 20, each up to 40 characters."
    )


class TagsOut(BaseModel):
    tags: list[str]


class TagCountOut(BaseModel):
    tag: str
    candidates: int


class ErasureOut(FromView):
    subject_id: int = Field(description="The anonymous record that now holds the erased applications.")
    applications: int
    account_erased: bool = Field(description="False when the person's account stays for another company.")


class ErasureLogOut(FromView):
    id: int
    subject_id: int
    kind: str
    erased_by: str = Field(validation_alias="erased_by_name")
    applications: int
    erased_at: datetime
    description: str


class RetentionIn(BaseModel):
    months: int | None = Field(default=None, description="1–120, or null to keep candidates (the default).")


class RetentionOut(BaseModel):
    months: int | None


class CareersLinkIO(FromView):
    label: str = Field(max_length=40)
    url: str = Field(max_length=300, description="An http(s) address.")


class CareersIn(BaseModel):
    """The fields to change; a field left out keeps its value."""

    slug: str | None = Field(
        default=None,
        max_length=60,
        description="The careers site's address, /careers/{slug}; the old one keeps redirecting.",
    )
    about: str | None = Field(default=None, max_length=5000, description="Markdown.")
    accent_color: str | None = Field(default=None, max_length=7, description="#rrggbb")
    links: list[CareersLinkIO] | None = Field(default=None, max_length=8)


class CareersOut(FromView):
    company_name: str
    slug: str
    about: str = Field(description="Markdown.")
    accent_color: str
    links: list[CareersLinkIO]
    logo_url: Annotated[str | None, BeforeValidator(lambda url: url or None)] = Field(
        description="The public logo, /careers/{slug}/logo; null without one."
    )
    careers_url: str
    embed_script: str = Field(description="A <script> snippet that lists the open jobs on another site.")
    embed_iframe: str = Field(description="The same list as an <iframe>.")
    old_slugs: list[str] = Field(description="Former addresses that redirect to this one, newest first.")
    can_edit: bool


class EraseMeIn(BaseModel):
    password: str = Field(max_length=1000, description="Your password, to confirm.")


class BulkIn(BaseModel):
    """One action on many applications; the fields an action does not use are ignored."""

    action: str = Field(max_length=20, description="move, reject, tag, add_to_job or email")
    application_ids: list[int] = Field(
        max_length=5000, description="At most 500 different applications; a repeated id counts once."
    )
    target_stage: str | None = Field(default=None, max_length=200, description="move: a stage name.")
    reason: str | None = Field(
        default=None, max_length=200, description="reject: one of the company's standard reasons."
    )
    reason_id: int | None = Field(default=None, description="reject: a standard reason by its id.")
    note: str | None = Field(
        default=None, max_length=2000, description="An internal note; a move back's reason."
    )
    send_in_minutes: int | None = Field(
        default=None,
        description="move, reject: hold each candidate's email this long after the batch (0 to "
        "43200; never less than the undo window, which is the default); email: send this much later.",
    )
    notify: bool = Field(default=True, description="move, reject: false sends the candidates no email.")
    template_id: int | None = Field(
        default=None,
        ge=1,
        le=2**63 - 1,
        description="reject: one of the company's rejection templates; email: the template sent.",
    )
    tags: list[str] | None = Field(
        default=None, max_length=50, description="tag: added to each candidate's tags."
    )
    job_id: int | None = Field(default=None, description="add_to_job: an open job of the company.")


class BulkFailureOut(FromView):
    id: int = Field(validation_alias="application_id")
    name: str = Field(description="The candidate, as the board names them")
    detail: str = Field(description="Why this application was left as it was")


class BulkOut(FromView):
    batch_id: int | None = Field(description="For POST /api/batches/{id}/undo; null when nothing was done.")
    action: str = Field(description="The action done: move, reject, tag, add_to_job, or undo")
    succeeded: list[int] = Field(description="The application ids acted on")
    failed: list[BulkFailureOut]
    undo_seconds: int = Field(description="How long the batch may be undone; 0: it cannot be.")


class RejectIn(BaseModel):
    """A rejection on the recruiter's terms: give ``send_in_minutes``, ``send_at`` or ``notify:
    false``; none of them follows the rejected stage's own settings."""

    reason_id: int | None = Field(default=None, ge=1, le=2**63 - 1, description="A standard reason.")
    reason: str | None = Field(default=None, max_length=200, description="A standard reason by its words.")
    note: str | None = Field(default=None, max_length=2000, description="Internal; never sent.")
    template_id: int | None = Field(
        default=None, ge=1, le=2**63 - 1, description="One of the company's rejection templates."
    )
    send_in_minutes: int | None = Field(default=None, ge=0, le=43200, description="Hold the email this long.")
    send_at: datetime | None = Field(default=None, description="Send the email then (within 30 days).")
    notify: bool = Field(default=True, description="false: no email at all.")
    expected_stage: str | None = Field(
        default=None, max_length=40, description="Where the caller saw the card; a conflict if it moved."
    )


class RejectReasonOut(BaseModel):
    id: int
    label: str
    template_id: int | None = Field(description="The rejection template it pre-chooses; null: the default.")


class RejectTemplateOut(BaseModel):
    id: int | None = Field(description="null: FlowTrack's built-in rejection (the company wrote none).")
    name: str
    is_default: bool


class RejectOptionsOut(BaseModel):
    reasons: list[RejectReasonOut]
    templates: list[RejectTemplateOut]


class CompanyTimeZoneIO(BaseModel):
    time_zone: str = Field(max_length=64, description="An IANA name, e.g. Europe/Berlin.")
