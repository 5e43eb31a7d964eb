"""Untrusted files are read in worker processes, never in the server: a small pool, with limits.

Parsing a résumé (text, page images) can take any amount of time and memory an attacker likes,
so it runs in a child process (``worker.py``) with its address space capped, a CPU-time cap and
a wall-clock limit enforced here: a worker that overruns is killed and replaced, and the next job
gets a fresh one. At most ``FLOWTRACK_FILE_WORKERS`` jobs run at once per server process; a caller
waits for a free worker in its own thread (never on the event loop) and gives up after a while.
"""

from __future__ import annotations

import atexit
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from ..settings import PROJECT_ROOT, get_settings
from . import wire

log = logging.getLogger("flowtrack.files")

# A worker is retired after this many jobs, so nothing one file left behind lasts long.
MAX_JOBS_PER_WORKER = 100
_PASSED_ENV = {"PATH", "LANG", "TMPDIR", "HOME", "VIRTUAL_ENV"}


@dataclass(frozen=True)
class Outcome:
    """What became of a job: ``ok`` with its result, or why there is none.

    ``timeout`` (over the time limit), ``memory`` (over the memory limit), ``crashed`` (the worker
    died, most often a library failing to allocate), ``failed`` (the file could not be parsed),
    ``busy`` (no worker came free in time).
    """

    status: str
    result: dict = field(default_factory=dict)
    blobs: list[bytes] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class _Worker:
    def __init__(self, memory_bytes: int):
        # No secrets in a process that parses hostile files: only what Python needs to start.
        env = {k: v for k, v in os.environ.items() if k in _PASSED_ENV or k.startswith("LC_")}
        path = os.environ.get("PYTHONPATH", "")
        env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + path if path else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flowtrack_ui.core.files.worker", str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=PROJECT_ROOT,
            env=env,
            close_fds=True,
        )
        stdin, stdout = self.proc.stdin, self.proc.stdout
        if stdin is None or stdout is None:  # never: both were asked for (PIPE)
            raise RuntimeError("the file worker started without its pipes")
        self.stdin, self.stdout = stdin, stdout
        self.jobs = 0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a kill -9 that did not land
            log.warning("file worker %s did not end after SIGKILL", self.proc.pid)
        for pipe in (self.stdin, self.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def exchange(self, request: bytes, deadline: float) -> tuple[dict, list[bytes]]:
        """Send one job and read its reply before ``deadline`` (TimeoutError, or WireError if it died)."""
        out_fd, in_fd = self.stdin.fileno(), self.stdout.fileno()
        os.set_blocking(out_fd, False)
        os.set_blocking(in_fd, False)
        view, sent = memoryview(request), 0
        buf = bytearray()
        head_len: int | None = None
        header: dict | None = None
        body = total = 0  # where the reply's blobs start and where it ends, once its header is read
        with selectors.DefaultSelector() as sel:
            sel.register(out_fd, selectors.EVENT_WRITE)
            sel.register(in_fd, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                for key, _events in sel.select(remaining):
                    if key.fd == out_fd:
                        try:
                            sent += os.write(out_fd, view[sent : sent + (1 << 16)])
                        except (BrokenPipeError, BlockingIOError) as exc:
                            if isinstance(exc, BlockingIOError):
                                continue
                            raise wire.WireError("worker gone") from exc
                        if sent == len(view):
                            sel.unregister(out_fd)
                        continue
                    chunk = os.read(in_fd, 1 << 20)
                    if not chunk:
                        raise wire.WireError("worker ended")
                    buf += chunk
                    if head_len is None and len(buf) >= 4:
                        head_len = wire.header_size(bytes(buf[:4]))
                    if header is None and head_len is not None and len(buf) >= 4 + head_len:
                        header = wire.decode_header(bytes(buf[4 : 4 + head_len]))
                        body = 4 + head_len
                        total = body + sum(header["blobs"])
                    if header is not None and len(buf) >= total:
                        if len(buf) > total:
                            raise wire.WireError("more than one reply")
                        return header, wire.split_blobs(header, bytes(buf[body:]))


class Pool:
    """At most ``size`` workers, each used by one job at a time, each capped at ``memory_bytes``."""

    def __init__(self, size: int, memory_bytes: int):
        self.size, self.memory_bytes, self.pid = size, memory_bytes, os.getpid()
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker(self.memory_bytes)

    def _give_back(self, worker: _Worker) -> None:
        worker.jobs += 1
        if worker.jobs >= MAX_JOBS_PER_WORKER or not worker.alive():
            worker.kill()
            return
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()

    def run(self, header: dict, blobs: list[bytes], seconds: float, wait_seconds: float) -> Outcome:
        """One job, in the calling thread; never raises for anything the file does."""
        if not self._slots.acquire(timeout=wait_seconds):
            return Outcome("busy")
        try:
            try:
                worker = self._take()
            except OSError as exc:
                log.warning("file worker could not start: %s", exc)
                return Outcome("failed")
            request = wire.encode({**header, "seconds": seconds}, blobs)
            try:
                reply, reply_blobs = worker.exchange(request, time.monotonic() + seconds)
            except TimeoutError:
                worker.kill()
                return Outcome("timeout")
            except (wire.WireError, OSError, ValueError):
                worker.kill()
                if worker.proc.returncode == -signal.SIGXCPU:
                    return Outcome("timeout")
                return Outcome("crashed")
            if reply.get("ok") is True and isinstance(reply.get("result"), dict):
                if reply.get("retire"):
                    worker.kill()
                else:
                    self._give_back(worker)
                return Outcome("ok", reply["result"], reply_blobs)
            if reply.get("error") == "memory":
                worker.kill()
                return Outcome("memory")
            self._give_back(worker)
            return Outcome("failed", {"detail": str(reply.get("detail", ""))[:100]})
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for worker in idle:
            worker.kill()


_pool: Pool | None = None
_pool_lock = threading.Lock()


def pool() -> Pool:
    """This process's pool, sized by the settings (a forked child makes its own)."""
    global _pool
    settings = get_settings()
    size, memory = settings.file_workers, settings.file_memory_mb * 1024 * 1024
    with _pool_lock:
        current = _pool
        stale = current is not None and (current.size, current.memory_bytes) != (size, memory)
        if current is None or current.pid != os.getpid() or stale:
            if current is not None and current.pid == os.getpid():
                current.close()
            _pool = current = Pool(size, memory)
    return current


def run(job: str, data: bytes, **params: object) -> Outcome:
    """Run ``job`` on ``data`` in a worker within the configured time and memory limits."""
    settings = get_settings()
    seconds = settings.file_work_seconds
    return pool().run({"job": job, **params}, [data], seconds=seconds, wait_seconds=3 * seconds)


@atexit.register
def _close() -> None:
    if _pool is not None and _pool.pid == os.getpid():
        _pool.close()
