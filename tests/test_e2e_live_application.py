"""In Chromium: an open application page follows its application's moves without a reload, whether
the card is moved through the REST API or dragged on the job's board in another tab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .e2e_server import running_app
from .e2e_support import DEMO_PW, api, api_answers, card, drag, job_id, sign_in

pytestmark = pytest.mark.e2e

JOB = "Senior Backend Engineer"
NAME = "Liv Update"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server():
    with running_app("flowtrack-e2e-live-application-") as srv:
        yield srv


def _token(server, email: str, password: str) -> str:
    return api(server, "POST", "/api/auth/login", {"email": email, "password": password})["access_token"]


def test_the_application_page_shows_a_move_made_elsewhere(server, new_page):
    job = job_id(server, JOB)
    api(
        server,
        "POST",
        "/api/auth/register",
        {"email": "liv@example.com", "password": PASSWORD, "full_name": NAME},
    )
    candidate = _token(server, "liv@example.com", PASSWORD)
    app = api(server, "POST", f"/api/applications/?job_id={job}", api_answers(server, job), candidate)

    page = new_page()
    sign_in(page, server, "recruiter@acme.test", "/jobs")
    page.goto(f"{server.url}/application?id={app['id']}")
    stage = page.locator("[data-testid=application-stage]")
    expect(stage).to_have_text("Applied")
    page.locator("[data-testid=note-draft]").wait_for()  # the team's side has loaded...
    page.wait_for_timeout(1_000)  # ...and its live watch has subscribed
    page.evaluate("window.__notReloaded = true")

    # A script moves the card through the API: the open page shows it, no reload.
    recruiter = _token(server, "recruiter@acme.test", DEMO_PW)
    api(server, "PATCH", f"/api/applications/{app['id']}/stage?new_stage=Screening", None, recruiter)
    expect(stage).to_have_text("Screening", timeout=5_000)

    # A colleague's tab drags it on the board.
    board = new_page()
    sign_in(board, server, "recruiter@acme.test", "/jobs")
    board.goto(f"{server.url}/board?job={job}")
    board.locator("[data-testid=board-search]").fill(NAME)
    card(board, "Screening", NAME).wait_for()
    drag(board, card(board, "Screening", NAME), "Interview")
    card(board, "Interview", NAME).wait_for()
    expect(stage).to_have_text("Interview", timeout=5_000)
    assert page.evaluate("window.__notReloaded === true")  # the same document all along
