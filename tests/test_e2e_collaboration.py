"""In Chromium: a recruiter schedules an interview with the hiring manager, who gets the invitation
and submits a scorecard; the recruiter sees it appear live; notes mention a colleague by email."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from .e2e_support import app_with_mail, sign_in
from .test_e2e_applications import _look

pytestmark = pytest.mark.e2e


smtp, server = app_with_mail("flowtrack-e2e-team-")


def _mail(smtp, to: str, subject_part: str, timeout: float = 30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for msg in smtp.handler.messages:
            if to in msg["X-Envelope-To"] and subject_part in msg["Subject"]:
                return msg
        time.sleep(0.2)
    raise AssertionError(f"no email to {to} about {subject_part!r}")


def test_interview_scorecard_and_mentions_between_recruiter_and_manager(server, smtp, new_page):
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    rec.goto(server.url + "/application?id=1")
    rec.locator("[data-testid=candidate-name]").wait_for()
    candidate_name = rec.locator("[data-testid=candidate-name]").inner_text()

    # A note that mentions the hiring manager (autocomplete after "@").
    rec.fill("[data-testid=note-draft]", "Strong systems background, ask about on-call. @man")
    rec.locator("[data-testid=mention-suggestion]", has_text="Hugo Manager").click()
    expect(rec.locator("[data-testid=note-draft]")).to_have_value(re.compile(r"@manager $"))
    rec.click("[data-testid=add-note]")
    rec.locator("[data-testid=activity-note]", has_text="ask about on-call").wait_for()
    mention = _mail(smtp, "manager@acme.test", "mentioned you")
    assert "ask about on-call" in mention.get_body(("plain",)).get_content()

    # Schedule an interview with the hiring manager, in the scheduler's time zone.
    rec.click("[data-testid=schedule-interview]")
    start = (datetime.now(UTC) + timedelta(days=7)).replace(hour=14, minute=30, second=0, microsecond=0)
    rec.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    rec.fill("#video_url", "https://meet.example.com/acme-interview")
    rec.get_by_role("dialog").get_by_text("Hugo Manager").click()
    _look(rec, "schedule-dialog")
    rec.click("[data-testid=save-interview]")
    rec.locator("[data-testid=interview]").wait_for()

    invite = _mail(smtp, "manager@acme.test", "Interview:")
    cal = next(
        Calendar.from_ical(part.get_content())
        for part in invite.walk()
        if part.get_content_type() == "text/calendar"
    )
    assert cal["METHOD"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)

    # The hiring manager submits a scorecard; the recruiter's page shows it without a reload.
    hm = new_page()
    sign_in(hm, server, "manager@acme.test", "/overview")
    hm.goto(server.url + "/application?id=1")
    hm.click("[data-testid=open-scorecard]")
    hm.get_by_role("dialog").get_by_text("Strong yes").click()
    for rating in hm.get_by_role("dialog").get_by_role("combobox").all():  # each of the job's criteria
        rating.click()
        hm.get_by_role("option", name="3").click()
    hm.fill("#scorecard-notes", "Clear thinker; would hire.")
    hm.click("[data-testid=submit-scorecard]")
    hm.get_by_text("Scorecard submitted").first.wait_for()

    rec.locator("[data-testid=scorecard]", has_text="Clear thinker").wait_for(timeout=15_000)
    assert "1 × Strong yes" in rec.locator("[data-testid=scorecard-summary]").inner_text()
    _look(rec, "application-team")
    assert candidate_name


def test_the_candidate_sees_the_interview_but_no_staff_or_notes(server, smtp, new_page):
    rec = new_page()
    sign_in(rec, server, "recruiter@acme.test", "/jobs")
    rec.goto(server.url + "/application?id=2")
    rec.locator("[data-testid=candidate-name]").wait_for()
    email = rec.locator("a[href^='mailto:']").first.inner_text()
    rec.fill("[data-testid=note-draft]", "INTERNAL: salary expectations high")
    rec.click("[data-testid=add-note]")
    rec.locator("[data-testid=activity-note]").first.wait_for()
    rec.click("[data-testid=schedule-interview]")
    start = datetime.now(UTC) + timedelta(days=5)
    rec.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    rec.fill("#location", "Acme HQ, 1 Main Street")
    rec.get_by_role("dialog").get_by_text("Hugo Manager").click()
    rec.click("[data-testid=save-interview]")
    rec.locator("[data-testid=interview]").wait_for()

    mail = _mail(smtp, email, "Interview:")
    cal = next(
        Calendar.from_ical(p.get_content()) for p in mail.walk() if p.get_content_type() == "text/calendar"
    )
    found = cal.walk("VEVENT")[0].get("ATTENDEE")
    attendees = [str(a) for a in (found if isinstance(found, list) else [found])]
    assert attendees == [f"mailto:{email}"]  # no staff in the candidate's invitation

    cand = new_page()
    sign_in(cand, server, email, "/my-applications")
    cand.locator("[data-testid=upcoming-interview]", has_text="Acme HQ, 1 Main Street").wait_for()
    text = cand.content()
    assert "INTERNAL" not in text and "Hugo Manager" not in text and "Rita Recruiter" not in text
    assert re.search(r"\d{2}:\d{2}", cand.locator("[data-testid=upcoming-interview]").inner_text())
