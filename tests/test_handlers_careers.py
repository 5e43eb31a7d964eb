"""The careers-site settings page, the job editor's new fields and company sign-up's address, as
Reflex handlers called directly the way a browser could: every role, forged arguments."""

from __future__ import annotations

import io

import pytest
import reflex as rx
from PIL import Image
from sqlmodel import select

from flowtrack_ui.core import jobs as core_jobs
from flowtrack_ui.core.careers import settings as careers
from flowtrack_ui.core.models import JOB_STATUSES, PUBLIC, Company, Job, ScreeningQuestion
from flowtrack_ui.state import auth, careers_settings, jobs, session
from flowtrack_ui.state.auth import AuthState
from flowtrack_ui.state.careers_settings import CareersSettingsState
from flowtrack_ui.state.colors import JOB_STATUS_COLORS
from flowtrack_ui.state.jobs import STATUS_HINTS, STATUS_LABELS, StaffJobsState

from .test_handlers import call, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, auth, jobs, careers_settings):
        monkeypatch.setattr(module, "db", lambda: db)


def _forger(who, acme, globex, candidate):
    return {
        "manager": acme.manager,
        "candidate": candidate,
        "other_company": globex.recruiter,
        "nobody": None,
    }[who]


def _png(size=(300, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _upload(data: bytes) -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data))


def _companies(db) -> list[tuple]:
    with db.session() as s:
        return sorted(
            (c.id, c.slug, c.about, c.accent_color, c.links, c.logo_file_id) for c in s.exec(select(Company))
        )


# --- the careers-site settings page --------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "candidate", "other_company", "nobody"])
def test_forged_careers_settings_events_never_touch_acme(db, acme, globex, candidate, who):
    careers.set_logo(db, acme.recruiter, _png())
    before = _companies(db)
    acme_before = [c for c in before if c[0] == acme.recruiter.company_id]
    st = state_for(CareersSettingsState, _forger(who, acme, globex, candidate))
    call(st, CareersSettingsState.save_address, {"slug": "hijacked"})
    st.links = [careers_settings.LinkRow(1, "", "")]
    st.accent_input = "#000000"
    call(
        st,
        CareersSettingsState.save,
        {"about": "Owned", "link_label_1": "Evil", "link_url_1": "https://evil.example"},
    )
    call(st, CareersSettingsState.upload_logo, [_upload(_png((50, 50)))])
    call(st, CareersSettingsState.remove_logo)
    after = _companies(db)
    assert [c for c in after if c[0] == acme.recruiter.company_id] == acme_before
    if who != "other_company":  # a recruiter of Globex edits Globex, and nothing else
        assert after == before


def test_a_hiring_manager_reads_the_page_and_is_refused_on_save(db, acme):
    st = state_for(CareersSettingsState, acme.manager)
    call(st, CareersSettingsState.load)
    assert st.slug == "acme" and not st.can_edit and st.careers_url.endswith("/careers/acme")
    assert "/careers/acme/embed.js" in st.embed_script and "/careers/acme/embed" in st.embed_iframe
    call(st, CareersSettingsState.save_address, {"slug": "acme-hm"})
    assert "may not edit the careers site" in st.address_error


def test_a_candidate_is_sent_home_from_the_page(db, candidate):
    st = state_for(CareersSettingsState, candidate)
    result = call(st, CareersSettingsState.load)
    assert "/my-applications" in repr(result) and st.slug == ""


def test_a_recruiter_sets_up_the_careers_site(db, acme):
    st = state_for(CareersSettingsState, acme.recruiter)
    call(st, CareersSettingsState.load)
    assert st.can_edit and st.logo_src == "" and st.links == []
    call(st, CareersSettingsState.set_slug_input, "Acme-Works")
    assert st.address_preview.endswith("/careers/acme-works")
    call(st, CareersSettingsState.save_address, {"slug": "Acme-Works"})
    assert (st.slug, st.old_slugs, st.address_error) == ("acme-works", ["acme"], "")

    call(st, CareersSettingsState.preview_about, "## Hello\n\n<script>alert(1)</script> **bold**")
    assert "<h2>Hello</h2>" in st.about_html and "<script>" not in st.about_html
    call(st, CareersSettingsState.set_accent, "#12")
    assert st.accent_color == "#4f46e5"  # the picker waits for a whole hex colour
    call(st, CareersSettingsState.set_accent, "#12AB34")
    assert st.accent_color == "#12ab34"
    call(st, CareersSettingsState.add_link)
    call(st, CareersSettingsState.add_link)
    call(st, CareersSettingsState.add_link)
    first, second, third = (row.key for row in st.links)
    call(st, CareersSettingsState.remove_link, second)
    form = {
        "about": "We make anvils.",
        f"link_label_{first}": "Website",
        f"link_url_{first}": "acme.example",
        f"link_label_{second}": "Removed",
        f"link_url_{second}": "https://gone.example",
        f"link_label_{third}": "",
        f"link_url_{third}": "",
    }
    call(st, CareersSettingsState.save, form)
    saved = careers.get_careers(db, acme.recruiter)
    assert (saved.about, saved.accent_color) == ("We make anvils.", "#12ab34")
    assert [(link.label, link.url) for link in saved.links] == [("Website", "https://acme.example")]
    assert [(row.label, row.url) for row in st.links] == [("Website", "https://acme.example")]

    # Forged values: the core refuses them and nothing changes.
    for bad in (
        {"about": ["not", "text"]},
        {"about": "x" * 6000},
        {
            "about": "ok",
            f"link_label_{st.links[0].key}": "Bad",
            f"link_url_{st.links[0].key}": "javascript:alert(1)",
        },
    ):
        call(st, CareersSettingsState.save, bad)
        assert st.form_error
        assert careers.get_careers(db, acme.recruiter) == saved
    call(st, CareersSettingsState.set_accent, "<script>" * 10)
    assert len(st.accent_input) <= 7
    call(st, CareersSettingsState.save, {"about": "ok"})
    assert "hex colour" in st.form_error and careers.get_careers(db, acme.recruiter) == saved


def test_the_logo_handlers(db, acme):
    st = state_for(CareersSettingsState, acme.recruiter)
    call(st, CareersSettingsState.load)
    call(st, CareersSettingsState.upload_logo, [])
    assert "Choose" in st.logo_error
    call(st, CareersSettingsState.upload_logo, [_upload(_png((1024, 256)))])
    assert st.logo_error == "" and st.logo_src.startswith("data:image/png;base64,")
    kept = _companies(db)
    for bad in (b"<svg onload=alert(1)>", b"\x89PNG\r\n\x1a\nbroken", _png() + b"\0" * (2 * 1024 * 1024)):
        call(st, CareersSettingsState.upload_logo, [_upload(bad)])
        assert st.logo_error and _companies(db) == kept
    call(st, CareersSettingsState.remove_logo)
    assert st.logo_src == "" and careers.logo_png(db, acme.recruiter) is None


# --- the job editor ------------------------------------------------------------------------------


def test_every_status_has_a_label_a_hint_and_a_colour():
    for table in (STATUS_LABELS, STATUS_HINTS, JOB_STATUS_COLORS):
        assert set(table) == set(JOB_STATUSES)


def _editor_form(**extra) -> dict:
    return {
        "title": "Data Engineer",
        "location": "Berlin",
        "description": "## About\n\n- Python",
        "status": "draft",
        "department": "Data",
        "employment_type": "contract",
        "workplace": "hybrid",
        "remote_region": "EU",
        "salary_min": "60,000",
        "salary_max": "80000",
        "salary_currency": "eur",
        "salary_period": "year",
        "salary_visible": "on",
        "valid_through": "2100-01-31",
        "knockout_delay_hours": "1.5",
        "criteria": "Skills",
        **extra,
    }


def test_a_recruiter_posts_and_edits_a_job_with_its_details(db, acme):
    st = state_for(StaffJobsState, acme.recruiter)
    call(st, StaffJobsState.load)
    call(st, StaffJobsState.new_job)
    assert (st.form_status, st.form_workplace, st.form_knockout_hours) == ("published", "on_site", "48")
    assert not st.asks_remote_region
    call(st, StaffJobsState.set_form_workplace, "hybrid")
    call(st, StaffJobsState.set_form_workplace, "moon")
    assert st.asks_remote_region and st.form_workplace == "hybrid"
    call(st, StaffJobsState.preview_description, "**Hi** <img src=x onerror=alert(1)>")
    assert "<strong>Hi</strong>" in st.description_html and "<img" not in st.description_html

    call(st, StaffJobsState.add_question, "yes_no")
    call(st, StaffJobsState.add_question, "single_choice")
    yes_no, choice = (q.key for q in st.editor_questions)
    call(st, StaffJobsState.toggle_disqualifying, yes_no, "no", True)
    call(st, StaffJobsState.set_question_choices, choice, "Berlin\nRemote\nMars")
    call(st, StaffJobsState.toggle_disqualifying, choice, "Mars", True)
    call(st, StaffJobsState.toggle_disqualifying, choice, "Remote", True)
    call(st, StaffJobsState.toggle_disqualifying, choice, "Remote", False)
    form = _editor_form(
        **{
            f"qprompt_{yes_no}": "Can you work in the EU?",
            f"qkind_{yes_no}": "yes_no",
            f"qprompt_{choice}": "Where?",
            f"qkind_{choice}": "single_choice",
            f"qchoices_{choice}": "Berlin\nRemote\nMars",
        }
    )
    call(st, StaffJobsState.save_job, form)
    assert st.form_error == "" and not st.editor_open
    row = next(r for r in st.rows if r.title == "Data Engineer")
    assert (row.status, row.status_label, row.status_color, row.public_url) == ("draft", "Draft", "amber", "")
    assert (row.next_status, row.next_label) == ("published", "Publish")
    job = core_jobs.get_job(db, acme.recruiter, row.id)
    assert (job.department, job.employment_type, job.workplace, job.remote_region) == (
        "Data",
        "contract",
        "hybrid",
        "EU",
    )
    assert (job.salary_min, job.salary_max, job.salary_currency, job.salary_visible) == (
        60000,
        80000,
        "EUR",
        True,
    )
    assert (job.knockout_delay_minutes, job.valid_through.date().isoformat()) == (90, "2100-01-31")
    assert [list(q.disqualifying_answers) for q in job.questions] == [["no"], ["Mars"]]

    # Editing shows what was saved; publishing gives the row its public page.
    call(st, StaffJobsState.edit_job, row.id)
    assert (st.form_status, st.form_salary_min, st.form_knockout_hours, st.form_valid_through) == (
        "draft",
        "60000",
        "1.5",
        "2100-01-31",
    )
    assert [q.disqualifying for q in st.editor_questions] == [["no"], ["Mars"]]
    assert "<h2>About</h2>" in st.description_html
    call(st, StaffJobsState.set_status, row.id, "published")
    row = next(r for r in st.rows if r.id == row.id)
    assert row.status_color == "green" and row.public_url.endswith(
        f"/careers/acme/jobs/{row.id}-data-engineer"
    )
    assert (row.next_status, row.next_label) == ("closed", "Close")


@pytest.mark.parametrize(
    ("forged", "words"),
    [
        ({"status": "open"}, "Status must be one of"),
        ({"workplace": "moon"}, "Workplace must be one of"),
        ({"employment_type": "gig"}, "Employment type"),
        ({"knockout_delay_hours": "soon"}, "Knockout email delay"),
        ({"knockout_delay_hours": "100000"}, "Knockout email delay"),
        ({"salary_min": "lots"}, "whole number"),
        ({"salary_min": "90000", "salary_max": "1"}, "above the maximum"),
        ({"valid_through": "tomorrow"}, "YYYY-MM-DD"),
        ({"salary_currency": "euro"}, "Currency is too long"),
        ({"salary_currency": "E1"}, "three-letter"),
    ],
)
def test_forged_job_details_are_refused(db, acme, forged, words):
    st = state_for(StaffJobsState, acme.recruiter)
    call(st, StaffJobsState.load)
    with db.session() as s:
        before = sorted((j.id, j.title, j.status, j.workplace, j.salary_min) for j in s.exec(select(Job)))
    st.editing_id = acme.job_id
    call(st, StaffJobsState.save_job, _editor_form(**forged))
    assert words in st.form_error
    with db.session() as s:
        assert (
            sorted((j.id, j.title, j.status, j.workplace, j.salary_min) for j in s.exec(select(Job)))
            == before
        )


def test_forged_knockout_answers_are_refused(db, acme):
    st = state_for(StaffJobsState, acme.recruiter)
    call(st, StaffJobsState.load)
    call(st, StaffJobsState.new_job)
    call(st, StaffJobsState.add_question, "yes_no")
    call(st, StaffJobsState.add_question, "short_text")
    yes_no, text = (q.key for q in st.editor_questions)
    call(st, StaffJobsState.toggle_disqualifying, text, "anything", True)  # not a knockout kind
    assert st.editor_questions[1].disqualifying == []
    call(st, StaffJobsState.toggle_disqualifying, yes_no, "yes", True)
    call(st, StaffJobsState.toggle_disqualifying, yes_no, "no", True)
    form = _editor_form(**{f"qprompt_{yes_no}": "Q?", f"qkind_{yes_no}": "yes_no", f"qprompt_{text}": "Why?"})
    call(st, StaffJobsState.save_job, form)
    assert "at least one answer must not disqualify" in st.form_error
    with db.session() as s:
        assert s.exec(select(ScreeningQuestion).where(ScreeningQuestion.prompt == "Q?")).first() is None


def test_every_public_status_gives_a_job_page_link(db, acme):
    st = state_for(StaffJobsState, acme.recruiter)
    for status in JOB_STATUSES:
        core_jobs.set_job_status(db, acme.recruiter, acme.job_id, status)
        call(st, StaffJobsState.load)
        row = next(r for r in st.rows if r.id == acme.job_id)
        assert (row.public_url != "") == (status in PUBLIC)
        assert row.status_label == STATUS_LABELS[status]


# --- company sign-up chooses its careers address -------------------------------------------------


def test_the_sign_up_address_follows_the_name_until_edited(db):
    st = state_for(AuthState)
    call(st, AuthState.company_name_typed, "Ünïcorn Labs!")
    assert st.signup_slug == "unicorn-labs"
    call(st, AuthState.slug_typed, "unicorn")
    call(st, AuthState.company_name_typed, "Unicorn Laboratories")
    assert st.signup_slug == "unicorn"
    form = {
        "company_name": "Unicorn Labs",
        "email": "boss@unicorn.test",
        "password": "correct horse battery",
        "full_name": "Uma Unicorn",
        "company_slug": "no good!",
    }
    call(st, AuthState.company_signup, form)
    assert "Careers address" in st.error
    call(st, AuthState.company_signup, {**form, "company_slug": "unicorn"})
    with db.session() as s:
        assert s.exec(select(Company.slug).where(Company.name == "Unicorn Labs")).one() == "unicorn"
