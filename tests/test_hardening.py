"""Sign-in throttling, ending tokens (sign-out, password change), security headers, size limits."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from starlette.applications import Starlette

from flowtrack_ui.api.app import UnroutablePaths, create_api
from flowtrack_ui.api.hardening import Hardening
from flowtrack_ui.core import throttle
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.errors import InvalidInput, TooManyAttempts, Unauthenticated
from flowtrack_ui.core.models import SignInFailure

from .conftest import PASSWORD, make_candidate

EMAIL = "cand@example.com"


def fail(db, times: int, email: str = EMAIL) -> None:
    for _ in range(times):
        with pytest.raises(Unauthenticated):
            sign_in.login(db, email, "wrong password!")


def test_five_failures_lock_the_email_even_for_the_right_password(any_db):
    make_candidate(any_db, EMAIL)
    fail(any_db, 5)
    with pytest.raises(TooManyAttempts) as refused:
        sign_in.login(any_db, EMAIL, PASSWORD)
    assert 14 * 60 < refused.value.retry_after <= 15 * 60 + 1
    assert "Try again in 15 minutes" in refused.value.message
    # Another email is unaffected, and refused attempts do not extend the lock.
    make_candidate(any_db, "other@example.com", "Olive Other")
    assert sign_in.login(any_db, "other@example.com", PASSWORD)
    assert throttle.recent_failures(any_db, EMAIL) == 5


def test_the_lock_lifts_when_failures_age_out(db, candidate):
    fail(db, 5)
    with db.session(write=True) as s:
        s.execute(update(SignInFailure).values(failed_at=datetime.now(UTC) - timedelta(minutes=16)))
    assert sign_in.login(db, EMAIL, PASSWORD)
    assert throttle.recent_failures(db, EMAIL) == 0


def test_a_success_forgives_earlier_failures(db, candidate):
    fail(db, 4)
    assert sign_in.login(db, EMAIL, PASSWORD)
    fail(db, 4)
    assert sign_in.login(db, EMAIL, PASSWORD)


def test_unknown_emails_are_throttled_alike(db):
    fail(db, 5, "nobody@example.com")
    with pytest.raises(TooManyAttempts):
        sign_in.login(db, "nobody@example.com", "anything at all")


def test_parallel_guesses_cannot_pass_the_limit(any_db):
    make_candidate(any_db, EMAIL)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess():
        try:
            sign_in.login(any_db, EMAIL, "wrong password!")
            result = "ok"
        except TooManyAttempts:
            result = "throttled"
        except Unauthenticated:
            result = "checked"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("checked") == 5
    assert outcomes.count("throttled") == 7


def test_password_change_ends_earlier_tokens(db, candidate):
    old = sign_in.login(db, EMAIL, PASSWORD)
    new = sign_in.change_password(db, candidate, PASSWORD, "a brand new passphrase")
    with pytest.raises(Unauthenticated):
        sign_in.principal_from_token(db, old)
    assert sign_in.principal_from_token(db, new).email == EMAIL
    with pytest.raises(Unauthenticated):
        sign_in.login(db, EMAIL, PASSWORD)
    assert sign_in.login(db, EMAIL, "a brand new passphrase")


def test_password_change_needs_the_current_password(db, candidate):
    token = sign_in.login(db, EMAIL, PASSWORD)
    with pytest.raises(InvalidInput, match="current password"):
        sign_in.change_password(db, candidate, "not my password", "a brand new passphrase")
    with pytest.raises(InvalidInput, match="at least 10"):
        sign_in.change_password(db, candidate, PASSWORD, "short")
    assert sign_in.principal_from_token(db, token)  # nothing changed
    assert sign_in.login(db, EMAIL, PASSWORD)


# --- over HTTP ----------------------------------------------------------------------------------


def http(db, max_body: int = 1024 * 1024) -> TestClient:
    return TestClient(Hardening(create_api(lambda: db), max_body=max_body), raise_server_exceptions=False)


def test_api_answers_429_with_retry_after(any_db):
    make_candidate(any_db, EMAIL)
    c = http(any_db)
    for _ in range(5):
        assert c.post("/api/auth/login", json={"email": EMAIL, "password": "wrong!"}).status_code == 401
    r = c.post("/api/auth/login", data={"username": EMAIL, "password": PASSWORD})
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= 901
    assert "Too many failed sign-in attempts" in r.json()["detail"]


def test_api_logout_and_password_change_end_tokens(db, candidate):
    c = http(db)
    first = c.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD}).json()["access_token"]
    second = c.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD}).json()["access_token"]
    r = c.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "another long passphrase"},
        headers={"Authorization": f"Bearer {first}"},
    )
    assert r.status_code == 200, r.text
    fresh = r.json()["access_token"]
    for ended in (first, second):
        assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {ended}"}).status_code == 401
    me = c.get("/api/auth/me", headers={"Authorization": f"Bearer {fresh}"})
    assert me.status_code == 200
    bad = c.post(
        "/api/auth/password",
        json={"current_password": "nope", "new_password": "another long passphrase 2"},
        headers={"Authorization": f"Bearer {fresh}"},
    )
    assert bad.status_code == 422
    assert c.post("/api/auth/logout", headers={"Authorization": f"Bearer {fresh}"}).status_code == 204
    assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 401
    assert c.post("/api/auth/logout").status_code == 401


@pytest.mark.parametrize("path", ["/api/health", "/api/nowhere", "/api/jobs/abc", "/api/docs"])
def test_security_headers_on_every_response(db, path):
    r = http(db).get(path)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def _as_reflex_serves(db, wrap: bool) -> TestClient:
    """The API as Reflex serves it: mounted at "" under its outermost Starlette router."""
    top = Starlette()
    top.mount("", Hardening(create_api(lambda: db)))
    return TestClient(UnroutablePaths(top) if wrap else top, raise_server_exceptions=False)


@pytest.mark.parametrize("path", ["/api/offer-links/%0Aabc", "/api/a%0Ab/c", "/%0Aabc"])
def test_a_path_with_a_line_feed_gets_the_usual_404(db, path):
    # Reflex's mount does not route a line feed inside the path: a bare text 404, no security headers.
    bare = _as_reflex_serves(db, wrap=False).get(path)
    assert bare.status_code == 404 and "x-content-type-options" not in bare.headers
    served = _as_reflex_serves(db, wrap=True)
    r = served.get(path)
    assert r.status_code == 404
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    if path.startswith("/api/"):
        assert r.headers["content-type"] == "application/json"
        assert r.json() == {"detail": "Not found."}
    # Every other path is still routed.
    assert served.get("/api/jobs/abc").status_code == 422
    assert served.get("/api/jobs/1%0A").json() == {"detail": "Not found."}


def test_oversized_bodies_are_413_and_change_nothing(db):
    c = http(db, max_body=4096)
    huge = {"email": "x@example.com", "password": PASSWORD, "full_name": "X" * 10_000}
    r = c.post("/api/auth/register", json=huge)
    assert r.status_code == 413 and "larger than 4 KiB" in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"

    def chunks():  # no Content-Length: counted while it streams
        for _ in range(20):
            yield b" " * 1024

    r = c.post("/api/auth/register", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    with pytest.raises(Unauthenticated):
        sign_in.login(db, "x@example.com", PASSWORD)


def test_oversized_fields_are_422(db):
    c = http(db)
    r = c.post(
        "/api/auth/register",
        json={"email": "x@example.com", "password": PASSWORD, "full_name": "X" * 5000, "role": "candidate"},
    )
    assert r.status_code == 422
