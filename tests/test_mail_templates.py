"""A company's email templates: checked at save, rendered in a sandbox, used for the emails FlowTrack
sends to candidates, scoped to the company, written by recruiters and read by all staff."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from flowtrack_ui.core import jobs
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.applications.from_talent_pool import add_to_job
from flowtrack_ui.core.collaboration import interviews
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.mail import render, templates, values
from flowtrack_ui.core.models import OutboxEmail
from flowtrack_ui.core.pipelines.categories import LABELS, Category
from flowtrack_ui.core.pipelines.moves import move_stage

from .conftest import every_stage_emails, make_candidate


@pytest.fixture
def db(any_db):
    """Every test here on SQLite and on PostgreSQL (the fixtures acme, globex, candidate follow)."""
    return any_db


def _values(**over: str) -> dict[str, str]:
    filled = values.make(
        candidate_name="Casey <Candidate>",
        job_title="Acme Engineer",
        company_name="Acme & Co",
        company_slug="acme",
        recruiter_name="Rita Recruiter",
        tracker_link="http://localhost:3000/my-applications",
        stage_category="screening",
        interview=values.Interview("Tuesday 12 May 2026, 10:00 UTC", 45, "Room 2"),
    )
    return {**filled, **over}


def outbox(db, to: str | None = None) -> list[OutboxEmail]:
    """The emails about applications (not the address confirmation a new account gets)."""
    with db.session() as s:
        query = select(OutboxEmail).where(OutboxEmail.application_id.is_not(None)).order_by(OutboxEmail.id)
        if to:
            query = query.where(OutboxEmail.to_address == to)
        return list(s.exec(query).all())


# --- rendering -------------------------------------------------------------------------------------


def test_variables_are_filled_in_text_and_escaped_in_html():
    out = render.render(
        "stage",
        "Hi {{ candidate.first_name }}: {{ stage.public_name }}",
        "Dear {{ candidate.full_name }},\n\n{{ job.title }} at {{ company.name }}\nsee {{ links.tracker }}.",
        _values(),
    )
    assert out.subject == "Hi Casey: Screening"
    assert out.text == (
        "Dear Casey <Candidate>,\n\nAcme Engineer at Acme & Co\nsee http://localhost:3000/my-applications.\n"
    )
    assert "Dear Casey &lt;Candidate&gt;," in out.html and "Acme &amp; Co<br>" in out.html
    assert '<a href="http://localhost:3000/my-applications">' in out.html  # the full stop stays outside
    assert out.html.count("<p>") == 2 and "<p style=" in out.html  # two paragraphs, then the footer


def test_if_branches_on_a_variable():
    body = (
        '{% if stage.category == "offer" %}An offer!{% elif stage.category != "hired" %}Onwards.{% endif %}'
    )
    assert render.render("stage", "s", body, _values()).text == "Onwards.\n"
    assert render.render("stage", "s", body, _values(**{"stage.category": "offer"})).text == "An offer!\n"


def test_a_subject_stays_one_line_and_bounded():
    long_title = "Engineer " * 60
    out = render.render(
        "stage", "{{ job.title }}\n{{ job.title }}", "x", _values(**{"job.title": long_title})
    )
    assert "\n" not in out.subject and len(out.subject) == render.MAX_RENDERED_SUBJECT


def test_the_public_stage_name_is_the_trackers_word_for_every_category():
    for category in Category:
        assert values.public_stage_name(category.value) == LABELS[category]


# --- refusals at save --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,named",
    [
        ("{{ candidate.password }}", "candidate.password"),
        ("{{ candidate.email }}", "candidate.email"),
        ("{{ salary }}", "salary"),
        ("{{ cycler.__init__.__globals__ }}", "cycler.__init__.__globals__"),
        ("{% if job.secret %}x{% endif %}", "job.secret"),
        ("{{ candidate }}", "candidate"),
    ],
)
def test_an_unknown_variable_is_refused_by_name(db, acme, body, named):
    with pytest.raises(InvalidInput) as err:
        templates.create_template(
            db, acme.recruiter, {"kind": "rejection", "name": "X", "subject": "S", "body": body}
        )
    assert f"{{{{ {named} }}}}" in err.value.message
    assert templates.list_templates(db, acme.recruiter)[2].built_in  # nothing was saved


def test_a_variable_of_another_kind_is_refused_naming_the_kind(db, acme):
    with pytest.raises(
        InvalidInput, match=r"\{\{ interview\.when \}\}, which a rejection email does not have"
    ):
        templates.create_template(
            db,
            acme.recruiter,
            {"kind": "rejection", "name": "X", "subject": "{{ interview.when }}", "body": "x"},
        )
    made = templates.create_template(
        db, acme.recruiter, {"kind": "interview", "name": "X", "subject": "{{ interview.when }}", "body": "x"}
    )
    assert made.subject == "{{ interview.when }}"


@pytest.mark.parametrize(
    "body,words",
    [
        ("{{ ''.__class__.__mro__ }}", "attribute of a value"),
        ("{{ ''.__class__ }}", "attribute of a value"),
        ("{% for i in range(100000000) %}x{% endfor %}", "{% for %}"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% macro %}"),
        ("{{ job.title|upper }}", "filters"),
        ("{{ job.title.upper() }}", "calls"),
        ("{{ lipsum() }}", "calls"),
        ("{% set x = 9 %}", "{% set %}"),
        ("{{ job['title'] }}", "indexing"),
        ("{{ 'x' * 99999999 }}", "expression"),
        ("{% include 'a' %}", "{% include %}"),
        ("{% if job.title is defined %}x{% endif %}", "tests"),
        ("{% if job.title > 'a' %}x{% endif %}", "== or !="),
        ("{{ job.title", "not a valid template (line 1)"),
    ],
)
def test_sandbox_escapes_and_code_are_refused(body, words):
    with pytest.raises(InvalidInput) as err:
        render.check_template("message", "Subject", body)
    assert words in err.value.message


def test_the_sandbox_stands_behind_the_check():
    """Even handed a template the check would refuse, Jinja2's sandbox refuses Python internals."""
    from jinja2.exceptions import SecurityError

    from flowtrack_ui.core.mail.render import _ENV

    with pytest.raises(SecurityError):
        _ENV.from_string("{{ ''.__class__.__mro__[1].__subclasses__() }}").render()


def test_limits_on_name_subject_and_body(db, acme):
    base = {"kind": "message", "name": "Hello", "subject": "Hi", "body": "Text"}
    for field, size, words in (
        ("name", templates.MAX_NAME + 1, "Name is too long"),
        ("subject", render.MAX_SUBJECT + 1, "Subject is too long"),
        ("body", render.MAX_BODY + 1, "body is too long"),
    ):
        with pytest.raises(InvalidInput, match=words):
            templates.create_template(db, acme.recruiter, {**base, field: "x" * size})
    with pytest.raises(InvalidInput, match="Subject"):
        templates.create_template(db, acme.recruiter, {**base, "subject": "two\nlines"})
    with pytest.raises(InvalidInput, match="Body is required"):
        templates.create_template(db, acme.recruiter, {**base, "body": "  \n "})
    with pytest.raises(InvalidInput, match="Unknown email kind"):
        templates.create_template(db, acme.recruiter, {**base, "kind": "newsletter"})


def test_rendering_the_largest_template_is_quick():
    body = "{% if job.title == 'a' %}{{ candidate.full_name }}{% else %}{{ job.title }}{% endif %} " * 120
    body = body[: render.MAX_BODY]
    body = body[: body.rindex("{% endif %}") + len("{% endif %}")]
    started = time.perf_counter()
    out = render.render("message", "s", body, _values())
    assert out.text.count("Acme Engineer") >= 100
    assert time.perf_counter() - started < 5  # bounded by the template's size: no loop can run away


# --- built-in defaults, and the company's own -----------------------------------------------------


def test_every_kind_has_a_built_in_template_that_renders():
    for kind in render.KINDS:
        built = templates.BUILT_IN[kind]
        render.check_template(kind, built.subject, built.body)
        out = render.render(kind, built.subject, built.body, _values())
        assert "Casey" in out.text and "{{" not in out.text + out.subject


def test_the_list_shows_built_ins_until_a_kind_has_its_own(db, acme):
    listed = templates.list_templates(db, acme.recruiter)
    assert [t.kind for t in listed] == list(render.KINDS)
    assert all(t.built_in and t.id is None and t.is_default for t in listed)
    first = templates.create_template(
        db, acme.recruiter, {"kind": "rejection", "name": "Position filled", "subject": "S", "body": "B"}
    )
    second = templates.create_template(
        db, acme.recruiter, {"kind": "rejection", "name": "After interview", "subject": "S2", "body": "B2"}
    )
    assert first.is_default and not second.is_default  # the first of a kind replaces the built-in
    rejections = [t for t in templates.list_templates(db, acme.recruiter) if t.kind == "rejection"]
    assert [(t.name, t.is_default, t.built_in) for t in rejections] == [
        ("Position filled", True, False),
        ("After interview", False, False),
    ]
    with pytest.raises(Conflict, match="already a rejection template named"):
        templates.create_template(
            db, acme.recruiter, {"kind": "rejection", "name": "after INTERVIEW", "subject": "S", "body": "B"}
        )
    # A later one made the default; deleting it hands the default on; deleting all brings back the built-in.
    templates.update_template(
        db,
        acme.recruiter,
        second.id,
        {"name": "After interview", "subject": "S2", "body": "B2", "is_default": True},
    )
    assert not templates.get_template(db, acme.recruiter, first.id).is_default
    templates.delete_template(db, acme.recruiter, second.id)
    assert templates.get_template(db, acme.recruiter, first.id).is_default
    templates.delete_template(db, acme.recruiter, first.id)
    assert [t for t in templates.list_templates(db, acme.recruiter) if t.kind == "rejection"][0].built_in


def test_a_templates_kind_does_not_change(db, acme):
    made = templates.create_template(
        db, acme.recruiter, {"kind": "stage", "name": "A", "subject": "S", "body": "B"}
    )
    with pytest.raises(InvalidInput, match="kind cannot change"):
        templates.update_template(
            db, acme.recruiter, made.id, {"kind": "rejection", "name": "A", "subject": "S", "body": "B"}
        )


# --- the emails FlowTrack sends --------------------------------------------------------------------------


def test_emails_are_written_from_the_companys_default_template(db, acme, globex, candidate):
    templates.create_template(
        db,
        acme.recruiter,
        {
            "kind": "application_received",
            "name": "Warm",
            "subject": "Thanks, {{ candidate.first_name }}! ({{ job.title }})",
            "body": "Hi {{ candidate.first_name }},\n\n{{ recruiter.name }} at {{ company.name }} has it."
            "\n\n{{ links.tracker }}",
        },
    )
    templates.create_template(
        db,
        acme.recruiter,
        {
            "kind": "stage",
            "name": "Short",
            "subject": "Now: {{ stage.public_name }}",
            "body": "{{ stage.public_name }}.",
        },
    )
    templates.create_template(
        db,
        acme.recruiter,
        {
            "kind": "rejection",
            "name": "Kind",
            "subject": "About {{ job.title }}",
            "body": "Sorry. {{ links.careers }}",
        },
    )
    every_stage_emails(db)
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening", note="internal: weak on SQL")
    move_stage(db, acme.recruiter, app.id, "Rejected", note="internal: salary")
    received, screening, rejected = outbox(db, "cand@example.com")
    assert (received.kind, received.subject) == ("application_received", "Thanks, Casey! (Acme Engineer)")
    assert received.body_text == (
        "Hi Casey,\n\nAcme Recruiter at Acme has it.\n\nhttp://localhost:3000/my-applications\n"
    )
    assert "<p>Hi Casey,</p>" in received.body_html
    assert (screening.kind, screening.subject, screening.body_text) == (
        "stage_changed",
        "Now: Screening",
        "Screening.\n",
    )
    assert (rejected.kind, rejected.subject) == ("application_rejected", "About Acme Engineer")
    assert rejected.body_text == "Sorry. http://localhost:3000/careers/acme\n"
    for mail in (screening, rejected):
        assert "internal" not in mail.body_text + mail.body_html
    # Globex's candidates still get the built-in words: templates are per company.
    other = make_candidate(db, "gail@example.com", "Gail Other")
    apply(db, other, globex.job_id)
    [mail] = outbox(db, "gail@example.com")
    assert mail.subject == "We received your application for Globex Engineer"
    assert "thank you for applying for Globex Engineer at Globex" in mail.body_text


def test_a_stage_email_never_shows_the_internal_stage_name(db, acme, candidate):
    stages = [
        {"name": "Applied", "category": "applied"},
        {"name": "Secret sift (no juniors)", "category": "screening", "notify": True},
        {"name": "Offer", "category": "offer"},
    ]
    job = jobs.create_job(db, acme.recruiter, "Designer", stages=stages)
    app = apply(db, candidate, job.id)
    move_stage(db, acme.recruiter, app.id, "Secret sift (no juniors)")
    mail = outbox(db, "cand@example.com")[-1]
    assert mail.subject == "Your application for Designer: Screening"
    assert "Secret" not in mail.subject + mail.body_text + mail.body_html
    assert "has moved to screening" in mail.body_text


def test_talent_pool_and_interview_emails_use_their_templates(db, acme, candidate):
    templates.create_template(
        db,
        acme.recruiter,
        {
            "kind": "talent_invitation",
            "name": "T",
            "subject": "{{ company.name }} thought of you",
            "body": "{{ job.title }}",
        },
    )
    templates.create_template(
        db,
        acme.recruiter,
        {
            "kind": "interview",
            "name": "I",
            "subject": "See you {{ interview.when }}",
            "body": "{{ interview.duration_minutes }} min at {{ interview.location }}",
        },
    )
    app = apply(db, candidate, acme.job_id)
    second = jobs.create_job(db, acme.recruiter, "Second role")
    add_to_job(db, acme.recruiter, app.candidate_id, second.id)
    pooled = outbox(db, "cand@example.com")[-1]
    assert (pooled.kind, pooled.subject, pooled.body_text) == (
        "added_from_talent_pool",
        "Acme thought of you",
        "Second role\n",
    )
    from .test_permissions import _interview

    interviews.schedule(db, acme.recruiter, app.id, {**_interview(acme.manager), "location": "Room 2"})
    invite = outbox(db, "cand@example.com")[-1]
    assert invite.kind == "interview_invitation" and invite.calendar_ics  # the invitation still attached
    assert invite.subject.startswith("See you ") and invite.subject.endswith(" UTC")
    assert invite.body_text.startswith("45 min at Room 2 · https://meet.example.com/abc")
    staff = outbox(db, "hm@acme.test")[-1]
    assert (
        staff.kind == "interview_invitation" and "See you" not in staff.subject
    )  # staff keep FlowTrack's words


# --- company scoping and permissions ---------------------------------------------------------------------


def test_another_companys_template_does_not_exist(db, acme, globex):
    made = templates.create_template(
        db, acme.recruiter, {"kind": "message", "name": "A", "subject": "S", "body": "B"}
    )
    for outsider in (globex.recruiter, globex.manager):
        with pytest.raises(NotFound):
            templates.get_template(db, outsider, made.id)
    with pytest.raises(NotFound):
        templates.update_template(
            db, globex.recruiter, made.id, {"name": "Mine", "subject": "S", "body": "B"}
        )
    with pytest.raises(NotFound):
        templates.delete_template(db, globex.recruiter, made.id)
    assert all(t.built_in for t in templates.list_templates(db, globex.recruiter))
    assert templates.get_template(db, acme.recruiter, made.id).name == "A"


@pytest.mark.parametrize("role", ["recruiter", "manager", "candidate"])
def test_recruiters_write_staff_read_candidates_neither(db, acme, candidate, role):
    who = {"recruiter": acme.recruiter, "manager": acme.manager, "candidate": candidate}[role]
    made = templates.create_template(
        db, acme.recruiter, {"kind": "message", "name": "A", "subject": "S", "body": "B"}
    )
    fields = {"kind": "message", "name": "B", "subject": "S", "body": "B"}
    reads = [
        lambda: templates.list_templates(db, who),
        lambda: templates.get_template(db, who, made.id),
        lambda: templates.preview(db, who, fields),
        lambda: templates.kind_variables(who),
    ]
    writes = [
        lambda: templates.create_template(db, who, fields),
        lambda: templates.update_template(db, who, made.id, {**fields, "name": "C"}),
        lambda: templates.delete_template(db, who, made.id),
    ]
    for call in reads:
        if role == "candidate":
            with pytest.raises(Forbidden):
                call()
        else:
            call()
    for call in writes:
        if role == "recruiter":
            call()
        else:
            with pytest.raises(Forbidden):
                call()
    if role == "manager":
        assert not templates.list_templates(db, who)[0].can_edit


def test_preview_on_a_sample_or_on_an_application_of_the_company(db, acme, globex, candidate):
    fields = {
        "kind": "stage",
        "subject": "{{ candidate.full_name }}: {{ stage.public_name }}",
        "body": "{{ job.title }}",
    }
    sample = templates.preview(db, acme.manager, fields)
    assert sample.subject == "Alex Example: Interview" and sample.text == "Product Designer\n"
    app = apply(db, candidate, acme.job_id)
    real = templates.preview(db, acme.recruiter, {**fields, "application_id": app.id})
    assert real.subject == "Casey Candidate: Applied" and real.text == "Acme Engineer\n"
    with pytest.raises(NotFound):
        templates.preview(db, globex.recruiter, {**fields, "application_id": app.id})
    with pytest.raises(InvalidInput, match="candidate.email"):
        templates.preview(db, acme.recruiter, {**fields, "body": "{{ candidate.email }}"})
    assert [c.application_id for c in templates.preview_choices(db, acme.recruiter)] == [app.id]
    assert templates.preview_choices(db, globex.recruiter) == []


def test_a_stored_template_that_no_longer_renders_falls_back_to_the_built_in(db, acme, candidate):
    made = templates.create_template(
        db, acme.recruiter, {"kind": "application_received", "name": "A", "subject": "S", "body": "B"}
    )
    from flowtrack_ui.core.models import CompanyEmailTemplate

    with db.session(write=True) as s:  # as if a variable it uses had been retired since it was saved
        row = s.get(CompanyEmailTemplate, made.id)
        row.body = "{{ candidate.retired }}"
        s.add(row)
    apply(db, candidate, acme.job_id)
    [mail] = outbox(db, "cand@example.com")
    assert mail.subject == "We received your application for Acme Engineer"


def test_the_emailed_sign_in_link_reaches_the_candidate_whatever_the_template(db, acme, candidate):
    """An application sent without an account is followed through the emailed link: a template that
    leaves out {{ links.tracker }} still carries it, below the company's words."""
    from datetime import UTC, datetime, timedelta

    from flowtrack_ui.core import notifications
    from flowtrack_ui.core.models import Application

    templates.create_template(
        db,
        acme.recruiter,
        {"kind": "application_received", "name": "A", "subject": "Got it", "body": "Thanks!"},
    )
    app = apply(db, candidate, acme.job_id)
    with db.session(write=True) as s:
        row = s.get(Application, app.id)
        link = notifications.SignInLinkMail(
            "tok123", datetime.now(UTC) + timedelta(days=7), has_password=False
        )
        notifications.application_received(s, row, link)
    mail = outbox(db, "cand@example.com")[-1]
    assert (mail.kind, mail.subject) == ("application_received_link", "Got it")
    assert mail.body_text.startswith(
        "Thanks!\n\nFollow your application with this link:\n\nhttp://localhost:3000/track/tok123"
    )
    assert "works once" in mail.body_text and "choose a password" in mail.body_text
    assert 'href="http://localhost:3000/track/tok123"' in mail.body_html
