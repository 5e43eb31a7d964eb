"""In Chromium: a recruiter builds a job's pipeline from a template, drags a card through it,
undoes a mis-drop from the toast (the candidate is never emailed), moves a card back and
reopens a rejection with a reason; the candidate withdraws with a confirmation."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .e2e_support import api, api_answers, app_with_mail, card, drag, job_id, sign_in

pytestmark = pytest.mark.e2e

TITLE = "Motion Designer"
PASSWORD = "correct horse battery"


smtp, server = app_with_mail("flowtrack-e2e-pipelines-")


def _token(server, email: str, password: str) -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": password})["access_token"]


def _dialog_reason(page, text: str) -> None:
    page.locator("[data-testid=reject-reason]").fill(text)
    page.locator("[data-testid=confirm-reject]").click()


def test_pipeline_from_a_template_undo_reopen_and_withdraw(server, smtp, new_page):
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    rec.wait_for_url(re.compile(r"/jobs"))
    rec.locator("[data-testid=new-job]").click()
    rec.locator("[data-testid=job-title]").fill(TITLE)
    # Start from the company's Design template, then rename a stage and add one.
    design = rec.locator("[data-testid=pipeline-template] option", has_text="Design —").get_attribute("value")
    rec.locator("[data-testid=pipeline-template]").select_option(design)
    names = rec.locator("[data-testid=stage-name]")
    expect(names.nth(1)).to_have_value("Portfolio review")
    names.nth(3).fill("Final interview")
    names.nth(3).blur()
    # A new stage comes just before the offer, of the category of the stage before it (not offer).
    rec.locator("[data-testid=add-stage]").click()
    new_name = rec.locator("[data-testid=stage-name]").nth(4)
    expect(new_name).to_have_value("")
    row = rec.locator("[data-testid=stage-row]").nth(4)
    expect(row.locator("[data-testid=stage-category]")).to_have_value("interview")
    new_name.fill("References")
    new_name.blur()
    expect(rec.locator("[data-testid=stage-name]").nth(5)).to_have_value("Offer")
    rec.locator("[data-testid=job-save]").click()
    rec.get_by_text(f"Posted “{TITLE}”").wait_for()

    job = next(j for j in api(server, "GET", "/api/jobs/") if j["title"] == TITLE)
    assert [s["name"] for s in job["stages"]] == [
        "Applied", "Portfolio review", "Design exercise", "Final interview", "References", "Offer",
        "Hired", "Rejected", "Withdrawn",
    ]  # fmt: skip

    # A candidate applies (over the API: the candidate's form is tested elsewhere).
    api(
        server,
        "POST",
        "/api/auth/register",
        {"email": "mo@example.com", "password": PASSWORD, "full_name": "Mo Tion"},
    )
    cand_token = _token(server, "mo@example.com", PASSWORD)
    app = api(server, "POST", f"/api/applications/?job_id={job['id']}", None, cand_token)

    rec.goto(f"{server.url}/board?job={job['id']}")
    card(rec, "Applied", "Mo Tion").wait_for()
    # The final columns are slim drop targets at the board's edge; opened, they show their cards.
    for stage in ("Rejected", "Withdrawn"):
        rec.locator(f'[data-testid="column-{stage}"] [data-testid=fold-column]').click()
        expect(rec.locator(f'[data-testid="column-{stage}"]')).to_have_attribute("data-folded", "false")
    drag(rec, card(rec, "Applied", "Mo Tion"), "Portfolio review")
    card(rec, "Portfolio review", "Mo Tion").wait_for()

    # A mis-click on Reject: the dialog asks, then the toast offers Undo; the card comes back.
    card(rec, "Portfolio review", "Mo Tion").locator("[data-testid=move-menu]").click()
    rec.locator("[data-testid=move-to-Rejected]").click()
    rec.locator("[data-testid=reject-standard-reason]").select_option("Position filled")
    rec.locator("[data-testid=confirm-reject]").click()
    card(rec, "Rejected", "Mo Tion").wait_for()
    rec.locator("[data-sonner-toast]", has_text="Moved to Rejected").get_by_role(
        "button", name="Undo"
    ).click()
    card(rec, "Portfolio review", "Mo Tion").wait_for()
    rec.get_by_text("The candidate was not told").wait_for()

    # Moving back to Applied is a correction: the menu says so, and it needs a reason.
    card(rec, "Portfolio review", "Mo Tion").locator("[data-testid=move-menu]").click()
    back = rec.locator("[data-testid=move-to-Applied]")
    expect(back).to_have_text("Back to Applied")
    back.click()
    rec.locator("[data-testid=confirm-reject]").click()
    rec.get_by_text("a correction needs a reason").wait_for()
    _dialog_reason(rec, "Moved the wrong card")
    card(rec, "Applied", "Mo Tion").wait_for()

    # Forward again, reject for real, then reopen from the menu with a reason.
    card(rec, "Applied", "Mo Tion").locator("[data-testid=move-menu]").click()
    rec.locator('[data-testid="move-to-Portfolio review"]').click()
    card(rec, "Portfolio review", "Mo Tion").wait_for()
    expect(card(rec, "Portfolio review", "Mo Tion")).to_be_focused()  # focus follows the moved card
    card(rec, "Portfolio review", "Mo Tion").locator("[data-testid=move-menu]").click()
    rec.locator("[data-testid=move-to-Rejected]").click()
    rec.locator("[data-testid=confirm-reject]").click()
    card(rec, "Rejected", "Mo Tion").wait_for()
    # Its email leaves after the undo window (a reopen before that would cancel it, as it cancels
    # a knockout's held email): wait for it, so the reopen below reopens a told candidate.
    rejection = f"Your application for {TITLE} at Acme"
    deadline = time.time() + 40
    while time.time() < deadline:
        if any(m["To"] == "mo@example.com" and m["Subject"] == rejection for m in smtp.handler.messages):
            break
        time.sleep(0.5)
    card(rec, "Rejected", "Mo Tion").locator("[data-testid=move-menu]").click()
    reopen = rec.locator('[data-testid="move-to-Portfolio review"]')
    expect(reopen).to_have_text("Reopen to Portfolio review")
    reopen.click()
    _dialog_reason(rec, "Second look after the portfolio update")
    card(rec, "Portfolio review", "Mo Tion").wait_for()

    rec_token = _token(server, "recruiter@acme.test", "flowtrack-demo")
    kinds = [h["kind"] for h in api(server, "GET", f"/api/history/application/{app['id']}", None, rec_token)]
    assert kinds == ["applied", "forward", "reject", "undo", "back", "forward", "reject", "reopen"]

    # The candidate withdraws, after confirming.
    cand = new_page()
    sign_in_candidate(cand, server)
    mine = cand.locator(f'[data-testid=my-application][data-job="{TITLE}"]')
    # The reopening shows on her tracker once it can no longer be undone, without a reload.
    # She reads the stage by its public name (its category's), never the job's "Portfolio review".
    expect(mine.locator("[data-testid=current-stage]")).to_have_text("Screening", timeout=25_000)
    mine.locator("[data-testid=withdraw]").click()
    cand.locator("[data-testid=confirm-withdraw]").click()
    expect(mine.locator("[data-testid=current-stage]")).to_have_text("Withdrawn")
    expect(mine.locator("[data-testid=withdraw]")).to_have_count(0)
    card(rec, "Withdrawn", "Mo Tion").wait_for()  # live on the recruiter's board

    # The undone rejection never reached the candidate; the real one did, after its undo window
    # (awaited above). Forward moves email nobody by default (each stage chooses), and no email
    # names a stage by its internal name.
    subjects = [m["Subject"] for m in smtp.handler.messages if m["To"] == "mo@example.com"]
    assert subjects.count(f"Your application for {TITLE} at Acme") == 1, subjects  # one rejection only
    assert not [s for s in subjects if "Screening" in s or "Portfolio" in s], subjects


def sign_in_candidate(page, server) -> None:
    page.goto(server.url + "/login?next=/my-applications")
    page.fill("#email", "mo@example.com")
    page.fill("#password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=sign-out]")
    page.wait_for_url(re.compile(r"/my-applications"))


def test_a_manager_reads_the_funnel_and_changes_the_range(server, new_page):
    hm = new_page()
    sign_in(hm, server, "manager@acme.test")
    hm.click("[data-testid=nav-analytics]")
    hm.wait_for_url(re.compile(r"/analytics"))
    funnel = hm.locator("[data-testid=analytics-funnel]")
    funnel.locator("svg").first.wait_for()
    reached = [int(x) for x in funnel.locator("[data-testid=funnel-reached]").all_inner_texts()]
    assert len(reached) == 5 and reached[0] >= 40 and reached == sorted(reached, reverse=True)
    hm.locator("[data-testid=analytics-job]").select_option(label="Product Designer")
    expect(funnel.locator("[data-testid=funnel-reached]").first).to_have_text("13")
    # The demo's applications are older than 30 days: the short range is empty, and says so.
    hm.locator("[data-testid=analytics-range]").select_option("30")
    hm.get_by_text("No applications in this range").wait_for()
    hm.locator("[data-testid=analytics-range]").select_option("all")
    expect(funnel.locator("[data-testid=funnel-reached]").first).to_have_text("13")
    # Between two dates: a range that ends before it starts is refused in words.
    hm.locator("[data-testid=analytics-range]").select_option("custom")
    hm.locator("[data-testid=analytics-since]").fill("2026-12-31")
    hm.locator("[data-testid=analytics-until]").fill("2026-01-01")
    hm.get_by_text("must not be after its end").wait_for()
    hm.locator("[data-testid=analytics-since]").fill("2020-01-01")
    hm.locator("[data-testid=analytics-until]").fill("2099-12-31")
    expect(funnel.locator("[data-testid=funnel-reached]").first).to_have_text("13")
    with hm.expect_download() as download:
        hm.click("[data-testid=analytics-csv]")
    text = open(download.value.path(), encoding="utf-8").read()
    assert "funnel_reached,,applied,13" in text


def test_the_board_dims_illegal_columns_folds_final_ones_and_says_when_nothing_matches(server, new_page):
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    jid = job_id(server, "Customer Success Manager")
    rec.goto(f"{server.url}/board?job={jid}")
    source = rec.locator('[data-testid="column-Screening"] [data-testid=card]').first
    source.wait_for()
    box = source.bounding_box()
    rec.mouse.move(box["x"] + box["width"] / 2, box["y"] + 15)
    rec.mouse.down()
    rec.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + 40, steps=8)
    legal = rec.locator("[data-column-stage][data-legal]")
    expect(legal.first).to_be_attached()
    marks = {c.get_attribute("data-column-stage"): c.get_attribute("data-legal") for c in legal.all()}
    # Interview is next, Offer a skip past it; Hired only from Offer.
    assert marks["Screening"] == marks["Interview"] == marks["Offer"] == marks["Rejected"] == "true"
    assert marks["Applied"] == "true"
    assert marks["Hired"] == marks["Withdrawn"] == "false"
    rec.mouse.move(box["x"] + box["width"] / 2, box["y"] + 15, steps=8)
    rec.mouse.up()
    expect(rec.locator("[data-column-stage][data-legal]")).to_have_count(0)

    # A final column is a slim drop target at first; it opens to show its cards, and folds again.
    rejected = rec.locator('[data-testid="column-Rejected"]')
    expect(rejected.locator("[data-testid=card]")).to_have_count(0)
    assert rejected.bounding_box()["width"] < 120
    rejected.locator("[data-testid=fold-column]").click()
    expect(rejected.locator("[data-testid=card]").first).to_be_visible()
    assert rejected.bounding_box()["width"] > 200
    rejected.locator("[data-testid=fold-column]").click()
    expect(rejected.locator("[data-testid=card]")).to_have_count(0)

    rec.locator("[data-testid=board-search]").fill("zz-nobody-has-this")
    rec.get_by_text("No application matches “zz-nobody-has-this”").wait_for()
    expect(rec.get_by_text("0 applications matching")).to_be_visible()


# Sampled every animation frame from the mouse release: in which columns the card is visible.
FRAMES_JS = """([id]) => {
  window.__frames = [];
  const where = () => [...document.querySelectorAll(`[data-card-id="${id}"]`)]
    .filter((el) => getComputedStyle(el).visibility !== "hidden" && el.dataset.dragging !== "true")
    .map((el) => (el.closest("[data-column-stage]") || {dataset: {}}).dataset.columnStage);
  window.addEventListener("pointerup", () => {  // before the mouseup the board acts on
    const t0 = performance.now();
    const sample = () => {
      window.__frames.push([performance.now() - t0, where()]);
      if (performance.now() - t0 < 1500) requestAnimationFrame(sample);
    };
    sample();
  }, {capture: true, once: true});
}"""


def test_a_drop_is_drawn_at_the_release_and_never_flickers_back(server, new_page):
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    jid = job_id(server, "Senior Backend Engineer")
    rec.goto(f"{server.url}/board?job={jid}")
    source = rec.locator('[data-testid="column-Applied"] [data-testid=card]').first
    source.wait_for()
    name, app_id = source.get_attribute("data-name"), source.get_attribute("data-card-id")
    rec.evaluate(FRAMES_JS, [app_id])
    drag(rec, source, "Screening")
    rec.wait_for_function("window.__frames.length && window.__frames.at(-1)[0] >= 1500")
    frames = rec.evaluate("window.__frames")
    assert len(frames) > 20
    # frames[0] is taken at the pointer release itself, while the card is still the dragged copy;
    # from the first animation frame on, the card is drawn in Screening and only there.
    assert frames[0][1] in ([], ["Screening"]), frames[:3]
    assert all(columns == ["Screening"] for _, columns in frames[1:]), frames[:5]
    card(rec, "Screening", name).wait_for()
    expect(card(rec, "Screening", name)).to_have_attribute("data-pending", "false")  # confirmed
    rec_token = api(
        server, "POST", "/api/auth/login", {"email": "recruiter@acme.test", "password": "flowtrack-demo"}
    )
    history = api(server, "GET", f"/api/history/application/{app_id}", None, rec_token["access_token"])
    assert history[-1]["new_stage"] == "Screening"


def _applicant(server, email: str, name: str, job: int) -> int:
    """A new candidate's application to a job, made over the API; its id."""
    api(server, "POST", "/api/auth/register", {"email": email, "password": PASSWORD, "full_name": name})
    token = _token(server, email, PASSWORD)
    return api(server, "POST", f"/api/applications/?job_id={job}", api_answers(server, job), token)["id"]


def _pick_up(page) -> None:
    """Space on the focused card, then wait as a person would until it is seen lifted over its column."""
    page.keyboard.press("Space")
    expect(page.locator('[data-column-stage="Hired"]')).to_have_attribute("data-legal", "false")
    expect(page.locator('[data-testid="column-Applied"] [data-over="true"]')).to_have_count(1)
    page.wait_for_timeout(100)


def _recruiter_on_board_of_new_applicant(server, page, email: str, name: str) -> int:
    """A new application to Senior Backend Engineer; the recruiter's page shows its board. Its id."""
    jid = job_id(server, "Senior Backend Engineer")
    app_id = _applicant(server, email, name, jid)
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    page.goto(f"{server.url}/board?job={jid}")
    card(page, "Applied", name).wait_for()
    return app_id


def test_the_keyboard_moves_a_card_a_column_at_a_time_and_keeps_the_focus(server, new_page):
    rec = new_page()
    app_id = _recruiter_on_board_of_new_applicant(server, rec, "kim.keys@example.com", "Kim Keys")
    kim = card(rec, "Applied", "Kim Keys")
    # Enter on the card's own controls does what they do, and picks nothing up.
    kim.locator("[data-testid=move-menu]").focus()
    rec.keyboard.press("Enter")
    expect(rec.get_by_role("menuitem", name="Open timeline")).to_be_visible()
    expect(rec.locator("[data-column-stage][data-legal]")).to_have_count(0)
    # The menu takes the focus once it has opened; only then does Escape reach it.
    expect(rec.get_by_role("menuitem").first).to_be_focused()
    rec.keyboard.press("Escape")
    expect(rec.get_by_role("menu")).to_have_count(0)
    kim.locator("[data-testid=card-timeline]").focus()
    rec.keyboard.press("Enter")
    expect(rec.get_by_role("dialog")).to_contain_text("Kim Keys")
    expect(rec.get_by_role("dialog").get_by_role("button", name="Close")).to_be_focused()
    rec.keyboard.press("Escape")
    expect(rec.get_by_role("dialog")).to_have_count(0)
    kim.focus()
    expect(kim).to_have_attribute("aria-roledescription", "draggable card")
    # Space picks the card up (the legal columns are marked), an arrow chooses, escape cancels.
    _pick_up(rec)
    rec.keyboard.press("ArrowRight")
    expect(rec.locator('[data-testid="column-Screening"] [data-over="true"]')).to_have_count(1)
    rec.keyboard.press("Escape")
    expect(rec.locator("[data-column-stage][data-legal]")).to_have_count(0)
    expect(kim).to_be_visible()
    # Space, right, space: moved to Screening, and the focus stays on the card.
    kim.focus()
    _pick_up(rec)
    rec.keyboard.press("ArrowRight")
    expect(rec.locator('[data-testid="column-Screening"] [data-over="true"]')).to_have_count(1)
    rec.keyboard.press("Space")
    moved = card(rec, "Screening", "Kim Keys")
    expect(moved).to_have_attribute("data-pending", "false")
    expect(moved).to_be_focused()
    rec.get_by_text("Moved to Screening").first.wait_for()
    token = _token(server, "recruiter@acme.test", "flowtrack-demo")
    assert (
        api(server, "GET", f"/api/history/application/{app_id}", None, token)[-1]["new_stage"] == "Screening"
    )


def test_a_drop_the_server_refuses_puts_the_card_back_with_the_reason(server, new_page):
    rec = new_page()
    app_id = _recruiter_on_board_of_new_applicant(server, rec, "ray.fused@example.com", "Ray Fused")
    ray = card(rec, "Applied", "Ray Fused")
    # A stale page believes Applied → Hired is allowed: the drop is drawn there at once, the
    # server refuses, and the card goes back to Applied with the allowed moves named.
    ray.evaluate("el => { el.dataset.allowed = el.dataset.allowed + '|Hired'; }")
    rec.evaluate(FRAMES_JS, [str(app_id)])
    drag(rec, ray, "Hired")
    rec.get_by_text(re.compile("allowed next stages: Screening, Interview, Offer, Rejected")).wait_for()
    rec.wait_for_function("window.__frames.length && window.__frames.at(-1)[0] >= 1500")
    seen = [columns for _, columns in rec.evaluate("window.__frames")[1:]]
    assert seen[0] == ["Hired"], seen[:3]  # drawn where it was dropped first
    assert seen[-1] == ["Applied"], seen[-3:]  # then back where the server keeps it
    assert all(columns in (["Hired"], ["Applied"]) for columns in seen), seen
    expect(card(rec, "Applied", "Ray Fused")).to_have_attribute("data-pending", "false")
    token = _token(server, "recruiter@acme.test", "flowtrack-demo")
    assert [
        h["new_stage"] for h in api(server, "GET", f"/api/history/application/{app_id}", None, token)
    ] == ["Applied"]


def test_a_referral_skips_from_applied_to_interview(server, new_page):
    rec = new_page()
    app_id = _recruiter_on_board_of_new_applicant(server, rec, "rita.referral@example.com", "Rita Referral")
    rita = card(rec, "Applied", "Rita Referral")
    # The card's menu names the later stages as skips (the next one stays a plain move).
    rita.locator("[data-testid=move-menu]").click()
    expect(rec.get_by_role("menuitem", name="Skip to Interview")).to_be_visible()
    expect(rec.get_by_role("menuitem", name="Skip to Offer")).to_be_visible()
    expect(rec.get_by_role("menuitem", name="Screening", exact=True)).to_be_visible()
    expect(rec.get_by_role("menuitem", name=re.compile("Hired"))).to_have_count(0)
    rec.keyboard.press("Escape")
    # A drop on Interview moves it there at once, no dialog; the history row says what was skipped.
    drag(rec, rita, "Interview")
    expect(card(rec, "Interview", "Rita Referral")).to_have_attribute("data-pending", "false")
    rec.get_by_text("Moved to Interview").first.wait_for()
    token = _token(server, "recruiter@acme.test", "flowtrack-demo")
    last = api(server, "GET", f"/api/history/application/{app_id}", None, token)[-1]
    assert (last["kind"], last["old_stage"], last["new_stage"]) == ("skip", "Applied", "Interview")
    assert last["note"] == "Skipped Screening."
    card(rec, "Interview", "Rita Referral").locator("[data-testid=card-timeline]").click()
    expect(rec.get_by_role("dialog").get_by_test_id("history-kind").first).to_have_text("Skipped ahead")


def test_a_long_press_drags_a_card_on_a_touch_screen(server, browser):
    ctx = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = ctx.new_page()
    app_id = _recruiter_on_board_of_new_applicant(server, page, "tess.touch@example.com", "Tess Touch")
    tess = card(page, "Applied", "Tess Touch")
    s = tess.bounding_box()
    t = page.locator('[data-testid="column-Screening"]').bounding_box()
    cdp = ctx.new_cdp_session(page)

    def touch(kind: str, x: float = 0, y: float = 0) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    x, y = s["x"] + s["width"] / 2, s["y"] + 20
    tx, ty = t["x"] + t["width"] / 2, t["y"] + 60
    touch("touchStart", x, y)
    page.wait_for_timeout(350)  # held still: a press, not a scroll
    for i in range(1, 16):
        touch("touchMove", x + (tx - x) * i / 15, y + (ty - y) * i / 15)
        page.wait_for_timeout(16)
    expect(page.locator('[data-testid="column-Screening"] [data-over="true"]')).to_have_count(1)
    touch("touchEnd")
    expect(card(page, "Screening", "Tess Touch")).to_have_attribute("data-pending", "false")
    token = _token(server, "recruiter@acme.test", "flowtrack-demo")
    history = api(server, "GET", f"/api/history/application/{app_id}", None, token)
    assert history[-1]["new_stage"] == "Screening"
    ctx.close()


def test_dragging_to_the_edge_scrolls_the_board_not_the_page(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    page.goto(f"{server.url}/board?job={job_id(server, 'Senior Backend Engineer')}")
    source = page.locator('[data-testid="column-Interview"] [data-testid=card]').first
    source.wait_for()
    board = page.locator("[data-testid=board-scroll]")
    # The later stages in progress are off to the right, inside the board's scrolling part.
    assert board.evaluate("el => el.scrollWidth > el.clientWidth")
    assert board.evaluate("el => el.scrollLeft") == 0
    edge = board.bounding_box()
    s = source.bounding_box()
    page.mouse.move(s["x"] + s["width"] / 2, s["y"] + 15)
    page.mouse.down()
    page.mouse.move(s["x"] + s["width"] / 2 + 20, s["y"] + 30, steps=5)
    page.mouse.move(edge["x"] + edge["width"] - 8, s["y"] + 40, steps=15)
    page.wait_for_function("document.querySelector('[data-testid=board-scroll]').scrollLeft > 100")
    assert page.evaluate("window.scrollX") == 0
    page.keyboard.press("Escape")  # nothing moves
    page.mouse.up()
    expect(page.locator("[data-column-stage][data-legal]")).to_have_count(0)
    expect(page.locator('[data-testid="column-Interview"] [data-testid=card]').first).to_be_visible()
    ctx.close()


def test_the_board_fits_laptops_and_shows_one_column_at_a_time_on_a_phone(server, browser):
    from .axe_support import violations

    jid = job_id(server, "Senior Backend Engineer")
    for width, height in ((1440, 900), (1280, 720)):
        ctx = browser.new_context(viewport={"width": width, "height": height})
        page = ctx.new_page()
        sign_in(page, server, "recruiter@acme.test", "/jobs")
        page.goto(f"{server.url}/board?job={jid}")
        page.locator("[data-testid=card]").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways page scroll
        expect(page.locator("[data-testid=stage-tabs]")).to_be_hidden()
        assert violations(page) == [], width
        ctx.close()

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    page.goto(f"{server.url}/board?job={jid}")
    page.locator("[data-testid=stage-tab]").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    in_progress = page.locator("[data-testid=board-scroll] [data-column-stage]:visible")
    expect(in_progress).to_have_count(1)
    # Beside it, the final stages stay in reach as slim drop targets.
    expect(page.locator("[data-testid=final-columns] [data-column-stage]:visible")).to_have_count(3)
    page.locator("[data-testid=stage-tab]", has_text="Offer").tap()
    offer = page.locator('[data-testid="column-Offer"]')
    expect(offer).to_be_visible()
    expect(in_progress).to_have_count(1)
    assert offer.bounding_box()["width"] > 240  # the column takes the width beside the final stages
    assert violations(page) == []
    # The ⋮ menu is the way to move on a phone; its dialog is a bottom sheet inside the screen.
    offer.locator("[data-testid=move-menu]").first.tap()
    page.locator("[data-testid=move-to-Rejected]").tap()
    sheet = page.get_by_role("dialog")
    page.locator("[data-testid=reject-standard-reason]").wait_for()
    page.wait_for_timeout(400)  # the sheet's opening animation
    box = sheet.bounding_box()
    assert (
        box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844
    )
    assert box["y"] + box["height"] >= 840  # anchored to the bottom edge
    assert violations(page) == []
    ctx.close()
