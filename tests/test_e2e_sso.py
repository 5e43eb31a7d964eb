"""In Chromium, through a real OpenID Connect provider process (oidc-provider-mock): a recruiter sets
up single sign-on over the API; the hiring manager chooses "Sign in with SSO" on the sign-in page,
enters their work email, signs in at the provider and lands in FlowTrack signed in; someone the
provider has not verified is turned away in words. Then the recruiter adds a webhook on the
webhooks page (its secret shown once), a card moves, the receiver gets the signed delivery and the
log shows it, redelivered once. axe-core on each of these pieces at laptop and phone sizes."""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from .axe_support import AXE, shots_and_axe
from .e2e_support import DEMO_PW, api, app_with_mail, job_id, sign_in
from .oidc_support import start_provider
from .webhook_support import start_receiver

pytestmark = pytest.mark.e2e

smtp, server = app_with_mail(
    "flowtrack-e2e-sso-",
    {"FLOWTRACK_WEBHOOK_ALLOW_PRIVATE": "1", "FLOWTRACK_WEBHOOK_POLL_SECONDS": "0.5"},
)


@pytest.fixture(autouse=True, scope="module")
def _axe_installed():
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")


@pytest.fixture(scope="module")
def provider():
    p = start_provider()
    yield p
    p.stop()


@pytest.fixture(scope="module")
def receiver():
    r = start_receiver()
    yield r
    r.close()


def _token(server, email: str) -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": DEMO_PW})["access_token"]


def test_staff_sign_in_through_their_provider(server, provider, new_page):
    # A recruiter sets up the company's provider on the single sign-on page.
    admin = new_page()
    sign_in(admin, server, "recruiter@acme.test", "/work")
    admin.get_by_test_id("nav-company").click()
    admin.get_by_test_id("nav-sso").click()
    admin.wait_for_url(re.compile(r"/single-sign-on"))
    expect(admin.get_by_test_id("sso-redirect-uri")).to_have_value(re.compile(r"/sso/acme/callback$"))
    admin.fill("#sso-issuer", provider.url)
    admin.fill("#sso-client-id", "flowtrack")
    admin.fill("#sso-client-secret", "s3cret")
    admin.fill("#sso-domains", "acme.test")
    admin.get_by_test_id("sso-save").click()
    admin.get_by_text("Single sign-on saved.").wait_for()
    expect(admin.get_by_test_id("sso-remove")).to_be_visible()
    expect(admin.locator("#sso-client-secret")).to_have_attribute("placeholder", re.compile("Stored"))
    shots_and_axe(admin, "sso-settings")
    config = api(server, "GET", "/api/company/sso", token=_token(server, "recruiter@acme.test"))
    assert (
        config["issuer_url"] == provider.url and config["domains"] == ["acme.test"] and config["has_secret"]
    )

    provider.set_user("manager-1", email="manager@acme.test", email_verified=True, name="Morgan Manager")
    provider.set_user("stranger-1", email="stranger@acme.test", email_verified=False)

    page = new_page()
    page.goto(server.url + "/login")
    page.get_by_test_id("sso-open").click()
    who = page.get_by_test_id("sso-who")
    expect(who).to_be_focused()
    shots_and_axe(page, "sso-sign-in")
    who.fill("manager@acme.test")
    page.get_by_test_id("sso-continue").click()

    # The provider's own page: the person picks their account there.
    page.wait_for_url(re.compile(re.escape(provider.url) + r"/oauth2/authorize\?"))
    assert "code_challenge_method=S256" in page.url and "nonce=" in page.url
    page.fill("input[name=sub]", "manager-1")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"/work"))
    expect(page.get_by_test_id("user-name")).to_have_text(re.compile(r"\S"))
    token = page.evaluate("() => localStorage.getItem('flowtrack_token')")
    me = api(server, "GET", "/api/auth/me", token=json.loads(token) if token.startswith('"') else token)
    assert me["email"] == "manager@acme.test" and me["role"] == "hiring_manager"
    assert "code=" not in page.url and "token" not in page.url

    # An address the provider has not verified: turned away in words, nobody signed in.
    other = new_page()
    other.goto(server.url + "/login")
    other.get_by_test_id("sso-open").click()
    other.get_by_test_id("sso-who").fill("Acme")
    other.get_by_test_id("sso-continue").click()
    other.wait_for_url(re.compile(re.escape(provider.url)))
    other.fill("input[name=sub]", "stranger-1")
    other.get_by_role("button", name="Authorize").click()
    other.wait_for_url(re.compile(r"/sso-complete/?\?error=unverified"))
    expect(other.get_by_test_id("sso-error")).to_contain_text("has not verified your email address")
    shots_and_axe(other, "sso-refused")
    assert other.evaluate("() => localStorage.getItem('flowtrack_token')") in (None, "", '""')


def _move_one(server, token: str) -> int:
    """Move an application of the demo from the first stage to the next over the API; its id."""
    job = job_id(server, "Product Designer")
    stages = sorted(api(server, "GET", f"/api/jobs/{job}")["stages"], key=lambda st: st["position"])
    apps = api(server, "GET", f"/api/applications/job/{job}", token=token)
    first = next(a for a in apps if a["stage"] == stages[0]["name"])
    target = urllib.parse.quote(stages[1]["name"])
    api(server, "PATCH", f"/api/applications/{first['id']}/stage?new_stage={target}", token=token)
    return first["id"]


def _delivered(server, page) -> None:
    """Wait until the sender has recorded every answer (the receiver hears a POST a moment before)."""
    token = _token(server, "recruiter@acme.test")
    for _ in range(80):
        if all(hook["pending"] == 0 for hook in api(server, "GET", "/api/webhooks", token=token)):
            return
        page.wait_for_timeout(250)
    raise AssertionError("deliveries still pending")


def test_a_recruiter_connects_a_webhook_and_reads_its_log(server, receiver, new_page):
    page = new_page()
    sign_in(page, server, "recruiter@acme.test", "/work")
    page.get_by_test_id("nav-company").click()
    page.get_by_test_id("nav-webhooks").click()
    page.wait_for_url(re.compile(r"/webhooks"))
    expect(page.get_by_text("No webhooks yet")).to_be_visible()
    page.get_by_test_id("webhook-add").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("webhook-url").fill("ftp://hr.example.com/hook")
    shots_and_axe(page, "webhooks-add")
    dialog.get_by_test_id("webhook-add-submit").click()
    expect(dialog.get_by_test_id("form-error")).to_contain_text("must start with https://")

    dialog.get_by_test_id("webhook-url").fill(receiver.url("/flowtrack"))
    dialog.get_by_test_id("webhook-add-submit").click()
    secret_box = page.get_by_test_id("webhook-secret")
    expect(secret_box).to_have_value(re.compile(r"^whsec_"))
    receiver.secrets["/flowtrack"] = secret_box.input_value()
    shots_and_axe(page, "webhooks-secret")

    app_id = _move_one(server, _token(server, "recruiter@acme.test"))
    for _ in range(80):  # the sender runs every half second
        if any(r.json["data"]["application_id"] == app_id for r in receiver.received):
            break
        page.wait_for_timeout(250)
    got = [r for r in receiver.received if r.json["type"] == "application.stage_changed"]
    assert got and got[0].signature_ok and got[0].json["data"]["application_id"] == app_id
    sent = len(receiver.received)
    _delivered(server, page)

    page.get_by_test_id("secret-done").click()
    expect(page.get_by_test_id("webhook-secret")).to_have_count(0)
    page.get_by_test_id("webhook-log").click()
    expect(page.get_by_test_id("delivery-row")).to_have_count(sent)
    first = page.get_by_test_id("delivery-row").first
    expect(first.get_by_test_id("delivery-status")).to_have_text("HTTP 200")
    first.get_by_test_id("delivery-redeliver").click()
    page.get_by_text("Queued again").wait_for()
    for _ in range(60):
        if len(receiver.received) == sent + 1:
            break
        page.wait_for_timeout(250)
    _delivered(server, page)
    page.get_by_test_id("log-refresh").click()
    expect(page.get_by_test_id("delivery-row")).to_have_count(sent + 1)
    expect(page.get_by_test_id("delivery-status").first).to_have_text("HTTP 200")
    shots_and_axe(page, "webhooks-log")
