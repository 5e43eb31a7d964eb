"""In Chromium: a recruiter opens the email templates, writes the "application received" email with
its live preview (an unknown variable is refused in words, a variable inserted with a click), saves
it; a candidate applies and the SMTP server receives the company's words. A hiring manager reads
the templates without editing them; the page passes axe-core at laptop and phone sizes."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .axe_support import AXE, SIZES, shots_and_axe, violations
from .e2e_support import ARTIFACTS, DEMO_PW, api, api_answers, app_with_mail, sign_in

pytestmark = pytest.mark.e2e

smtp, server = app_with_mail("flowtrack-e2e-email-templates-")


@pytest.fixture(autouse=True, scope="module")
def _axe_installed():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")


def _received(smtp, address: str, subject: str, timeout: float = 40):
    """The first email to ``address`` with this subject (a new account also gets its confirmation link)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for msg in smtp.handler.messages:
            if address in msg["X-Envelope-To"] and msg["Subject"] == subject:
                return msg
        time.sleep(0.3)
    raise AssertionError(
        f"no email {subject!r} for {address}: {[m['Subject'] for m in smtp.handler.messages]}"
    )


def test_a_recruiter_writes_the_application_received_email_and_a_candidate_gets_it(server, smtp, new_page):
    page = new_page()
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    # The company's settings pages sit behind one "Company" menu: the top bar stays one row.
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        bar = page.locator("header").bounding_box()
        assert bar is not None and bar["height"] < (110 if width < 768 else 70), (width, bar)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_test_id("nav-company").click()
    expect(page.get_by_test_id("nav-webhooks")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "nav-company-menu-1280.png"))
    page.keyboard.press("Escape")  # (a Radix menu, keyboard-operable; axe reads the bar closed)
    expect(page.get_by_test_id("nav-webhooks")).to_have_count(0)
    assert violations(page) == []
    page.get_by_test_id("nav-company").click()
    page.get_by_test_id("nav-email-templates").click()
    page.wait_for_url(re.compile(r"/email-templates"))
    editor = page.get_by_test_id("editor-title")
    expect(editor).to_have_text("Application received: built-in")
    expect(page.get_by_test_id("preview-subject")).to_have_text(
        "We received your application for Product Designer"
    )
    shots_and_axe(page, "email-templates")

    # An unknown variable: the preview says so at once, and saving is refused naming it.
    subject = page.get_by_test_id("template-subject")
    subject.fill("Thanks, {{ candidate.first_name }}: {{ job.title }}")
    body = page.get_by_test_id("template-body")
    body.fill("Hi {{ candidate.password }}")
    expect(page.get_by_test_id("preview-error")).to_contain_text("{{ candidate.password }}")
    page.get_by_test_id("template-save").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("unknown variable {{ candidate.password }}")

    # Fixed, with a variable inserted at the cursor by a click; the preview follows.
    body.fill("Hi ")
    body.press("End")
    page.get_by_test_id("insert-candidate.first_name").click()
    expect(body).to_have_value("Hi {{ candidate.first_name }}")
    body.press("End")
    body.type(",\n\nwe have your application for {{ job.title }}. Follow it here: {{ links.tracker }}")
    expect(page.get_by_test_id("preview-subject")).to_have_text("Thanks, Alex: Product Designer")
    expect(page.get_by_test_id("preview-text")).to_contain_text(
        "Hi Alex,\n\nwe have your application for Product Designer. Follow it here: http"
    )
    expect(page.get_by_test_id("preview-error")).to_have_count(0)
    page.get_by_test_id("template-save").click()
    page.get_by_text("Saved “Application received”.").wait_for()
    expect(editor).to_have_text("Application received: Application received")
    row = page.get_by_test_id("template-list").get_by_role("button", name=re.compile("Application received"))
    expect(row).to_contain_text("default")
    shots_and_axe(page, "email-templates-saved")

    # Unsaved edits are not lost to a stray click on another template: it asks first.
    body.fill("Half-written words")
    page.get_by_test_id("template-builtin:rejection").click()
    page.get_by_role("alertdialog").get_by_text("Discard your changes?").wait_for()
    shots_and_axe(page, "email-templates-discard")
    page.get_by_test_id("keep-editing").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(body).to_have_value("Half-written words")
    page.get_by_test_id("template-builtin:rejection").click()
    page.get_by_test_id("discard").click()
    expect(editor).to_have_text("Rejection: built-in")

    # A named rejection template, then deleted after confirming; the built-in one is back.
    page.get_by_test_id("new-rejection").click()
    expect(editor).to_have_text("New rejection template")
    page.get_by_test_id("template-name").fill("Position filled")
    page.get_by_test_id("template-save").click()
    page.get_by_text("Saved “Position filled”.").wait_for()
    page.get_by_test_id("template-delete").click()
    page.get_by_role("alertdialog").get_by_text("Delete “Position filled”?").wait_for()
    shots_and_axe(page, "email-templates-delete")
    page.get_by_test_id("confirm-delete").click()
    page.get_by_text("Deleted “Position filled”.").wait_for()
    expect(editor).to_have_text("Rejection: built-in")

    # A candidate applies: the SMTP server receives the company's words, in text and HTML.
    api(
        server,
        "POST",
        "/api/auth/register",
        {"email": "nia@example.com", "password": DEMO_PW, "full_name": "Nia Okafor"},
    )
    token = api(server, "POST", "/api/auth/login", {"email": "nia@example.com", "password": DEMO_PW})[
        "access_token"
    ]
    job = next(j for j in api(server, "GET", "/api/jobs/") if j["status"] == "published")
    api(server, "POST", f"/api/applications/?job_id={job['id']}", api_answers(server, job["id"]), token)
    mail = _received(smtp, "nia@example.com", f"Thanks, Nia: {job['title']}")
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith(f"Hi Nia,\n\nwe have your application for {job['title']}. Follow it here: http")
    assert "/my-applications" in text
    html = mail.get_body(("html",)).get_content()
    assert "<p>Hi Nia,</p>" in html and 'href="http' in html


def test_a_hiring_manager_reads_the_templates_without_editing(server, new_page):
    page = new_page()
    sign_in(page, server, "manager@acme.test", "/jobs")
    page.goto(server.url + "/email-templates")
    page.get_by_test_id("read-only-note").wait_for()
    expect(page.get_by_test_id("template-save")).to_have_count(0)
    expect(page.get_by_test_id("template-body")).to_be_disabled()
    page.get_by_test_id("template-builtin:rejection").click()
    expect(page.get_by_test_id("editor-title")).to_have_text("Rejection: built-in")
    expect(page.get_by_test_id("preview-text")).to_contain_text("not to take your application further")
    shots_and_axe(page, "email-templates-read-only")
