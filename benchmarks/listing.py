"""The list view: the first page (and a few other views) of a job with 20,000 applications, on
SQLite and PostgreSQL — server time of the core's read, and the number of SQL statements."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import partial

from common import ENGINES, bulk_job, company, count_queries, database_url, median, open_db, pg_available
from sqlalchemy import insert, select

from flowtrack_ui.core.applications import listing
from flowtrack_ui.core.applications.listing import ListingQuery
from flowtrack_ui.core.models import Application, CandidateTag

JOB_SIZE = 20_000
RUNS = 15
NEIGHBOURS = "previous / next of one application (by name)"
VIEWS = {
    "first page (newest first)": ListingQuery(),
    "by name, page 200": ListingQuery(sort="name", direction="asc", page=200),
    "by rating": ListingQuery(sort="rating", direction="desc"),
    "tag + text filter": ListingQuery(tag="referral", text="candidate 1"),
    "one stage, days in stage": ListingQuery(stage="Screening", sort="days", direction="desc"),
}


def _tags(db, recruiter, job_id: int) -> None:
    """Every tenth candidate tagged "referral", so the tag filter has something to find."""
    now, company_id = datetime.now(UTC), recruiter.company_id
    with db.session(write=True) as s:
        candidates = s.execute(select(Application.candidate_id).where(Application.job_id == job_id)).scalars()
        s.execute(
            insert(CandidateTag),
            [
                {
                    "company_id": company_id,
                    "candidate_id": c,
                    "label": "referral",
                    "created_at": now,
                }
                for i, c in enumerate(candidates)
                if i % 10 == 0
            ],
        )


def _time(read) -> float:
    read()  # warm
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        read()
        times.append((time.perf_counter() - t) * 1000)
    return median(times)


def run() -> list[dict]:
    rows = []
    for engine in ENGINES:
        if engine == "PostgreSQL" and not pg_available():
            print("PostgreSQL unreachable: list view benchmark on SQLite only")
            continue
        with database_url(engine) as url:
            db = open_db(url)
            recruiter = company(db, "Listing Bench Co")
            job_id, app_ids = bulk_job(db, recruiter, JOB_SIZE, spread=True, title="Big list")
            _tags(db, recruiter, job_id)
            with count_queries(db) as statements:
                listing.list_applications(db, recruiter, job_id, ListingQuery())
            row: dict = {"engine": engine, "queries": len(statements)}
            for name, query in VIEWS.items():
                row[name] = _time(partial(listing.list_applications, db, recruiter, job_id, query))
            # The application page's Previous / Next: the place of one application in the list.
            middle = app_ids[len(app_ids) // 2]
            by_name = ListingQuery(sort="name", direction="asc")
            row[NEIGHBOURS] = _time(partial(listing.neighbours, db, recruiter, middle, by_name))
            db.dispose()
        print(
            f"[listing] {engine}: {JOB_SIZE:,} applications, {row['queries']} queries a page; "
            + "; ".join(f"{name} {row[name]:.0f} ms" for name in [*VIEWS, NEIGHBOURS]),
            flush=True,
        )
        rows.append(row)
    return rows


if __name__ == "__main__":
    run()
