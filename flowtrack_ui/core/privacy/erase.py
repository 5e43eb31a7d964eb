"""Erasing a candidate: personal data and files go, anonymous stage history stays.

What goes: name, email, profile, résumés and every other file, answers, cover letters, tags,
the company's notes about them, the emails about them in the outbox, their searchable documents
(the full-text index follows through its triggers or generated column), the free text of their
interviews (location, video link). Their future interviews are cancelled, with a METHOD:CANCEL
to the interviewers only (the candidate's address is gone); past ones stay, as history. Wherever
the company's other rows mention them — notes, move and rejection notes, scorecards, interviews,
emails in the outbox — their name (whole and each part), email, phone and profile URLs are
redacted (``redaction`` says how a mention is recognised) and the search documents of the
candidates those notes are about are rewritten. What stays: the application rows, their stage
history (who moved them, when, why by standard reason), their interviews and scorecards (without
their text), so the chain and every report and count stay true; the account row, anonymous and
unable to sign in.

A candidate erasing themself erases the whole account. A recruiter (or the company's
retention period) erases what *that company* holds: when the person also applied to another
company, their applications here move to a new anonymous record and their account stays for the
other company; otherwise the whole account is erased. Each erase writes an ``erasure_log`` row
per company concerned, holding no erased data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlmodel import Session, select

from .. import audit, notifications, security, throttle
from ..changes import candidate_topic
from ..collaboration import interviews
from ..db import Database, announce, announce_application_change, existing
from ..errors import InvalidInput, NotFound
from ..mail import conversation as mail_conversation
from ..models import (
    Application,
    ApplicationAnswer,
    ApplicationHistory,
    ApplicationNote,
    CandidateProfile,
    CandidateTag,
    ErasureLog,
    Interview,
    Job,
    OutboxEmail,
    PasswordReset,
    Scorecard,
    SignInFailure,
    StoredFile,
    User,
)
from ..offers import erasure as offer_erasure
from ..permissions import Action, Principal, Role, require
from ..talent import documents
from ..talent.access import company_candidate
from ..webhooks import events as webhook_events
from .redaction import Redactor

ERASED_NAME = "Erased candidate"
BATCH = 500  # rows read at a time while looking for mentions
UNUSABLE_HASH = "!erased"  # no password verifies against it


class Kind:
    SELF = "self"
    STAFF = "staff"
    RETENTION = "retention"


@dataclass(frozen=True)
class Erasure:
    subject_id: int  # the anonymous record that now holds the applications
    applications: int
    account_erased: bool  # False when the person's account stays for another company


ERASED_DOMAIN = "erased.invalid"  # reserved (RFC 2606): no mail is ever delivered there


def _anonymous_email() -> str:
    return f"erased-{uuid.uuid4().hex}@{ERASED_DOMAIN}"


def shown_email(email: str) -> str:
    """The address to show staff: none for an erased person, whose stored placeholder only keeps
    the account's unique column filled and means nothing to a reader."""
    return "" if email.endswith("@" + ERASED_DOMAIN) else email


def _anonymise(user: User, now: datetime) -> None:
    user.email = _anonymous_email()
    user.full_name = ERASED_NAME
    user.password_hash = UNUSABLE_HASH
    user.is_active = False
    user.token_version += 1  # every token ends at once
    user.erased_at = now


def _person(s: Session, user: User) -> Redactor:
    """What names them in free text: read before the profile and the account are erased."""
    profile = s.get(CandidateProfile, user.id)
    if profile is None:
        return Redactor.of(user.full_name, user.email)
    return Redactor.of(user.full_name, user.email, profile.phone, (profile.linkedin_url, profile.website))


def _fits(column, text: str) -> str:
    """A redacted text is longer than the original: cut to the column's length where it has one."""
    limit = getattr(column.type, "length", None)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _redact_rows(s: Session, model, scope, fields: dict[str, Callable[[str], str]]) -> list[int]:
    """Redacts ``fields`` of every row of ``model`` in ``scope``, a batch at a time (matching is
    done here, not in SQL: the engines' ``lower`` and ``LIKE`` know neither Unicode case nor a
    phone's spacing). Returns the ids of the rows changed."""
    table = model.__table__
    columns = [table.c[name] for name in fields]
    changed: list[int] = []
    last = 0
    while True:
        rows = s.execute(
            select(table.c.id, *columns).where(scope, table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        for row_id, *texts in rows:
            values = {}
            for column, text in zip(columns, texts, strict=True):
                redacted = fields[column.key](text) if text else text
                if redacted != text:
                    values[column.key] = _fits(column, redacted)
            if values:
                s.execute(update(table).where(table.c.id == row_id).values(**values))
                changed.append(row_id)
        if len(rows) < BATCH:
            return changed
        last = rows[-1][0]


def _redact_mentions(s: Session, company_ids: list[int], person: Redactor) -> None:
    """The person out of every note, move note, scorecard, interview and outbox email of those
    companies, and out of the search documents of the candidates those notes are about."""
    if not company_ids or person.pattern is None:
        return
    company_apps = (
        select(Application.id).join(Job, Job.id == Application.job_id).where(Job.company_id.in_(company_ids))
    )
    company_interviews = select(Interview.id).where(Interview.application_id.in_(company_apps))
    text = person.redact
    notes = _redact_rows(s, ApplicationNote, ApplicationNote.application_id.in_(company_apps), {"body": text})
    _redact_rows(s, ApplicationHistory, ApplicationHistory.application_id.in_(company_apps), {"note": text})
    _redact_rows(s, Scorecard, Scorecard.interview_id.in_(company_interviews), {"notes": text})
    _redact_rows(
        s, Interview, Interview.application_id.in_(company_apps), {"location": text, "video_url": text}
    )
    _redact_rows(
        s,
        OutboxEmail,
        OutboxEmail.application_id.in_(company_apps),
        {"subject": text, "body_text": text, "body_html": text, "calendar_ics": person.redact_calendar},
    )
    s.flush()
    if notes:
        touched = select(ApplicationNote.application_id).where(ApplicationNote.id.in_(notes))
        for candidate_id, company_id in s.exec(
            select(Application.candidate_id, Job.company_id)
            .join(Job, Job.id == Application.job_id)
            .where(Application.id.in_(touched))
            .distinct()
        ).all():
            documents.refresh(s, company_id, candidate_id)


def _wipe_applications(s: Session, app_ids: list[int]) -> None:
    """Everything about the person on these applications; the rows, their history, interviews and
    scorecards stay (without their text)."""
    if not app_ids:
        return
    snapshot_ids = [
        f for f in s.exec(select(Application.resume_file_id).where(Application.id.in_(app_ids))).all() if f
    ]
    # The conversation first (it removes only its messages' files, never an offer's PDF, which
    # the offer rows still name), then the offers: both before the emails go.
    mail_conversation.forget_applications(s, app_ids)  # replies, their files, sent files, reply address
    offer_erasure.forget(s, app_ids)  # their attachments, the offers' PDFs
    s.exec(delete(ApplicationAnswer).where(ApplicationAnswer.application_id.in_(app_ids)))
    s.exec(delete(ApplicationNote).where(ApplicationNote.application_id.in_(app_ids)))
    s.exec(
        update(ApplicationHistory)
        .where(ApplicationHistory.application_id.in_(app_ids), ApplicationHistory.note.is_not(None))
        .values(note=None)
    )
    s.exec(update(Interview).where(Interview.application_id.in_(app_ids)).values(location="", video_url=""))
    their_interviews = select(Interview.id).where(Interview.application_id.in_(app_ids))
    s.exec(update(Scorecard).where(Scorecard.interview_id.in_(their_interviews)).values(notes=""))
    s.exec(delete(OutboxEmail).where(OutboxEmail.application_id.in_(app_ids)))
    s.exec(
        update(Application).where(Application.id.in_(app_ids)).values(cover_letter=None, resume_file_id=None)
    )
    _drop_unused_files(s, snapshot_ids)


def _cancel_future_interviews(s: Session, app_ids: list[int], now: datetime) -> None:
    """Their interviews still to come are cancelled; the interviewers get the METHOD:CANCEL. Run
    after the applications are anonymous, so the cancellation names no one."""
    if not app_ids:
        return
    future = s.exec(
        select(Interview)
        .where(
            Interview.application_id.in_(app_ids),
            Interview.status == interviews.SCHEDULED,
            Interview.starts_at > now,
        )
        .order_by(Interview.id)
    ).all()
    for interview in future:
        interviews.cancel_for_interviewers(s, interview)


def _drop_unused_files(s: Session, file_ids: list[int]) -> None:
    if not file_ids:
        return
    used = set(
        s.exec(select(Application.resume_file_id).where(Application.resume_file_id.in_(file_ids))).all()
    )
    used |= set(
        s.exec(
            select(CandidateProfile.resume_file_id).where(CandidateProfile.resume_file_id.in_(file_ids))
        ).all()
    )
    unused = [f for f in file_ids if f not in used]
    if unused:
        s.exec(delete(StoredFile).where(StoredFile.id.in_(unused)))


def _apps(s: Session, candidate_id: int, company_id: int | None = None) -> list[tuple[int, int, int]]:
    """(application id, job id, company id) of the person's applications, locked against racing erases."""
    query = (
        select(Application.id, Application.job_id, Job.company_id)
        .join(Job, Job.id == Application.job_id)
        .where(Application.candidate_id == candidate_id)
        .order_by(Application.id)
        .with_for_update(of=Application)
    )
    if company_id is not None:
        query = query.where(Job.company_id == company_id)
    return list(s.exec(query).all())


def _log(s: Session, company_ids, subject_id: int, by: int | None, kind: str, counts: dict, now) -> None:
    for company_id in company_ids or [None]:
        s.add(
            ErasureLog(
                company_id=company_id,
                subject_id=subject_id,
                erased_by_id=by,
                kind=kind,
                applications=counts.get(company_id, 0),
                erased_at=now,
            )
        )


def _tell_webhooks(
    s: Session, user_id: int, apps: list[tuple[int, int, int]], kind: str, now: datetime
) -> None:
    """``candidate.erased`` to each company that held the person: the ids its systems know them by
    (the body carries no personal data), so the receiver can delete its own copies. It waits behind
    what is still queued about the first of those applications."""
    for company_id in sorted({c for *_, c in apps}):
        ids = [a for a, _, c in apps if c == company_id]
        data = {"candidate_id": user_id, "application_ids": ids, "kind": kind}
        key = webhook_events.application_key(ids[0])
        webhook_events.emit(s, company_id, webhook_events.CANDIDATE_ERASED, data, ordering_key=key, now=now)


def _announce(s: Session, user_id: int, apps: list[tuple[int, int, int]]) -> None:
    announce(s, candidate_topic(user_id))
    for app_id, job_id, company_id in apps:
        announce_application_change(s, app_id, job_id=job_id, candidate_id=user_id, company_id=company_id)


def erase_account(s: Session, user: User, by: int | None, kind: str) -> Erasure:
    """The whole person, in the caller's transaction."""
    now = datetime.now(UTC)
    apps = _apps(s, user.id)
    app_ids = [a for a, *_ in apps]
    companies = sorted({c for *_, c in apps})
    person = _person(s, user)
    _wipe_applications(s, app_ids)
    _redact_mentions(s, companies, person)
    s.exec(delete(CandidateProfile).where(CandidateProfile.user_id == user.id))
    s.exec(delete(StoredFile).where(StoredFile.owner_id == user.id))
    s.exec(delete(CandidateTag).where(CandidateTag.candidate_id == user.id))
    documents.remove_all(s, user.id)
    # Only the account's own emails: an invitation or a sign-up claim sent to the same address
    # belongs to whoever reads it, not to this account (its application emails went above).
    s.exec(
        delete(OutboxEmail).where(
            OutboxEmail.to_address == user.email,
            OutboxEmail.kind.in_(notifications.ACCOUNT_EMAIL_KINDS),
        )
    )
    s.exec(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    s.exec(delete(SignInFailure).where(SignInFailure.email == user.email))
    _anonymise(user, now)
    s.add(user)
    s.flush()
    _cancel_future_interviews(s, app_ids, now)
    counts: dict = {}
    for *_, company_id in apps:
        counts[company_id] = counts.get(company_id, 0) + 1
    _log(s, companies, user.id, by, kind, counts, now)
    _tell_webhooks(s, user.id, apps, kind, now)
    _announce(s, user.id, apps)
    s.flush()
    return Erasure(subject_id=user.id, applications=len(apps), account_erased=True)


def erase_from_company(s: Session, company_id: int, user: User, by: int | None, kind: str) -> Erasure | None:
    """What one company holds about the person, in the caller's transaction; None if nothing."""
    apps = _apps(s, user.id)
    here = [a for a in apps if a[2] == company_id]
    if not here:
        return None
    if len(here) == len(apps):
        return erase_account(s, user, by, kind)
    now = datetime.now(UTC)
    anonymous = User(
        email=_anonymous_email(),
        full_name=ERASED_NAME,
        role=Role.CANDIDATE,
        password_hash=UNUSABLE_HASH,
        is_active=False,
        erased_at=now,
        created_at=now,
    )
    s.add(anonymous)
    s.flush()
    app_ids = [a for a, *_ in here]
    _wipe_applications(s, app_ids)
    _redact_mentions(s, [company_id], _person(s, user))
    s.exec(update(Application).where(Application.id.in_(app_ids)).values(candidate_id=anonymous.id))
    s.flush()
    _cancel_future_interviews(s, app_ids, now)
    s.exec(
        delete(CandidateTag).where(
            CandidateTag.company_id == company_id, CandidateTag.candidate_id == user.id
        )
    )
    documents.refresh(s, company_id, user.id)  # nothing left here: the document goes
    _log(s, [company_id], anonymous.id, by, kind, {company_id: len(here)}, now)
    _tell_webhooks(s, user.id, here, kind, now)
    _announce(s, user.id, here)
    s.flush()
    return Erasure(subject_id=anonymous.id, applications=len(here), account_erased=False)


def erase_candidate(db: Database, principal: Principal, candidate_id: object) -> Erasure:
    """A recruiter erases a candidate of their company (see the module's docstring for the scope)."""
    require(principal, Action.ERASE_CANDIDATE)
    with db.session(write=True) as s:
        user = company_candidate(s, principal, candidate_id)
        erasure = erase_from_company(s, principal.staff_company_id, user, principal.user_id, Kind.STAFF)
        if erasure is None:  # a racing erase took their applications here after the check above
            raise NotFound("Candidate not found.")
        audit.record(s, principal, "candidate.erased", f"candidate {user.id}")
        return erasure


def erase_own_account(
    db: Database, principal: Principal, password: object, client: str | None = None
) -> Erasure:
    """A candidate erases their account; their password confirms it is them and that they mean it.

    The password check is throttled like a sign-in, per (email, client address), so it cannot
    be used to guess the password of a stolen session's account.
    """
    require(principal, Action.MANAGE_OWN_DATA)
    if not isinstance(password, str) or not password:
        raise InvalidInput("Enter your password to confirm that your account should be erased.")
    throttle.begin_attempt(db, principal.email, client)
    with db.session(write=True) as s:
        user = existing(s, User, principal.user_id)
        if not security.verify_password(password, user.password_hash):
            raise InvalidInput("That password is not right; your account was not erased.")
        erasure = erase_account(s, user, None, Kind.SELF)
    throttle.succeeded(db, principal.email, client)
    return erasure
