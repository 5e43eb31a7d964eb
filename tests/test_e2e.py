"""End-to-end in a real Chromium: candidate, recruiter (mouse drag, menu, reject), hiring manager.

The app runs in production mode on a free port with its own data folder and demo data.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from .e2e_support import (
    DEMO_PW,
    app_with_mail,
    apply_one_step,
    card,
    drag,
    emailed_link,
    job_id,
    no_csp_violations,
    sign_in,
)

pytestmark = pytest.mark.e2e

JOB = "Senior Backend Engineer"


smtp, server = app_with_mail("flowtrack-e2e-")


def test_signed_out_visitor_lands_on_sign_in(server, new_page):
    page = new_page()
    page.goto(f"{server.url}/board?job=1")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.wait_for_selector("[data-testid=login-submit]")


def test_sign_in_is_throttled_with_a_clear_message(server, new_page):
    page = new_page()
    page.goto(server.url + "/login")
    for attempt in range(6):
        page.fill("#email", "mallory@example.com")
        page.fill("#password", f"guess number {attempt}")
        page.click("[data-testid=login-submit]")
        expected = "Incorrect email or password." if attempt < 5 else "Too many failed sign-in attempts"
        page.locator("[data-testid=form-error]", has_text=expected).wait_for()


def test_hiring_story(server, smtp, new_page):
    jid = job_id(server, JOB)

    # A candidate applies on the job's page without an account, follows the emailed link to her
    # applications, and sees the application as Applied.
    cand = new_page()
    apply_one_step(cand, server, JOB, "Eve Example", "eve@example.com")
    cand.goto(emailed_link(smtp, "eve@example.com"))
    cand.click("[data-testid=track-submit]")
    cand.wait_for_url(re.compile(r"/my-applications"))
    mine = cand.locator(f'[data-testid=my-application][data-job="{JOB}"]')
    assert mine.locator("[data-testid=current-stage]").inner_text() == "Applied"

    # A recruiter drags that card Applied → Screening → Interview; each move survives a reload.
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", f"/board%3Fjob%3D{jid}")
    rec.wait_for_selector('[data-testid="card"]')
    for src, dst in (("Applied", "Screening"), ("Screening", "Interview")):
        drag(rec, card(rec, src, "Eve Example"), dst)
        # Drawn there at once, then confirmed: a reload before the server's answer may drop the
        # move's event still queued in the page.
        expect(card(rec, dst, "Eve Example")).to_have_attribute("data-pending", "false")
        rec.reload()
        card(rec, dst, "Eve Example").wait_for()

    # The final columns are slim drop targets pinned at the board's edge; opened, they show cards.
    for stage in ("Hired", "Rejected"):
        rec.locator(f'[data-testid="column-{stage}"] [data-testid=fold-column]').click()
        expect(rec.locator(f'[data-testid="column-{stage}"]')).to_have_attribute("data-folded", "false")

    # Applied → Hired on another card is refused with the allowed stages named; the card stays.
    other = rec.locator('[data-testid="column-Applied"] [data-testid="card"]').first
    other_name = other.get_attribute("data-name")
    drag(rec, other, "Hired")
    rec.get_by_text(re.compile("allowed next stages: Screening, Interview, Offer, Rejected")).wait_for()
    card(rec, "Applied", other_name).wait_for()
    assert card(rec, "Hired", other_name).count() == 0

    # The same card moves with the "Move to…" menu, no mouse drag needed.
    card(rec, "Applied", other_name).locator("[data-testid=move-menu]").click()
    rec.click("[data-testid=move-to-Screening]")
    card(rec, "Screening", other_name).wait_for()

    # Rejecting asks for a reason, kept as an internal note.
    card(rec, "Interview", "Eve Example").locator("[data-testid=move-menu]").click()
    rec.click("[data-testid=move-to-Rejected]")
    rec.fill("[data-testid=reject-reason]", "Internal: salary expectations too high")
    rec.click("[data-testid=confirm-reject]")
    card(rec, "Rejected", "Eve Example").wait_for()

    # The timeline shows every entry, with who and the note.
    card(rec, "Rejected", "Eve Example").locator("[data-testid=card-timeline]").click()
    rec.wait_for_selector("[data-testid=history-entry]")
    entries = rec.locator("[data-testid=history-entry]")
    assert entries.count() == 4
    timeline_text = rec.locator("[data-testid=timeline]").inner_text()
    assert "Internal: salary expectations too high" in timeline_text
    assert "Rita Recruiter" in timeline_text
    # ... and the emails the candidate was sent about it: the application received and the
    # rejection (the job's other stages do not email candidates: each stage's own choice).
    emails = rec.locator("[data-testid=email-entry]")
    assert emails.count() == 2
    assert "We received your application" in emails.last.inner_text()
    rec.keyboard.press("Escape")
    rejected_count = rec.locator('[data-testid="column-Rejected"] [data-testid=column-count]').inner_text()

    # The candidate sees the new stage and the timeline, without the reason or staff names.
    cand.reload()
    mine = cand.locator(f'[data-testid=my-application][data-job="{JOB}"]')
    mine.locator("[data-testid=current-stage]").get_by_text("Rejected").wait_for()
    assert mine.locator("[data-testid=timeline-entry]").count() == 4
    body = cand.content()
    assert "salary expectations" not in body and "Rita Recruiter" not in body

    # Her inbox: two emails about her application (the first with her sign-in link) from the
    # sender beside the app, the rejection kind and reason-free.
    deadline = time.time() + 20
    while (
        time.time() < deadline and len([m for m in smtp.handler.messages if m["To"] == "eve@example.com"]) < 2
    ):
        time.sleep(0.2)
    inbox = [m for m in smtp.handler.messages if m["To"] == "eve@example.com"]
    assert [m["Subject"] for m in inbox] == [
        f"We received your application for {JOB}",
        f"Your application for {JOB} at Acme",
    ], [m["Subject"] for m in inbox]
    assert all(
        "salary" not in part.get_content() for m in inbox for part in m.walk() if not part.is_multipart()
    )

    # The hiring manager sees counts and a funnel, and nothing to move cards with.
    hm = new_page()
    sign_in(hm, server, "manager@acme.test")
    hm.wait_for_url(re.compile(r"/work"))  # staff land on My work; the overview is one click away
    hm.click("[data-testid=nav-overview]")
    hm.wait_for_url(re.compile(r"/overview"))
    job_card = hm.locator(f'[data-testid=overview-job][data-job="{JOB}"]')
    job_card.locator("[data-testid=funnel] svg").first.wait_for()
    assert job_card.locator('[data-testid="count-Rejected"]').inner_text().startswith(rejected_count)
    assert hm.locator("[data-testid=move-menu]").count() == 0
    assert hm.locator("[data-testid=card]").count() == 0
    # The board is theirs to read: cards, no moves, the application page one click away.
    hm.goto(f"{server.url}/board?job={jid}")
    hm.locator("[data-testid=card]").first.wait_for()
    hm.locator("[data-testid=move-menu]").first.click()
    hm.locator("[data-testid=open-application]").wait_for()
    assert hm.locator("[data-testid^=move-to-]").count() == 0
    hm.keyboard.press("Escape")

    # Everything above ran under the app's Content-Security-Policy without a blocked resource.
    assert not no_csp_violations(cand, rec, hm)


def test_schemathesis_against_the_running_app(server):
    """The same schema-driven fuzzing, over real HTTP against the app served on one port."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    schema = schemathesis.openapi.from_url(server.url + "/api/openapi.json")
    with urllib.request.urlopen(
        urllib.request.Request(
            server.url + "/api/auth/login",
            data=json.dumps({"email": "recruiter@acme.test", "password": DEMO_PW}).encode(),
            headers={"Content-Type": "application/json"},
        )
    ) as r:
        token = json.load(r)["access_token"]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            case.call_and_validate(checks=checks)

        run()


def test_unknown_api_paths_answer_json_on_the_served_app(server):
    """Behind the Reflex mount an unmatched /api path would be the frontend's HTML 404."""
    # A line feed in the path (%0A) is not routed by Reflex's outermost mount: answered all the same.
    for path in ("/api/nope", "/api/jobs/1/extra", "/api/offer-links/%0Aabc"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.url + path)
        assert err.value.code == 404
        assert err.value.headers["content-type"] == "application/json"
        assert json.load(err.value) == {"detail": "Not found."}
