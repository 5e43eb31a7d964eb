"""In Chromium: a recruiter rejects a card from the board on their own terms: the reason pre-chooses
the company's rejection template named like it, the email is held "in 2 days" (an outbox row
whose send time lies ahead, written from that template); reopening the card cancels it, and the
candidate is never emailed. The reject dialog passes axe-core at laptop and phone sizes."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from .axe_support import AXE, shots_and_axe
from .e2e_support import DEMO_PW, api, app_with_mail, card, job_id, sign_in

pytestmark = pytest.mark.e2e

smtp, server = app_with_mail("flowtrack-e2e-rejections-")

SIZES = ((1440, 900), (1280, 720), (390, 844))
JOB = "Product Designer"


@pytest.fixture(autouse=True, scope="module")
def _axe_installed():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")


def _rejection_email(server, candidate: str) -> sqlite3.Row | None:
    """The candidate's rejection email as the outbox holds it (the app's own SQLite file)."""
    path = server.data_dir / "flowtrack.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            "SELECT e.subject, e.next_attempt_at, e.sent_at, e.cancelled_at FROM email_outbox e "
            "JOIN application a ON a.id = e.application_id JOIN user_account u ON u.id = a.candidate_id "
            "WHERE u.full_name = ? AND e.kind = 'application_rejected' ORDER BY e.id DESC LIMIT 1",
            (candidate,),
        ).fetchone()


def _moment(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _until(check, timeout: float = 20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("the condition was not met in time")


def test_reject_in_two_days_with_a_chosen_template_then_reopen_cancels_it(server, smtp, new_page):
    token = api(server, "POST", "/api/auth/login", {"email": "recruiter@acme.test", "password": DEMO_PW})[
        "access_token"
    ]
    # The company's first rejection template is its default; the one named like a reason is not.
    api(
        server,
        "POST",
        "/api/email-templates",
        {"kind": "rejection", "name": "Kind words", "subject": "About {{ job.title }}", "body": "Thank you."},
        token,
    )
    template = api(
        server,
        "POST",
        "/api/email-templates",
        {
            "kind": "rejection",
            "name": "Position filled",
            "subject": "{{ job.title }}: the position is filled",
            "body": "Hello {{ candidate.first_name }},\n\nwe have filled the role. Thank you for your time.",
        },
        token,
    )
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", f"/board?job={job_id(server, JOB)}")
    rec.wait_for_url(re.compile(r"/board"))
    first = rec.locator('[data-testid="column-Applied"] [data-testid="card"]').first
    first.wait_for()
    name = first.get_attribute("data-name")
    assert name

    card(rec, "Applied", name).locator("[data-testid=move-menu]").click()
    rec.locator("[data-testid=move-to-Rejected]").click()
    reason = rec.locator("[data-testid=reject-standard-reason]")
    reason.wait_for()
    chosen = rec.locator("[data-testid=card-reject-template]")
    expect(chosen).to_have_value("")  # the default until a reason says otherwise
    reason.select_option("Position filled")
    expect(chosen).to_have_value(str(template["id"]))  # pre-chosen: named like the reason
    rec.locator("[data-testid=when-2d]").check()
    rec.locator("[data-testid=reject-reason]").fill("Internal: hired the referral")
    shots_and_axe(rec, "reject-dialog", settle_toasts=False, full_page=False)

    rec.locator("[data-testid=confirm-reject]").click()
    rec.locator('[data-testid="column-Rejected"] [data-testid=fold-column]').click()
    card(rec, "Rejected", name).wait_for()
    held = _until(lambda: _rejection_email(server, name))
    assert held["subject"] == f"{JOB}: the position is filled"
    assert held["sent_at"] is None and held["cancelled_at"] is None
    leaves = _moment(held["next_attempt_at"])
    now = datetime.now(UTC)
    assert now + timedelta(days=2) - timedelta(minutes=2) <= leaves <= now + timedelta(days=2)

    # Reopened (a correction, with its reason): the held email is cancelled, never sent.
    rec.mouse.move(1, 300)
    card(rec, "Rejected", name).locator("[data-testid=move-menu]").click()
    rec.locator("[data-testid=move-to-Applied]").click()
    rec.locator("[data-testid=reject-reason]").fill("Rejected too early: the referral declined")
    rec.locator("[data-testid=confirm-reject]").click()
    card(rec, "Applied", name).wait_for()
    cancelled = _until(lambda: (row := _rejection_email(server, name)) is not None and row["cancelled_at"])
    assert cancelled
    assert not [m for m in smtp.handler.messages if "position is filled" in (m["Subject"] or "")]
