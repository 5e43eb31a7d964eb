"""The production recipe in a browser: PostgreSQL, Redis, two backend workers, a live board.

Two recruiters have the same board open, served by different workers; one drags a card and the
other sees it move without a reload, as does the candidate's open tracker page. Closing a tab
ends the work it started on its worker.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from flowtrack_ui.core.pipelines.moves import EMAIL_HOLD

from .conftest import fresh_pg_database
from .e2e_server import AppServer
from .e2e_support import CHROMIUM, DEMO_PW, api, api_answers, card, drag, job_id, no_csp_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

JOB = "Senior Backend Engineer"
LIVE_WITHIN_MS = 2000


@pytest.fixture(scope="module")
def cluster(pg_admin, redis_url):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    tmp = Path(tempfile.mkdtemp(prefix="flowtrack-cluster-"))
    with fresh_pg_database(pg_admin) as url:
        srv = AppServer(
            tmp / "data",
            extra_env={
                "FLOWTRACK_DATABASE_URL": url,
                "FLOWTRACK_REDIS_URL": redis_url,
                "FLOWTRACK_WORKERS": "2",
                "FLOWTRACK_LIVE_CHECK_SECONDS": "2",
            },
        ).start()
        try:
            yield srv
        finally:
            srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def client_token(page) -> str:
    return page.evaluate("() => window.sessionStorage.getItem('token') || ''")


def worker_following(server, topic: str, token: str, timeout: float = 20) -> str:
    """The pid of the worker whose log says it follows ``topic`` for this browser tab."""
    pattern = re.compile(rf"pid=(\d+)\] follows {re.escape(topic)} for client {re.escape(token[:8])}")
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = pattern.findall(server.log())
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no worker follows {topic} for {token[:8]}:\n{server.log()[-2000:]}")


def test_two_recruiters_on_two_workers_see_each_others_moves(cluster, browser, new_page):
    jid = job_id(cluster, JOB)
    topic = f"job:{jid}"

    # A second recruiter joins Acme; a candidate applies.
    rec_token = api(cluster, "POST", "/api/auth/login", {"email": "recruiter@acme.test", "password": DEMO_PW})
    inv = api(
        cluster,
        "POST",
        "/api/invitations",
        {"email": "rosa@acme.test", "role": "recruiter"},
        rec_token["access_token"],
    )
    api(
        cluster,
        "POST",
        f"/api/invitations/{inv['token']}/accept",
        {"password": DEMO_PW, "full_name": "Rosa Second"},
    )
    api(
        cluster,
        "POST",
        "/api/auth/register",
        {"email": "lina@example.com", "password": DEMO_PW, "full_name": "Lina Live", "role": "candidate"},
    )
    lina = api(cluster, "POST", "/api/auth/login", {"email": "lina@example.com", "password": DEMO_PW})
    api(cluster, "POST", f"/api/applications/?job_id={jid}", api_answers(cluster, jid), lina["access_token"])

    # Recruiter A opens the board; recruiter B opens it until B's tab lands on the other worker.
    a = new_page()
    sign_in(a, cluster, "recruiter@acme.test", f"/board%3Fjob%3D{jid}")
    card(a, "Applied", "Lina Live").wait_for()
    worker_a = worker_following(cluster, topic, client_token(a))
    b = None
    frames: list[str] = []  # what B's tab receives over its websocket
    for _attempt in range(16):
        b = new_page()
        frames.clear()
        b.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(str(data))))
        sign_in(b, cluster, "rosa@acme.test", f"/board%3Fjob%3D{jid}")
        card(b, "Applied", "Lina Live").wait_for()
        if worker_following(cluster, topic, client_token(b)) != worker_a:
            break
        b.context.close()
        b = None
    assert b is not None, "every tab of recruiter B landed on recruiter A's worker"

    # The candidate watches her tracker.
    cand = new_page()
    sign_in(cand, cluster, "lina@example.com")
    cand.goto(cluster.url + "/my-applications")
    stage = cand.locator(f'[data-testid=my-application][data-job="{JOB}"] [data-testid=current-stage]')
    expect(stage).to_have_text("Applied")

    # A drags; B's board and the tracker follow within 2 seconds, without a reload.
    b.wait_for_timeout(300)  # B's own page events have settled
    frames.clear()
    drag(a, card(a, "Applied", "Lina Live"), "Screening")
    card(a, "Screening", "Lina Live").wait_for()
    expect(card(b, "Screening", "Lina Live")).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(card(b, "Applied", "Lina Live")).to_have_count(0)
    # The move reached B as a change of two columns (one card), not as the board.
    changes = [f for f in frames if "board_patch" in f]
    assert changes and not any("columns_rx_state_" in f for f in frames), frames
    assert sum(len(f.encode()) for f in changes) <= 2048, changes
    # The candidate does not see a move that can still be undone.
    assert stage.inner_text() == "Applied"

    # And the other way round: B moves, A sees it.
    card(b, "Screening", "Lina Live").locator("[data-testid=move-menu]").click()
    b.click("[data-testid=move-to-Interview]")
    card(b, "Interview", "Lina Live").wait_for()
    expect(card(a, "Interview", "Lina Live")).to_be_visible(timeout=LIVE_WITHIN_MS)
    # Once it can no longer be undone (its email goes), her tracker shows it without a reload.
    expect(stage).to_have_text("Interview", timeout=EMAIL_HOLD.total_seconds() * 1000 + LIVE_WITHIN_MS)
    assert not no_csp_violations(a, b, cand)

    # Closing B's tab ends what it started on its worker.
    token_b = client_token(b)
    b.context.close()
    stopped = re.compile(rf"stops following {re.escape(topic)} for client {re.escape(token_b[:8])}")
    deadline = time.time() + 20
    while not stopped.search(cluster.log()) and time.time() < deadline:
        time.sleep(0.5)
    assert stopped.search(cluster.log()), cluster.log()[-2000:]
