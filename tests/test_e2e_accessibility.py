"""axe-core in Chromium on the pages and dialogs of accounts, profiles, applications and the team:
no critical or serious violation, at desktop and phone sizes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .axe_support import AXE, violations
from .e2e_server import running_app
from .e2e_support import sign_in

pytestmark = pytest.mark.e2e

SIZES = ((1280, 720), (390, 844))


@pytest.fixture(scope="module")
def server():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")
    with running_app("flowtrack-e2e-a11y-") as srv:
        yield srv


def check(page, what: str) -> None:
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        found = violations(page)
        assert found == [], f"{what} at {width}px: {found}"


@pytest.mark.parametrize(
    "path", ["/login", "/signup", "/company-signup", "/forgot-password", "/reset-password/not-a-real-link"]
)
def test_signed_out_pages(server, new_page, path):
    page = new_page()
    page.goto(server.url + path)
    page.locator("form, [data-testid=form-error], a").first.wait_for()
    check(page, path)


def test_candidate_pages(server, new_page):
    page = new_page()
    page.goto(server.url + "/signup")
    page.fill("#full_name", "Axel Access")
    page.fill("#email", "axel@example.com")
    page.fill("#password", "axel checks contrast")
    page.click("[data-testid=signup-submit]")
    page.wait_for_selector("[data-testid=sign-out]")
    page.goto(server.url + "/profile")
    page.locator("[data-testid=resume-dropzone]").wait_for()
    check(page, "profile")
    # The careers site is served as plain HTML (tests/test_e2e_careers.py checks each of its pages).
    page.goto(server.url + "/careers")
    page.get_by_role("link", name="Acme").click()
    page.locator("[data-testid=job-row] a").first.click()
    page.locator("#apply form").wait_for()
    check(page, "job page with its apply form")
    page.goto(server.url + "/account")
    page.locator("#current_password").wait_for()
    check(page, "account")


def test_staff_application_page_and_dialogs(server, new_page):
    page = new_page()
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    page.goto(server.url + "/application?id=3")
    page.locator("[data-testid=resume-page]").wait_for()
    check(page, "application page")
    page.click("[data-testid=schedule-interview]")
    page.get_by_role("dialog").wait_for()
    check(page, "schedule dialog")
    page.fill("#starts_at", "2031-03-04T10:00")
    page.fill("#location", "Room 2")
    page.get_by_role("dialog").get_by_text("Rita Recruiter").click()
    page.click("[data-testid=save-interview]")
    # As a person would: the dialog closes and the interview is listed before the next click (a
    # click sent while the save was still on its way once opened no scorecard under load).
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("[data-testid=interview]").filter(has_text="Room 2")).to_be_visible()
    page.click("[data-testid=open-scorecard]")
    page.get_by_role("dialog").get_by_text("Overall recommendation").wait_for()
    check(page, "scorecard dialog")


def test_pipeline_editor_reasons_and_move_dialogs(server, new_page):
    page = new_page()
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    page.click("[data-testid=new-job]")
    page.locator("[data-testid=pipeline-editor] [data-testid=stage-row]").first.wait_for()
    check(page, "job editor with its pipeline")
    page.keyboard.press("Escape")
    page.click("[data-testid=open-reasons]")
    page.locator("[data-testid=reasons-text]").wait_for()
    check(page, "rejection reasons dialog")
    page.keyboard.press("Escape")
    page.goto(server.url + "/board?job=1")
    first = page.locator('[data-testid="column-Applied"] [data-testid=card]').first
    first.locator("[data-testid=move-menu]").click()
    page.click("[data-testid=move-to-Rejected]")
    page.locator("[data-testid=reject-standard-reason]").wait_for()
    check(page, "reject dialog")


def test_tracker_withdraw_confirmation(server, new_page):
    page = new_page()
    sign_in(page, server, "alice@example.com", "/my-applications")
    page.goto(server.url + "/my-applications")
    page.locator("[data-testid=withdraw]").first.click()
    page.locator("[data-testid=confirm-withdraw]").wait_for()
    check(page, "withdraw confirmation")


def test_analytics_page(server, new_page):
    page = new_page()
    sign_in(page, server, "manager@acme.test")
    page.goto(server.url + "/analytics?job=")
    page.locator("[data-testid=analytics-funnel] svg").first.wait_for()
    check(page, "analytics")


def _settled_box(locator) -> dict:
    """The element's box once its opening animation has finished (two equal frames)."""
    last = None
    for _ in range(40):
        box = locator.bounding_box()
        if box is not None and box == last:
            return box
        last = box
        locator.page.wait_for_timeout(50)
    return last


def _dialog_fits_a_phone(page, what: str) -> None:
    dialog = page.locator("[role=dialog], [role=alertdialog]").last
    dialog.wait_for()
    box = _settled_box(dialog)
    assert box["x"] >= 0 and box["y"] >= 0, (what, box)
    assert box["x"] + box["width"] <= 390.5 and box["y"] + box["height"] <= 844.5, (what, box)
    # As shots_and_axe does: a toast (the sign-in's welcome) fading out over the dialog's backdrop
    # is measured half-transparent; a full run under load once failed on it.
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)
    assert violations(page) == [], what
    page.keyboard.press("Escape")
    expect(page.locator("[role=dialog], [role=alertdialog]")).to_have_count(0)


def test_every_dialog_fits_a_phone_with_touch(server, browser):
    """Each dialog of the staff and candidate pages, opened by touch at 390×844, is inside the
    screen (a bottom sheet) and axe-core clean."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, server, "recruiter@acme.test", "/jobs")
        page.locator("[data-testid=new-job]").wait_for()
        for opener, what in (
            ("[data-testid=new-job]", "job editor"),
            ("[data-testid=open-reasons]", "rejection reasons"),
            ("button:has-text('Invite')", "invitation"),
        ):
            page.locator(opener).first.tap()
            _dialog_fits_a_phone(page, what)
        page.goto(server.url + "/board?job=1")
        card = page.locator('[data-testid="column-Applied"] [data-testid=card]').first
        card.locator("[data-testid=card-timeline]").tap()
        page.locator("[data-testid=timeline]").wait_for()
        _dialog_fits_a_phone(page, "timeline")
        card.locator("[data-testid=move-menu]").tap()
        page.locator("[data-testid=move-to-Rejected]").tap()
        _dialog_fits_a_phone(page, "reject")
        page.goto(server.url + "/application?id=3")
        page.locator("[data-testid=schedule-interview]").tap()
        _dialog_fits_a_phone(page, "schedule interview")
        page.goto(server.url + "/talent")
        page.locator("[data-testid=pool-candidate]").first.wait_for()
        for opener in ("pool-tags", "pool-add", "pool-erase"):
            page.locator(f"[data-testid={opener}]").first.tap()
            _dialog_fits_a_phone(page, opener)
        page.locator("[data-testid=sign-out]").tap()
        sign_in(page, server, "alice@example.com", "/my-applications")
        page.goto(server.url + "/my-applications")
        page.locator("[data-testid=withdraw]").first.tap()
        _dialog_fits_a_phone(page, "withdraw")
        page.goto(server.url + "/account")
        page.locator("[data-testid=erase-account]").tap()
        _dialog_fits_a_phone(page, "erase account")
    finally:
        ctx.close()
