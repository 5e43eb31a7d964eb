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
AUTH = f"{SESSION}.flowtrack_ui___state___auth____auth_state"
# How the browser sends its stored values (the JWT in localStorage) when they change.
UPDATE_VARS = f"{ROOT}.reflex___state____update_vars_internal_state.update_vars_internal"
TOKEN_VAR = f"{SESSION}.token_rx_state_"
FIELD_MARKER = "_rx_state_"


class ReflexSocket:
    def __init__(self, base_url: str, client_token: str | None = None):
        self.client_token = client_token or str(uuid.uuid4())
        self.updates: list[dict[str, Any]] = []
        # Client tokens the server handed out instead of ours (ours was still connected elsewhere).
        self.new_tokens: list[str] = []
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("event", self._on_update, namespace=NAMESPACE)
        self.sio.on("new_token", self.new_tokens.append, namespace=NAMESPACE)
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

    def last_value(self, state: str, var: str) -> Any:
        """The last value the server sent for ``state.var`` (None if it never did)."""
        found = None
        with self._lock:
            for update in self.updates:
                delta = update.get("delta") if isinstance(update, dict) else None
                for key, value in (delta or {}).get(state, {}).items():
                    if key.removesuffix(FIELD_MARKER) == var:
                        found = value
        return found

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


def signed_in_socket(base_url: str, email: str, password: str) -> ReflexSocket:
    """A websocket session that hydrated the sign-in page and signed in through its form's event."""
    sock = ReflexSocket(base_url)
    sock.hydrate("/login")
    assert sock.wait_for(lambda c: c.updates)
    sock.settle(0.3)
    sock.send(f"{AUTH}.login", {"form": {"email": email, "password": password}}, {"pathname": "/login"})
    assert sock.wait_for(lambda c: "Welcome" in c.text()), sock.text()[-500:]
    sock.settle(0.3)
    return sock


def board_route(job: int) -> dict:
    return {"pathname": "/board", "asPath": f"/board?job={job}", "query": {"job": str(job)}}


def board_cards(sock: ReflexSocket) -> list[dict]:
    """The cards of the last board the server sent (id, name, stage, ...), column after column."""
    columns = sock.last_value(BOARD, "columns") or []
    return [card for column in columns for card in column.get("cards", [])]
