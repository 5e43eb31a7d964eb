"""Applying in one step without an account: the careers site's form and its REST twin.

One form brings the applicant's name, email, phone, LinkedIn profile, résumé, cover letter and
answers. The application exists at once; the candidate record is found by email, or made without
a password; an emailed link signs the candidate in to their tracker (``/track/{token}``, valid
7 days, works once; ``accounts/sign_in.sign_in_with_link``).

The same email reuses the same candidate record, and the applicant is shown nothing of it: the
record's name and profile are kept as they are (a stranger may not overwrite a real account), and
only the address's owner, through the emailed link, reaches the tracker. An address a staff
account (or a closed account) holds is refused with one message that says nothing of why. An
account that signed up with a password but never confirmed its address takes nothing addressed to
that address (``accounts/email_ownership.py``): it is asked to confirm first.

Spam: a honeypot field that must stay empty, a signed "form started at" token (HMAC with the
app's secret) refusing a form sent faster than a person fills it or older than a day, and limits
per address and per client address (``ApplyAttempt`` rows, counted before the résumé is read).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import notifications, security, validation
from ..analytics.sources import Source, classify
from ..candidates import profile as profiles
from ..db import Database, existing
from ..errors import Conflict, DomainError, InvalidInput, TooLarge, TooManyAttempts, UnsupportedFile
from ..files import file_types, storage
from ..models import Application, ApplyAttempt, CandidateProfile, Company, SignInLink, User
from ..permissions import Role
from ..talent import duplicates
from . import questions as screening
from .applying import MAX_COVER_LETTER, file_answers, new_application, open_job
from .resume_fields import ResumeFields, contact_fields

# A person takes longer than this to fill in the form; a form older than MAX_FORM_AGE is stale.
MIN_FILL_SECONDS = 3
MAX_FORM_AGE = timedelta(days=1)
SIGN_IN_LINK_TTL = timedelta(days=7)
# Applications an hour per address and per client address; résumés read for pre-filling per client.
MAX_PER_ADDRESS = 5
MAX_PER_CLIENT = 20
MAX_PREFILLS_PER_CLIENT = 30
WINDOW = timedelta(hours=1)
KEEP_ATTEMPTS = timedelta(days=1)
# An ApplyAttempt with this address is a résumé read to pre-fill the form, not an application.
PREFILL = ""

ALREADY_APPLIED = "You have already applied to this job — check your email for your tracking link."
ADDRESS_REFUSED = (
    "We cannot take an application with this email address here. Please use another address, "
    "or sign in to FlowTrack with it and apply from your account."
)
CONFIRM_FIRST = (
    "An account that has not confirmed this email address yet uses it. If it is yours, confirm the "
    "address with the link we emailed you (signed in, your account page sends a new one), then "
    "send this form again."
)
NOT_SENT = "Your application could not be sent. Please reload the page and try again."
STALE_FORM = "This form is out of date. Please send it again (your answers are kept)."
TOO_FAST = "That was quicker than a person fills in this form. Please check your answers and send it again."
RESUME_MISSING = "Attach your résumé: a PDF or Word (DOCX) file of at most 10 MiB."


@dataclass(frozen=True)
class PublicApplication:
    """The form as sent. ``answers`` maps a question id to its answer (or is a list of
    ``{question_id, answer}``); ``resume`` is the file's bytes and ``resume_name`` the name the
    browser gave; ``source`` a link's ``?source=`` value (``embed`` from the embedded job list);
    ``honeypot`` the field people never see; ``started`` the signed token of when the form was
    shown (``form_token``)."""

    full_name: object = ""
    email: object = ""
    phone: object = ""
    linkedin_url: object = ""
    cover_letter: object = ""
    answers: object = None
    resume: object = None
    resume_name: object = ""
    source: object = ""
    honeypot: object = ""
    started: object = ""


@dataclass(frozen=True)
class Applied:
    """What the applicant is told: the job, and where the email with the tracking link went."""

    job_id: int
    job_title: str
    company_name: str
    email: str


class FormProblems(InvalidInput):
    """Fields the applicant must look at again: ``fields`` maps a form field (``full_name``,
    ``email``, ``phone``, ``linkedin_url``, ``cover_letter``, ``resume``, ``answer_{id}``) to its
    message. A résumé refused for its type or size alone keeps that status (415, 413)."""

    def __init__(self, fields: dict[str, str], status_code: int = 422):
        self.fields = fields
        self.status_code = status_code
        count = len(fields)
        super().__init__(
            f"Please check {'this field' if count == 1 else f'these {count} fields'}: "
            + " ".join(fields.values())
        )


class TooManyApplications(TooManyAttempts):
    """Over the hourly limit of the public form; ``retry_after`` in whole seconds."""

    def __init__(self, retry_after: float, what: str):
        self.retry_after = max(1, int(retry_after))
        minutes = -(-self.retry_after // 60)
        when = f"{minutes} minute{'s' if minutes != 1 else ''}"
        DomainError.__init__(self, f"Too many {what} within the hour. Please try again in {when}.")


# --- the form's "started at" token ---------------------------------------------------------------


def _signature(stamp: str) -> str:
    key = hashlib.sha256(("flowtrack apply form\0" + security.jwt_secret()).encode()).digest()
    return hmac.new(key, stamp.encode(), hashlib.sha256).hexdigest()[:32]


def form_token(now: datetime | None = None) -> str:
    """When the form was shown, signed: ``<unix seconds>.<HMAC>`` (its hidden ``started`` field)."""
    stamp = str(int((now or datetime.now(UTC)).timestamp()))
    return f"{stamp}.{_signature(stamp)}"


def _started_at(token: object) -> datetime | None:
    if not isinstance(token, str) or len(token) > 60 or "." not in token:
        return None
    stamp, signature = token.split(".", 1)
    if not stamp.isdigit() or not hmac.compare_digest(signature, _signature(stamp)):
        return None
    try:
        return datetime.fromtimestamp(int(stamp), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def current_form_token(given: object, now: datetime | None = None) -> str:
    """The token to send the form again with: the one it came with while that is still good (so
    the time already spent counts), else a new one."""
    now = now or datetime.now(UTC)
    started = _started_at(given)
    if started is not None and now - MAX_FORM_AGE < started <= now:
        return str(given)
    return form_token(now)


def _check_spam(form: PublicApplication, now: datetime) -> None:
    if form.honeypot not in (None, ""):
        raise InvalidInput(NOT_SENT)
    started = _started_at(form.started)
    if started is None or started > now + timedelta(seconds=5) or now - started > MAX_FORM_AGE:
        raise InvalidInput(STALE_FORM)
    if (now - started).total_seconds() < MIN_FILL_SECONDS:
        raise InvalidInput(TOO_FAST)


# --- the fields ----------------------------------------------------------------------------------

ANSWER_FIELD = "answer_"


def from_form(fields: Mapping[str, object], resume: bytes | None, resume_name: str) -> PublicApplication:
    """The one-step form as posted (its fields by name: ``full_name``, ``email``, ``phone``,
    ``linkedin_url``, ``cover_letter``, ``answer_{question_id}``, ``source``, the honeypot
    ``website`` and the ``started`` token), for the job page's form and the API's multipart twin."""
    return PublicApplication(
        full_name=fields.get("full_name", ""),
        email=fields.get("email", ""),
        phone=fields.get("phone", ""),
        linkedin_url=fields.get("linkedin_url", ""),
        cover_letter=fields.get("cover_letter", ""),
        answers=answers_from_fields(fields),
        resume=resume,
        resume_name=resume_name,
        source=fields.get("source", ""),
        honeypot=fields.get("website", ""),
        started=fields.get("started", ""),
    )


def answers_from_fields(fields: Mapping[str, object]) -> dict[str, object]:
    """The answers of a posted form: each ``answer_{question_id}`` field, by its question id (the
    check against the job's questions happens in ``apply_without_account``)."""
    return {
        key.removeprefix(ANSWER_FIELD): value for key, value in fields.items() if key.startswith(ANSWER_FIELD)
    }


@dataclass(frozen=True)
class _Checked:
    full_name: str
    email: str
    phone: str
    linkedin_url: str
    cover_letter: str
    resume: bytes
    content_type: str
    resume_name: str
    source: Source
    source_detail: str | None


def _check_fields(
    form: PublicApplication, default_source: Source
) -> tuple[_Checked | None, dict[str, str], int]:
    """Every field checked, each problem kept under its field's name (all of them at once, so the
    form shows them together); the status a résumé problem answers with when it is the only one."""
    problems: dict[str, str] = {}
    values: dict[str, str] = {}
    checks = {
        "full_name": lambda v: validation.person_name(v),
        "email": validation.email,
        "phone": profiles.phone,
        "linkedin_url": lambda v: profiles.web_url(v, "LinkedIn URL", "linkedin.com"),
        "cover_letter": lambda v: validation.text(
            v, "Cover letter", max_len=MAX_COVER_LETTER, required=False, multiline=True
        ),
    }
    for name, check in checks.items():
        try:
            values[name] = check(getattr(form, name))
        except InvalidInput as exc:
            problems[name] = exc.message
    status = 422
    resume: tuple[bytes, str, str] | None = None
    if form.resume in (None, b""):
        problems["resume"] = RESUME_MISSING
    else:
        try:
            resume = file_types.check_resume(form.resume, form.resume_name)
        except (InvalidInput, TooLarge, UnsupportedFile) as exc:
            problems["resume"] = exc.message
            status = exc.status_code
    try:
        source, detail = classify(form.source, default_source)
    except InvalidInput:  # a malformed tag is not recorded; it never stops an application
        source, detail = default_source, None
    if problems or resume is None:
        return None, problems, status
    checked = _Checked(
        full_name=values["full_name"],
        email=values["email"],
        phone=values["phone"],
        linkedin_url=values["linkedin_url"],
        cover_letter=values["cover_letter"],
        resume=resume[0],
        content_type=resume[1],
        resume_name=resume[2],
        source=source,
        source_detail=detail,
    )
    return checked, {}, status


def _answer_problems(s: Session, job_id: int, answers: object) -> dict[str, str]:
    try:
        screening.check_answers(screening.for_job(s, job_id), answers)
    except screening.MissingAnswers as exc:
        return {
            f"{ANSWER_FIELD}{qid}": f"{message[0].upper()}{message[1:]}."
            for qid, message in exc.problems.items()
        }
    return {}


# --- who applies ---------------------------------------------------------------------------------


def _holder(s: Session, email: str) -> User | None:
    """The account of this address, when it may take the application; refuses one that may not."""
    user = s.exec(select(User).where(User.email == email)).first()
    if user is None:
        return None
    if user.role != Role.CANDIDATE or not user.is_active or user.erased_at is not None:
        raise Conflict(ADDRESS_REFUSED)
    if user.password_hash and user.email_verified_at is None:
        raise Conflict(CONFIRM_FIRST)
    return user


def _check_not_applied(s: Session, job_id: int, user: User | None) -> None:
    if user is None:
        return
    exists = s.exec(
        select(Application.id).where(Application.job_id == job_id, Application.candidate_id == user.id)
    ).first()
    if exists is not None:
        raise Conflict(ALREADY_APPLIED)


# --- rate limits ---------------------------------------------------------------------------------


def _lock(s: Session, db: Database, *keys: str) -> None:
    """Count one address's (and one client's) attempts one at a time (SQLite writers already are);
    the locks are taken in one order, so two callers never wait on each other."""
    if db.is_sqlite:
        return
    numbers = sorted(
        int.from_bytes(hashlib.sha256(f"apply:{key}".encode()).digest()[:8], "big", signed=True)
        for key in keys
    )
    for number in numbers:
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": number})


def _recent(s: Session, *conditions, since: datetime, limit: int) -> list[datetime]:
    return list(
        s.exec(
            select(ApplyAttempt.attempted_at)
            .where(*conditions, ApplyAttempt.attempted_at >= since)
            .order_by(ApplyAttempt.attempted_at.desc())
            .limit(limit)
        ).all()
    )


def _retry_after(times: list[datetime], now: datetime) -> float:
    return ((min(times) + WINDOW) - now).total_seconds() + 1


def _reserve(db: Database, email: str, client: str, now: datetime) -> None:
    """Count this attempt, or refuse it (TooManyApplications) when the hour's limit is reached.

    In its own transaction, before the résumé is read: a refused attempt costs no file worker.
    ``email`` is PREFILL for a résumé read to pre-fill the form.
    """
    since = now - WINDOW
    with db.session(write=True) as s:
        _lock(s, db, f"client:{client}", f"email:{email}")
        s.execute(delete(ApplyAttempt).where(ApplyAttempt.attempted_at < now - KEEP_ATTEMPTS))
        if email == PREFILL:
            by_client = _recent(
                s,
                ApplyAttempt.client == client,
                ApplyAttempt.email == PREFILL,
                since=since,
                limit=MAX_PREFILLS_PER_CLIENT,
            )
            if len(by_client) >= MAX_PREFILLS_PER_CLIENT:
                raise TooManyApplications(_retry_after(by_client, now), "résumés were read from here")
        else:
            by_address = _recent(s, ApplyAttempt.email == email, since=since, limit=MAX_PER_ADDRESS)
            if len(by_address) >= MAX_PER_ADDRESS:
                raise TooManyApplications(
                    _retry_after(by_address, now), "applications used this email address"
                )
            by_client = _recent(
                s,
                ApplyAttempt.client == client,
                ApplyAttempt.email != PREFILL,
                since=since,
                limit=MAX_PER_CLIENT,
            )
            if len(by_client) >= MAX_PER_CLIENT:
                raise TooManyApplications(_retry_after(by_client, now), "applications were sent from here")
        s.add(ApplyAttempt(email=email, client=client, attempted_at=now))


def _client(client: object) -> str:
    return (client if isinstance(client, str) else "").strip()[:64]


# --- the use cases -------------------------------------------------------------------------------


def _link_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_candidate(s: Session, f: _Checked, now: datetime) -> tuple[User, CandidateProfile]:
    user = User(email=f.email, full_name=f.full_name, role=Role.CANDIDATE, password_hash="", created_at=now)
    s.add(user)
    try:
        with s.begin_nested():
            s.flush()
    except IntegrityError:  # the same address sent twice at once: the other one made the record
        raise Conflict(ALREADY_APPLIED) from None
    profile = CandidateProfile(
        user_id=user.id,
        phone=f.phone,
        linkedin_url=f.linkedin_url,
        phone_key=duplicates.phone_key(f.phone),
        linkedin_key=duplicates.linkedin_key(f.linkedin_url),
        updated_at=now,
    )
    s.add(profile)
    return user, profile


def apply_without_account(
    db: Database,
    job_id: object,
    form: PublicApplication,
    *,
    client: str,
    now: datetime | None = None,
    default_source: Source = Source.CAREERS,
) -> Applied:
    """Apply to a published or unlisted job with the one form, no account needed.

    Refusals, cheapest first: spam (honeypot, fill time; InvalidInput), the fields and the job's
    answers (FormProblems naming each field; 413/415 for a résumé alone), a job that takes no
    applications (404, or 409 once closed), an address that may not apply here or already applied
    to this job (409), the hourly limits (429). The résumé is then read in a file worker, and one
    transaction makes the candidate record if there is none, stores the résumé (owned by the
    candidate, snapshotted on the application), the application in the job's first stage with its
    first history row by the candidate, its answers and its source, and queues the email with the
    sign-in link; a disqualifying answer rejects it there and then, its email held
    (``applying.file_answers``). Call it from a thread: the résumé's reading blocks.
    """
    now = now or datetime.now(UTC)
    client = _client(client)
    job_id = validation.object_id(job_id, "Job id")
    _check_spam(form, now)
    checked, problems, status = _check_fields(form, default_source)
    with db.session() as s:
        open_job(s, job_id, now)
        problems |= _answer_problems(s, job_id, form.answers)
        if problems or checked is None:
            raise FormProblems(problems, status if list(problems) == ["resume"] else 422)
        _check_not_applied(s, job_id, _holder(s, checked.email))
    _reserve(db, checked.email, client, now)
    prepared = storage.prepare(0, checked.resume, checked.content_type, checked.resume_name)
    with db.session(write=True) as s:
        job = open_job(s, job_id, now)
        questions = screening.for_job(s, job.id)
        answers = screening.check_answers(questions, form.answers)
        user = _holder(s, checked.email)
        _check_not_applied(s, job.id, user)
        new_profile = None
        if user is None:
            user, new_profile = _new_candidate(s, checked, now)
        prepared.row.owner_id = user.id
        prepared.row.created_at = now
        resume = storage.add(s, prepared)
        if new_profile is not None:  # a new record's résumé is its current one; a kept record's stays
            new_profile.resume_file_id = resume.id
            s.add(new_profile)
            s.flush()
        app = new_application(
            s,
            job,
            user.id,
            actor_id=user.id,
            source=checked.source,
            source_detail=checked.source_detail,
            cover_letter=checked.cover_letter or None,
            resume_file_id=resume.id,
            now=now,
            duplicate_message=ALREADY_APPLIED,
        )
        token = secrets.token_urlsafe(32)
        expires_at = now + SIGN_IN_LINK_TTL
        s.add(
            SignInLink(user_id=user.id, token_hash=_link_hash(token), expires_at=expires_at, created_at=now)
        )
        notifications.application_received(
            s, app, notifications.SignInLinkMail(token, expires_at, has_password=bool(user.password_hash))
        )
        file_answers(s, db, app, job, questions, answers)
        company = existing(s, Company, job.company_id)
        return Applied(job_id=job.id, job_title=job.title, company_name=company.name, email=checked.email)


def retention_months(db: Database, company_id: int) -> int | None:
    """How many months the company keeps the candidates it turned down (None: no set period), for
    the form's privacy notice."""
    with db.session() as s:
        company = s.get(Company, company_id)
        return company.retention_months if company else None


def resume_fields(
    db: Database, data: object, name: object, *, client: str, now: datetime | None = None
) -> ResumeFields:
    """The name, email, phone and LinkedIn profile a résumé's text gives, to pre-fill the form.

    The file is checked like any résumé (413, 415), counted against the client's hourly limit
    (429), read in a file worker (429 when none is free), and not stored.
    """
    now = now or datetime.now(UTC)
    data, content_type, _safe = file_types.check_resume(data, name)
    _reserve(db, PREFILL, _client(client), now)
    text_found, _note, _pages = storage.read_text(content_type, data)
    return contact_fields(text_found or "")
