"""In Chromium: a recruiter writes to a candidate from the application page (a template, an
attachment), sees the email in the conversation, and the SMTP server receives it with its
attachment and the application's Reply-To; a reply to that address is placed in a real IMAP
server (Dovecot), read by the app's sender process and appears live on the open page, marked
new. The page and the dialog pass axe-core at laptop and phone sizes."""

from __future__ import annotations

import os
import time
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from .axe_support import AXE, shots_and_axe
from .e2e_server import running_app
from .e2e_support import DEMO_PW, api, sign_in
from .imap_support import dovecot
from .smtp_support import smtp_server

pytestmark = pytest.mark.e2e

DOMAIN = "replies.acme.test"
REDIS_URL = os.environ.get("FLOWTRACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def smtp():
    with smtp_server() as mail:
        yield mail


@pytest.fixture(scope="module")
def imap():
    with dovecot() as server:
        yield server


@pytest.fixture(scope="module")
def server(smtp, imap):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    env = {
        "FLOWTRACK_SMTP_URL": smtp.url,
        "FLOWTRACK_IMAP_URL": imap.url,
        "FLOWTRACK_INBOUND_DOMAIN": DOMAIN,
        "FLOWTRACK_IMAP_POLL_SECONDS": "1",
        # The sender is a process of its own: its change signals reach the app through Redis.
        "FLOWTRACK_REDIS_URL": REDIS_URL,
    }
    with running_app("flowtrack-e2e-conversation-", env) as srv:
        yield srv


@pytest.fixture(autouse=True, scope="module")
def _axe_installed():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")


def _received(smtp, subject: str, timeout: float = 40) -> EmailMessage:
    deadline = time.time() + timeout
    while time.time() < deadline:
        for msg in smtp.handler.messages:
            if msg["Subject"] == subject:
                return msg
        time.sleep(0.2)
    raise AssertionError(f"no email {subject!r}: {[m['Subject'] for m in smtp.handler.messages]}")


def test_write_to_a_candidate_and_see_the_reply_arrive_live(server, smtp, imap, new_page, tmp_path):
    token = api(server, "POST", "/api/auth/login", {"email": "recruiter@acme.test", "password": DEMO_PW})[
        "access_token"
    ]
    apps = api(server, "GET", "/api/applications/recruiter/all?limit=50", token=token)
    target = next(a for a in apps if a["candidate_email"] and a["stage"] not in ("Hired", "Rejected"))
    first_name = target["candidate_name"].split()[0]

    page = new_page()
    sign_in(page, server, "recruiter@acme.test", f"/application?id={target['application_id']}")
    panel = page.get_by_test_id("conversation")
    expect(panel).to_be_visible()
    page.get_by_test_id("write-to-candidate").click()
    expect(page.get_by_test_id("message-template")).to_have_value("built-in:message")
    page.get_by_test_id("message-subject").fill("Next steps for {{ job.title }}")
    page.get_by_test_id("message-body").fill(
        "Hello {{ candidate.first_name }},\n\ncould you send us a short brief? The outline is attached."
    )
    brief = tmp_path / "outline.pdf"
    brief.write_bytes(PDF)
    page.locator("[data-testid=message-upload] input[type=file]").set_input_files(str(brief))
    expect(page.get_by_test_id("message-attached")).to_contain_text("outline.pdf")
    page.get_by_test_id("message-preview-button").click()
    expect(page.get_by_test_id("message-preview")).to_contain_text(f"Hello {first_name},")
    shots_and_axe(page, "conversation-compose", settle_toasts=False, pause_ms=150)
    page.get_by_test_id("message-send").click()
    expect(page.get_by_test_id("message-send")).to_have_count(0)

    subject = f"Next steps for {target['job_title']}"
    sent = _received(smtp, subject)
    assert target["candidate_email"] in sent["To"]
    assert f"Hello {first_name}," in sent.get_body(("plain",)).get_content()
    (attached,) = list(sent.iter_attachments())
    assert attached.get_filename() == "outline.pdf" and attached.get_content() == PDF
    reply_to = str(sent["Reply-To"])
    assert reply_to.startswith("reply+") and reply_to.endswith("@" + DOMAIN)
    email_row = page.get_by_test_id("conversation-email").filter(has_text=subject)
    expect(email_row).to_contain_text("Sent", timeout=20_000)
    expect(email_row).to_contain_text("outline.pdf")

    # The candidate answers; their mail server files the reply in the mailbox FlowTrack reads.
    reply = EmailMessage()
    reply["From"] = f"{target['candidate_name']} <{target['candidate_email']}>"
    reply["To"] = reply_to
    reply["Subject"] = "Re: " + subject
    reply["Message-ID"] = "<e2e-reply-1@mail.example.com>"
    reply["In-Reply-To"] = sent["Message-ID"]
    reply.set_content(f"Sure, I will send it by Friday.\n\nOn Monday, Acme wrote:\n> Hello {first_name},\n")
    imap.append(bytes(reply))

    arrived = page.get_by_test_id("conversation-reply")
    expect(arrived).to_contain_text("Sure, I will send it by Friday.", timeout=30_000)  # live, no reload
    expect(arrived).not_to_contain_text("Acme wrote")
    expect(arrived.get_by_test_id("conversation-unread")).to_be_visible()
    shots_and_axe(page, "conversation-thread", settle_toasts=False, pause_ms=150)
