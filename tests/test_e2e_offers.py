"""In Chromium, one offer from draft to signature: a recruiter writes it on the application page
with a hiring manager as approver and submits it; the manager finds it on My work and approves;
the recruiter sends it; the candidate opens the emailed link on a phone (390 px, axe-clean),
signs with their name and consent; the audit hash equals the SHA-256 of the PDF served, both
sides receive the signed PDF, and the recruiter moves the application to Hired in one click."""

from __future__ import annotations

import hashlib
import io
import re
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .axe_support import AXE, violations
from .e2e_support import ARTIFACTS, api, app_with_mail, sign_in

pytestmark = pytest.mark.e2e

smtp, server = app_with_mail("flowtrack-e2e-offers-")


@pytest.fixture(autouse=True, scope="module")
def _axe_installed():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")


def _shot(page, name: str, sizes=((1440, 900), (1280, 720), (390, 844)), axe: bool = True) -> None:
    page.mouse.move(1, 300)  # no hover colours in the pictures or under axe
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if axe and width != 1440:
            found = violations(page)
            assert found == [], f"{name} at {width}px: {found}"


def _offer_stage_application(server) -> int:
    token = api(
        server, "POST", "/api/auth/login", {"email": "recruiter@acme.test", "password": "flowtrack-demo"}
    )
    bearer = token["access_token"]
    for job in api(server, "GET", "/api/jobs/", token=bearer):
        for app in api(server, "GET", f"/api/applications/job/{job['id']}?limit=200", token=bearer):
            if app["stage"] == "Offer":
                return app["id"]
    raise AssertionError("the demo data has no application in the Offer stage")


def _mail(smtp, subject_start: str, to: str | None = None, timeout: float = 40):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for msg in smtp.handler.messages:
            if msg["Subject"].startswith(subject_start) and (to is None or to in msg["X-Envelope-To"]):
                return msg
        time.sleep(0.3)
    raise AssertionError(f"no email {subject_start!r}: {[m['Subject'] for m in smtp.handler.messages]}")


def test_an_offer_from_draft_to_signature_and_hired(server, smtp, browser):
    app_id = _offer_stage_application(server)
    today = datetime.now(UTC).date()

    # The recruiter looks at the offer letters, then writes the offer, with the hiring manager as
    # approver, and submits it.
    rec = browser.new_page(viewport={"width": 1440, "height": 900})
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    rec.goto(f"{server.url}/application?id={app_id}")
    panel = rec.get_by_test_id("offer-panel")
    expect(panel).to_contain_text("No offer yet.")
    rec.get_by_test_id("offer-letters-link").click()
    expect(rec.get_by_test_id("letter-preview")).to_contain_text("Alex Example")
    _shot(rec, "offer-letters")
    rec.set_viewport_size({"width": 1440, "height": 900})
    rec.go_back()
    expect(panel).to_contain_text("No offer yet.")
    candidate = rec.get_by_test_id("candidate-name").inner_text()
    rec.get_by_test_id("offer-new").click()
    rec.fill("#offer-salary", "")
    rec.get_by_test_id("offer-save").click()  # the browser asks for the required fields first
    rec.fill("#offer-salary", "84,000")
    rec.fill("#offer-currency", "EUR")
    rec.fill("#offer-start_date", str(today + timedelta(days=45)))
    rec.fill("#offer-expires_on", str(today + timedelta(days=10)))
    rec.fill("#offer-bonus", "8% yearly")
    rec.select_option("#offer-approver", label="Hugo Manager")
    expect(rec.get_by_test_id("offer-chain-item")).to_have_count(1)
    _shot(rec, "offer-dialog", sizes=((1280, 720), (390, 844)))
    rec.set_viewport_size({"width": 1440, "height": 900})
    rec.get_by_test_id("offer-save").click()
    expect(rec.get_by_test_id("offer-status")).to_have_text("Draft")
    rec.get_by_test_id("offer-submit").click()
    expect(rec.get_by_test_id("offer-status")).to_have_text("Waiting for approval")
    expect(rec.get_by_test_id("offer-approve")).to_have_count(0)  # not the recruiter's turn

    # The hiring manager finds it on My work, approves; they have no Send button.
    hm = browser.new_page(viewport={"width": 1440, "height": 900})
    sign_in(hm, server, "manager@acme.test", "/work")
    item = hm.get_by_test_id("work-offer")
    expect(item).to_contain_text(candidate)
    expect(item).to_contain_text("EUR 84,000.00 per year")
    item.get_by_role("link").click()
    hm.get_by_test_id("offer-comment").fill("Within the band.")
    hm.get_by_test_id("offer-approve").click()
    expect(hm.get_by_test_id("offer-status")).to_have_text("Approved, ready to send")
    expect(hm.get_by_test_id("offer-send")).to_have_count(0)
    _shot(hm, "offer-panel-approved", sizes=((1440, 900), (390, 844)))

    # The recruiter sends it.
    rec.reload()
    rec.get_by_test_id("offer-send").click()
    expect(rec.get_by_test_id("offer-status")).to_have_text("Sent to the candidate")

    # The candidate reads it on a phone and signs.
    sent = _mail(smtp, "Your offer from Acme")
    (attached,) = list(sent.iter_attachments())
    link = re.search(
        r"https?://\S+/offer/[0-9]+\.[A-Za-z0-9_-]+", sent.get_body(("plain",)).get_content()
    ).group(0)
    cand = browser.new_page(viewport={"width": 390, "height": 844})
    cand.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), server.url))
    expect(cand.get_by_role("heading", level=1)).to_contain_text("at Acme")
    expect(cand.locator(".letter")).to_contain_text("EUR 84,000.00 per year")
    assert cand.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(cand, "offer-page", sizes=((390, 844), (1280, 720)))
    cand.set_viewport_size({"width": 390, "height": 844})
    cand.fill("#signature_name", "Somebody Else")
    cand.check("#consent")
    cand.get_by_role("button", name="Accept and sign the offer").click()
    expect(cand.get_by_test_id("offer-error")).to_contain_text("as it appears on the letter")
    cand.fill("#signature_name", candidate)
    cand.check("#consent")
    cand.get_by_role("button", name="Accept and sign the offer").click()
    expect(cand.get_by_test_id("offer-accepted")).to_contain_text(f"Signed as {candidate}")
    _shot(cand, "offer-page-accepted", sizes=((390, 844),))
    shown_hash = cand.locator(".hash").inner_text()
    with urllib.request.urlopen(
        link.replace(re.match(r"https?://[^/]+", link).group(0), server.url) + "/letter.pdf"
    ) as r:
        served = r.read()
    assert (
        hashlib.sha256(served).hexdigest() == shown_hash == hashlib.sha256(attached.get_content()).hexdigest()
    )

    # Both sides receive the signed copy: the letter's pages and the signature page.
    to_candidate = _mail(smtp, "You accepted the offer")
    to_recruiter = _mail(smtp, f"{candidate} accepted the offer", "recruiter@acme.test")
    for msg in (to_candidate, to_recruiter):
        (signed,) = list(msg.iter_attachments())
        last = PdfReader(io.BytesIO(signed.get_content())).pages[-1].extract_text()
        assert candidate in last and shown_hash in last

    # Signed in, the candidate's tracker shows the offer (and nothing of its approvals).
    email = to_candidate["X-Envelope-To"]
    tracker = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(tracker, server, email, "/my-applications")
    tracker.goto(f"{server.url}/my-applications")
    expect(tracker.get_by_test_id("tracked-offer")).to_contain_text("You accepted it")
    expect(tracker.locator("body")).not_to_contain_text("Within the band")

    # The recruiter is prompted to move the application to Hired: one click.
    # (the recruiter's page heard of the signature: no reload)
    expect(rec.get_by_test_id("offer-status")).to_have_text("Accepted and signed", timeout=15_000)
    rec.get_by_test_id("offer-hire").click()
    expect(rec.get_by_test_id("application-stage")).to_contain_text("Hired")
    expect(rec.get_by_test_id("offer-hire")).to_have_count(0)
    _shot(rec, "offer-panel-accepted", sizes=((1440, 900), (390, 844)))
