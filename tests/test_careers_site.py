"""The public careers site as a crawler, a job board and a visitor without JavaScript see it: the HTML
and XML the server sends (no browser), its JobPosting read by a JSON-LD parser, who sees which
job, the redirects, the feeds and the sitemap, filters and search, escaping, and the headers."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

import extruct
import lxml.etree
import lxml.html
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from starlette.requests import Request

from flowtrack_ui.api.app import create_api
from flowtrack_ui.api.hardening import Hardening
from flowtrack_ui.core import jobs
from flowtrack_ui.core.careers import urls
from flowtrack_ui.core.models import Company, CompanySlugRedirect, Job, StoredFile
from flowtrack_ui.site import pages, theme

PUBLIC_URL = "https://jobs.example.test"


@pytest.fixture(autouse=True)
def _public_url(monkeypatch):
    monkeypatch.setenv("FLOWTRACK_PUBLIC_URL", PUBLIC_URL)


@pytest.fixture
def client(db) -> TestClient:
    """The API app inside the same header middleware as the running app."""
    return TestClient(Hardening(create_api(lambda: db)), raise_server_exceptions=False)


def post(db, recruiter, title: str, description: str = "", location: str = "", status="published", **details):
    return jobs.create_job(db, recruiter, title, description, location, status=status, details=details)


def url_of(job) -> str:
    return urls.job_path(job.company_slug, job.id, job.title)


def doc(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content)


def meta(page, attr: str, name: str) -> str:
    found = page.xpath(f"//meta[@{attr}=$n]/@content", n=name)
    assert len(found) == 1, (name, found)
    return found[0]


def scripts_that_run(page) -> list[str]:
    """The page's scripts other than JSON-LD data blocks; each must be a file of the site's own
    (no inline code: the CSP refuses it anyway)."""
    found = []
    for script in page.xpath("//script[not(@type='application/ld+json')]"):
        assert not (script.text or "").strip(), "inline script"
        assert script.get("src", "").startswith("/careers/assets/"), script.get("src")
        found.append(script.get("src"))
    return found


def postings(response) -> list[dict]:
    data = extruct.extract(response.text, base_url=PUBLIC_URL, syntaxes=["json-ld"], uniform=True)
    return [item for item in data["json-ld"] if item.get("@type") == "JobPosting"]


def set_columns(db, model, row_id: int, **values) -> None:
    with db.session(write=True) as s:
        row = s.get(model, row_id)
        for key, value in values.items():
            setattr(row, key, value)
        s.add(row)


# --- the job page -------------------------------------------------------------------------------


def test_job_page_holds_the_job_and_a_job_posting_google_accepts(db, acme, client):
    job = post(
        db,
        acme.recruiter,
        "Data Engineer",
        "## What you do\n\nBuild **pipelines** in Python.\n\n- Airflow\n- dbt",
        "Berlin",
        department="Data",
        employment_type="contract",
        workplace="hybrid",
        remote_region="Germany",
        salary_min=60000,
        salary_max=80000,
        salary_currency="EUR",
        salary_visible=True,
        valid_through="2100-01-31",
    )
    r = client.get(url_of(job))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = doc(r)
    canonical = PUBLIC_URL + url_of(job)
    assert page.findtext(".//title") == "Data Engineer at Acme"
    assert page.xpath("//link[@rel='canonical']/@href") == [canonical]
    assert meta(page, "name", "description").startswith("What you do Build pipelines in Python.")
    assert meta(page, "property", "og:title") == "Data Engineer at Acme"
    assert meta(page, "property", "og:url") == canonical
    assert meta(page, "property", "og:description") == meta(page, "name", "description")
    assert meta(page, "name", "twitter:card") == "summary"
    assert meta(page, "name", "twitter:title") == "Data Engineer at Acme"
    assert not page.xpath("//meta[@name='robots']")
    # The text is in the HTML itself, rendered from Markdown; no script runs to show it.
    main = page.xpath("//main")[0]
    assert main.xpath(".//h1")[0].text_content() == "Data Engineer"
    assert main.xpath(".//h2[text()='What you do']") and main.xpath(".//strong[text()='pipelines']")
    assert [li.text_content() for li in main.xpath(".//article//li")] == ["Airflow", "dbt"]
    facts = {d.findtext("dt"): d.findtext("dd") for d in page.xpath("//dl[@class='facts']/div")}
    assert facts == {
        "Department": "Data",
        "Location": "Berlin",
        "Workplace": "Hybrid (Germany)",
        "Type": "Contract",
        "Salary": "60,000–80,000 EUR per year",
    }
    assert len(page.xpath("//head/script[@type='application/ld+json']")) == 1
    scripts_that_run(page)
    first_script = r.text.find("<script src")
    assert first_script == -1 or r.text.find("Build <strong>pipelines</strong>") < first_script

    (posting,) = postings(r)
    for required in ("title", "description", "datePosted", "hiringOrganization", "jobLocation"):
        assert posting.get(required), required
    assert posting["@context"].startswith("https://schema.org")
    assert posting["title"] == "Data Engineer"
    assert "<strong>pipelines</strong>" in posting["description"]
    assert datetime.fromisoformat(posting["datePosted"]) == job.published_at.replace(microsecond=0)
    assert posting["validThrough"].startswith("2100-01-31T23:59:59")
    assert posting["employmentType"] == "CONTRACTOR"
    assert posting["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Acme",
        "sameAs": PUBLIC_URL + "/careers/acme",
    }
    assert posting["jobLocation"] == {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressLocality": "Berlin"},
    }
    assert posting["jobLocationType"] == "TELECOMMUTE"  # hybrid: a place and remote work
    assert posting["applicantLocationRequirements"] == {"@type": "Country", "name": "Germany"}
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": 60000, "maxValue": 80000, "unitText": "YEAR"},
    }
    assert posting["directApply"] is True
    assert posting["identifier"]["value"] == str(job.id)
    assert posting["url"] == canonical


def test_remote_job_posting_has_telecommute_and_no_hidden_salary(db, acme, client):
    job = post(
        db,
        acme.recruiter,
        "Support Agent",
        "Help people.",
        "",
        employment_type="part_time",
        workplace="remote",
        remote_region="EU",
        salary_min=30000,
        salary_currency="EUR",
        salary_period="month",
        salary_visible=False,
    )
    r = client.get(url_of(job))
    (posting,) = postings(r)
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"] == {"@type": "AdministrativeArea", "name": "EU"}
    assert "jobLocation" not in posting and "baseSalary" not in posting and "validThrough" not in posting
    assert posting["employmentType"] == "PART_TIME"
    facts = {d.findtext("dt"): d.findtext("dd") for d in doc(r).xpath("//dl[@class='facts']/div")}
    assert facts == {"Workplace": "Remote (EU)", "Type": "Part-time"}
    assert "30,000" not in r.text and "30000" not in r.text

    shown = post(
        db,
        acme.recruiter,
        "Night Nurse",
        employment_type="temporary",
        location="Leeds",
        salary_max=25,
        salary_currency="GBP",
        salary_period="hour",
        salary_visible=True,
    )
    (posting,) = postings(client.get(url_of(shown)))
    assert posting["employmentType"] == "TEMPORARY"
    assert "jobLocationType" not in posting
    assert posting["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "maxValue": 25,
        "unitText": "HOUR",
    }


@pytest.mark.parametrize(
    ("location", "region", "required"),
    [
        ("Remote (EU)", "", {"@type": "AdministrativeArea", "name": "EU"}),
        ("Remote - Germany", "", {"@type": "Country", "name": "Germany"}),
        ("", "EU time zones", {"@type": "AdministrativeArea", "name": "EU"}),
        ("", "UK-based or US only", [{"@type": "Country", "name": "UK"}, {"@type": "Country", "name": "US"}]),
        (
            "",
            "Remote: US or Canada",
            [{"@type": "Country", "name": "US"}, {"@type": "Country", "name": "Canada"}],
        ),
        ("Remote", "", None),  # no place to name: no made-up "Country: Remote"
    ],
)
def test_a_remote_postings_applicant_locations_are_places_only(db, acme, client, location, region, required):
    job = post(
        db,
        acme.recruiter,
        "Remote Role",
        "Work from home.",
        location,
        workplace="remote",
        remote_region=region,
    )
    (posting,) = postings(client.get(url_of(job)))
    assert posting["jobLocationType"] == "TELECOMMUTE" and "jobLocation" not in posting
    assert posting.get("applicantLocationRequirements") == required


def test_the_workplace_is_not_repeated_when_the_location_says_it(db, acme, client):
    job = post(
        db,
        acme.recruiter,
        "Platform Engineer",
        location="Remote (EU)",
        workplace="remote",
        remote_region="EU",
    )
    facts = {
        d.findtext("dt"): d.findtext("dd")
        for d in doc(client.get(url_of(job))).xpath("//dl[@class='facts']/div")
    }
    assert facts == {"Location": "Remote (EU)", "Type": "Full-time"}


def test_logo_is_served_and_named_in_the_posting(db, acme, client):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "PNG")
    png = buf.getvalue()
    with db.session(write=True) as s:
        row = StoredFile(
            owner_id=acme.recruiter.user_id,
            sha256="ab" * 32,
            size=len(png),
            content_type="image/png",
            original_name="logo.png",
            data=png,
        )
        s.add(row)
        s.flush()
        file_id = row.id
        company = s.get(Company, acme.recruiter.company_id)
        company.logo_file_id = file_id
        s.add(company)
    r = client.get("/careers/acme/logo")
    assert r.status_code == 200 and r.content == png
    assert r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "max-age" in r.headers["cache-control"]
    assert client.get("/careers/acme/logo", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    job = jobs.get_job(db, None, acme.job_id)
    page = client.get(url_of(job))
    logo_url = f"{PUBLIC_URL}/careers/acme/logo?v={file_id}"
    (posting,) = postings(page)
    assert posting["hiringOrganization"]["logo"] == logo_url
    assert meta(doc(page), "property", "og:image") == logo_url
    assert doc(page).xpath("//header//img/@src") == [f"/careers/acme/logo?v={file_id}"]
    # A stored file that is not an image a page may show is never served from the careers site.
    set_columns(db, StoredFile, file_id, content_type="text/html")
    r = client.get("/careers/acme/logo")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


# --- addresses and redirects --------------------------------------------------------------------


def test_wrong_or_missing_title_slug_redirects_to_the_canonical_address(db, acme, client):
    job = post(db, acme.recruiter, "Senior Engineer (Python)")
    assert url_of(job) == f"/careers/acme/jobs/{job.id}-senior-engineer-python"
    for wrong in (f"/careers/acme/jobs/{job.id}", f"/careers/acme/jobs/{job.id}-old-title"):
        r = client.get(wrong + "?source=linkedin", follow_redirects=False)
        assert r.status_code == 301, wrong
        assert r.headers["location"] == url_of(job) + "?source=linkedin"
    assert client.get(url_of(job), follow_redirects=False).status_code == 200
    # The first careers site's job links (/careers/job?id=N) lead to the page too.
    r = client.get(f"/careers/job?id={job.id}", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == url_of(job)
    for bad in ("/careers/job?id=999999", "/careers/job?id=abc", "/careers/job"):
        r = client.get(bad, follow_redirects=False)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), bad


def test_a_former_company_address_redirects_everywhere(db, acme, client):
    job = jobs.get_job(db, None, acme.job_id)
    with db.session(write=True) as s:
        company = s.get(Company, acme.recruiter.company_id)
        company.slug = "acme-labs"
        s.add(company)
        s.add(CompanySlugRedirect(slug="acme", company_id=company.id))
    moved = jobs.get_job(db, None, acme.job_id)
    for old, new in (
        ("/careers/acme", "/careers/acme-labs"),
        ("/careers/acme?department=x", "/careers/acme-labs?department=x"),
        (url_of(job), url_of(moved)),
        ("/careers/acme/jobs.rss", "/careers/acme-labs/jobs.rss"),
        ("/careers/acme/jobs.xml", "/careers/acme-labs/jobs.xml"),
        ("/careers/acme/embed", "/careers/acme-labs/embed"),
    ):
        r = client.get(old, follow_redirects=False)
        assert (r.status_code, r.headers.get("location")) == (301, new), old
    assert client.get("/careers/acme-labs").status_code == 200


# --- who sees which job ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "indexed"),
    [
        ("draft", 404, False),
        ("published", 200, True),
        ("unlisted", 200, False),
        ("internal", 404, False),
    ],
)
def test_job_page_by_status_for_anonymous_visitors(db, acme, client, status, code, indexed):
    job = post(db, acme.recruiter, f"Role {status}", "The words of the job.", status=status)
    r = client.get(url_of(job), headers={"Authorization": "Bearer not-a-session"})
    assert r.status_code == code and r.headers["content-type"].startswith("text/html")
    robots = doc(r).xpath("//meta[@name='robots']/@content")
    if code == 200:
        assert "The words of the job." in r.text
        assert robots == ([] if indexed else ["noindex"])
    else:
        assert "The words of the job." not in r.text and "Role " not in r.text
        assert doc(r).xpath("//a[@href='/careers']")  # a way on
    listed = client.get("/careers/acme")
    assert (f"Role {status}" in listed.text) is indexed


def test_jobs_no_longer_public_are_gone_once_published_and_missing_otherwise(db, acme, client):
    closed = post(db, acme.recruiter, "Closed Role", "Old words.")
    jobs.set_job_status(db, acme.recruiter, closed.id, "closed")
    never = post(db, acme.recruiter, "Never Shown", "Secret words.", status="closed")
    expired = post(db, acme.recruiter, "Expired Role", "Late words.")
    set_columns(db, Job, expired.id, valid_through=datetime.now(UTC) - timedelta(minutes=1))
    back_to_draft = post(db, acme.recruiter, "Back To Draft", "Draft words.")
    jobs.set_job_status(db, acme.recruiter, back_to_draft.id, "draft")
    made_internal = post(db, acme.recruiter, "Made Internal", "Internal words.")
    jobs.set_job_status(db, acme.recruiter, made_internal.id, "internal")
    hidden = post(db, acme.recruiter, "Hidden Draft", "Hidden words.", status="draft")
    jobs.set_job_status(db, acme.recruiter, hidden.id, "internal")
    for job in (closed, expired, back_to_draft, made_internal):
        r = client.get(url_of(job))
        assert r.status_code == 410 and r.headers["content-type"].startswith("text/html")
        page = doc(r)
        assert "no longer open" in page.findtext(".//h1")
        assert page.xpath("//main//a[@href='/careers/acme']")
        assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert "words." not in r.text
    for job in (never, hidden):
        r = client.get(url_of(job))
        assert r.status_code == 404 and "words." not in r.text and job.title not in r.text
    listing = client.get("/careers/acme").text
    assert not any(
        t in listing
        for t in ("Closed Role", "Never Shown", "Expired Role", "Back To Draft", "Made Internal", "Hidden")
    )
    # Reopened: the page is back.
    jobs.set_job_status(db, acme.recruiter, closed.id, "published")
    assert client.get(url_of(closed)).status_code == 200


def test_another_companys_job_is_not_found_under_this_address(db, acme, globex, client):
    theirs = jobs.get_job(db, None, globex.job_id)
    r = client.get(f"/careers/acme/jobs/{theirs.id}-globex-engineer", follow_redirects=False)
    assert r.status_code == 404 and "Globex" not in r.text


def test_site_addresses_that_lead_nowhere_answer_html_404(db, acme, client):
    for path in (
        "/careers/nobody",
        "/careers/nobody/jobs/1-x",
        "/careers/acme/jobs/999999-x",
        "/careers/acme/jobs/abc",
        "/careers/acme/jobs/0-zero",
        "/careers/acme/jobs/-1",
        "/careers/nobody/jobs.rss",
        "/careers/nobody/jobs.xml",
        "/careers/nobody/jobs.json",
        "/careers/nobody/embed.js",
        "/careers/nobody/embed",
        "/careers/acme/logo",
        "/careers/acme/no/such/page",
        "/careers/assets/nothing.css",
        "/careers/assets/..%2f..%2fapp.py",
        "/careers/" + "x" * 5000,
    ):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html"), path
        assert doc(r).findtext(".//h1") == "Page not found", path


def test_a_trailing_slash_redirects_to_the_address_without_it(db, acme, client):
    job = jobs.get_job(db, None, acme.job_id)
    for path in ("/careers", "/careers/acme", url_of(job)):
        r = client.get(path + "/?source=x", follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (301, path + "?source=x"), path


def test_pages_go_out_gzipped_to_clients_that_accept_it(db, acme, client):
    job = jobs.get_job(db, None, acme.job_id)
    plain = client.get(url_of(job), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    packed = client.get(url_of(job), headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and "Accept-Encoding" in packed.headers["vary"]
    # The same page, but for the apply form's "shown at" token, which names the second it was made.
    shown_at = re.compile(r'name="started" value="[^"]*"')
    assert shown_at.sub("", packed.text) == shown_at.sub("", plain.text)
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert client.get("/careers/acme/jobs.json", headers={"Accept-Encoding": "gzip"}).json()["jobs"]


def test_head_requests_answer_like_get(db, acme, client):
    job = jobs.get_job(db, None, acme.job_id)
    for path in (url_of(job), "/careers/acme", "/sitemap.xml", "/careers/acme/jobs.rss"):
        r = client.head(path)
        assert r.status_code == 200 and r.content == b"", path


# --- the careers page: filters and search without JavaScript ---------------------------------------


@pytest.fixture
def catalogue(db, acme):
    """Acme's published jobs across departments, places, workplaces and types."""
    made = {
        "eng": post(
            db, acme.recruiter, "Backend Engineer", "Python and SQL.", "Berlin", department="Engineering"
        ),
        "fe": post(
            db,
            acme.recruiter,
            "Frontend Engineer",
            "TypeScript.",
            "Remote",
            department="Engineering",
            workplace="remote",
        ),
        "des": post(
            db,
            acme.recruiter,
            "Product Designer",
            "Figma and research.",
            "London",
            department="Design",
            employment_type="part_time",
        ),
        "intern": post(
            db,
            acme.recruiter,
            "Design Intern",
            "Learn with us. 100% fun.",
            "Berlin",
            department="Design",
            employment_type="internship",
            workplace="hybrid",
        ),
    }
    return made


def titles(response) -> list[str]:
    return [a.text_content() for a in doc(response).xpath("//li[@data-testid='job-row']/a")]


def test_careers_page_groups_jobs_by_department_and_filters_them(db, acme, catalogue, client):
    r = client.get("/careers/acme")
    page = doc(r)
    assert page.findtext(".//title") == "Jobs at Acme"
    groups = [h.text_content() for h in page.xpath("//div[@class='department']/h3")]
    assert groups == ["Design", "Engineering", "Other roles"]  # the fixture's Acme Engineer has none
    assert titles(r) == [
        "Design Intern",
        "Product Designer",
        "Backend Engineer",
        "Frontend Engineer",
        "Acme Engineer",
    ]
    # A GET form with a label for every field: it works without scripts.
    form = page.xpath("//form[@role='search']")[0]
    assert form.get("method") == "get" and form.get("action") == "/careers/acme"
    for field in form.xpath(".//input[@name!='source'] | .//select"):
        assert page.xpath("//label[@for=$id]", id=field.get("id")), field.get("name")
    assert page.xpath("//select[@name='department']/option/@value") == ["", "Design", "Engineering"]
    assert page.xpath("//select[@name='workplace']/option/@value") == ["", "on_site", "hybrid", "remote"]

    def only(query: str) -> list[str]:
        return sorted(titles(client.get("/careers/acme?" + query)))

    assert only("department=Design") == ["Design Intern", "Product Designer"]
    assert only("location=Berlin") == ["Backend Engineer", "Design Intern"]
    assert only("workplace=remote") == ["Frontend Engineer"]
    assert only("employment_type=part_time") == ["Product Designer"]
    assert only("department=Design&location=Berlin") == ["Design Intern"]
    assert only("q=python") == ["Backend Engineer"]  # the description is searched
    assert only("q=ENGINEER") == ["Acme Engineer", "Backend Engineer", "Frontend Engineer"]
    assert only("q=100%25") == ["Design Intern"]  # % is a character, not a wildcard
    assert only("q=%25%25") == []
    assert only("department=Sales") == []
    assert only("q=" + "x" * 500) == []
    r = client.get("/careers/acme?department=Design&q=design")
    assert doc(r).xpath("//select[@name='department']/option[@selected]/@value") == ["Design"]
    assert doc(r).xpath("//input[@name='q']/@value") == ["design"]
    assert "2 of 5 open jobs" in doc(r).findtext(".//h2[@id='jobs-title']")
    assert "No open job matches" in client.get("/careers/acme?q=nothing-like-this").text


def test_index_lists_companies_with_open_jobs(db, acme, globex, client):
    from .conftest import make_company

    quiet = make_company(db, "Quiet")
    jobs.set_job_status(db, quiet.recruiter, quiet.job_id, "draft")
    r = client.get("/careers")
    assert r.status_code == 200
    names = [a.text_content() for a in doc(r).xpath("//main//li/a")]
    assert names == ["Acme", "Globex"]
    assert doc(r).xpath("//main//li/a/@href") == ["/careers/acme", "/careers/globex"]


def test_company_page_shows_about_links_and_accent(db, acme, client):
    set_columns(
        db,
        Company,
        acme.recruiter.company_id,
        about="We make **anvils**.\n\n[Our blog](https://blog.acme.test) [bad](javascript:alert(1))",
        accent_color="#FFE600",
        links=json.dumps(
            [
                {"label": "Website", "url": "https://acme.test"},
                {"label": "Evil", "url": "javascript:alert(1)"},
                "junk",
            ]
        ),
    )
    r = client.get("/careers/acme")
    page = doc(r)
    assert page.xpath("//section[@class='hero']//strong/text()") == ["anvils"]
    assert not page.xpath("//@href[contains(., 'javascript')]")
    assert page.xpath("//footer//nav//a/@href") == ["https://acme.test"]
    style = page.xpath("//style")[0].text
    assert "--accent:#ffe600" in style and "--on-accent:#000000" in style
    assert theme.csp_hash(style) in r.headers["content-security-policy"]
    assert meta(page, "name", "description").startswith("We make anvils")


def test_accent_colours_keep_aa_contrast():
    for r in range(0, 256, 17):
        for g in range(0, 256, 17):
            for b in range(0, 256, 51):
                accent = f"#{r:02x}{g:02x}{b:02x}"
                assert theme.contrast(accent, theme.on_color(accent)) >= 4.5, accent
                link = theme.readable_on_page(accent)
                assert theme.contrast(link, "#ffffff") >= 4.5, accent
                assert theme.contrast(link, theme.PAGE_BACKGROUND) >= 4.5, accent
    assert theme.readable_on_page("#1d4ed8") == "#1d4ed8"  # dark enough already: unchanged


# --- sitemap and feeds --------------------------------------------------------------------------


@pytest.fixture
def every_status(db, acme, globex):
    """Acme's and Globex's jobs in every status, plus an expired one: what may be listed."""
    made = {status: post(db, acme.recruiter, f"Acme {status}", status=status) for status in (
        "draft", "published", "unlisted", "internal", "closed")}  # fmt: skip
    made["expired"] = post(db, acme.recruiter, "Acme expired")
    set_columns(db, Job, made["expired"].id, valid_through=datetime.now(UTC) - timedelta(days=1))
    made["future"] = post(db, acme.recruiter, "Acme future", valid_through=date.today() + timedelta(days=30))
    made["first"] = jobs.get_job(db, None, acme.job_id)
    made["globex"] = jobs.get_job(db, None, globex.job_id)
    return made


def test_sitemap_lists_every_open_job_and_careers_page(db, every_status, client):
    r = client.get("/sitemap.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    root = lxml.etree.fromstring(r.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = root.xpath("//s:url/s:loc/text()", namespaces=ns)
    expected = {PUBLIC_URL + url_of(every_status[k]) for k in ("published", "future", "first", "globex")}
    expected |= {PUBLIC_URL + "/careers/acme", PUBLIC_URL + "/careers/globex"}
    assert sorted(locs) == sorted(expected)
    for lastmod in root.xpath("//s:url/s:lastmod/text()", namespaces=ns):
        assert datetime.fromisoformat(lastmod).tzinfo is not None
    robots = client.get("/robots.txt").text
    assert f"Sitemap: {PUBLIC_URL}/sitemap.xml" in robots and "Disallow: /api/" in robots


def test_rss_feed_lists_exactly_the_companys_open_jobs(db, every_status, client):
    r = client.get("/careers/acme/jobs.rss")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/rss+xml")
    root = lxml.etree.fromstring(r.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.findtext("channel/link") == PUBLIC_URL + "/careers/acme"
    items = root.findall("channel/item")
    expected = {every_status[k].id: every_status[k] for k in ("published", "future", "first")}
    assert sorted(i.findtext("guid") for i in items) == sorted(
        PUBLIC_URL + url_of(j) for j in expected.values()
    )
    for item in items:
        job = next(j for j in expected.values() if PUBLIC_URL + url_of(j) == item.findtext("link"))
        assert item.findtext("title") == job.title
        assert parsedate_to_datetime(item.findtext("pubDate")) == job.published_at.replace(microsecond=0)
        assert item.find("description") is not None
    assert "Globex" not in r.text


def test_indeed_feed_lists_exactly_the_companys_open_jobs(db, every_status, client):
    r = client.get("/careers/acme/jobs.xml")
    assert r.status_code == 200
    root = lxml.etree.fromstring(r.content)
    assert root.tag == "source" and root.findtext("publisherurl") == PUBLIC_URL + "/careers/acme"
    found = {int(j.findtext("referencenumber")): j for j in root.findall("job")}
    assert set(found) == {every_status[k].id for k in ("published", "future", "first")}
    first = found[every_status["first"].id]
    assert first.findtext("title") == "Acme Engineer"
    assert first.findtext("url") == PUBLIC_URL + url_of(every_status["first"])
    assert first.findtext("company") == "Acme" and first.findtext("city") == "Remote"
    assert first.findtext("jobtype") == "fulltime" and first.find("salary") is None
    assert parsedate_to_datetime(first.findtext("date")).tzinfo is not None
    assert found[every_status["future"].id].findtext("expirationdate")
    globex = lxml.etree.fromstring(client.get("/careers/globex/jobs.xml").content)
    assert [j.findtext("referencenumber") for j in globex.findall("job")] == [str(every_status["globex"].id)]


def test_embed_json_script_and_frame(db, every_status, client):
    r = client.get("/careers/acme/jobs.json", headers={"Origin": "https://acme.example"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    body = r.json()
    assert body["company"] == {"name": "Acme", "url": PUBLIC_URL + "/careers/acme?source=embed"}
    expected = {every_status[k].id for k in ("published", "future", "first")}
    assert {j["id"] for j in body["jobs"]} == expected
    for item in body["jobs"]:
        assert item["url"].endswith("?source=embed") and item["url"].startswith(
            PUBLIC_URL + "/careers/acme/jobs/"
        )
        assert set(item) == {"id", "title", "department", "location", "workplace", "employment_type", "url"}
    script = client.get("/careers/acme/embed.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "jobs.json" in script.text and "innerHTML" not in script.text and "eval(" not in script.text
    frame = client.get("/careers/acme/embed")
    assert frame.status_code == 200
    assert "x-frame-options" not in frame.headers
    assert "frame-ancestors *" in frame.headers["content-security-policy"]
    links = doc(frame).xpath("//li/a")
    assert {a.get("target") for a in links} == {"_top"}
    assert sorted(a.get("href") for a in links) == sorted(
        PUBLIC_URL + url_of(every_status[k]) + "?source=embed" for k in ("published", "future", "first")
    )


def test_every_other_page_refuses_frames_and_inline_scripts(db, acme, client):
    job = jobs.get_job(db, None, acme.job_id)
    for path in ("/careers", "/careers/acme", url_of(job), "/careers/nobody", "/careers/acme/embed/x"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in csp, path
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
        assert script_src == "script-src 'self'", path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    page = client.get(url_of(job))
    style = doc(page).xpath("//style")[0].text
    assert theme.csp_hash(style) in page.headers["content-security-policy"]


# --- escaping -----------------------------------------------------------------------------------


ATTACK = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"


def test_script_injection_stays_text_everywhere(db, acme, client):
    set_columns(db, Company, acme.recruiter.company_id, about=f"About us {ATTACK} [x](javascript:alert(3))")
    job = post(
        db,
        acme.recruiter,
        f"Engineer {ATTACK}",
        f"Description {ATTACK}\n\n<iframe src=//evil></iframe>",
        f"Berlin {ATTACK}",
        department=f"Ops {ATTACK}",
        workplace="remote",
        remote_region=f"EU {ATTACK}",
    )
    pages_to_check = {
        "company": client.get("/careers/acme"),
        "job": client.get(url_of(job)),
        "embed": client.get("/careers/acme/embed"),
        "index": client.get("/careers"),
        "filtered": client.get("/careers/acme", params={"q": ATTACK, "department": ATTACK}),
    }
    for name, r in pages_to_check.items():
        assert r.status_code == 200, name
        page = doc(r)
        assert len(page.xpath("//script[@type='application/ld+json']")) == (name == "job"), name
        scripts_that_run(page)
        assert not page.xpath("//*[@onerror] | //iframe | //img[@src='x']"), name
        assert not page.xpath("//@href[contains(., 'javascript')] | //@src[contains(., 'javascript')]"), name
    job_page = pages_to_check["job"]
    assert doc(job_page).xpath("//h1")[0].text_content() == f"Engineer {ATTACK}"
    assert doc(job_page).findtext(".//title") == f"Engineer {ATTACK} at Acme"
    (posting,) = postings(job_page)
    assert posting["title"] == f"Engineer {ATTACK}"
    regions = posting["applicantLocationRequirements"]
    # The region's words come back as text (split into places, brackets dropped), never as markup.
    assert regions[0]["name"].startswith("EU") and "<script>" in "".join(r["name"] for r in regions)
    ld_block = doc(job_page).xpath("//script[@type='application/ld+json']")[0].text
    assert "</" not in ld_block and "<script" not in ld_block
    assert json.loads(ld_block)["title"] == f"Engineer {ATTACK}"
    for path in ("/careers/acme/jobs.rss", "/careers/acme/jobs.xml", "/sitemap.xml"):
        root = lxml.etree.fromstring(client.get(path).content)
        titles_found = root.xpath("//item/title/text() | //job/title/text()")
        if path != "/sitemap.xml":
            assert f"Engineer {ATTACK}" in titles_found, path
        for html in root.xpath("//description/text()"):
            fragment = lxml.html.fromstring(f"<div>{html}</div>")
            assert not fragment.xpath("//script | //iframe | //*[@onerror]"), path
    body = client.get("/careers/acme/jobs.json").json()
    assert any(j["title"] == f"Engineer {ATTACK}" for j in body["jobs"])


# --- the page the apply form shows again --------------------------------------------------------


def test_source_tag_is_kept_for_the_apply_form(db, acme, client):
    job = jobs.get_job(db, None, acme.job_id)
    page = doc(client.get(url_of(job) + "?source=linkedin"))
    form = page.xpath("//section[@id='apply']//form")[0]
    assert form.get("action") == urls.apply_path("acme", job.id)
    assert form.xpath(".//input[@type='hidden'][@name='source']/@value") == ["linkedin"]
    bad = doc(client.get(url_of(job) + "?source=%3Cscript%3E"))
    assert bad.xpath("//input[@name='source']/@value") in ([], [""])
    page = doc(client.get("/careers/acme?source=newsletter"))
    assert all(h.endswith("?source=newsletter") for h in page.xpath("//li[@data-testid='job-row']/a/@href"))


def test_job_page_response_shows_the_form_again_with_errors(db, acme):
    job = jobs.get_job(db, None, acme.job_id)
    app = FastAPI()
    app.state.db_provider = lambda: db

    @app.post("/again/{slug}/{job_id}")
    def again(request: Request, slug: str, job_id: int):
        return pages.job_page_response(
            request,
            slug,
            job_id,
            form={"full_name": "Casey Keeps", "email": "casey@example.com", "source": "meetup"},
            errors={"email": "That address was refused."},
            status_code=422,
        )

    c = TestClient(app)
    r = c.post(f"/again/acme/{job.id}", follow_redirects=False)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    page = doc(r)
    assert page.findtext(".//title") == "Acme Engineer at Acme"
    assert "Casey Keeps" in r.text and "That address was refused." in r.text
    assert page.xpath("//input[@name='source']/@value") == ["meetup"]
    # Without scripts the page opens at its top: a link there leads to what to fix.
    assert page.xpath("//*[@data-testid='apply-pending']/a/@href") == ["#apply-errors"]
    assert page.xpath("//*[@id='apply-errors']") and not page.xpath("//a[@class='button'][@href='#apply']")
    # Shown again at once, never redirected, even from a former address or with only the id.
    with db.session(write=True) as s:
        company = s.get(Company, acme.recruiter.company_id)
        company.slug = "acme-new"
        s.add(company)
        s.add(CompanySlugRedirect(slug="acme", company_id=company.id))
    assert c.post(f"/again/acme/{job.id}", follow_redirects=False).status_code == 422
    assert c.post("/again/acme/999999", follow_redirects=False).status_code == 404


def test_listing_search_and_sitemap_on_both_engines(any_db, monkeypatch):
    """The site's queries (search with literal wildcards, ordering, lastmod from an aggregate)."""
    from .conftest import make_company

    acme = make_company(any_db, "Acme")
    post(any_db, acme.recruiter, "Data_Engineer", "Spark.", "Berlin", department="Data")
    post(any_db, acme.recruiter, "Analyst", "SQL 100%.", "Paris", department="Data")
    post(any_db, acme.recruiter, "Draft Role", status="draft")
    c = TestClient(create_api(lambda: any_db))
    assert titles(c.get("/careers/acme")) == ["Analyst", "Data_Engineer", "Acme Engineer"]
    assert titles(c.get("/careers/acme?q=a_e")) == ["Data_Engineer"]
    assert titles(c.get("/careers/acme?q=100%25")) == ["Analyst"]
    root = lxml.etree.fromstring(c.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert len(root.xpath("//s:url", namespaces=ns)) == 4
    for lastmod in root.xpath("//s:url/s:lastmod/text()", namespaces=ns):
        assert datetime.fromisoformat(lastmod).tzinfo is not None
    # Control characters (NUL, which PostgreSQL refuses; line breaks) are no search and no address.
    assert titles(c.get("/careers/acme?q=Ana%00lyst&location=Pa%0Aris")) == ["Analyst"]
    assert c.get("/careers/acme?department=%00").status_code == 200
    for path in (
        "/careers/ac%00me",
        "/careers/ac%0Ame/jobs.rss",
        "/careers/acme/jobs/1%00-x",
        "/careers/acme/jobs/2147483648-x",  # past PostgreSQL's integer
        "/careers/job?id=99999999999",
    ):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), path
    r = c.get("/careers/ACME", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (301, "/careers/acme")
