"""Start FlowTrack in Reflex production mode on a free port with its own data folder."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, data_dir: Path, port: int | None = None, extra_env: dict | None = None):
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.data_dir = data_dir
        self.log_path = data_dir / "server.log"
        self.env = {
            **os.environ,
            "FLOWTRACK_DATA_DIR": str(data_dir),
            "FLOWTRACK_PORT": str(self.port),
            "FLOWTRACK_DEMO": "1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            **(extra_env or {}),
        }
        bun_bin = ROOT / ".tools" / "bun" / "node_modules" / ".bin"
        self.env["PATH"] = f"{bun_bin}:{Path(sys.executable).parent}:{self.env.get('PATH', '')}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 600) -> AppServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "flowtrack_ui.manage", "setup"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flowtrack_ui.serve"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"FlowTrack exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=2) as r:
                    if r.status == 200:
                        with urllib.request.urlopen(self.url + "/api/health", timeout=2) as h:
                            if h.status == 200:
                                return self
            except OSError:
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"FlowTrack did not start in {timeout}s:\n{self.log_path.read_text()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9 the whole server (supervisor and workers), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


@contextmanager
def running_app(prefix: str, extra_env: dict | None = None) -> Iterator[AppServer]:
    """The app as `make run` serves it, in a data folder of its own, removed afterwards."""
    from .e2e_support import CHROMIUM

    if not Path(CHROMIUM).exists():
        import pytest

        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    srv = AppServer(tmp / "data", extra_env=extra_env).start()
    try:
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
