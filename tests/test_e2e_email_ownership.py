"""Email ownership in the browser: the emailed link confirms the address on /verify, the account
page offers a new link, and a sign-up for an unconfirmed address waits for its link."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .e2e_support import api, app_with_mail

pytestmark = pytest.mark.e2e

smtp, server = app_with_mail("email-ownership")

PASSWORD = "a passphrase of mine"


def _link(smtp, address: str, subject: str, timeout: float = 30) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        for msg in reversed(smtp.handler.messages):
            if address in msg["X-Envelope-To"] and subject in msg["Subject"]:
                text = msg.get_body(("plain",)).get_content()
                return re.search(r"https?://\S+/verify/\S+", text).group(0)
        time.sleep(0.2)
    raise AssertionError(f"no '{subject}' email for {address}")


def _sign_up(page, server, email: str, name: str) -> None:
    page.goto(server.url + "/signup")
    page.fill("#full_name", name)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("[data-testid=signup-submit]")


def test_the_emailed_link_confirms_the_address(server, smtp, new_page):
    page = new_page()
    _sign_up(page, server, "vera@example.com", "Vera Verify")
    page.wait_for_selector("[data-testid=sign-out]")
    page.goto(server.url + "/account")
    page.locator("[data-testid=resend-confirmation]").click()
    page.get_by_text("A new link is on its way").wait_for()

    link = _link(smtp, "vera@example.com", "Confirm your email address for FlowTrack")
    other = new_page()  # a link scanner opening the page confirms nothing; the button does
    other.goto(re.sub(r"^https?://[^/]+", server.url, link))
    other.locator("[data-testid=verify-submit]").click()
    expect(other.locator("[data-testid=verify-done]")).to_contain_text("is confirmed")
    other.reload()
    other.locator("[data-testid=verify-submit]").click()
    expect(other.locator("[data-testid=form-error]")).to_contain_text("already been used")

    page.goto(server.url + "/account")
    page.get_by_text("Change password").first.wait_for()
    expect(page.locator("[data-testid=resend-confirmation]")).to_have_count(0)


def test_a_sign_up_for_an_unconfirmed_address_waits_for_its_link(server, smtp, new_page):
    api(
        server,
        "POST",
        "/api/auth/register",
        {"email": "owen@example.com", "password": "squatter's passphrase", "full_name": "Sam Squatter"},
    )
    page = new_page()
    _sign_up(page, server, "owen@example.com", "Owen Owner")
    expect(page.locator("[data-testid=signup-pending]")).to_contain_text("Check your email")

    link = _link(smtp, "owen@example.com", "to finish signing up")
    page.goto(re.sub(r"^https?://[^/]+", server.url, link))
    page.locator("[data-testid=verify-submit]").click()
    expect(page.locator("[data-testid=verify-done]")).to_contain_text("account is ready")

    page.goto(server.url + "/login")
    page.fill("#email", "owen@example.com")
    page.fill("#password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=sign-out]")
