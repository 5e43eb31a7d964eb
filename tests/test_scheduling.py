"""Scheduling against a real CalDAV server (Radicale) and a real feed: calendars read back,
credentials sealed and never returned, suggested slots, self-scheduling links (book, race,
reschedule, cancel, expiry), reminders under a controlled clock, permissions, and the REST routes."""

from __future__ import annotations

import threading
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import select

from flowtrack_ui.api.app import create_api
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.models import Interview, InterviewReminder, OutboxEmail, StaffAvailability
from flowtrack_ui.core.scheduling import availability, calendars, links, reminders

from .caldav_support import USERS, Feed, radicale, vevent
from .conftest import PASSWORD, make_candidate, make_company

ALWAYS = {"days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00", "hours_time_zone": "UTC"}


@pytest.fixture(scope="module")
def dav(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture
def team(db, acme, candidate):
    """Acme's recruiter and hiring manager work around the clock (UTC); the candidate applied."""
    for who in (acme.recruiter, acme.manager):
        availability.save(db, who, ALWAYS)
    app = apply(db, candidate, acme.job_id)
    return acme, app


def outbox(db, kind: str) -> list[OutboxEmail]:
    with db.session() as s:
        return list(
            s.exec(select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)).all()
        )


def link_for(db, acme, app, **extra) -> links.LinkCreated:
    fields = {
        "interviewer_ids": [acme.recruiter.user_id, acme.manager.user_id],
        "duration_minutes": 45,
        "video_url": "https://meet.example.com/acme",
        **extra,
    }
    return links.create_link(db, acme.recruiter, app.id, fields)


def test_caldav_busy_times_read_back_recurring_all_day_and_transparent(dav):
    start = datetime(2026, 12, 7, tzinfo=UTC)
    dav.put(
        "ada",
        "weekly",
        vevent(
            "weekly",
            "DTSTART;TZID=Europe/Berlin:20261207T100000\nDTEND;TZID=Europe/Berlin:20261207T110000\nRRULE:FREQ=WEEKLY;BYDAY=MO",
        ),
    )
    dav.put("ada", "allday", vevent("allday", "DTSTART;VALUE=DATE:20261209\nDTEND;VALUE=DATE:20261210"))
    dav.put(
        "ada",
        "transparent",
        vevent("transparent", "DTSTART:20261208T090000Z\nDTEND:20261208T100000Z\nTRANSP:TRANSPARENT"),
    )
    busy = calendars.caldav_busy(
        dav.base + "/ada/", "ada", USERS["ada"], start, start + timedelta(days=14), "Europe/Berlin"
    )
    assert sorted(busy) == [
        (datetime(2026, 12, 7, 9, tzinfo=UTC), datetime(2026, 12, 7, 10, tzinfo=UTC)),
        (datetime(2026, 12, 8, 23, tzinfo=UTC), datetime(2026, 12, 9, 23, tzinfo=UTC)),
        (datetime(2026, 12, 14, 9, tzinfo=UTC), datetime(2026, 12, 14, 10, tzinfo=UTC)),
    ]
    # bob's calendar is his own: ada's events are not in it, and ada cannot read it
    assert (
        calendars.caldav_busy(
            dav.base + "/bob/", "bob", USERS["bob"], start, start + timedelta(days=14), "UTC"
        )
        == []
    )
    with pytest.raises(calendars.CalendarUnavailable):
        calendars.caldav_busy(
            dav.calendar_url("bob"), "ada", USERS["ada"], start, start + timedelta(days=1), "UTC"
        )


def test_connection_checked_at_save_sealed_and_never_returned(db, acme, dav):
    rec = acme.recruiter
    with pytest.raises(InvalidInput, match="refused this user name and password"):
        availability.save(
            db, rec, {"caldav_url": dav.base + "/", "caldav_username": "ada", "caldav_password": "wrong"}
        )
    with pytest.raises(InvalidInput, match="could not be reached"):
        availability.save(
            db, rec, {"caldav_url": "http://127.0.0.1:9/", "caldav_username": "ada", "caldav_password": "x"}
        )
    view = availability.save(
        db, rec, {"caldav_url": dav.base + "/", "caldav_username": "ada", "caldav_password": USERS["ada"]}
    )
    assert view.caldav_connected and view.caldav_username == "ada"
    assert USERS["ada"] not in repr(asdict(view))
    with db.session() as s:
        row = s.get(StaffAvailability, rec.user_id)
        assert row is not None and USERS["ada"] not in row.caldav_password_sealed
    # changing the hours keeps the stored password; an empty URL disconnects
    assert availability.save(db, rec, {"start": "08:00"}).caldav_connected
    assert not availability.save(db, rec, {"caldav_url": ""}).caldav_connected
    with pytest.raises(Forbidden):
        availability.save(db, make_candidate(db, "x@example.com", "X Y"), ALWAYS)


def test_suggested_slots_honour_calendars_feeds_and_unknown(db, team, dav):
    acme, _app = team
    rec, hm = acme.recruiter, acme.manager
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    day = today + timedelta(days=2)
    # bob (the manager) is busy every morning, and away all day on day 3; a transparent event is ignored
    dav.put(
        "bob",
        "mornings",
        vevent(
            "mornings",
            f"DTSTART:{day - timedelta(days=5):%Y%m%d}T000000Z\n"
            f"DTEND:{day - timedelta(days=5):%Y%m%d}T120000Z\nRRULE:FREQ=DAILY",
        ),
    )
    dav.put(
        "bob",
        "away",
        vevent(
            "away",
            f"DTSTART;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}\n"
            f"DTEND;VALUE=DATE:{day + timedelta(days=2):%Y%m%d}",
        ),
    )
    dav.put(
        "bob",
        "free",
        vevent("free", f"DTSTART:{day:%Y%m%d}T120000Z\nDTEND:{day:%Y%m%d}T180000Z\nTRANSP:TRANSPARENT"),
    )
    availability.save(
        db, hm, {"caldav_url": dav.base + "/", "caldav_username": "bob", "caldav_password": USERS["bob"]}
    )
    with Feed() as feed:
        feed.body = vevent("feed", f"DTSTART:{day:%Y%m%d}T150000Z\nDTEND:{day:%Y%m%d}T160000Z")
        availability.save(db, rec, {"ics_url": feed.url})
        found = links.suggest(
            db, rec, [rec.user_id, hm.user_id], 60, day, day + timedelta(days=3), notice_minutes=0, limit=400
        )
        assert feed.hits >= 2  # checked at save, read now
    assert found.unknown == () and found.warnings == []
    hours = {(s.start.date() - day.date()).days: [] for s in found.slots}
    for s in found.slots:
        hours[(s.start.date() - day.date()).days].append(s.start.hour + s.start.minute / 60)
    assert set(hours) == {0, 2}  # day 1 is bob's all-day event
    assert min(hours[0]) == 12 and min(hours[2]) == 12  # mornings busy
    assert 14.5 not in hours[0] and 15 not in hours[0] and 16 in hours[0]  # the feed's 15:00–16:00
    assert 12.5 in hours[0]  # transparent: free
    # bob's server becomes unreachable: his slots are unknown, with a warning naming him
    with db.session(write=True) as s:
        row = s.get(StaffAvailability, hm.user_id)
        row.caldav_url = "http://127.0.0.1:9/"
        s.add(row)
    availability.save(db, rec, {"ics_url": ""})
    found = links.suggest(
        db, rec, [rec.user_id, hm.user_id], 60, day, day + timedelta(days=1), notice_minutes=0
    )
    assert found.unknown == (hm.user_id,) and "Acme Manager" in found.warnings[0]
    assert found.slots and all(not s.free and s.unknown == (hm.user_id,) for s in found.slots)


def test_link_booking_reschedule_cancel_and_what_the_page_shows(db, team):
    acme, app = team
    made = link_for(db, acme, app)
    sent = outbox(db, "scheduling_link")
    assert len(sent) == 1 and sent[0].to_address == "cand@example.com" and made.url in sent[0].body_text
    page = links.view(db, made.token)
    assert page.state == "open" and page.company == "Acme" and page.job_title == "Acme Engineer"
    assert sorted(page.interviewers) == ["Acme", "Acme"]  # first names only
    shown = repr(asdict(page))
    for secret in ("@acme.test", "Recruiter", "Manager", "meet.example.com", "cand@example.com"):
        assert secret not in shown
    now = datetime.now(UTC)
    assert page.slots and all(s.start >= now + timedelta(hours=24) for s in page.slots)  # the notice
    first, second = page.slots[0], page.slots[5]
    booked = links.book(db, made.token, first.start, "America/Sao_Paulo")
    assert booked.state == "booked" and booked.booked_start == first.start and booked.can_change
    with db.session() as s:
        iv = s.exec(select(Interview).where(Interview.application_id == app.id)).one()
        assert (
            iv.timezone == "America/Sao_Paulo" and iv.starts_at == first.start and iv.duration_minutes == 45
        )
    invitations = outbox(db, "interview_invitation")
    assert len(invitations) == 3  # the candidate and both interviewers
    cal = Calendar.from_ical(invitations[0].calendar_ics)
    assert cal["METHOD"] == "REQUEST"
    # move it: same interview, SEQUENCE 1, an update to everyone
    moved = links.book(db, made.token, second.start, "America/Sao_Paulo")
    assert moved.booked_start == second.start
    with db.session() as s:
        iv2 = s.exec(select(Interview).where(Interview.application_id == app.id)).one()
        assert iv2.id == iv.id and iv2.sequence == 1 and iv2.starts_at == second.start
    assert len(outbox(db, "interview_updated")) == 3
    # cancel: everyone gets the CANCEL, and the link offers times again
    again = links.cancel(db, made.token)
    assert (
        again.state == "open" and again.booked_start is None and first.start in [s.start for s in again.slots]
    )
    assert len(outbox(db, "interview_cancelled")) == 3
    with pytest.raises(Conflict):
        links.cancel(db, made.token)


def test_racing_bookings_one_wins_the_other_gets_fresh_slots(db, team):
    acme, app = team
    other = make_candidate(db, "other@example.com", "Olga Other")
    app2 = apply(db, other, acme.job_id)
    a, b = link_for(db, acme, app), link_for(db, acme, app2)
    slot = links.view(db, a.token).slots[0]
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def go(name: str, token: str) -> None:
        barrier.wait()
        try:
            results[name] = links.book(db, token, slot.start, "UTC")
        except Exception as exc:  # the loser's refusal
            results[name] = exc

    threads = [threading.Thread(target=go, args=(n, t)) for n, t in (("a", a.token), ("b", b.token))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [r for r in results.values() if isinstance(r, links.LinkPage)]
    lost = [r for r in results.values() if isinstance(r, links.SlotTaken)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].status_code == 409 and lost[0].slots and slot.start not in [s.start for s in lost[0].slots]
    with db.session() as s:
        assert len(s.exec(select(Interview).where(Interview.status == "scheduled")).all()) == 1
    # an overlapping (not identical) time is refused too: 15 minutes later
    loser = b.token if isinstance(results["b"], links.SlotTaken) else a.token
    with pytest.raises(links.SlotTaken):
        links.book(db, loser, slot.start + timedelta(minutes=30), "UTC")


def test_cut_off_expiry_and_withdrawn_delegation(db, team):
    acme, app = team
    made = link_for(db, acme, app, cutoff_minutes=60 * 24 * 14)
    slot = links.view(db, made.token).slots[0]
    links.book(db, made.token, slot.start)
    with pytest.raises(Conflict, match="too late"):
        links.cancel(db, made.token)
    with pytest.raises(Conflict, match="too late"):
        links.book(db, made.token, slot.start + timedelta(hours=1))
    later = slot.end + timedelta(minutes=1)  # after the interview the link is over
    assert links.view(db, made.token, now=later).state == "expired"
    other = make_candidate(db, "late@example.com", "Lou Late")
    unused = link_for(db, acme, apply(db, other, acme.job_id), window_days=1)
    assert links.view(db, unused.token, now=unused.expires_at + timedelta(seconds=1)).state == "expired"
    with pytest.raises(links.LinkGone):
        links.book(db, unused.token, slot.start, now=unused.expires_at + timedelta(seconds=1))
    with pytest.raises(NotFound):
        links.view(db, "x" * 43)


def test_only_recruiters_send_links_and_only_for_their_company(db, team, globex):
    acme, app = team
    fields = {"interviewer_ids": [acme.manager.user_id], "video_url": "https://meet.example.com/x"}
    with pytest.raises(Forbidden):
        links.create_link(db, acme.manager, app.id, fields)
    with pytest.raises(NotFound):
        links.create_link(
            db, globex.recruiter, app.id, {**fields, "interviewer_ids": [globex.manager.user_id]}
        )
    with pytest.raises(InvalidInput, match="staff of your company"):
        links.create_link(db, acme.recruiter, app.id, {**fields, "interviewer_ids": [globex.manager.user_id]})
    with pytest.raises(Forbidden):
        links.suggest(db, acme.manager, [acme.manager.user_id], 45)


def test_booking_writes_the_event_into_the_interviewers_caldav_calendar(db, team, dav):
    acme, app = team
    dav.make_calendar("bob", "interviews")
    availability.save(
        db,
        acme.manager,
        {
            "caldav_url": dav.calendar_url("bob", "interviews"),
            "caldav_username": "bob",
            "caldav_password": USERS["bob"],
        },
    )
    made = link_for(db, acme, app)
    page = links.view(db, made.token)
    slot = page.slots[-1]
    links.book(db, made.token, slot.start, "Asia/Tokyo")
    found = [Calendar.from_ical(t) for t in dav.objects("bob", "interviews")]
    events = [e for c in found for e in c.walk("VEVENT")]
    assert len(events) == 1 and events[0]["DTSTART"].dt == slot.start
    assert "Casey Candidate" in str(events[0]["SUMMARY"])
    links.cancel(db, made.token)
    assert dav.objects("bob", "interviews") == []


def test_reminders_under_a_controlled_clock(db, team):
    acme, app = team
    made = link_for(db, acme, app, min_notice_minutes=0)
    start = links.view(db, made.token).slots[-1].start  # days ahead
    links.book(db, made.token, start, "UTC")

    def sent() -> list[tuple[str, str]]:
        return [(e.to_address, e.subject) for e in outbox(db, "interview_reminder")]

    assert reminders.send_due(db, now=start - timedelta(hours=25)) == 0
    assert reminders.send_due(db, now=start - timedelta(hours=23)) == 1  # the candidate's day-before
    assert reminders.send_due(db, now=start - timedelta(hours=22)) == 0  # once
    assert sent() == [("cand@example.com", "Reminder: your interview with Acme tomorrow")]
    assert reminders.send_due(db, now=start - timedelta(minutes=50)) == 3  # the hour before: all three
    assert reminders.send_due(db, now=start - timedelta(minutes=40)) == 0
    assert len(sent()) == 4 and {a for a, _ in sent()} == {
        "cand@example.com",
        "rec@acme.test",
        "hm@acme.test",
    }
    assert reminders.send_due(db, now=start + timedelta(minutes=1)) == 0  # started: nothing more
    with db.session() as s:
        assert len(s.exec(select(InterviewReminder)).all()) == 4


def test_rest_routes(db, team):
    acme, app = team
    c = TestClient(create_api(lambda: db))

    def auth(email: str) -> dict:
        r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    rec, hm = auth("rec@acme.test"), auth("hm@acme.test")
    ids = [acme.recruiter.user_id, acme.manager.user_id]
    # settings: staff see their hours, never a password
    r = c.put(
        "/api/me/settings",
        json={"working_hours": {"start": "08:00", "end": "18:00"}, "caldav_password": "s3cret-pw"},
        headers=hm,
    )
    assert r.status_code == 422  # a password without an address
    r = c.put(
        "/api/me/settings",
        json={"working_hours": {"days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00"}},
        headers=hm,
    )
    assert r.status_code == 200 and r.json()["working_hours"]["start"] == "00:00"
    assert "password" not in r.text
    # slots
    r = c.get("/api/scheduling/slots", params={"interviewer_ids": ids, "duration_minutes": 30}, headers=rec)
    assert r.status_code == 200 and r.json()["slots"] and r.json()["unknown"] == []
    assert c.get("/api/scheduling/slots", params={"interviewer_ids": ids}, headers=hm).status_code == 403
    assert (
        c.get(
            "/api/scheduling/slots", params={"interviewer_ids": ids, "start": "nope"}, headers=rec
        ).status_code
        == 422
    )
    # a link: recruiters only
    body = {"interviewer_ids": ids, "duration_minutes": 30, "video_link": "https://meet.example.com/z"}
    assert c.post(f"/api/applications/{app.id}/scheduling-links", json=body, headers=hm).status_code == 403
    r = c.post(f"/api/applications/{app.id}/scheduling-links", json=body, headers=rec)
    assert r.status_code == 201
    token = r.json()["token"]
    page = c.get(f"/api/scheduling/{token}")
    assert page.status_code == 200 and set(page.json()) >= {"company", "job_title", "interviewers", "slots"}
    assert "@" not in page.text and "meet.example.com" not in page.text
    start = page.json()["slots"][0]["start"]
    assert (
        c.post(f"/api/scheduling/{token}/book", json={"start": start, "time_zone": "Mars/Base"}).status_code
        == 422
    )
    ok = c.post(f"/api/scheduling/{token}/book", json={"start": start, "time_zone": "Europe/Paris"})
    assert ok.status_code == 200 and ok.json()["state"] == "booked"
    # a second link for the same panel: that slot is gone
    other = make_candidate(db, "other@example.com", "Olga Other")
    app2 = apply(db, other, acme.job_id)
    token2 = c.post(f"/api/applications/{app2.id}/scheduling-links", json=body, headers=rec).json()["token"]
    taken = c.post(f"/api/scheduling/{token2}/book", json={"start": start})
    assert (
        taken.status_code == 409
        and taken.json()["slots"]
        and start not in [s["start"] for s in taken.json()["slots"]]
    )
    assert c.post(f"/api/scheduling/{token}/cancel").json()["state"] == "open"
    assert c.get("/api/scheduling/" + "a" * 43).status_code == 404
    assert c.get("/api/scheduling/bad token!").status_code in (404, 422)


def test_the_schedule_page_books_moves_and_cancels_without_javascript(db, team):
    acme, app = team
    made = link_for(db, acme, app)
    c = TestClient(create_api(lambda: db))
    r = c.get(f"/schedule/{made.token}?tz=America/Sao_Paulo")
    assert r.status_code == 200 and "Acme Engineer at Acme" in r.text and "America/Sao_Paulo" in r.text
    assert (
        r.headers["Referrer-Policy"] == "no-referrer"
        and "script-src 'self'" in r.headers["Content-Security-Policy"]
    )
    for secret in (
        "@acme.test",
        "Recruiter",
        "Manager",
        "meet.example.com",
        "cand@example.com",
        "Casey Candidate",
    ):
        assert secret not in r.text
    first = links.view(db, made.token).slots[0]
    local = first.start.astimezone(ZoneInfo("America/Sao_Paulo"))
    assert f'value="{first.start.isoformat()}"' in r.text and f"{local:%H:%M}–" in r.text
    r = c.post(
        f"/schedule/{made.token}/book",
        data={"start": first.start.isoformat(), "tz": "America/Sao_Paulo"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/schedule/{made.token}?tz=America/Sao_Paulo"
    r = c.get(r.headers["location"])
    assert (
        "Your interview is booked" in r.text
        and f"{local:%H:%M}" in r.text
        and "Cancel my interview" in r.text
    )
    # another candidate's link for the same panel: the time is gone, the page comes back with fresh ones (409)
    other = make_candidate(db, "other@example.com", "Olga Other")
    second = link_for(db, acme, apply(db, other, acme.job_id))
    r = c.post(f"/schedule/{second.token}/book", data={"start": first.start.isoformat(), "tz": "UTC"})
    assert r.status_code == 409 and "no longer available" in r.text and 'name="start"' in r.text
    r = c.post(f"/schedule/{made.token}/cancel", data={"tz": "UTC"}, follow_redirects=True)
    assert r.status_code == 200 and "Choose a time" in r.text
    assert c.get("/schedule/" + "b" * 43).status_code == 404


def test_racing_bookings_on_both_engines(any_db):
    """Three candidates take the same time at once, on SQLite and PostgreSQL: exactly one wins."""
    db = any_db
    acme = make_company(db, "Acme")
    for who in (acme.recruiter, acme.manager):
        availability.save(db, who, ALWAYS)
    tokens = []
    for n in range(3):
        person = make_candidate(db, f"racer{n}@example.com", f"Racer {n}")
        tokens.append(link_for(db, acme, apply(db, person, acme.job_id)).token)
    slot = links.view(db, tokens[0]).slots[0]
    barrier = threading.Barrier(len(tokens))
    results: list[object] = []

    def go(token: str) -> None:
        barrier.wait()
        try:
            results.append(links.book(db, token, slot.start, "UTC"))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=go, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, links.LinkPage) for r in results) == 1, results
    assert sum(isinstance(r, links.SlotTaken) for r in results) == 2, results
    with db.session() as s:
        assert len(s.exec(select(Interview).where(Interview.status == "scheduled")).all()) == 1


def test_a_time_freed_by_the_recruiter_is_offered_and_bookable_again(db, team):
    acme, app = team
    made = link_for(db, acme, app)
    slot = links.view(db, made.token).slots[0]
    links.book(db, made.token, slot.start, "UTC")
    other = make_candidate(db, "other@example.com", "Olga Other")
    second = link_for(db, acme, apply(db, other, acme.job_id))
    assert slot.start not in [s.start for s in links.view(db, second.token).slots]
    with db.session() as s:
        iv = s.exec(select(Interview).where(Interview.application_id == app.id)).one()
    interviews.cancel(db, acme.recruiter, iv.id)  # on the application page, not through the link
    assert slot.start in [s.start for s in links.view(db, second.token).slots]
    assert links.book(db, second.token, slot.start, "UTC").state == "booked"
