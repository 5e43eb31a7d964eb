"""Run every benchmark on SQLite and PostgreSQL, print the numbers, and write them down.

Writes benchmarks/RESULTS.md and the table between the bench markers in README.md.
Usage: ``make bench`` (or ``python benchmarks/run.py`` with the project's venv).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import time
from datetime import UTC, datetime

import analytics
import api_load
import browser
import careers
import domain
import files
import memory
import original_api
import talent
import ws_load
from common import ROOT, available_engines, site, table

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
# RESULTS.md keeps what follows this heading from one run to the next (numbers measured once on
# an older commit, the "before" of a change); the README's section shows it too.
KEPT = "### Before "


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    chromium = subprocess.run(
        ["/usr/bin/chromium", "--version"], capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {chromium}"
    )


def report(results: dict, seconds: float) -> str:
    api_rows = [
        {**r, "p50": r["p50_us"] / 1000, "p95": r["p95_us"] / 1000, "p99": r["p99_us"] / 1000}
        for r in results["api"]
    ]
    parts = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; `make bench` took "
        f"{seconds / 60:.1f} min. SQLite is served by one worker, PostgreSQL by two sharing Redis.",
        "",
        ws_load.tables(results["ws"]),
        "",
        "**Domain core** (in-process; stage moves are real use-case calls, each its own transaction)",
        "",
        table(
            results["domain"],
            [
                ("engine", "{engine}"),
                ("moves/s, 1 thread", "{moves_1:.0f}"),
                ("moves/s, 8 threads", "{moves_8:.0f}"),
                ("board 50 apps", "{board_50_ms:.1f} ms, {board_50_queries} queries"),
                ("board 500", "{board_500_ms:.1f} ms, {board_500_queries} queries"),
                ("board 5,000", "{board_5000_ms:.1f} ms, {board_5000_queries} queries"),
            ],
        ),
        "",
        f"**Résumés** (in-process: upload through the domain core, text extraction with pypdf, median of "
        f"{files.UPLOAD_RUNS}; the board searched by résumé text, {files.SEARCH_SIZE:,} applications with "
        "a résumé each)",
        "",
        table(
            results["files"],
            [
                ("engine", "{engine}"),
                ("upload 2-page PDF", "{upload_2_ms:.0f} ms (extraction {extract_2_ms:.0f} ms)"),
                ("upload 50-page PDF", "{upload_50_ms:.0f} ms (extraction {extract_50_ms:.0f} ms)"),
                ("board search by résumé text", "{search_ms:.0f} ms, {search_queries} queries"),
            ],
        ),
        "",
        f"**Hiring analytics** (the whole report — funnel, conversion, time in stage, time to hire and fill, "
        f"reasons, sources — median of {analytics.RUNS}; one job of {analytics.JOB_SIZE:,} applications, and "
        f"a company of {analytics.COMPANY_JOBS} jobs)",
        "",
        table(
            results["analytics"],
            [
                ("engine", "{engine}"),
                ("one job", "{job_ms:.0f} ms ({job_history:,} history rows, {queries} queries)"),
                (
                    f"company, {analytics.COMPANY_JOBS} × {analytics.COMPANY_JOB_SIZES[0]:,} applications",
                    "{company_100_ms:.0f} ms ({company_100_history:,} history rows)",
                ),
                (
                    f"company, {analytics.COMPANY_JOBS} × {analytics.COMPANY_JOB_SIZES[1]:,} applications",
                    "{company_1000_ms:.0f} ms ({company_1000_history:,} history rows)",
                ),
            ],
        ),
        "",
        f"**Talent pool** (full-text search over {talent.CANDIDATES:,} candidates with a résumé of "
        f"{talent.WORDS_PER_RESUME[0]}–{talent.WORDS_PER_RESUME[1]} words each, {talent.QUERIES_PER_KIND} "
        "searches of each kind — common and rare skills, two skills, a prefix, a name, a skill with tag and "
        f"stage filters — through the domain core, a page of 20 with the total; erasing a candidate with "
        f"{talent.APPLICATIONS_EACH} applications, median of {talent.ERASE_RUNS})",
        "",
        table(
            results["talent"],
            [
                ("engine", "{engine}"),
                ("search p50 / p95", "{p50_ms:.0f} / {p95_ms:.0f} ms"),
                ("common skill p95", "{common_p95_ms:.0f} ms ({common_matches:,} matches)"),
                ("rare skill p95", "{rare_p95_ms:.0f} ms"),
                ("with filters p95", "{filters_p95_ms:.0f} ms"),
                ("erase", "{erase_ms:.0f} ms ({erase_queries} statements)"),
            ],
        ),
        "",
        f"**Careers site** (the real server, one client on loopback, one request after another: "
        f"{careers.PAGE_RUNS} job page GETs over {careers.JOBS} published jobs, {careers.APPLY_RUNS} "
        "one-step applications posted as the job page's form with a one-page PDF résumé; server CPU "
        "is the server's process tree, file workers included)",
        "",
        table(
            results["careers"],
            [
                ("engine", "{engine}"),
                ("job page p50 / p95", "{page_p50:.1f} / {page_p95:.1f} ms"),
                ("server CPU per page", "{page_cpu:.1f} ms"),
                ("apply p50 / p95", "{apply_p50:.0f} / {apply_p95:.0f} ms"),
                ("server CPU per apply", "{apply_cpu:.0f} ms"),
                ("job page HTML", "{html_bytes:,} B, {wire_bytes:,} B gzipped on the wire"),
                ("its CSS + JS", "{asset_bytes:,} B ({asset_gzip:,} B gzipped)"),
            ],
        ),
        "",
        f"**REST API under load** (wrk, {api_load.DURATION} s per row; moves are PATCH "
        "`/api/applications/{id}/stage`, reads alternate a job's applications and the job list)",
        "",
        table(
            api_rows,
            [
                ("engine", "{engine}"),
                ("clients", "{clients}"),
                ("requests", "{kind}"),
                ("req/s", "{rps:.0f}"),
                ("p50", "{p50:.1f} ms"),
                ("p95", "{p95:.1f} ms"),
                ("p99", "{p99:.1f} ms"),
                ("server CPU per request", "{cpu_ms:.2f} ms"),
                ("errors", "{errors}"),
            ],
        ),
        "",
        *(
            [
                f"**REST stage moves beside the original FlowTrack API** (the FastAPI + SQLite project "
                f"FlowTrack replaces, from its own checkout with its pinned requirements, one uvicorn "
                f"process; FlowTrack on SQLite, one worker; both serving at once, the same wrk script, "
                f"{api_load.DURATION} s runs alternating between them after a warm-up; medians over the "
                "rounds, each side's range in brackets; × and ÷ are FlowTrack's advantage)",
                "",
                original_api.side_by_side_table(results["original"]),
                "",
            ]
            if results.get("original")
            else []
        ),
        f"**In Chromium** ({browser.DRAGS} mouse drags Applied → Screening per board; times from the mouse "
        "release; drawn = the card visible in its new column, sampled every animation frame; a flicker "
        "frame shows it back in its old column)",
        "",
        table(
            results["browser"],
            [
                ("engine", "{engine}"),
                ("board", "{size:,} apps"),
                (
                    "draggable (first / median load)",
                    "{draggable_first_ms:.0f} / {draggable_median_ms:.0f} ms",
                ),
                ("drawn p50 / p95", "{shown_p50_ms:.0f} / {shown_p95_ms:.0f} ms"),
                ("flicker frames", "{flicker_frames}"),
                ("move sent p50 / p95", "{sent_p50_ms:.0f} / {sent_p95_ms:.0f} ms"),
                ("committed p50 / p95", "{committed_p50_ms:.0f} / {committed_p95_ms:.0f} ms"),
                ("of which sent → committed", "{server_p50_ms:.0f} / {server_p95_ms:.0f} ms"),
            ],
        ),
        "",
        f"**Backend with {memory.CLIENTS} idle board tabs** (PSS of the server's process tree)",
        "",
        table(
            results["memory"],
            [
                ("engine", "{engine}"),
                ("1 client", "{pss_one_client_mib:.0f} MiB"),
                (f"{memory.CLIENTS} clients", "{pss_clients_mib:.0f} MiB"),
                ("per client", "{per_client_kib:.0f} KiB"),
                ("idle CPU", "{idle_cpu_percent:.1f}% of a core"),
            ],
        ),
    ]
    return "\n".join(parts) + "\n"


def main() -> None:
    started = time.time()
    results = {
        "ws": ws_load.run(),  # the steady load first, on a machine not yet warm from the rest
        "domain": domain.run(),
        "files": files.run(),
        "analytics": analytics.run(),
        "talent": talent.run(),
        "careers": careers.run(),
        "api": [],
        "browser": [],
        "memory": [],
        "original": [],
    }
    print(f"  ({time.time() - started:.0f} s)", flush=True)
    for engine in available_engines():
        with site(engine) as s:
            print(f"  ({time.time() - started:.0f} s: {s.label} serving)", flush=True)
            for name, measure in (
                ("api", api_load.measure),
                ("browser", browser.measure),
                ("memory", memory.measure),
            ):
                result = measure(s)
                results[name] += result if isinstance(result, list) else [result]
                print(f"  ({time.time() - started:.0f} s)", flush=True)
                if name == "api" and s.engine == "SQLite":
                    # The original FlowTrack API beside this FlowTrack, right after its REST rows.
                    results["original"] = original_api.side_by_side(original_api.measure(s))
                    print(f"  ({time.time() - started:.0f} s)", flush=True)
    text = report(results, time.time() - started)
    results_md = ROOT / "benchmarks" / "RESULTS.md"
    old = results_md.read_text() if results_md.exists() else ""
    kept = old[old.index(KEPT) :] if KEPT in old else ""
    text += f"\n{kept}" if kept else ""
    results_md.write_text("# FlowTrack benchmark results\n\n" + text)
    readme = ROOT / "README.md"
    content = readme.read_text()
    if START in content and END in content:
        content = re.sub(
            re.escape(START) + ".*?" + re.escape(END), lambda _: f"{START}\n{text}{END}", content, flags=re.S
        )
        readme.write_text(content)
    print("\n" + text)
    print("Written to benchmarks/RESULTS.md and README.md")


if __name__ == "__main__":
    main()
