"""Working together on a candidate: notes and mentions, interviews and their calendar invitations,
scorecards and who reads them, the activity feed; core, REST, Reflex handlers, the SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import select

from flowtrack_ui.api.app import create_api
from flowtrack_ui.api.hardening import Hardening
from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.accounts import invitations
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import activity, interviews, notes, scorecards
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.models import ApplicationNote, Interview, OutboxEmail, Scorecard
from flowtrack_ui.core.outbox import Sender
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.pipelines.moves import move_stage

from .conftest import PASSWORD, make_candidate, principal
from .smtp_support import smtp_server


def in_days(days: int, hour: int = 14) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:30")


def interview_fields(*people, days: int = 3, tz: str = "Europe/Lisbon") -> dict:
    return {
        "starts_at": in_days(days),
        "timezone": tz,
        "duration_minutes": 60,
        "video_url": "https://meet.example.com/room",
        "interviewer_ids": [p.user_id for p in people],
    }


@pytest.fixture
def team(db, acme, candidate):
    """Acme with a second hiring manager and a job with criteria; the candidate applied."""
    inv = invitations.invite_staff(db, acme.recruiter, "hm2@acme.test", Role.HIRING_MANAGER)
    invitations.accept_invitation(db, inv.token, PASSWORD, "Hana Second")
    hm2 = principal(db, "hm2@acme.test")
    jobs.update_job(db, acme.recruiter, acme.job_id, "Acme Engineer", criteria=["Design", "Python"])
    app = apply(db, candidate, acme.job_id)
    return acme, hm2, app


def outbox(db, kind: str | None = None) -> list[OutboxEmail]:
    with db.session() as s:
        query = select(OutboxEmail).order_by(OutboxEmail.id)
        if kind:
            query = query.where(OutboxEmail.kind == kind)
        return list(s.exec(query).all())


# --- notes and mentions ------------------------------------------------------------------------


def test_mentions_email_same_company_colleagues_only(db, team, globex):
    acme, hm2, app = team
    inv = invitations.invite_staff(db, globex.recruiter, "zed@globex.test", Role.HIRING_MANAGER)
    invitations.accept_invitation(db, inv.token, PASSWORD, "Zed Globex")
    note = notes.add_note(db, acme.recruiter, app.id, "Ask @hm2 and @HM about on-call. cc @zed @nobody")
    assert set(note.mentioned) == {"Hana Second", "Acme Manager"}
    mails = outbox(db, "mention")
    assert sorted(m.to_address for m in mails) == ["hm2@acme.test", "hm@acme.test"]
    assert f"/application?id={app.id}" in mails[0].body_text and "on-call" in mails[0].body_text
    # Globex's @zed exists, but a mention never reaches outside the company.
    assert all("globex" not in m.to_address for m in outbox(db, "mention"))


def test_notes_are_staff_only_and_append_only(db, team, globex, candidate):
    acme, _hm2, app = team
    notes.add_note(db, acme.manager, app.id, "Good portfolio")
    assert [n.body for n in notes.list_notes(db, acme.recruiter, app.id)] == ["Good portfolio"]
    for outsider in (globex.recruiter, globex.manager):
        with pytest.raises(NotFound):
            notes.add_note(db, outsider, app.id, "forged")
        with pytest.raises(NotFound):
            notes.list_notes(db, outsider, app.id)
    with pytest.raises(Forbidden):
        notes.add_note(db, candidate, app.id, "forged")
    with pytest.raises(Forbidden):
        notes.list_notes(db, candidate, app.id)
    with pytest.raises(InvalidInput):
        notes.add_note(db, acme.recruiter, app.id, "   ")
    with db.session() as s:
        assert len(s.exec(select(ApplicationNote)).all()) == 1


# --- interviews and calendar invitations -------------------------------------------------------


def _calendar(row: OutboxEmail) -> Calendar:
    assert row.calendar_ics and row.calendar_method
    cal = Calendar.from_ical(row.calendar_ics)
    assert cal["METHOD"] == row.calendar_method
    return cal


def test_invitations_request_update_cancel_over_smtp(any_db):
    from .conftest import make_company

    acme = make_company(any_db, "Acme")
    cand = make_candidate(any_db)
    app = apply(any_db, cand, acme.job_id)
    with smtp_server() as server:
        interview = interviews.schedule(
            any_db, acme.recruiter, app.id, interview_fields(acme.manager, days=4)
        )
        moved = interviews.reschedule(any_db, acme.recruiter, interview.id, {"starts_at": in_days(5, 10)})
        interviews.cancel(any_db, acme.recruiter, interview.id)
        sender = Sender(any_db, server.url, "FlowTrack <no-reply@flowtrack.test>")
        for _ in range(3):
            sender.deliver_due()
        received = server.handler.messages
    invites = [
        m
        for m in received
        if m.get_content_type() == "multipart/alternative"
        and any(p.get_content_type() == "text/calendar" for p in m.walk())
    ]
    by_person: dict[str, list] = {}
    for msg in invites:
        part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
        cal = Calendar.from_ical(part.get_content())
        assert part.get_param("method") == cal["METHOD"]
        by_person.setdefault(msg["X-Envelope-To"], []).append(cal)
    assert set(by_person) == {"cand@example.com", "hm@acme.test"}
    for person, cals in by_person.items():
        assert [str(c["METHOD"]) for c in cals] == ["REQUEST", "REQUEST", "CANCEL"], person
        events = [c.walk("VEVENT")[0] for c in cals]
        assert len({str(e["UID"]) for e in events}) == 1  # one stable UID
        assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
        assert str(events[2]["STATUS"]) == "CANCELLED"
        first, second = events[0], events[1]
        assert first["DTSTART"].dt.utcoffset() == timedelta(0) and first["DTEND"].dt.utcoffset() == timedelta(
            0
        )
        assert first["DTEND"].dt - first["DTSTART"].dt == timedelta(minutes=60)
        assert second["DTSTART"].dt == moved.starts_at
    # 14:30 in Lisbon is stored and sent in UTC.
    lisbon_offset = (
        datetime.fromisoformat(in_days(4)).replace(tzinfo=interviews.zone("Europe/Lisbon")).utcoffset()
    )
    assert events[0]["DTSTART"].dt.hour == (14 - lisbon_offset.total_seconds() // 3600) % 24


def test_the_candidates_invitation_names_no_staff(db, team):
    acme, hm2, app = team
    interviews.schedule(db, acme.recruiter, app.id, interview_fields(acme.manager, hm2))
    for row in outbox(db, "interview_invitation"):
        cal = _calendar(row)
        attendees = cal.walk("VEVENT")[0].get("ATTENDEE")
        attendees = [str(a) for a in (attendees if isinstance(attendees, list) else [attendees])]
        if row.to_address == "cand@example.com":
            assert attendees == ["mailto:cand@example.com"]
            assert "Manager" not in row.calendar_ics and "Hana" not in row.body_text
        else:
            assert set(attendees) == {
                "mailto:hm@acme.test",
                "mailto:hm2@acme.test",
                "mailto:cand@example.com",
            }


def test_interview_input_is_checked(db, team, globex):
    acme, _hm2, app = team
    bad = [
        {**interview_fields(acme.manager), "timezone": "Mars/Olympus"},
        {**interview_fields(acme.manager), "starts_at": "yesterday"},
        {**interview_fields(acme.manager), "starts_at": in_days(-2)},
        {**interview_fields(acme.manager), "duration_minutes": 5},
        {**interview_fields(acme.manager), "video_url": "javascript:alert(1)"},
        {**interview_fields(acme.manager), "video_url": "", "location": ""},
        {**interview_fields(acme.manager), "interviewer_ids": []},
        interview_fields(globex.recruiter),  # not a colleague
    ]
    for fields in bad:
        with pytest.raises(InvalidInput):
            interviews.schedule(db, acme.recruiter, app.id, fields)
    with pytest.raises(Forbidden):
        interviews.schedule(db, acme.manager, app.id, interview_fields(acme.manager))
    with pytest.raises(NotFound):
        interviews.schedule(db, globex.recruiter, app.id, interview_fields(globex.recruiter))
    with db.session() as s:
        assert s.exec(select(Interview)).all() == []


# --- scorecards --------------------------------------------------------------------------------


def test_interviewers_read_others_scorecards_only_after_their_own(db, team):
    acme, hm2, app = team
    interview = interviews.schedule(db, acme.recruiter, app.id, interview_fields(acme.manager, hm2))
    scorecards.submit(
        db, acme.manager, interview.id, {"recommendation": "yes", "ratings": {"Design": 3, "Python": 4}}
    )
    # hm2 is on the interview and has not submitted: sees nothing of the others.
    assert scorecards.for_application(db, hm2, app.id) == []
    assert all(a.kind != "scorecard" for a in activity.feed(db, hm2, app.id))
    # The recruiter sees all; the manager sees their own.
    assert [c.interviewer_name for c in scorecards.for_application(db, acme.recruiter, app.id)] == [
        "Acme Manager"
    ]
    scorecards.submit(
        db, hm2, interview.id, {"recommendation": "strong_yes", "ratings": {"Design": 4, "Python": 4}}
    )
    assert len(scorecards.for_application(db, hm2, app.id)) == 2
    board = queries.board(db, acme.recruiter, acme.job_id)
    card = next(c for col in board.columns for c in col.cards)
    assert card.scorecards == "1 × Strong yes, 1 × Yes"


def test_scorecards_are_checked(db, team, globex):
    acme, hm2, app = team
    interview = interviews.schedule(db, acme.recruiter, app.id, interview_fields(acme.manager))
    ok = {"recommendation": "no", "ratings": {"Design": 2, "Python": 1}}
    with pytest.raises(Forbidden):  # not an interviewer of it
        scorecards.submit(db, hm2, interview.id, ok)
    with pytest.raises(NotFound):
        scorecards.submit(db, globex.manager, interview.id, ok)
    for bad in (
        {"recommendation": "maybe", "ratings": ok["ratings"]},
        {"recommendation": "no", "ratings": {"Design": 5, "Python": 1}},
        {"recommendation": "no", "ratings": {"Design": 2}},
        {"recommendation": "no", "ratings": {"Design": 2, "Python": 1, "Vibes": 4}},
    ):
        with pytest.raises(InvalidInput):
            scorecards.submit(db, acme.manager, interview.id, bad)
    scorecards.submit(db, acme.manager, interview.id, ok)
    with pytest.raises(Conflict):
        scorecards.submit(db, acme.manager, interview.id, ok)
    with db.session() as s:
        assert len(s.exec(select(Scorecard)).all()) == 1


# --- the activity feed and what candidates never see -------------------------------------------


def test_feed_merges_everything_and_hides_stage_history_from_managers(db, team):
    acme, _hm2, app = team
    move_stage(db, acme.recruiter, app.id, "Screening", note="SECRET stage note")
    notes.add_note(db, acme.manager, app.id, "INTERNAL note about salary")
    interview = interviews.schedule(db, acme.recruiter, app.id, interview_fields(acme.manager))
    scorecards.submit(
        db, acme.manager, interview.id, {"recommendation": "yes", "ratings": {"Design": 3, "Python": 3}}
    )
    kinds = [a.kind for a in activity.feed(db, acme.recruiter, app.id)]
    assert kinds[0] == "scorecard" and {"stage", "note", "email", "interview", "scorecard"} <= set(kinds)
    manager_view = activity.feed(db, acme.manager, app.id)
    assert "stage" not in {a.kind for a in manager_view}
    assert "SECRET" not in repr(manager_view)


def test_candidate_views_never_hold_notes_scorecards_or_staff_names(db, team, monkeypatch):
    from flowtrack_ui.state import session, tracker
    from flowtrack_ui.state.tracker import TrackerState

    from .test_handlers import call, state_for

    acme, _hm2, app = team
    notes.add_note(db, acme.recruiter, app.id, "INTERNAL: great fit")
    interview = interviews.schedule(
        db, acme.recruiter, app.id, {**interview_fields(acme.manager), "location": "Acme HQ"}
    )
    scorecards.submit(
        db, acme.manager, interview.id, {"recommendation": "no", "ratings": {"Design": 1, "Python": 1}}
    )
    for module in (session, tracker):
        monkeypatch.setattr(module, "db", lambda: db)
    cand = principal(db, "cand@example.com")
    st = state_for(TrackerState, cand)
    call(st, TrackerState.load)
    seen = repr(st.dict())
    assert "Acme HQ" in seen  # the interview's time and place
    for secret in ("INTERNAL", "Acme Manager", "Acme Recruiter", "Design"):
        assert secret not in seen, secret
    for row in outbox(db):
        if row.to_address == "cand@example.com":
            assert "INTERNAL" not in row.body_text and "Acme Manager" not in (row.calendar_ics or "")


# --- over HTTP: every cell of the new routes ---------------------------------------------------


def http(db) -> TestClient:
    return TestClient(Hardening(create_api(lambda: db)), raise_server_exceptions=False)


def test_permission_cells_of_the_collaboration_routes(db, team, globex):
    acme, hm2, app = team
    c = http(db)

    def bearer(email):
        r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    who = {
        "rec": bearer("rec@acme.test"),
        "hm": bearer("hm@acme.test"),
        "cand": bearer("cand@example.com"),
        "grec": bearer("rec@globex.test"),
    }
    body = {**interview_fields(acme.manager), "location": "Room 1"}
    expect_schedule = {"cand": 403, "hm": 403, "grec": 404, "rec": 201}
    created = None
    for name, status in expect_schedule.items():
        r = c.post(f"/api/applications/{app.id}/interviews", json=body, headers=who[name])
        assert r.status_code == status, (name, r.text)
        created = r.json() if status == 201 else created
    iid = created["id"]
    cases = [
        ("get", f"/api/applications/{app.id}/notes", None, {"rec": 200, "hm": 200, "cand": 403, "grec": 404}),
        (
            "post",
            f"/api/applications/{app.id}/notes",
            {"body": "hi"},
            {"rec": 201, "hm": 201, "cand": 403, "grec": 404},
        ),
        (
            "get",
            f"/api/applications/{app.id}/activity",
            None,
            {"rec": 200, "hm": 200, "cand": 403, "grec": 404},
        ),
        (
            "get",
            f"/api/applications/{app.id}/interviews",
            None,
            {"rec": 200, "hm": 200, "cand": 403, "grec": 404},
        ),
        (
            "post",
            f"/api/interviews/{iid}/scorecard",
            {"recommendation": "yes", "ratings": {"Design": 3, "Python": 2}},
            {"cand": 403, "grec": 404, "rec": 403, "hm": 201},
        ),
        (
            "get",
            f"/api/applications/{app.id}/scorecards",
            None,
            {"rec": 200, "hm": 200, "cand": 403, "grec": 404},
        ),
        (
            "patch",
            f"/api/interviews/{iid}",
            {"duration_minutes": 30},
            {"cand": 403, "hm": 403, "grec": 404, "rec": 200},
        ),
        ("delete", f"/api/interviews/{iid}", None, {"cand": 403, "hm": 403, "grec": 404, "rec": 200}),
    ]
    for method, url, payload, expect in cases:
        kwargs = {"json": payload} if payload is not None else {}
        assert getattr(c, method)(url, **kwargs).status_code == 401, url
        for name, status in expect.items():
            r = getattr(c, method)(url, headers=who[name], **kwargs)
            assert r.status_code == status, (method, url, name, r.text)
    feed = c.get(f"/api/applications/{app.id}/activity", headers=who["hm"]).json()
    assert {"note", "interview", "scorecard"} <= {a["kind"] for a in feed}
    assert c.delete(f"/api/interviews/{iid}", headers=who["rec"]).status_code == 409  # already cancelled


# --- Reflex handlers, forged -------------------------------------------------------------------


def test_team_handlers_refuse_outsiders_and_candidates(db, team, globex, candidate, monkeypatch):
    from flowtrack_ui.state import application, application_team, session
    from flowtrack_ui.state.application_team import TeamState

    from .test_handlers import call, state_for

    for module in (session, application, application_team):
        monkeypatch.setattr(module, "db", lambda: db)
    acme, _hm2, app = team
    interview = interviews.schedule(db, acme.recruiter, app.id, interview_fields(acme.manager))
    notes.add_note(db, acme.recruiter, app.id, "PRIVATE note")
    before = (len(outbox(db)), len(notes.list_notes(db, acme.recruiter, app.id)))
    for outsider in (globex.recruiter, globex.manager, candidate, None):
        st = state_for(TeamState, outsider)
        st.app_id = app.id
        st.note_draft = "forged note"
        call(st, TeamState.add_note)
        call(st, TeamState.cancel_interview, interview.id)
        call(
            st,
            TeamState.save_interview,
            {"starts_at": in_days(2), "location": "x", f"interviewer_{acme.manager.user_id}": "on"},
        )
        st.scorecard_interview = interview.id
        call(st, TeamState.submit_scorecard, {"recommendation": "strong_no"})
        call(st, TeamState.load_team)
        assert "PRIVATE" not in repr(st.dict())
    assert (len(outbox(db)), len(notes.list_notes(db, acme.recruiter, app.id))) == before
    with db.session() as s:
        assert s.get(Interview, interview.id).status == "scheduled"
        assert s.exec(select(Scorecard)).all() == []
    # A hiring manager may write notes but not schedule or cancel interviews.
    st = state_for(TeamState, acme.manager)
    st.app_id = app.id
    call(st, TeamState.cancel_interview, interview.id)
    with db.session() as s:
        assert s.get(Interview, interview.id).status == "scheduled"
