"""REST API under load from wrk (a separate C load generator): 16 and 64 clients, 20 s each.

Stage moves (every request a legal move of a different card, so none is refused) and
board/list reads, against the real server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from common import Site, bulk_job, each_engine, tree_cpu_seconds

from flowtrack_ui.core.accounts import sign_in

CLIENTS = (16, 64)
DURATION = 20
APPS_PER_RUN = 12000  # each card moves twice: 24,000 moves, more than a 20 s run makes (~750/s)
WRK_THREADS = 2  # one event loop per core is plenty for 64 connections
HERE = Path(__file__).resolve().parent


def wrk(url: str, script: str, clients: int, *args: str, seconds: int = DURATION) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / script),
            url,
            "--",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for x in out.splitlines():
        if x.startswith("FIRST_ERROR "):
            print(f"[api] first refused request: {x[len('FIRST_ERROR ') :]}", flush=True)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def measure(s: Site) -> list[dict]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs Debian's wrk")
    token = sign_in.issue_token(s.db, s.recruiter.user_id)
    read_job, _ = bulk_job(s.db, s.recruiter, 500, spread=True)
    rows = []
    for clients in CLIENTS:
        _, ids = bulk_job(s.db, s.recruiter, APPS_PER_RUN)
        ids_file = s.tmp / f"ids-{clients}.txt"
        ids_file.write_text("\n".join(map(str, ids)) + "\n")
        # Server CPU per request: the server process tree's user + system time over the run
        # (steadier than throughput on a shared machine).
        cpu_before = tree_cpu_seconds(s.server.proc.pid)
        moves = wrk(s.server.url, "wrk_moves.lua", clients, token, str(ids_file), str(WRK_THREADS))
        moves["cpu_ms"] = (
            (tree_cpu_seconds(s.server.proc.pid) - cpu_before) * 1000 / max(1, moves["requests"])
        )
        cpu_before = tree_cpu_seconds(s.server.proc.pid)
        reads = wrk(s.server.url, "wrk_reads.lua", clients, token, str(read_job))
        reads["cpu_ms"] = (
            (tree_cpu_seconds(s.server.proc.pid) - cpu_before) * 1000 / max(1, reads["requests"])
        )
        for kind, r in (("stage moves", moves), ("board/list reads", reads)):
            rows.append({"engine": s.engine, "workers": s.workers, "clients": clients, "kind": kind, **r})
            print(
                f"[api] {s.label}, {clients} clients, {kind}: {r['rps']:.0f} req/s, "
                f"p50 {r['p50_us'] / 1000:.1f} ms, p95 {r['p95_us'] / 1000:.1f} ms, "
                f"p99 {r['p99_us'] / 1000:.1f} ms, server CPU {r['cpu_ms']:.2f} ms per request, "
                f"errors {r['errors']}"
                + (f", ran out of cards {r['exhausted']}" if r.get("exhausted") else ""),
                flush=True,
            )
    return rows


def run() -> list[dict]:
    return each_engine(measure)


if __name__ == "__main__":
    run()
