"""Interviews: scheduled by a recruiter with interviewers of the company; everyone gets an invitation.

The time is entered in the scheduler's time zone and stored in UTC. The candidate's invitation
names no staff (attendee: the candidate only); the interviewers' lists everyone.
"""

from __future__ import annotations

import html
import logging
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select

from .. import notifications, time_zones, validation
from ..db import Database, announce_application_change, existing
from ..errors import Conflict, InvalidInput
from ..mail import reply_address
from ..models import Application, Company, Interview, InterviewInterviewer, Job, User
from ..permissions import Action, Principal, Role, require
from ..settings import get_settings
from ..time_zones import zone
from ..webhooks import events as webhook_events
from . import calendar
from .access import staff_application, staff_interview
from .notes import colleagues

MIN_MINUTES, MAX_MINUTES = 15, 480
SCHEDULED, CANCELLED = "scheduled", "cancelled"
ACCEPTED, DECLINED, TENTATIVE = "accepted", "declined", "tentative"
# An iCalendar REPLY's PARTSTAT, as FlowTrack keeps it (NEEDS-ACTION, DELEGATED…: nothing to keep).
PARTSTATS = {"ACCEPTED": ACCEPTED, "DECLINED": DECLINED, "TENTATIVE": TENTATIVE}

log = logging.getLogger("flowtrack.interviews")


@dataclass(frozen=True)
class InterviewView:
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
    interviewers: tuple[tuple[int, str], ...]  # (user id, name)
    when: str = ""  # the start as the caller reads it (time_zones.describe)
    responses: tuple[tuple[int, str], ...] = ()  # (user id, accepted / declined / tentative) so far


@dataclass(frozen=True)
class CandidateInterview:
    """What a candidate sees of an interview: when and where, never who from the staff."""

    application_id: int
    starts_at: datetime
    duration_minutes: int
    timezone: str
    location: str
    video_url: str
    when: str = ""  # in the interview's zone, and in the candidate's own when known


def starts_at_utc(local: object, tz_name: object) -> datetime:
    """A local date and time (``YYYY-MM-DDTHH:MM``) in ``tz_name``, as an aware UTC datetime."""
    tz = zone(tz_name)
    if isinstance(local, datetime):
        when = local if local.tzinfo else local.replace(tzinfo=tz)
    else:
        text = validation.text(local, "Start", max_len=40)
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput("Start must be a date and time, like 2026-12-01T14:30.") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=tz)
    validation.date_in_range(when, "Start")  # before the conversion, which overflows near year 1 or 9999
    return when.astimezone(UTC)


def _details(fields: dict, default_zone: str = time_zones.UTC_NAME) -> dict:
    duration = fields.get("duration_minutes", 45)
    try:
        duration = int(duration)
    except (TypeError, ValueError):
        raise InvalidInput("Duration must be a number of minutes.") from None
    if not MIN_MINUTES <= duration <= MAX_MINUTES:
        raise InvalidInput(f"Duration must be between {MIN_MINUTES} and {MAX_MINUTES} minutes.")
    location = validation.text(fields.get("location"), "Location", max_len=300, required=False)
    video = validation.text(fields.get("video_url"), "Video link", max_len=500, required=False)
    if video:
        parts = urlsplit(video)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput("Video link must start with http:// or https://.")
    if not location and not video:
        raise InvalidInput("Give a location or a video link, so everyone knows where to go.")
    tz_name = fields.get("timezone") or default_zone
    starts = starts_at_utc(fields.get("starts_at"), tz_name)
    if starts < datetime.now(UTC):
        raise InvalidInput("The interview must start in the future.")
    return {
        "starts_at": starts,
        "duration_minutes": duration,
        "timezone": tz_name,
        "location": location,
        "video_url": video,
    }


def _interviewers(s: Session, company_id: int, raw: object) -> list[User]:
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidInput("Choose at least one interviewer.")
    wanted = {validation.object_id(x, "Interviewer id") for x in raw}
    staff = {u.id: u for u in colleagues(s, company_id)}
    unknown = wanted - set(staff)
    if unknown:
        raise InvalidInput("Interviewers must be staff of your company.")
    return [staff[i] for i in sorted(wanted)]


def describe_when(interview: Interview, viewer_zone: str | None = time_zones.UTC_NAME) -> str:
    """The start in the interview's zone, and in the viewer's when it reads differently."""
    return time_zones.describe(interview.starts_at, interview.timezone, viewer_zone)


def _send(
    s: Session, kind: str, interview: Interview, app: Application, job: Job, people: list[User]
) -> None:
    """The invitation (or its update or cancellation) to the candidate and each interviewer."""
    candidate = existing(s, User, app.candidate_id)
    company = existing(s, Company, job.company_id)
    where = interview.location or interview.video_url
    if interview.location and interview.video_url:
        where = f"{interview.location} · {interview.video_url}"
    values = {"duration": str(interview.duration_minutes), "where": where}
    organizer = get_settings().mail_from
    candidate_invite = calendar.Invite(
        uid=interview.uid,
        sequence=interview.sequence,
        starts_at=interview.starts_at,
        duration_minutes=interview.duration_minutes,
        summary=f"Interview with {company.name}: {job.title}",
        description=f"Your interview for {job.title} at {company.name}. {where}",
        location=interview.location,
        url=interview.video_url,
        organizer=organizer,
        attendees=((candidate.full_name, candidate.email),),
        cancelled=interview.status == CANCELLED,
    )
    notifications.interview_invitation(
        s,
        kind,
        candidate,
        app,
        job,
        {
            **values,
            "when": describe_when(interview, time_zones.own_zone(candidate)),
            "title": f"{company.name}, {job.title}",
        },
        calendar.ics(candidate_invite),
        for_candidate=True,
    )
    staff_invite = replace(
        candidate_invite,
        summary=f"Interview: {candidate.full_name} for {job.title}",
        description=f"Interview of {candidate.full_name} for {job.title}. "
        f"{get_settings().public_url}/application?id={app.id}",
        attendees=tuple((u.full_name, u.email) for u in people) + ((candidate.full_name, candidate.email),),
        organizer=staff_organizer(s, app),
    )
    for person in people:
        notifications.interview_invitation(
            s,
            kind,
            person,
            app,
            job,
            {
                **values,
                "when": describe_when(interview, time_zones.own_zone(person) or time_zones.UTC_NAME),
                "title": f"{candidate.full_name}, {job.title}",
            },
            calendar.ics(staff_invite),
            for_candidate=False,
        )


def staff_organizer(s: Session, app: Application) -> str:
    """The ORGANIZER of the interviewers' invitations: where their calendars send a REPLY.

    With the reply mailbox (FLOWTRACK_INBOUND_DOMAIN) it is the application's reply address, so
    the answer is read back (mail/inbound.py → ``record_response``); without it, the sender.
    The candidate's invitation keeps the sender: only interviewers' answers are recorded.
    """
    settings = get_settings()
    if not settings.inbound_domain or app.id is None:
        return settings.mail_from
    name = parseaddr(settings.mail_from)[0] or "FlowTrack"
    return formataddr(
        (name, reply_address.address(settings.inbound_domain, reply_address.token_for(s, app.id)))
    )


def record_response(
    db: Database, application_id: int, uid: str, attendee: str, partstat: str, sequence: int | None
) -> bool:
    """An interviewer's calendar answered the invitation (an iCalendar REPLY to the reply address
    of ``application_id``): their response on the interview, a decline emailed to the recruiter.

    Nothing changes unless the UID names an interview of that very application (the token of its
    reply address decided the application: an interview of another company cannot be reached),
    the attendee's address is one of that interview's interviewers, the interview is not
    cancelled and the reply answers its current version (SEQUENCE). True when something changed.
    """
    response = PARTSTATS.get(partstat.strip().upper())
    address = attendee.strip().lower()
    if response is None or not address:
        return False
    with db.session(write=True) as s:
        interview = s.exec(
            select(Interview).where(Interview.uid == uid, Interview.application_id == application_id)
        ).first()
        if interview is None or interview.id is None or interview.status == CANCELLED:
            return False
        if sequence is not None and sequence < interview.sequence:
            return False  # an answer to an earlier time or place, since moved
        found = s.exec(
            select(InterviewInterviewer, User)
            .join(User, User.id == InterviewInterviewer.user_id)
            .where(InterviewInterviewer.interview_id == interview.id, sa.func.lower(User.email) == address)
        ).first()
        if found is None:
            log.warning(
                "calendar reply for interview %s from %s, not an interviewer: ignored", interview.id, address
            )
            return False
        link, person = found
        if link.response == response:
            return False
        link.response = response
        link.responded_at = datetime.now(UTC)
        s.add(link)
        app = existing(s, Application, interview.application_id)
        job = existing(s, Job, app.job_id)
        if response == DECLINED:
            _flag_decline(s, interview, app, job, person)
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=job.company_id
        )
        return True


def _flag_decline(s: Session, interview: Interview, app: Application, job: Job, person: User) -> None:
    """An email to whoever scheduled the interview (when still an active recruiter of the company;
    otherwise to the company's active recruiters): an interviewer cannot come."""
    recruiters = {
        u.id: u
        for u in s.exec(
            select(User).where(User.company_id == job.company_id, User.role == Role.RECRUITER, User.is_active)
        ).all()
    }
    to = (
        [recruiters[interview.scheduled_by_id]]
        if interview.scheduled_by_id in recruiters
        else list(recruiters.values())
    )
    candidate = existing(s, User, app.candidate_id)
    link = f"{get_settings().public_url}/application?id={app.id}"
    for recruiter in to:
        when = describe_when(interview, time_zones.own_zone(recruiter) or time_zones.UTC_NAME)
        subject = f"{person.full_name} declined the interview with {candidate.full_name}"
        text = (
            f"{person.full_name} declined the interview of {candidate.full_name} "
            f"for {job.title} on {when}.\n\n"
            f"Move it or change the interviewers: {link}\n"
        )
        body = (
            f"<p>{html.escape(person.full_name)} declined the interview of "
            f"{html.escape(candidate.full_name)} for {html.escape(job.title)} on {html.escape(when)}.</p>"
            f'<p><a href="{html.escape(link)}">Move it or change the interviewers</a></p>'
        )
        notifications.composed(s, "interview_declined", recruiter.email, (subject, text, body), app.id)


def _people(s: Session, interview_id: int) -> list[User]:
    return list(
        s.exec(
            select(User)
            .join(InterviewInterviewer, InterviewInterviewer.user_id == User.id)
            .where(InterviewInterviewer.interview_id == interview_id)
            .order_by(User.full_name)
        ).all()
    )


def _view(s: Session, interview: Interview, viewer_zone: str = time_zones.UTC_NAME) -> InterviewView:
    scheduler = s.get(User, interview.scheduled_by_id)
    return InterviewView(
        id=interview.id,
        application_id=interview.application_id,
        starts_at=interview.starts_at,
        duration_minutes=interview.duration_minutes,
        timezone=interview.timezone,
        location=interview.location,
        video_url=interview.video_url,
        status=interview.status,
        sequence=interview.sequence,
        scheduled_by_name=scheduler.full_name if scheduler else "",
        interviewers=tuple((u.id, u.full_name) for u in _people(s, interview.id)),
        when=describe_when(interview, viewer_zone),
        responses=tuple(
            (link.user_id, link.response)
            for link in s.exec(
                select(InterviewInterviewer).where(InterviewInterviewer.interview_id == interview.id)
            ).all()
            if link.response
        ),
    )


def schedule(db: Database, principal: Principal, application_id: object, fields: dict) -> InterviewView:
    """A new interview; the candidate and every interviewer get a METHOD:REQUEST invitation."""
    require(principal, Action.SCHEDULE_INTERVIEWS)
    if not isinstance(fields, dict):
        raise InvalidInput("Send the interview as an object.")
    with db.session() as s:
        scheduler_zone = time_zones.entry_zone(s, principal.user_id)
    details = _details(fields, scheduler_zone)  # a start without a zone is in the scheduler's
    host = urlsplit(get_settings().public_url).hostname or "flowtrack.local"
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        app, job = staff_application(s, principal, application_id)
        people = _interviewers(s, job.company_id, fields.get("interviewer_ids"))
        interview = Interview(
            application_id=app.id,
            scheduled_by_id=principal.user_id,
            uid=f"interview-{uuid.uuid4().hex}@{host}",
            sequence=0,
            status=SCHEDULED,
            created_at=now,
            updated_at=now,
            **details,
        )
        s.add(interview)
        s.flush()
        s.add_all([InterviewInterviewer(interview_id=interview.id, user_id=u.id) for u in people])
        s.flush()
        _send(s, "interview_invitation", interview, app, job, people)
        webhook_events.application_event(
            s, job.company_id, webhook_events.INTERVIEW_SCHEDULED, application_id=app.id, job_id=app.job_id,
            candidate_id=app.candidate_id, now=now, interview_id=interview.id,
            starts_at=interview.starts_at.isoformat(), duration_minutes=interview.duration_minutes,
            interviewer_ids=[u.id for u in people],
        )  # fmt: skip
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=job.company_id
        )
        return _view(s, interview, scheduler_zone)


def reschedule(db: Database, principal: Principal, interview_id: object, fields: dict) -> InterviewView:
    """Move it (and/or change who interviews): same UID, SEQUENCE + 1, a new REQUEST to everyone.

    Interviewers taken off the interview get a CANCEL for it.
    """
    require(principal, Action.SCHEDULE_INTERVIEWS)
    if not isinstance(fields, dict):
        raise InvalidInput("Send the interview as an object.")
    with db.session(write=True) as s:
        interview, app, job = staff_interview(s, principal, interview_id)
        if interview.status == CANCELLED:
            raise Conflict("This interview is cancelled; schedule a new one.")
        current = {
            "starts_at": interview.starts_at,
            "timezone": interview.timezone,
            "duration_minutes": interview.duration_minutes,
            "location": interview.location,
            "video_url": interview.video_url,
        }
        details = _details({**current, **{k: v for k, v in fields.items() if v is not None}})
        before = _people(s, interview.id)
        people = (
            _interviewers(s, job.company_id, fields["interviewer_ids"])
            if fields.get("interviewer_ids") is not None
            else before
        )
        for key, value in details.items():
            setattr(interview, key, value)
        interview.sequence += 1
        interview.updated_at = datetime.now(UTC)
        s.add(interview)
        removed = [u for u in before if u.id not in {p.id for p in people}]
        for u in removed:
            s.delete(s.get(InterviewInterviewer, (interview.id, u.id)))
        for u in people:
            link = s.get(InterviewInterviewer, (interview.id, u.id))
            if link is None:
                s.add(InterviewInterviewer(interview_id=interview.id, user_id=u.id))
            elif link.response is not None:  # a new time or place: earlier answers no longer hold
                link.response, link.responded_at = None, None
                s.add(link)
        s.flush()
        _send(s, "interview_updated", interview, app, job, people)
        if removed:
            interview.status = CANCELLED
            _send_cancel_only(s, interview, app, job, removed)
            interview.status = SCHEDULED
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=job.company_id
        )
        return _view(s, interview, time_zones.entry_zone(s, principal.user_id))


def _send_cancel_only(
    s: Session,
    interview: Interview,
    app: Application,
    job: Job,
    people: list[User],
    description: str = "You are no longer an interviewer for this interview.",
) -> None:
    """A METHOD:CANCEL to these interviewers only (the candidate's calendar is left as it is)."""
    candidate = existing(s, User, app.candidate_id)
    invite = calendar.Invite(
        uid=interview.uid,
        sequence=interview.sequence,
        starts_at=interview.starts_at,
        duration_minutes=interview.duration_minutes,
        summary=f"Interview: {candidate.full_name} for {job.title}",
        description=description,
        location=interview.location,
        url=interview.video_url,
        organizer=get_settings().mail_from,
        attendees=tuple((u.full_name, u.email) for u in people),
        cancelled=True,
    )
    values = {
        "duration": str(interview.duration_minutes),
        "where": interview.location or interview.video_url,
        "title": f"{candidate.full_name}, {job.title}",
    }
    ics = calendar.ics(invite)
    for person in people:
        when = describe_when(interview, time_zones.own_zone(person) or time_zones.UTC_NAME)
        notifications.interview_invitation(
            s, "interview_cancelled", person, app, job, {**values, "when": when}, ics, for_candidate=False
        )


def cancel(db: Database, principal: Principal, interview_id: object) -> InterviewView:
    """Cancelled for everyone: METHOD:CANCEL with the same UID and SEQUENCE + 1."""
    require(principal, Action.SCHEDULE_INTERVIEWS)
    with db.session(write=True) as s:
        interview, app, job = staff_interview(s, principal, interview_id)
        if interview.status == CANCELLED:
            raise Conflict("This interview is already cancelled.")
        interview.status = CANCELLED
        interview.sequence += 1
        interview.updated_at = datetime.now(UTC)
        s.add(interview)
        s.flush()
        _send(s, "interview_cancelled", interview, app, job, _people(s, interview.id))
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=job.company_id
        )
        return _view(s, interview, time_zones.entry_zone(s, principal.user_id))


def for_application(db: Database, principal: Principal, application_id: object) -> list[InterviewView]:
    with db.session() as s:
        app, _job = staff_application(s, principal, application_id)
        rows = s.exec(
            select(Interview).where(Interview.application_id == app.id).order_by(Interview.starts_at)
        ).all()
        viewer = time_zones.entry_zone(s, principal.user_id)
        return [_view(s, i, viewer) for i in rows]


def upcoming_for_candidate(db: Database, principal: Principal) -> list[CandidateInterview]:
    """The candidate's own scheduled interviews still to come: time and place only."""
    require(principal, Action.VIEW_OWN_APPLICATIONS)
    with db.session() as s:
        rows = s.exec(
            select(Interview)
            .join(Application, Application.id == Interview.application_id)
            .where(
                Application.candidate_id == principal.user_id,
                Interview.status == SCHEDULED,
                Interview.starts_at >= datetime.now(UTC),
            )
            .order_by(Interview.starts_at)
        ).all()
        mine = time_zones.own_zone(s.get(User, principal.user_id))
        return [
            CandidateInterview(
                i.application_id,
                i.starts_at,
                i.duration_minutes,
                i.timezone,
                i.location,
                i.video_url,
                describe_when(i, mine),
            )
            for i in rows
        ]


def cancel_for_interviewers(s: Session, interview: Interview) -> None:
    """Cancelled in the caller's transaction: SEQUENCE + 1, a METHOD:CANCEL to each interviewer only.

    For erasing the candidate, whose address is gone: only the interviewers' calendars still hold
    the interview. The erase has checked its own permission (the company's recruiter, the candidate
    themself or the retention period), so this checks none. The candidate is named as the
    application names them now (anonymously, after an erase); nothing else of theirs is sent.
    """
    if interview.status == CANCELLED:
        return
    app = existing(s, Application, interview.application_id)
    job = existing(s, Job, app.job_id)
    interview.status = CANCELLED
    interview.sequence += 1
    interview.updated_at = datetime.now(UTC)
    s.add(interview)
    s.flush()
    _send_cancel_only(
        s, interview, app, job, _people(s, interview.id), f"This interview for {job.title} is cancelled."
    )
