"""In Chromium: a candidate applies on the job's page with a résumé and the answers to its questions,
then fills the profile from the emailed link; a recruiter reads everything on the application page,
the résumé's first page drawn in it."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .e2e_support import ARTIFACTS, app_with_mail, emailed_link, job_page_url, sign_in
from .test_applications import make_pdf

pytestmark = pytest.mark.e2e

JOB = "Senior Backend Engineer"


smtp, server = app_with_mail("flowtrack-e2e-apps-")


def test_candidate_applies_with_resume_and_answers_and_recruiter_reads_it(server, smtp, new_page, tmp_path):
    # Apply on the job's page in one step: the résumé is chosen in the form, a required question
    # left out keeps the form from being sent, the answers and a cover letter go with it.
    cand = new_page()
    cand.goto(job_page_url(server, JOB))
    shown = time.monotonic()
    cv = tmp_path / "Priya Patel CV.pdf"
    cv.write_bytes(make_pdf("Kubernetes operator wizardry", name="Priya Patel"))
    cand.locator("#resume").set_input_files(str(cv))
    expect(cand.locator("#full_name")).to_have_value("Priya Patel")  # pre-filled from the résumé
    cand.fill("#email", "priya@example.com")
    cand.get_by_role("radio", name="Yes", exact=True).check()
    cand.fill("#cover_letter", "I would love to run your platform.")
    _look(cand, "apply-form")
    cand.click("[data-testid=apply-submit]")
    python = cand.locator("[data-testid=question]", has_text="Years of Python")
    assert python.get_by_role("radio").first.evaluate("r => r.validity.valueMissing")
    python.get_by_role("radio", name="6+").check()
    time.sleep(max(0.0, 3.5 - (time.monotonic() - shown)))
    cand.click("[data-testid=apply-submit]")
    cand.wait_for_url(re.compile(r"/applied$"))

    # The emailed link signs her in; the profile: details, then a résumé through the drop zone.
    cand.goto(emailed_link(smtp, "priya@example.com"))
    cand.click("[data-testid=track-submit]")
    cand.wait_for_url(re.compile("/my-applications"))
    cand.click("[data-testid=nav-profile]")
    cand.wait_for_url(re.compile("/profile"))
    expect(cand.locator("#full_name")).to_have_value("Priya Patel")  # the profile is read
    cand.fill("#headline", "Data engineer who loves Kubernetes operators")
    cand.fill("#phone", "+351 21 000 0000")
    cand.fill("#linkedin_url", "https://www.linkedin.com/in/priya")
    cand.click("[data-testid=save-profile]")
    cand.get_by_text("Profile saved").wait_for()
    # The résumé sent with the form is her current one; a file that is no résumé is refused.
    cand.locator("[data-testid=current-resume]", has_text="Priya Patel CV.pdf").wait_for()
    bad = tmp_path / "resume.pdf"
    bad.write_bytes(b"\x7fELF" + b"\x00" * 500)  # an executable named like a PDF
    cand.locator("input[type=file]").set_input_files(str(bad))  # sent as soon as chosen
    cand.locator("[data-testid=upload-error]", has_text="neither").wait_for()
    expect(cand.get_by_label("Upload progress")).to_have_count(0)  # no full bar left behind
    cand.locator("[data-testid=current-resume]", has_text="Priya Patel CV.pdf").wait_for()  # kept
    good = tmp_path / "Priya Patel CV 2026.pdf"
    good.write_bytes(make_pdf("Priya Patel, data engineer, Kubernetes operators"))
    cand.locator("input[type=file]").set_input_files(str(good))
    cand.locator("[data-testid=current-resume]", has_text="Priya Patel CV 2026.pdf").wait_for()
    expect(cand.locator("[data-testid=upload-error]")).to_have_count(0)
    # A file over the limit is refused in the browser, in words (not react-dropzone's bytes).
    huge = tmp_path / "huge_20MB.pdf"
    huge.write_bytes(b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    cand.locator("input[type=file]").set_input_files(str(huge))
    expect(cand.locator("[data-testid=upload-error]")).to_have_text("This file is 20 MB; the limit is 10 MB.")
    expect(cand.get_by_text("Files not Accepted")).to_have_count(0)

    # The recruiter: the card shows the headline and the résumé; the application page shows it all.
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    rec.goto(server.url + "/board?job=1")
    card = rec.locator('[data-testid="card"][data-name="Priya Patel"]')
    card.locator("[data-testid=card-headline]", has_text="Kubernetes operators").wait_for()
    card.locator("[data-testid=card-resume]").click()
    rec.wait_for_url(re.compile(r"/application\?id=\d+"))
    rec.locator("[data-testid=candidate-name]", has_text="Priya Patel").wait_for()
    rec.get_by_text("I would love to run your platform.").wait_for()
    assert rec.locator("[data-testid=answer]", has_text="Years of Python").inner_text().endswith("6+")
    page_img = rec.locator("[data-testid=resume-page]")
    page_img.wait_for()
    rec.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=resume-page]'); "
        "return i && i.complete && i.naturalWidth > 500; }"
    )
    assert rec.locator("[data-testid=page-label]").inner_text() == "Page 1 of 2"
    rec.get_by_role("button", name="Next page").click()
    rec.locator("[data-testid=page-label]", has_text="Page 2 of 2").wait_for()
    with rec.expect_download() as download:
        rec.click("[data-testid=download-resume]")
    assert download.value.suggested_filename == "Priya Patel CV.pdf"
    _look(rec, "application-page")


def test_hiring_manager_reads_the_application_page_from_the_overview(server, new_page):
    hm = new_page()
    sign_in(hm, server, "manager@acme.test", "/overview")
    hm.locator("[data-testid=overview-person]").first.click()
    hm.wait_for_url(re.compile(r"/application\?id=\d+"))
    hm.locator("[data-testid=resume-page]").wait_for()


def _look(page, name: str) -> None:
    """Screenshots at the three sizes we check by eye (kept in test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    original = page.viewport_size
    for width, height in ((1440, 900), (1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(original)
