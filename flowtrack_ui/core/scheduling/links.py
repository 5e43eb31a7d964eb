"""Suggested slots for a recruiter, and self-scheduling links: a candidate books, moves or cancels
their own interview in a slot where the whole panel is free.

A booking goes through the interview use case (collaboration/interviews.py) as the recruiter who
sent the link, so everyone gets the same iCalendar REQUEST as when a recruiter schedules; the
link is the recruiter's delegation, and stops working when they may no longer schedule. Two
candidates racing for one slot: each booking first claims the interviewers' 15-minute blocks
(``SchedulingClaim``, whose primary key is the person and the block) in one transaction; the
second insert fails on every engine and in every process, and that candidate gets 409 with fresh
slots. The link page shows nothing but the slots, the job's title, the company and the
interviewers' first names.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import notifications, time_zones, validation
from ..collaboration import calendar, interviews
from ..collaboration.access import staff_application
from ..collaboration.notes import colleagues
from ..db import Database, existing
from ..errors import Conflict, DomainError, InvalidInput, NotFound
from ..mail import templates as mail_templates
from ..mail import values as mail_values
from ..models import (
    Application,
    Company,
    Interview,
    InterviewInterviewer,
    Job,
    SchedulingClaim,
    SchedulingLink,
    User,
)
from ..permissions import Action, Principal, Role, require
from ..settings import get_settings
from . import availability, calendars
from .slots import Slot, blocks, free_slots, working_days_end

log = logging.getLogger("flowtrack.scheduling")

PATH = "/schedule/"
MAX_WINDOW_DAYS = 30
MAX_SUGGEST_DAYS = 60
STEP_MINUTES = 30
MAX_SLOTS = 400


class LinkGone(DomainError):
    """An expired or withdrawn link: 410, with words the candidate can act on."""

    status_code = 410


class SlotTaken(Conflict):
    """The slot was just taken (or is no longer free); ``slots`` are the fresh free ones."""

    def __init__(self, message: str, slots: list[Slot]):
        super().__init__(message)
        self.slots = slots


@dataclass(frozen=True)
class Suggestions:
    slots: list[Slot]
    unknown: tuple[int, ...]  # interviewers whose calendar could not be read
    warnings: list[str]
    time_zone: str  # the zone the caller reads times in


@dataclass(frozen=True)
class LinkCreated:
    id: int
    url: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkPage:
    """All a link's holder sees."""

    company: str
    job_title: str
    interviewers: tuple[str, ...]  # first names only
    duration_minutes: int
    state: str  # open, booked, expired
    slots: tuple[Slot, ...] = ()
    booked_start: datetime | None = None
    booked_end: datetime | None = None
    change_until: datetime | None = None  # reschedule or cancel until then
    can_change: bool = False
    expires_at: datetime | None = None
    some_unknown: bool = False  # a calendar could not be read: fewer times than usual
    company_slug: str = ""  # its careers site's colours and logo (public already)
    notes: tuple[str, ...] = field(default=())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _int(raw: object, label: str, low: int, high: int, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InvalidInput(f"{label} must be a whole number.") from None
    if not low <= value <= high:
        raise InvalidInput(f"{label} must be between {low} and {high}.")
    return value


def _interviewer_ids(s: Session, company_id: int, raw: object) -> list[int]:
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidInput("Choose at least one interviewer.")
    wanted = {validation.object_id(x, "Interviewer id") for x in raw}
    if len(wanted) > 10:
        raise InvalidInput("A panel has at most 10 interviewers.")
    staff = {u.id for u in colleagues(s, company_id)}
    if not wanted <= staff:
        raise InvalidInput("Interviewers must be staff of your company.")
    return sorted(wanted)


def _aware(raw: object, label: str) -> datetime:
    if isinstance(raw, datetime):
        when = raw
    else:
        text = validation.text(raw, label, max_len=40)
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"{label} must be a date and time like 2026-12-01T14:30:00Z.") from None
    if when.tzinfo is None:
        raise InvalidInput(f"{label} must carry its time zone (a Z or an offset).")
    validation.date_in_range(when, label)
    return when.astimezone(UTC)


def suggest(
    db: Database,
    principal: Principal,
    interviewer_ids: object,
    duration_minutes: object,
    start: object = None,
    end: object = None,
    *,
    buffer_before: object = 0,
    buffer_after: object = 0,
    notice_minutes: object = 60,
    limit: int = 40,
    now: datetime | None = None,
) -> Suggestions:
    """The next slots where every chosen interviewer is at work and free (recruiters scheduling).

    Slots whose owner's calendar could not be read are listed with them in ``unknown`` and a
    warning: the recruiter decides, nothing is called free that is not known to be.
    """
    require(principal, Action.SCHEDULE_INTERVIEWS)
    now = now or datetime.now(UTC)
    duration = _int(duration_minutes, "Duration", interviews.MIN_MINUTES, interviews.MAX_MINUTES, 45)
    before = _int(buffer_before, "Buffer before", 0, 240, 0)
    after = _int(buffer_after, "Buffer after", 0, 240, 0)
    notice = _int(notice_minutes, "Minimum notice", 0, 60 * 24 * 30, 60)
    with db.session() as s:
        ids = _interviewer_ids(s, principal.staff_company_id, interviewer_ids)
        viewer = time_zones.entry_zone(s, principal.user_id)
    begin = now if start in (None, "") else _aware(start, "Start")
    finish = working_days_end(begin, 10, viewer) if end in (None, "") else _aware(end, "End")
    if finish <= begin:
        raise InvalidInput("The end must come after the start.")
    if finish - begin > timedelta(days=MAX_SUGGEST_DAYS):
        raise InvalidInput(f"Ask for at most {MAX_SUGGEST_DAYS} days at once.")
    panel = availability.panel(db, ids, begin, finish)
    found = free_slots(
        panel.people,
        start=begin,
        end=finish,
        duration_minutes=duration,
        now=now,
        notice_minutes=notice,
        buffer_before=before,
        buffer_after=after,
        step_minutes=STEP_MINUTES,
        limit=max(1, min(limit, MAX_SLOTS)),
    )
    unknown = tuple(p.user_id for p in panel.people if p.unknown)
    return Suggestions(found, unknown, panel.warnings, viewer)


def create_link(db: Database, principal: Principal, application_id: object, fields: dict) -> LinkCreated:
    """A link for the candidate to book their interview, emailed to them with the company's
    self-scheduling template; it offers slots in the next ``window_days`` working days."""
    require(principal, Action.SEND_SCHEDULING_LINKS)
    if not isinstance(fields, dict):
        raise InvalidInput("Send the link's details as an object.")
    duration = _int(
        fields.get("duration_minutes"), "Duration", interviews.MIN_MINUTES, interviews.MAX_MINUTES, 45
    )
    window = _int(fields.get("window_days"), "Window", 1, MAX_WINDOW_DAYS, 10)
    before = _int(fields.get("buffer_before"), "Buffer before", 0, 240, 0)
    after = _int(fields.get("buffer_after"), "Buffer after", 0, 240, 0)
    notice = _int(fields.get("min_notice_minutes"), "Minimum notice", 0, 60 * 24 * 14, 24 * 60)
    cutoff = _int(fields.get("cutoff_minutes"), "Change cut-off", 0, 60 * 24 * 14, 24 * 60)
    location = validation.text(fields.get("location"), "Location", max_len=300, required=False)
    video = validation.text(
        fields.get("video_url") or fields.get("video_link"), "Video link", max_len=500, required=False
    )
    if video and not video.startswith(("http://", "https://")):
        raise InvalidInput("Video link must start with http:// or https://.")
    if not location and not video:
        raise InvalidInput("Give a location or a video link, so everyone knows where to go.")
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    url = f"{get_settings().public_url}{PATH}{token}"
    with db.session(write=True) as s:
        app, job = staff_application(s, principal, application_id)
        ids = _interviewer_ids(s, job.company_id, fields.get("interviewer_ids"))
        zone = time_zones.entry_zone(s, principal.user_id)
        link = SchedulingLink(
            token_hash=_hash(token),
            application_id=app.id,
            created_by_id=principal.user_id,
            interviewer_ids=",".join(str(i) for i in ids),
            duration_minutes=duration,
            location=location,
            video_url=video,
            buffer_before=before,
            buffer_after=after,
            min_notice_minutes=notice,
            cutoff_minutes=cutoff,
            window_days=window,
            expires_at=working_days_end(now, window, zone),
            created_at=now,
        )
        s.add(link)
        s.flush()
        candidate = existing(s, User, app.candidate_id)
        side = mail_values.job_side(s, job.id or 0)
        filled = mail_values.make(
            candidate_name=candidate.full_name,
            job_title=job.title,
            company_name=side.company_name,
            company_slug=side.company_slug,
            recruiter_name=side.recruiter_name,
            tracker_link=mail_values.tracker_link(),
            interview=mail_values.Interview("", duration, location or video),
            scheduling_link=url,
        )
        content = mail_templates.compose(s, "scheduling", job.company_id, filled, link=url)
        notifications.composed(s, "scheduling_link", candidate.email, content, app.id)
        assert link.id is not None
        return LinkCreated(link.id, url, token, link.expires_at)


def _row(s: Session, token: object) -> SchedulingLink:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound("This scheduling link does not exist.")
    link = s.exec(select(SchedulingLink).where(SchedulingLink.token_hash == _hash(token))).first()
    if link is None:
        raise NotFound("This scheduling link does not exist.")
    return link


def _sender(s: Session, link: SchedulingLink) -> Principal:
    """The recruiter the link acts for, as of now: still active and still allowed to schedule."""
    user = s.get(User, link.created_by_id)
    if user is None or not user.is_active or user.erased_at is not None or user.role != Role.RECRUITER.value:
        raise LinkGone("This link no longer works. Please ask the company for a new one.")
    return Principal(user.id or 0, Role(user.role), user.company_id, user.email, user.full_name)


def _ids(link: SchedulingLink) -> list[int]:
    return [int(x) for x in link.interviewer_ids.split(",") if x]


def _interview(s: Session, link: SchedulingLink) -> Interview | None:
    if link.interview_id is None:
        return None
    iv = s.get(Interview, link.interview_id)
    return iv if iv is not None and iv.status == interviews.SCHEDULED else None


def _state(link: SchedulingLink, iv: Interview | None, now: datetime) -> str:
    if link.revoked_at is not None:
        return "expired"
    if iv is not None:
        ends = iv.starts_at + timedelta(minutes=iv.duration_minutes)
        return "booked" if now < ends else "expired"
    return "open" if now < link.expires_at else "expired"


def _open_slots(
    db: Database, link: SchedulingLink, now: datetime, exclude: int | None
) -> tuple[list[Slot], bool]:
    """The link's free slots now (only those known free), and whether a calendar was unknown."""
    start = max(now, link.created_at)
    if start >= link.expires_at:
        return [], False
    panel = availability.panel(db, _ids(link), start, link.expires_at, exclude_interview=exclude)
    found = free_slots(
        panel.people,
        start=start,
        end=link.expires_at,
        duration_minutes=link.duration_minutes,
        now=now,
        notice_minutes=link.min_notice_minutes,
        buffer_before=link.buffer_before,
        buffer_after=link.buffer_after,
        step_minutes=STEP_MINUTES,
        limit=MAX_SLOTS,
    )
    return [x for x in found if x.free], bool(panel.warnings)


def view(db: Database, token: object, now: datetime | None = None) -> LinkPage:
    """What the link's page shows (no sign-in: the token is the key)."""
    now = now or datetime.now(UTC)
    with db.session() as s:
        link = _row(s, token)
        _sender(s, link)
        app = existing(s, Application, link.application_id)
        job = existing(s, Job, app.job_id)
        firm = existing(s, Company, job.company_id)
        company, slug = firm.name, firm.slug
        names = tuple(
            mail_values.first_name(u.full_name)
            for u in s.exec(select(User).where(User.id.in_(_ids(link)))).all()  # type: ignore[union-attr]
        )
        iv = _interview(s, link)
        state = _state(link, iv, now)
    page = LinkPage(
        company, job.title, names, link.duration_minutes, state, expires_at=link.expires_at, company_slug=slug
    )
    if state == "expired":
        return page
    slots, unknown = _open_slots(db, link, now, iv.id if iv else None)
    if iv is None:
        return _replace(page, slots=tuple(slots), some_unknown=unknown)
    until = iv.starts_at - timedelta(minutes=link.cutoff_minutes)
    return _replace(
        page,
        slots=tuple(slots) if now < until else (),
        booked_start=iv.starts_at,
        booked_end=iv.starts_at + timedelta(minutes=iv.duration_minutes),
        change_until=until,
        can_change=now < until,
        some_unknown=unknown,
    )


def _replace(page: LinkPage, **changes: object) -> LinkPage:
    return dataclasses.replace(page, **changes)  # type: ignore[arg-type]


def _claim(db: Database, link: SchedulingLink, start: datetime, end: datetime, exclude: int | None) -> None:
    """Take the interviewers' blocks for [start, end) for this link (its old ones released) in one
    transaction; a block someone else holds, or an interview scheduled meanwhile, refuses it."""
    try:
        with db.session(write=True) as s:
            s.exec(delete(SchedulingClaim).where(SchedulingClaim.link_id == link.id))  # type: ignore[arg-type]
            # Claims of links whose interview a recruiter cancelled since hold nothing any more.
            cancelled = (
                select(SchedulingLink.id)
                .join(Interview, Interview.id == SchedulingLink.interview_id)  # type: ignore[arg-type]
                .where(Interview.status == interviews.CANCELLED)
            )
            s.exec(
                delete(SchedulingClaim).where(
                    SchedulingClaim.link_id.in_(cancelled),  # type: ignore[attr-defined]
                    SchedulingClaim.user_id.in_(_ids(link)),  # type: ignore[attr-defined]
                )
            )
            busy = availability.interview_busy(s, _ids(link), start, end)
            for periods in busy.values():
                for b_start, b_end in periods:
                    if exclude is not None and (b_start, b_end) == _own(s, exclude):
                        continue
                    if b_start < end + timedelta(minutes=link.buffer_after) and b_end > start - timedelta(
                        minutes=link.buffer_before
                    ):
                        raise _Taken()
            s.add_all(
                [
                    SchedulingClaim(user_id=uid, block_start=b, link_id=link.id or 0)
                    for uid in _ids(link)
                    for b in blocks(start, end)
                ]
            )
            s.flush()
    except IntegrityError:
        raise _Taken() from None


def _own(s: Session, interview_id: int) -> tuple[datetime, datetime] | None:
    iv = s.get(Interview, interview_id)
    return (iv.starts_at, iv.starts_at + timedelta(minutes=iv.duration_minutes)) if iv else None


class _Taken(Exception):
    pass


def _release(db: Database, link_id: int) -> None:
    with db.session(write=True) as s:
        s.exec(delete(SchedulingClaim).where(SchedulingClaim.link_id == link_id))  # type: ignore[arg-type]


def book(
    db: Database, token: object, start: object, time_zone: object = None, now: datetime | None = None
) -> LinkPage:
    """Book (or move to) the slot starting at ``start``: the interview is scheduled at once.

    Refused with ``SlotTaken`` (409, fresh slots) when the slot is no longer free for the whole
    panel; a booked interview moves only until the link's cut-off.
    """
    now = now or datetime.now(UTC)
    when = _aware(start, "Start")
    zone = str(time_zones.zone(time_zone).key) if time_zone not in (None, "") else None
    with db.session() as s:
        link = _row(s, token)
        sender = _sender(s, link)
        iv = _interview(s, link)
        state = _state(link, iv, now)
        interviewer_ids = _ids(link)
        zone = zone or time_zones.entry_zone(s, sender.user_id)
    if state == "expired":
        raise LinkGone("This link has expired. Please ask the company for a new one.")
    if iv is not None and now >= iv.starts_at - timedelta(minutes=link.cutoff_minutes):
        raise Conflict("It is too late to change this interview here. Please write to the company.")
    slots, _unknown = _open_slots(db, link, now, iv.id if iv else None)
    chosen = next((x for x in slots if x.start == when), None)
    if chosen is None:
        raise SlotTaken("That time is no longer available. Please choose another.", slots)
    try:
        _claim(db, link, chosen.start, chosen.end, iv.id if iv else None)
    except _Taken:
        fresh, _ = _open_slots(db, link, now, iv.id if iv else None)
        raise SlotTaken(
            "Someone has just booked that time. Please choose another.", [x for x in fresh if x.start != when]
        ) from None
    try:
        if iv is None:
            made = interviews.schedule(
                db,
                sender,
                link.application_id,
                {
                    "starts_at": chosen.start,
                    "timezone": zone,
                    "duration_minutes": link.duration_minutes,
                    "location": link.location,
                    "video_url": link.video_url,
                    "interviewer_ids": interviewer_ids,
                },
            )
            interview_id = made.id
        else:
            interviews.reschedule(db, sender, iv.id, {"starts_at": chosen.start, "timezone": zone})
            interview_id = iv.id or 0
    except Exception:
        _release(db, link.id or 0)
        raise
    with db.session(write=True) as s:
        row = existing(s, SchedulingLink, link.id)
        row.interview_id = interview_id
        s.add(row)
    _write_calendars(db, interview_id, replace=iv is not None)
    return view(db, token, now)


def cancel(db: Database, token: object, now: datetime | None = None) -> LinkPage:
    """The candidate cancels their booked interview (until the cut-off); everyone gets the CANCEL,
    and the link offers its remaining slots again while its window lasts."""
    now = now or datetime.now(UTC)
    with db.session() as s:
        link = _row(s, token)
        sender = _sender(s, link)
        iv = _interview(s, link)
    if iv is None:
        raise Conflict("There is no booked interview to cancel.")
    if now >= iv.starts_at - timedelta(minutes=link.cutoff_minutes):
        raise Conflict("It is too late to cancel this interview here. Please write to the company.")
    interviews.cancel(db, sender, iv.id)
    with db.session(write=True) as s:
        row = existing(s, SchedulingLink, link.id)
        row.interview_id = None
        s.add(row)
        s.exec(delete(SchedulingClaim).where(SchedulingClaim.link_id == link.id))  # type: ignore[arg-type]
    _remove_from_calendars(db, _ids(link), iv.uid)
    return view(db, token, now)


def _write_calendars(db: Database, interview_id: int, replace: bool) -> None:
    """PUT the interview into each interviewer's CalDAV calendar (after the booking committed: a
    calendar that fails is logged, the emailed invitation still reaches them)."""
    with db.session() as s:
        iv = existing(s, Interview, interview_id)
        app = existing(s, Application, iv.application_id)
        job = existing(s, Job, app.job_id)
        candidate = existing(s, User, app.candidate_id)
        people = list(
            s.exec(
                select(User)
                .join(InterviewInterviewer, InterviewInterviewer.user_id == User.id)  # type: ignore[arg-type]
                .where(InterviewInterviewer.interview_id == interview_id)
            ).all()
        )
        conns = {c.user_id: c for c in availability.connections(s, [u.id or 0 for u in people])}
    invite = calendar.Invite(
        uid=iv.uid,
        sequence=iv.sequence,
        starts_at=iv.starts_at,
        duration_minutes=iv.duration_minutes,
        summary=f"Interview: {candidate.full_name} for {job.title}",
        description=f"Interview of {candidate.full_name} for {job.title}. "
        f"{get_settings().public_url}/application?id={app.id}",
        location=iv.location,
        url=iv.video_url,
        organizer=get_settings().mail_from,
        attendees=tuple((u.full_name, u.email) for u in people) + ((candidate.full_name, candidate.email),),
    )
    text, _method = calendar.ics(invite)
    for conn in conns.values():
        if conn.caldav is None:
            continue
        try:
            if replace:
                calendars.delete_event(*conn.caldav, iv.uid)
            calendars.put_event(*conn.caldav, text)
        except calendars.CalendarUnavailable as exc:
            log.warning(
                "could not write interview %s into user %s's calendar: %s", interview_id, conn.user_id, exc
            )


def _remove_from_calendars(db: Database, user_ids: list[int], uid: str) -> None:
    with db.session() as s:
        conns = availability.connections(s, user_ids)
    for conn in conns:
        if conn.caldav is None:
            continue
        try:
            calendars.delete_event(*conn.caldav, uid)
        except calendars.CalendarUnavailable as exc:
            log.warning("could not remove %s from user %s's calendar: %s", uid, conn.user_id, exc)
