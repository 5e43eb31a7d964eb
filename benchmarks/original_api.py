"""The original FlowTrack API beside FlowTrack's REST API: the same wrk stage moves, the same run.

The original is the FastAPI + SQLite project FlowTrack replaces (its paths are FlowTrack's ``/api``
paths without the prefix). Its source is not part of FlowTrack: point ``FLOWTRACK_ORIGINAL_API`` at a
checkout of it, or put one in ``.tools/original-api/src``. Without one this comparison is skipped and
says so. The bench installs the original's own pinned requirements in ``.tools/original-api/venv`` and
serves it as its README does, one uvicorn process over a SQLite file, access log off as FlowTrack's is.

The data is written through the original's own models (a company, a recruiter, one candidate and one
``Applied`` application with its history row per card) and the recruiter's token comes from the
original's own ``create_access_token``: its pinned passlib 1.7.4 cannot hash with its pinned bcrypt 5,
so its register and login routes fail, and the moves never use them anyway.

Every move of the original also pushes an email task onto Redis's ``email_queue`` list (db 0), as its
``update_stage`` does; the list is deleted afterwards unless it was there before.

Both servers run at once, each over its own fresh cards. After a short warm-up of each, the wrk runs
alternate, FlowTrack then the original, ``ROUNDS`` times, so that a shared machine's slow minute
falls on both; the table gives the medians and each side's range.

Usage: part of ``make bench``; alone, ``python benchmarks/original_api.py`` measures both APIs on SQLite.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from api_load import DURATION, WRK_THREADS, wrk
from common import REDIS_URL, ROOT, Site, bulk_job, median, site, table, tree_cpu_seconds

from flowtrack_ui.core.accounts import sign_in
from tests.e2e_server import free_port

APPS_PER_RUN = 12000
ROUNDS = 3
WARM_UP_SECONDS = 5
# At 64 clients the original completed no move within a 20 s run here: a py-spy dump showed 40 of
# its thread-pool threads waiting in SQLAlchemy's pool (15 connections, 30 s wait) for connections
# that requests parked behind them hold. So the comparison is at 16 clients, where it was first measured.
CLIENTS = 16
HOME = ROOT / ".tools" / "original-api"
QUEUE = "email_queue"

# Run inside the original's venv, in the directory holding its SQLite file (its URL is ./ats.db).
SEED = r"""
import json, sys
import bcrypt
from sqlalchemy import insert, select
from app.database import Base, SessionLocal, engine
from app import models
from app.auth import create_access_token

runs, per_run = int(sys.argv[1]), int(sys.argv[2])
Base.metadata.create_all(bind=engine)
db = SessionLocal()
hashed = bcrypt.hashpw(b"bench-password-1", bcrypt.gensalt(4)).decode()
company = models.Company(name="Bench Co")
db.add(company)
db.flush()
recruiter = models.User(email="recruiter@bench.example", full_name="Bench Recruiter",
                        hashed_password=hashed, role=models.UserRole.RECRUITER, company_id=company.id)
db.add(recruiter)
db.flush()
out = {"token": create_access_token({"sub": str(recruiter.id)}), "runs": []}
for run in range(runs):
    job = models.Job(title=f"Bench job {run}", company_id=company.id, created_by_id=recruiter.id)
    db.add(job)
    db.flush()
    db.execute(insert(models.User), [
        {"email": f"c{run}-{i}@bench.example", "full_name": f"Candidate {run}-{i}",
         "hashed_password": hashed, "role": models.UserRole.CANDIDATE}
        for i in range(per_run)])
    cands = db.scalars(select(models.User.id).where(models.User.email.like(f"c{run}-%"))
                       .order_by(models.User.id)).all()
    db.execute(insert(models.Application), [
        {"candidate_id": c, "job_id": job.id, "stage": models.ApplicationStage.APPLIED} for c in cands])
    apps = db.scalars(select(models.Application.id).where(models.Application.job_id == job.id)
                      .order_by(models.Application.id)).all()
    db.execute(insert(models.ApplicationHistory), [
        {"application_id": a, "old_stage": None, "new_stage": models.ApplicationStage.APPLIED,
         "changed_by_id": c} for a, c in zip(apps, cands)])
    out["runs"].append(list(apps))
db.commit()
print(json.dumps(out))
"""


def source() -> Path | None:
    """The original's checkout, or None when this machine has none."""
    given = os.environ.get("FLOWTRACK_ORIGINAL_API")
    path = Path(given) if given else HOME / "src"
    return path if (path / "app" / "main.py").is_file() else None


def requirements(src: Path) -> str:
    """Its requirements.txt as text (the original's file is UTF-16 with a byte-order mark)."""
    raw = (src / "requirements.txt").read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


def venv(src: Path) -> Path:
    """A venv with the original's own pinned requirements, made again when they change."""
    reqs = requirements(src)
    digest = hashlib.sha256(reqs.encode()).hexdigest()
    env_dir = HOME / "venv"
    marker = env_dir / "requirements.sha256"
    python = env_dir / "bin" / "python"
    if not (marker.is_file() and marker.read_text() == digest and python.exists()):
        shutil.rmtree(env_dir, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
        req_file = env_dir / "requirements.txt"
        req_file.write_text(reqs)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(req_file)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.write_text(digest)
    return python


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL)


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the original API exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the original API did not answer /health in time")


def measure(s: Site) -> list[dict]:
    """Stage moves at 16 clients, alternating FlowTrack (the running ``s``) and the original, one
    row per API and round; [] (and a line saying why) without a checkout of the original."""
    src = source()
    if src is None:
        print(
            "[original] no checkout of the original FlowTrack API (set FLOWTRACK_ORIGINAL_API or put one "
            "in .tools/original-api/src): side-by-side rows skipped",
            flush=True,
        )
        return []
    python = venv(src)
    work = Path(tempfile.mkdtemp(prefix="flowtrack-bench-original-"))
    env = {**os.environ, "PYTHONPATH": str(src)}
    r = redis_client()
    queue_was_there = bool(r.exists(QUEUE))
    proc = None
    runs = ROUNDS + 1  # the warm-up's cards too
    try:
        seeded = json.loads(
            subprocess.run(
                [str(python), "-c", SEED, str(runs), str(APPS_PER_RUN)],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [str(python), "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)]
            + ["--no-access-log", "--log-level", "warning"],
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        wait_healthy(url, proc)
        token = sign_in.issue_token(s.db, s.recruiter.user_id)
        sides = {
            "original": (proc.pid, url, seeded["token"], "", seeded["runs"]),
            "FlowTrack": (
                s.server.proc.pid,
                s.server.url,
                token,
                "/api",
                [bulk_job(s.db, s.recruiter, APPS_PER_RUN)[1] for _ in range(runs)],
            ),
        }
        clients = CLIENTS

        def moves(api: str, k: int, seconds: int) -> dict:
            pid, base, bearer, prefix, cards = sides[api]
            ids_file = work / f"{api}-{k}.txt"
            ids_file.write_text("\n".join(map(str, cards[k])) + "\n")
            cpu_before = tree_cpu_seconds(pid)
            args = (bearer, str(ids_file), str(WRK_THREADS), prefix)
            found = wrk(base, "wrk_moves.lua", clients, *args, seconds=seconds)
            found["cpu_ms"] = (tree_cpu_seconds(pid) - cpu_before) * 1000 / max(1, found["requests"])
            return found

        for api in sides:
            moves(api, 0, WARM_UP_SECONDS)
        rows = []
        for k in range(1, runs):
            for api in ("FlowTrack", "original"):
                found = moves(api, k, DURATION)
                rows.append({"api": api, "round": k, "clients": clients, **found})
                print(
                    f"[original] round {k}, {api}, {clients} clients, stage moves: {found['rps']:.0f} req/s, "
                    f"p50 {found['p50_us'] / 1000:.1f} ms, p95 {found['p95_us'] / 1000:.1f} ms, server CPU "
                    f"{found['cpu_ms']:.2f} ms per move, errors {found['errors']}",
                    flush=True,
                )
        return rows
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not queue_was_there:
            r.delete(QUEUE)
        shutil.rmtree(work, ignore_errors=True)


def side_by_side(rows: list[dict]) -> list[dict]:
    """One row: each side's medians over the rounds (and ranges), and FlowTrack's advantage."""
    if not rows:
        return []
    out: dict = {"clients": rows[0]["clients"], "rounds": max(r["round"] for r in rows)}
    for api, key in (("original", "orig"), ("FlowTrack", "ours")):
        mine = [r for r in rows if r["api"] == api]
        rps, cpu = [r["rps"] for r in mine], [r["cpu_ms"] for r in mine]
        out |= {
            f"{key}_rps": median(rps),
            f"{key}_rps_range": f"{min(rps):.0f}–{max(rps):.0f}",
            f"{key}_cpu": median(cpu),
            f"{key}_cpu_range": f"{min(cpu):.2f}–{max(cpu):.2f}",
            f"{key}_p95": median([r["p95_us"] / 1000 for r in mine]),
            f"{key}_errors": sum(r["errors"] for r in mine),
        }
    out["rps_ratio"] = out["ours_rps"] / out["orig_rps"] if out["orig_rps"] else float("nan")
    out["cpu_ratio"] = out["orig_cpu"] / out["ours_cpu"] if out["ours_cpu"] else float("nan")
    return [out]


def side_by_side_table(rows: list[dict]) -> str:
    return table(
        rows,
        [
            ("clients", "{clients}"),
            ("rounds", "{rounds}"),
            ("original: moves/s", "{orig_rps:.0f} ({orig_rps_range})"),
            ("its CPU per move", "{orig_cpu:.2f} ms ({orig_cpu_range})"),
            ("its p95", "{orig_p95:.1f} ms"),
            ("FlowTrack: moves/s", "{ours_rps:.0f} ({ours_rps_range})"),
            ("its CPU per move", "{ours_cpu:.2f} ms ({ours_cpu_range})"),
            ("its p95", "{ours_p95:.1f} ms"),
            ("errors (orig. / FlowTrack)", "{orig_errors} / {ours_errors}"),
            ("FlowTrack's moves/s ×", "{rps_ratio:.1f}×"),
            ("its CPU per move ÷", "{cpu_ratio:.1f}"),
        ],
    )


def run() -> list[dict]:
    """Both APIs on SQLite, side by side (FlowTrack served by one worker, as in ``make bench``)."""
    with site("SQLite") as s:
        rows = side_by_side(measure(s))
    if rows:
        print(side_by_side_table(rows), flush=True)
    return rows


if __name__ == "__main__":
    run()
