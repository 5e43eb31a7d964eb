"""The reject dialog's handlers (board, application page, bulk bar) and the stage editor's
automation handlers, called as a browser could: every role, forged arguments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.mail import templates as mail_templates
from flowtrack_ui.core.models import OutboxEmail
from flowtrack_ui.state import application, board, bulk, company_zone, jobs, session
from flowtrack_ui.state.application import ApplicationState
from flowtrack_ui.state.board import BoardState
from flowtrack_ui.state.company_zone import CompanyZoneState
from flowtrack_ui.state.jobs import StaffJobsState

from .conftest import make_candidate
from .stage_support import stage_name
from .test_handlers import call, rendered, snapshot, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, board, bulk, application, jobs, company_zone):
        monkeypatch.setattr(module, "db", lambda: db)


def _template(db, who, name: str) -> int:
    view = mail_templates.create_template(
        db, who, {"kind": "rejection", "name": name, "subject": name + " ({{ job.title }})", "body": "Sorry."}
    )
    assert view.id is not None
    return view.id


def _held(db, application_id: int) -> list[OutboxEmail]:
    with db.session() as s:
        return list(
            s.exec(
                select(OutboxEmail).where(
                    OutboxEmail.application_id == application_id, OutboxEmail.kind == "application_rejected"
                )
            ).all()
        )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _board(acme, who):
    st = state_for(BoardState, who)
    st.job_id, st.can_move = acme.job_id, True
    return st


def test_the_board_rejects_on_the_recruiters_terms(db, acme):
    _template(db, acme.recruiter, "After screening")
    filled = _template(db, acme.recruiter, "Position filled")
    app_id = apply(db, make_candidate(db), acme.job_id).id
    st = _board(acme, acme.recruiter)
    call(st, BoardState.refresh)
    call(st, BoardState.move, app_id, "Rejected", "Applied")
    assert st.reject_open
    reason = next(r for r in st.reject_reasons if r.label == "Position filled")
    call(st, BoardState.pick_reject_reason, reason.id)
    assert st.reject_template == str(filled)  # pre-chosen by the reason's name
    call(st, BoardState.set_reject_template, "999999")  # not offered: back to the default
    assert st.reject_template == ""
    before = snapshot(db)
    for forged, words in (
        ("not a form", "could not be read"),
        ({"reason_id": "x"}, "reasons"),
        ({"template_id": "drop table"}, "templates"),
        ({"when": "days", "days": "-3"}, "whole number"),
        ({"when": "days", "days": "400"}, "whole number"),
        ({"when": "date", "date": "2001-01-01"}, "ahead"),
        ({"when": "date", "date": "soon"}, "date"),
        ({"when": "tomorrow-ish"}, "when"),
    ):
        call(st, BoardState.confirm_reject, forged)
        assert words in st.reject_error, forged
    assert snapshot(db) == before
    # A template of another kind (or company) is refused by the core; the dialog stays open.
    call(st, BoardState.confirm_reject, {"template_id": "424242", "when": "2d"})
    assert st.reject_open and "not one of your company's" in st.reject_error
    assert snapshot(db) == before
    result = call(
        st,
        BoardState.confirm_reject,
        {"reason_id": reason.id, "template_id": str(filled), "when": "2d", "note": "internal"},
    )
    assert "Undo" in rendered(result)
    with db.session() as s:
        assert stage_name(s, app_id) == "Rejected"
    (row,) = _held(db, app_id)
    assert row.subject == "Position filled (Acme Engineer)"
    assert _aware(row.next_attempt_at) > datetime.now(UTC) + timedelta(days=2) - timedelta(minutes=1)


@pytest.mark.parametrize("who", ["manager", "other_company", "candidate"])
def test_forged_rejections_are_refused(db, acme, globex, candidate, who):
    app_id = apply(db, candidate, acme.job_id).id
    principal = {"manager": acme.manager, "other_company": globex.recruiter, "candidate": candidate}[who]
    before = snapshot(db)
    st = _board(acme, principal)
    st.ask_id, st.ask_from, st.ask_target, st.ask_kind = app_id, "Applied", "Rejected", "reject"
    call(st, BoardState.confirm_reject, {"when": "never"})
    page = state_for(ApplicationState, principal)
    page.app_id, page._reject_stage = app_id, "Rejected"
    call(page, ApplicationState.open_reject)
    call(page, ApplicationState.confirm_reject, {"when": "2d"})
    assert snapshot(db) == before


def test_the_application_page_rejects_without_an_email(db, acme, candidate):
    app_id = apply(db, candidate, acme.job_id).id
    page = state_for(ApplicationState, acme.recruiter)
    page.app_id, page.can_reject, page._reject_stage, page.stage = app_id, True, "Rejected", "Applied"
    call(page, ApplicationState.open_reject)
    assert page.reject_open and page.reject_templates
    call(page, ApplicationState.set_reject_when, "never")
    call(page, ApplicationState.confirm_reject, {"when": "never", "note": "no reply"})
    with db.session() as s:
        assert stage_name(s, app_id) == "Rejected"
    assert _held(db, app_id) == []


def test_the_bulk_bar_rejects_with_a_template_on_a_date(db, acme):
    chosen = _template(db, acme.recruiter, "After interview")
    ids = [apply(db, make_candidate(db, f"c{i}@example.com", f"Cand {i}"), acme.job_id).id for i in range(2)]
    st = _board(acme, acme.recruiter)
    call(st, BoardState.refresh)
    call(st, BoardState.select_column, "Applied")
    call(st, BoardState.open_bulk_reject)
    day = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    call(st, BoardState.bulk_reject, {"when": "date", "date": day, "template_id": str(chosen)})
    assert st.bulk_summary == "2 applications rejected."
    for i in ids:
        (row,) = _held(db, i)
        assert row.subject.startswith("After interview")
        assert _aware(row.next_attempt_at) > datetime.now(UTC) + timedelta(days=2)


def test_the_stage_editor_takes_only_offered_values(db, acme):
    st = state_for(StaffJobsState, acme.recruiter)
    st.editor_stages = [st._stage_row(1, "Screening", "screening")]
    key = st.editor_stages[0].key
    assert (st.editor_stages[0].email, st.editor_stages[0].kind) == ("off", "stage")
    call(st, StaffJobsState.set_stage_email, key, "../../etc")
    call(st, StaffJobsState.set_stage_delay, key, "-5")
    call(st, StaffJobsState.set_stage_business, key, "yes")
    call(st, StaffJobsState.set_stage_public_name, key, "x" * 300)
    row = st.editor_stages[0]
    assert (row.email, row.delay, row.business, len(row.public_name)) == ("off", "0", False, 40)
    call(st, StaffJobsState.set_stage_email, key, "default")
    call(st, StaffJobsState.set_stage_delay, key, "1440")
    call(st, StaffJobsState.set_stage_business, key, True)
    (definition,) = st._stage_definitions()
    assert definition | {"id": None} == {
        "id": None,
        "name": "Screening",
        "category": "screening",
        "target_days": None,
        "public_name": "x" * 40,
        "notify": True,
        "email_template_id": None,
        "email_delay_minutes": 1440,
        "business_hours_only": True,
    }


def test_the_company_zone_is_set_by_recruiters_only(db, acme, globex):
    from flowtrack_ui.core.mail import automation

    for who in (acme.manager, globex.recruiter):
        st = state_for(CompanyZoneState, who)
        call(st, CompanyZoneState.load_company_zone)
        assert st.company_zone == "UTC"
        call(st, CompanyZoneState.save_company_zone, {"company_zone": "Europe/Berlin"})
    assert st.company_zone_can_edit  # Globex's recruiter set Globex's zone, never Acme's
    assert automation.company_time_zone(db, acme.recruiter) == "UTC"
    manager = state_for(CompanyZoneState, acme.manager)
    call(manager, CompanyZoneState.load_company_zone)
    assert not manager.company_zone_can_edit
    rec = state_for(CompanyZoneState, acme.recruiter)
    call(rec, CompanyZoneState.load_company_zone)
    for forged in ("not a form", {"company_zone": "Mars/Olympus"}, {"company_zone": "x" * 500}):
        rec.company_zone_error = ""
        call(rec, CompanyZoneState.save_company_zone, forged)
        assert rec.company_zone_error
    call(rec, CompanyZoneState.save_company_zone, {"company_zone": "America/New_York"})
    assert automation.company_time_zone(db, acme.recruiter) == "America/New_York"
    assert automation.company_time_zone(db, globex.recruiter) == "Europe/Berlin"
    nobody = state_for(CompanyZoneState)
    assert "/login" in rendered(call(nobody, CompanyZoneState.save_company_zone, {"company_zone": "UTC"}))
