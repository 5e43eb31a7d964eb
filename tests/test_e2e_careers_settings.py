"""In Chromium: a recruiter posts a draft job, gives it a salary, a remote workplace and a Markdown
description, publishes it and opens its public page; sets up the careers site (address, about,
accent colour, a link, a logo, a refused file), copies the embed snippet; a hiring manager sees the
settings read-only; the pages pass axe-core at laptop and phone sizes."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect

from .axe_support import AXE, violations
from .e2e_server import running_app
from .e2e_support import DEMO_PW, api, sign_in

pytestmark = pytest.mark.e2e

SIZES = ((1280, 720), (390, 844))
TITLE = "Field Service Engineer"


@pytest.fixture(scope="module")
def server():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")
    with running_app("flowtrack-e2e-careers-settings-") as srv:
        yield srv


def _token(server, email: str) -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": DEMO_PW})["access_token"]


def _axe_clean(page, what: str) -> None:
    page.mouse.move(1, 300)  # no link left under the pointer (a hovered link is drawn lighter)
    # Toasts fade in and out (their text is checked half transparent): wait until they are gone.
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        found = violations(page)
        assert found == [], f"{what} at {width}px: {found}"
    page.set_viewport_size({"width": 1600, "height": 1000})


def _row(page, title: str):
    return page.locator("[data-testid=job-row]", has_text=title)


def test_a_recruiter_drafts_details_and_publishes_a_job(server, new_page):
    page = new_page()
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    page.wait_for_url(re.compile(r"/jobs"))
    page.locator("[data-testid=job-row]").first.wait_for()

    page.click("[data-testid=new-job]")
    page.fill("[data-testid=job-title]", TITLE)
    page.select_option("#status", "draft")
    expect(page.locator("[data-testid=status-hint]")).to_have_text(
        "Only your team sees it; nobody can apply yet."
    )
    page.click("[data-testid=job-save]")
    page.get_by_text(f"Posted “{TITLE}” (draft).").wait_for()
    expect(_row(page, TITLE).locator("[data-testid=job-status]")).to_have_text("Draft")
    expect(_row(page, TITLE).locator("[data-testid=job-public-link]")).to_have_count(0)
    job_id = next(
        j["id"]
        for j in api(server, "GET", "/api/jobs/", token=_token(server, "recruiter@acme.test"))
        if j["title"] == TITLE
    )
    assert httpx.get(f"{server.url}/api/jobs/{job_id}").status_code == 404  # nobody outside sees a draft

    # Edit: remote with a region, a salary shown, a Markdown description with its preview, and a
    # yes/no question whose "No" disqualifies.
    _row(page, TITLE).get_by_role("button", name="Edit").click()
    expect(page.locator("#remote_region")).to_have_count(0)
    page.select_option("#workplace", "remote")
    page.locator("#remote_region").fill("EU time zones")
    page.select_option("#employment_type", "contract")
    page.fill("#department", "Field Operations")
    page.fill("#salary_min", "70000")
    page.fill("#salary_max", "90,000")
    page.fill("#salary_currency", "EUR")
    page.locator("#salary_visible").click()
    page.fill("#valid_through", "2099-06-30")
    page.fill(
        "[data-testid=job-description]",
        "## What you do\n\n- Fix **wind turbines**\n- <script>alert(1)</script>",
    )
    preview = page.locator("[data-testid=description-preview]")
    expect(preview.locator("h2")).to_have_text("What you do")
    expect(preview.locator("strong")).to_have_text("wind turbines")
    expect(preview.locator("script")).to_have_count(0)
    page.click("[data-testid=add-question-yes_no]")
    page.locator("[data-testid=question-prompt]").last.fill("Do you hold a driving licence?")
    page.locator("[data-testid=question-editor]").last.locator("[data-answer=no]").click()
    expect(page.locator("[data-testid=question-editor]").last.get_by_text("Knockout")).to_be_visible()
    page.select_option("#status", "published")
    _axe_clean(page, "the job editor")
    page.click("[data-testid=job-save]")
    page.get_by_text(f"Saved “{TITLE}”.").wait_for()

    row = _row(page, TITLE)
    expect(row.locator("[data-testid=job-status]")).to_have_text("Published")
    expect(row).to_contain_text("Field Operations · Remote · Contract")
    job = api(server, "GET", f"/api/jobs/{job_id}", token=_token(server, "recruiter@acme.test"))
    assert (job["workplace"], job["remote_region"], job["employment_type"]) == (
        "remote",
        "EU time zones",
        "contract",
    )
    assert (job["salary_min"], job["salary_max"], job["salary_currency"], job["salary_visible"]) == (
        70000,
        90000,
        "EUR",
        True,
    )
    assert job["status"] == "published" and job["valid_through"].startswith("2099-06-30")
    assert job["questions"][-1]["disqualifying_answers"] == ["no"]

    # Reopening the editor shows what was saved.
    row.get_by_role("button", name="Edit").click()
    expect(page.locator("#status")).to_have_value("published")
    expect(page.locator("#remote_region")).to_have_value("EU time zones")
    expect(page.locator("#salary_max")).to_have_value("90000")
    expect(page.locator("#salary_visible")).to_have_attribute("data-state", "checked")
    page.keyboard.press("Escape")

    # The public page opens as a page of the server, with the job's text in it.
    link = row.locator("[data-testid=job-public-link]")
    expect(link).to_have_attribute(
        "href", re.compile(rf"/careers/acme/jobs/{job_id}-field-service-engineer$")
    )
    link.click()
    page.wait_for_url(re.compile(rf"/careers/acme/jobs/{job_id}-field-service-engineer"))
    expect(page).to_have_title(re.compile(rf"^{TITLE} at Acme"))
    expect(page.locator("h1", has_text=TITLE)).to_be_visible()
    expect(page.locator("body")).to_contain_text("wind turbines")

    # Closing it from the list, then reopening.
    page.go_back()
    _row(page, TITLE).locator("[data-testid=job-next-status]").click()
    page.locator("[data-testid=close-job-dialog]", has_text=f"Close “{TITLE}”?").wait_for()
    page.locator("[data-testid=confirm-close-job]").click()
    expect(_row(page, TITLE).locator("[data-testid=job-status]")).to_have_text("Closed")
    expect(_row(page, TITLE).locator("[data-testid=job-next-status]")).to_have_text("Reopen")
    _axe_clean(page, "the jobs list")


def _png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def test_a_recruiter_sets_up_the_careers_site(server, new_page):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    page.click("[data-testid=nav-company]")
    page.click("[data-testid=nav-careers-settings]")
    page.wait_for_url(re.compile(r"/careers-settings"))
    expect(page.locator("[data-testid=careers-url]")).to_have_value(f"{server.url}/careers/acme")

    # The address, with the URL it makes shown as it is typed.
    slug = page.locator("[data-testid=slug-input]")
    slug.fill("Acme-Works")
    expect(page.locator("[data-testid=slug-preview]")).to_contain_text(f"{server.url}/careers/acme-works")
    page.click("[data-testid=save-address]")
    page.get_by_text(f"Your careers page is now at {server.url}/careers/acme-works.").wait_for()
    expect(page.locator("[data-testid=careers-url]")).to_have_value(f"{server.url}/careers/acme-works")
    old = httpx.get(f"{server.url}/careers/acme", follow_redirects=False)
    assert old.status_code in (301, 308) and old.headers["location"].endswith("/careers/acme-works")

    # About (with its preview), the accent colour, a link.
    page.fill("[data-testid=about-input]", "## Anvils since 1949\n\nWe make **anvils** that last.")
    expect(page.locator("[data-testid=about-preview] h2")).to_have_text("Anvils since 1949")
    page.fill("[data-testid=accent-hex]", "#0A7B83")
    expect(page.locator("[data-testid=accent-picker]")).to_have_value("#0a7b83")
    labels = page.locator("[data-testid=link-label]")
    rows = labels.count()
    page.click("[data-testid=add-link]")  # a new row below the demo company's own link
    expect(labels).to_have_count(rows + 1)  # drawn before it is typed into
    labels.last.fill("Website")
    page.locator("[data-testid=link-url]").last.fill("acme.example")
    page.click("[data-testid=save-careers]")
    page.get_by_text("Careers page saved.").wait_for()
    expect(page.locator("[data-testid=link-url]").last).to_have_value("https://acme.example")

    # The logo: uploaded, shown; a file that is not an image is refused and the logo kept.
    dropzone_input = page.locator("[data-testid=logo-dropzone] input[type=file]")
    dropzone_input.set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _png((900, 300), (10, 120, 130))}
    )
    page.click("[data-testid=upload-logo]")
    page.get_by_text("Logo saved.").wait_for()
    shown = page.locator("[data-testid=logo-preview]")
    expect(shown).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    first_src = shown.get_attribute("src")
    dropzone_input.set_input_files(
        {"name": "fake.png", "mimeType": "image/png", "buffer": b"<svg onload=alert(1)>"}
    )
    page.click("[data-testid=upload-logo]")
    expect(page.locator("[data-testid=logo-error]")).to_contain_text("PNG, JPEG or WebP")
    assert shown.get_attribute("src") == first_src

    token = _token(server, "recruiter@acme.test")
    saved = api(server, "GET", "/api/company/careers", token=token)
    assert (saved["slug"], saved["accent_color"]) == ("acme-works", "#0a7b83")
    assert saved["about"].startswith("## Anvils since 1949")
    assert saved["links"][-1] == {"label": "Website", "url": "https://acme.example"}
    logo = httpx.get(saved["logo_url"])
    assert logo.status_code == 200 and logo.content.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(logo.content)) as img:
        assert img.size == (512, 171)

    # The embed snippet, copied to paste on the company's website.
    page.click("[data-testid=copy-embed-script]")
    page.get_by_text("Copied the script snippet.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == saved["embed_script"] == page.locator("[data-testid=embed-script]").input_value()
    assert f'src="{server.url}/careers/acme-works/embed.js"' in copied
    _axe_clean(page, "the careers settings page")

    # Back to the first address for the other tests of this module.
    slug.fill("acme")
    page.click("[data-testid=save-address]")
    page.get_by_text(f"Your careers page is now at {server.url}/careers/acme.").wait_for()


def test_a_hiring_manager_reads_the_settings_only(server, new_page):
    page = new_page()
    sign_in(page, server, "manager@acme.test", "/overview")
    page.click("[data-testid=nav-company]")
    page.click("[data-testid=nav-careers-settings]")
    page.locator("[data-testid=read-only-note]").wait_for()
    expect(page.locator("[data-testid=slug-input]")).to_be_disabled()
    expect(
        page.locator("[data-testid=save-address], [data-testid=save-careers], [data-testid=upload-logo]")
    ).to_have_count(0)
    expect(page.locator("[data-testid=embed-iframe]")).to_have_value(
        re.compile(r"<iframe src=\".*/careers/[a-z0-9-]+/embed\"")
    )
    _axe_clean(page, "the careers settings page, read-only")


def test_company_sign_up_chooses_the_careers_address(server, new_page):
    page = new_page()
    page.goto(server.url + "/company-signup")
    page.fill("#company_name", "Umbrella Works")
    expect(page.locator("[data-testid=company-slug]")).to_have_value("umbrella-works")
    page.fill("#company_name", "Umbrella Works GmbH")
    expect(page.locator("[data-testid=company-slug]")).to_have_value("umbrella-works-gmbh")
    page.fill("[data-testid=company-slug]", "umbrella")
    page.fill("#company_name", "Umbrella Works AG")  # an edited address no longer follows the name
    expect(page.locator("[data-testid=company-slug]")).to_have_value("umbrella")
    expect(page.locator("#company-slug-hint")).to_contain_text(f"{server.url}/careers/umbrella")
    _axe_clean(page, "company sign-up")
    page.fill("#full_name", "Ursula Umbrella")
    page.fill("#email", "ursula@umbrella.test")
    page.fill("#password", "umbrellas keep you dry")
    page.click("[data-testid=company-submit]")
    page.wait_for_selector("[data-testid=sign-out]")
    page.goto(server.url + "/careers-settings")
    expect(page.locator("[data-testid=careers-url]")).to_have_value(f"{server.url}/careers/umbrella")
