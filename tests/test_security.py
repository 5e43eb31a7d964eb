"""The attacks that once worked, each reproduced against the domain core and the REST API.

Items of the outside attack: privilege escalation (in test_permissions), hostile names in
email headers, look-alike companies, weak passwords, lock-out of others, CORS and the local
API docs; plus the password reset. The websocket attacks run against the live app in
test_e2e_security.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import select

from flowtrack_ui.api.app import create_api
from flowtrack_ui.api.hardening import Hardening
from flowtrack_ui.api.websocket_limits import clean_event, install_log_truncation
from flowtrack_ui.core import security, throttle
from flowtrack_ui.core.accounts import (
    company_names,
    invitations,
    password_policy,
    password_reset,
    sign_in,
    sign_up,
)
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from flowtrack_ui.core.models import OutboxEmail, PasswordReset, User
from flowtrack_ui.core.outbox import Sender
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.settings import own_origins

from .conftest import PASSWORD, make_candidate
from .smtp_support import SmtpServer


def http(db) -> TestClient:
    return TestClient(Hardening(create_api(lambda: db)), raise_server_exceptions=False)


# --- 5. look-alike companies -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Acme\u200b",
        "\u0391cme",
        "\u0410\u0421\u041c\u0415",
        "ＡＣＭＥ",
        "acme",
        " ACME ",
        "Ac\u00adme",
        "A\u200dcme",
    ],
)
def test_confusable_company_names_are_refused(any_db, name):
    sign_up.register_company(any_db, "Acme", "rec@acme.test", PASSWORD, "Rita Recruiter")
    with pytest.raises((Conflict, InvalidInput)):
        sign_up.register_company(any_db, name, "other@evil.test", PASSWORD, "Eve Evil")
    with any_db.session() as s:
        assert s.exec(select(User).where(User.email == "other@evil.test")).first() is None


def test_company_names_are_normalised_and_distinct_ones_accepted(db):
    a = sign_up.register_company(db, "Ｉｎｉｔｅｃｈ  GmbH", "a@initech.test", PASSWORD, "Ann A")
    assert a.user.company_name == "Initech GmbH"
    b = sign_up.register_company(db, "Initrode", "b@initrode.test", PASSWORD, "Bob B")
    assert b.user.company_name == "Initrode"
    assert company_names.lookalike_key("Αcme") == company_names.lookalike_key("Acme") == "acme"


def test_confusable_company_over_http_is_409(db):
    c = http(db)
    body = {"company_name": "Acme", "email": "rec@acme.test", "password": PASSWORD, "full_name": "Rita"}
    assert c.post("/api/companies", json=body).status_code == 201
    r = c.post("/api/companies", json={**body, "company_name": "\u0391cme\u200b", "email": "e@evil.test"})
    assert r.status_code == 409, r.text
    assert "looks the same" in r.json()["detail"]


# --- 6. weak passwords -------------------------------------------------------------------------

WEAK = [
    "12345678",
    "password",
    " " * 8,
    " " * 12,
    "aaaaaaaaaaaa",
    "qwertyuiop",
    "Password123",
    "iloveyou2024!",
]


@pytest.mark.parametrize("weak", WEAK + ["cand@example.com", "CAND@EXAMPLE.COM"])
def test_weak_passwords_are_refused_at_sign_up(db, weak):
    with pytest.raises(InvalidInput):
        sign_up.register_candidate(db, "cand@example.com", weak, "Casey Candidate")


def test_every_way_to_set_a_password_applies_the_policy(db, acme, candidate):
    with pytest.raises(InvalidInput, match="common"):
        sign_up.register_company(db, "Weak Co", "w@weak.test", "1234567890", "Wes Weak")
    inv = invitations.invite_staff(db, acme.recruiter, "new.hm@acme.test", Role.HIRING_MANAGER)
    with pytest.raises(InvalidInput, match="email"):
        invitations.accept_invitation(db, inv.token, "new.hm@acme.test", "New Manager")
    with pytest.raises(InvalidInput, match="common"):
        sign_in.change_password(db, candidate, PASSWORD, "qwerty123456")
    assert password_policy.check("correct horse battery", "cand@example.com")
    assert "password" in password_policy.common_passwords()


def test_weak_password_over_http_is_422_with_the_reason(db):
    r = http(db).post(
        "/api/auth/register",
        json={"email": "x@example.com", "password": "12345678", "full_name": "X Y", "role": "candidate"},
    )
    assert r.status_code == 422
    assert "at least 10 characters" in r.json()["detail"]


# --- 4. names that would break email headers ---------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["Eve\nBcc: all@example.com", "Eve\rEvil", "Eve\u2028Evil", "Eve\x07", "Eve\u200b"]
)
def test_names_with_line_breaks_or_invisible_characters_are_refused(db, acme, bad):
    with pytest.raises(InvalidInput):
        sign_up.register_candidate(db, "eve@example.com", PASSWORD, bad)
    with pytest.raises(InvalidInput):
        sign_up.register_company(db, "Eve Co", "eve@eveco.test", PASSWORD, bad)
    inv = invitations.invite_staff(db, acme.recruiter, "hm2@acme.test", Role.HIRING_MANAGER)
    with pytest.raises(InvalidInput):
        invitations.accept_invitation(db, inv.token, PASSWORD, bad)


def test_a_hostile_name_already_stored_cannot_stop_the_outbox(db, acme):
    """Rows from before the validation: one bad email fails alone, every other email goes out."""
    server = SmtpServer().start()
    try:
        with db.session(write=True) as s:
            s.add(
                User(
                    email="mallory@example.com",
                    full_name="Mallory\r\nBcc: victim@example.com\u2028X",
                    role=Role.CANDIDATE,
                    password_hash=security.hash_password(PASSWORD),
                )
            )
        mallory = sign_in.principal_from_token(db, sign_in.login(db, "mallory@example.com", PASSWORD))
        apply(db, mallory, acme.job_id)
        with db.session(write=True) as s:  # an address no email can be made of
            s.add(
                OutboxEmail(
                    message_id="<broken@flowtrack.test>",
                    kind="test",
                    to_address="a@[broken",
                    subject="Broken",
                    body_text="x",
                    body_html="<p>x</p>",
                )
            )
        later = make_candidate(db, "later@example.com", "Laura Later")
        apply(db, later, acme.job_id)
        sender = Sender(db, server.url, "FlowTrack <no-reply@flowtrack.test>", backoff_seconds=0.05)
        for _ in range(5):
            sender.deliver_due()
        with db.session() as s:
            rows = s.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()
        broken = [r for r in rows if r.to_address == "a@[broken"]
        assert broken[0].failed_at is not None and "cannot build" in broken[0].last_error
        good = [r for r in rows if r.to_address != "a@[broken"]
        assert all(r.sent_at is not None for r in good), [(r.to_address, r.last_error) for r in good]
        received = server.handler.messages
        # the recruiter's and Laura's links to confirm their address, the hiring manager's invitation,
        # then per application the candidate's and the recruiter's
        assert len(received) == len(good) == 7
        for msg in received:
            assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
            assert msg["Bcc"] is None
            assert "victim@example.com" not in msg["X-Envelope-To"]
    finally:
        server.stop()


# --- 7. sign-in throttling per client address --------------------------------------------------

EMAIL = "cand@example.com"


def test_a_stranger_guessing_locks_out_only_themself(any_db):
    make_candidate(any_db, EMAIL)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            sign_in.login(any_db, EMAIL, "wrong guess!", client="203.0.113.66")
    with pytest.raises(TooManyAttempts):
        sign_in.login(any_db, EMAIL, PASSWORD, client="203.0.113.66")
    # The owner, from their own browser, signs in at once.
    assert sign_in.login(any_db, EMAIL, PASSWORD, client="198.51.100.7")
    assert throttle.recent_failures(any_db, EMAIL, "203.0.113.66") == 5


def test_one_address_spraying_many_accounts_is_throttled(db):
    for i in range(throttle.MAX_FAILURES_PER_CLIENT):
        with pytest.raises(Unauthenticated):
            sign_in.login(db, f"user{i}@example.com", "Summer2026!", client="203.0.113.9")
    make_candidate(db, EMAIL)
    with pytest.raises(TooManyAttempts):
        sign_in.login(db, EMAIL, PASSWORD, client="203.0.113.9")
    assert sign_in.login(db, EMAIL, PASSWORD, client="192.0.2.1")


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(db, monkeypatch):
    make_candidate(db, EMAIL)
    c = http(db)

    def guess(forwarded: str) -> int:
        return c.post(
            "/api/auth/login",
            json={"email": EMAIL, "password": "wrong guess!"},
            headers={"X-Forwarded-For": forwarded},
        ).status_code

    # Without a trusted proxy the header is the client's own words: rotating it changes nothing.
    assert [guess(f"10.0.0.{i}") for i in range(6)] == [401] * 5 + [429]
    # Behind one trusted proxy, the address it appended is the client's.
    monkeypatch.setenv("FLOWTRACK_TRUSTED_PROXY_HOPS", "1")
    assert guess("6.6.6.6, 10.9.9.9") == 401
    r = c.post(
        "/api/auth/login",
        json={"email": EMAIL, "password": PASSWORD},
        headers={"X-Forwarded-For": "192.0.2.50"},
    )
    assert r.status_code == 200


# --- 8. CORS origins ---------------------------------------------------------------------------


def test_allowed_origins_are_the_apps_own(monkeypatch):
    assert own_origins("https://jobs.example.com") == ("https://jobs.example.com",)
    assert own_origins("http://localhost:3000") == (
        "http://localhost:3000",
        "http://127.0.0.1:3000",
        "http://[::1]:3000",
    )


# --- 9. the API docs work offline --------------------------------------------------------------


def test_api_docs_are_served_from_this_origin(db):
    c = http(db)
    page = c.get("/api/docs")
    assert page.status_code == 200
    assert "/api/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert "cdn" not in page.headers["content-security-policy"]
    js = c.get("/api/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert len(js.content) > 100_000
    assert c.get("/api/docs/assets/..%2Fapp.py").status_code == 404
    assert c.get("/api/docs/assets/index.html").status_code == 404


# --- 10. what a websocket client can make the server keep or log -------------------------------


def test_router_data_keeps_only_the_browsers_bounded_fields():
    junk = "x" * 240_000
    event = clean_event(
        {
            "name": "state.go_home",
            "payload": {},
            "router_data": {
                "pathname": "/jobs",
                "asPath": "/jobs?x=1",
                "query": {"x": "1", "y": junk},
                "z": junk,
            },
        }
    )
    assert event["router_data"] == {"pathname": "/jobs", "asPath": "/jobs?x=1", "query": {"x": "1"}}
    assert clean_event("not an event") is None
    assert clean_event({"name": junk}) is None
    assert clean_event({"name": "a.b", "payload": junk}) is None
    assert clean_event({"name": "a.b", "router_data": {"pathname": junk}})["router_data"] == {}


def test_log_lines_are_cut_to_a_bounded_length(caplog):
    import logging

    install_log_truncation()
    with caplog.at_level(logging.WARNING, logger="flowtrack.test"):
        logging.getLogger("flowtrack.test").warning("payload: %s", "y" * 5_000_000)
    assert len(caplog.records[-1].getMessage()) < 2_100


# --- password reset ----------------------------------------------------------------------------


def _reset_link(db, email: str) -> str:
    with db.session() as s:
        row = s.exec(
            select(OutboxEmail).where(OutboxEmail.to_address == email, OutboxEmail.kind == "password_reset")
        ).all()[-1]
    token = row.body_text.split("/reset-password/", 1)[1].split()[0]
    return token


def test_password_reset_flow_over_http(any_db):
    make_candidate(any_db, EMAIL)
    c = http(any_db)
    old = c.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD}).json()["access_token"]
    known = c.post("/api/auth/password-reset", json={"email": EMAIL})
    unknown = c.post("/api/auth/password-reset", json={"email": "nobody@example.com"})
    malformed = c.post("/api/auth/password-reset", json={"email": "not an email"})
    assert known.status_code == unknown.status_code == malformed.status_code == 202
    assert known.json() == unknown.json() == malformed.json()
    token = _reset_link(any_db, EMAIL)
    with any_db.session() as s:  # only the hash is stored
        assert s.exec(select(PasswordReset.token_hash)).one() != token
    assert c.post(f"/api/auth/password-reset/{token}", json={"password": "12345678"}).status_code == 422
    r = c.post(f"/api/auth/password-reset/{token}", json={"password": "a fresh long passphrase"})
    assert r.status_code == 204, r.text
    # Every earlier token ends; the old password no longer works; the new one does.
    assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert c.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD}).status_code == 401
    assert (
        c.post("/api/auth/login", json={"email": EMAIL, "password": "a fresh long passphrase"}).status_code
        == 200
    )
    # The link works once.
    again = c.post(f"/api/auth/password-reset/{token}", json={"password": "another long passphrase"})
    assert again.status_code == 409
    assert (
        c.post("/api/auth/password-reset/not-a-real-token-at-all", json={"password": "x" * 12}).status_code
        == 404
    )


def test_a_reset_link_expires_after_an_hour(db, candidate):
    password_reset.request_reset(db, EMAIL)
    token = _reset_link(db, EMAIL)
    with db.session(write=True) as s:
        s.execute(update(PasswordReset).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with pytest.raises(Conflict, match="expired"):
        password_reset.reset_password(db, token, "a fresh long passphrase")
    assert sign_in.login(db, EMAIL, PASSWORD)


def test_reset_requests_cannot_flood_a_mailbox(db, candidate):
    for _ in range(10):
        password_reset.request_reset(db, EMAIL)
    with db.session() as s:
        sent = s.exec(select(OutboxEmail).where(OutboxEmail.kind == "password_reset")).all()
    assert len(sent) == password_reset.MAX_OPEN_REQUESTS


def test_a_reset_lifts_the_owners_sign_in_throttle(db, candidate):
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            sign_in.login(db, EMAIL, "wrong guess!", client="198.51.100.7")
    password_reset.request_reset(db, EMAIL)
    password_reset.reset_password(db, _reset_link(db, EMAIL), "a fresh long passphrase")
    assert sign_in.login(db, EMAIL, "a fresh long passphrase", client="198.51.100.7")
    with pytest.raises(NotFound):
        password_reset.check_token(db, "x" * 40)
