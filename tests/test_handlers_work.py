"""The My work page, the time zone handlers and the interview form's zone, called directly as a
browser could: every role, forged arguments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from flowtrack_ui.core import jobs as core_jobs
from flowtrack_ui.core import time_zones, work
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews, notes
from flowtrack_ui.core.models import Interview
from flowtrack_ui.state import account, application, application_team, jobs, session
from flowtrack_ui.state import work as work_state
from flowtrack_ui.state.account import AccountState
from flowtrack_ui.state.application_team import TeamState
from flowtrack_ui.state.jobs import StaffJobsState
from flowtrack_ui.state.session import HOME_BY_ROLE, SessionState
from flowtrack_ui.state.work import WorkState

from .test_handlers import call, rendered, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, account, application, application_team, work_state, jobs):
        monkeypatch.setattr(module, "db", lambda: db)


@pytest.fixture
def app_id(db, acme, candidate):
    return apply(db, candidate, acme.job_id).id


def _ended_interview(db, acme, app_id) -> int:
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    view = interviews.schedule(
        db,
        acme.recruiter,
        app_id,
        {"starts_at": start, "location": "Room 7", "interviewer_ids": [acme.manager.user_id]},
    )
    with db.session(write=True) as s:
        s.execute(
            sa.update(Interview)
            .where(Interview.id == view.id)
            .values(starts_at=datetime.now(UTC) - timedelta(hours=5))
        )
    return view.id


def test_staff_land_on_my_work():
    assert HOME_BY_ROLE["recruiter"] == HOME_BY_ROLE["hiring_manager"] == "/work"
    assert HOME_BY_ROLE["candidate"] == "/my-applications"


def test_my_work_for_a_hiring_manager_and_a_recruiter(db, acme, app_id):
    ended = _ended_interview(db, acme, app_id)
    note = notes.add_note(db, acme.recruiter, app_id, "@hm thoughts on the take-home?")

    st = state_for(WorkState, acme.manager)
    assert call(st, WorkState.load) is not None  # the lists, then the live watch
    assert [d.interview_id for d in st.scorecards] == [ended]
    assert st.scorecards[0].href == f"/application?id={app_id}&scorecard={ended}"
    assert [m.note_id for m in st.mentions] == [note.id] and st.mentions[0].author == "Acme Recruiter"
    assert not st.loading

    rec = state_for(WorkState, acme.recruiter)
    call(rec, WorkState.load)
    assert rec.scorecards == [] and rec.mentions == []

    call(st, WorkState.mark_read, note.id)
    assert st.mentions == [] and work.my_work(db, acme.manager).mentions == ()


@pytest.mark.parametrize("who", ["candidate", "nobody"])
def test_my_work_is_not_for_candidates_or_strangers(db, acme, candidate, app_id, who):
    notes.add_note(db, acme.recruiter, app_id, "@hm look")
    st = state_for(WorkState, candidate if who == "candidate" else None)
    result = call(st, WorkState.load)
    assert st.mentions == [] and st.interviews == [] and st.scorecards == [] and st.overdue == []
    assert ("/login" if who == "nobody" else "/my-applications") in rendered(result)


def test_forged_mark_read_is_refused(db, acme, globex, candidate, app_id):
    note = notes.add_note(db, acme.recruiter, app_id, "@hm look")
    for principal in (globex.recruiter, acme.recruiter, candidate):
        st = state_for(WorkState, principal)
        result = call(st, WorkState.mark_read, note.id)
        assert "error" in rendered(result)
    for junk in (-1, "1; drop table", None, 10**30):
        call(state_for(WorkState, acme.manager), WorkState.mark_read, junk)
    assert [m.note_id for m in work.my_work(db, acme.manager).mentions] == [note.id]
    assert "/login" in rendered(call(state_for(WorkState), WorkState.mark_read, note.id))


def test_the_browser_zone_is_kept_once_and_checked(db, acme):
    st = state_for(SessionState, acme.recruiter)
    call(st, SessionState.keep_browser_time_zone, "<script>")
    assert st.time_zone == "" and time_zones.settings(db, acme.recruiter).time_zone is None
    call(st, SessionState.keep_browser_time_zone, "Europe/Berlin")
    assert st.time_zone == "Europe/Berlin"
    call(st, SessionState.keep_browser_time_zone, "Asia/Tokyo")  # a second report changes nothing
    assert time_zones.settings(db, acme.recruiter).time_zone == "Europe/Berlin"
    # Asked once per tab, and only while there is none.
    assert call(st, SessionState.ask_time_zone) is None
    fresh = state_for(SessionState, acme.manager)
    fresh.role = "hiring_manager"
    assert "resolvedOptions" in rendered(call(fresh, SessionState.ask_time_zone))
    assert call(fresh, SessionState.ask_time_zone) is None
    nobody = state_for(SessionState)
    assert "/login" in rendered(call(nobody, SessionState.keep_browser_time_zone, "Europe/Berlin"))


def test_the_account_page_sets_the_zone(db, acme, candidate):
    st = state_for(AccountState, acme.manager)
    call(st, AccountState.load)
    assert st.zone_draft == ""
    call(st, AccountState.save_time_zone, {"time_zone": "Atlantis/Lost"})
    assert "Atlantis/Lost" in st.zone_error and time_zones.settings(db, acme.manager).time_zone is None
    call(st, AccountState.save_time_zone, {"time_zone": ["Europe/Berlin"]})  # forged shape
    assert st.zone_error and time_zones.settings(db, acme.manager).time_zone is None
    # The saved zone is confirmed in a toast (the browser test checks what stays instead).
    saved = call(st, AccountState.save_time_zone, {"time_zone": " America/Chicago "})
    assert "Times now show in America/Chicago." in rendered(saved)
    assert st.time_zone == st.zone_draft == "America/Chicago" and st.zone_error == ""
    assert time_zones.settings(db, acme.manager).time_zone == "America/Chicago"
    cand = state_for(AccountState, candidate)
    call(cand, AccountState.save_time_zone, {"time_zone": "Asia/Kolkata"})
    assert time_zones.settings(db, candidate).time_zone == "Asia/Kolkata"
    assert "/login" in rendered(
        call(state_for(AccountState), AccountState.save_time_zone, {"time_zone": "UTC"})
    )


def test_the_interview_form_starts_in_the_schedulers_zone(db, acme, app_id):
    time_zones.set_time_zone(db, acme.recruiter, "Europe/Berlin")
    st = state_for(TeamState, acme.recruiter)
    st.time_zone, st.app_id = "Europe/Berlin", app_id
    call(st, TeamState.open_schedule)
    assert st.timezone == "Europe/Berlin"
    day = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d")
    call(st, TeamState.load_team)  # the colleagues the form offers
    call(
        st,
        TeamState.save_interview,
        {"starts_at": f"{day}T14:00", "location": "Room 1", f"interviewer_{acme.manager.user_id}": "on"},
    )
    assert st.schedule_error == ""
    (row,) = st.interviews_list
    assert f"{row.when}".endswith("14:00 Europe/Berlin")
    with db.session() as s:
        stored = s.exec(sa.select(Interview)).scalars().one()
    assert stored.timezone == "Europe/Berlin"
    assert stored.starts_at.astimezone(time_zones.zone("Europe/Berlin")).hour == 14
    call(st, TeamState.set_browser_timezone, "Nowhere/Land")  # the select: a zone or nothing
    assert st.timezone == "Europe/Berlin"


def test_a_stages_target_days_are_edited_with_the_pipeline(db, acme):
    st = state_for(StaffJobsState, acme.recruiter)
    call(st, StaffJobsState.load)
    call(st, StaffJobsState.edit_job, acme.job_id)
    screening = next(r for r in st.editor_stages if r.name == "Screening")
    assert screening.target_days == ""
    call(st, StaffJobsState.set_stage_target, screening.key, "4")
    form = {
        "title": "Acme Engineer",
        "description": "Build things",
        "location": "Remote",
        "status": "published",
        "knockout_delay_hours": "48",
    }
    call(st, StaffJobsState.save_job, form)
    assert st.form_error == ""
    stages = {s.name: s.target_days for s in core_jobs.get_job(db, acme.recruiter, acme.job_id).stages}
    assert stages["Screening"] == 4 and stages["Applied"] is None
    call(st, StaffJobsState.edit_job, acme.job_id)
    screening = next(r for r in st.editor_stages if r.name == "Screening")
    assert screening.target_days == "4"
    call(st, StaffJobsState.set_stage_target, screening.key, "-2")  # typed: refused on save, in words
    call(st, StaffJobsState.save_job, form)
    assert "target" in st.form_error and st.editor_open
    assert {s.name: s.target_days for s in core_jobs.get_job(db, acme.recruiter, acme.job_id).stages}[
        "Screening"
    ] == 4
    call(st, StaffJobsState.set_stage_target, screening.key, "")
    call(st, StaffJobsState.save_job, form)
    assert {s.name: s.target_days for s in core_jobs.get_job(db, acme.recruiter, acme.job_id).stages}[
        "Screening"
    ] is None


def test_my_work_asks_the_browser_once_and_shows_the_lists_in_its_zone(db, acme, app_id):
    st = state_for(WorkState, acme.manager)
    result = call(st, WorkState.load)
    assert "resolvedOptions" in rendered(result)
    assert st.shown_zone == "UTC"
    call(st, WorkState.first_time_zone, "Europe/Berlin")
    assert st.shown_zone == st.time_zone == "Europe/Berlin"
    assert time_zones.settings(db, acme.manager).time_zone == "Europe/Berlin"
    assert call(st, SessionState.ask_time_zone) is None  # asked already
    again = state_for(WorkState, acme.manager)
    assert "resolvedOptions" not in rendered(call(again, WorkState.load))  # a zone is known now
