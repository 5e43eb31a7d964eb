"""In Chromium: the board acts on many cards and from the keyboard. Thirty applicants selected with
a shift-click are rejected with the email held for two days (thirty history rows, thirty held
emails) and one Undo restores them all; a bulk move names the cards it could not move; a column is
triaged with j, k, x, a, r and ?; the final columns are in reach and take drops at 1280×720; a
hiring manager's board says it is read-only; the bar and each dialog are axe-clean."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .axe_support import violations
from .e2e_support import api, card, drag, job_id, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
SHOTS = Path("/tmp/flowtrack-bulk-shots")


@pytest.fixture(scope="module")
def server():
    from .e2e_server import running_app

    with running_app("flowtrack-e2e-bulk-") as srv:
        yield srv


def _token(server, email: str, password: str = "flowtrack-demo") -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": password})["access_token"]


def _job(server, title: str) -> int:
    """A new published job of Acme with the default pipeline and no questions."""
    token = _token(server, "recruiter@acme.test")
    return api(server, "POST", "/api/jobs/", {"title": title, "location": "Remote"}, token)["id"]


def _applicants(server, job: int, prefix: str, n: int) -> list[tuple[int, str]]:
    """n new candidates applying to the job over the API: [(application id, name)] in applying order."""
    made = []
    for i in range(n):
        email, name = f"{prefix.lower()}{i:02d}@example.com", f"{prefix} {i:02d}"
        api(server, "POST", "/api/auth/register", {"email": email, "password": PASSWORD, "full_name": name})
        app = api(server, "POST", f"/api/applications/?job_id={job}", {}, _token(server, email, PASSWORD))
        made.append((app["id"], name))
    return made


def _db(server) -> sqlite3.Connection:
    return sqlite3.connect(server.data_dir / "flowtrack.db")


def _stages(server, ids: list[int]) -> dict[int, str]:
    token = _token(server, "recruiter@acme.test")
    return {i: api(server, "GET", f"/api/history/application/{i}", None, token)[-1]["new_stage"] for i in ids}


def _board(page, server, job: int) -> None:
    page.goto(f"{server.url}/board?job={job}")
    page.locator("[data-testid=card]").first.wait_for()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_thirty_rejected_with_a_shift_click_held_two_days_and_one_undo(server, new_page):
    job = _job(server, "Bulk Reject Analyst")
    made = _applicants(server, job, "Rex", 30)
    ids = [i for i, _ in made]
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    _board(rec, server, job)
    applied = rec.locator('[data-testid="column-Applied"]')
    applied.locator("[data-testid=show-more]").click()
    expect(applied.locator("[data-testid=card]")).to_have_count(30)

    boxes = applied.locator("[data-testid=card-select]")
    boxes.first.click()
    boxes.nth(29).click(modifiers=["Shift"])
    expect(rec.locator("[data-testid=bulk-count]")).to_have_text("30 selected")
    expect(applied.locator('[data-testid=card][data-selected="true"]')).to_have_count(30)

    rec.locator("[data-testid=bulk-reject]").click()
    dialog = rec.get_by_role("dialog")
    expect(dialog).to_contain_text("Reject 30 applications?")
    rec.locator("[data-testid=bulk-reason]").select_option("Position filled")
    rec.locator("[data-testid=bulk-note]").fill("Role closed early")
    rec.locator("[data-testid=when-2d]").check()
    rec.locator("[data-testid=bulk-confirm-reject]").click()
    expect(rec.locator("[data-testid=bulk-summary]")).to_contain_text("30 applications rejected")
    expect(rec.locator('[data-testid="column-Rejected"] [data-testid=column-count]')).to_have_text("30")
    expect(applied.locator("[data-testid=card]")).to_have_count(0)

    with _db(server) as con:
        marks = ",".join("?" * len(ids))
        rows = con.execute(
            f"SELECT h.application_id, h.kind FROM application_history h WHERE h.application_id IN ({marks}) "
            "AND h.kind = 'reject'",
            ids,
        ).fetchall()
        held = con.execute(
            "SELECT e.application_id, e.next_attempt_at, e.sent_at, e.cancelled_at FROM email_outbox e "
            f"JOIN application_history h ON h.id = e.history_id WHERE h.application_id IN ({marks}) "
            "AND h.kind = 'reject'",
            ids,
        ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(ids)
    assert sorted(r[0] for r in held) == sorted(ids)
    soon = datetime.now(UTC) + timedelta(days=2) - timedelta(minutes=10)
    for _, due, sent, cancelled in held:
        assert sent is None and cancelled is None
        assert datetime.fromisoformat(due).replace(tzinfo=UTC) > soon  # held for two days

    # One toast, one Undo: all thirty back in Applied, their emails cancelled.
    toasts = rec.locator("[data-sonner-toast]", has_text="30 applications rejected")
    expect(toasts).to_have_count(1)
    toasts.get_by_role("button", name="Undo").click()
    expect(applied.locator("[data-testid=card]")).to_have_count(30)
    expect(rec.locator('[data-testid="column-Applied"] [data-testid=column-count]')).to_have_text("30")
    assert set(_stages(server, ids).values()) == {"Applied"}
    with _db(server) as con:
        cancelled = con.execute(
            "SELECT COUNT(*) FROM email_outbox e JOIN application_history h ON h.id = e.history_id "
            f"WHERE h.application_id IN ({marks}) AND h.kind = 'reject' "
            "AND e.cancelled_at IS NOT NULL AND e.sent_at IS NULL",
            ids,
        ).fetchone()[0]
    assert cancelled == 30


def test_a_bulk_move_names_the_cards_it_could_not_move(server, new_page):
    job = _job(server, "Bulk Move Planner")
    made = _applicants(server, job, "Mia", 5)
    token = _token(server, "recruiter@acme.test")
    for app_id, _ in made[3:]:
        api(server, "PATCH", f"/api/applications/{app_id}/stage?new_stage=Screening", None, token)
        api(server, "PATCH", f"/api/applications/{app_id}/stage?new_stage=Offer", None, token)
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    _board(rec, server, job)
    for stage in ("Applied", "Offer"):
        rec.locator(f'[data-testid="column-{stage}"] [data-testid=select-column]').click()
    expect(rec.locator("[data-testid=bulk-count]")).to_have_text("5 selected")
    rec.locator("[data-testid=bulk-move]").click()
    rec.locator("[data-testid=bulk-move-to-Hired]").click()
    expect(rec.locator("[data-testid=bulk-summary]")).to_have_text("2 applications moved to Hired;")
    expect(rec.locator("[data-testid=bulk-failed-heading]")).to_have_text("3 not moved:")
    failures = rec.locator("[data-testid=bulk-failure]")
    expect(failures).to_have_count(3)
    for _, name in made[:3]:
        expect(failures.filter(has_text=name)).to_have_count(1)
    expect(failures.first).to_contain_text("Screening")  # the core's reason names the allowed moves
    # The refused stay selected for another try; the moved are in Hired.
    expect(rec.locator("[data-testid=bulk-count]")).to_have_text("3 selected")
    expect(rec.locator('[data-testid="column-Hired"] [data-testid=column-count]')).to_have_text("2")
    stages = _stages(server, [i for i, _ in made])
    assert [stages[i] for i, _ in made] == ["Applied", "Applied", "Applied", "Hired", "Hired"]


def test_keyboard_only_triage_of_a_column(server, new_page):
    job = _job(server, "Keyboard Triage Clerk")
    ids = dict((name, i) for i, name in _applicants(server, job, "Kai", 3))
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    _board(rec, server, job)
    applied = rec.locator('[data-testid="column-Applied"] [data-testid=card]')
    names = [applied.nth(i).get_attribute("data-name") for i in range(3)]  # the board's order
    announcer = rec.locator("#board-announcer")
    rec.locator("body").click(position={"x": 5, "y": 5})

    rec.keyboard.press("j")
    first = card(rec, "Applied", names[0])
    expect(first).to_be_focused()
    expect(announcer).to_have_text(f"{names[0]}, Applied, 1 of 3")
    rec.keyboard.press("j")
    expect(card(rec, "Applied", names[1])).to_be_focused()
    rec.keyboard.press("k")
    expect(first).to_be_focused()

    # x selects the focused card (and again deselects it); a advances it (the focus follows it).
    rec.keyboard.press("x")
    expect(rec.locator("[data-testid=bulk-count]")).to_have_text("1 selected")
    expect(first.locator("[data-testid=card-select]")).to_be_checked()
    rec.keyboard.press("x")
    expect(rec.locator("[data-testid=bulk-count]")).to_have_count(0)
    rec.keyboard.press("a")
    moved = card(rec, "Screening", names[0])
    expect(moved).to_be_focused()
    assert _stages(server, [ids[names[0]]])[ids[names[0]]] == "Screening"

    # r on the focused card: the reject dialog, for that card; "don't email".
    rec.keyboard.press("r")
    dialog = rec.get_by_role("dialog")
    expect(dialog).to_contain_text("Reject 1 application?")
    rec.keyboard.press("j")  # no shortcut while a dialog is open
    expect(dialog).to_be_visible()
    expect(moved).to_be_visible()
    rec.locator("[data-testid=when-never]").check()
    rec.locator("[data-testid=bulk-confirm-reject]").click()
    expect(rec.locator("[data-testid=bulk-summary]")).to_contain_text("1 application rejected")
    assert _stages(server, [ids[names[0]]])[ids[names[0]]] == "Rejected"
    with _db(server) as con:
        emails = con.execute(
            "SELECT COUNT(*) FROM email_outbox e JOIN application_history h ON h.id = e.history_id "
            "WHERE h.application_id = ? AND h.kind = 'reject' AND e.cancelled_at IS NULL",
            (ids[names[0]],),
        ).fetchone()[0]
    assert emails == 0  # "don't email": no rejection email will leave

    # / goes to the search; letters typed there are text, not shortcuts.
    expect(rec.get_by_role("dialog")).to_have_count(0)
    rec.locator("body").click(position={"x": 5, "y": 5})
    rec.keyboard.press("/")
    search = rec.locator("input[data-testid=board-search], [data-testid=board-search] input").first
    expect(search).to_be_focused()
    rec.keyboard.type("jk")
    expect(search).to_have_value("jk")
    search.fill("")
    expect(applied).to_have_count(2)
    rec.locator("body").click(position={"x": 5, "y": 5})

    # ? lists the shortcuts in a dialog; Escape closes it.
    rec.keyboard.press("?")
    sheet = rec.get_by_role("dialog")
    expect(sheet).to_contain_text("Keyboard shortcuts")
    expect(sheet.get_by_role("rowheader")).to_have_count(10)
    expect(sheet).to_contain_text("Email the card's candidate")
    rec.keyboard.press("Escape")
    expect(rec.get_by_role("dialog")).to_have_count(0)

    # o opens the focused card's application page.
    rec.keyboard.press("j")
    expect(card(rec, "Applied", names[1])).to_be_focused()
    rec.keyboard.press("o")
    rec.wait_for_url(re.compile(rf"/application\?id={ids[names[1]]}&from=board&"))

    # n opens it at the note box, ready to type.
    rec.go_back()
    expect(applied).to_have_count(2)
    rec.locator("body").click(position={"x": 5, "y": 5})
    rec.keyboard.press("j")
    expect(card(rec, "Applied", names[1])).to_be_focused()
    rec.keyboard.press("n")
    rec.wait_for_url(re.compile(rf"/application\?id={ids[names[1]]}&from=board&"))
    expect(rec.locator("[data-testid=note-draft]")).to_be_focused()
    rec.keyboard.type("Strong portfolio")
    expect(rec.locator("[data-testid=note-draft]")).to_have_value("Strong portfolio")


def test_final_columns_are_in_reach_and_take_drops_at_1280(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    job = _job(server, "Final Columns Tester")
    made = _applicants(server, job, "Fin", 2)
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    # A long pipeline's board: the final columns stay on screen, the page never scrolls sideways.
    page.goto(f"{server.url}/board?job={job_id(server, 'Senior Backend Engineer')}")
    page.locator("[data-testid=card]").first.wait_for()
    for stage in ("Hired", "Rejected", "Withdrawn"):
        box = page.locator(f'[data-testid="column-{stage}"]').bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280 and box["y"] < 720, (stage, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    _shot(page, "board-1280")

    _board(page, server, job)
    # A drop on Rejected: the dialog asks, the card lands there.
    drag(page, card(page, "Applied", made[0][1]), "Rejected")
    page.locator("[data-testid=confirm-reject]").click()
    expect(page.locator('[data-testid="column-Rejected"] [data-testid=column-count]')).to_have_text("1")
    # A drop on Withdrawn, which only the candidate reaches: refused in words, the card stays.
    # (Passing the edge of the stages in progress may have scrolled them a little: back to the start.)
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.wait_for_timeout(300)  # the dialog's closing lets the page take the pointer again
    page.evaluate("document.querySelector('[data-testid=board-scroll]').scrollLeft = 0")
    drag(page, card(page, "Applied", made[1][1]), "Withdrawn")
    expect(page.locator("[data-sonner-toast]", has_text="allowed next stages")).to_have_count(1)
    expect(card(page, "Applied", made[1][1])).to_be_visible()
    assert page.evaluate("[window.scrollX, window.scrollY]") == [0, 0]  # the page never scrolled
    ctx.close()


def test_final_columns_on_a_phone_take_a_touch_drop(server, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    job = _job(server, "Phone Drop Tester")
    made = _applicants(server, job, "Pho", 1)
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    _board(page, server, job)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    hired = page.locator('[data-testid="column-Hired"]')
    rejected = page.locator('[data-testid="column-Rejected"]')
    for target in (hired, rejected, page.locator('[data-testid="column-Withdrawn"]')):
        box = target.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    _shot(page, "board-390")
    source = card(page, "Applied", made[0][1])
    s, t = source.bounding_box(), rejected.bounding_box()
    cdp = ctx.new_cdp_session(page)

    def touch(kind: str, x: float = 0, y: float = 0) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    x, y = s["x"] + s["width"] / 2, s["y"] + 20
    tx, ty = t["x"] + t["width"] / 2, t["y"] + 40
    touch("touchStart", x, y)
    page.wait_for_timeout(350)
    for i in range(1, 16):
        touch("touchMove", x + (tx - x) * i / 15, y + (ty - y) * i / 15)
        page.wait_for_timeout(16)
    expect(page.locator('[data-testid="column-Rejected"] [data-over="true"]')).to_have_count(1)
    touch("touchEnd")
    page.locator("[data-testid=confirm-reject]").click()
    expect(rejected.locator("[data-testid=column-count]")).to_have_text("1")
    ctx.close()


def test_a_hiring_managers_board_says_it_is_read_only(server, new_page):
    hm = new_page()
    sign_in(hm, server, "manager@acme.test")
    hm.goto(f"{server.url}/board?job={job_id(server, 'Senior Backend Engineer')}")
    hm.locator("[data-testid=card]").first.wait_for()
    expect(hm.locator("[data-testid=board-read-only]")).to_contain_text("Read-only")
    expect(hm.get_by_text("Drag a card")).to_have_count(0)
    expect(hm.locator("[data-testid=card-select]")).to_have_count(0)
    expect(hm.locator("[data-testid=select-column]")).to_have_count(0)
    expect(hm.locator("[data-testid=bulk-bar]")).to_have_count(0)
    # j focuses a card, x does nothing for them, the name opens the application.
    hm.locator("body").click(position={"x": 5, "y": 5})
    hm.keyboard.press("j")
    first = hm.locator("[data-testid=card]").first
    expect(first).to_be_focused()
    hm.keyboard.press("x")
    expect(hm.locator("#board-announcer")).to_have_text("This board is read-only for you.")
    first.locator("[data-testid=card-name]").click()
    hm.wait_for_url(re.compile(r"/application\?id=\d+"))


def test_the_bulk_bar_and_its_dialogs_at_three_widths_and_axe(server, browser):
    job = _job(server, "Bulk Screens Designer")
    _applicants(server, job, "Ava", 4)
    for width, height in ((1440, 900), (1280, 720), (390, 844)):
        phone = width < 500
        ctx = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone
        )
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, server, "recruiter@acme.test", "/jobs")
        _board(page, server, job)
        page.locator('[data-testid="column-Applied"] [data-testid=select-column]').click()
        bar = page.locator("[data-testid=bulk-bar]")
        expect(page.locator("[data-testid=bulk-count]")).to_have_text("4 selected")
        box = bar.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["y"] + box["height"] <= height + 1  # sticky: in view at the bottom
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"bulk-bar-{width}")
        checks = width in (1280, 390)
        if checks:
            assert violations(page) == [], (width, "bar")
        for opener, what in (
            ("bulk-reject", "reject"),
            ("bulk-tag", "tag"),
            ("bulk-add", "add"),
        ):
            page.locator(f"[data-testid={opener}]").click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            page.wait_for_timeout(400)  # the opening animation
            d = dialog.bounding_box()
            assert d["x"] >= 0 and d["x"] + d["width"] <= width and d["y"] + d["height"] <= height + 1, what
            _shot(page, f"{what}-{width}")
            if checks:
                assert violations(page) == [], (width, what)
            page.keyboard.press("Escape")
            expect(page.get_by_role("dialog")).to_have_count(0)
        page.locator("[data-testid=open-shortcuts]").click()
        expect(page.get_by_role("dialog")).to_contain_text("Keyboard shortcuts")
        page.wait_for_timeout(400)
        _shot(page, f"help-{width}")
        if checks:
            assert violations(page) == [], (width, "help")
        page.keyboard.press("Escape")
        # The tag dialog suggests the company's tags, and tags all four.
        page.locator("[data-testid=bulk-tag]").click()
        page.locator("[data-testid=bulk-tags]").fill("Bulk-" + str(width))
        page.locator("[data-testid=bulk-confirm-tag]").click()
        expect(page.locator("[data-testid=bulk-summary]")).to_contain_text("4 applications tagged")
        expect(page.locator("[data-testid=card-tag]", has_text="Bulk-" + str(width))).to_have_count(4)
        ctx.close()
