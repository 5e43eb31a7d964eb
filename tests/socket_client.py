"""A small Reflex websocket client, as an attacker would script one: any client token, any event.

Speaks socket.io over a websocket (python-socketio with websocket-client) to the running app's
``/_event`` endpoint and records every update the server pushes back.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import socketio

ROOT = "reflex___state____state"
SESSION = f"{ROOT}.flowtrack_ui___state___session____session_state"
NAMESPACE = "/_event"
BOARD = f"{SESSION}.flowtrack_ui___state___board____board_state"


class ReflexSocket:
    def __init__(self, base_url: str, client_token: str | None = None):
        self.client_token = client_token or str(uuid.uuid4())
        self.updates: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("event", self._on_update, namespace=NAMESPACE)
        self.sio.connect(
            f"{base_url}?token={self.client_token}",
            socketio_path="/_event",
            namespaces=[NAMESPACE],
            transports=["websocket"],
            wait_timeout=10,
        )

    def _on_update(self, data: Any) -> None:
        if isinstance(data, str):
            data = json.loads(data)
        with self._lock:
            self.updates.append(data)

    def send(self, name: str, payload: dict | None = None, router_data: dict | None = None) -> None:
        self.sio.emit(
            "event",
            namespace=NAMESPACE,
            data={
                "name": name,
                "payload": payload or {},
                "router_data": router_data if router_data is not None else {"pathname": "/", "asPath": "/"},
            },
        )

    def send_raw(self, data: Any) -> None:
        self.sio.emit("event", data, namespace=NAMESPACE)

    def hydrate(self, path: str = "/", vars: dict | None = None, query: dict | None = None) -> None:
        router = {"pathname": path, "asPath": path}
        if query:
            router["query"] = query
        self.send(f"{ROOT}.hydrate_and_load", {"vars": vars or {}}, router)

    def text(self) -> str:
        """Everything the server sent so far, as one string to search in."""
        with self._lock:
            return json.dumps(self.updates)

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate(self):
                return True
            time.sleep(0.05)
        return False

    def settle(self, quiet: float = 1.0, timeout: float = 10.0) -> None:
        """Wait until no update arrived for ``quiet`` seconds."""
        deadline = time.time() + timeout
        seen = -1
        while time.time() < deadline:
            with self._lock:
                count = len(self.updates)
            if count == seen:
                return
            seen = count
            time.sleep(quiet)

    def clear(self) -> None:
        with self._lock:
            self.updates.clear()

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:
            pass
