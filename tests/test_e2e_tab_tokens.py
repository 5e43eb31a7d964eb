"""A closed tab's client token does not act as its user.

Reflex keys a tab's page states by the tab's client token (kept in the browser's sessionStorage)
and runs any event sent over a socket that connected with it. An attacker who learns the token
of a recruiter's closed tab connects with it (tests/socket_client.py speaks Reflex's protocol)
and sends events without a hydrate, or swaps the stored JWT first: nothing of the board comes
back and nothing is written. The same user reconnecting, or reloading, keeps the tab.
"""

from __future__ import annotations

import io
import re
import time

import httpx
import pytest

from flowtrack_ui.state.profile import ProfileState

from .e2e_server import running_app
from .e2e_support import DEMO_PW, card, sign_in
from .socket_client import (
    BOARD,
    ROOT,
    SESSION,
    TOKEN_VAR,
    UPDATE_VARS,
    ReflexSocket,
    board_cards,
    board_route,
    signed_in_socket,
)

pytestmark = pytest.mark.e2e

RECRUITER = "recruiter@acme.test"
JOB = 1
PASSWORD = "correct horse battery"
PROFILE = ProfileState.get_full_name()
UPLOAD = f"{PROFILE}.upload_resume"


@pytest.fixture(scope="module")
def server():
    with running_app("flowtrack-e2e-tabs-") as srv:
        yield srv


@pytest.fixture(scope="module")
def api(server):
    with httpx.Client(base_url=server.url, timeout=20) as client:
        yield client


def bearer(api, email: str, password: str = DEMO_PW) -> dict:
    r = api.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def history(api, app_id: int) -> list[dict]:
    r = api.get(f"/api/history/application/{app_id}", headers=bearer(api, RECRUITER))
    assert r.status_code == 200, r.text
    return r.json()


def new_applicant(api, name: str) -> int:
    """A new candidate's application to job 1, made over the API (its card starts in Applied)."""
    email = name.lower().replace(" ", ".") + "@example.com"
    r = api.post("/api/auth/register", json={"email": email, "password": PASSWORD, "full_name": name})
    assert r.status_code == 201, r.text
    questions = api.get(f"/api/jobs/{JOB}").json()["questions"]
    answers = [
        {
            "question_id": q["id"],
            "answer": {"yes_no": "yes", "single_choice": (q["choices"] or [""])[0]}.get(q["kind"], "n/a"),
        }
        for q in questions
        if q["required"]
    ]
    r = api.post(
        f"/api/applications/?job_id={JOB}", json={"answers": answers}, headers=bearer(api, email, PASSWORD)
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def open_board(server, api, name: str) -> tuple[ReflexSocket, list[dict], dict]:
    """A recruiter's tab, signed in, showing job 1's board with a new applicant's card in Applied:
    the socket, every card it was sent, and the new applicant's card."""
    app_id = new_applicant(api, name)
    tab = signed_in_socket(server.url, RECRUITER, DEMO_PW)
    tab.send(f"{BOARD}.load", {}, board_route(JOB))
    assert tab.wait_for(lambda c: any(card["id"] == app_id for card in board_cards(c))), tab.text()[-500:]
    tab.settle(0.5)
    cards = board_cards(tab)
    applied = next(c for c in cards if c["id"] == app_id)
    assert applied["stage"] == "Applied" and applied["name"] == name
    return tab, cards, applied


def connect_as(server, client_token: str) -> ReflexSocket:
    """A new socket with a closed tab's client token, once the server has let go of the old one."""
    for _ in range(40):
        sock = ReflexSocket(server.url, client_token)
        sock.settle(0.3)
        if not sock.new_tokens:  # the server took it as that tab, not as a duplicate of an open one
            return sock
        sock.close()
        time.sleep(0.25)
    raise AssertionError("the closed tab's socket is still linked to its client token")


def close_tab(tab: ReflexSocket) -> str:
    token = tab.client_token
    tab.close()
    return token


def assert_no_board(seen: str, cards: list[dict]) -> None:
    leaked = [c["name"] for c in cards if c["name"] in seen]
    assert leaked == [], leaked
    assert "@example.com" not in seen
    assert "Rita Recruiter" not in seen and RECRUITER not in seen


def test_refresh_on_a_closed_tabs_token_sends_no_board(server, api):
    tab, cards, _ = open_board(server, api, "Rhea Refresh")
    thief = connect_as(server, close_tab(tab))
    try:
        thief.send(f"{BOARD}.refresh", {}, board_route(JOB))
        thief.send(f"{BOARD}.show_more", {"stage": "Applied"}, board_route(JOB))
        thief.settle(1.0)
        assert thief.last_value(BOARD, "columns") is None  # no board at all, not even an empty one
        assert_no_board(thief.text(), cards)
    finally:
        thief.close()


def test_move_on_a_closed_tabs_token_is_refused_and_writes_no_history(server, api):
    tab, cards, applied = open_board(server, api, "Moe Mover")
    before = history(api, applied["id"])
    thief = connect_as(server, close_tab(tab))
    try:
        move = {"application_id": applied["id"], "target": "Screening", "source": "Applied", "seq": 1}
        thief.send(f"{BOARD}.move", move, board_route(JOB))
        thief.settle(1.0)
        assert "Moved to" not in thief.text()
        assert_no_board(thief.text(), cards)
    finally:
        thief.close()
    assert history(api, applied["id"]) == before
    apps = api.get(f"/api/applications/job/{JOB}", headers=bearer(api, RECRUITER)).json()
    assert next(a["stage"] for a in apps if a["id"] == applied["id"]) == "Applied"


@pytest.mark.parametrize("hydrated", [False, True], ids=["no hydrate", "after its own hydrate"])
def test_a_swapped_jwt_reads_nothing_the_tab_held(server, api, hydrated):
    tab, cards, applied = open_board(server, api, f"Ava Asked {'Later' if hydrated else 'First'}")
    email = f"nosy{int(hydrated)}@example.org"
    r = api.post(
        "/api/auth/register",
        json={"email": email, "password": "nosy parker 2026", "full_name": "Nosy Parker"},
    )
    assert r.status_code == 201, r.text
    nosy_jwt = bearer(api, email, "nosy parker 2026")["Authorization"].split()[1]
    thief = connect_as(server, close_tab(tab))
    try:
        if hydrated:  # a hydrate without the recruiter's JWT: the tab's states are reset first
            thief.send(f"{ROOT}.hydrate_and_load", {"vars": {}}, board_route(JOB))
            assert thief.wait_for(lambda c: c.updates)
            thief.settle(0.5)
        thief.send(UPDATE_VARS, {"vars": {TOKEN_VAR: nosy_jwt}}, board_route(JOB))
        thief.send(
            f"{BOARD}.ask",
            {"application_id": applied["id"], "target": "Rejected", "source": "Applied"},
            board_route(JOB),
        )
        thief.settle(1.0)
        assert_no_board(thief.text(), cards)
    finally:
        thief.close()
    assert history(api, applied["id"])[-1]["new_stage"] == "Applied"


def test_an_ended_jwt_ends_the_open_tab_before_any_handler(server, api):
    tab, cards, applied = open_board(server, api, "Enzo Ended")
    try:
        # The recruiter signs out elsewhere: every token issued so far ends, this tab's too.
        r = api.post("/api/auth/logout", headers=bearer(api, RECRUITER))
        assert r.status_code in (200, 204), r.text
        tab.clear()
        # `ask` reads the board the tab holds; it must not run on it once the JWT has ended.
        tab.send(
            f"{BOARD}.ask",
            {"application_id": applied["id"], "target": "Rejected", "source": "Applied"},
            board_route(JOB),
        )
        assert tab.wait_for(lambda c: "/login" in c.text()), tab.text()[-500:]
        tab.settle(0.5)
        assert_no_board(tab.text(), cards)
        assert tab.last_value(SESSION, "token") == ""
    finally:
        tab.close()


def test_the_same_user_reconnecting_keeps_the_tab(server, api):
    tab, _, applied = open_board(server, api, "Remy Reconnect")
    jwt = tab.last_value(SESSION, "token")
    assert jwt
    before = history(api, applied["id"])
    # As the browser does after a network blip: the same client token, hydrating with its JWT.
    back = connect_as(server, close_tab(tab))
    try:
        back.send(f"{ROOT}.hydrate_and_load", {"vars": {TOKEN_VAR: jwt}}, board_route(JOB))
        assert back.wait_for(lambda c: board_cards(c)), back.text()[-500:]
        back.settle(0.5)
        assert back.last_value(SESSION, "token") in (None, jwt)  # never cleared: still signed in
        move = {"application_id": applied["id"], "target": "Screening", "source": "Applied", "seq": 1}
        back.send(f"{BOARD}.move", move, board_route(JOB))
        assert back.wait_for(lambda c: "Moved to Screening" in c.text()), back.text()[-500:]
    finally:
        back.close()
    after = history(api, applied["id"])
    assert len(after) == len(before) + 1
    assert after[-1]["new_stage"] == "Screening" and after[-1]["changed_by_name"] == "Rita Recruiter"


def test_a_browser_tab_survives_a_dropped_socket_and_a_reload(server, api, new_page):
    page = new_page()
    sockets = []

    def through(ws):  # every websocket of the page passes here, so the test can drop one
        sockets.append((ws, ws.connect_to_server()))

    names = ["Bea Blip", "Ray Reload"]
    for name in names:
        new_applicant(api, name)
    page.route_web_socket(re.compile(r"/_event"), through)
    sign_in(page, server, RECRUITER)
    page.goto(f"{server.url}/board?job={JOB}")
    for name in names:
        card(page, "Applied", name).wait_for()

    # A network blip: the socket closes under the page, which reconnects by itself.
    opened = len(sockets)
    to_page, to_server = sockets[-1]
    to_server.close()
    to_page.close()
    deadline = time.time() + 30
    while len(sockets) == opened and time.time() < deadline:
        page.wait_for_timeout(200)
    assert len(sockets) > opened, "the page did not reconnect"

    def moves(name: str) -> None:
        """Still the recruiter, on this connection: a move goes through and names her."""
        app_id = int(card(page, "Applied", name).get_attribute("data-card-id"))
        card(page, "Applied", name).locator("[data-testid=move-menu]").click()
        page.locator("[data-testid=move-to-Screening]").click()
        card(page, "Screening", name).wait_for()
        rows = history(api, app_id)
        assert rows[-1]["new_stage"] == "Screening", rows
        assert rows[-1]["changed_by_name"] == "Rita Recruiter"

    moves(names[0])
    page.reload()
    card(page, "Applied", names[1]).wait_for()
    page.locator("[data-testid=sign-out]").wait_for()
    moves(names[1])


def _pdf(text: str) -> bytes:
    """A one-page PDF whose metadata makes it a different file for each ``text``."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _post_upload(api, client_token: str, name: str) -> httpx.Response:
    return api.post(
        "/_upload",
        headers={"reflex-event-handler": UPLOAD, "reflex-client-token": client_token},
        files={"files": (name, _pdf(name), "application/pdf")},
    )


def test_an_upload_posted_with_a_closed_tabs_token_runs_nothing(server, api):
    """Reflex's /_upload takes a client token and a handler name, no socket: a closed tab's token
    posted there must neither replace the résumé nor send back the profile the tab showed."""
    email, name = "uma.upload@example.com", "Uma Uploadtest"
    r = api.post("/api/auth/register", json={"email": email, "password": PASSWORD, "full_name": name})
    assert r.status_code == 201, r.text
    me = bearer(api, email, PASSWORD)
    r = api.put("/api/me/profile", json={"full_name": name, "phone": "+44 20 7946 0958"}, headers=me)
    assert r.status_code == 200, r.text
    tab = signed_in_socket(server.url, email, PASSWORD)
    tab.send(f"{PROFILE}.load", {}, {"pathname": "/profile", "asPath": "/profile"})
    assert tab.wait_for(lambda c: "7946 0958" in c.text()), tab.text()[-500:]

    # The open tab uploads through /_upload as its page does: the résumé is stored.
    r = _post_upload(api, tab.client_token, "while-open.pdf")
    assert r.status_code == 200, r.text
    assert api.get("/api/me/profile", headers=me).json()["resume"]["name"] == "while-open.pdf"

    token = close_tab(tab)
    time.sleep(1.5)  # the server has seen the socket close
    r = _post_upload(api, token, "replayed.pdf")
    assert r.status_code < 500, r.text
    assert "7946 0958" not in r.text and name not in r.text and "while-open" not in r.text
    assert api.get("/api/me/profile", headers=me).json()["resume"]["name"] == "while-open.pdf"
