"""Talent pool: full-text search over 50,000 candidates with résumé text (SQLite FTS5 and
PostgreSQL tsvector/GIN), and erasing a candidate who has 10 applications."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from common import (
    ENGINES,
    PASSWORD,
    bulk_job,
    company,
    count_queries,
    database_url,
    median,
    open_db,
    percentile,
    pg_available,
)
from sqlalchemy import insert, text

from flowtrack_ui.core import jobs
from flowtrack_ui.core.accounts import sign_in, sign_up
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.candidates import profile
from flowtrack_ui.core.collaboration import notes
from flowtrack_ui.core.models import CandidateTag, TalentDocument
from flowtrack_ui.core.privacy import erase
from flowtrack_ui.core.talent import documents, search, tags
from flowtrack_ui.demo.resumes import profile_for, resume_pdf

CANDIDATES = 50_000
WORDS_PER_RESUME = (120, 320)
QUERIES_PER_KIND = 40
ERASE_RUNS = 5
APPLICATIONS_EACH = 10

# Skills with how often a résumé mentions them: common ones match thousands of candidates.
SKILLS = {
    "python": 0.22, "javascript": 0.2, "sql": 0.25, "kubernetes": 0.08, "terraform": 0.05, "react": 0.12,
    "figma": 0.06, "salesforce": 0.04, "rust": 0.015, "haskell": 0.004, "cobol": 0.002, "elixir": 0.006,
    "kafka": 0.03, "postgresql": 0.07, "django": 0.05, "tableau": 0.03, "hubspot": 0.03, "swift": 0.02,
}  # fmt: skip
QUERIES = {
    "common skill (≈22%)": ["python", "sql", "javascript"],
    "rare skill (<1%)": ["haskell", "cobol", "elixir"],
    "two skills": ["python kubernetes", "react figma", "sql tableau"],
    "prefix": ["kube", "postgre", "terra"],
    "name": ["candidate 01234", "candidate 4242", "candidate 31337"],
}


def _vocabulary(rng: random.Random, n: int = 3000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ten", "dra", "vel", "son", "ri", "mar", "to", "quin", "el", "pa", "nor"]
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _resume(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    words = rng.choices(vocab, weights=weights, k=rng.randint(*WORDS_PER_RESUME))
    words += [skill for skill, share in SKILLS.items() if rng.random() < share]
    rng.shuffle(words)
    return " ".join(words)


def _populate(db, recruiter) -> int:
    """50,000 candidates who applied to the company, each with a search document holding a
    résumé; inserted in bulk (the triggers or the generated column index them as they go)."""
    rng = random.Random(5)
    vocab = _vocabulary(rng)
    weights = [1 / (i + 1) for i in range(len(vocab))]  # Zipf-like, as in prose
    job_id, app_ids = bulk_job(db, recruiter, CANDIDATES, spread=True, title="Everyone")
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        rows = s.execute(
            text(
                "SELECT u.id, u.full_name, u.email FROM application a JOIN user_account u"
                " ON u.id = a.candidate_id WHERE a.job_id = :j ORDER BY u.id"
            ),
            {"j": job_id},
        ).all()
        batch = []
        for n, (uid, name, email) in enumerate(rows):
            batch.append(
                {
                    "company_id": recruiter.company_id,
                    "candidate_id": uid,
                    "company_key": documents.company_key(recruiter.company_id),
                    "full_name": name,
                    "email": email,
                    "headline": "",
                    "resume_text": _resume(rng, vocab, weights),
                    "notes_text": "",
                    "tags_text": "senior" if n % 10 == 0 else "",
                    "last_applied_at": now - timedelta(days=n % 400),
                    "updated_at": now,
                }
            )
            if len(batch) == 5000:
                s.execute(insert(TalentDocument), batch)
                batch = []
        if batch:
            s.execute(insert(TalentDocument), batch)
        s.execute(
            insert(CandidateTag),
            [
                {
                    "company_id": recruiter.company_id,
                    "candidate_id": uid,
                    "label": "senior",
                    "created_at": now,
                }
                for n, (uid, *_rest) in enumerate(rows)
                if n % 10 == 0
            ],
        )
    if db.engine.dialect.name == "postgresql":  # as autovacuum would have done by then
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            for table in ("talent_document", "candidate_tag", "application", "user_account"):
                c.execute(text(f"VACUUM ANALYZE {table}"))
    return len(rows)


def _search_times(db, recruiter) -> dict:
    out = {}
    everything = []
    for kind, queries in QUERIES.items():
        times = []
        for i in range(QUERIES_PER_KIND):
            q = queries[i % len(queries)]
            t = time.perf_counter()
            page = search.search(db, recruiter, q)
            times.append((time.perf_counter() - t) * 1000)
        out[kind] = (median(times), percentile(times, 95), page.total)
        everything += times
    times = []
    for _ in range(QUERIES_PER_KIND):
        t = time.perf_counter()
        search.search(db, recruiter, "python", tag="senior", category="screening")
        times.append((time.perf_counter() - t) * 1000)
    out["skill + tag + stage filters"] = (median(times), percentile(times, 95), None)
    everything += times
    out["all"] = (median(everything), percentile(everything, 95), None)
    return out


def _erase_times(db, recruiter) -> tuple[float, int]:
    """Median ms to erase a candidate with 10 applications (résumé, answers, notes, tags each)."""
    job_ids = [jobs.create_job(db, recruiter, f"Erase bench {i}").id for i in range(APPLICATIONS_EACH)]
    times, statements = [], 0
    for run in range(ERASE_RUNS):
        email = f"erase-{run}-{time.time_ns()}@bench.test"
        sign_up.register_candidate(db, email, PASSWORD, f"Erin Erase{run}")
        cand = sign_in.principal_from_token(db, sign_in.login(db, email, PASSWORD))
        profile.update_profile(db, cand, {"phone": "+44 20 7946 0958", "headline": "Archivist"})
        pdf = resume_pdf(
            f"Erin Erase{run}", email, profile_for("Erin", random.Random(run)), random.Random(run)
        )
        profile.upload_resume(db, cand, pdf, "cv.pdf")
        for job_id in job_ids:
            app = apply(db, cand, job_id, cover_letter="Dear team, " + "words " * 100)
            notes.add_note(db, recruiter, app.id, f"Erin Erase{run} knows vellum")
        tags.set_tags(db, recruiter, cand.user_id, ["archives", "silver medallist"])
        with count_queries(db) as sql:
            t = time.perf_counter()
            erase.erase_candidate(db, recruiter, cand.user_id)
            times.append((time.perf_counter() - t) * 1000)
        statements = len(sql)
    return median(times), statements


def run() -> list[dict]:
    rows = []
    for engine in ENGINES:
        if engine == "PostgreSQL" and not pg_available():
            print("PostgreSQL unreachable: talent benchmark on SQLite only")
            continue
        with database_url(engine) as url:
            db = open_db(url)
            recruiter = company(db, "Talent Bench Co")
            t = time.perf_counter()
            n = _populate(db, recruiter)
            load_s = time.perf_counter() - t
            found = _search_times(db, recruiter)
            erase_ms, erase_queries = _erase_times(db, recruiter)
            db.dispose()
        row = {
            "engine": engine,
            "candidates": n,
            "load_s": load_s,
            "p50_ms": found["all"][0],
            "p95_ms": found["all"][1],
            "common_p95_ms": found["common skill (≈22%)"][1],
            "common_matches": found["common skill (≈22%)"][2],
            "rare_p95_ms": found["rare skill (<1%)"][1],
            "filters_p95_ms": found["skill + tag + stage filters"][1],
            "erase_ms": erase_ms,
            "erase_queries": erase_queries,
        }
        print(
            f"[talent] {engine}: {n:,} candidates indexed in {load_s:.0f} s; "
            f"search p50 {row['p50_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms; "
            + "; ".join(f"{kind} p95 {v[1]:.1f} ms" for kind, v in found.items() if kind != "all")
            + f"; erase with {APPLICATIONS_EACH} applications {erase_ms:.0f} ms ({erase_queries} statements)",
            flush=True,
        )
        rows.append(row)
    return rows


if __name__ == "__main__":
    run()
