"""The backend with 100 idle board clients: its memory (PSS of the whole process tree) and CPU.

Each client is a real Chromium tab on a board page, connected over the event websocket and
following its job's changes; then they sit idle for ten seconds.
"""

from __future__ import annotations

import time

from browser import CHROMIUM, DRAGGABLE, sign_in
from common import Site, bulk_job, each_engine, tree_cpu_seconds, tree_pss_mib
from playwright.sync_api import sync_playwright

CLIENTS = 100
IDLE_SECONDS = 6


def measure(s: Site) -> dict:
    job_id, _ = bulk_job(s.db, s.recruiter, 60, spread=True, title="Idle board")
    pid = s.server.proc.pid
    board_url = f"{s.server.url}/board?job={job_id}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        first = context.new_page()
        sign_in(first, s)
        first.goto(board_url)
        first.wait_for_selector(DRAGGABLE)
        time.sleep(1)
        baseline = tree_pss_mib(pid)
        pages = [first]
        for _ in range(CLIENTS - 1):  # opened together, as a morning of recruiters would
            page = context.new_page()
            page.goto(board_url, wait_until="commit")
            pages.append(page)
        for page in pages:
            page.wait_for_selector(DRAGGABLE, timeout=180_000)
        time.sleep(2)
        loaded = tree_pss_mib(pid)
        cpu_before = tree_cpu_seconds(pid)
        time.sleep(IDLE_SECONDS)
        idle_cpu = (tree_cpu_seconds(pid) - cpu_before) / IDLE_SECONDS * 100
        browser.close()
    row = {
        "engine": s.engine,
        "workers": s.workers,
        "pss_one_client_mib": baseline,
        "pss_clients_mib": loaded,
        "per_client_kib": (loaded - baseline) * 1024 / (CLIENTS - 1),
        "idle_cpu_percent": idle_cpu,
    }
    print(
        f"[memory] {s.label}: backend {baseline:.0f} MiB with 1 board client, {loaded:.0f} MiB with "
        f"{CLIENTS} ({row['per_client_kib']:.0f} KiB per client); CPU while they sit idle "
        f"{idle_cpu:.1f}% of one core",
        flush=True,
    )
    return row


def run() -> list[dict]:
    return each_engine(measure)


if __name__ == "__main__":
    run()
