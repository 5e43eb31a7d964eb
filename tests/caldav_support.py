"""A real CalDAV server for the scheduling tests: Radicale as its own process on a loopback port,
with a throwaway storage folder and two users (plain htpasswd); and an iCalendar feed served by a
local ``http.server`` thread."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from .e2e_server import free_port

USERS = {"ada": "ada-app-password", "bob": "bob-app-password", "cleo": "cleo-app-password"}


class Radicale:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def calendar_url(self, user: str, name: str = "work") -> str:
        return f"{self.base}/{user}/{name}/"

    def start(self) -> Radicale:
        users = self.folder / "users"
        users.write_text("".join(f"{u}:{p}\n" for u, p in USERS.items()))
        config = self.folder / "config"
        config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "[auth]\ntype = htpasswd\n"
            f"htpasswd_filename = {users}\nhtpasswd_encryption = plain\n"
            "[rights]\ntype = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {self.folder / 'collections'}\n"
            "[logging]\nlevel = warning\n"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(self.base + "/.web/", timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("Radicale did not start")
        for user in USERS:
            self.make_calendar(user)
        return self

    def make_calendar(self, user: str, name: str = "work") -> None:
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            "<D:set><D:prop><D:displayname>Work</D:displayname></D:prop></D:set></C:mkcalendar>"
        )
        r = httpx.request("MKCALENDAR", self.calendar_url(user, name), content=body, auth=(user, USERS[user]))
        assert r.status_code in (201, 405), r.text

    def put(self, user: str, uid: str, ics: str, name: str = "work") -> None:
        """Store one calendar object (a whole VCALENDAR text) in the user's calendar."""
        r = httpx.put(
            f"{self.calendar_url(user, name)}{uid}.ics",
            content=ics.encode(),
            headers={"Content-Type": "text/calendar"},
            auth=(user, USERS[user]),
        )
        assert r.status_code in (201, 204), r.text

    def objects(self, user: str, name: str = "work") -> list[str]:
        """Every calendar object's text in the user's calendar (the files Radicale keeps)."""
        folder = self.folder / "collections" / "collection-root" / user / name
        return [p.read_text() for p in sorted(folder.glob("*.ics"))]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@contextmanager
def radicale(folder: Path) -> Iterator[Radicale]:
    server = Radicale(folder).start()
    try:
        yield server
    finally:
        server.stop()


def vevent(uid: str, lines: str) -> str:
    """A VCALENDAR holding one VEVENT with these property lines (CRLF-joined)."""
    body = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//FlowTrack tests//EN", "BEGIN:VEVENT", f"UID:{uid}"]
        + [line for line in lines.strip().splitlines()]
        + ["DTSTAMP:20260101T000000Z", "END:VEVENT", "END:VCALENDAR", ""]
    )
    return body


class Feed:
    """An .ics feed on a local HTTP server; ``body`` may be changed between requests."""

    def __init__(self, body: str = ""):
        self.body = body
        self.hits = 0
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                feed.hits += 1
                data = feed.body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/calendar.ics"

    def __enter__(self) -> Feed:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
