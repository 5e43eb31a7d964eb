"""The email templates page's handlers, called as a browser could: every role, forged arguments."""

from __future__ import annotations

import pytest

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.mail import templates
from flowtrack_ui.state import email_templates, session
from flowtrack_ui.state.email_templates import EmailTemplatesState

from .test_handlers import call, rendered, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, email_templates):
        monkeypatch.setattr(module, "db", lambda: db)


def _loaded(who):
    st = state_for(EmailTemplatesState, who)
    call(st, EmailTemplatesState.load)
    return st


def test_a_recruiter_customises_a_built_in_with_its_preview(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    st = _loaded(acme.recruiter)
    assert not st.loading and st.can_edit and st.selected == "builtin:application_received"
    assert st.preview_subject == "We received your application for Product Designer"
    assert [c.value for c in st.choices] == ["", str(app.id)]
    call(st, EmailTemplatesState.set_preview_on, str(app.id))
    assert st.preview_subject == "We received your application for Acme Engineer"
    call(st, EmailTemplatesState.set_body, "Hi {{ candidate.salary }}")
    assert "{{ candidate.salary }}" in st.preview_error
    result = call(st, EmailTemplatesState.save)
    assert "{{ candidate.salary }}" in st.form_error and result is None
    call(st, EmailTemplatesState.set_body, "Hi {{ candidate.first_name }}")
    assert st.preview_error == "" and st.preview_text == "Hi Casey\n"
    assert "Saved" in rendered(call(st, EmailTemplatesState.save))
    [mine] = [r for r in st.rows if r.kind == "application_received"]
    assert not mine.built_in and mine.is_default and st.edit_id == mine.key


def test_a_new_named_template_and_its_deletion(db, acme):
    st = _loaded(acme.recruiter)
    call(st, EmailTemplatesState.new, "rejection")
    assert st.edit_id == "" and st.edit_kind == "rejection" and "not to take your application" in st.edit_body
    call(st, EmailTemplatesState.save)
    assert "Name is required" in st.form_error
    call(st, EmailTemplatesState.set_name, "Position filled")
    call(st, EmailTemplatesState.save)
    saved = st.edit_id
    assert [r.name for r in st.rows if r.kind == "rejection"] == ["Position filled"]
    call(st, EmailTemplatesState.delete)
    assert templates.list_templates(db, acme.recruiter)[2].built_in and st.selected == "builtin:rejection"
    assert saved not in {r.key for r in st.rows}


def test_forged_events_change_nothing(db, acme, globex):
    theirs = templates.create_template(
        db, globex.recruiter, {"kind": "message", "name": "Globex", "subject": "S", "body": "B"}
    )
    st = _loaded(acme.recruiter)
    # Another company's template: neither opened nor changed.
    assert "no longer there" in rendered(call(st, EmailTemplatesState.open, str(theirs.id)))
    st.edit_id, st.edit_name, st.edit_subject, st.edit_body = str(theirs.id), "Mine", "S", "B"
    call(st, EmailTemplatesState.save)
    assert st.form_error == "Email template not found."
    assert templates.get_template(db, globex.recruiter, theirs.id).name == "Globex"
    # A kind that does not exist, an application of another company, a variable not offered.
    assert "Unknown email kind" in rendered(call(st, EmailTemplatesState.new, "newsletter"))
    call(st, EmailTemplatesState.set_preview_on, "999")
    assert st.preview_on == ""
    assert call(st, EmailTemplatesState.insert, "{{ candidate.password }}') ; alert(1) //") is None


def test_a_hiring_manager_reads_but_cannot_write(db, acme):
    st = _loaded(acme.manager)
    assert not st.can_edit and st.rows and st.preview_subject
    call(st, EmailTemplatesState.new, "message")  # the built-in words, to read
    call(st, EmailTemplatesState.set_name, "Mine")
    result = call(st, EmailTemplatesState.save)
    assert (
        "may not edit the company's email templates" in st.form_error and "toast" in rendered(result).lower()
    )
    assert all(t.built_in for t in templates.list_templates(db, acme.recruiter))


def test_candidates_and_strangers_are_sent_away(db, candidate):
    for who in (candidate, None):
        st = state_for(EmailTemplatesState, who)
        result = call(st, EmailTemplatesState.load)
        assert st.loading and st.rows == [] and "redirect" in rendered(result).lower()


def test_unsaved_edits_are_dropped_only_when_the_recruiter_agrees(db, acme):
    st = _loaded(acme.recruiter)
    call(st, EmailTemplatesState.set_body, st.edit_body)  # a field left as it was (its blur)
    call(st, EmailTemplatesState.set_subject, st.edit_subject)
    assert not st.dirty
    call(st, EmailTemplatesState.set_body, "My own words")
    call(st, EmailTemplatesState.open, "builtin:rejection")
    assert st.pending == "builtin:rejection" and st.edit_body == "My own words"  # asked, nothing lost
    call(st, EmailTemplatesState.keep_editing)
    assert st.pending == "" and st.selected == "builtin:application_received"
    call(st, EmailTemplatesState.new, "message")
    assert st.pending == "new:message"
    follow_up = call(st, EmailTemplatesState.discard)
    assert not st.dirty and st.pending == "" and "new" in rendered(follow_up)
    call(st, EmailTemplatesState.new, "message")
    assert st.edit_kind == "message" and st.edit_id == "" and st.selected == ""
    # A hiring manager's forged edits make nothing to lose.
    manager = _loaded(acme.manager)
    call(manager, EmailTemplatesState.set_body, "x")
    call(manager, EmailTemplatesState.open, "builtin:rejection")
    assert manager.pending == "" and manager.selected == "builtin:rejection"
