"""In Chromium: the list view of a job with 2,000 applications, sorted, filtered and paged from the
address (and back from it), selection for recruiters only; the application page acting (advance,
undo, reject with a standard reason) and walking Previous / Next (also with j / k) through the
list it was opened from; screens at three widths and axe at 1280 and 390 on both pages."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select, text

from flowtrack_ui.core import security
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.models import Application, ApplicationHistory, CandidateTag, User
from flowtrack_ui.core.pipelines import job_stages

from .axe_support import violations
from .e2e_support import DEMO_PW, api, sign_in

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/flowtrack-listing-shots")
N = 2000


@pytest.fixture(scope="module")
def server():
    from .e2e_server import running_app

    with running_app("flowtrack-e2e-listing-") as srv:
        yield srv


def _token(server, email: str) -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": DEMO_PW})["access_token"]


def _populate(server, title: str, n: int) -> tuple[int, dict[str, int]]:
    """A new Acme job with ``n`` applications inserted in bulk SQL, each with its first history row:
    names "Lister 0000"…, one applied per hour (0000 the newest), every 5th from the talent pool,
    every 10th tagged "referral". Returns the job id and application id by name."""
    token = _token(server, "recruiter@acme.test")
    job = api(server, "POST", "/api/jobs/", {"title": title, "location": "Remote"}, token)["id"]
    me = api(server, "GET", "/api/auth/me", None, token)
    db = Database(f"sqlite:///{server.data_dir / 'flowtrack.db'}")
    tag, now = uuid.uuid4().hex[:6], datetime.now(UTC)
    hashed = security.hash_password(DEMO_PW)
    try:
        with db.session(write=True) as s:
            applied = job_stages.pipeline_of(s, job).progress[0]
            s.execute(
                insert(User),
                [
                    {
                        "email": f"lister{i:04d}-{tag}@example.com",
                        "full_name": f"Lister {i:04d}",
                        "role": "candidate",
                        "password_hash": hashed,
                        "is_active": True,
                        "token_version": 0,
                        "created_at": now,
                    }
                    for i in range(n)
                ],
            )
            users = s.execute(
                text("SELECT id, full_name FROM user_account WHERE email LIKE :p ORDER BY id"),
                {"p": f"%-{tag}@example.com"},
            ).all()
            s.execute(
                insert(Application),
                [
                    {
                        "job_id": job,
                        "candidate_id": uid,
                        "stage_id": applied.id,
                        "version": 1,
                        "source": "talent_pool" if i % 5 == 0 else "careers",
                        "created_at": now - timedelta(hours=i + 1),
                        "stage_changed_at": now - timedelta(hours=i + 1),
                        "updated_at": now,
                    }
                    for i, (uid, _name) in enumerate(users)
                ],
            )
            s.execute(
                insert(CandidateTag),
                [
                    {
                        "company_id": me["company_id"],
                        "candidate_id": uid,
                        "label": "referral",
                        "created_at": now,
                    }
                    for i, (uid, _name) in enumerate(users)
                    if i % 10 == 0
                ],
            )
            rows = s.execute(
                select(Application.id, User.full_name)
                .join(User, User.id == Application.candidate_id)
                .where(Application.job_id == job)
            ).all()
            s.execute(
                insert(ApplicationHistory),
                [
                    {
                        "application_id": app_id,
                        "new_stage": applied.name,
                        "new_stage_id": applied.id,
                        "kind": "applied",
                        "changed_by_id": me["id"],
                        "changed_at": now,
                    }
                    for app_id, _name in rows
                ],
            )
    finally:
        db.dispose()
    return job, {name: app_id for app_id, name in rows}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _names(page) -> list[str]:
    return page.locator("[data-testid=list-name]").all_inner_texts()


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


@pytest.fixture(scope="module")
def big_job(server):
    return _populate(server, "Lister Analyst", N)


def test_list_sorted_filtered_and_paged_from_the_address(server, big_job, new_page):
    job, ids = big_job
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    # A shared link: talent-pool applicants, by name Z→A, second page.
    rec.goto(f"{server.url}/list?job={job}&source=talent_pool&sort=name&dir=desc&page=2")
    expect(rec.locator("[data-testid=list-range]")).to_have_text("Showing 51–100 of 400 applications")
    # 400 talent-pool names are Lister 0000, 0005, … 1995; descending, page 2 starts at the 51st.
    expected = [f"Lister {i:04d}" for i in range(1995, -1, -5)][50:100]
    expect(rec.locator("[data-testid=list-name]").first).to_have_text(expected[0])
    assert _names(rec) == expected
    expect(rec.locator("[data-testid=list-page]")).to_have_text("Page 2 of 8")
    expect(rec.locator("th[aria-sort=descending]")).to_have_text(re.compile("Name"))
    expect(rec.locator("[data-testid=list-filter-source]")).to_have_value("talent_pool")

    # Clicking the sorted column's heading flips it; the address says so and starts at page 1.
    rec.locator("[data-testid=list-sort-name]").click()
    expect(rec.locator("[data-testid=list-name]").first).to_have_text("Lister 0000")
    assert _params(rec)["sort"] == ["name"] and "page" not in _params(rec) and "dir" not in _params(rec)
    expect(rec.locator("th[aria-sort=ascending]")).to_have_text(re.compile("Name"))

    # The filter form: a tag and words; the address carries them, a reload shows the same view.
    rec.locator("[data-testid=list-filter-tag]").select_option("referral")
    rec.locator("[data-testid=list-filter-q]").fill("lister 19")
    rec.locator("[data-testid=list-apply]").click()
    expect(rec.locator("[data-testid=list-range]")).to_have_text("Showing 1–10 of 10 applications")
    assert _params(rec)["tag"] == ["referral"] and _params(rec)["q"] == ["lister 19"]
    assert _names(rec) == [f"Lister {i:04d}" for i in range(1900, 2000, 10)]
    rec.reload()
    expect(rec.locator("[data-testid=list-range]")).to_have_text("Showing 1–10 of 10 applications")
    rec.go_back()  # Back returns to the previous view
    expect(rec.locator("[data-testid=list-range]")).to_have_text("Showing 1–50 of 400 applications")

    # Days in stage, oldest first; the next page follows on.
    rec.goto(f"{server.url}/list?job={job}&sort=days&dir=desc")
    expect(rec.locator("[data-testid=list-name]").first).to_have_text("Lister 1999")
    rec.locator("[data-testid=list-next]").click()
    expect(rec.locator("[data-testid=list-name]").first).to_have_text("Lister 1949")
    expect(rec.locator("[data-testid=list-page]")).to_have_text("Page 2 of 40")
    rec.locator("[data-testid=list-per-page-200]").click()
    expect(rec.locator("[data-testid=list-page]")).to_have_text("Page 1 of 10")
    expect(rec.locator("[data-testid=list-row]")).to_have_count(200)

    # A forged address: the core's message, and every application instead of a crash.
    rec.goto(f"{server.url}/list?job={job}&sort=password&page=-3")
    expect(rec.locator("[data-testid=list-problem]")).to_contain_text("Sort by one of")
    expect(rec.locator("[data-testid=list-range]")).to_have_text(f"Showing 1–50 of {N:,} applications")
    rec.goto(f"{server.url}/list?job=99999999")
    expect(rec.get_by_text("This job does not exist or is not your company's.")).to_be_visible()

    # Recruiters select: "select all on this page" brings up the bulk bar.
    rec.goto(f"{server.url}/list?job={job}")
    rec.locator("[data-testid=list-select-page]").click()
    expect(rec.locator("[data-testid=bulk-count]")).to_have_text("50 selected")
    rec.locator("[data-testid=list-select]").nth(2).click()
    expect(rec.locator("[data-testid=bulk-count]")).to_have_text("49 selected")

    # Live: a move made elsewhere shows in the open list without a reload.
    rec.goto(f"{server.url}/list?job={job}&sort=name&dir=desc")
    expect(rec.locator("[data-testid=list-name]").first).to_have_text("Lister 1999")
    expect(rec.locator("[data-testid=list-stage]").first).to_have_text("Applied")
    token = _token(server, "recruiter@acme.test")
    api(server, "PATCH", f"/api/applications/{ids['Lister 1999']}/stage?new_stage=Screening", None, token)
    expect(rec.locator("[data-testid=list-stage]").first).to_have_text("Screening")

    # The board and the list switch to each other.
    rec.locator("[data-testid=view-board]").click()
    rec.wait_for_url(re.compile(rf"/board\?job={job}$"))
    rec.locator("[data-testid=view-list]").click()
    rec.wait_for_url(re.compile(rf"/list\?job={job}$"))
    expect(rec.locator("[data-testid=list-table]")).to_be_visible()

    # A hiring manager reads the same list without selection.
    hm = new_page()
    sign_in(hm, server, "manager@acme.test", "/jobs")
    hm.goto(f"{server.url}/list?job={job}&tag=referral")
    expect(hm.locator("[data-testid=list-range]")).to_have_text("Showing 1–50 of 200 applications")
    expect(hm.locator("[data-testid=list-select]")).to_have_count(0)
    expect(hm.locator("[data-testid=list-select-page]")).to_have_count(0)
    assert ids["Lister 0000"]


def test_acting_from_the_application_page_and_walking_the_list(server, big_job, new_page):
    job, ids = big_job
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    rec.goto(f"{server.url}/list?job={job}&sort=name&q=lister 00")
    expect(rec.locator("[data-testid=list-range]")).to_have_text("Showing 1–50 of 100 applications")
    rec.locator("[data-testid=list-name]").nth(1).click()
    rec.wait_for_url(re.compile(r"/application\?"))
    expect(rec.locator("[data-testid=candidate-name]")).to_have_text("Lister 0001")
    expect(rec.locator("[data-testid=app-position]")).to_have_text("2 of 100 in the list")
    rec.locator("[data-testid=app-next]").click()
    expect(rec.locator("[data-testid=candidate-name]")).to_have_text("Lister 0002")
    rec.locator("body").press("j")
    expect(rec.locator("[data-testid=candidate-name]")).to_have_text("Lister 0003")
    rec.locator("body").press("k")
    expect(rec.locator("[data-testid=candidate-name]")).to_have_text("Lister 0002")
    expect(rec.locator("[data-testid=app-position]")).to_have_text("3 of 100 in the list")
    back = rec.locator("[data-testid=back-to-origin]")
    assert "q=lister+00" in back.get_attribute("href") and "sort=name" in back.get_attribute("href")

    # Advance, then undo from the toast: history keeps both rows, the stage is back.
    app_id = ids["Lister 0002"]
    rec.locator("[data-testid=act-advance]").click()
    expect(rec.locator("[data-testid=application-stage]")).to_have_text("Screening")
    rec.get_by_role("button", name="Undo").click()
    expect(rec.locator("[data-testid=application-stage]")).to_have_text("Applied")
    expect(rec.get_by_text("Undone: back in Applied.", exact=False)).to_be_visible()

    # Reject with a standard reason and a note.
    rec.locator("[data-testid=act-reject]").click()
    first_reason = rec.locator("[data-testid=act-reason] option").nth(1)
    reason = first_reason.inner_text()
    rec.locator("[data-testid=act-reason]").select_option(first_reason.get_attribute("value"))
    rec.locator("[data-testid=act-note-text]").fill("Chose another candidate")
    rec.locator("[data-testid=act-confirm-reject]").click()
    expect(rec.locator("[data-testid=application-stage]")).to_have_text("Rejected")
    expect(rec.locator("[data-testid=act-advance]")).to_have_count(0)
    history = api(
        server, "GET", f"/api/history/application/{app_id}", None, _token(server, "recruiter@acme.test")
    )
    assert [(h["kind"], h["new_stage"]) for h in history] == [
        ("applied", "Applied"),
        ("forward", "Screening"),
        ("undo", "Applied"),
        ("reject", "Rejected"),
    ]
    assert history[-1]["reason"] == reason

    # From the board's column: Previous / Next follow the column's order (newest move first);
    # Lister 0002 (rejected) and Lister 1999 (moved by the first test) have left it.
    rec.goto(f"{server.url}/application?id={ids['Lister 0005']}&from=board&job={job}&stage=Applied")
    expect(rec.locator("[data-testid=app-position]")).to_have_text(f"5 of {N - 2:,} in Applied")
    rec.locator("[data-testid=app-previous]").click()
    expect(rec.locator("[data-testid=candidate-name]")).to_have_text("Lister 0004")

    # Note focuses the note box; the hiring manager's page reads without acting.
    rec.locator("[data-testid=act-note]").click()
    expect(rec.locator("[data-testid=note-draft]")).to_be_focused()
    hm = new_page()
    sign_in(hm, server, "manager@acme.test", "/jobs")
    hm.goto(f"{server.url}/application?id={ids['Lister 0007']}&from=list&job={job}&sort=name")
    expect(hm.locator("[data-testid=act-read-only]")).to_be_visible()
    expect(hm.locator("[data-testid=act-advance]")).to_have_count(0)
    expect(hm.locator("[data-testid=app-position]")).to_have_text(f"8 of {N:,} in the list")


def test_screens_at_three_widths_and_axe(server, big_job, browser):
    job, ids = big_job
    for width, height in ((1440, 900), (1280, 720), (390, 844)):
        phone = width < 500
        ctx = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone
        )
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, server, "recruiter@acme.test", "/jobs")
        page.goto(f"{server.url}/list?job={job}&tag=referral&sort=name")
        page.locator("[data-testid=list-row]").first.wait_for()
        # The page never scrolls sideways; the table does, in its own box, the name column pinned.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        name = page.locator("[data-testid=list-name]").first
        expect(name).to_be_in_viewport()
        page.locator(".ft-list-scroll").evaluate("el => el.scrollLeft = el.scrollWidth")
        expect(name).to_be_in_viewport()
        toggle = page.locator("[data-testid=list-filters-toggle]")
        if phone:  # the filters fold behind a button that counts them
            expect(page.locator("[data-testid=list-filter-q]")).to_be_hidden()
            expect(toggle).to_have_text("Filters (1 on)")
            expect(toggle).to_have_attribute("aria-expanded", "false")
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            _shot(page, f"list-filters-{width}")
            assert violations(page) == [], (width, "filters")
            toggle.click()
        else:
            expect(toggle).to_be_hidden()
        expect(page.locator("[data-testid=list-filter-q]")).to_be_visible(visible=not phone)
        _shot(page, f"list-{width}")
        if width in (1280, 390):
            assert violations(page) == [], (width, "list")
        page.locator("[data-testid=list-select]").first.click()
        page.locator("[data-testid=bulk-count]").wait_for()
        _shot(page, f"list-selected-{width}")

        page.locator("[data-testid=list-name]").first.click()
        page.locator("[data-testid=act-bar]").wait_for()
        expect(page.locator("[data-testid=app-position]")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"application-{width}")
        if width in (1280, 390):
            assert violations(page) == [], (width, "application")
        page.locator("[data-testid=act-reject]").click()
        page.locator("[data-testid=act-confirm-reject]").wait_for()
        _shot(page, f"application-reject-{width}")
        if width in (1280, 390):
            assert violations(page) == [], (width, "reject dialog")
        page.keyboard.press("Escape")
        page.locator("[data-testid=act-move]").click()
        page.locator("[role=menu]").wait_for()
        _shot(page, f"application-move-{width}")
        ctx.close()
    assert ids
