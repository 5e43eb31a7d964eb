"""Rendering a company's email template: subject and plain text from Jinja2, HTML made from the text.

Templates are written by staff and read by candidates, so what they may contain is decided before
anything runs: the parsed template may hold text, ``{{ variable }}`` and ``{% if %}`` (with ``==``,
``!=``, ``and``, ``or``, ``not`` and quoted words), and only the documented variables of its kind.
No loop, macro, filter, call, index or assignment passes, so rendering takes time proportional to
the template and no Python object is reachable. The Jinja2 sandbox and ``StrictUndefined`` stay
as a second wall behind that check.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import InvalidInput

MAX_SUBJECT = 200
MAX_BODY = 10_000
# Rendered subjects longer than this are cut (the outbox column is wider; mail clients show less).
MAX_RENDERED_SUBJECT = 250

KINDS: dict[str, str] = {
    "application_received": "Application received",
    "stage": "Stage reached",
    "rejection": "Rejection",
    "interview": "Interview invitation",
    "talent_invitation": "Talent-pool invitation",
    "message": "Message",
    "scheduling": "Self-scheduling link",
}

# Every variable a template may use, with what it holds (the editor lists these words).
VARIABLES: dict[str, str] = {
    "candidate.first_name": "the candidate's first name",
    "candidate.full_name": "the candidate's full name",
    "job.title": "the job's title",
    "company.name": "your company's name",
    "recruiter.name": "the name of who posted the job",
    "links.tracker": "the link where the candidate follows their application",
    "links.careers": "your careers site, with your open roles",
    "stage.public_name": "the stage as candidates see it (Screening, Interview, Offer…)",
    "stage.category": "the stage's kind: applied, screening, interview, offer, hired or rejected",
    "interview.when": "the interview's date and time, with its time zone",
    "interview.duration_minutes": "how long the interview lasts, in minutes",
    "interview.location": "where the interview takes place, or its video link",
    "links.scheduling": "the link where the candidate picks their interview time",
}
_COMMON = (
    "candidate.first_name",
    "candidate.full_name",
    "job.title",
    "company.name",
    "recruiter.name",
    "links.tracker",
    "links.careers",
)
_STAGE = ("stage.public_name", "stage.category")
_INTERVIEW = ("interview.when", "interview.duration_minutes", "interview.location")
KIND_VARIABLES: dict[str, tuple[str, ...]] = {
    "application_received": _COMMON,
    "stage": _COMMON + _STAGE,
    "rejection": _COMMON,
    "interview": _COMMON + _INTERVIEW,
    "talent_invitation": _COMMON,
    "message": _COMMON + _STAGE,
    "scheduling": _COMMON + ("links.scheduling", "interview.duration_minutes"),
}

# Offer letters (offers/letters.py) are checked by the same rules with variables of their own; they
# are no email kind, so the email editor neither lists them nor accepts them as a kind.
LETTER_KINDS: dict[str, str] = {"offer": "Offer letter"}
LETTER_VARIABLES: dict[str, str] = {
    "candidate.first_name": "the candidate's first name",
    "candidate.full_name": "the candidate's full name",
    "job.title": "the job's title as offered",
    "company.name": "your company's name",
    "offer.date": "the date the letter is issued",
    "offer.start_date": "the start date",
    "offer.salary": "the salary with its currency and period (EUR 60,000.00 per year)",
    "offer.salary_amount": "the salary's amount alone (60,000.00)",
    "offer.currency": "the salary's currency code (EUR)",
    "offer.salary_period": "year, month or hour",
    "offer.bonus": "the bonus, or nothing",
    "offer.equity": "the equity, or nothing",
    "offer.other_terms": "other terms, or nothing",
    "offer.expires_on": "the last day the offer may be accepted",
    "signer.name": "who signs the letter for the company",
    "signer.title": "the signer's position",
}


def _allowed(kind: str) -> tuple[str, ...]:
    return KIND_VARIABLES[kind] if kind in KIND_VARIABLES else tuple(LETTER_VARIABLES)


_ALLOWED_TAGS = "text, {{ variables }} and {% if %} … {% elif %} … {% else %} … {% endif %}"
_COMPARISONS = frozenset({"eq", "ne"})


@dataclass(frozen=True)
class Rendered:
    """One email as it is sent: the subject line, the plain text and the HTML made from it."""

    subject: str
    text: str
    html: str


def parse_kind(value: object) -> str:
    """A template kind from user input; refused with the valid kinds named."""
    if isinstance(value, str) and value.strip() in KINDS:
        return value.strip()
    raise InvalidInput(f"Unknown email kind {str(value)[:40]!r}; the kinds are: {', '.join(KINDS)}.")


_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def _dotted(node: nodes.Expr) -> str | None:
    """``candidate.first_name`` for a chain of attribute reads on a name; None for anything else."""
    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        parts.append(node.name)
        return ".".join(reversed(parts))
    return None


def _refuse_tag(node: nodes.Node, where: str) -> InvalidInput:
    what = {
        nodes.For: "{% for %} loops",
        nodes.Macro: "{% macro %}",
        nodes.CallBlock: "{% call %}",
        nodes.Assign: "{% set %}",
        nodes.AssignBlock: "{% set %}",
        nodes.Filter: "filters ( | )",
        nodes.FilterBlock: "{% filter %}",
        nodes.Call: "calls",
        nodes.Getitem: "[ ] indexing",
        nodes.Include: "{% include %}",
        nodes.Import: "{% import %}",
        nodes.FromImport: "{% from … import %}",
        nodes.Extends: "{% extends %}",
        nodes.Block: "{% block %}",
        nodes.With: "{% with %}",
        nodes.Test: "tests (is …)",
    }.get(type(node), "an expression beyond variables and comparisons")
    return InvalidInput(f"The {where} uses {what}; a template may hold only {_ALLOWED_TAGS}.")


def _check_expr(node: nodes.Node, allowed: tuple[str, ...], kind: str, where: str) -> Iterator[str]:
    """The variables an expression reads; refuses anything but variables, words and comparisons."""
    if isinstance(node, nodes.Name | nodes.Getattr):
        name = _dotted(node)
        if name is None:  # an attribute of something that is not a variable: ''.__class__
            raise InvalidInput(
                f"The {where} reads an attribute of a value; only the listed variables may be used."
            )
        if name not in allowed:
            raise _unknown(name, kind, where)
        yield name
    elif isinstance(node, nodes.Const):
        if not isinstance(node.value, str | int | bool) and node.value is not None:
            raise _refuse_tag(node, where)
    elif isinstance(node, nodes.Compare):
        if any(op.op not in _COMPARISONS for op in node.ops):
            raise InvalidInput(f"The {where} compares with something other than == or !=.")
        yield from _check_expr(node.expr, allowed, kind, where)
        for op in node.ops:
            yield from _check_expr(op.expr, allowed, kind, where)
    elif isinstance(node, nodes.And | nodes.Or):
        yield from _check_expr(node.left, allowed, kind, where)
        yield from _check_expr(node.right, allowed, kind, where)
    elif isinstance(node, nodes.Not):
        yield from _check_expr(node.node, allowed, kind, where)
    else:
        raise _refuse_tag(node, where)


def _unknown(name: str, kind: str, where: str) -> InvalidInput:
    if name in VARIABLES and kind in KINDS:
        return InvalidInput(
            f"The {where} uses {{{{ {name} }}}}, which a {KINDS[kind].lower()} email does not have."
        )
    known = ", ".join(_allowed(kind))
    return InvalidInput(f"The {where} uses an unknown variable {{{{ {name} }}}}; the variables are: {known}.")


def _check_body(body: list[nodes.Node], allowed: tuple[str, ...], kind: str, where: str) -> Iterator[str]:
    for node in body:
        if isinstance(node, nodes.Output):
            for part in node.nodes:
                if not isinstance(part, nodes.TemplateData):
                    yield from _check_expr(part, allowed, kind, where)
        elif isinstance(node, nodes.If):
            yield from _check_expr(node.test, allowed, kind, where)
            yield from _check_body(node.body, allowed, kind, where)
            for branch in node.elif_:
                yield from _check_expr(branch.test, allowed, kind, where)
                yield from _check_body(branch.body, allowed, kind, where)
            yield from _check_body(node.else_, allowed, kind, where)
        else:
            raise _refuse_tag(node, where)


@lru_cache(maxsize=256)  # every email of a kind is checked again before it is written: once per text
def check(kind: str, source: str, where: str) -> frozenset[str]:
    """The variables a subject or body uses; InvalidInput naming the first unknown one, or the first
    tag or expression a template may not hold."""
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise InvalidInput(
            f"The {where} is not a valid template (line {exc.lineno}): {exc.message}."
        ) from None
    allowed = _allowed(kind)
    roots = {name.split(".")[0] for name in allowed}
    for name in sorted(meta.find_undeclared_variables(tree)):
        if name not in roots:
            # Name the whole path read from it ({{ cycler.__init__ }}), as the walk below would.
            found = next(
                (
                    d
                    for d in (_dotted(n) for n in tree.find_all(nodes.Getattr))
                    if d and d.split(".")[0] == name
                ),
                name,
            )
            raise _unknown(found, kind, where)
    return frozenset(_check_body(tree.body, allowed, kind, where))


def check_template(kind: str, subject: str, body: str) -> None:
    """Refuses a template that could not render every time: limits, syntax, tags, variables."""
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput(f"The subject is too long ({len(subject)} characters; at most {MAX_SUBJECT}).")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"The body is too long ({len(body)} characters; at most {MAX_BODY}).")
    check(kind, subject, "subject")
    check(kind, body, "body")


@lru_cache(maxsize=256)
def _compiled(source: str):
    return _ENV.from_string(source)


def _tree(values: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``{"candidate.first_name": "Ada"}`` as ``{"candidate": {"first_name": "Ada"}}``."""
    tree: dict[str, dict[str, str]] = {}
    for name, value in values.items():
        root, _, leaf = name.partition(".")
        tree.setdefault(root, {})[leaf] = value
    return tree


def render(kind: str, subject: str, body: str, values: Mapping[str, str]) -> Rendered:
    """The email of a checked template with these values (every variable of the kind is given)."""
    check_template(kind, subject, body)
    context = _tree(values)
    try:
        line = _compiled(subject).render(context)
        text = _compiled(body).render(context)
    except (UndefinedError, SecurityError) as exc:  # a value the caller did not give
        raise InvalidInput(f"The template could not be filled in: {exc}.") from None
    line = " ".join(line.split())[:MAX_RENDERED_SUBJECT]
    text = text.strip("\n") + "\n"
    return Rendered(line, text, to_html(text, values.get("company.name", "")))


def render_text(kind: str, source: str, values: Mapping[str, str], where: str = "letter") -> str:
    """One checked text (an offer letter) filled in with these values."""
    check(kind, source, where)
    try:
        return _compiled(source).render(_tree(values))
    except (UndefinedError, SecurityError) as exc:
        raise InvalidInput(f"The {where} could not be filled in: {exc}.") from None


_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")

_FRAME = """<!doctype html>
<html><body style="font-family: system-ui, sans-serif; color: #1c2024; line-height: 1.5; max-width: 560px">
{content}
<p style="color: #60646c; font-size: 13px">FlowTrack · applicant tracking for {company}</p>
</body></html>"""


def _linked(text: str) -> str:
    """Escaped text whose web addresses are links."""
    out, last = [], 0
    for found in _LINK.finditer(text):
        url = found.group(0)
        out.append(html.escape(text[last : found.start()]))
        out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        last = found.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def to_html(text: str, company: str) -> str:
    """The HTML part of an email: the text's paragraphs (blank lines) and lines, escaped, with links."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    content = "\n".join(
        "<p>" + "<br>\n".join(_linked(line) for line in p.split("\n")) + "</p>" for p in paragraphs
    )
    return _FRAME.format(content=content, company=html.escape(company))
