"""Against the running app: each hostile résumé (made in test_file_bombs.py) is uploaded through
PUT /api/me/resume while another thread asks GET /api/health every 100 ms. The server keeps
answering (it never parses the file itself), the upload ends in a stored file with a note, the
page images are served as stored and cached, and the eleventh upload in an hour is a 429."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest

from .e2e_server import running_app
from .e2e_support import api, api_answers
from .test_applications import make_pdf
from .test_file_bombs import docx_bomb, many_pages_pdf, tall_page_pdf, text_operator_pdf

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
BOMBS = {
    "text-operators.pdf": (text_operator_pdf, "in time"),
    "inflates-to-300MB.docx": (docx_bomb, "too large to read"),
    "72x14400pt.pdf": (tall_page_pdf, "too large to preview"),
    "20000-pages.pdf": (many_pages_pdf, "first 10 of its 20,000 pages"),
}


@pytest.fixture(scope="module")
def server():
    with running_app("flowtrack-e2e-bombs-", extra_env={"FLOWTRACK_FILE_WORK_SECONDS": "5"}) as srv:
        yield srv


def _candidate(server) -> dict:
    email = f"bomb-{uuid.uuid4().hex[:8]}@example.com"
    api(server, "POST", "/api/auth/register", {"email": email, "password": PASSWORD, "full_name": "Bo Mber"})
    token = api(server, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})["access_token"]
    return {"Authorization": f"Bearer {token}"}


class Pinger(threading.Thread):
    """GET /api/health every 100 ms; the slowest answer is the longest the server stalled."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.latencies, self.failures = url + "/api/health", [], []
        self.done = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self.done.is_set():
                start = time.monotonic()
                try:
                    client.get(self.url).raise_for_status()
                except httpx.HTTPError as exc:
                    self.failures.append(repr(exc))
                self.latencies.append(time.monotonic() - start)
                self.done.wait(0.1)

    def stop(self) -> float:
        self.done.set()
        self.join(60)
        assert not self.failures, self.failures
        return max(self.latencies)


def test_hostile_resumes_are_kept_with_a_note_and_never_stall_the_server(server):
    cand = _candidate(server)
    login = {"email": "recruiter@acme.test", "password": "flowtrack-demo"}
    rec = {"Authorization": f"Bearer {api(server, 'POST', '/api/auth/login', login)['access_token']}"}
    job_id = api(server, "GET", "/api/jobs/")[0]["id"]
    for name, (make, note) in BOMBS.items():
        data = make()
        pinger = Pinger(server.url)
        pinger.start()
        time.sleep(0.3)
        r = httpx.put(f"{server.url}/api/me/resume", files={"file": (name, data)}, headers=cand, timeout=120)
        worst = pinger.stop()
        # A liveness check, not a benchmark: unbounded, these stalled every request for 3-19 s.
        assert worst < 1.0, f"{name}: /api/health took {worst:.2f} s during the upload"
        assert len(pinger.latencies) >= 3
        assert r.status_code == 200, r.text
        assert note in (r.json()["note"] or ""), (name, r.json())

    # The last one (20,000 pages) is sent with an application; staff read its stored pages.
    applied = httpx.post(
        f"{server.url}/api/applications/?job_id={job_id}", json=api_answers(server, job_id), headers=cand
    )
    assert applied.status_code == 201, applied.text
    app_id = applied.json()["id"]
    first = httpx.get(f"{server.url}/api/applications/{app_id}/resume/pages/1", headers=rec)
    assert first.status_code == 200 and first.content.startswith(b"\x89PNG")
    assert first.headers["content-type"] == "image/png"
    assert "immutable" in first.headers["cache-control"] and "private" in first.headers["cache-control"]
    etag = first.headers["etag"]
    again = httpx.get(
        f"{server.url}/api/applications/{app_id}/resume/pages/1", headers={**rec, "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.headers["etag"] == etag
    pages = f"{server.url}/api/applications/{app_id}/resume/pages"
    assert httpx.get(f"{pages}/10", headers=rec).status_code == 200
    eleventh = httpx.get(f"{pages}/11", headers=rec)
    assert eleventh.status_code == 404 and "detail" in eleventh.json()
    assert httpx.get(f"{pages}/1", headers=cand).status_code == 200
    assert httpx.get(f"{pages}/1").status_code == 401


def test_the_eleventh_upload_in_an_hour_is_a_429_saying_when_to_retry(server):
    cand = _candidate(server)
    pdf = make_pdf()
    for i in range(10):
        r = httpx.put(f"{server.url}/api/me/resume", files={"file": (f"cv{i}.pdf", pdf)}, headers=cand)
        assert r.status_code == 200, r.text
    r = httpx.put(f"{server.url}/api/me/resume", files={"file": ("cv10.pdf", pdf)}, headers=cand)
    assert r.status_code == 429
    assert "at most 10 résumés an hour" in r.json()["detail"] and "Try again in" in r.json()["detail"]
    assert 3500 < int(r.headers["retry-after"]) <= 3601
    current = httpx.get(f"{server.url}/api/me/profile", headers=cand).json()["resume"]
    assert current["name"] == "cv9.pdf"
