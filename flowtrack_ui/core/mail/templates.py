"""A company's email templates: several named ones per kind, one of them the kind's default, which
FlowTrack's automatic emails of that kind use. A kind without any uses its built-in template.

Recruiters write them; all staff read them. Another company's template is NotFound.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import audit, prebuilt, validation
from ..db import Database
from ..errors import Conflict, InvalidInput, NotFound
from ..models import Application, CompanyEmailTemplate, Job, User
from ..permissions import Action, Principal, may, require
from ..scoping import company_application
from . import render, values
from .render import KINDS

log = logging.getLogger("flowtrack.mail")

MAX_NAME = 80
MAX_PER_COMPANY = 200


@dataclass(frozen=True)
class BuiltIn:
    name: str
    subject: str
    body: str


_TRACK = "\n\n{{ links.tracker }}"

# In plain, kind words: what FlowTrack wrote before templates could be changed.
BUILT_IN: dict[str, BuiltIn] = {
    "application_received": BuiltIn(
        "Application received",
        "We received your application for {{ job.title }}",
        "Hello {{ candidate.full_name }},\n\n"
        "thank you for applying for {{ job.title }} at {{ company.name }}. Your application has arrived "
        "and the team will review it. You can follow its progress at any time:" + _TRACK,
    ),
    "stage": BuiltIn(
        "Stage reached",
        "Your application for {{ job.title }}: {{ stage.public_name }}",
        "Hello {{ candidate.full_name }},\n\n"
        '{% if stage.category == "screening" -%}\n'
        "Good news: your application for {{ job.title }} at {{ company.name }} has moved to screening. "
        "The team is taking a closer look.\n"
        '{%- elif stage.category == "interview" -%}\n'
        "Your application for {{ job.title }} at {{ company.name }} has moved to the interview stage. "
        "The team will be in touch to arrange it.\n"
        '{%- elif stage.category == "offer" -%}\n'
        "We are delighted to tell you that {{ company.name }} is preparing an offer for {{ job.title }}.\n"
        '{%- elif stage.category == "hired" -%}\n'
        "Congratulations, and welcome to {{ company.name }}! Your application for {{ job.title }} is "
        "complete.\n"
        "{%- else -%}\n"
        "Your application for {{ job.title }} at {{ company.name }} is now at the {{ stage.public_name }} "
        "stage.\n"
        "{%- endif %}\n\n"
        "You can follow your application here:" + _TRACK,
    ),
    "rejection": BuiltIn(
        "Rejection",
        "Your application for {{ job.title }} at {{ company.name }}",
        "Hello {{ candidate.full_name }},\n\n"
        "thank you for your interest in {{ job.title }} at {{ company.name }} and for the time you gave "
        "us. After careful consideration we have decided not to take your application further.\n\n"
        "We know this is not the news you hoped for. We wish you every success, and you are welcome to "
        "apply for other roles with us:\n\n{{ links.careers }}",
    ),
    "interview": BuiltIn(
        "Interview invitation",
        "Interview: {{ company.name }}, {{ job.title }}, {{ interview.when }}",
        "Hello {{ candidate.full_name }},\n\n"
        "an interview for {{ job.title }} at {{ company.name }} is scheduled:\n\n"
        "When: {{ interview.when }} ({{ interview.duration_minutes }} minutes)\n"
        "Where: {{ interview.location }}\n\n"
        "The calendar invitation is attached." + _TRACK,
    ),
    "scheduling": BuiltIn(
        "Self-scheduling link",
        "Pick a time for your interview: {{ company.name }}, {{ job.title }}",
        "Hello {{ candidate.full_name }},\n\n"
        "we would like to invite you to an interview for {{ job.title }} at {{ company.name }} "
        "({{ interview.duration_minutes }} minutes). Please choose the time that suits you best "
        "here; you can change or cancel it from the same link later:\n\n{{ links.scheduling }}",
    ),
    "talent_invitation": BuiltIn(
        "Talent-pool invitation",
        "{{ company.name }} would like to consider you for {{ job.title }}",
        "Hello {{ candidate.full_name }},\n\n"
        "you applied to {{ company.name }} before, and the team thinks you could be a good fit for "
        "another role: {{ job.title }}. They have added you to it, so you do not need to apply again. "
        "You can follow this application, or withdraw from it if you are not interested, here:" + _TRACK,
    ),
    "message": BuiltIn(
        "Message",
        "About your application for {{ job.title }}",
        "Hello {{ candidate.first_name }},\n\n\n\nKind regards,\n{{ recruiter.name }}\n{{ company.name }}",
    ),
}


@dataclass(frozen=True)
class TemplateView:
    """A template as the list and the editor show it; a built-in one has no id."""

    id: int | None
    kind: str
    kind_label: str
    name: str
    subject: str
    body: str
    is_default: bool
    built_in: bool
    can_edit: bool
    updated_at: datetime | None


def _view(row: CompanyEmailTemplate, can_edit: bool) -> TemplateView:
    assert row.id is not None
    return TemplateView(
        id=row.id,
        kind=row.kind,
        kind_label=KINDS[row.kind],
        name=row.name,
        subject=row.subject,
        body=row.body,
        is_default=row.is_default,
        built_in=False,
        can_edit=can_edit,
        updated_at=row.updated_at,
    )


def _built_in_view(kind: str, can_edit: bool) -> TemplateView:
    b = BUILT_IN[kind]
    return TemplateView(None, kind, KINDS[kind], b.name, b.subject, b.body, True, True, can_edit, None)


def _rows(s: Session, company_id: int, kind: str | None = None) -> list[CompanyEmailTemplate]:
    query = select(CompanyEmailTemplate).where(CompanyEmailTemplate.company_id == company_id)
    if kind is not None:
        query = query.where(CompanyEmailTemplate.kind == kind)
    return list(s.exec(query.order_by(CompanyEmailTemplate.name, CompanyEmailTemplate.id)).all())


def list_templates(db: Database, principal: Principal) -> list[TemplateView]:
    """Every kind in order: its default first, then the others by name; a kind the company has not
    written yet shows its built-in template."""
    require(principal, Action.READ_EMAIL_TEMPLATES)
    can_edit = may(principal, Action.EDIT_EMAIL_TEMPLATES)
    with db.session() as s:
        rows = _rows(s, principal.staff_company_id)
    out: list[TemplateView] = []
    for kind in KINDS:
        mine = sorted(
            (r for r in rows if r.kind == kind), key=lambda r: (not r.is_default, r.name.casefold())
        )
        out.extend([_view(r, can_edit) for r in mine] if mine else [_built_in_view(kind, can_edit)])
    return out


def built_in(db: Database, principal: Principal, kind: object) -> TemplateView:
    """The built-in template of a kind (to start a new one from, or to compare with)."""
    require(principal, Action.READ_EMAIL_TEMPLATES)
    return _built_in_view(render.parse_kind(kind), may(principal, Action.EDIT_EMAIL_TEMPLATES))


def _company_row(s: Session, principal: Principal, template_id: object) -> CompanyEmailTemplate:
    template_id = validation.object_id(template_id, "Template id")
    row = s.get(CompanyEmailTemplate, template_id)
    if row is None or row.company_id != principal.staff_company_id:
        raise NotFound("Email template not found.")
    return row


def get_template(db: Database, principal: Principal, template_id: object) -> TemplateView:
    require(principal, Action.READ_EMAIL_TEMPLATES)
    with db.session() as s:
        return _view(_company_row(s, principal, template_id), may(principal, Action.EDIT_EMAIL_TEMPLATES))


def _fields(kind: str, raw: Mapping[str, object]) -> tuple[str, str, str]:
    name = validation.text(raw.get("name"), "Name", max_len=MAX_NAME)
    subject = validation.text(raw.get("subject"), "Subject", max_len=render.MAX_SUBJECT)
    body = raw.get("body")
    if not isinstance(body, str):
        raise InvalidInput("Body must be text." if body is not None else "Body is required.")
    body = body.replace("\r\n", "\n").strip("\n")
    if not body.strip():
        raise InvalidInput("Body is required.")
    render.check_template(kind, subject, body)
    return name, subject, body


def _flag(raw: Mapping[str, object], key: str) -> bool | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise InvalidInput(f"{key} must be true or false.")
    return value


def _make_default(s: Session, row: CompanyEmailTemplate) -> None:
    s.execute(
        update(CompanyEmailTemplate)
        .where(
            CompanyEmailTemplate.company_id == row.company_id,
            CompanyEmailTemplate.kind == row.kind,
            CompanyEmailTemplate.id != row.id,
        )
        .values(is_default=False)
    )
    row.is_default = True


def _name_taken(kind: str, name: str) -> Conflict:
    return Conflict(f"There is already a {KINDS[kind].lower()} template named “{name}”.")


def create_template(db: Database, principal: Principal, raw: Mapping[str, object]) -> TemplateView:
    """A new named template; the first of its kind becomes the kind's default (it replaces the
    built-in one), and ``is_default`` makes a later one the default."""
    require(principal, Action.EDIT_EMAIL_TEMPLATES)
    kind = render.parse_kind(raw.get("kind"))
    name, subject, body = _fields(kind, raw)
    wanted_default = _flag(raw, "is_default")
    company_id = principal.staff_company_id
    with db.session(write=True) as s:
        count = s.exec(
            select(func.count())
            .select_from(CompanyEmailTemplate)
            .where(CompanyEmailTemplate.company_id == company_id)
        ).one()
        if count >= MAX_PER_COMPANY:
            raise InvalidInput(
                f"A company keeps at most {MAX_PER_COMPANY} email templates; delete one first."
            )
        siblings = _rows(s, company_id, kind)
        if any(r.name.casefold() == name.casefold() for r in siblings):
            raise _name_taken(kind, name)
        now = datetime.now(UTC)
        row = CompanyEmailTemplate(
            company_id=company_id,
            kind=kind,
            name=name,
            subject=subject,
            body=body,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        try:
            s.flush()
        except IntegrityError:  # the same name written at the same moment by a colleague
            raise _name_taken(kind, name) from None
        if not siblings or wanted_default:
            _make_default(s, row)
        audit.record(s, principal, "email_template.created", f"template {row.id} {row.kind} {row.name}")
        return _view(row, True)


def update_template(
    db: Database, principal: Principal, template_id: object, raw: Mapping[str, object]
) -> TemplateView:
    """Name, subject and body (checked like a new one); ``is_default: true`` makes it the default.
    A template's kind does not change: its variables would not fit."""
    require(principal, Action.EDIT_EMAIL_TEMPLATES)
    with db.session(write=True) as s:
        row = _company_row(s, principal, template_id)
        if raw.get("kind") not in (None, row.kind):
            raise InvalidInput("A template's kind cannot change; write a new template of the other kind.")
        name, subject, body = _fields(row.kind, raw)
        wanted_default = _flag(raw, "is_default")
        if any(
            r.id != row.id and r.name.casefold() == name.casefold()
            for r in _rows(s, row.company_id, row.kind)
        ):
            raise _name_taken(row.kind, name)
        row.name, row.subject, row.body, row.updated_at = name, subject, body, datetime.now(UTC)
        if wanted_default:
            _make_default(s, row)
        elif wanted_default is False and row.is_default:
            raise InvalidInput("Make another template of this kind the default instead.")
        s.add(row)
        try:
            s.flush()
        except IntegrityError:
            raise _name_taken(row.kind, name) from None
        audit.record(s, principal, "email_template.updated", f"template {row.id} {row.kind} {row.name}")
        return _view(row, True)


def delete_template(db: Database, principal: Principal, template_id: object) -> None:
    """Gone; when it was the default, the next of its kind by name becomes the default (the
    built-in one when none is left)."""
    require(principal, Action.EDIT_EMAIL_TEMPLATES)
    with db.session(write=True) as s:
        row = _company_row(s, principal, template_id)
        audit.record(s, principal, "email_template.deleted", f"template {row.id} {row.kind} {row.name}")
        s.delete(row)
        s.flush()
        if row.is_default:
            rest = _rows(s, row.company_id, row.kind)
            if rest:
                _make_default(s, rest[0])
                s.add(rest[0])


_TEMPLATES = CompanyEmailTemplate.__table__
# Read by every email FlowTrack writes from a template (a rejection's among them): built once.
_DEFAULT_SOURCE = sa.select(_TEMPLATES.c.subject, _TEMPLATES.c.body).where(
    _TEMPLATES.c.company_id == sa.bindparam("company_id"),
    _TEMPLATES.c.kind == sa.bindparam("kind"),
    _TEMPLATES.c.is_default,
)


def source_for(s: Session, company_id: int, kind: str) -> tuple[str, str]:
    """(subject, body) of the company's default template of ``kind``, or the built-in one: what
    FlowTrack's own emails of that kind are written from (no caller to check: the change that
    sends the email was checked)."""
    row = prebuilt.execute_flushed(s, _DEFAULT_SOURCE, {"company_id": company_id, "kind": kind}).first()
    if row is not None:
        return row[0], row[1]
    return BUILT_IN[kind].subject, BUILT_IN[kind].body


def preview(db: Database, principal: Principal, raw: Mapping[str, object]) -> render.Rendered:
    """A template as it would be sent: on one of the company's applications (``application_id``)
    or on an example candidate. Refused like a save when it could not be sent."""
    require(principal, Action.READ_EMAIL_TEMPLATES)
    kind = render.parse_kind(raw.get("kind"))
    subject, body = raw.get("subject"), raw.get("body")
    if not isinstance(subject, str) or not isinstance(body, str):
        raise InvalidInput("Subject and body must be text.")
    render.check_template(kind, subject, body)
    with db.session() as s:
        if raw.get("application_id") in (None, "", 0):
            filled = values.sample(s, principal.staff_company_id, principal.full_name)
        else:
            app = company_application(s, principal, raw.get("application_id"))
            assert app.id is not None
            filled = values.for_application(s, app.id)
    return render.render(kind, subject, body, filled)


@dataclass(frozen=True)
class PreviewChoice:
    """An application the preview can be filled from: its candidate and job."""

    application_id: int
    label: str


def preview_choices(db: Database, principal: Principal, limit: int = 20) -> list[PreviewChoice]:
    """The company's most recent applications, newest first, to preview a template on."""
    require(principal, Action.READ_EMAIL_TEMPLATES)
    with db.session() as s:
        rows = s.exec(
            select(Application.id, User.full_name, Job.title)
            .join(Job, Job.id == Application.job_id)
            .join(User, User.id == Application.candidate_id)
            .where(Job.company_id == principal.staff_company_id, User.erased_at.is_(None))  # type: ignore[union-attr]
            .order_by(Application.created_at.desc(), Application.id.desc())  # type: ignore[attr-defined]
            .limit(limit)
        ).all()
    return [PreviewChoice(app_id, f"{name} · {title}") for app_id, name, title in rows]


def compose(
    s: Session, kind: str, company_id: int, filled: Mapping[str, str], extra: str = "", link: str = ""
) -> tuple[str, str, str]:
    """(subject, text, HTML) of one of FlowTrack's emails, from the company's default template of
    ``kind``, with ``extra`` words FlowTrack adds below it; a ``link`` the template left out is
    added there too (a sign-in link must reach the candidate). A stored template that no longer
    renders (it was checked at save) falls back to the built-in one, so the change goes through."""
    subject, body = source_for(s, company_id, kind)
    try:
        mail = render.render(kind, subject, body, filled)
    except InvalidInput as exc:
        log.warning("the %s email template of company %s does not render: %s", kind, company_id, exc.message)
        mail = render.render(kind, BUILT_IN[kind].subject, BUILT_IN[kind].body, filled)
    if link and link not in mail.text:
        extra = f"Follow your application with this link:\n\n{link}\n\n{extra}"
    if not extra:
        return mail.subject, mail.text, mail.html
    text = mail.text + "\n" + extra.strip("\n") + "\n"
    return mail.subject, text, render.to_html(text, filled.get("company.name", ""))


def kind_variables(principal: Principal) -> dict[str, list[tuple[str, str]]]:
    """For each kind, the variables its templates may use and what each holds (the editor's list)."""
    require(principal, Action.READ_EMAIL_TEMPLATES)
    return {kind: [(n, render.VARIABLES[n]) for n in names] for kind, names in render.KIND_VARIABLES.items()}
