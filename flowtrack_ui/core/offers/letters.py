"""Offer letter templates: a company's named letters in Markdown with ``{{ variables }}``, one the
default, and the built-in letter until the company writes its own.

A letter is checked by the same rules as the email templates (mail/render.py, kind ``offer``):
only the documented variables, ``{% if %}`` and text, rendered in Jinja2's sandbox. Values are
escaped for Markdown before they are filled in, so a name or a term cannot add formatting or links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import validation
from ..db import Database
from ..errors import Conflict, InvalidInput, NotFound
from ..mail import render
from ..mail.values import first_name
from ..models import Company, OfferTemplate
from ..permissions import Action, Principal, require

KIND = "offer"
MAX_NAME = 80
MAX_BODY = 20_000
MAX_PER_COMPANY = 50
BUILT_IN_NAME = "Standard offer letter"

BUILT_IN_BODY = """# Offer of employment

{{ offer.date }}

Dear {{ candidate.full_name }},

We are delighted to offer you the position of **{{ job.title }}** at {{ company.name }}.

## Terms

- **Start date:** {{ offer.start_date }}
- **Salary:** {{ offer.salary }}
{% if offer.bonus %}- **Bonus:** {{ offer.bonus }}
{% endif %}{% if offer.equity %}- **Equity:** {{ offer.equity }}
{% endif %}
{% if offer.other_terms %}{{ offer.other_terms }}

{% endif %}This offer is open until **{{ offer.expires_on }}**. To accept it, sign it with your full name \
on the page where you read it; you may also decline it there.

We look forward to working with you, {{ candidate.first_name }}.

Sincerely,

{{ signer.name }}{% if signer.title %}, {{ signer.title }}{% endif %}

{{ company.name }}
"""

PERIOD_WORDS = {"year": "per year", "month": "per month", "hour": "per hour"}


@dataclass(frozen=True)
class LetterTemplate:
    """A company's letter template; ``id`` 0 is the built-in one (not stored)."""

    id: int
    name: str
    body: str
    is_default: bool
    built_in: bool


@dataclass(frozen=True)
class LetterTerms:
    """What a letter's variables are filled with."""

    candidate_name: str
    job_title: str
    company_name: str
    issued_on: date
    start_date: date
    salary_cents: int
    currency: str
    salary_period: str
    bonus: str
    equity: str
    other_terms: str
    expires_on: date
    signer_name: str
    signer_title: str


def long_date(day: date) -> str:
    """``4 December 2026``: no locale, no ambiguity between day and month."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def amount(cents: int) -> str:
    """``60,000.00``"""
    return f"{cents // 100:,}.{cents % 100:02d}"


def salary_words(cents: int, currency: str, period: str) -> str:
    return f"{currency} {amount(cents)} {PERIOD_WORDS.get(period, period)}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def md_escape(value: str) -> str:
    """A value as literal text in Markdown: every character CommonMark could read as markup is
    backslash-escaped, and line starts cannot open a block."""
    return " ".join(_MD_SPECIAL.sub(r"\\\1", value).split()) if "\n" not in value else _multiline(value)


def _multiline(value: str) -> str:
    lines = [_MD_SPECIAL.sub(r"\\\1", line.strip()) for line in value.splitlines()]
    return "  \n".join(line for line in lines if line)  # hard line breaks inside one paragraph


def values(terms: LetterTerms) -> dict[str, str]:
    """The letter's variables (mail/render.LETTER_VARIABLES), escaped for Markdown."""
    raw = {
        "candidate.first_name": first_name(terms.candidate_name),
        "candidate.full_name": terms.candidate_name,
        "job.title": terms.job_title,
        "company.name": terms.company_name,
        "offer.date": long_date(terms.issued_on),
        "offer.start_date": long_date(terms.start_date),
        "offer.salary": salary_words(terms.salary_cents, terms.currency, terms.salary_period),
        "offer.salary_amount": amount(terms.salary_cents),
        "offer.currency": terms.currency,
        "offer.salary_period": terms.salary_period,
        "offer.bonus": terms.bonus,
        "offer.equity": terms.equity,
        "offer.other_terms": terms.other_terms,
        "offer.expires_on": long_date(terms.expires_on),
        "signer.name": terms.signer_name,
        "signer.title": terms.signer_title,
    }
    return {k: md_escape(v) for k, v in raw.items()}


def check_body(body: object) -> str:
    """A letter body as written: length, then the template rules (only the letter's variables)."""
    text = validation.text(body, "Letter", max_len=MAX_BODY, multiline=True)
    render.check(KIND, text, "letter")
    return text


def fill(body: str, terms: LetterTerms) -> str:
    """The letter's Markdown with its variables filled in."""
    return render.render_text(KIND, body, values(terms)).strip() + "\n"


def sample_terms(company_name: str, signer: str) -> LetterTerms:
    """The editor's preview: an example candidate and terms."""
    today = datetime.now(UTC).date()
    return LetterTerms(
        candidate_name="Alex Example",
        job_title="Product Designer",
        company_name=company_name,
        issued_on=today,
        start_date=date(today.year + 1, 1, 4),
        salary_cents=6_000_000,
        currency="EUR",
        salary_period="year",
        bonus="10% of the annual salary, paid yearly",
        equity="",
        other_terms="The first three months are a probation period.",
        expires_on=date(today.year + 1, 1, 1) if today.month == 12 else today.replace(day=28),
        signer_name=signer,
        signer_title="Head of People",
    )


# --- templates per company ------------------------------------------------------------------


def _built_in(is_default: bool) -> LetterTemplate:
    return LetterTemplate(0, BUILT_IN_NAME, BUILT_IN_BODY, is_default, True)


def _view(row: OfferTemplate) -> LetterTemplate:
    return LetterTemplate(row.id or 0, row.name, row.body, row.is_default, False)


def list_templates(db: Database, principal: Principal) -> list[LetterTemplate]:
    """The company's letters, the default first; the built-in one is listed too (default while the
    company has no default of its own)."""
    require(principal, Action.READ_OFFERS)
    with db.session() as s:
        rows = s.exec(
            select(OfferTemplate)
            .where(OfferTemplate.company_id == principal.staff_company_id)
            .order_by(OfferTemplate.is_default.desc(), OfferTemplate.name)  # type: ignore[attr-defined]
        ).all()
    views = [_view(r) for r in rows]
    built_in = _built_in(not any(v.is_default for v in views))
    return [built_in, *views] if built_in.is_default else [*views, built_in]


def default_body(s: Session, company_id: int) -> str:
    row = s.exec(
        select(OfferTemplate).where(OfferTemplate.company_id == company_id, OfferTemplate.is_default)
    ).first()
    return row.body if row else BUILT_IN_BODY


def template_body(s: Session, principal: Principal, template_id: object) -> str:
    """The body of a template of the caller's company (0: the built-in letter)."""
    if template_id in (None, "", 0, "0"):
        return default_body(s, principal.staff_company_id) if template_id is None else BUILT_IN_BODY
    return _row(s, principal, template_id).body


def _row(s: Session, principal: Principal, template_id: object) -> OfferTemplate:
    tid = validation.object_id(template_id, "Template id")
    row = s.get(OfferTemplate, tid)
    if row is None or row.company_id != principal.staff_company_id:
        raise NotFound("Offer template not found.")
    return row


def _fields(fields: object) -> tuple[str, str, bool]:
    if not isinstance(fields, dict):
        raise InvalidInput("Send the template as an object with name and body.")
    name = validation.text(fields.get("name"), "Name", max_len=MAX_NAME)
    body = check_body(fields.get("body"))
    is_default = fields.get("is_default", False)
    if not isinstance(is_default, bool):
        raise InvalidInput("is_default must be true or false.")
    return name, body, is_default


def _make_default(s: Session, company_id: int, keep_id: int) -> None:
    s.execute(
        update(OfferTemplate)
        .where(OfferTemplate.company_id == company_id, OfferTemplate.id != keep_id)  # type: ignore[arg-type]
        .values(is_default=False)
    )


def create_template(db: Database, principal: Principal, fields: object) -> LetterTemplate:
    """A new letter of the company; ``is_default`` makes new offers start from it."""
    require(principal, Action.EDIT_OFFER_TEMPLATES)
    name, body, is_default = _fields(fields)
    company_id = principal.staff_company_id
    try:
        with db.session(write=True) as s:
            count = s.exec(
                select(func.count()).select_from(OfferTemplate).where(OfferTemplate.company_id == company_id)
            ).one()
            if count >= MAX_PER_COMPANY:
                raise Conflict(f"A company may keep at most {MAX_PER_COMPANY} offer templates.")
            row = OfferTemplate(company_id=company_id, name=name, body=body, is_default=is_default)
            s.add(row)
            s.flush()
            if is_default:
                _make_default(s, company_id, row.id or 0)
            return _view(row)
    except IntegrityError:
        raise Conflict(f"An offer template named {name!r} exists already.") from None


def update_template(
    db: Database, principal: Principal, template_id: object, fields: object
) -> LetterTemplate:
    """Changes a letter; offers already written keep the words they were written with."""
    require(principal, Action.EDIT_OFFER_TEMPLATES)
    name, body, is_default = _fields(fields)
    try:
        with db.session(write=True) as s:
            row = _row(s, principal, template_id)
            row.name, row.body, row.updated_at = name, body, datetime.now(UTC)
            if is_default:
                row.is_default = True
                _make_default(s, row.company_id, row.id or 0)
            elif row.is_default:
                row.is_default = False  # the built-in letter is the default again
            s.add(row)
            s.flush()
            return _view(row)
    except IntegrityError:
        raise Conflict(f"An offer template named {name!r} exists already.") from None


def delete_template(db: Database, principal: Principal, template_id: object) -> None:
    require(principal, Action.EDIT_OFFER_TEMPLATES)
    with db.session(write=True) as s:
        s.delete(_row(s, principal, template_id))


def preview_markdown(db: Database, principal: Principal, body: object) -> str:
    """The letter filled in with an example candidate (the editor's preview)."""
    require(principal, Action.READ_OFFERS)
    text = check_body(body)
    with db.session() as s:
        company = s.get(Company, principal.staff_company_id)
        name = company.name if company else ""
    return fill(text, sample_terms(name, principal.full_name))
