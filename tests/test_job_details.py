"""A job's details and statuses: checked by the core, carried by the API, seen by whom they may be."""

from __future__ import annotations

import lxml.html
import pytest

from flowtrack_ui.core import jobs, markdown
from flowtrack_ui.core.errors import InvalidInput, NotFound

from .conftest import make_candidate
from .test_api import client_for, login


def test_details_are_checked_and_kept(db, acme):
    job = jobs.create_job(
        db,
        acme.recruiter,
        "Data Engineer",
        "## About\n\n- Python\n- **SQL**",
        "Berlin",
        details={
            "department": "Engineering",
            "employment_type": "contract",
            "workplace": "remote",
            "remote_region": "EU",
            "salary_min": 60000,
            "salary_max": "80,000",
            "salary_currency": "eur",
            "salary_visible": True,
            "valid_through": "2100-01-31",
        },
    )
    assert (job.department, job.employment_type, job.workplace, job.remote_region) == (
        "Engineering",
        "contract",
        "remote",
        "EU",
    )
    assert (job.salary_min, job.salary_max, job.salary_currency, job.salary_visible) == (
        60000,
        80000,
        "EUR",
        True,
    )
    assert job.valid_through.isoformat().startswith("2100-01-31T23:59:59")
    assert job.status == "published" and job.published_at is not None
    # An update keeps what it does not name.
    job = jobs.update_job(
        db, acme.recruiter, job.id, "Data Engineer", job.description, details={"department": "Data"}
    )
    assert (job.department, job.salary_max, job.workplace) == ("Data", 80000, "remote")
    for bad, words in (
        ({"salary_min": 5, "salary_max": 1, "salary_currency": "EUR"}, "above the maximum"),
        ({"salary_min": 5, "salary_currency": ""}, "three-letter"),
        ({"employment_type": "gig"}, "Employment type"),
        ({"valid_through": "31/01/2100"}, "YYYY-MM-DD"),
        ({"valid_through": "1900-01-01"}, "between the years"),
        ({"colour": "red"}, "Unknown job field"),
    ):
        with pytest.raises(InvalidInput, match=words):
            jobs.update_job(db, acme.recruiter, job.id, "Data Engineer", details=bad)


@pytest.mark.parametrize(
    ("status", "anonymous", "candidate", "own_staff", "other_staff", "listed"),
    [
        ("draft", False, False, True, False, False),
        ("published", True, True, True, True, True),
        ("unlisted", True, True, True, True, False),
        ("internal", False, False, True, False, False),
        ("closed", False, False, True, False, False),
    ],
)
def test_who_sees_a_job_in_each_status(
    db, acme, globex, status, anonymous, candidate, own_staff, other_staff, listed
):
    cand = make_candidate(db, "seer@example.com")
    job = jobs.create_job(db, acme.recruiter, f"Role {status}", status=status)
    for who, sees in (
        (None, anonymous),
        (cand, candidate),
        (acme.manager, own_staff),
        (globex.recruiter, other_staff),
    ):
        if sees:
            assert jobs.get_job(db, who, job.id).status == status
        else:
            with pytest.raises(NotFound):
                jobs.get_job(db, who, job.id)
    assert (job.id in {j.id for j in jobs.list_jobs(db, None)}) is listed
    assert job.id in {j.id for j in jobs.list_jobs(db, acme.recruiter)}


def test_api_carries_details_status_and_rendered_description(db, acme):
    c = client_for(db)
    headers = login(c, "rec@acme.test")
    r = c.post(
        "/api/jobs/",
        json={
            "title": "Designer",
            "description": "Hi <script>x</script> [a](javascript:alert(1))",
            "status": "draft",
            "workplace": "hybrid",
            "salary_min": 1,
            "salary_max": 2,
            "salary_currency": "USD",
            "salary_period": "hour",
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "draft" and body["url"] is None and body["workplace"] == "hybrid"
    assert _unsafe(body["description_html"]) == [] and "&lt;script&gt;" in body["description_html"]
    r = c.put(f"/api/jobs/{body['id']}", json={"title": "Designer", "status": "published"}, headers=headers)
    assert r.status_code == 200 and r.json()["url"].endswith(f"/careers/acme/jobs/{body['id']}-designer")
    assert r.json()["salary_period"] == "hour"  # kept
    assert (
        c.put(f"/api/jobs/{body['id']}", json={"title": "D", "status": "open"}, headers=headers).status_code
        == 422
    )
    assert c.get(f"/api/jobs/{body['id']}").status_code == 200


def _unsafe(html: str) -> list[str]:
    """What a browser would run or fetch in ``html``: scripts, handlers, non-http links, images."""
    tree = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    embedded = ("script", "img", "iframe", "style", "object")
    found = [el.tag for el in tree.iter() if el.tag in embedded]
    for el in tree.iter():
        found += [name for name in el.attrib if name.lower().startswith("on")]
        href = el.get("href")
        if href is not None and not href.startswith(("https:", "http:", "mailto:")):
            found.append(href)
    return found


def test_markdown_is_sanitised():
    html = markdown.to_html(
        "# T\n\n<b onclick=x>raw</b>\n\n[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) "
        '<a href="javascript:alert(1)">z</a>\n\n![i](https://e.test/i.png)\n\n<script>alert(1)</script>\n\n'
        "[ok](https://ok.test) **bold** [m](mailto:a@b.test) [d](data:text/html,x)"
    )
    assert "<h1>T</h1>" in html and "<strong>bold</strong>" in html
    assert 'href="https://ok.test"' in html and 'href="mailto:a@b.test"' in html
    assert _unsafe(html) == []
