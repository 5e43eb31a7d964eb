"""What a stage does when an application enters it: the one rule of which move emails the
candidate, from which template and when.

Each job stage says whether entering it emails the candidate (``JobStage.notify``; by default
only the applied stage, whose email is the application received, and the rejected one), from
which of the company's templates (``email_template_id``; None: the company's default of the
stage's kind), after what delay (``email_delay_minutes``) and whether only in the business hours
of the company's time zone (``business_hours_only``, ``Company.time_zone``). A recruiter who
rejects may choose otherwise for that one rejection (``RejectEmail``): another rejection
template, another time, or no email at all.

Moves (forward, skip, reject; pipelines/moves.py), bulk actions, knockouts and the application
received ask ``plan`` (or ``plan_rejection``) here; an undo, a correction, a reopening and a
withdrawal never email the candidate. Nothing here writes: notifications.py writes the outbox row
the plan describes, and the hold mechanism (an outbox row whose ``next_attempt_at`` lies ahead,
tied to its history row) lets an undo or a reopening cancel it before it leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from .. import prebuilt, time_zones, validation
from ..db import Database, existing
from ..errors import InvalidInput
from ..models import Company, CompanyEmailTemplate, Job, JobStage
from ..permissions import Action, Principal, require
from . import render
from . import templates as mail_templates
from .values import public_stage_name

# Entering these stage categories emails the candidate unless the job says otherwise: the
# application received and the rejection. Other stage changes are quiet by default, so nobody
# receives an email for every internal step.
NOTIFY_BY_DEFAULT = frozenset({"applied", "rejected"})
# The moves a candidate may hear of by email (by the stage's own settings); an undo, a correction
# (back, reopen, un-hire) and a withdrawal never email them.
EMAILED_MOVES = frozenset({"forward", "skip", "reject"})
MAX_DELAY_MINUTES = 60 * 24 * 30  # 30 days
MAX_PUBLIC_NAME = 40
# Business hours: Monday to Friday, 09:00 to 17:00 in the company's time zone.
BUSINESS_START = time(9, 0)
BUSINESS_END = time(17, 0)
BUSINESS_DAYS = frozenset(range(5))  # Monday = 0


def template_kind(category: str) -> str | None:
    """The email template kind a stage of ``category`` is written from (None: withdrawn, which the
    candidate did themselves)."""
    if category == "applied":
        return "application_received"
    if category == "rejected":
        return "rejection"
    if category == "withdrawn":
        return None
    return "stage"


def shown_name(public_name: str | None, category: str) -> str:
    """The stage as candidates read it: its public name, or its category's."""
    return public_name or public_stage_name(category)


@dataclass(frozen=True)
class StageAutomation:
    """What entering one stage does, as stored on the job stage."""

    public_name: str | None = None
    notify: bool = False
    email_template_id: int | None = None
    email_delay_minutes: int = 0
    business_hours_only: bool = False


def default_automation(category: str) -> StageAutomation:
    return StageAutomation(notify=category in NOTIFY_BY_DEFAULT)


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{what} must be true or false.")
    return value


def _minutes(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{what} must be a whole number of minutes.")
    if not 0 <= value <= MAX_DELAY_MINUTES:
        raise InvalidInput(f"{what} must be between 0 and {MAX_DELAY_MINUTES} minutes (30 days).")
    return value


def parse_automation(
    s: Session, company_id: int, name: str, category: str, raw: Mapping[str, object], current: StageAutomation
) -> StageAutomation:
    """A stage's automation from an editor or the API, over what it had (``current``: the stage's
    own, or its category's default for a new one). A field left out keeps its value;
    ``email_template_id: null`` without ``notify`` means no email (the REST contract)."""
    where = f"Stage “{name}”"
    public = current.public_name
    if "public_name" in raw:
        given = validation.text(
            raw.get("public_name"), f"{where}: the public name", max_len=MAX_PUBLIC_NAME, required=False
        )
        # The category's own name is the default, not a name of the stage's own.
        public = given if given and given != public_stage_name(category) else None
    notify = current.notify
    template_id = current.email_template_id
    if "email_template_id" in raw:
        value = raw.get("email_template_id")
        if value in (None, "", 0):
            template_id = None
            if "notify" not in raw:
                notify = False
        else:
            template_id = validation.object_id(value, f"{where}: the email template id")
            if "notify" not in raw:
                notify = True
    if raw.get("notify") is not None:
        notify = _flag(raw.get("notify"), f"{where}: notify")
    delay = current.email_delay_minutes
    if raw.get("email_delay_minutes") is not None:
        delay = _minutes(raw.get("email_delay_minutes"), f"{where}: the email delay")
    business = current.business_hours_only
    if raw.get("business_hours_only") is not None:
        business = _flag(raw.get("business_hours_only"), f"{where}: business_hours_only")
    kind = template_kind(category)
    if kind is None and notify:
        raise InvalidInput(f"{where}: a withdrawal is the candidate's own; it sends them no email.")
    if template_id is not None:
        company_template(s, company_id, template_id, kind or "", where)
    return StageAutomation(public, notify, template_id, delay, business)


def company_template(
    s: Session, company_id: int, template_id: int, kind: str, where: str = "The email template"
) -> CompanyEmailTemplate:
    row = s.get(CompanyEmailTemplate, template_id)
    if row is None or row.company_id != company_id:
        raise InvalidInput(f"{where}: that email template is not one of your company's.")
    if row.kind != kind:
        wanted = render.KINDS.get(kind, kind).lower()
        raise InvalidInput(
            f"{where}: “{row.name}” is a {render.KINDS[row.kind].lower()} template, not a {wanted} one."
        )
    return row


def next_business_time(at: datetime, zone: ZoneInfo) -> datetime:
    """``at``, or the next moment of the company's business hours after it (UTC)."""
    local = at.astimezone(zone)
    for _ in range(8):
        if local.weekday() in BUSINESS_DAYS:
            if local.time() < BUSINESS_START:
                opening = datetime.combine(local.date(), BUSINESS_START, tzinfo=zone)
                return opening.astimezone(UTC)
            if local.time() < BUSINESS_END:
                return at.astimezone(UTC)
        following = local.date() + timedelta(days=1)
        local = datetime.combine(following, time(0, 0), tzinfo=zone)
    return at.astimezone(UTC)  # unreachable: a week always holds a business day


def send_time(
    now: datetime, delay_minutes: int, business_hours_only: bool, zone: ZoneInfo, floor: timedelta
) -> datetime:
    """When an email leaves: after its delay, never before ``floor`` (the undo window, or a
    knockout's or a batch's hold), then at the next business hour when so chosen."""
    at = now + max(timedelta(minutes=delay_minutes), floor)
    return next_business_time(at, zone) if business_hours_only else at


@dataclass(frozen=True)
class EmailPlan:
    """An email a move sends the candidate: its template (kind, and the company's named one or
    None for the kind's default), when it leaves, and the stage as the candidate reads it."""

    kind: str
    template_id: int | None
    send_at: datetime
    public_name: str


@dataclass(frozen=True)
class RejectEmail:
    """A recruiter's choice for one rejection's email: ``notify=False`` sends none; otherwise
    ``template_id`` (None: the stage's own, else the company's default rejection) after
    ``send_in`` (None: the stage's own delay) or at ``send_at``."""

    notify: bool = True
    template_id: int | None = None
    send_in: timedelta | None = None
    send_at: datetime | None = None


def parse_reject_email(
    *,
    notify: object = True,
    template_id: object = None,
    send_in_minutes: object = None,
    send_at: object = None,
) -> RejectEmail:
    """The reject dialog's or the API's choice, checked: one of ``send_in_minutes``, ``send_at``
    (a time ahead, within 30 days) or ``notify: false``."""
    if notify is None:
        notify = True
    wants = _flag(notify, "notify")
    if not wants:
        if send_in_minutes is not None or send_at not in (None, ""):
            raise InvalidInput("With notify false no email is sent: leave out send_in_minutes and send_at.")
        return RejectEmail(notify=False)
    chosen = None if template_id in (None, "", 0) else validation.object_id(template_id, "Template id")
    if send_in_minutes is not None and send_at not in (None, ""):
        raise InvalidInput("Give send_in_minutes or send_at, not both.")
    delay = None
    if send_in_minutes is not None:
        delay = timedelta(minutes=_minutes(send_in_minutes, "send_in_minutes"))
    when = None
    if send_at not in (None, ""):
        when = _moment(send_at)
        now = datetime.now(UTC)
        if when > now + timedelta(minutes=MAX_DELAY_MINUTES):
            raise InvalidInput("send_at must be within 30 days.")
        if when < now - timedelta(minutes=1):
            raise InvalidInput("send_at is in the past; choose a time ahead, or send it now.")
    return RejectEmail(True, chosen, delay, when)


def _moment(value: object) -> datetime:
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput("send_at must be a date and time like 2026-12-24T09:00:00Z.") from None
    else:
        raise InvalidInput("send_at must be a date and time like 2026-12-24T09:00:00Z.")
    if when.tzinfo is None:
        raise InvalidInput("send_at needs a time zone (for example 2026-12-24T09:00:00Z).")
    return when.astimezone(UTC)


_STAGES, _JOBS, _COMPANIES = JobStage.__table__, Job.__table__, Company.__table__
# Read on every move that may email: the stage's automation and its company's zone, built once.
_STAGE_AUTOMATION = (
    sa.select(
        _STAGES.c.category,
        _STAGES.c.public_name,
        _STAGES.c.notify,
        _STAGES.c.email_template_id,
        _STAGES.c.email_delay_minutes,
        _STAGES.c.business_hours_only,
        _COMPANIES.c.id.label("company_id"),
        _COMPANIES.c.time_zone,
    )
    .join(_JOBS, _JOBS.c.id == _STAGES.c.job_id)
    .join(_COMPANIES, _COMPANIES.c.id == _JOBS.c.company_id)
    .where(_STAGES.c.id == sa.bindparam("stage_id"))
)


def company_zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):  # a zone the system no longer knows: UTC, never a failed move
        return ZoneInfo("UTC")


def plan(
    s: Session,
    stage_id: int,
    move_kind: str,
    *,
    now: datetime,
    floor: timedelta,
    choice: RejectEmail | None = None,
) -> EmailPlan | None:
    """The email entering stage ``stage_id`` by a move of ``move_kind`` sends the candidate, or
    None. ``choice`` is a recruiter's for a rejection; it overrides the stage's own settings."""
    if move_kind not in EMAILED_MOVES and move_kind != "applied":
        return None
    row = prebuilt.execute(s.connection(), _STAGE_AUTOMATION, {"stage_id": stage_id}).one()
    kind = template_kind(row.category)
    if kind is None:
        return None
    public = shown_name(row.public_name, row.category)
    zone = company_zone(row.time_zone)
    if choice is not None and row.category == "rejected":
        if not choice.notify:
            return None
        template_id = row.email_template_id
        if choice.template_id is not None:
            template_id = company_template(s, row.company_id, choice.template_id, "rejection").id
        if choice.send_at is not None:
            return EmailPlan(kind, template_id, max(choice.send_at, now + floor), public)
        if choice.send_in is not None:
            return EmailPlan(kind, template_id, now + max(choice.send_in, floor), public)
        at = send_time(now, row.email_delay_minutes, row.business_hours_only, zone, floor)
        return EmailPlan(kind, template_id, at, public)
    if not row.notify:
        return None
    at = send_time(now, row.email_delay_minutes, row.business_hours_only, zone, floor)
    return EmailPlan(kind, row.email_template_id, at, public)


def compose(
    s: Session, kind: str, company_id: int, template_id: int | None, filled: Mapping[str, str]
) -> tuple[tuple[str, str, str], str | None]:
    """(subject, text, HTML) of a candidate's email from the company's named template
    ``template_id`` (a template deleted since, or one that no longer renders, gives way to the
    kind's default), and the template's name when it was a named one."""
    if template_id is not None:
        row = s.get(CompanyEmailTemplate, template_id)
        if row is not None and row.company_id == company_id and row.kind == kind:
            try:
                mail = render.render(kind, row.subject, row.body, filled)
                return (mail.subject, mail.text, mail.html), row.name
            except InvalidInput:
                pass
    return mail_templates.compose(s, kind, company_id, filled), None


@dataclass(frozen=True)
class TemplateChoice:
    """A rejection template the reject dialog offers; ``id`` None is the company's default one
    when it has written none (FlowTrack's built-in)."""

    id: int | None
    name: str
    is_default: bool


def rejection_templates(s: Session, company_id: int) -> list[TemplateChoice]:
    """The company's rejection templates, its default first, then by name; the built-in one when
    it has none."""
    rows = s.execute(
        sa.select(CompanyEmailTemplate.id, CompanyEmailTemplate.name, CompanyEmailTemplate.is_default).where(
            CompanyEmailTemplate.company_id == company_id, CompanyEmailTemplate.kind == "rejection"
        )
    ).all()
    if not rows:
        return [TemplateChoice(None, mail_templates.BUILT_IN["rejection"].name, True)]
    ordered = sorted(rows, key=lambda r: (not r[2], r[1].casefold()))
    return [TemplateChoice(r[0], r[1], bool(r[2])) for r in ordered]


def template_for_reason(choices: list[TemplateChoice], reason: str | None) -> int | None:
    """The template a reason pre-chooses: the one named like the reason ("Position filled"), or
    whose name the reason's words start with or hold; else the default (None)."""
    if not reason:
        return None
    wanted = reason.casefold().strip()
    named = [c for c in choices if c.id is not None]
    for match in (
        lambda n: n == wanted,
        lambda n: wanted.startswith(n) or n.startswith(wanted),
        lambda n: n in wanted or wanted in n,
    ):
        found = next((c for c in named if match(c.name.casefold().strip())), None)
        if found is not None:
            return found.id
    return None


def company_time_zone(db: Database, principal: Principal) -> str:
    """The zone of the company's business hours (staff read it)."""
    require(principal, Action.READ_EMAIL_TEMPLATES)
    with db.session() as s:
        return existing(s, Company, principal.staff_company_id).time_zone


def set_company_time_zone(db: Database, principal: Principal, name: object) -> str:
    """Recruiters set the zone whose business hours (Monday to Friday, 09:00–17:00) emails held
    for business hours wait for; an unknown name is refused."""
    require(principal, Action.EDIT_EMAIL_TEMPLATES)
    zone = time_zones.zone(name.strip() if isinstance(name, str) else name)
    with db.session(write=True) as s:
        company = existing(s, Company, principal.staff_company_id)
        company.time_zone = zone.key
        s.add(company)
    return zone.key
