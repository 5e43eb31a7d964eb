"""Résumés: upload + text extraction of a 2-page and a 50-page PDF, and the board searched by
résumé text at 5,000 applications, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import random
import time
from datetime import UTC, datetime

from common import ENGINES, bulk_job, company, count_queries, database_url, median, open_db, pg_available
from sqlalchemy import insert, text

from flowtrack_ui.core import queries
from flowtrack_ui.core.accounts import sign_in, sign_up
from flowtrack_ui.core.candidates import profile
from flowtrack_ui.core.files import text_extraction
from flowtrack_ui.core.files.file_types import PDF
from flowtrack_ui.core.models import StoredFile
from flowtrack_ui.demo.resumes import SKILLS, profile_for, resume_pdf

UPLOAD_RUNS = 5
SEARCH_SIZE = 5000
SEARCH_RUNS = 10
PASSWORD = "bench passphrase 1"


def _pdf(pages: int) -> bytes:
    rng = random.Random(pages)
    return resume_pdf(
        "Bench Candidate", "bench@bench.test", profile_for("Bench Candidate", rng), rng, extra_pages=pages - 1
    )


def upload_timings(db) -> dict:
    sign_up.register_candidate(db, "uploader@bench.test", PASSWORD, "Uma Uploader")
    cand = sign_in.principal_from_token(db, sign_in.login(db, "uploader@bench.test", PASSWORD))
    found = {}
    for pages in (2, 50):
        data = _pdf(pages)
        extract, total = [], []
        for _ in range(UPLOAD_RUNS):
            t = time.perf_counter()
            text_extraction.extract(PDF, data)
            extract.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            stored = profile.upload_resume(db, cand, data, f"cv-{pages}.pdf")
            total.append((time.perf_counter() - t) * 1000)
        assert stored.page_count == pages and stored.has_text
        found[f"upload_{pages}_ms"] = median(total)
        found[f"extract_{pages}_ms"] = median(extract)
        found[f"size_{pages}_kib"] = len(data) / 1024
    return found


def _attach_resumes(db, job_id: int) -> None:
    """A résumé text (about 2 KB) per application; one in fifty mentions Kubernetes operators."""
    rng = random.Random(11)
    words = [w for pool in SKILLS.values() for w in pool if w != "Kubernetes"]
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        apps = s.execute(
            text("SELECT id, candidate_id FROM application WHERE job_id = :j ORDER BY id"), {"j": job_id}
        ).all()
        rows = []
        for n, (_app_id, cand_id) in enumerate(apps):
            body = " ".join(rng.choice(words) for _ in range(300))
            if n % 50 == 0:
                body += " Wrote Kubernetes operators for stateful services."
            data = body.encode()
            rows.append(
                {
                    "owner_id": cand_id,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                    "content_type": PDF,
                    "original_name": "cv.pdf",
                    "data": data,
                    "text": body,
                    "page_count": 1,
                    "created_at": now,
                }
            )
        s.execute(insert(StoredFile), rows)
        s.execute(
            text(
                "UPDATE application SET resume_file_id = (SELECT f.id FROM stored_file f "
                "WHERE f.owner_id = application.candidate_id ORDER BY f.id DESC LIMIT 1) WHERE job_id = :j"
            ),
            {"j": job_id},
        )


def search_timing(db, recruiter) -> tuple[float, int, int]:
    job_id, _ = bulk_job(db, recruiter, SEARCH_SIZE, spread=True)
    _attach_resumes(db, job_id)
    board = queries.board(db, recruiter, job_id, search="kubernetes operators")
    with count_queries(db) as statements:
        queries.board(db, recruiter, job_id, search="kubernetes operators")
    times = []
    for _ in range(SEARCH_RUNS):
        t = time.perf_counter()
        queries.board(db, recruiter, job_id, search="kubernetes operators")
        times.append((time.perf_counter() - t) * 1000)
    return median(times), len(statements), board.total


def run() -> list[dict]:
    rows = []
    for engine in ENGINES:
        if engine == "PostgreSQL" and not pg_available():
            print("PostgreSQL unreachable: files benchmark on SQLite only")
            continue
        with database_url(engine) as url:
            db = open_db(url)
            recruiter = company(db, "Files Bench Co")
            row = {"engine": engine, **upload_timings(db)}
            row["search_ms"], row["search_queries"], row["search_hits"] = search_timing(db, recruiter)
            db.dispose()
        print(
            f"[files] {engine}: upload + extraction 2 pages {row['upload_2_ms']:.0f} ms "
            f"(extraction {row['extract_2_ms']:.0f}), 50 pages {row['upload_50_ms']:.0f} ms "
            f"(extraction {row['extract_50_ms']:.0f}); board search by résumé text at {SEARCH_SIZE:,}: "
            f"{row['search_ms']:.1f} ms, {row['search_queries']} queries, {row['search_hits']} hits",
            flush=True,
        )
        rows.append(row)
    return rows


if __name__ == "__main__":
    run()
