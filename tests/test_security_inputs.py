"""Input an outside review sent to the REST API: each once answered 500 or matched too much.

Deeply nested JSON, dates near the ends of the calendar, ids past the database's integers, the
account-erasing password check used as an unthrottled password oracle, and LIKE wildcards in
searches. Reflex's own upload endpoint is tested against the running app, in
test_e2e_security_inputs.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flowtrack_ui.api.app import create_api
from flowtrack_ui.api.hardening import MAX_JSON_DEPTH, Hardening, nests_too_deep
from flowtrack_ui.core import jobs, queries, throttle
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews
from flowtrack_ui.core.errors import InvalidInput, TooManyAttempts, Unauthenticated
from flowtrack_ui.core.models import User
from flowtrack_ui.core.privacy import erase
from flowtrack_ui.state import account, session
from flowtrack_ui.state.account import AccountState

from .conftest import PASSWORD, make_candidate, make_company
from .test_handlers import call, state_for

EMAIL = "cand@example.com"
FAR = {"starts_at": "9999-12-31T23:59", "timezone": "Etc/GMT+12"}


def http(db, client: str = "203.0.113.10", hardened: bool = True) -> TestClient:
    api = create_api(lambda: db)
    return TestClient(
        Hardening(api) if hardened else api, raise_server_exceptions=False, client=(client, 50000)
    )


def bearer(c: TestClient, email: str) -> dict:
    r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def refused(r, status: int, words: str) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    detail = r.json()["detail"]
    assert words in (detail if isinstance(detail, str) else repr(detail)), detail


@pytest.fixture
def hiring(any_db):
    """Acme with a job, a candidate who applied, and the recruiter's API client."""
    acme = make_company(any_db, "Acme")
    cand = make_candidate(any_db, EMAIL)
    app = apply(any_db, cand, acme.job_id)
    c = http(any_db)
    return acme, app, c, bearer(c, "rec@acme.test")


def interview(acme, **fields) -> dict:
    return {
        "starts_at": "2030-03-04T10:00",
        "timezone": "Europe/Lisbon",
        "video_url": "https://meet.example.com/room",
        "interviewer_ids": [acme.manager.user_id],
        **fields,
    }


# --- JSON nested a thousand deep -----------------------------------------------------------------


def _deep_list(n: int) -> str:
    return '{"email": ' + "[" * n + "]" * n + ', "password": "x"}'


def _deep_object(n: int) -> str:
    return '{"a": ' * n + "1" + "}" * n


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("POST", "/api/auth/login", _deep_list(1000)),
        ("POST", "/api/auth/login", _deep_object(1000)),
        ("POST", "/api/auth/register", _deep_object(100_000)),
        ("PUT", "/api/me/profile", _deep_list(MAX_JSON_DEPTH + 1)),
        ("POST", "/api/applications/1/interviews", "[" * 50_000),
    ],
)
def test_deeply_nested_json_is_refused_before_parsing(db, method, path, body):
    r = http(db).request(method, path, content=body, headers={"content-type": "application/json"})
    refused(r, 422, f"nests deeper than {MAX_JSON_DEPTH} levels")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_nesting_within_the_limit_and_brackets_in_strings_pass(db):
    make_candidate(db, EMAIL)
    c = http(db)
    # As deep as allowed: the parser sees it, and the schema refuses it as usual.
    r = c.post(
        "/api/auth/login",
        content=_deep_list(MAX_JSON_DEPTH - 1),
        headers={"content-type": "application/json"},
    )
    refused(r, 422, "Send email")
    # Brackets inside strings are text, however many: a password made of them signs in.
    sign_in.change_password(
        db, sign_in.principal_from_token(db, sign_in.login(db, EMAIL, PASSWORD)), PASSWORD, "[{" * 40
    )
    r = c.post("/api/auth/login", json={"email": EMAIL, "password": "[{" * 40})
    assert r.status_code == 200, r.text
    assert not nests_too_deep(b'{"a": "' + b'\\"[' * 100 + b'"}')
    assert nests_too_deep(b'["\\\\", ' + b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH + b"]")


def test_a_recursion_error_behind_the_body_guard_is_still_a_4xx(db):
    """Without the guard (an app mounted elsewhere), the login's parser recurses: 422, not 500."""
    r = http(db, hardened=False).post(
        "/api/auth/login", content=_deep_list(2000), headers={"content-type": "application/json"}
    )
    refused(r, 422, "nested too deeply")


# --- dates near the ends of the calendar ---------------------------------------------------------


def test_an_interview_in_year_9999_is_422_not_500(hiring):
    acme, app, c, rec = hiring
    r = c.post(f"/api/applications/{app.id}/interviews", json=interview(acme, **FAR), headers=rec)
    refused(r, 422, "between the years 1970 and 2100")
    r = c.post(f"/api/applications/{app.id}/interviews", json=interview(acme), headers=rec)
    assert r.status_code == 201, r.text
    moved = f"/api/interviews/{r.json()['id']}"
    refused(c.patch(moved, json=FAR, headers=rec), 422, "between the years 1970 and 2100")
    early = {"starts_at": "0001-01-01T00:00", "timezone": "Etc/GMT-14"}
    refused(c.patch(moved, json=early, headers=rec), 422, "between the years 1970 and 2100")
    offset = {"starts_at": "0001-01-01T00:00+14:00"}
    refused(c.patch(moved, json=offset, headers=rec), 422, "between the years 1970 and 2100")
    assert (
        c.get(f"/api/applications/{app.id}/interviews", headers=rec)
        .json()[0]["starts_at"]
        .startswith("2030-03-04")
    )


def test_the_scheduling_use_case_refuses_it_for_every_caller(db):
    """The Reflex scheduling dialog calls the same use case: the rule is in the core."""
    acme = make_company(db, "Acme")
    app = apply(db, make_candidate(db, EMAIL), acme.job_id)
    with pytest.raises(InvalidInput, match="1970 and 2100"):
        interviews.schedule(db, acme.recruiter, app.id, interview(acme, **FAR))
    assert interviews.for_application(db, acme.recruiter, app.id) == []


@pytest.mark.parametrize("path", ["/api/analytics", "/api/analytics.csv"])
@pytest.mark.parametrize(
    "query",
    ["since=0001-01-01&until=9999-12-31", "until=9999-12-31", "since=1969-12-31", "until=2101-01-01"],
)
def test_analytics_ranges_past_the_calendar_are_422(hiring, path, query):
    _acme, _app, c, rec = hiring
    refused(c.get(f"{path}?{query}", headers=rec), 422, "between the years 1970 and 2100")
    assert c.get(f"{path}?since=1970-01-01&until=2100-12-31", headers=rec).status_code == 200


# --- ids past the database's integers (PostgreSQL: integer out of range) --------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/applications/{big}",
        "/api/jobs/{big}",
        "/api/applications/job/{big}",
        "/api/history/application/{big}",
        "/api/applications/{big}/interviews",
        "/api/candidates?job_id={big}",
        "/api/analytics?job_id={big}",
    ],
)
def test_ids_past_the_database_integer_are_422(hiring, path):
    _acme, _app, c, rec = hiring
    refused(c.get(path.format(big=2**40), headers=rec), 422, "at most 2147483647")
    assert c.get(path.format(big=2**31 - 1), headers=rec).status_code == 404


def test_a_huge_id_in_a_body_is_422(hiring):
    acme, app, c, rec = hiring
    body = interview(acme, interviewer_ids=[2**40])
    refused(
        c.post(f"/api/applications/{app.id}/interviews", json=body, headers=rec), 422, "at most 2147483647"
    )


# --- the password check of erasing one's own account ---------------------------------------------


def test_erasing_ones_account_throttles_wrong_passwords_per_address(any_db):
    make_candidate(any_db, EMAIL)
    thief = http(any_db, client="203.0.113.66")
    token = bearer(thief, EMAIL)  # a stolen session: the password is what it lacks
    for _ in range(throttle.MAX_FAILURES):
        r = thief.request("DELETE", "/api/me", json={"password": "a guess at it"}, headers=token)
        refused(r, 422, "password is not right")
    r = thief.request("DELETE", "/api/me", json={"password": "another guess"}, headers=token)
    refused(r, 429, "Too many failed")
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60 + 1
    # Even the right password waits at that address; nothing was erased.
    refused(thief.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=token), 429, "Too many")
    assert sign_in.login(any_db, EMAIL, PASSWORD, client="198.51.100.7")
    # The owner, from their own address, erases their account.
    owner = http(any_db, client="198.51.100.7")
    r = owner.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=bearer(owner, EMAIL))
    assert r.status_code == 200, r.text
    with pytest.raises(Unauthenticated):
        sign_in.login(any_db, EMAIL, PASSWORD, client="198.51.100.8")


def test_erase_guesses_count_with_sign_in_guesses(db):
    """One budget of guesses per (email, address), whichever form the guesses come through."""
    cand = make_candidate(db, EMAIL)
    for _ in range(throttle.MAX_FAILURES - 1):
        with pytest.raises(Unauthenticated):
            sign_in.login(db, EMAIL, "wrong password!", client="203.0.113.66")
    with pytest.raises(InvalidInput):
        erase.erase_own_account(db, cand, "wrong password!", "203.0.113.66")
    with pytest.raises(TooManyAttempts):
        sign_in.login(db, EMAIL, PASSWORD, client="203.0.113.66")
    with pytest.raises(TooManyAttempts):
        erase.erase_own_account(db, cand, PASSWORD, "203.0.113.66")
    assert erase.erase_own_account(db, cand, PASSWORD, "198.51.100.7").account_erased


def test_the_account_page_handler_counts_guesses_per_address(db, monkeypatch):
    for module in (session, account):
        monkeypatch.setattr(module, "db", lambda: db)
    cand = make_candidate(db, EMAIL)
    st = state_for(AccountState, cand)
    for _ in range(throttle.MAX_FAILURES):
        call(st, AccountState.erase_account, {"password": "wrong wrong wrong"})
        assert "not right" in st.erase_error
    call(st, AccountState.erase_account, {"password": "wrong wrong wrong"})
    assert "Too many failed" in st.erase_error
    assert throttle.recent_failures(db, EMAIL, st.router.session.client_ip) == throttle.MAX_FAILURES
    assert sign_in.login(db, EMAIL, PASSWORD, client="198.51.100.7")


# --- LIKE wildcards in searches ----------------------------------------------------------------


@pytest.fixture
def applicants(any_db):
    acme = make_company(any_db, "Acme")
    names = {
        "ann_lee@example.com": "Ann Lee",
        "bob@example.com": "Bob 100% Smith",
        "cy@example.com": "Cy Back\\slash",
        "dee@example.com": "Dee Plain",
    }
    for email, name in names.items():
        apply(any_db, make_candidate(any_db, email, name), acme.job_id)
    return acme


@pytest.mark.parametrize(
    "q,found",
    [
        ("_", ["ann_lee@example.com"]),
        ("%", ["bob@example.com"]),
        ("\\", ["cy@example.com"]),
        ("0%", ["bob@example.com"]),
        ("n_l", ["ann_lee@example.com"]),
        ("a%e", []),
        ("example", ["ann_lee@example.com", "bob@example.com", "cy@example.com", "dee@example.com"]),
    ],
)
def test_board_search_takes_wildcards_literally(any_db, applicants, q, found):
    c = http(any_db)
    r = c.get(
        f"/api/applications/job/{applicants.job_id}", params={"q": q}, headers=bearer(c, "rec@acme.test")
    )
    assert r.status_code == 200, r.text
    assert _emails(any_db, [a["candidate_id"] for a in r.json()]) == found
    # The board page's search box goes through the same use case.
    board = queries.board(any_db, applicants.recruiter, applicants.job_id, search=q)
    assert board.total == len(found)


def _emails(db, user_ids: list[int]) -> list[str]:
    with db.session() as s:
        return sorted(s.get(User, i).email for i in user_ids)


def test_job_search_takes_wildcards_literally(db):
    acme = make_company(db, "Acme")
    jobs.create_job(db, acme.recruiter, "QA_Engineer", "Tests", "Remote")
    titles = {j.title for j in jobs.list_jobs(db, acme.recruiter, search="_")}
    assert titles == {"QA_Engineer"}
    assert jobs.list_jobs(db, acme.recruiter, search="%") == []
    assert {j.title for j in jobs.list_jobs(db, acme.recruiter, search="engineer")} == {
        "QA_Engineer",
        "Acme Engineer",
    }
