"""In Chromium: a recruiter finds last year's runner-up by a skill in their résumé, tags them, adds
them to a new job (they get an email, the card carries the tag) and erases another candidate; a
candidate downloads their data and erases their account; the pages fit a phone and pass axe-core."""

from __future__ import annotations

import io
import json
import re
import time
import urllib.error
import zipfile

import httpx
import pytest
from playwright.sync_api import expect

from .axe_support import violations
from .e2e_support import api, app_with_mail, card, sign_in
from .test_applications import make_pdf

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
smtp, server = app_with_mail("flowtrack-e2e-talent-")


def _token(server, email: str, password: str) -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": password})["access_token"]


def _candidate_applies(server, email: str, name: str, resume_words: str, job_id: int) -> str:
    api(server, "POST", "/api/auth/register", {"email": email, "password": PASSWORD, "full_name": name})
    token = _token(server, email, PASSWORD)
    r = httpx.put(
        f"{server.url}/api/me/resume",
        files={"file": ("cv.pdf", make_pdf(resume_words, name=name), "application/pdf")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    api(server, "POST", f"/api/applications/?job_id={job_id}", None, token)
    return token


def _new_job(server, rec_token: str, title: str) -> int:
    return api(server, "POST", "/api/jobs/", {"title": title, "location": "Remote"}, rec_token)["id"]


def _search(page, words: str) -> None:
    """Type the words once the page has its state (a late hydrate would put the tab's last
    search back into the box around what was typed), then search."""
    page.locator("[data-testid=pool-total]").wait_for()
    box = page.locator("[data-testid=pool-search]")
    for _ in range(5):
        box.fill(words)
        page.wait_for_timeout(200)
        if box.input_value() == words:
            break
    expect(box).to_have_value(words)
    page.locator("[data-testid=pool-search-submit]").click()


def _pool_card(page, name: str):
    return page.locator(f'[data-testid=pool-candidate][data-name="{name}"]')


def test_recruiter_finds_tags_adds_and_erases(server, smtp, new_page):
    rec_token = _token(server, "recruiter@acme.test", "flowtrack-demo")
    last_year = _new_job(server, rec_token, "Textile Engineer")
    _candidate_applies(
        server, "runner@example.com", "Rhea Runner", "Certified in quantum knitting", last_year
    )
    _candidate_applies(server, "gone@example.com", "Gus Gone", "Quantum knitting hobbyist", last_year)
    new_role = _new_job(server, rec_token, "Knitwear Lead")

    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/talent")
    rec.wait_for_url(re.compile(r"/talent"))
    rec.locator("[data-testid=nav-talent]").wait_for()
    _search(rec, "knitting")
    expect(rec.locator("[data-testid=pool-total]")).to_have_text("2 candidates match")
    runner = _pool_card(rec, "Rhea Runner")
    expect(runner.locator("[data-testid=pool-snippet] mark")).to_have_text("knitting")
    expect(runner).to_contain_text("Textile Engineer")

    runner.locator("[data-testid=pool-tags]").click()
    rec.locator("[data-testid=pool-tags-input]").fill("Silver medallist, knitwear")
    rec.locator("[data-testid=pool-tags-save]").click()
    expect(runner.locator("[data-testid=pool-tag]")).to_have_text(["knitwear", "silver medallist"])
    rec.locator("[data-testid=pool-tag-filter]").select_option("silver medallist")
    expect(rec.locator("[data-testid=pool-candidate]")).to_have_count(1)

    runner.locator("[data-testid=pool-add]").click()
    rec.locator("[data-testid=pool-add-job]").select_option(str(new_role))
    rec.locator("[data-testid=pool-add-save]").click()
    rec.get_by_text("Rhea Runner was added to Knitwear Lead").wait_for()
    expect(runner).to_contain_text("Knitwear Lead")

    rec.goto(f"{server.url}/board?job={new_role}")
    added = card(rec, "Applied", "Rhea Runner")
    expect(added.locator("[data-testid=card-tag]")).to_have_text(["knitwear", "silver medallist"])
    history = api(server, "GET", "/api/candidates?q=rhea", None, rec_token)["candidates"][0]["applications"]
    assert [a["job_title"] for a in history] == ["Knitwear Lead", "Textile Engineer"]
    deadline = time.time() + 20
    while time.time() < deadline:
        subjects = [m["Subject"] for m in smtp.handler.messages if m["To"] == "runner@example.com"]
        if any("Knitwear Lead" in s for s in subjects):
            break
        time.sleep(0.3)
    assert "Acme would like to consider you for Knitwear Lead" in subjects

    rec.goto(f"{server.url}/talent")
    _search(rec, "gus")
    _pool_card(rec, "Gus Gone").locator("[data-testid=pool-erase]").click()
    rec.locator("[data-testid=pool-erase-confirm]").click()
    rec.get_by_text("The candidate's personal data was erased.").wait_for()
    expect(rec.locator("[data-testid=pool-total]")).to_have_text("0 candidates match")
    expect(rec.locator("[data-testid=pool-erasure]").first).to_contain_text("erased by Rita Recruiter")
    expect(rec.locator("[role=alertdialog]")).to_have_count(0)
    html = rec.content()
    assert "Gus" not in html, html[max(0, html.index("Gus") - 300) : html.index("Gus") + 100]
    assert api(server, "GET", "/api/candidates?q=knitting", None, rec_token)["total"] == 1


def test_candidate_downloads_their_data_then_erases_the_account(server, new_page):
    rec_token = _token(server, "recruiter@acme.test", "flowtrack-demo")
    job = _new_job(server, rec_token, "Archivist")
    _candidate_applies(server, "erin@example.com", "Erin Erase", "Palaeography and vellum care", job)

    page = new_page()
    page.goto(server.url + "/login")
    page.fill("#email", "erin@example.com")
    page.fill("#password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=sign-out]")
    page.goto(server.url + "/account")
    with page.expect_download() as download:
        page.locator("[data-testid=export-data]").click()
    data = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    doc = json.loads(data.read("data.json"))
    assert doc["account"]["email"] == "erin@example.com"
    assert [a["job_title"] for a in doc["applications"]] == ["Archivist"]
    assert data.read(doc["applications"][0]["resume"]).startswith(b"%PDF")

    page.locator("[data-testid=erase-account]").click()
    page.locator("#erase-password").fill("not my password")
    page.locator("[data-testid=erase-account-confirm]").click()
    expect(page.locator("[data-testid=form-error]")).to_contain_text("not right")
    page.locator("#erase-password").fill(PASSWORD)
    page.locator("[data-testid=erase-account-confirm]").click()
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_text("Your account and your data were erased.").wait_for()
    expect(page.locator("[data-testid=sign-out]")).to_have_count(0)
    with pytest.raises(urllib.error.HTTPError):
        _token(server, "erin@example.com", PASSWORD)
    assert api(server, "GET", "/api/candidates?q=palaeography", None, rec_token)["total"] == 0


def _settled_box(locator) -> dict:
    """The element's box once its opening animation has finished (two equal frames)."""
    last = None
    for _ in range(40):
        box = locator.bounding_box()
        if box == last:
            return box
        last = box
        locator.page.wait_for_timeout(50)
    return last


@pytest.mark.parametrize("width,height", [(1280, 720), (390, 844)])
def test_talent_pool_fits_the_screen_and_passes_axe(server, browser, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height}, has_touch=width < 500)
    page = ctx.new_page()
    try:
        sign_in(page, server, "recruiter@acme.test", "/talent")
        page.wait_for_url(re.compile(r"/talent"))
        page.locator("[data-testid=pool-candidate]").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert violations(page) == []
        for opener, dialog in (
            ("pool-tags", "[role=dialog]"),
            ("pool-add", "[role=dialog]"),
            ("pool-erase", "[role=alertdialog]"),
        ):
            page.locator(f"[data-testid={opener}]").first.click()
            box = _settled_box(page.locator(dialog))
            assert box["x"] >= 0 and box["y"] >= 0, (opener, box)
            assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (opener, box)
            assert violations(page) == [], opener
            page.keyboard.press("Escape")
            expect(page.locator(dialog)).to_have_count(0)
        page.goto(server.url + "/account")
        page.locator("[data-testid=change-password]").wait_for()
        assert violations(page) == []
    finally:
        ctx.close()
