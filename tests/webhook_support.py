"""A webhook receiver on loopback for the tests: it checks each delivery's FlowTrack-Signature on
its own (plain hmac, not FlowTrack's code), records what came, and fails or stalls on purpose."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    secrets: dict[str, str] = field(default_factory=dict)  # path → secret
    status: dict[str, int] = field(default_factory=dict)  # path → status to answer (default 200)
    delay: dict[str, float] = field(default_factory=dict)  # path → seconds to wait before answering
    received: list[Received] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def check_signature(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """The verification snippet of the README, as a receiver writes it."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = parts["t"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def start_receiver() -> Receiver:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            receiver = holder["r"]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            secret = receiver.secrets.get(self.path, "")
            header = self.headers.get("FlowTrack-Signature", "")
            ok = bool(secret and header) and check_signature(secret, body, header)
            receiver.received.append(Received(self.path, dict(self.headers.items()), body, ok))
            if receiver.delay.get(self.path):
                time.sleep(receiver.delay[self.path])
            status = receiver.status.get(self.path, 200) if ok else 401
            payload = b"thanks" if status < 300 else b"receiver says no"
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["r"] = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["r"]
