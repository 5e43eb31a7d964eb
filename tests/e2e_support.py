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
