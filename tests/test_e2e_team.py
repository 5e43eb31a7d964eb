"""In Chromium: a recruiter turns on two-factor sign-in on the account page (the QR code's key,
a code computed by pyotp), signs out and in again with a code; on the team page they make the
hiring manager a recruiter and then deactivate them, and the hiring manager's open tab goes to
the sign-in page at once while their password no longer signs in. The account and team pages
pass axe-core at laptop and phone sizes."""

from __future__ import annotations

import re
import time
import urllib.error

import pyotp
import pytest
from playwright.sync_api import expect

from .axe_support import AXE, shots_and_axe
from .e2e_support import DEMO_PW, api, app_with_mail, sign_in

pytestmark = pytest.mark.e2e

smtp, server = app_with_mail("flowtrack-e2e-team-")


@pytest.fixture(autouse=True, scope="module")
def _axe_installed():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")


def test_two_factor_sign_in_and_deactivating_a_member_stops_their_open_tab(server, new_page):
    # The hiring manager works in another browser; their "My work" page stays open.
    manager = new_page()
    sign_in(manager, server, "manager@acme.test", "/work")
    manager.wait_for_url(re.compile(r"/work"))

    page = new_page()
    sign_in(page, server, "recruiter@acme.test", "/account")
    page.wait_for_url(re.compile(r"/account"))
    expect(page.get_by_test_id("totp-status")).to_have_text("Off")
    page.get_by_test_id("totp-start").click()
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.fill("#enrol_code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.get_by_test_id("totp-confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    page.fill("#enrol_code", pyotp.TOTP(secret).now())
    page.get_by_test_id("totp-confirm").click()
    expect(page.get_by_test_id("totp-status")).to_have_text("On")
    expect(page.get_by_test_id("recovery-codes").locator("code")).to_have_count(10)
    shots_and_axe(page, "account-two-factor")

    # Signing in now takes a code after the password.
    page.get_by_test_id("sign-out").click()
    page.wait_for_url(re.compile(r"/login"))
    page.locator("[data-testid=login-submit]").wait_for()
    page.fill("#email", "recruiter@acme.test")
    page.fill("#password", DEMO_PW)
    page.click("[data-testid=login-submit]")
    code = page.locator("#code")
    expect(code).to_be_visible()
    shots_and_axe(page, "sign-in-code")
    code.fill(pyotp.TOTP(secret).at(time.time() + 30))  # the next code: the last one is spent
    page.click("[data-testid=login-code-submit]")
    page.wait_for_selector("[data-testid=sign-out]")

    # The team page: the hiring manager becomes a recruiter, then is deactivated.
    page.get_by_test_id("nav-company").click()
    page.get_by_test_id("nav-team").click()
    page.wait_for_url(re.compile(r"/team"))
    row = page.locator('[data-testid=member][data-email="manager@acme.test"]')
    expect(row).to_contain_text("2FA off")
    mine = page.locator('[data-testid=member][data-email="recruiter@acme.test"]')
    expect(mine).to_contain_text("2FA on")
    shots_and_axe(page, "team")
    row.get_by_test_id("member-role").select_option("recruiter")
    expect(page.locator("[data-sonner-toast]")).to_contain_text("Role changed")
    expect(row.get_by_test_id("member-role")).to_have_value("recruiter")
    manager.reload()
    expect(manager.get_by_test_id("nav-company")).to_be_visible()
    expect(manager.get_by_test_id("nav-talent")).to_be_visible()  # a recruiter's nav now

    row.get_by_test_id("deactivate").click()
    page.get_by_test_id("confirm-deactivate").click()
    expect(row).to_contain_text("Deactivated")
    # Their open tab stops at once: it goes to sign-in, the page's data gone.
    manager.wait_for_url(re.compile(r"/login"), timeout=15_000)
    expect(manager.get_by_test_id("sign-out")).to_have_count(0)
    with pytest.raises(urllib.error.HTTPError) as refused:
        api(server, "POST", "/api/auth/login", {"email": "manager@acme.test", "password": DEMO_PW})
    assert refused.value.code == 401
    audit_actions = page.locator("[data-testid=audit-row]").all_inner_texts()
    assert any("member.deactivated" in a for a in audit_actions)
    assert any("2fa.enabled" in a for a in audit_actions)
