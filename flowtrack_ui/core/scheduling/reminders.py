"""Interview reminders: an email to each participant a configurable time before the interview
(``FLOWTRACK_REMINDERS_CANDIDATE``, default 24 h and 1 h; ``FLOWTRACK_REMINDERS_INTERVIEWERS``,
default 1 h; minutes, comma-separated), queued by the sender's periodic pass.

Each reminder is claimed by inserting its ``InterviewReminder`` row (interview, person, minutes)
in the transaction that queues the email: a second pass, or a second sender process, finds the
row taken and sends nothing. A reminder whose moment came before the interview was booked (a
24-hour reminder of an interview booked 3 hours ahead) is not sent.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import notifications, time_zones
from ..collaboration import interviews
from ..db import Database, existing
from ..mail import render
from ..models import Application, Company, Interview, InterviewInterviewer, InterviewReminder, Job, User
from ..settings import get_settings

DEFAULT_CANDIDATE = (24 * 60, 60)
DEFAULT_INTERVIEWERS = (60,)


def _minutes(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        values = tuple(sorted({int(x) for x in raw.split(",") if x.strip()}, reverse=True))
    except ValueError:
        return default
    return tuple(v for v in values if 0 < v <= 60 * 24 * 14)


def offsets() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(the candidate's, the interviewers') reminder times, in minutes before the interview."""
    return (
        _minutes("FLOWTRACK_REMINDERS_CANDIDATE", DEFAULT_CANDIDATE),
        _minutes("FLOWTRACK_REMINDERS_INTERVIEWERS", DEFAULT_INTERVIEWERS),
    )


def _ahead(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return "tomorrow" if days == 1 else f"in {days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "in an hour" if hours == 1 else f"in {hours} hours"
    return f"in {minutes} minutes"


def _content(
    iv: Interview, job: Job, company: str, to: User, candidate: User, minutes: int, for_candidate: bool
) -> tuple[str, str, str]:
    where = " · ".join(x for x in (iv.location, iv.video_url) if x)
    when = interviews.describe_when(
        iv, time_zones.own_zone(to) or (None if for_candidate else time_zones.UTC_NAME)
    )
    base = get_settings().public_url
    if for_candidate:
        subject = f"Reminder: your interview with {company} {_ahead(minutes)}"
        text = (
            f"Hello {to.full_name},\n\nthis is a reminder of your interview for {job.title} at {company}.\n\n"
            f"When: {when} ({iv.duration_minutes} minutes)\nWhere: {where}\n\n"
            f"Follow your application here:\n\n{base}/my-applications\n"
        )
    else:
        subject = f"Reminder: interview with {candidate.full_name} {_ahead(minutes)}"
        text = (
            f"Hello {to.full_name},\n\n"
            f"you interview {candidate.full_name} for {job.title} {_ahead(minutes)}.\n\n"
            f"When: {when} ({iv.duration_minutes} minutes)\nWhere: {where}\n\n"
            f"The application:\n\n{base}/application?id={iv.application_id}\n"
        )
    return subject, text, render.to_html(text, company)


def _claim(s: Session, interview_id: int, user_id: int, minutes: int, now: datetime) -> bool:
    try:
        with s.begin_nested():
            s.add(
                InterviewReminder(
                    interview_id=interview_id, user_id=user_id, minutes_before=minutes, sent_at=now
                )
            )
            s.flush()
        return True
    except IntegrityError:
        return False


def send_due(db: Database, now: datetime | None = None) -> int:
    """Queue every reminder due at ``now`` and not sent yet; returns how many were queued."""
    now = now or datetime.now(UTC)
    for_candidate, for_staff = offsets()
    longest = max(for_candidate + for_staff, default=0)
    if not longest:
        return 0
    queued = 0
    with db.session(write=True) as s:
        rows = s.exec(
            select(Interview, Application, Job, User)
            .join(Application, Application.id == Interview.application_id)
            .join(Job, Job.id == Application.job_id)
            .join(User, User.id == Application.candidate_id)
            .where(
                Interview.status == interviews.SCHEDULED,
                Interview.starts_at > now,
                Interview.starts_at <= now + timedelta(minutes=longest),
            )
            .order_by(Interview.starts_at)
        ).all()
        for iv, app, job, candidate in rows:
            company = existing(s, Company, job.company_id)
            people = s.exec(
                select(User)
                .join(InterviewInterviewer, InterviewInterviewer.user_id == User.id)  # type: ignore[arg-type]
                .where(InterviewInterviewer.interview_id == iv.id, User.is_active, User.erased_at.is_(None))  # type: ignore[union-attr]
            ).all()
            targets: list[tuple[User, tuple[int, ...], bool]] = []
            if candidate.erased_at is None:
                targets.append((candidate, for_candidate, True))
            targets += [(p, for_staff, False) for p in people]
            for person, minutes_list, is_candidate in targets:
                # Only the nearest reminder now due: one booked 30 minutes ahead gets none of the earlier.
                due = [m for m in minutes_list if iv.starts_at - timedelta(minutes=m) <= now]
                due = [m for m in due if iv.created_at <= iv.starts_at - timedelta(minutes=m)]
                if not due:
                    continue
                minutes = min(due)
                if not _claim(s, iv.id or 0, person.id or 0, minutes, now):
                    continue
                content = _content(iv, job, company.name, person, candidate, minutes, is_candidate)
                notifications.composed(s, "interview_reminder", person.email, content, app.id)
                queued += 1
    return queued
