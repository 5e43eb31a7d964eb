"""In Chromium in Berlin: the first sign-in stores the browser's time zone, an interview entered at
14:00 shows 14:00 Berlin, and My work for a recruiter and a hiring manager: an interview that ended
without a scorecard appears, and its reminder email is sent once."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from flowtrack_ui.core import work
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.models import Application, Interview, Job, JobStage

from .axe_support import violations
from .e2e_support import ARTIFACTS, DEMO_PW, api, app_with_mail, job_id, sign_in

pytestmark = pytest.mark.e2e

# The sender looks for due scorecard reminders every 2 s here (every minute by default).
smtp, server = app_with_mail("flowtrack-e2e-work-", {"FLOWTRACK_REMINDER_SECONDS": "2"})
BERLIN = "Europe/Berlin"


@pytest.fixture
def berlin_page(browser):
    """A person in Berlin: the browser reports Europe/Berlin as its time zone."""
    contexts = []

    def make():
        ctx = browser.new_context(timezone_id=BERLIN, viewport={"width": 1440, "height": 900})
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def _token(server, email: str) -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": DEMO_PW})["access_token"]


def _look_and_check(page, name: str) -> None:
    """Screenshots at 1440, 1280 and 390 px, and axe at 1280 and 390."""
    ARTIFACTS.mkdir(exist_ok=True)
    original = page.viewport_size
    page.mouse.move(1, 1)  # nothing hovered: colours as they rest
    for width, height in ((1440, 900), (1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if width != 1440:
            found = violations(page)
            assert found == [], f"{name} at {width}px: {found}"
    page.set_viewport_size(original)


def _zone(server, token: str) -> str | None:
    return api(server, "GET", "/api/me/settings", token=token)["time_zone"]


def _wait_for_zone(server, token: str, zone: str, timeout: float = 15) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if _zone(server, token) == zone:
            return
        time.sleep(0.2)
    raise AssertionError(f"the time zone stayed {_zone(server, token)!r}")


def _reminders(smtp, to: str) -> list:
    return [m for m in smtp.handler.messages if to in m["X-Envelope-To"] and "scorecard" in m["Subject"]]


def test_a_recruiter_in_berlin_lands_on_my_work_and_schedules_at_14_berlin(server, berlin_page):
    rec = berlin_page()
    sign_in(rec, server, "recruiter@acme.test")
    rec.wait_for_url(re.compile(r"/work$"))
    expect(rec.get_by_role("heading", name="My work")).to_be_visible()
    token = _token(server, "recruiter@acme.test")
    _wait_for_zone(server, token, BERLIN)  # the first sign-in stored the browser's zone
    expect(rec.locator("[data-testid=nav-jobs]")).to_be_visible()  # the boards are one click away

    jid = job_id(server, "Senior Backend Engineer")
    app_id = api(server, "GET", f"/api/applications/job/{jid}", token=token)[0]["id"]
    rec.goto(f"{server.url}/application?id={app_id}")
    rec.click("[data-testid=schedule-interview]")
    dialog = rec.get_by_role("dialog")
    expect(dialog.get_by_role("combobox", name="Time zone")).to_contain_text(BERLIN)
    start = datetime.now(UTC) + timedelta(days=6)
    rec.fill("#starts_at", start.strftime("%Y-%m-%dT14:00"))
    rec.fill("#location", "Room Spree")
    dialog.get_by_text("Hugo Manager").click()
    rec.click("[data-testid=save-interview]")
    row = rec.locator("[data-testid=interview]").filter(has_text="Room Spree")
    expect(row).to_contain_text("14:00 Europe/Berlin")
    assert "UTC (" not in row.inner_text() and "(13:00 UTC)" not in row.inner_text()
    stored = api(server, "GET", f"/api/applications/{app_id}/interviews", token=token)
    berlin = next(i for i in stored if i["location"] == "Room Spree")
    assert berlin["timezone"] == BERLIN
    assert datetime.fromisoformat(berlin["starts_at"]).astimezone(UTC).hour in (12, 13)  # CEST / CET

    rec.click("[data-testid=nav-work]")
    item = rec.locator("[data-testid=work-interview]").filter(has_text="Room Spree")
    expect(item).to_contain_text("14:00 Europe/Berlin")
    expect(item).to_contain_text("You scheduled it")
    _look_and_check(rec, "my-work-recruiter")

    rec.click("[data-testid=account-link]")
    expect(rec.locator("[data-testid=time-zone-input]")).to_have_value(BERLIN)
    _look_and_check(rec, "account-time-zone")
    rec.fill("[data-testid=time-zone-input]", "Mars/Olympus")
    rec.click("[data-testid=save-time-zone]")
    expect(rec.locator("[data-testid=time-zone]")).to_contain_text("Mars/Olympus")
    assert _zone(server, token) == BERLIN
    rec.fill("[data-testid=time-zone-input]", "America/New_York")
    rec.click("[data-testid=save-time-zone]")
    # What stays after the save, rather than its toast, which a starved browser can show and drop
    # between two looks (a full run on a slow host missed it that way).
    _wait_for_zone(server, token, "America/New_York", timeout=45)
    expect(rec.locator("[data-testid=time-zone]")).not_to_contain_text("Mars/Olympus")
    rec.click("[data-testid=nav-work]")
    expect(rec.get_by_text("Times in")).to_contain_text("America/New_York")
    # Signing in again in Berlin keeps the chosen zone.
    api(server, "PUT", "/api/me/settings", {"time_zone": BERLIN}, token=token)


def test_a_hiring_manager_sees_the_scorecard_due_and_gets_one_reminder(server, smtp, berlin_page):
    rec_token = _token(server, "recruiter@acme.test")
    hm_token = _token(server, "manager@acme.test")
    manager_id = api(server, "GET", "/api/auth/me", token=hm_token)["id"]
    jid = job_id(server, "Senior Backend Engineer")
    app_id = api(server, "GET", f"/api/applications/job/{jid}", token=rec_token)[1]["id"]
    start = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT09:00")
    held = api(
        server,
        "POST",
        f"/api/applications/{app_id}/interviews",
        {"starts_at": start, "location": "Room Isar", "interviewer_ids": [manager_id]},
        token=rec_token,
    )
    api(
        server,
        "POST",
        f"/api/applications/{app_id}/notes",
        {"body": "@manager could you check the take-home before Friday?"},
        token=rec_token,
    )
    # The interview took place two days ago: time passing, written as the database would see it.
    db = Database(f"sqlite:///{server.data_dir / 'flowtrack.db'}")
    with db.session(write=True) as s:
        s.execute(
            sa.update(Interview)
            .where(Interview.id == held["id"])
            .values(starts_at=datetime.now(UTC) - timedelta(days=2))
        )

    hm = berlin_page()
    sign_in(hm, server, "manager@acme.test")
    hm.wait_for_url(re.compile(r"/work$"))
    # Their first sign-in in Berlin: the zone is stored and the lists are shown in it.
    expect(hm.get_by_text("Times in")).to_contain_text(BERLIN)
    _wait_for_zone(server, hm_token, BERLIN)
    due = hm.locator("[data-testid=work-scorecard]").first
    expect(due).to_be_visible()
    mention = hm.locator("[data-testid=work-mention]").filter(has_text="take-home")
    expect(mention).to_be_visible()
    expect(hm.locator("[data-testid=nav-overview]")).to_be_visible()
    _look_and_check(hm, "my-work-manager")

    # The sender's reminder pass emails the manager once, with the form's link.
    deadline = time.time() + 100
    while not _reminders(smtp, "manager@acme.test") and time.time() < deadline:
        time.sleep(1)
    (reminder,) = _reminders(smtp, "manager@acme.test")
    body = reminder.get_body(("plain",)).get_content()
    assert f"/application?id={app_id}&scorecard={held['id']}" in body
    assert work.send_scorecard_reminders(db) == 0  # already reminded: another pass sends nothing
    time.sleep(3)
    assert len(_reminders(smtp, "manager@acme.test")) == 1

    mention.get_by_role("button", name=re.compile("Mark read")).click()
    expect(mention).to_have_count(0)

    # "Write scorecard" opens the application with the form ready.
    hm.locator(f'[data-testid=work-scorecard] a[href*="scorecard={held["id"]}"]').click()
    hm.wait_for_url(re.compile(r"/application\?id=\d+&scorecard=\d+"))
    expect(hm.get_by_role("dialog")).to_be_visible()
    db.dispose()


def test_a_stage_target_set_in_the_pipeline_editor_lists_the_waiting_applications(server, berlin_page):
    rec = berlin_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    title = "Senior Backend Engineer"
    row = rec.locator("[data-testid=job-row]").filter(
        has=rec.locator("[data-testid=job-link]", has_text=title)
    )
    row.get_by_role("button", name="Edit").click()
    dialog = rec.get_by_role("dialog")
    applied = dialog.locator("[data-testid=stage-row]").first
    expect(applied.locator("[data-testid=stage-name]")).to_have_value("Applied")
    target = applied.locator("[data-testid=stage-target]")
    target.fill("1")
    target.blur()
    _look_and_check(rec, "pipeline-target-days")
    editor = applied.locator("xpath=..")  # the pipeline editor: its rows, as seen at each width
    for width, height in ((1440, 900), (1280, 720), (390, 844)):
        rec.set_viewport_size({"width": width, "height": height})
        target.scroll_into_view_if_needed()
        editor.screenshot(path=str(ARTIFACTS / f"pipeline-target-days-rows-{width}.png"))
    rec.set_viewport_size({"width": 1440, "height": 900})
    dialog.locator("[data-testid=job-save]").click()
    rec.get_by_text(f"Saved “{title}”").wait_for()
    rec.click("[data-testid=nav-work]")
    overdue = rec.locator("[data-testid=work-overdue-item]")
    expect(overdue.first).to_contain_text("in Applied (target 1)")
    # The demo's applicants applied days or weeks ago: each still in Applied is past a day.
    db = Database(f"sqlite:///{server.data_dir / 'flowtrack.db'}")
    with db.session() as s:
        in_applied = s.execute(
            sa.select(sa.func.count())
            .select_from(Application)
            .join(JobStage, JobStage.id == Application.stage_id)
            .join(Job, Job.id == Application.job_id)
            .where(Job.title == title, JobStage.name == "Applied")
        ).scalar_one()
    db.dispose()
    assert in_applied > 0
    expect(overdue.filter(has_text="in Applied (target 1)")).to_have_count(in_applied)
    _look_and_check(rec, "my-work-overdue")
