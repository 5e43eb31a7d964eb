"""The careers site: server time per job page and per one-step application, and a job page's weight.

Against the real server (SQLite: one worker; PostgreSQL: two sharing Redis), one client on
loopback, requests one after another, so a request's round trip is the server's time plus a
loopback hop. A job page is fetched the way a crawler or a candidate's browser does (GET of the
canonical address); an application is the job page's form posted as multipart with a one-page PDF
résumé, each from another address (``X-Forwarded-For`` through one trusted proxy, as in production
behind a reverse proxy: the per-address limits are FlowTrack's own and stay on).
"""

from __future__ import annotations

import gzip
import os
import random
import re
import time

import httpx
from common import each_engine, median, percentile, tree_cpu_seconds

from flowtrack_ui.core import jobs
from flowtrack_ui.core.applications.public_apply import MIN_FILL_SECONDS
from flowtrack_ui.core.careers.urls import apply_path, job_path
from flowtrack_ui.core.models import Company
from flowtrack_ui.demo.resumes import profile_for, resume_pdf

PAGE_RUNS = 300
APPLY_RUNS = 60
JOBS = 30

DESCRIPTION = """## About the role

We are looking for a {title} to join our {department} team. You will work with product, design
and engineering to ship features our customers use every day, own them in production, and help
the team decide what to build next.

## What you will do

- Design, build and run services that handle **thousands of requests a second**
- Review code, pair with colleagues and write things down so others can follow
- Talk with customers and turn what they say into small, well-tested changes
- Take part in an on-call rotation (one week in six, with a day off afterwards)

## What we look for

- Three or more years of professional experience in a similar role
- Comfort with SQL, HTTP and at least one typed language
- Clear writing, in English; German is a plus
- Curiosity about how things work, and care for the people who use them

## What we offer

1. A salary in the published range, reviewed every year
2. 30 days of paid holiday, plus public holidays
3. A learning budget of 1,500 EUR a year and time to use it
4. Hybrid work: our office is five minutes from the main station

Read more about how we work on [our blog](https://example.com/blog).
"""


def _publish(s) -> list[tuple[int, str]]:
    """Thirty published jobs of the site's company, like a small company's careers page."""
    rng = random.Random(26)
    departments = ["Engineering", "Sales", "Customer Success", "Design", "Finance"]
    out = []
    for i in range(JOBS):
        department = departments[i % len(departments)]
        title = f"{rng.choice(['Senior', 'Staff', 'Junior', 'Lead'])} {department} Specialist {i + 1}"
        job = jobs.create_job(
            s.db,
            s.recruiter,
            title,
            DESCRIPTION.format(title=title, department=department),
            "Berlin, Germany",
            questions=[
                {"kind": "yes_no", "prompt": "Are you allowed to work in the EU?", "required": True},
                {"kind": "short_text", "prompt": "When could you start?", "required": False},
            ],
            details={
                "department": department,
                "workplace": "hybrid",
                "salary_min": 60000 + 1000 * i,
                "salary_max": 80000 + 1000 * i,
                "salary_currency": "EUR",
                "salary_visible": True,
            },
        )
        out.append((job.id, job.title))
    return out


def _timed(client: httpx.Client, pid: int, send) -> tuple[list[float], float]:
    """Round trips (ms) of ``send(i)`` for each run, and the server's CPU ms per request."""
    times = []
    cpu = tree_cpu_seconds(pid)
    for i in range(send.runs):
        t = time.perf_counter()
        send(i)
        times.append((time.perf_counter() - t) * 1000)
    return times, (tree_cpu_seconds(pid) - cpu) * 1000 / send.runs


def measure(s) -> dict:
    with s.db.session() as session:
        slug = session.get(Company, s.recruiter.company_id).slug
    posted = _publish(s)
    pages = [job_path(slug, job_id, title) for job_id, title in posted]
    pid = s.server.proc.pid
    with httpx.Client(base_url=s.server.url, timeout=30, follow_redirects=False) as client:
        # Warm up: templates compiled, connection pools filled.
        for path in pages[:5]:
            client.get(path).raise_for_status()

        def get_page(i: int) -> None:
            r = client.get(pages[i % len(pages)])
            assert r.status_code == 200, r.status_code

        get_page.runs = PAGE_RUNS  # type: ignore[attr-defined]
        page_ms, page_cpu = _timed(client, pid, get_page)

        first = client.get(pages[0], headers={"Accept-Encoding": "gzip"})
        raw = client.get(pages[0], headers={"Accept-Encoding": "identity"}).content
        served_gzip = first.headers.get("content-encoding") == "gzip"
        wire = int(first.headers.get("content-length") or len(first.content))
        assets = re.findall(r'(?:href|src)="(/careers/assets/[^"]+)"', raw.decode())
        asset_bytes = sum(len(client.get(a).content) for a in set(assets))
        asset_gzip = sum(len(gzip.compress(client.get(a).content, 6)) for a in set(assets))

        token = re.search(r'name="started" value="([^"]+)"', raw.decode()).group(1)
        time.sleep(MIN_FILL_SECONDS + 0.5)  # a person takes longer than this to fill the form
        rng = random.Random(7)
        resume = resume_pdf("Ada Applicant", "ada@bench.test", profile_for("Ada Applicant", rng), rng)
        job_id = posted[0][0]

        def apply(i: int) -> None:
            r = client.post(
                apply_path(slug, job_id),
                data={
                    "full_name": f"Bench Applicant {i}",
                    "email": f"applicant-{i}-{s.engine.lower()}@bench.test",
                    "phone": "+49 30 1234567",
                    "cover_letter": "I would like to join your team.",
                    "started": token,
                    "website": "",
                    f"answer_{_first_question(s, job_id)}": "yes",
                },
                files={"resume": ("resume.pdf", resume, "application/pdf")},
                headers={"X-Forwarded-For": f"10.26.{i // 250}.{i % 250 + 1}"},
            )
            assert r.status_code == 303, (r.status_code, r.text[:300])

        apply.runs = APPLY_RUNS  # type: ignore[attr-defined]
        apply_ms, apply_cpu = _timed(client, pid, apply)

    row = {
        "engine": s.engine,
        "page_p50": median(page_ms),
        "page_p95": percentile(page_ms, 95),
        "page_cpu": page_cpu,
        "apply_p50": median(apply_ms),
        "apply_p95": percentile(apply_ms, 95),
        "apply_cpu": apply_cpu,
        "html_bytes": len(raw),
        "html_gzip": len(gzip.compress(raw, 6)),
        "wire_bytes": wire,
        "served_gzip": served_gzip,
        "asset_bytes": asset_bytes,
        "asset_gzip": asset_gzip,
    }
    print(
        f"[careers] {s.label}: job page p50 {row['page_p50']:.1f} ms, p95 {row['page_p95']:.1f} ms, "
        f"server CPU {page_cpu:.1f} ms; apply p50 {row['apply_p50']:.0f} ms, p95 {row['apply_p95']:.0f} ms, "
        f"server CPU {apply_cpu:.0f} ms; page {len(raw):,} B ({row['html_gzip']:,} B gzipped; "
        f"{wire:,} B on the wire{' gzip' if served_gzip else ''}), CSS/JS {asset_bytes:,} B "
        f"({asset_gzip:,} B gzipped)",
        flush=True,
    )
    return row


def _first_question(s, job_id: int) -> int:
    return jobs.get_job(s.db, s.recruiter, job_id).questions[0].id


def run() -> list[dict]:
    """Each engine; the server trusts one proxy hop so each application comes from its own address."""
    before = os.environ.get("FLOWTRACK_TRUSTED_PROXY_HOPS")
    os.environ["FLOWTRACK_TRUSTED_PROXY_HOPS"] = "1"
    try:
        return each_engine(measure)
    finally:
        if before is None:
            os.environ.pop("FLOWTRACK_TRUSTED_PROXY_HOPS", None)
        else:
            os.environ["FLOWTRACK_TRUSTED_PROXY_HOPS"] = before


if __name__ == "__main__":
    run()
