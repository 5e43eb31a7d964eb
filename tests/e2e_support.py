"""Shared browser fixtures and gestures for the end-to-end tests (Debian's Chromium)."""

from __future__ import annotations

import json
import urllib.request

from .e2e_server import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PW = "flowtrack-demo"


def sign_in(page, server, email, next_path=""):
    page.goto(server.url + "/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#email", email)
    page.fill("#password", DEMO_PW)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=sign-out]")


def job_id(server, title) -> int:
    with urllib.request.urlopen(server.url + "/api/jobs/") as r:
        return next(j["id"] for j in json.load(r) if j["title"] == title)


def card(page, stage, name):
    return page.locator(f'[data-testid="column-{stage}"] [data-testid="card"][data-name="{name}"]')


def drag(page, source, stage):
    target = page.locator(f'[data-testid="column-{stage}"]')
    s, t = source.bounding_box(), target.bounding_box()
    page.mouse.move(s["x"] + s["width"] / 2, s["y"] + 15)
    page.mouse.down()
    page.mouse.move(s["x"] + s["width"] / 2, s["y"] + 30, steps=5)
    page.mouse.move(t["x"] + t["width"] / 2, t["y"] + 70, steps=20)
    page.wait_for_timeout(250)
    page.mouse.up()


def no_csp_violations(*pages) -> list[str]:
    """Console lines where the Content-Security-Policy blocked something (should be none)."""
    return [line for p in pages for line in p.console_lines if "Content Security Policy" in line]


def answer_questions(page) -> None:
    """Answer a job's application form as a candidate would: yes, the first choice, a few words."""
    page.locator("[data-testid=apply-resume]").wait_for()
    page.locator("[data-testid=question]").first.wait_for()  # every demo job asks questions
    for question in page.locator("[data-testid=question]").all():
        if question.get_by_role("radio").count():
            question.get_by_role("radio", name="Yes").click()
        elif question.get_by_role("combobox").count():
            question.get_by_role("combobox").click()
            page.get_by_role("option").first.click()
        elif question.locator("textarea").count():
            question.locator("textarea").fill("Happy to tell you more in person.")
        else:
            question.locator("input").fill("https://example.com/my-work")


def api_answers(server, job_id: int) -> dict:
    """An application body answering every required question of a job (for API calls)."""
    with urllib.request.urlopen(f"{server.url}/api/jobs/{job_id}") as r:
        questions = json.load(r)["questions"]
    answers = []
    for q in questions:
        if q["required"]:
            value = {"yes_no": "yes", "single_choice": (q["choices"] or [""])[0]}.get(q["kind"], "n/a")
            answers.append({"question_id": q["id"], "answer": value})
    return {"answers": answers}


def api(server, method, path, body=None, token=None):
    """A JSON request to the running app's REST API, as a script would make it."""
    req = urllib.request.Request(
        server.url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(req) as r:
        return json.load(r) if r.status != 204 else None


def app_with_mail(prefix: str, extra_env: dict | None = None):
    """A browser module's fixtures: a loopback SMTP server and the app (as `make run` serves it)
    delivering to it, both started once for the module. Use: ``smtp, server = app_with_mail("…")``."""
    import pytest

    from .e2e_server import running_app
    from .smtp_support import smtp_server

    @pytest.fixture(scope="module")
    def smtp():
        with smtp_server() as mail:
            yield mail

    @pytest.fixture(scope="module")
    def server(smtp):
        with running_app(prefix, {"FLOWTRACK_SMTP_URL": smtp.url, **(extra_env or {})}) as srv:
            yield srv

    return smtp, server


# --- applying without an account on a job page of the careers site ------------------------------


def job_page_url(server, title: str) -> str:
    """The careers-site page of a public job (its canonical address, as GET /api/jobs/ gives it)."""
    with urllib.request.urlopen(server.url + "/api/jobs/") as r:
        url = next(j["url"] for j in json.load(r) if j["title"] == title)
    return server.url + url[url.index("/careers/") :]


def answer_apply_form(page) -> None:
    """Answer the job's questions on the one-step form: yes, the first choice, a few words."""
    for question in page.locator("#apply-form [data-testid=question]").all():
        radios = question.get_by_role("radio")
        if radios.count():
            yes = question.get_by_role("radio", name="Yes", exact=True)
            (yes if yes.count() else radios.first).check()
        elif question.locator("textarea").count():
            question.locator("textarea").fill("Happy to tell you more in person.")
        else:
            question.locator("input").fill("https://example.com/my-work")


def apply_one_step(
    page, server, title: str, name: str, email: str, resume=None, cover_letter: str = "", url: str = ""
) -> None:
    """Apply on the job's page (or at ``url``, which leads there) without an account (the résumé
    a path; a generated one if None) and wait for the thank-you page. The form refuses what is
    sent within 3 s of showing it."""
    import re
    import tempfile
    import time
    from pathlib import Path

    if resume is None:
        from .test_applications import make_pdf

        resume = Path(tempfile.mkdtemp()) / "cv.pdf"
        resume.write_bytes(make_pdf(name=name))
    page.goto(url or job_page_url(server, title))
    shown = time.monotonic()
    page.locator("#resume").set_input_files(str(resume))
    page.fill("#full_name", name)
    page.fill("#email", email)
    if cover_letter:
        page.fill("#cover_letter", cover_letter)
    answer_apply_form(page)
    time.sleep(max(0.0, 3.5 - (time.monotonic() - shown)))
    page.click("[data-testid=apply-submit]")
    page.wait_for_url(re.compile(r"/careers/[^/]+/jobs/\d+/applied$"))


def emailed_link(smtp, address: str, path: str = "/track/", timeout: float = 30) -> str:
    """The newest link to ``path`` in an email the SMTP server took for ``address``."""
    import re
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        for msg in reversed(smtp.handler.messages):
            if address in msg["X-Envelope-To"]:
                found = re.search(
                    r"https?://\S+" + re.escape(path) + r"[A-Za-z0-9_-]+",
                    msg.get_body(("plain",)).get_content(),
                )
                if found:
                    return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no email with a {path} link for {address}")
