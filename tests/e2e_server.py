"""Start FlowTrack in Reflex production mode on a free port with its own data folder.

Every app server compiles into a web folder of the project (Reflex's ``.web``) and serves its pages
from there, so only one runs at a time per web folder: ``AppServer`` holds a lock on it from
``start`` to ``stop``. Each pytest-xdist worker has a web folder of its own (``.web`` for the first,
``.web-gw1`` … for the others), so two workers run app servers side by side (the test suite puts
the modules that start one into two groups, one per worker: see ``conftest.py``).
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import random
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


def web_dir_name() -> str:
    """This test process's web folder, below the project root."""
    chosen = os.environ.get("FLOWTRACK_TEST_WEB_DIR", "")
    if chosen:  # a second test run in the same checkout builds into a folder of its own
        return chosen
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return ".web" if worker in ("", "gw0") else f".web-{worker}"


# One lock per web folder of this checkout, outside it: held while an app server built there runs.
_CHECKOUT = hashlib.sha256(f"{ROOT}/{web_dir_name()}".encode()).hexdigest()[:16]
WEB_LOCK = Path(tempfile.gettempdir()) / f"flowtrack-web-{_CHECKOUT}.lock"
# And one for the whole checkout, held while an app server starts: a first start of a web folder
# writes the project's shared ``reflex.lock/`` files, so two starts never overlap (each reusing a
# built bundle takes seconds; the servers then run side by side).
_ROOT_KEY = hashlib.sha256(str(ROOT).encode()).hexdigest()[:16]
START_LOCK = Path(tempfile.gettempdir()) / f"flowtrack-start-{_ROOT_KEY}.lock"
WEB_LOCK_WAIT = 1800  # seconds; another test run of this checkout may hold it for a whole module

_ports = random.Random()

# What `manage setup` reads besides the data folder: the environment a set-up folder was made in.
_SETUP_INPUTS = ("FLOWTRACK_DEMO", "FLOWTRACK_JWT_SECRET", "FLOWTRACK_SECRET_KEY")
# Set-up data folders of this test process, copied into each app server's data folder.
_TEMPLATES = Path(tempfile.gettempdir()) / f"flowtrack-app-data-{os.getpid()}"


atexit.register(shutil.rmtree, _TEMPLATES, ignore_errors=True)


def _manage_setup(env: dict) -> None:
    command = [sys.executable, "-m", "flowtrack_ui.manage", "setup"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def _port_slice() -> range:
    """Where this test process picks its listening ports: below the kernel's ephemeral range, so no
    outgoing connection (of any process) holds the port by the time the server binds it, and a slice
    of its own per pytest-xdist worker, so two workers never pick the same one."""
    try:
        ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    top = min(ephemeral_low, 32768)
    bottom = max(1024, top - 12000)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0
    count = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1), index + 1)
    size = (top - bottom) // count
    return range(bottom + index * size, bottom + (index + 1) * size)


def free_port() -> int:
    """A port nothing listens on now, for a server this process is about to start."""
    ports = _port_slice()
    for _ in range(200):
        port = _ports.choice(ports) if len(ports) >= 100 else 0
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in {ports}")


_app_port: int | None = None


def app_port() -> int:
    """The port this test process's app servers listen on, the same one each time while it is free:
    the frontend bundle holds the port, and `flowtrack_ui.serve` reuses a bundle built for it, so
    only the first app server of a run waits for the bundler."""
    global _app_port
    if _app_port is not None:
        with socket.socket() as s:
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", _app_port))
                return _app_port
            except OSError:
                pass
    _app_port = free_port()
    return _app_port


def _flock(path: Path) -> int:
    """An exclusive lock on ``path`` (a descriptor: closing it releases the lock), waited for."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.time() + WEB_LOCK_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.time() > deadline:
                os.close(fd)
                raise RuntimeError(f"another FlowTrack app server held {path} for {WEB_LOCK_WAIT}s") from None
            time.sleep(0.25)


class AppServer:
    def __init__(self, data_dir: Path, port: int | None = None, extra_env: dict | None = None):
        self.port = port or app_port()
        self.url = f"http://localhost:{self.port}"
        self.data_dir = data_dir
        self.log_path = data_dir / "server.log"
        self.env = {
            **os.environ,
            "FLOWTRACK_DATA_DIR": str(data_dir),
            "FLOWTRACK_PORT": str(self.port),
            "FLOWTRACK_DEMO": "1",
            "REFLEX_WEB_WORKDIR": web_dir_name(),
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            **(extra_env or {}),
        }
        bun_bin = ROOT / ".tools" / "bun" / "node_modules" / ".bin"
        self.env["PATH"] = f"{bun_bin}:{Path(sys.executable).parent}:{self.env.get('PATH', '')}"
        self.proc: subprocess.Popen | None = None
        self._web_lock: int | None = None

    def _lock_web(self) -> None:
        """Wait until no other app server of this web folder runs (it would rebuild it)."""
        if self._web_lock is None:
            self._web_lock = _flock(WEB_LOCK)

    def _unlock_web(self) -> None:
        if self._web_lock is not None:
            os.close(self._web_lock)  # closing the descriptor releases the lock
            self._web_lock = None

    def start(self, timeout: float = 600) -> AppServer:
        self._lock_web()
        try:
            # Migrating and seeding touch only this server's data folder: outside the start lock, so
            # the other lane's server may start meanwhile.
            self._set_up_data()
        except BaseException:
            self._unlock_web()
            raise
        starting = _flock(START_LOCK)
        try:
            return self._start(timeout)
        except BaseException:
            self.stop()
            raise
        finally:
            os.close(starting)

    def _set_up_data(self) -> None:
        """Migrate and seed the data folder (``manage setup``, as `make run` does). A module's first
        start on SQLite copies a folder set up once per test process (its database file is the
        whole of it): migrating and seeding the demo costs seconds of CPU each time, for the same
        result. A restart on the same folder (test_crash) or another engine runs the command."""
        fresh = not self.data_dir.exists() or not any(self.data_dir.iterdir())
        sqlite = not self.env.get("FLOWTRACK_DATABASE_URL")
        if not (fresh and sqlite):
            self.data_dir.mkdir(parents=True, exist_ok=True)
            _manage_setup(self.env)
            return
        key = hashlib.sha256(
            repr(sorted((k, self.env.get(k, "")) for k in _SETUP_INPUTS)).encode()
        ).hexdigest()[:16]
        template = _TEMPLATES / key
        if not (template / "flowtrack.db").is_file():
            building = template.with_name(f"{key}.{os.getpid()}.tmp")
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir(parents=True)
            _manage_setup({**self.env, "FLOWTRACK_DATA_DIR": str(building)})
            shutil.rmtree(template, ignore_errors=True)
            building.rename(template)
        if self.data_dir.exists():
            self.data_dir.rmdir()
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(template, self.data_dir)

    def _start(self, timeout: float) -> AppServer:
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
            time.sleep(0.25)  # every browser module waits here: see the server up within a quarter second
        raise RuntimeError(f"FlowTrack did not start in {timeout}s:\n{self.log_path.read_text()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9 the whole server (supervisor and workers), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._unlock_web()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._unlock_web()


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
