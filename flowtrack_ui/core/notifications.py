"""Which change sends which email, to whom: rows added to the outbox in the caller's transaction.

If the change rolls back, so do its emails; if it commits, the sender (``mailer.py``) will
deliver them. Nothing here talks to a mail server.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select

from . import prebuilt
from .db import existing
from .email_templates import render
from .mail import automation as mail_automation
from .mail import templates as mail_templates
from .mail import values as mail_values
from .models import Application, Company, Job, OutboxEmail, User
from .permissions import Role
from .settings import get_settings


def _message_id() -> str:
    """Fixed when the row is written, so every delivery attempt carries the same Message-ID."""
    host = urlsplit(get_settings().public_url).hostname or "flowtrack.local"
    return f"<{uuid.uuid4().hex}@{host}>"


def _link(path: str) -> str:
    return get_settings().public_url + path


def invitation_link(token: str) -> str:
    """Where an invited member accepts: the emailed link, and the one staff may copy and send."""
    return _link(f"/invite/{token}")


def _queue(
    s: Session,
    kind: str,
    to: str,
    values: dict[str, str],
    application_id: int | None = None,
    calendar: tuple[str, str] | None = None,
    history_id: int | None = None,
    hold: timedelta | None = None,
) -> None:
    """``hold`` keeps the email in the outbox that long (an undo may cancel it meanwhile)."""
    _insert(s, kind, to, render(kind, values), application_id, calendar, history_id, hold)


def _insert(
    s: Session,
    kind: str,
    to: str,
    content: tuple[str, str, str],
    application_id: int | None = None,
    calendar: tuple[str, str] | None = None,
    history_id: int | None = None,
    hold: timedelta | None = None,
    template_name: str | None = None,
) -> None:
    """``template_name``: the company template it was written from, when a stage or a recruiter
    named one (the conversation shows it)."""
    subject, text, html = content
    now = datetime.now(UTC)
    # A plain INSERT on the caller's transaction's connection (no ORM object, no ORM execution).
    prebuilt.execute(
        s.connection(),
        _INSERT,
        {
            "calendar_ics": calendar[0] if calendar else None,
            "calendar_method": calendar[1] if calendar else None,
            "message_id": _message_id(),
            "kind": kind,
            "to_address": to,
            "subject": subject,
            "body_text": text,
            "body_html": html,
            "application_id": application_id,
            "created_at": now,
            "next_attempt_at": now + hold if hold else now,
            "history_id": history_id,
            "attempts": 0,
            "template_name": template_name,
        },
    )


_INSERT = sa.insert(OutboxEmail.__table__)


@dataclass(frozen=True)
class EmailContext:
    """What an email about an application names: read with the application when the caller can."""

    job_title: str
    company_name: str
    candidate_name: str
    candidate_email: str


class ApplicationKeys(Protocol):
    """An application as an email about it reads it: an ``Application`` row, or a plain SQL row
    with these columns (a move reads its card without the ORM)."""

    @property
    def id(self) -> int: ...

    @property
    def job_id(self) -> int: ...

    @property
    def candidate_id(self) -> int: ...


def _context(s: Session, app: ApplicationKeys) -> tuple[Job, Company, User]:
    """The job, its company and the candidate, in one query."""
    return s.exec(
        select(Job, Company, User)
        .join(Company, Company.id == Job.company_id)
        .join(User, User.id == app.candidate_id)
        .where(Job.id == app.job_id)
    ).one()


def _candidate_values(
    s: Session, job: Job, candidate: User, tracker: str, interview: mail_values.Interview | None = None
) -> dict[str, str]:
    """What a template of the job's company may name, for this candidate."""
    side = mail_values.job_side(s, job.id or 0)
    return mail_values.make(
        candidate_name=candidate.full_name,
        job_title=job.title,
        company_name=side.company_name,
        company_slug=side.company_slug,
        recruiter_name=side.recruiter_name,
        tracker_link=tracker,
        interview=interview,
    )


def _to_candidate(
    s: Session, app: Application, kind: str, template_kind: str
) -> tuple[Job, Company, dict[str, str]]:
    """The candidate's email of ``kind`` about the application, from the company's template of
    ``template_kind``; returns its job, company and the values the staff's emails use."""
    job, company, candidate = _context(s, app)
    values = {"candidate_name": candidate.full_name, "job_title": job.title, "company": company.name}
    filled = _candidate_values(s, job, candidate, mail_values.tracker_link())
    _insert(
        s, kind, candidate.email, mail_templates.compose(s, template_kind, company.id or 0, filled), app.id
    )
    return job, company, values


@dataclass(frozen=True)
class SignInLinkMail:
    """The emailed link of a candidate who applied without signing in: it signs them in to their
    tracker (``/track/{token}``); ``has_password`` when the account also has a password."""

    token: str
    expires_at: datetime
    has_password: bool


def application_received(s: Session, app: Application, sign_in: SignInLinkMail | None = None) -> None:
    """To the candidate, and to every active recruiter of the job's company.

    With ``sign_in`` (an application sent without signing in) the candidate's email carries the
    link that signs them in to their tracker instead of the plain link to it, and always goes
    (it is their way in); otherwise the job's applied stage decides (a recruiter may turn the
    application received off, delay it or choose its template).
    """
    if sign_in is None:
        # As the job's applied stage says (mail/automation.py): whether, from which template, when.
        job, company, candidate = _context(s, app)
        values = {"candidate_name": candidate.full_name, "job_title": job.title, "company": company.name}
        now = datetime.now(UTC)
        planned = mail_automation.plan(s, app.stage_id, "applied", now=now, floor=timedelta(0))
        if planned is not None:
            filled = _candidate_values(s, job, candidate, mail_values.tracker_link())
            content, name = mail_automation.compose(
                s, "application_received", company.id or 0, planned.template_id, filled
            )
            wait = planned.send_at - now
            _insert(
                s,
                "application_received",
                candidate.email,
                content,
                app.id,
                hold=wait if wait else None,
                template_name=name,
            )
    else:
        job, company, candidate = _context(s, app)
        values = {"candidate_name": candidate.full_name, "job_title": job.title, "company": company.name}
        account = (
            "You already have a FlowTrack account with this address: you can also sign in with your "
            "password, as before."
            if sign_in.has_password
            else "Once signed in you can choose a password on your account page, to sign in later "
            "without a link."
        )
        link = _link(f"/track/{sign_in.token}")
        filled = _candidate_values(s, job, candidate, link)
        extra = (
            "That link signs you in to your applications; it works once and until "
            f"{sign_in.expires_at:%d %B %Y, %H:%M} (UTC).\n\n{account}\n\n"
            "If you did not apply, ignore this email."
        )
        mail = mail_templates.compose(s, "application_received", company.id or 0, filled, extra, link)
        _insert(s, "application_received_link", candidate.email, mail, app.id)
    recruiters = s.exec(
        select(User)
        .where(User.company_id == company.id, User.role == Role.RECRUITER, User.is_active)
        .order_by(User.id)
    ).all()
    for recruiter in recruiters:
        _queue(
            s,
            "new_applicant",
            recruiter.email,
            {**values, "recipient_name": recruiter.full_name, "link": _link(f"/board?job={job.id}")},
            app.id,  # tied to the application, so erasing the candidate removes it too
        )


def added_from_talent_pool(s: Session, app: Application) -> None:
    """To a past candidate a recruiter added to another job: why, and how to follow or withdraw."""
    _to_candidate(s, app, "added_from_talent_pool", "talent_invitation")


def stage_changed(
    s: Session,
    app: ApplicationKeys,
    category: str,
    email: mail_automation.EmailPlan,
    *,
    history_id: int | None = None,
    context: EmailContext | None = None,
) -> None:
    """To the candidate, as ``email`` (mail/automation.plan) says: from the company's template it
    names, the stage by its candidate-facing name (the internal one is never shown), a rejection
    never with its internal reason. Held until ``email.send_at`` and tied to the history row, so
    an undo or a reopening can cancel it meanwhile."""
    if context is None:
        job, company, candidate = _context(s, app)
        context = EmailContext(job.title, company.name, candidate.full_name, candidate.email)
    side = mail_values.job_side(s, app.job_id)
    filled = mail_values.make(
        candidate_name=context.candidate_name,
        job_title=context.job_title,
        company_name=side.company_name,
        company_slug=side.company_slug,
        recruiter_name=side.recruiter_name,
        tracker_link=mail_values.tracker_link(),
        stage_category=category,
    )
    filled["stage.public_name"] = email.public_name
    content, name = mail_automation.compose(s, email.kind, side.company_id, email.template_id, filled)
    now = datetime.now(UTC)
    _insert(
        s,
        "application_rejected" if category == "rejected" else "stage_changed",
        context.candidate_email,
        content,
        app.id,
        history_id=history_id,
        hold=max(email.send_at - now, timedelta(0)),
        template_name=name,
    )


# Emails about an account itself (not about an application), sent to the account's own address:
# the export shows them and erasing the account removes them. Staff invitations and sign-up
# claims are not the account's: they belong to whoever reads the address.
ACCOUNT_EMAIL_KINDS = ("password_reset", "email_verification")


def staff_invitation(
    s: Session, inviter_id: int, company_id: int, email: str, role: str, token: str, expires_at: datetime
) -> None:
    """To the invitee, with the one link that carries the token."""
    inviter, company = existing(s, User, inviter_id), existing(s, Company, company_id)
    _queue(
        s,
        "staff_invitation",
        email,
        {
            "inviter_name": inviter.full_name,
            "company": company.name,
            "role_name": "a recruiter" if role == Role.RECRUITER else "a hiring manager",
            "expires": f"{expires_at:%d %B %Y}",
            "link": invitation_link(token),
        },
    )


def password_reset(s: Session, user: User, token: str, expires_at: datetime) -> None:
    """To the account's owner, with the one link that carries the reset token."""
    _queue(
        s,
        "password_reset",
        user.email,
        {
            "name": user.full_name,
            "company": company.name if (company := s.get(Company, user.company_id or 0)) else "everyone",
            "expires": f"{expires_at:%d %B %Y, %H:%M}",
            "link": _link(f"/reset-password/{token}"),
        },
    )


def email_verification(s: Session, user: User, token: str, expires_at: datetime) -> None:
    """To the account's address, with the one link that proves the account reads it."""
    _verification_link(s, "email_verification", user.email, user.full_name, token, expires_at)


def sign_up_confirmation(s: Session, email: str, name: str, token: str, expires_at: datetime) -> None:
    """To an address an unconfirmed account holds: the link makes the new account (not tied to the
    holder, so the holder's export never shows it)."""
    _verification_link(s, "sign_up_confirmation", email, name, token, expires_at)


def _verification_link(
    s: Session, kind: str, email: str, name: str, token: str, expires_at: datetime
) -> None:
    _queue(
        s,
        kind,
        email,
        {
            "name": name,
            "company": "everyone",
            "expires": f"{expires_at:%d %B %Y, %H:%M}",
            "link": _link(f"/verify/{token}"),
        },
    )


def mentioned(s: Session, user: User, author: User, app: Application, job: Job, body: str) -> None:
    """To a colleague mentioned in a note, with the note and a link to the application."""
    excerpt = body if len(body) <= 600 else body[:597] + "…"
    _queue(
        s,
        "mention",
        user.email,
        {
            "recipient_name": user.full_name,
            "author_name": author.full_name,
            "job_title": job.title,
            "company": existing(s, Company, job.company_id).name,
            "note": excerpt,
            "link": _link(f"/application?id={app.id}"),
        },
        app.id,
    )


def scorecard_reminder(
    s: Session, to: User, application_id: int, interview_id: int, values: dict[str, str]
) -> None:
    """To an interviewer whose scorecard is still missing the morning after (work.py decides
    when), with a link that opens the scorecard form."""
    _queue(
        s,
        "scorecard_reminder",
        to.email,
        {
            **values,
            "recipient_name": to.full_name,
            "link": _link(f"/application?id={application_id}&scorecard={interview_id}"),
        },
        application_id,  # tied to the application, so erasing the candidate removes it too
    )


def interview_invitation(
    s: Session,
    kind: str,
    to: User,
    app: Application,
    job: Job,
    values: dict[str, str],
    calendar: tuple[str, str],
    for_candidate: bool,
) -> None:
    """An interview scheduled, moved or cancelled: the email carries the calendar invitation.

    The candidate's link goes to their tracker, staff's to the application page.
    """
    link = _link("/my-applications") if for_candidate else _link(f"/application?id={app.id}")
    if for_candidate and kind == "interview_invitation":  # the company's invitation template
        interview = mail_values.Interview(values["when"], int(values["duration"]), values["where"])
        filled = _candidate_values(s, job, to, link, interview=interview)
        _insert(
            s,
            kind,
            to.email,
            mail_templates.compose(s, "interview", job.company_id, filled),
            app.id,
            calendar,
        )
        return
    company = existing(s, Company, job.company_id).name
    _queue(
        s,
        kind,
        to.email,
        {**values, "recipient_name": to.full_name, "job_title": job.title, "company": company, "link": link},
        app.id,
        calendar,
    )


def composed(
    s: Session, kind: str, to: str, content: tuple[str, str, str], application_id: int | None = None
) -> None:
    """An email another capability composed (scheduling: a booking link, a reminder), queued in
    the caller's transaction like every other."""
    _insert(s, kind, to, content, application_id)
