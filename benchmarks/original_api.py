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

import api_load
from api_load import WRK_THREADS, wrk
from common import REDIS_URL, ROOT, site, table, tree_cpu_seconds

from tests.e2e_server import free_port

APPS_PER_RUN = 6000
# At 64 clients the original completed no move within a 20 s run here: a py-spy dump showed 40 of
# its thread-pool threads waiting in SQLAlchemy's pool (15 connections, 30 s wait) for connections
# that requests parked behind them hold. So the comparison is at 16 clients, where it was first measured.
ORIGINAL_CLIENTS = (16,)
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


def measure() -> list[dict]:
    """Stage moves against the original at each client count; [] (and a line saying why) without it."""
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
    try:
        seeded = json.loads(
            subprocess.run(
                [str(python), "-c", SEED, str(len(ORIGINAL_CLIENTS)), str(APPS_PER_RUN)],
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
        rows = []
        for clients, ids in zip(ORIGINAL_CLIENTS, seeded["runs"], strict=True):
            ids_file = work / f"ids-{clients}.txt"
            ids_file.write_text("\n".join(map(str, ids)) + "\n")
            cpu_before = tree_cpu_seconds(proc.pid)
            moves = wrk(url, "wrk_moves.lua", clients, seeded["token"], str(ids_file), str(WRK_THREADS), "")
            moves["cpu_ms"] = (tree_cpu_seconds(proc.pid) - cpu_before) * 1000 / max(1, moves["requests"])
            rows.append({"api": "original", "clients": clients, **moves})
            print(
                f"[original] {clients} clients, stage moves: {moves['rps']:.0f} req/s, "
                f"p50 {moves['p50_us'] / 1000:.1f} ms, p95 {moves['p95_us'] / 1000:.1f} ms, server CPU "
                f"{moves['cpu_ms']:.2f} ms per move, errors {moves['errors']}",
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


def side_by_side(original: list[dict], api: list[dict]) -> list[dict]:
    """One row per client count: FlowTrack on SQLite (one worker) against the original, same run."""
    ours = {r["clients"]: r for r in api if r["engine"] == "SQLite" and r["kind"] == "stage moves"}
    rows = []
    for o in original:
        f = ours.get(o["clients"])
        if f is None:
            continue
        rows.append(
            {
                "clients": o["clients"],
                "orig_rps": o["rps"],
                "orig_cpu": o["cpu_ms"],
                "orig_p95": o["p95_us"] / 1000,
                "orig_errors": o["errors"],
                "ours_rps": f["rps"],
                "ours_cpu": f["cpu_ms"],
                "ours_p95": f["p95_us"] / 1000,
                "ours_errors": f["errors"],
                "rps_ratio": f["rps"] / o["rps"] if o["rps"] else float("nan"),
                "cpu_ratio": o["cpu_ms"] / f["cpu_ms"] if f["cpu_ms"] else float("nan"),
            }
        )
    return rows


def side_by_side_table(rows: list[dict]) -> str:
    return table(
        rows,
        [
            ("clients", "{clients}"),
            ("original: moves/s", "{orig_rps:.0f}"),
            ("its CPU per move", "{orig_cpu:.2f} ms"),
            ("its p95", "{orig_p95:.1f} ms"),
            ("FlowTrack: moves/s", "{ours_rps:.0f}"),
            ("its CPU per move", "{ours_cpu:.2f} ms"),
            ("its p95", "{ours_p95:.1f} ms"),
            ("errors (orig. / FlowTrack)", "{orig_errors} / {ours_errors}"),
            ("FlowTrack's moves/s ×", "{rps_ratio:.1f}×"),
            ("its CPU per move ÷", "{cpu_ratio:.1f}"),
        ],
    )


def run() -> list[dict]:
    """Both APIs on SQLite in one run, FlowTrack first, the original straight after."""
    with site("SQLite") as s:
        ours = api_load.measure(s)
    original = measure()
    rows = side_by_side(original, ours)
    if rows:
        print(side_by_side_table(rows), flush=True)
    return rows


if __name__ == "__main__":
    run()
