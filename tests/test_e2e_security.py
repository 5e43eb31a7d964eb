"""The outside attack, replayed against the running app: raw websocket events, HTTP, the browser.

A small socket.io client (tests/socket_client.py) connects with any client token and sends
any event, as an attacker's script does. The app runs as `make run` serves it, with its email
sender delivering to a loopback SMTP server.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
import urllib.request
from pathlib import Path

import httpx
import pytest

from .e2e_server import running_app
from .e2e_support import DEMO_PW, apply_one_step, emailed_link
from .smtp_support import smtp_server
from .socket_client import BOARD, SESSION, ReflexSocket

pytestmark = pytest.mark.e2e

AUTH = f"{SESSION}.flowtrack_ui___state___auth____auth_state"
RECRUITER = "recruiter@acme.test"


@pytest.fixture(scope="module")
def smtp():
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def server(smtp):
    # An empty secret: the app generates its own file, whose mode is checked below.
    with running_app(
        "flowtrack-e2e-sec-", {"FLOWTRACK_SMTP_URL": smtp.url, "FLOWTRACK_JWT_SECRET": ""}
    ) as srv:
        yield srv


@pytest.fixture(scope="module")
def api(server):
    with httpx.Client(base_url=server.url, timeout=20) as client:
        yield client


def bearer(api, email: str, password: str = DEMO_PW) -> dict:
    r = api.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def signed_in_socket(server, email: str, password: str = DEMO_PW) -> ReflexSocket:
    """A websocket session that signed in through the sign-in form's event."""
    sock = ReflexSocket(server.url)
    sock.hydrate("/login")
    assert sock.wait_for(lambda c: c.updates)
    sock.settle(0.3)
    sock.send(f"{AUTH}.login", {"form": {"email": email, "password": password}}, {"pathname": "/login"})
    assert sock.wait_for(lambda c: "Welcome" in c.text()), sock.text()[-500:]
    sock.settle(0.3)
    return sock


def board_route(job: int) -> dict:
    return {"pathname": "/board", "asPath": f"/board?job={job}", "query": {"job": str(job)}}


def open_board(sock: ReflexSocket, job: int = 1) -> None:
    sock.send(f"{BOARD}.load", {}, board_route(job))
    sock.settle(0.5)


# --- 2. page data does not outlive the session -------------------------------------------------


@pytest.mark.parametrize("how", ["signed out", "tab closed"])
def test_an_old_client_token_hydrates_no_data(server, how):
    tab = signed_in_socket(server, RECRUITER)
    open_board(tab)
    assert "@example.com" in tab.text()  # the board holds candidate emails
    if how == "signed out":
        tab.send(f"{SESSION}.sign_out", {}, {"pathname": "/board"})
        assert tab.wait_for(lambda c: "You are signed out" in c.text())
    client_token = tab.client_token
    tab.close()

    # Anyone holding the tab's client token (but no valid JWT) connects and hydrates.
    thief = ReflexSocket(server.url, client_token)
    try:
        thief.hydrate("/board", query={"job": "1"})
        assert thief.wait_for(lambda c: c.updates)
        thief.settle(1.0)
        seen = thief.text()
        assert "@example.com" not in seen
        assert "Rita Recruiter" not in seen and "recruiter@acme.test" not in seen
    finally:
        thief.close()


def test_another_account_in_the_same_tab_sees_nothing_of_the_first(server, api):
    tab = signed_in_socket(server, RECRUITER)
    open_board(tab)
    client_token = tab.client_token
    tab.close()
    api.post(
        "/api/auth/register",
        json={"email": "nosy@example.com", "password": "nosy parker 2026", "full_name": "Nosy Parker"},
    )
    nosy_token = bearer(api, "nosy@example.com", "nosy parker 2026")["Authorization"].split()[1]
    thief = ReflexSocket(server.url, client_token)
    try:
        thief.hydrate("/board", vars={f"{SESSION}.token_rx_state_": nosy_token}, query={"job": "1"})
        assert thief.wait_for(lambda c: c.updates)
        thief.settle(1.0)
        assert "@example.com" not in thief.text().replace("nosy@example.com", "")
    finally:
        thief.close()


# --- 3. no live side channel into another company ----------------------------------------------


def test_another_companys_recruiter_hears_nothing_of_our_moves(server, api):
    r = api.post(
        "/api/companies",
        json={
            "company_name": "Globex",
            "email": "rec@globex.test",
            "password": "globex passphrase",
            "full_name": "Greta Globex",
        },
    )
    assert r.status_code == 201, r.text
    spy = signed_in_socket(server, "rec@globex.test", "globex passphrase")
    try:
        open_board(spy, 1)  # Acme's job
        for _ in range(5):
            spy.send(f"{BOARD}.watch", {}, board_route(1))
        spy.settle(1.0)
        spy.clear()
        acme = bearer(api, RECRUITER)
        apps = api.get("/api/applications/job/1", headers=acme).json()
        moved = next(a for a in apps if a["stage"] == "Applied")
        r = api.patch(f"/api/applications/{moved['id']}/stage?new_stage=Screening", headers=acme)
        assert r.status_code == 200, r.text
        time.sleep(3)
        assert spy.updates == [], spy.text()[:500]
    finally:
        spy.close()
    assert "follows job:1 for client " + spy.client_token[:8] not in server.log()


def test_one_live_task_per_page_however_many_watch_events(server):
    tab = signed_in_socket(server, RECRUITER)
    try:
        open_board(tab, 1)
        for _ in range(20):
            tab.send(f"{BOARD}.watch", {}, board_route(1))
        tab.settle(1.0)
        short = tab.client_token[:8]
        log = server.log()
        started = log.count(f"follows job:1 for client {short}")
        replaced = log.count(f"a newer live task replaced this one for job:1, client {short}")
        assert started == 21 and replaced == 20, (started, replaced)
    finally:
        tab.close()


# --- 10. unauthenticated clients cannot grow the log or the state ------------------------------


def test_malformed_events_write_bounded_log_lines(server):
    before = os.path.getsize(server.log_path)
    junk = "x" * 100_000
    sock = ReflexSocket(server.url)
    try:
        for _ in range(20):
            sock.send_raw(junk)
            sock.send_raw({"name": junk})
            sock.send_raw({"name": f"{SESSION}.go_home", "payload": junk})
        sock.settle(1.0)
    finally:
        sock.close()
    time.sleep(1)
    grown = os.path.getsize(server.log_path) - before
    assert grown < 60 * 2_100, grown  # 6 MB sent, at most one short line per event logged


def test_an_oversized_message_ends_the_connection(server):
    sock = ReflexSocket(server.url)
    sock.send(f"{SESSION}.go_home", {}, {"pathname": "/", "junk": "y" * 200_000})
    assert sock.wait_for(lambda c: not c.sio.connected, timeout=10)
    sock.close()


# --- 7, 8, 9. throttling per address, CORS, bind address, file modes, offline docs --------------


def test_cors_allows_only_the_apps_own_origin(server):
    evil = urllib.request.Request(
        server.url + "/api/health", headers={"Origin": "https://evil.example", "Cookie": "a=b"}
    )
    with urllib.request.urlopen(evil) as r:
        assert r.headers.get("access-control-allow-origin") is None
    own = urllib.request.Request(server.url + "/api/health", headers={"Origin": server.url})
    with urllib.request.urlopen(own) as r:
        assert r.headers.get("access-control-allow-origin") == server.url
    preflight = httpx.options(
        server.url + "/api/auth/me",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers.get("access-control-allow-origin") is None


def _listening_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


def test_listens_on_loopback_only_and_keeps_files_private(server):
    addresses = _listening_addresses(server.port)
    assert addresses == {"0100007F"}, addresses  # 127.0.0.1, nothing on 0.0.0.0 or ::
    data = server.data_dir
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("flowtrack.db", "jwt_secret"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    for extra in data.glob("flowtrack.db-*"):
        assert stat.S_IMODE(extra.stat().st_mode) == 0o600, extra.name


def test_api_docs_load_without_the_internet(server, new_page):
    page = new_page()
    outside = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(server.url) else None)
    page.goto(server.url + "/api/docs")
    page.get_by_text("/api/auth/login").first.wait_for()
    assert outside == []


def test_a_strangers_guesses_do_not_lock_the_owner_out(server, new_page):
    # The stranger guesses from 127.0.0.2; a forged X-Forwarded-For changes nothing (no proxy trusted).
    stranger = httpx.Client(
        base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=20
    )
    with stranger:
        for i in range(5):
            r = stranger.post(
                "/api/auth/login",
                json={"email": "alice@example.com", "password": "wrong guess!"},
                headers={"X-Forwarded-For": f"198.51.100.{i}"},
            )
            assert r.status_code == 401
        r = stranger.post("/api/auth/login", json={"email": "alice@example.com", "password": DEMO_PW})
        assert r.status_code == 429
    # The owner, in her own browser (127.0.0.1), signs in at once.
    page = new_page()
    page.goto(server.url + "/login")
    page.fill("#email", "alice@example.com")
    page.fill("#password", DEMO_PW)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=sign-out]")


# --- password reset and sign-up from a job, in the browser -------------------------------------


def _reset_link(smtp, address: str, timeout: float = 30) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        for msg in smtp.handler.messages:
            if address in msg["X-Envelope-To"] and "Reset your FlowTrack password" in msg["Subject"]:
                text = msg.get_body(("plain",)).get_content()
                return re.search(r"https?://\S+/reset-password/\S+", text).group(0)
        time.sleep(0.2)
    raise AssertionError(f"no reset email for {address}")


def test_password_reset_end_to_end(server, smtp, new_page):
    page = new_page()
    page.goto(server.url + "/login")
    page.click("text=Forgot your password?")
    page.wait_for_url(re.compile("/forgot-password"))
    # The address changes before the new page is drawn: the sign-in page's own #email field may
    # still be there to fill.
    page.locator("[data-testid=reset-request-submit]").wait_for()
    page.fill("#email", "bilal@example.com")
    page.click("[data-testid=reset-request-submit]")
    page.wait_for_selector("[data-testid=reset-requested]")

    link = _reset_link(smtp, "bilal@example.com")
    page.goto(link.replace("http://localhost:3000", server.url))
    page.get_by_text("For bilal@example.com").wait_for()
    page.fill("#password", "password123")
    page.click("[data-testid=reset-submit]")
    page.locator("[data-testid=form-error]", has_text="common").wait_for()
    page.fill("#password", "bobs brand new passphrase")
    page.click("[data-testid=reset-submit]")
    page.wait_for_url(re.compile("/login"))
    page.locator("[data-testid=login-submit]").wait_for()

    page.fill("#email", "bilal@example.com")
    page.fill("#password", "bobs brand new passphrase")
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=sign-out]")

    # The link worked once.
    again = new_page()
    again.goto(link.replace("http://localhost:3000", server.url))
    again.get_by_text("already been used").wait_for()


def test_an_old_job_link_leads_to_applying_without_an_account(server, smtp, new_page):
    """The first careers site's job links (``/careers/job?id=N``, a ``?source=`` tag kept) reach the
    job's page, where one applies without signing up; the emailed link is the way in, once."""
    with urllib.request.urlopen(server.url + "/api/jobs/") as r:
        job = next(j for j in json.load(r) if j["title"] == "Product Designer")
    page = new_page()
    old_link = f"{server.url}/careers/job?id={job['id']}&source=newsletter"
    apply_one_step(page, server, job["title"], "Nina Newcomer", "nina@example.com", url=old_link)
    link = emailed_link(smtp, "nina@example.com")
    page.goto(link)
    page.click("[data-testid=track-submit]")
    page.wait_for_url(re.compile("/my-applications"))
    page.locator('[data-testid=my-application][data-job="Product Designer"]').wait_for()
    # The link is spent: in another browser it signs no one in.
    stranger = new_page()
    stranger.goto(link)
    stranger.click("[data-testid=track-submit]")
    stranger.locator("[data-testid=form-error]", has_text="already been used").wait_for()
    assert stranger.locator("[data-testid=sign-out]").count() == 0
