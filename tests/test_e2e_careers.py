"""In Chromium against the running app: the careers site's pages at desktop and phone sizes pass
axe-core and fit the screen, its filters work with scripts switched off, no Reflex bundle is sent,
and both embed snippets draw the job list on a page of another origin whose links open the job
pages in the top window."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import lxml.html
import pytest
from playwright.sync_api import expect

from flowtrack_ui.core.careers.urls import embed_snippets

from .axe_support import AXE, violations
from .e2e_server import free_port, running_app
from .e2e_support import no_csp_violations

pytestmark = pytest.mark.e2e

SIZES = ((1280, 720), (390, 844))
DEMO_JOBS = ["Customer Success Manager", "Product Designer", "Senior Backend Engineer"]


@pytest.fixture(scope="module")
def server():
    with running_app("flowtrack-e2e-careers-") as srv:
        yield srv


def job_url(server, title: str) -> str:
    page = lxml.html.fromstring(httpx.get(server.url + "/careers/acme").content)
    (href,) = page.xpath("//li[@data-testid='job-row']/a[text()=$t]/@href", t=title)
    return server.url + href


def test_pages_are_served_by_the_server_without_the_app_bundle(server):
    """Crawlers get the job's text and a JobPosting in the HTML, and no script to run."""
    url = job_url(server, "Senior Backend Engineer")
    r = httpx.get(url)
    assert r.status_code == 200 and "Design and run the services" in r.text
    page = lxml.html.fromstring(r.content)
    assert page.findtext(".//title") == "Senior Backend Engineer at Acme"
    assert len(page.xpath("//script[@type='application/ld+json']")) == 1
    # Scripts, if any (the apply form's), are the site's own small files, never the app's bundle.
    for path in ("/careers", "/careers/acme", "/careers/acme/embed", url.removeprefix(server.url)):
        found = lxml.html.fromstring(httpx.get(server.url + path).content)
        for script in found.xpath("//script[not(@type='application/ld+json')]"):
            assert script.get("src", "").startswith("/careers/assets/"), (path, script.get("src"))
    # The first careers site's links, and unknown addresses, answer from the site too.
    r = httpx.get(server.url + "/careers/job?id=1", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"].startswith("/careers/acme/jobs/1-")
    r = httpx.get(server.url + "/careers/acme/not/here")
    assert r.status_code == 404 and "Page not found" in r.text
    assert httpx.get(server.url + "/sitemap.xml").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/careers",
        "/careers/acme",
        "/careers/acme?department=Design",
        "job",
        "/careers/acme/embed",
        "/careers/x",
    ],
)
def test_careers_pages_pass_axe_and_fit_a_phone(server, new_page, path):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` installs axe-core from the npm registry")
    page = new_page()
    page.goto(job_url(server, "Customer Success Manager") if path == "job" else server.url + path)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        found = violations(page)
        assert found == [], f"{path} at {width}px: {found}"
        overflow = page.evaluate("document.scrollingElement.scrollWidth")
        assert overflow <= width, f"{path} is {overflow}px wide at {width}px"
    assert no_csp_violations(page) == []


def test_filters_and_search_work_without_javascript(server, browser):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    try:
        page.goto(server.url + "/careers/acme")
        rows = page.locator("[data-testid=job-row] a")
        expect(rows).to_have_text(DEMO_JOBS)
        page.get_by_label("Department").select_option("Design")
        page.get_by_role("button", name="Show jobs").click()
        page.wait_for_url(re.compile(r"department=Design"))
        expect(rows).to_have_text(["Product Designer"])
        page.get_by_role("link", name="Clear").click()
        page.wait_for_url(re.compile(r"/careers/acme$"))  # the new page, not the one it leaves
        page.get_by_role("searchbox", name="Search").fill("voice")
        page.get_by_role("searchbox", name="Search").press("Enter")
        expect(rows).to_have_text(["Customer Success Manager"])
        rows.first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Customer Success Manager")
        expect(page).to_have_title("Customer Success Manager at Acme")
    finally:
        ctx.close()


class _HostSite:
    """A company's own website on another origin (another port), with both embed snippets."""

    def __init__(self, body: str):
        page = body.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_embed_snippets_draw_the_jobs_on_another_origin(server, new_page):
    script, frame = embed_snippets(server.url, "acme")
    body = (
        '<!doctype html><html lang="en"><head><title>Acme Inc.</title></head><body><main>'
        f"<h1>Join Acme</h1><section>{script}</section><section>{frame}</section></main></body></html>"
    )
    with _HostSite(body) as host:
        page = new_page()
        page.goto(host.url)
        listed = page.locator("#flowtrack-jobs .flowtrack-jobs__title")
        expect(listed).to_have_text(DEMO_JOBS)
        for link in listed.all():
            assert link.get_attribute("target") == "_top"
            assert link.get_attribute("href").endswith("?source=embed")
        framed = page.frame_locator("iframe").locator("[data-testid=embed-job] a")
        expect(framed).to_have_text(DEMO_JOBS)
        # A job of the script's list opens its page in this window.
        listed.nth(1).click()
        page.wait_for_url(re.compile(r"/careers/acme/jobs/\d+-product-designer\?source=embed$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Product Designer")
        assert page.locator("input[name=source]").get_attribute("value") == "embed"
        # A job of the framed list replaces the host page, not the frame.
        page.goto(host.url)
        page.frame_locator("iframe").get_by_role("link", name="Senior Backend Engineer").click()
        page.wait_for_url(re.compile(r"/careers/acme/jobs/\d+-senior-backend-engineer\?source=embed$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Senior Backend Engineer")
        assert no_csp_violations(page) == []
