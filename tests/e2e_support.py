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


def app_with_mail(prefix: str):
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
        with running_app(prefix, {"FLOWTRACK_SMTP_URL": smtp.url}) as srv:
            yield srv

    return smtp, server
