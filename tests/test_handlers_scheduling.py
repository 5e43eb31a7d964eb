"""The account page's hours and calendar card, the schedule dialog's suggested times and the
booking link dialog, called directly as a browser could: every role; the password never held."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.models import OutboxEmail, SchedulingLink, StaffAvailability
from flowtrack_ui.core.scheduling import availability
from flowtrack_ui.state import account, application, application_team, session
from flowtrack_ui.state import scheduling as scheduling_state
from flowtrack_ui.state.application_team import TeamState
from flowtrack_ui.state.scheduling import CalendarSettingsState, SlotsState

from .caldav_support import USERS, radicale
from .test_handlers import state_for

ALWAYS = {"days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00", "hours_time_zone": "UTC"}


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, account, application, application_team, scheduling_state):
        monkeypatch.setattr(module, "db", lambda: db)


def run(st, handler, *args) -> list:
    """A handler run to completion as Reflex would: a coroutine awaited, an async generator drained."""
    result = handler.fn(st, *args)
    if inspect.isasyncgen(result):

        async def drain():
            return [x async for x in result]

        return asyncio.run(drain())
    if inspect.iscoroutine(result):
        return [asyncio.run(result)]
    return [result]


def test_hours_and_calendar_on_the_account_page(db, acme, candidate, tmp_path):
    st = state_for(CalendarSettingsState, acme.manager)
    run(st, CalendarSettingsState.load)
    assert st.days == [0, 1, 2, 3, 4] and st.start == "09:00" and not st.caldav_connected
    run(
        st, CalendarSettingsState.save_hours, {"day_0": "on", "day_2": True, "start": "08:30", "end": "16:00"}
    )
    assert st.days == [0, 2] and st.start == "08:30" and st.hours_error == ""
    run(st, CalendarSettingsState.save_hours, {"day_1": "on", "start": "18:00", "end": "09:00"})
    assert "end after it starts" in st.hours_error and st.days == [0, 2]
    with radicale(tmp_path) as dav:
        form = {"caldav_url": dav.base + "/", "caldav_username": "bob", "caldav_password": "wrong"}
        run(st, CalendarSettingsState.save_calendar, form)
        assert "refused" in st.calendar_error and not st.caldav_connected
        run(st, CalendarSettingsState.save_calendar, {**form, "caldav_password": USERS["bob"]})
        assert st.caldav_connected and st.calendar_error == "" and st.form_key == 1
    assert USERS["bob"] not in repr(st.dict())
    run(st, CalendarSettingsState.disconnect, "caldav")
    assert not st.caldav_connected
    # a candidate reaching the handler stores nothing
    cand = state_for(CalendarSettingsState, candidate)
    run(cand, CalendarSettingsState.save_hours, {"day_0": "on", "start": "08:00", "end": "09:00"})
    assert "may not" in cand.hours_error
    with db.session() as s:
        assert s.get(StaffAvailability, candidate.user_id) is None


def test_suggested_times_fill_the_form_and_only_recruiters_send_links(db, acme, candidate):
    for who in (acme.recruiter, acme.manager):
        availability.save(db, who, ALWAYS)
    app_id = apply(db, candidate, acme.job_id).id
    st = state_for(SlotsState, acme.recruiter)
    team = asyncio.run(st.get_state(TeamState))
    team.app_id = app_id
    run(team, TeamState.load_team)
    run(st, SlotsState.reset_panel)
    run(st, SlotsState.toggle, acme.manager.user_id, True)
    run(st, SlotsState.toggle, acme.recruiter.user_id, True)
    run(st, SlotsState.set_duration, "30")
    run(st, SlotsState.find)
    assert st.suggestions and not st.slot_warnings and not any(s.unknown for s in st.suggestions)
    run(st, SlotsState.pick, st.suggestions[0].value)
    assert team.form_starts and team.form_interviewers == sorted(
        [acme.recruiter.user_id, acme.manager.user_id]
    )
    assert team.form_duration == "30"
    form = {f"link_interviewer_{acme.manager.user_id}": "on", "link_video": "https://meet.example.com/a"}
    run(st, SlotsState.send_link, {**form, "link_notice": "inf"})
    assert "Minimum notice" in st.link_error
    run(st, SlotsState.send_link, {**form, "link_notice": "48", "link_buffer_before": "10"})
    assert st.link_error == ""
    with db.session() as s:
        made = s.exec(select(SchedulingLink)).one()
        assert (made.min_notice_minutes, made.buffer_before, made.buffer_after) == (48 * 60, 10, 0)
    hm = state_for(SlotsState, acme.manager)
    hm_team = asyncio.run(hm.get_state(TeamState))
    hm_team.app_id = app_id
    run(hm_team, TeamState.load_team)
    run(hm, SlotsState.send_link, form)
    assert "may not" in hm.link_error
    run(hm, SlotsState.toggle, acme.manager.user_id, True)
    run(hm, SlotsState.find)
    assert hm.suggestions == [] and "may not" in hm.slot_warnings[0]
    with db.session() as s:
        sent = s.exec(select(OutboxEmail).where(OutboxEmail.kind == "scheduling_link")).all()
        assert len(sent) == 1 and sent[0].to_address == "cand@example.com"
