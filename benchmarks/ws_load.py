"""The live board under load, driven from outside the way Chromium drives it.

Simulated browser tabs, all in this one asyncio process, speak the app's websocket exactly as the
compiled page does: Engine.IO 4 over a websocket to ``/_event`` (permessage-deflate offered, the
Reflex version as subprotocol), the page's hydrate event in the socket.io CONNECT packet with the
bundle's state hashes and schema and the sign-in token from local storage, then the board's
``move`` event with ``Date.now()`` as its sequence number. What a tab knows of the bundle (state
hashes, schema, which vars live in local storage, the Reflex version, state names) it reads from
the JavaScript the page serves; the sign-in is the login page's own form event.

Two measures, on every reachable engine (SQLite: one worker; PostgreSQL + Redis: two):

* active tabs: N recruiters' tabs, each on the board of its own 300-application job, each moving
  one card it sees to a stage the card may go to without a dialog every 2 s (± jitter) and
  reloading the page about once a minute. Round trip = move sent → the first delta whose
  ``answered`` reaches the move's sequence number.
* viewers: V tabs only viewing one board while another tab moves a card there every 2 s. Seen =
  the first message after the move was sent that changes the viewer's board (``columns``,
  ``board_patch`` or ``total``) and after which the card has left its old column in the viewer's
  copy of the board (or, if the viewer cannot tell from what it received, the first such message).

A move not confirmed (a pair not seen) by the end of its step counts as never, not as absent,
in the percentiles. Server CPU is the server's process tree (``tree_cpu_seconds``) over the
measured window and the drain after it (up to ``CONFIRM_WITHIN``), divided by the moves answered
meanwhile; PostgreSQL's backends of the database are reported beside it, and so is the time the
server's threads waited for a core (this machine is shared: a server that gets half a core is slow
for reasons not its own). The generator's own CPU and its event loop's lag are printed too: past
~85 % of one core the tabs themselves are the bottleneck, and the step says so. Each step starts on
an idle server (one still busy with the last step's backlog is restarted).

Usage: ``python benchmarks/ws_load.py [--quick] [--engine sqlite|postgresql|both] [--active 1,10]
[--viewers 10,50] [--json rows.json]``; ``make bench`` runs it through ``run.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import string
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from common import (
    PASSWORD,
    Site,
    available_engines,
    bulk_job,
    cpu_between,
    database_cpu_seconds,
    percentile,
    site,
    table,
    tree_cpu_seconds,
    tree_run_queue_seconds,
)
from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)
from wsproto.extensions import PerMessageDeflate

ACTIVE_SIZES = (1, 10, 25, 50, 100, 200)
VIEWER_SIZES = (10, 50, 100, 200)
QUICK_ACTIVE = (1, 25, 100)
QUICK_VIEWERS = (10, 100)
BOARD_SIZE = 300
MOVE_EVERY = 2.0  # seconds between a tab's moves, ± JITTER
JITTER = 0.5
RELOAD_EVERY = (45.0, 75.0)  # seconds between a tab's page loads
WARMUP = 4.0
WINDOW = 20.0
# An active step measures at least this many moves (one tab: 100 s instead of 20): with fewer, a
# page load landing in the window, or the idle server's noise, moves the CPU per move by several ms.
MIN_MOVES = 50
# Seconds the idle server is measured over before a step: three of the email sender's 2 s polls (over
# two seconds, catching one poll or two moved a one-tab step's CPU per move by several ms).
IDLE_SAMPLE = 6.0
VIEWER_WINDOW = 40.0  # twenty moves: a viewer step's CPU per move is the sum over every viewer
CONFIRM_WITHIN = 10.0
LOAD_TIMEOUT = 90.0
OPEN_AT_ONCE = 25  # page loads in flight while tabs open (a morning of recruiters, not a stampede)
SATURATED = 0.85  # of one core: the generator itself then limits what is measured
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) FlowTrack-ws-load"
BOARD_STATE = "flowtrack_ui___state___board____board_state"
AUTH_STATE = "flowtrack_ui___state___auth____auth_state"
SUFFIX = "_rx_state_"


# --- what the page's bundle tells the browser --------------------------------------------------


@dataclass
class Bundle:
    """What the compiled page carries and sends on connect: read from the JavaScript it serves."""

    version: str
    schema: str
    hashes: list[str]
    local_storage: list[str]  # full names of the vars the browser keeps in local storage
    states: list[str]  # full names of every state in the tree
    root: str  # the root state's name (its hydrate event)

    def state(self, suffix: str) -> str:
        return next(s for s in self.states if s.endswith(suffix))


async def http_get(base: str, path: str) -> bytes:
    """One HTTP/1.1 GET as a page load makes it (the body, un-chunked)."""
    parts = urlsplit(base)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n".encode()
    )
    raw = await reader.read(-1)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    if status not in (b"200", b"304"):
        raise RuntimeError(f"GET {path}: {head[:200]!r}")
    if b"transfer-encoding: chunked" in head.lower():
        out, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2 :]
        body = out
    return body


async def read_bundle(base: str, page: str) -> Bundle:
    html = (await http_get(base, page)).decode()
    scripts = sorted(set(re.findall(r"(/assets/[\w.-]+\.js)", html)))
    found: dict[str, Any] = {}
    for path in scripts:
        js = (await http_get(base, path)).decode(errors="replace")
        if "stateSchema=" not in js:
            continue
        found["schema"] = re.search(r"stateSchema=[`\"']([0-9a-f]+)", js).group(1)
        hashes = re.search(r"initialStateHashes=(`[^`]*`\.split\(`\.`\)|\[[^\]]*\])", js).group(1)
        found["hashes"] = (
            hashes[1:].split("`")[0].split(".") if hashes.startswith("`") else json.loads(hashes)
        )
        storage = re.search(r"local_storage:\{(.*?)\},session_storage", js).group(1)
        found["local_storage"] = re.findall(r'"([\w.]+)":\{', storage)
        found["version"] = re.search(r"\bversion=[`\"']([^`\"']+)", js).group(1)
        initial = js[js.index("initialState=") : js.index("initialStateHashes=")]
        found["states"] = sorted(set(re.findall(r'"?(reflex___state____state[\w.]*)"?:\{', initial)))
        found["root"] = re.search(r"\bstate_name=[`\"']([\w.]+)", js).group(1)
        break
    if "schema" not in found:
        raise RuntimeError(f"no state schema in the scripts of {page}")
    return Bundle(**found)


# --- one browser tab ---------------------------------------------------------------------------


def _column_patch(patch: Any) -> bool:
    """Whether a ``board_patch`` is the column patch the board's script applies: a list of columns,
    each with its ``stage`` and the ``ids`` of the cards it shows, numbered by ``rev``."""
    return (
        isinstance(patch, dict)
        and isinstance(patch.get("columns"), list)
        and all(
            isinstance(c, dict) and "stage" in c and isinstance(c.get("ids"), list) for c in patch["columns"]
        )
    )


def _var(name: str) -> str:
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name


@dataclass
class Move:
    card: int
    source: str
    target: str
    seq: int
    sent: float
    confirmed: float | None = None
    counted: bool = True  # sent inside the measured window


@dataclass
class Tab:
    """One browser tab: a websocket, the board it holds, the moves it made and what it received."""

    gen: Generator
    job_id: int
    client_token: str = field(default_factory=lambda: str(uuid.uuid4()))  # the tab's sessionStorage
    columns: dict[str, dict[int, dict]] = field(default_factory=dict)  # stage → card id → card
    readable: bool = True  # whether every board change so far was understood
    rev: int = 0  # the newest full read or patch of the columns held (when the state numbers them)
    stale: int = 0  # patches that named a card this tab did not hold (each followed by a re-read)
    answered: int = 0
    hydrated: bool = False
    moves: list[Move] = field(default_factory=list)
    inflight: list[Move] = field(default_factory=list)  # sent, not yet confirmed
    steady_bytes: int = 0  # payload bytes received outside page loads (moves, watch wakes, pings)
    load_bytes: int = 0
    wire_bytes: int = 0
    loads: list[float] = field(default_factory=list)  # seconds from GET to a hydrated board
    failures: list[str] = field(default_factory=list)
    on_board_change: Callable[[Tab, float], None] | None = None
    _ws: WSConnection | None = None
    _writer: asyncio.StreamWriter | None = None
    _reader_task: asyncio.Task | None = None
    _loading: bool = False
    _hydrated_event: asyncio.Event = field(default_factory=asyncio.Event)
    _partial: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/board/?job={self.job_id}"

    def router_data(self) -> dict:
        return {"pathname": "/board/", "asPath": self.path, "query": {"job": str(self.job_id)}}

    # The page: GET it, then connect with the hydrate in the CONNECT packet.
    async def load(self) -> None:
        started = time.perf_counter()
        self._loading, self.hydrated, self.columns, self.readable, self.rev = True, False, {}, True, 0
        self._hydrated_event = asyncio.Event()
        await http_get(self.gen.base, self.path)
        boot = {
            "name": f"{self.gen.bundle.root}.hydrate_and_load",
            "payload": {"vars": self.gen.storage, "hashes": self.gen.bundle.hashes},
            "router_data": self.router_data(),
        }
        await self._connect({"event": boot, "state_schema": self.gen.bundle.schema})
        try:
            await asyncio.wait_for(self._hydrated_event.wait(), LOAD_TIMEOUT)
        except TimeoutError:
            self.failures.append(f"board of job {self.job_id} not loaded in {LOAD_TIMEOUT:.0f} s")
            return
        finally:
            self._loading = False
        self.loads.append(time.perf_counter() - started)

    async def _connect(self, auth: dict) -> None:
        gen = self.gen
        reader, writer = await asyncio.open_connection(gen.host, gen.port)
        ws = WSConnection(ConnectionType.CLIENT)
        target = f"/_event/?token={self.client_token}&EIO=4&transport=websocket"
        writer.write(
            ws.send(
                Request(
                    host=f"{gen.host}:{gen.port}",
                    target=target,
                    extensions=[PerMessageDeflate()],
                    subprotocols=[gen.bundle.version],
                    extra_headers=[(b"origin", gen.base.encode()), (b"user-agent", USER_AGENT.encode())],
                )
            )
        )
        self._ws, self._writer = ws, writer
        opened: asyncio.Future = asyncio.get_running_loop().create_future()
        self._reader_task = asyncio.create_task(self._read(reader, ws, writer, opened, auth))
        await asyncio.wait_for(opened, LOAD_TIMEOUT)

    def _send_text(self, text: str) -> None:
        if self._ws is not None and self._writer is not None and not self._writer.is_closing():
            self._writer.write(self._ws.send(TextMessage(data=text)))

    def emit(self, name: str, payload: dict) -> None:
        event = {"name": name, "payload": payload, "router_data": self.router_data()}
        self._send_text("42/_event," + json.dumps(["event", event], separators=(",", ":")))

    async def close(self) -> None:
        """Leaving the page: the namespace's disconnect packet, then the websocket's close."""
        if self._ws is None or self._writer is None:
            return
        ws, writer, task = self._ws, self._writer, self._reader_task
        self._ws = self._writer = None
        try:
            if not writer.is_closing():
                writer.write(ws.send(TextMessage(data="41/_event,")))
                writer.write(ws.send(CloseConnection(code=1000)))
                await writer.drain()
        except (OSError, RuntimeError, ValueError):
            pass
        writer.close()
        if task is not None:
            task.cancel()

    async def _read(self, reader, ws: WSConnection, writer, opened: asyncio.Future, auth: dict) -> None:
        try:
            while True:
                data = await reader.read(262144)
                if not data:
                    break
                self.wire_bytes += len(data)
                ws.receive_data(data)
                for ev in ws.events():
                    if isinstance(ev, AcceptConnection):
                        pass
                    elif isinstance(ev, RejectConnection):
                        raise RuntimeError(f"websocket refused: {ev.status_code}")
                    elif isinstance(ev, TextMessage):
                        self._partial.append(ev.data)
                        if ev.message_finished:
                            text = "".join(self._partial)
                            self._partial = []
                            self._packet(text, writer, ws, opened, auth)
                    elif isinstance(ev, Ping):
                        writer.write(ws.send(ev.response()))
                    elif isinstance(ev, CloseConnection):
                        if ws.state.name == "REMOTE_CLOSING":
                            writer.write(ws.send(ev.response()))
                        return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a broken tab is reported, not hidden
            self.failures.append(f"{type(exc).__name__}: {exc}")
            if not opened.done():
                opened.set_exception(exc)

    def _packet(self, text: str, writer, ws: WSConnection, opened: asyncio.Future, auth: dict) -> None:
        now = time.perf_counter()
        size = len(text.encode())
        if self._loading:
            self.load_bytes += size
        else:
            self.steady_bytes += size
        kind = text[:1]
        if kind == "0":  # Engine.IO open: join the namespace with the hydrate riding along
            writer.write(ws.send(TextMessage(data="40/_event," + json.dumps(auth, separators=(",", ":")))))
            return
        if kind == "2":  # Engine.IO ping
            writer.write(ws.send(TextMessage(data="3")))
            return
        if text.startswith("40/_event,"):
            if not opened.done():
                opened.set_result(None)
            return
        if text.startswith("44/_event,"):
            self.failures.append("connect refused: " + text[10:200])
            if not opened.done():
                opened.set_exception(RuntimeError(text[:200]))
            return
        if not text.startswith("42/_event,"):
            return
        name, *args = json.loads(text[10:])
        if name == "event" and args:
            self._update(args[0], now)
        elif name == "new_token" and args:
            # Another connection still held this tab's token (a reload that reached the other
            # worker before the old socket's record was gone): the page keeps the new one, as
            # Reflex's client does, in its sessionStorage for the next load.
            self.client_token = str(args[0])
        elif name not in ("ping",):
            self.failures.append(f"socket event {name}: {text[10:200]}")

    def _update(self, update: dict, now: float) -> None:
        changed = False
        for state, values in (update.get("delta") or {}).items():
            if state.endswith(BOARD_STATE):
                changed |= self._board_delta({_var(k): v for k, v in values.items()}, now)
            elif state == self.gen.bundle.root:
                if values.get("is_hydrated" + SUFFIX) is True and self.columns:
                    self.hydrated = True
                    self._hydrated_event.set()
            else:  # what the browser keeps in local storage (the sign-in token)
                for key, value in values.items():
                    full = f"{state}.{key}"
                    if full in self.gen.bundle.local_storage and value:
                        self.gen.storage[full] = value
        for event in update.get("events") or []:
            if event.get("name") == "_redirect":
                self.failures.append(f"redirected to {event.get('payload', {}).get('path')}")
        if changed and self.on_board_change is not None and not self._loading:
            self.on_board_change(self, now)

    def _board_delta(self, values: dict, now: float) -> bool:
        changed = any(key in values for key in ("columns", "total"))
        if "columns" in values:
            self.columns = {
                col["stage"]: {card["id"]: card for card in col.get("cards", [])} for col in values["columns"]
            }
            rev = values.get("columns_rev")  # when the state numbers its full reads, patches follow them
            self.rev = rev if isinstance(rev, int) else self.rev
        if "board_patch" in values:
            patch = values["board_patch"]
            if _column_patch(patch):
                if patch.get("rev", 0) > self.rev:  # an older patch than the columns held: no change
                    self.rev = patch.get("rev", 0)
                    if not self._patch_columns(patch):  # as the page does: ask for a fresh read
                        self.stale += 1
                        self.emit(f"{self.gen.board_state}.refresh", {})
                    changed = True
            else:
                self.readable = self._patch(patch) and self.readable
                changed = True
        answered = values.get("answered")
        if isinstance(answered, int) and answered > self.answered:
            self.answered = answered
            if not self._loading:  # a page load's full state is no answer to a move
                for mv in self.inflight:
                    if mv.seq <= answered:
                        mv.confirmed = now
                self.inflight = [mv for mv in self.inflight if mv.confirmed is None]
        return changed

    def _patch_columns(self, patch: dict) -> bool:
        """A patch of the columns it touches, applied as the board's script applies it: each
        column's cards become the ones its ``ids`` name, in order, taken from the patch's cards or
        else from the cards held in any column. False when one is missing (the page re-reads)."""
        by_id = {card_id: card for cards in self.columns.values() for card_id, card in cards.items()}
        for change in patch["columns"]:
            by_id.update({card["id"]: card for card in change.get("cards", [])})
        for change in patch["columns"]:
            if change["stage"] not in self.columns or any(i not in by_id for i in change["ids"]):
                return False
            self.columns[change["stage"]] = {i: by_id[i] for i in change["ids"]}
        return True

    def _patch(self, patch: Any) -> bool:
        """A change sent instead of the whole board: every card in it (a dict with ``id`` and
        ``stage``) replaces its old copy in the column it names; a column sent whole (``stage`` and
        ``cards``) replaces that column; ids under a key naming a removal leave every column.
        Returns whether anything in it was understood."""
        understood = False
        stack = [patch]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("stage"), str) and isinstance(item.get("cards"), list):
                    self.columns[item["stage"]] = {c["id"]: c for c in item["cards"] if "id" in c}
                    understood = True
                elif isinstance(item.get("id"), int) and isinstance(item.get("stage"), str):
                    for cards in self.columns.values():
                        cards.pop(item["id"], None)
                    self.columns.setdefault(item["stage"], {})[item["id"]] = item
                    understood = True
                else:
                    for key, value in item.items():
                        ids = [value] if isinstance(value, int) else value if isinstance(value, list) else []
                        if any(word in key for word in ("remov", "gone", "left")) and all(
                            isinstance(i, int) for i in ids
                        ):
                            for cards in self.columns.values():
                                for i in ids:
                                    cards.pop(i, None)
                            understood = True
                        else:
                            stack.append(value)
        return understood

    def where(self, card: int) -> str | None:
        return next((stage for stage, cards in self.columns.items() if card in cards), None)

    # Moving a card it sees, as a drop does.
    def pick(self, rng: random.Random) -> tuple[dict, str] | None:
        """A card it sees (none with a move of its own still in flight) and a stage it may go to
        without a dialog, as the state it received says."""
        busy = {mv.card for mv in self.inflight}
        choices = [
            (card, target)
            for cards in self.columns.values()
            for card in cards.values()
            if card.get("id") not in busy
            for target in card.get("allowed", [])
            if target not in card.get("asks", []) and target != card.get("stage")
        ]
        return rng.choice(choices) if choices else None

    def move(self, rng: random.Random, counted: bool) -> Move | None:
        choice = self.pick(rng)
        if choice is None:
            return None
        card, target = choice
        seq = max(int(time.time() * 1000), self.answered + 1, (self.moves[-1].seq + 1) if self.moves else 0)
        mv = Move(card["id"], card["stage"], target, seq, time.perf_counter(), counted=counted)
        self.emit(
            f"{self.gen.board_state}.move",
            {"application_id": mv.card, "target": target, "source": mv.source, "seq": seq},
        )
        self.inflight.append(mv)
        self.moves.append(mv)
        return mv


# --- the generator -----------------------------------------------------------------------------


class Generator:
    """All tabs of one server, the shared sign-in (the browser's local storage) and the clocks."""

    def __init__(self, s: Site):
        self.site = s
        self.base = s.server.url.replace("localhost", "127.0.0.1")
        parts = urlsplit(self.base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.storage: dict[str, str] = {}
        self.bundle: Bundle
        self.board_state = ""
        self.rng = random.Random(33)
        self.lag: list[float] = []

    async def sign_in(self, job_id: int) -> None:
        """The login page's form, as the browser submits it; the token lands in local storage."""
        self.bundle = await read_bundle(self.base, f"/board/?job={job_id}")
        self.board_state = self.bundle.state(BOARD_STATE)
        login = await read_bundle(self.base, "/login/")
        tab = Tab(self, 0)
        boot = {
            "name": f"{login.root}.hydrate_and_load",
            "payload": {"hashes": login.hashes},
            "router_data": {"pathname": "/login/", "asPath": "/login/"},
        }
        await tab._connect({"event": boot, "state_schema": login.schema})
        form = [["email", self.site.recruiter.email], ["password", PASSWORD]]
        event = {
            "name": f"{login.state(AUTH_STATE)}.login",
            "payload": {"form": {"__reflex_form_data__": form}},
            "router_data": {"pathname": "/login/", "asPath": "/login/"},
        }
        tab._send_text("42/_event," + json.dumps(["event", event], separators=(",", ":")))
        deadline = time.perf_counter() + 30
        while not self.storage and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        await tab.close()
        if not self.storage:
            raise RuntimeError(f"sign-in gave no token: {tab.failures}")

    async def lag_probe(self, stop: asyncio.Event) -> None:
        """How late the event loop wakes: the generator's own backlog."""
        while not stop.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.1)
            self.lag.append(time.perf_counter() - t - 0.1)

    async def open_tabs(self, tabs: list[Tab]) -> None:
        gate = asyncio.Semaphore(OPEN_AT_ONCE)

        async def one(tab: Tab) -> None:
            async with gate:
                try:
                    await tab.load()
                except (OSError, RuntimeError, TimeoutError) as exc:
                    tab.failures.append(f"page load: {type(exc).__name__}: {exc}")

        await asyncio.gather(*(one(t) for t in tabs))


async def mover(tab: Tab, stop: asyncio.Event, window: list[float], reloads: bool) -> None:
    """Moves every 2 s ± jitter whether or not the last move was answered (a person keeps dragging:
    the board is optimistic); reloads the page about once a minute, once no move younger than
    ``CONFIRM_WITHIN`` is in flight."""
    rng = random.Random(tab.job_id * 7919 + len(tab.moves))
    await asyncio.sleep(rng.uniform(0, MOVE_EVERY))
    next_reload = time.perf_counter() + rng.uniform(0, RELOAD_EVERY[1]) if reloads else float("inf")
    while not stop.is_set():
        now = time.perf_counter()
        if now >= next_reload and all(now - mv.sent > CONFIRM_WITHIN for mv in tab.inflight):
            tab.inflight = []  # the page that waited for them is gone: never confirmed
            await tab.close()
            try:
                await tab.load()
            except (OSError, RuntimeError, TimeoutError) as exc:
                tab.failures.append(f"reload: {type(exc).__name__}: {exc}")
            next_reload = time.perf_counter() + rng.uniform(*RELOAD_EVERY)
        else:
            tab.move(rng, counted=window[0] <= now < window[1])
        await asyncio.sleep(MOVE_EVERY + rng.uniform(-JITTER, JITTER))


class Clocks:
    """Server CPU (its process tree), database CPU (PostgreSQL's backends of this database), the
    generator's own CPU and the wall clock, from one moment on."""

    def __init__(self, gen: Generator):
        self.pid, self.url = gen.site.server.proc.pid, gen.site.url
        self.server, self.db = tree_cpu_seconds(self.pid), database_cpu_seconds(self.url)
        self.queued = tree_run_queue_seconds(self.pid)
        self.own, self.wall = time.process_time(), time.perf_counter()

    def waited(self) -> float:
        """Seconds the server's threads were runnable but had no core, since the start."""
        return tree_run_queue_seconds(self.pid) - self.queued

    def spent(self) -> tuple[float, float, float, float]:
        return (
            tree_cpu_seconds(self.pid) - self.server,
            cpu_between(self.db, database_cpu_seconds(self.url)),
            time.process_time() - self.own,
            time.perf_counter() - self.wall,
        )


async def settle(gen: Generator, idle: float = 0.1, longest: float = 15.0) -> float:
    """Wait until the server's process tree is idle (under ``idle`` of a core for a second), so no
    step inherits the backlog of the one before it; a server still busy after ``longest`` seconds
    (an overloaded step's queued events) is restarted instead, which is quicker than its backlog.
    Returns what the idle server spends on its own (CPU seconds per second, over ``IDLE_SAMPLE``
    seconds), which a step's CPU per move leaves out."""
    started = time.perf_counter()
    while time.perf_counter() - started < longest:
        pid = gen.site.server.proc.pid
        before = tree_cpu_seconds(pid)
        await asyncio.sleep(1.0)
        if tree_cpu_seconds(pid) - before < idle:
            before = tree_cpu_seconds(pid)
            await asyncio.sleep(IDLE_SAMPLE)
            return (tree_cpu_seconds(pid) - before) / IDLE_SAMPLE
    print(
        f"[ws_load] {gen.site.label}: still busy with earlier work after {longest:.0f} s: restarting it",
        flush=True,
    )
    await asyncio.to_thread(gen.site.server.stop)
    await asyncio.to_thread(gen.site.server.start)
    return await settle(gen, idle, longest=60.0)


def _pct(values: list[float], p: float) -> float:
    """``percentile``, where a value never reached (infinite) makes every percentile at or past it so."""
    ordered = sorted(values)
    if ordered and math.isinf(ordered[min(math.ceil((len(ordered) - 1) * p / 100), len(ordered) - 1)]):
        return math.inf
    return percentile(ordered, p)


def _ms(values: list[float], p: float) -> float:
    return _pct(values, p) * 1000


def _shown(value: float, fmt: str) -> str:
    return "never" if math.isinf(value) else fmt.format(value)


def active_window(n: int) -> float:
    """Seconds an active step of ``n`` tabs measures: ``WINDOW``, or long enough for ``MIN_MOVES``."""
    return max(WINDOW, MIN_MOVES * MOVE_EVERY / max(n, 1))


async def active_step(gen: Generator, jobs: list[int], n: int) -> dict:
    idle_rate = await settle(gen)
    tabs = [Tab(gen, job) for job in jobs[:n]]
    await gen.open_tabs(tabs)
    stop, probe_stop = asyncio.Event(), asyncio.Event()
    start = time.perf_counter()
    measured = active_window(n)
    window = [start + WARMUP, start + WARMUP + measured]
    probe = asyncio.create_task(gen.lag_probe(probe_stop))
    tasks = [asyncio.create_task(mover(t, stop, window, reloads=True)) for t in tabs]
    await asyncio.sleep(WARMUP)
    gen.lag.clear()
    clocks = Clocks(gen)
    bytes0 = sum(t.steady_bytes for t in tabs)
    await asyncio.sleep(measured)
    stop.set()
    drain_until = time.perf_counter() + CONFIRM_WITHIN
    while time.perf_counter() < drain_until and any(mv.counted for t in tabs for mv in t.inflight):
        await asyncio.sleep(0.05)
    queued = clocks.waited()
    cpu, db_cpu, own, wall = clocks.spent()
    cpu = max(cpu - idle_rate * wall, 0.0)  # what the moves cost, not the idle server
    t0, t1 = clocks.wall, clocks.wall + wall
    received = sum(t.steady_bytes for t in tabs) - bytes0
    probe_stop.set()
    for task in [*tasks, probe]:
        task.cancel()
    await asyncio.gather(*tasks, probe, return_exceptions=True)
    moves = [m for t in tabs for m in t.moves if m.counted]
    # What the server spent per move it answered meanwhile (under overload, fewer than were sent).
    done = sum(1 for t in tabs for m in t.moves if m.confirmed is not None and t0 <= m.confirmed <= t1)
    in_window = sum(
        1 for t in tabs for m in t.moves if m.confirmed is not None and t0 <= m.confirmed <= t0 + measured
    )
    # A move never confirmed by the end of the step counts as infinitely slow, not as absent.
    rtts = [m.confirmed - m.sent if m.confirmed is not None else math.inf for m in moves]
    late = sum(1 for m in moves if m.confirmed is None or m.confirmed - m.sent > CONFIRM_WITHIN)
    loads = [x for t in tabs for x in t.loads]
    failures = [f for t in tabs for f in t.failures]
    failures += [f"{t.stale} patches it could not apply" for t in tabs if t.stale]
    await asyncio.gather(*(t.close() for t in tabs))
    row = {
        "engine": gen.site.engine,
        "workers": gen.site.workers,
        "tabs": n,
        "moves": len(moves),
        "moves_per_s": in_window / measured,
        "p50": _ms(rtts, 50),
        "p95": _ms(rtts, 95),
        "p99": _ms(rtts, 99),
        "round_trip": " / ".join(_shown(_ms(rtts, p), "{:.0f}") for p in (50, 95, 99)) + " ms",
        "cpu_ms": cpu / max(done, 1) * 1000,
        "db_cpu_ms": db_cpu / max(done, 1) * 1000,
        "server_use": cpu / wall * 100,
        "idle_server": idle_rate * 100,
        "server_queued": queued / wall * 100,
        "kib_per_move": received / max(done, 1) / 1024,
        "unconfirmed": late,
        "load_p50": _ms(loads, 50),
        # Bytes on the wire over payload bytes: below 1 when the websocket is compressed.
        "wire_ratio": sum(t.wire_bytes for t in tabs)
        / max(sum(t.steady_bytes + t.load_bytes for t in tabs), 1),
        "own_cpu": own / wall * 100,
        "lag_p95": _ms(gen.lag, 95),
        "failures": len(failures),
        "load_avg": os.getloadavg()[0],
        "saturated": " (saturated)" if own / wall >= SATURATED else "",
    }
    saturated = own / wall >= SATURATED
    print(
        f"[ws_load] {gen.site.label} {n:>3} active tabs: {len(moves)} moves, {row['moves_per_s']:.1f}/s, "
        f"round trip p50 / p95 / p99 {row['round_trip']}, server CPU "
        f"{row['cpu_ms']:.1f} ms/move (+ database {row['db_cpu_ms']:.1f}), {row['kib_per_move']:.1f} "
        f"KiB/move to the mover ({row['wire_ratio']:.2f} of it on the wire; server at "
        f"{row['server_use']:.0f}% of a core, waiting for one {row['server_queued']:.0f}%, idle "
        f"{row['idle_server']:.1f}%), {late} never confirmed "
        f"within {CONFIRM_WITHIN:.0f} s; page load p50 "
        f"{row['load_p50']:.0f} ms; generator {row['own_cpu']:.0f}% of a core, loop lag p95 "
        f"{row['lag_p95']:.0f} ms, load average {row['load_avg']:.1f}"
        + (" — THE GENERATOR IS SATURATED: these numbers are a floor" if saturated else "")
        + (f"; {len(failures)} tab failures, first: {failures[0]}" if failures else ""),
        flush=True,
    )
    return row


async def viewer_step(gen: Generator, job_id: int, v: int) -> dict:
    idle_rate = await settle(gen)
    viewers = [Tab(gen, job_id) for _ in range(v)]
    the_mover = Tab(gen, job_id)
    sent: list[Move] = []
    seen: list[float] = []
    waiting: dict[int, list[Move]] = {}  # viewer index → moves it has not seen yet

    def on_change(tab: Tab, now: float) -> None:
        still = []
        for mv in waiting.get(id(tab), []):
            if now <= mv.sent:
                still.append(mv)
                continue
            gone = tab.where(mv.card) != mv.source
            if gone or not tab.readable:
                if mv.counted:
                    seen.append(now - mv.sent)
            else:
                still.append(mv)
        waiting[id(tab)] = still

    await gen.open_tabs([*viewers, the_mover])
    for tab in viewers:
        tab.on_board_change = on_change
        waiting[id(tab)] = []
    stop, probe_stop = asyncio.Event(), asyncio.Event()
    start = time.perf_counter()
    window = [start + WARMUP, start + WARMUP + VIEWER_WINDOW]
    probe = asyncio.create_task(gen.lag_probe(probe_stop))

    async def move_loop() -> None:
        rng = random.Random(v)
        while not stop.is_set():
            now = time.perf_counter()
            mv = the_mover.move(rng, counted=window[0] <= now < window[1])
            if mv is not None:
                sent.append(mv)
                for tab in viewers:
                    waiting[id(tab)].append(mv)
            await asyncio.sleep(MOVE_EVERY)

    task = asyncio.create_task(move_loop())
    await asyncio.sleep(WARMUP)
    gen.lag.clear()
    clocks = Clocks(gen)
    bytes0 = sum(t.steady_bytes for t in viewers)
    await asyncio.sleep(VIEWER_WINDOW)
    stop.set()
    drain_until = time.perf_counter() + CONFIRM_WITHIN
    while time.perf_counter() < drain_until and any(mv.counted for moves in waiting.values() for mv in moves):
        await asyncio.sleep(0.05)
    queued = clocks.waited()
    cpu, db_cpu, own, wall = clocks.spent()
    cpu = max(cpu - idle_rate * wall, 0.0)  # what the moves cost, not the idle server
    received = sum(t.steady_bytes for t in viewers) - bytes0
    probe_stop.set()
    task.cancel()
    probe.cancel()
    await asyncio.gather(task, probe, return_exceptions=True)
    counted = [m for m in sent if m.counted]
    never = sum(1 for moves in waiting.values() for mv in moves if mv.counted)
    unseen = never + sum(1 for x in seen if x > CONFIRM_WITHIN)
    seen += [math.inf] * never  # never seen by the end of the step: infinitely late, not absent
    failures = [f for t in [*viewers, the_mover] for f in t.failures]
    failures += [f"{t.stale} patches it could not apply" for t in [*viewers, the_mover] if t.stale]
    await asyncio.gather(*(t.close() for t in [*viewers, the_mover]))
    n = max(len(counted), 1)
    row = {
        "engine": gen.site.engine,
        "workers": gen.site.workers,
        "viewers": v,
        "moves": len(counted),
        "p50": _pct(seen, 50),
        "p95": _pct(seen, 95),
        "seen": " / ".join(_shown(_pct(seen, p), "{:.2f}") for p in (50, 95)) + " s",
        "cpu_ms": cpu / n * 1000,
        "db_cpu_ms": db_cpu / n * 1000,
        "server_use": cpu / wall * 100,
        "idle_server": idle_rate * 100,
        "server_queued": queued / wall * 100,
        "kib_per_viewer": received / n / v / 1024,
        "unseen": unseen,
        "own_cpu": own / wall * 100,
        "lag_p95": _ms(gen.lag, 95),
        "failures": len(failures),
        "load_avg": os.getloadavg()[0],
        "saturated": " (saturated)" if own / wall >= SATURATED else "",
    }
    saturated = own / wall >= SATURATED
    print(
        f"[ws_load] {gen.site.label} {v:>3} viewers: {len(counted)} moves, seen p50 / p95 {row['seen']}, "
        f"server CPU {row['cpu_ms']:.0f} ms/move "
        f"(+ database {row['db_cpu_ms']:.0f}; server at {row['server_use']:.0f}% of a core, waiting for one "
        f"{row['server_queued']:.0f}%), "
        f"{row['kib_per_viewer']:.1f} KiB/move per viewer, {unseen} (viewer, move) pairs not seen within "
        f"{CONFIRM_WITHIN:.0f} s; generator {row['own_cpu']:.0f}% of a core, loop lag p95 "
        f"{row['lag_p95']:.0f} ms, load average {row['load_avg']:.1f}"
        + (" — THE GENERATOR IS SATURATED: these numbers are a floor" if saturated else "")
        + (f"; {len(failures)} tab failures, first: {failures[0]}" if failures else ""),
        flush=True,
    )
    return row


def measure(s: Site, active: tuple[int, ...] = ACTIVE_SIZES, viewers: tuple[int, ...] = VIEWER_SIZES) -> dict:
    """Both measures on one running site: {"active": rows, "viewers": rows}."""
    started = time.perf_counter()
    jobs = [
        bulk_job(s.db, s.recruiter, BOARD_SIZE, spread=True, title=f"Live board {i}")[0]
        for i in range(max(active, default=0) + (1 if viewers else 0))
    ]
    print(
        f"[ws_load] {s.label}: {len(jobs)} jobs of {BOARD_SIZE} applications seeded in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )

    async def run() -> dict:
        gen = Generator(s)
        await gen.sign_in(jobs[0])
        rows: dict[str, list[dict]] = {"active": [], "viewers": []}
        for n in active:
            rows["active"].append(await active_step(gen, jobs[: len(jobs) - (1 if viewers else 0)], n))
        for v in viewers:
            rows["viewers"].append(await viewer_step(gen, jobs[-1], v))
        return rows

    return asyncio.run(run())


def _present(rows: list[dict], columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The columns every row has the fields of (rows measured by an older generator lack some)."""
    return [
        (title, fmt)
        for title, fmt in columns
        if all(name in row for row in rows for _, name, _, _ in string.Formatter().parse(fmt) if name)
    ]


def tables(results: dict) -> str:
    """The two tables, as RESULTS.md and the README show them."""
    return "\n".join(
        [
            f"**Live board, active tabs** (simulated browser tabs on the websocket, each a recruiter on "
            f"its own {BOARD_SIZE}-application board moving a card every {MOVE_EVERY:.0f} s and reloading "
            f"about once a minute; {WINDOW:.0f} s measured after {WARMUP:.0f} s of warm-up, or as long as "
            f"{MIN_MOVES} moves take with fewer tabs; round trip = "
            "move sent → the delta confirming it; server CPU = process tree over the window and the "
            "drain, less what the idle server spends, per move answered meanwhile; bytes = websocket "
            "payload the mover's tab received per move)",
            "",
            table(
                results["active"],
                _present(
                    results["active"],
                    [
                        ("engine", "{engine}"),
                        ("tabs", "{tabs}"),
                        ("moves/s", "{moves_per_s:.1f}"),
                        ("round trip p50 / p95 / p99", "{round_trip}"),
                        ("server CPU per move", "{cpu_ms:.1f} ms"),
                        ("+ database", "{db_cpu_ms:.1f} ms"),
                        ("server busy", "{server_use:.0f}% of a core"),
                        ("server waiting for a core", "{server_queued:.0f}%"),
                        ("received per move", "{kib_per_move:.1f} KiB"),
                        (f"not confirmed in {CONFIRM_WITHIN:.0f} s", "{unconfirmed} of {moves}"),
                        ("page load p50", "{load_p50:.0f} ms"),
                        ("generator CPU", "{own_cpu:.0f}%{saturated}"),
                        ("load average", "{load_avg:.1f}"),
                    ],
                ),
            ),
            "",
            f"**Live board, viewers** (V tabs only viewing one {BOARD_SIZE}-application board while another "
            f"tab moves a card every {MOVE_EVERY:.0f} s, {VIEWER_WINDOW:.0f} s measured; seen = the "
            "viewer's first board change after the move was sent that takes the card out of its old column; "
            "server CPU as above, per move sent)",
            "",
            table(
                results["viewers"],
                _present(
                    results["viewers"],
                    [
                        ("engine", "{engine}"),
                        ("viewers", "{viewers}"),
                        ("seen p50 / p95", "{seen}"),
                        ("server CPU per move", "{cpu_ms:.0f} ms"),
                        ("+ database", "{db_cpu_ms:.0f} ms"),
                        ("server busy", "{server_use:.0f}% of a core"),
                        ("server waiting for a core", "{server_queued:.0f}%"),
                        ("received per move per viewer", "{kib_per_viewer:.1f} KiB"),
                        (f"not seen in {CONFIRM_WITHIN:.0f} s", "{unseen}"),
                        ("generator CPU", "{own_cpu:.0f}%{saturated}"),
                        ("load average", "{load_avg:.1f}"),
                    ],
                ),
            ),
        ]
    )


def _sizes(text: str | None) -> tuple[int, ...] | None:
    return None if text is None else tuple(int(x) for x in text.split(",") if int(x) > 0)


def run(
    engines: list[str] | None = None,
    quick: bool = False,
    active: tuple[int, ...] | None = None,
    viewers: tuple[int, ...] | None = None,
) -> dict:
    """Both measures on every engine asked for (all reachable ones by default)."""
    active = (QUICK_ACTIVE if quick else ACTIVE_SIZES) if active is None else active
    viewers = (QUICK_VIEWERS if quick else VIEWER_SIZES) if viewers is None else viewers
    results: dict[str, list[dict]] = {"active": [], "viewers": []}
    for engine in engines or available_engines():
        with site(engine) as s:
            rows = measure(s, active, viewers)
        for key in results:
            results[key] += rows[key]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"active {QUICK_ACTIVE}, viewers {QUICK_VIEWERS}"
    )
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--active", help="active tab counts, comma-separated (e.g. 1,10)")
    parser.add_argument("--viewers", help="viewer counts, comma-separated; 0 for none")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    engines = None if args.engine == "both" else ["SQLite" if args.engine == "sqlite" else "PostgreSQL"]
    started = time.perf_counter()
    results = run(engines, args.quick, _sizes(args.active), _sizes(args.viewers))
    print(f"\n{tables(results)}\n\n({(time.perf_counter() - started) / 60:.1f} min)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
