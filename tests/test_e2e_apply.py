"""In Chromium against the running app: applying in one step without an account on a job page, at
desktop and phone sizes, with the résumé pre-filling the form; the form and the thank-you page pass
axe-core; the emailed link signs the candidate in to their applications once; and the same form
works as a plain HTML post with scripts switched off."""

from __future__ import annotations

import random
import re
import time

import pytest
from playwright.sync_api import expect

from flowtrack_ui.demo.resumes import profile_for, resume_pdf

from .axe_support import AXE, violations
from .e2e_support import (
    ARTIFACTS,
    answer_apply_form,
    app_with_mail,
    emailed_link,
    job_page_url,
    no_csp_violations,
)

pytestmark = pytest.mark.e2e

JOB = "Senior Backend Engineer"
smtp, server = app_with_mail("flowtrack-e2e-apply-")


def _resume(tmp_path, name: str, email: str):
    """A résumé whose first lines hold the name, the email, a phone and a LinkedIn profile."""
    profile = profile_for(name, random.Random(7))
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(resume_pdf(name, email, profile, random.Random(7)))
    return path, profile


def _look(page, name: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _axe_clean(page) -> None:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")
    assert violations(page) == []


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (390, 844)])
def test_apply_in_one_step_with_the_resume_prefilling_the_form(
    server, smtp, browser, tmp_path, width, height
):
    name = {1280: "Wanda Wide", 390: "Nadia Narrow"}[width]
    email = f"{name.split()[0].lower()}@example.com"
    cv, profile = _resume(tmp_path, name, email)
    ctx = browser.new_context(viewport={"width": width, "height": height}, has_touch=width < 500)
    page = ctx.new_page()
    page.console_lines = []
    page.on("console", lambda m: page.console_lines.append(f"{m.type}: {m.text}"))
    try:
        page.goto(job_page_url(server, JOB) + "?source=newsletter")
        shown = time.monotonic()
        form = page.locator("#apply-form")
        form.wait_for()
        expect(page.locator("[data-testid=privacy-notice]")).to_contain_text("Acme uses what you send here")
        _axe_clean(page)
        assert _fits(page)

        # A file too large is refused at once, before anything is sent.
        big = tmp_path / "huge.pdf"
        big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))
        page.locator("#resume").set_input_files(str(big))
        expect(page.locator("#resume-error")).to_contain_text("at most 10 MiB")
        expect(page.locator("#resume")).to_have_attribute("aria-invalid", "true")
        # The real résumé: the empty fields fill in from its text, and the error goes.
        page.locator("#resume").set_input_files(str(cv))
        expect(page.locator("#resume-error")).to_have_count(0)
        expect(page.locator("#full_name")).to_have_value(name)
        expect(page.locator("#email")).to_have_value(email)
        expect(page.locator("#phone")).to_have_value(profile.phone)
        expect(page.locator("#linkedin_url")).to_have_value(profile.linkedin_url)
        expect(page.locator("#resume-status")).to_contain_text("Filled in from your résumé")
        page.fill("#cover_letter", "I would love to run your platform.")

        # A required question left out: the browser keeps the form until it is answered.
        page.click("[data-testid=apply-submit]")
        assert page.evaluate("!document.querySelector('#apply-form').checkValidity()")
        assert "/applied" not in page.url
        answer_apply_form(page)
        _axe_clean(page)
        _look(page, "apply-one-step", width)
        if width == 1280:  # and at the widest size we check by eye
            page.set_viewport_size({"width": 1440, "height": 900})
            _look(page, "apply-one-step", 1440)
            page.set_viewport_size({"width": width, "height": height})
        time.sleep(max(0.0, 3.5 - (time.monotonic() - shown)))
        page.click("[data-testid=apply-submit]")
        page.wait_for_url(re.compile(r"/careers/acme/jobs/\d+/applied$"))
        expect(page.locator("[data-testid=applied]")).to_contain_text("We emailed you a link")
        assert email not in page.content()
        _axe_clean(page)
        assert _fits(page)
        _look(page, "apply-thanks", width)
        assert no_csp_violations(page) == []

        # The emailed link: a page with one button, which signs in and lands on the applications.
        link = emailed_link(smtp, email)
        page.goto(link)
        page.locator("[data-testid=track-submit]").wait_for()
        _axe_clean(page)
        _look(page, "apply-track", width)
        page.locator("[data-testid=track-submit]").click()
        page.wait_for_url(re.compile(r"/my-applications"))
        mine = page.locator(f'[data-testid=my-application][data-job="{JOB}"]')
        expect(mine.locator("[data-testid=current-stage]")).to_have_text("Applied")
        _look(page, "apply-tracker", width)
        # The account page offers a first password (no current one to give).
        page.goto(server.url + "/account")
        page.locator("[data-testid=choose-password]").wait_for()
        _axe_clean(page)
        _look(page, "apply-account", width)

        # The link worked once.
        again = ctx.new_page()
        again.goto(link)
        again.locator("[data-testid=track-submit]").click()
        expect(again.locator("[data-testid=form-error]")).to_contain_text("already been used")
    finally:
        ctx.close()


def test_the_form_works_as_a_plain_post_with_scripts_off(server, smtp, browser, tmp_path):
    cv, _profile = _resume(tmp_path, "Nico Noscript", "nico@example.com")
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    try:
        page.goto(job_page_url(server, JOB))
        shown = time.monotonic()
        page.locator("#resume").set_input_files(str(cv))
        page.fill("#full_name", "Nico Noscript")
        page.fill("#email", "nico@example.com")
        page.fill("#phone", "call me maybe")  # no browser check for a phone: the server answers
        answer_apply_form(page)
        time.sleep(max(0.0, 3.5 - (time.monotonic() - shown)))
        page.click("[data-testid=apply-submit]")
        # The page again: the problem at the top and beside the field, the values kept.
        summary = page.locator("[data-testid=apply-errors]")
        expect(summary).to_contain_text("Phone")
        expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#phone-error")).to_be_visible()
        expect(page.locator("#full_name")).to_have_value("Nico Noscript")
        expect(page.locator("#resume-hint")).to_contain_text("choose the file again")
        _look(page, "apply-errors-noscript", 390)
        page.fill("#phone", "+44 20 7946 0958")
        page.locator("#resume").set_input_files(str(cv))
        page.click("[data-testid=apply-submit]")
        page.wait_for_url(re.compile(r"/careers/acme/jobs/\d+/applied$"))
        expect(page.locator("[data-testid=applied]")).to_contain_text("What happens next")
        assert emailed_link(smtp, "nico@example.com")
    finally:
        ctx.close()


def test_a_refused_form_comes_back_accessible(server, new_page, tmp_path):
    cv, _profile = _resume(tmp_path, "Ada Again", "ada@example.com")
    page = new_page()
    page.goto(job_page_url(server, JOB))
    shown = time.monotonic()
    page.locator("#resume").set_input_files(str(cv))
    expect(page.locator("#email")).to_have_value("ada@example.com")
    page.fill("#phone", "call me")
    page.fill("#linkedin_url", "https://example.com/ada")
    answer_apply_form(page)
    time.sleep(max(0.0, 3.5 - (time.monotonic() - shown)))
    page.click("[data-testid=apply-submit]")
    summary = page.locator("[data-testid=apply-errors]")
    expect(summary.locator("li")).to_have_count(2)
    expect(summary).to_be_focused()  # read out first, and the links lead to each field
    summary.get_by_role("link", name=re.compile("LinkedIn")).click()
    expect(page.locator("#linkedin_url")).to_be_focused()
    expect(page.locator("#linkedin_url")).to_have_attribute("aria-describedby", "linkedin_url-error")
    _axe_clean(page)
