"""In Chromium at 390 px in São Paulo: a candidate books their interview from the emailed
self-scheduling link in their own time zone; the event appears in the interviewer's CalDAV calendar
(Radicale) and the invitations reach the SMTP server and parse with icalendar; axe on the page."""

from __future__ import annotations

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from .axe_support import violations
from .caldav_support import USERS, radicale, vevent
from .e2e_support import ARTIFACTS, DEMO_PW, api, app_with_mail, emailed_link, sign_in

pytestmark = pytest.mark.e2e

smtp, server = app_with_mail("flowtrack-e2e-scheduling-")
SAO_PAULO = "America/Sao_Paulo"


@pytest.fixture(scope="module")
def dav(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale")) as r:
        yield r


def _token(server, email: str) -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": DEMO_PW})["access_token"]


def _look_and_check(page, name: str) -> None:
    """Screenshots at 1440, 1280 and 390 px, and axe at each."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1440, 900), (1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        found = violations(page)
        assert found == [], f"{name} at {width}px: {found}"


def _invitations(smtp, to: str, timeout: float = 30) -> list[Calendar]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = []
        for msg in smtp.handler.messages:
            if to in msg["X-Envelope-To"] and msg["Subject"].startswith("Interview"):
                for part in msg.walk():
                    if part.get_content_type() == "text/calendar":
                        found.append(Calendar.from_ical(part.get_payload(decode=True)))
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no invitation reached {to}")


def _staff_steps(browser, server, dav, app_id: int) -> None:
    """Hugo connects his calendar on the account page; Rita finds a free time in the schedule
    dialog, then emails Alice a booking link instead."""
    ctx = browser.new_context(timezone_id="Europe/Berlin", viewport={"width": 1440, "height": 900})
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, server, "manager@acme.test", "/account")
        page.goto(server.url + "/account")
        card = page.get_by_test_id("calendar-connection")
        card.locator("#caldav_url").fill(dav.calendar_url("bob"))
        card.locator("#caldav_username").fill("bob")
        card.locator("#caldav_password").fill("not-his-password")
        card.get_by_test_id("save-calendar").click()
        expect(card.get_by_test_id("form-error")).to_contain_text("refused this user name and password")
        card.locator("#caldav_password").fill(USERS["bob"])
        card.get_by_test_id("save-calendar").click()
        expect(card.get_by_test_id("caldav-connected")).to_be_visible()
        expect(card.locator("#caldav_password")).to_have_value("")
        page.reload()
        expect(page.get_by_test_id("caldav-connected")).to_be_visible()
        assert USERS["bob"] not in page.content()
        _look_and_check(page, "schedule-account")
    finally:
        ctx.close()
    ctx = browser.new_context(timezone_id="Europe/Berlin", viewport={"width": 1440, "height": 900})
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, server, "recruiter@acme.test", f"/application?id={app_id}")
        page.goto(server.url + f"/application?id={app_id}")
        page.get_by_test_id("schedule-interview").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("checkbox", name="Hugo Manager").click()
        dialog.get_by_role("checkbox", name="Rita Recruiter").click()
        dialog.get_by_test_id("find-slots").click()
        expect(dialog.get_by_test_id("suggested-slot").first).to_be_visible()
        dialog.get_by_test_id("suggested-slot").first.click()
        expect(dialog.locator("#starts_at")).not_to_have_value("")
        expect(dialog.get_by_test_id("suggested-slot").first).to_be_visible()  # still there to pick another
        _look_and_check(page, "schedule-dialog")
        dialog.get_by_role("button", name="Close").click()
        page.set_viewport_size({"width": 1440, "height": 900})
        page.get_by_test_id("send-scheduling-link").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("checkbox", name="Hugo Manager").click()
        dialog.get_by_role("checkbox", name="Rita Recruiter").click()
        dialog.locator("#link_video").fill("https://meet.example.com/acme")
        _look_and_check(page, "schedule-link-dialog")
        page.set_viewport_size({"width": 1440, "height": 900})
        dialog.get_by_test_id("email-scheduling-link").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
    finally:
        ctx.close()


def test_candidate_books_from_the_link_in_their_zone(browser, server, smtp, dav):
    recruiter, manager = _token(server, "recruiter@acme.test"), _token(server, "manager@acme.test")
    always = {"days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00", "time_zone": "UTC"}
    # the manager (bob in Radicale) is busy every day 12:00–13:00 UTC
    dav.put(
        "bob", "daily", vevent("daily", "DTSTART:20261201T120000Z\nDTEND:20261201T130000Z\nRRULE:FREQ=DAILY")
    )
    for token in (recruiter, manager):
        api(server, "PUT", "/api/me/settings", {"working_hours": always}, token)
    alice = _token(server, "alice@example.com")
    app_id = api(server, "GET", "/api/applications/me", token=alice)[0]["id"]
    try:
        _staff_steps(browser, server, dav, app_id)
    except AssertionError:
        print(server.log()[-6000:])
        raise
    got = api(server, "GET", "/api/me/settings", token=manager)
    assert got["caldav_connected"] and "caldav_password" not in got and USERS["bob"] not in str(got)
    link = emailed_link(smtp, "alice@example.com", "/schedule/")

    ctx = browser.new_context(timezone_id=SAO_PAULO, viewport={"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        page.goto(server.url + link[link.index("/schedule/") :])
        page.wait_for_url(re.compile(r"tz=America%2FSao_Paulo|tz=America/Sao_Paulo"))
        expect(page.locator("#tz")).to_have_value(SAO_PAULO)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Acme")
        _look_and_check(page, "schedule-open")
        page.set_viewport_size({"width": 390, "height": 844})
        first = page.locator("input[name=start]").first
        start = first.get_attribute("value")
        assert start is not None
        first.locator("xpath=..").click()
        page.get_by_role("button", name="Book this time").click()
        expect(page.get_by_test_id("schedule-booked")).to_be_visible()
        when = datetime.fromisoformat(start)
        local = when.astimezone(ZoneInfo(SAO_PAULO))
        expect(page.get_by_test_id("schedule-booked")).to_contain_text(f"{local:%H:%M}")
        _look_and_check(page, "schedule-booked")
    finally:
        ctx.close()

    # the interviewer's Radicale calendar holds the interview; nobody accepted an email
    events = [e for text in dav.objects("bob") for e in Calendar.from_ical(text).walk("VEVENT")]
    booked = [e for e in events if str(e["UID"]).startswith("interview-")]
    assert len(booked) == 1 and booked[0]["DTSTART"].dt == when
    # the invitations reached the SMTP server: REQUEST, the same time, the same UID
    for to in ("alice@example.com", "recruiter@acme.test", "manager@acme.test"):
        cal = _invitations(smtp, to)[-1]
        assert cal["METHOD"] == "REQUEST"
        event = next(iter(cal.walk("VEVENT")))
        assert event["DTSTART"].dt == when and event["UID"] == booked[0]["UID"]
