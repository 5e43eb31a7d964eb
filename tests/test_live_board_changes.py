"""The live board applies changes instead of re-reading, and still shows exactly what a read shows.

Several tabs watch one job's board while moves of every kind, undos, withdrawals, erasures, new
applications (one knocked out at once), bulk moves and tag changes are made through the core and
through the tabs' own handlers. After each step every tab's columns, and the columns its browser
holds after applying what the tab sent (``patchColumns`` of assets/kanban_dnd.jsx, ported below),
equal a fresh read of a new tab with the same settings; a plain move of a card a tab shows costs
that tab no read of the board. Readers who may not read the job never receive its changes; a gap in
the job's change numbers costs one read; Redis carries a change between two workers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import reflex as rx
from reflex.istate.data import RouterData, SessionData
from reflex.utils import format as rx_format
from sqlmodel import select

from flowtrack_ui.core import changes, jobs, live_access, queries
from flowtrack_ui.core.accounts import invitations, sign_in, team
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.bulk.actions import run_bulk, undo_batch
from flowtrack_ui.core.changes import CardMove, ChangeFeed, JobChange, job_topic
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.models import Application, Job, JobStage
from flowtrack_ui.core.permissions import Principal, Role
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move, withdraw
from flowtrack_ui.core.privacy.erase import erase_candidate
from flowtrack_ui.core.talent.tags import set_tags
from flowtrack_ui.core.views import Card
from flowtrack_ui.state import board, bulk, live, session
from flowtrack_ui.state.board import BoardState
from flowtrack_ui.state.board_changes import SPARE, CannotPlace, Held, apply_move, held_columns

from .conftest import PASSWORD, make_candidate, make_company, principal

BOARD = BoardState.get_full_name()
QUESTION = {
    "kind": "yes_no",
    "prompt": "Can you work in the EU?",
    "required": True,
    "disqualifying_answers": ["no"],
}
# Candidates' first names: the searching tab looks for "ann", which about a third of them hold.
FIRST = ["Anna", "Ben", "Hannah", "Carl", "Joanne", "Dev", "Annika", "Eve", "Mia", "Leo", "Suzanne", "Omar"]
LAST = ["Park", "Stone", "Lind", "Ruiz", "Berg", "Nakamura", "Okafor", "Silva"]


# --- the browser's side: a port of assets/kanban_dnd.jsx ------------------------------------------


def patch_columns(columns: list[dict], patch: dict) -> list[dict] | None:
    """``patchColumns``: each changed column's count, hidden and cards (by id, from any column the
    browser holds or the patch's new cards); None when a column or a card is missing (stale)."""
    by_id = {card["id"]: card for column in columns for card in column["cards"]}
    for change in patch["columns"]:
        for card in change["cards"]:
            by_id[card["id"]] = card
    after = list(columns)
    for change in patch["columns"]:
        at = next((i for i, column in enumerate(after) if column["stage"] == change["stage"]), -1)
        if at < 0:
            return None
        if any(i not in by_id for i in change["ids"]):
            return None
        cards = [by_id[i] for i in change["ids"]]
        after[at] = {**after[at], "count": change["count"], "hidden": change["hidden"], "cards": cards}
    return after


class Browser:
    """What a tab's browser holds of the board: the columns as last sent whole, with every later
    patch applied by the page's rule (``usePatches``)."""

    def __init__(self) -> None:
        self.columns: list[dict] | None = None
        self.columns_rev = 0
        self.applied = 0
        self.stale = 0  # patches it could not apply (it would ask for a read): never expected

    def receive(self, delta: dict[str, Any]) -> None:
        """One delta of the board's state, as the websocket carries it (JSON)."""
        values = {key.removesuffix("_rx_state_"): value for key, value in delta.items()}
        if "columns" in values:
            self.columns = values["columns"]
        if "columns_rev" in values:
            self.columns_rev = values["columns_rev"]
        patch = values.get("board_patch")
        if not patch or not patch["rev"] or patch["rev"] <= max(self.applied, self.columns_rev):
            return
        self.applied = patch["rev"]
        after = patch_columns(self.columns or [], patch)
        if after is None:
            self.stale += 1
        else:
            self.columns = after


# --- tabs ---------------------------------------------------------------------------------------


def _plain(columns: list[Any]) -> list[dict]:
    """Columns as JSON (what the browser receives), without each card's ``days``."""
    data = json.loads(rx_format.json_dumps(columns))
    for column in data:
        for card in column["cards"]:
            card.pop("days", None)
    return data


class Tab:
    """One open board: its state (a root state of its own, as each browser tab has), its client
    token, what its browser holds, and (once started) its live watch."""

    def __init__(self, name: str, db: Database, who: Principal, job_id: int) -> None:
        self.name, self.who = name, who
        self.root = rx.State(_reflex_internal_init=True)
        st = self.root.get_substate(BOARD.split(".")[1:])
        sid = uuid.uuid4().hex  # the socket it was hydrated on (the session guard binds it)
        st.router = RouterData(session=SessionData(client_token=uuid.uuid4().hex, session_id=sid))
        st._bound_sid = sid
        st.token = sign_in.issue_token(db, who.user_id)
        st.job_id, st.can_move, st.per_stage = job_id, who.role == Role.RECRUITER, board.PAGE
        self.st: BoardState = st
        self.browser = Browser()
        self.watch: asyncio.Task | None = None

    def call(self, handler: Any, *args: Any) -> Any:
        """An event from the browser: the handler, then its delta to the browser."""
        result = handler.fn(self.st, *args)
        self.flush()
        return result

    def flush(self) -> None:
        delta = json.loads(rx_format.json_dumps(self.root.get_delta()))
        self.root._clean()
        if BOARD in delta:
            self.browser.receive(delta[BOARD])

    def start(self) -> None:
        self.watch = asyncio.create_task(BoardState.watch.fn(_Background(self)))

    async def stop(self) -> None:
        if self.watch is not None:
            self.watch.cancel()
            await asyncio.gather(self.watch, return_exceptions=True)

    def shown(self) -> dict[int, str]:
        return {c.id: col.stage for col in self.st.columns for c in col.cards}


class _Background:
    """The state as a background task holds it: ``async with`` around each use, and the delta of
    each block sent to the browser when it ends (as Reflex does)."""

    def __init__(self, tab: Tab) -> None:
        object.__setattr__(self, "_tab", tab)

    async def __aenter__(self) -> _Background:
        return self

    async def __aexit__(self, *exc: object) -> bool:
        self._tab.flush()
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tab.st, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._tab.st, name, value)


def _fresh_tab(db: Database, tab: Tab) -> Tab:
    """A new tab of the same reader with the same settings (search, columns grown), read now."""
    fresh = Tab(tab.name + " (fresh)", db, tab.who, tab.st.job_id)
    fresh.st.search = tab.st.search
    fresh.st._shown = dict(tab.st._shown)
    fresh.st.per_stage = tab.st.per_stage
    fresh.st._refresh()
    return fresh


async def _idle(feed: ChangeFeed, tabs: list[Tab]) -> None:
    """Until every watch has taken and handled what it was sent (each handles a wake in one go,
    from taking the changes to sending its delta, so no pending change and no set event means
    done)."""
    for _ in range(2000):
        await asyncio.sleep(0)
        with feed._lock:
            subs = [sub for topic_subs in feed._subs.values() for sub in topic_subs]
        if all(not sub._pending and not sub._event.is_set() for sub in subs):
            break
    else:
        pytest.fail("the watches never took the changes they were sent")
    for tab in tabs:
        assert tab.watch is None or not tab.watch.done(), f"{tab.name}'s watch ended"


@dataclasses.dataclass
class Reads:
    """Full reads of the board (``queries.board``) per reader and search, checks left out."""

    counts: dict[tuple[int, str], int] = dataclasses.field(default_factory=dict)
    checking: bool = False

    def of(self, tab: Tab) -> int:
        return self.counts.get((tab.who.user_id, tab.st.search), 0)


@pytest.fixture
def reads(monkeypatch) -> Reads:
    seen = Reads()
    real = queries.board

    def counted(db, who, job_id, search="", per_stage=queries.DEFAULT_PER_STAGE):
        if not seen.checking:
            key = (who.user_id, search)
            seen.counts[key] = seen.counts.get(key, 0) + 1
        return real(db, who, job_id, search=search, per_stage=per_stage)

    monkeypatch.setattr(queries, "board", counted)
    return seen


def _live(monkeypatch, url: str, feed: ChangeFeed | None = None) -> Database:
    """A database whose changes go through a feed of this test's own, which the tabs' watches
    follow (nothing another test publishes reaches them)."""
    feed = feed if feed is not None else ChangeFeed(None)
    db = Database(url, feed=feed)
    for module in (session, board, bulk):
        monkeypatch.setattr(module, "db", lambda: db)
    monkeypatch.setattr(live, "default_feed", lambda: feed)
    monkeypatch.setattr(live, "client_connected_here", lambda token, sid=None: True)
    return db


@pytest.fixture
def live_db(any_db, monkeypatch):
    db = _live(monkeypatch, any_db.url)
    yield db
    db.dispose()


def check_tab(db: Database, tab: Tab, reads: Reads, where: str) -> None:
    """The tab's columns, and its browser's, are a fresh read's; the spares it holds are the next
    cards of each column in order."""
    reads.checking = True
    try:
        fresh = _fresh_tab(db, tab)
    finally:
        reads.checking = False
    expected = _plain(fresh.st.columns)
    assert _plain(tab.st.columns) == expected, f"{where}: {tab.name}'s columns differ from a fresh read"
    assert tab.browser.stale == 0, f"{where}: {tab.name}'s browser could not apply a patch"
    assert tab.browser.columns is not None
    browser = json.loads(json.dumps(tab.browser.columns))
    for column in browser:
        for card in column["cards"]:
            card.pop("days", None)
    assert browser == expected, f"{where}: {tab.name}'s browser holds other columns than a fresh read"
    for stage, spare in tab.st._spare.items():
        truth = [c.id for c in fresh.st._spare.get(stage, [])]
        assert [c.id for c in spare] == truth[: len(spare)], f"{where}: {tab.name}'s spares of {stage}"


def check_timeline(db: Database, tab: Tab, where: str) -> None:
    """The open card's timeline (newest first) is its history as read now."""
    if not tab.st.detail_open:
        return
    entries = queries.application_history(db, tab.who, tab.st.detail_id)
    expected = [
        (h.old_stage or "", h.new_stage, h.kind, h.reason or "", h.note or "") for h in reversed(entries)
    ]
    shown = [(h.old_stage, h.new_stage, h.kind, h.reason, h.note) for h in tab.st.history]
    assert shown == expected, f"{where}: {tab.name}'s open timeline is not the card's history"
    assert tab.st.detail_stage == entries[-1].new_stage, f"{where}: {tab.name}'s open card's stage"


# --- 1. a randomised sequence of changes, several tabs and a checker ------------------------------


@dataclasses.dataclass
class World:
    """The job the tabs watch, the people who act on it, and the seeded choices of one run."""

    db: Database
    job_id: int
    question_id: int
    recruiter: Principal
    second: Principal
    manager: Principal
    candidates: dict[int, Principal]  # candidate user id → who they are
    rng: random.Random
    made: int = 0

    def new_candidate(self) -> Principal:
        self.made += 1
        name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        who = make_candidate(self.db, f"c{self.made}-{uuid.uuid4().hex[:6]}@example.com", name)
        self.candidates[who.user_id] = who
        return who

    def applications(self) -> list[tuple[int, int, str]]:
        """(application id, candidate id, stage name) of every application of the job."""
        with self.db.session() as s:
            rows = s.exec(
                select(Application.id, Application.candidate_id, JobStage.name)
                .join(JobStage, JobStage.id == Application.stage_id)
                .where(Application.job_id == self.job_id)
                .order_by(Application.id)
            ).all()
        return [(a, c, st) for a, c, st in rows]

    def stage_of(self, app_id: int) -> str:
        return next(stage for a, _, stage in self.applications() if a == app_id)

    def moves(self, ids: list[int]) -> dict[int, Card]:
        return queries.board_cards(self.db, self.recruiter, self.job_id, ids) if ids else {}


def _second_recruiter(db: Database, lead: Principal) -> Principal:
    inv = invitations.invite_staff(db, lead, "rec2@acme.test", Role.RECRUITER)
    invitations.accept_invitation(db, inv.token, PASSWORD, "Robin Recruiter")
    return principal(db, "rec2@acme.test")


def _world(db: Database, seed: int, size: int = 40) -> World:
    acme = make_company(db, "Acme")
    job = jobs.create_job(db, acme.recruiter, "Platform Engineer", "Build", "Remote", questions=[QUESTION])
    w = World(
        db, job.id, job.questions[0].id, acme.recruiter, _second_recruiter(db, acme.recruiter), acme.manager,
        {}, random.Random(seed),
    )  # fmt: skip
    for _ in range(size):
        apply(db, w.new_candidate(), job.id, answers=[{"question_id": w.question_id, "answer": True}])
    # Spread over the pipeline: a few moves each, of the kinds the table offers.
    cards = w.moves([a for a, _, _ in w.applications()])
    for app_id in cards:
        for _ in range(w.rng.choice([0, 0, 1, 1, 2, 3])):
            card = w.moves([app_id])[app_id]
            options = [m for m in card.moves if m.kind in ("forward", "skip", "reject")]
            if not options:
                break
            move_stage(db, w.recruiter, app_id, w.rng.choice(options).stage)
    apps = [a for a, _, stage in w.applications() if stage not in ("Hired", "Rejected", "Withdrawn")]
    for app_id in w.rng.sample(apps, 2):  # a couple withdrawn already
        cid = next(c for a, c, _ in w.applications() if a == app_id)
        withdraw(db, w.candidates[cid], app_id)
    return w


MOVE_KINDS = ("forward", "skip", "back", "reject", "reopen", "unhire", "hire")
# Each kind of step at least once, then random ones; "move" is a move by the core or a tab.
MUST = (
    *MOVE_KINDS,
    "undo",
    "undo",
    "withdraw",
    "erase",
    "apply",
    "knockout",
    "bulk",
    "bulk_tab",
    "tags",
    "grow",
    "detail",
)
EXTRA = ("move",) * 14 + ("undo",) * 3 + ("withdraw", "apply", "bulk", "tags", "erase", "grow")


def _plan(rng: random.Random, extra: int = 18) -> list[str]:
    """The steps of one run in a random order, each undo right after a move (within its window)."""
    plan = [*MUST, *(rng.choice(EXTRA) for _ in range(extra))]
    rng.shuffle(plan)
    undos = plan.count("undo")
    plan = [what for what in plan if what != "undo"]
    for _ in range(undos):
        after = [
            i
            for i, what in enumerate(plan)
            if what in (*MOVE_KINDS, "move") and (i + 1 == len(plan) or plan[i + 1] != "undo")
        ]
        plan.insert(rng.choice(after) + 1, "undo")
    return plan


@dataclasses.dataclass
class Step:
    what: str
    plain: int | None = None  # a single move of this card (shown cards of it: no read expected)


def _pick_move(w: World, kind: str, shown_in: Tab | None = None) -> tuple[int, str, str, Any] | None:
    """(application id, from stage, target, its move option) of the wanted kind ("move": any; "hire":
    a forward move into Hired), among the cards ``shown_in`` shows (or every card)."""
    ids = list(shown_in.shown()) if shown_in is not None else [a for a, _, _ in w.applications()]
    found = []
    for app_id, card in w.moves(ids).items():
        for m in card.moves:
            hire = m.kind == "forward" and m.stage == "Hired"
            if kind == "move" or (kind == "hire" and hire) or (kind == m.kind and not hire):
                found.append((app_id, card.stage, m.stage, m))
    return w.rng.choice(found) if found else None


def _do_move(w: World, tabs: list[Tab], kind: str, last: list) -> Step:
    movers = [t for t in tabs if t.st.can_move]
    tab = w.rng.choice(movers) if w.rng.random() < 0.6 else None
    picked = _pick_move(w, kind, tab)
    if picked is None and tab is not None:
        tab, picked = None, _pick_move(w, kind)
    if picked is None:
        return Step(f"no {kind} move to make")
    app_id, source, target, option = picked
    if tab is None:  # another tab, a script or the REST API
        who = w.rng.choice([w.recruiter, w.second])
        words = "Moved by mistake" if option.reason == "required" else None
        move_stage(w.db, who, app_id, target, expected_stage=source, reason=words)
        last[:] = [app_id, who, None]
        return Step(f"core {option.kind} {app_id} {source}→{target}", app_id)
    tab.call(BoardState.move, app_id, target, source, tab.st.answered + 1)
    if tab.st.reject_open:
        reason = w.rng.choice(tab.st.reject_reasons)
        tab.call(BoardState.confirm_reject, {"reason_id": str(reason.id), "note": "", "when": "undo"})
    elif tab.st.ask_open:
        tab.call(BoardState.confirm_ask, {"reason": "Moved by mistake", "note": ""})
    what = f"{tab.name} {option.kind} {app_id} {source}→{target}"
    if w.stage_of(app_id) != target:  # the tab saw the card elsewhere (its watch is behind): refused
        last.clear()
        return Step(what + ", refused")
    last[:] = [app_id, tab.who, tab]
    return Step(what, app_id)


def _step(w: World, tabs: list[Tab], what: str, last: list, erased: list[int]) -> Step:
    db, rng = w.db, w.rng
    if what in (*MOVE_KINDS, "move"):
        return _do_move(w, tabs, what, last)
    if what == "undo":
        if not last:
            return Step("nothing to undo")
        app_id, who, tab = last
        last.clear()
        if tab is not None:
            stage = w.stage_of(app_id)
            tab.call(BoardState.undo, app_id)
            if w.stage_of(app_id) == stage:  # refused (the card's last move is not this reader's)
                return Step(f"undo of {app_id} by {tab.name} refused")
        else:
            try:
                undo_move(db, who, app_id)
            except DomainError:  # moved since by someone else (cannot happen here) or out of time
                return Step(f"undo of {app_id} refused")
        return Step(f"undo {app_id} by {'core' if tab is None else tab.name}", app_id)
    if what == "withdraw":
        apps = [(a, c) for a, c, st in w.applications() if st not in ("Hired", "Rejected", "Withdrawn")]
        app_id, cid = rng.choice(apps)
        withdraw(db, w.candidates[cid], app_id)
        return Step(f"withdraw {app_id}", app_id)
    if what == "erase":
        present = [c for _, c, _ in w.applications() if c in w.candidates and c not in erased]
        cid = rng.choice(present)
        erased.append(cid)
        erase_candidate(db, w.recruiter, cid)
        return Step(f"erase candidate {cid}")
    if what in ("apply", "knockout"):
        who = w.new_candidate()
        view = apply(db, who, w.job_id, answers=[{"question_id": w.question_id, "answer": what == "apply"}])
        return Step(f"{what}: {view.id} in {view.stage}")
    if what in ("bulk", "bulk_tab"):
        by_stage: dict[str, list[int]] = {}
        for app_id, _, stage in w.applications():
            by_stage.setdefault(stage, []).append(app_id)
        stage = rng.choice(
            [s for s in ("Applied", "Screening", "Interview") if len(by_stage.get(s, [])) >= 2]
        )
        ids = rng.sample(by_stage[stage], min(len(by_stage[stage]), rng.choice([2, 3, 4])))
        target = {"Applied": "Screening", "Screening": "Interview", "Interview": "Offer"}[stage]
        if what == "bulk":
            result = run_bulk(db, w.second, "move", ids, target_stage=target)
            if rng.random() < 0.5:
                undo_batch(db, w.second, result.batch_id)
                return Step(f"bulk {ids} → {target}, undone")
            return Step(f"bulk {ids} → {target}")
        tab = next(t for t in tabs if t.st.can_move and not t.st.search)
        tab.st.selected = ids
        tab.call(BoardState.bulk_move, target)
        if rng.random() < 0.5:
            tab.call(BoardState.undo_batch)
            return Step(f"{tab.name} bulk {ids} → {target}, undone")
        return Step(f"{tab.name} bulk {ids} → {target}")
    if what == "detail":  # the card whose timeline the first tab has open moves (core)
        detail = tabs[0].st.detail_id
        card = w.moves([detail]).get(detail)
        if card is None or not card.moves:
            return Step(f"the open card {detail} has no move")
        option = rng.choice(card.moves)
        words = "Moved by mistake" if option.reason == "required" else None
        move_stage(db, w.recruiter, detail, option.stage, expected_stage=card.stage, reason=words)
        last[:] = [detail, w.recruiter, None]
        return Step(f"core {option.kind} of the open card {detail} {card.stage}→{option.stage}", detail)
    if what == "grow":  # "Show more" in one column of a tab that does not search
        tab = rng.choice([t for t in tabs if not t.st.search])
        stage = rng.choice([c.stage for c in tab.st.columns if c.hidden] or [tab.st.columns[0].stage])
        tab.call(BoardState.show_more, stage)
        return Step(f"{tab.name} shows more of {stage}")
    if what == "tags":
        cid = rng.choice([c for _, c, _ in w.applications() if c in w.candidates and c not in erased])
        set_tags(
            db,
            w.recruiter,
            cid,
            rng.sample(["python", "remote", "referral", "senior"], rng.choice([0, 1, 2])),
        )
        return Step(f"tags of {cid}")
    raise AssertionError(what)


def _fully_held(tab: Tab, stage: str) -> bool:
    col = next(c for c in tab.st.columns if c.stage == stage)
    return col.count <= len(col.cards) + len(tab.st._spare.get(stage, []))


@pytest.fixture(scope="module")
def sqlite_world(sqlite_template, tmp_path_factory) -> tuple[Path, World]:
    """The job with its applications spread over the pipeline, made once (through the core) and
    copied for each seed: the seeds differ in the changes that follow."""
    path = tmp_path_factory.mktemp("world") / "world.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}", feed=ChangeFeed(None))
    try:
        world = _world(db, 0)
    finally:
        db.dispose()
    return path, world


@pytest.mark.parametrize(
    "engine, seed",
    [("sqlite", 1), ("sqlite", 2), ("sqlite", 3), pytest.param("postgres", 4, marks=pytest.mark.postgres)],
)
def test_every_tab_equals_a_fresh_read_after_every_change(
    request, tmp_path, reads, monkeypatch, engine, seed
):
    # Three cards a column (and five spares): the changes cross hidden-card boundaries all the time.
    monkeypatch.setattr(board, "PAGE", 3)
    if engine == "sqlite":
        path, world = request.getfixturevalue("sqlite_world")
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copy(f"{path}{suffix}", tmp_path / f"world.db{suffix}")
        db = _live(monkeypatch, f"sqlite:///{tmp_path / 'world.db'}")
        w = dataclasses.replace(world, db=db, candidates=dict(world.candidates), rng=random.Random(seed))
    else:
        db = _live(monkeypatch, request.getfixturevalue("pg_db").url)
        w = _world(db, seed)
    request.addfinalizer(db.dispose)
    checked = {"plain": 0}

    async def scenario() -> None:
        lead = Tab("recruiter", db, w.recruiter, w.job_id)
        lead.call(BoardState.refresh)
        grown = Tab("recruiter showing more", db, w.second, w.job_id)
        grown.call(BoardState.refresh)
        grown.call(BoardState.show_more, "Applied")
        grown.call(BoardState.show_more, "Rejected")
        manager = Tab("hiring manager", db, w.manager, w.job_id)
        manager.call(BoardState.refresh)
        searching = Tab("recruiter searching", db, w.recruiter, w.job_id)
        searching.call(BoardState.set_search, "ann")
        tabs = [lead, grown, manager, searching]
        assert not manager.st.can_move
        assert all(not c.allowed for col in manager.st.columns for c in col.cards)  # read-only
        assert {c.id for col in searching.st.columns for c in col.cards} and all(
            "ann" in c.name.lower() for col in searching.st.columns for c in col.cards
        )
        lead.call(BoardState.open_card, next(c.id for col in lead.st.columns for c in col.cards))
        assert lead.st.detail_open and lead.st.history
        for tab in tabs:
            tab.start()
        await _idle(db.feed, tabs)
        assert db.feed.subscriber_count() == len(tabs)

        plan = _plan(w.rng)
        last: list = []
        erased: list[int] = []
        try:
            done = 0
            while done < len(plan):
                # Mostly one step at a time; sometimes two or three before the watches run, so a
                # wake brings several changes (and a tab's own move may find its watch behind).
                burst = plan[done : done + w.rng.choice([1, 1, 1, 1, 2, 3])]
                before = {tab.name: (tab.shown(), reads.of(tab)) for tab in tabs}
                held = {
                    tab.name: {col.stage: _fully_held(tab, col.stage) for col in tab.st.columns}
                    for tab in tabs
                }
                steps = [_step(w, tabs, what, last, erased) for what in burst]
                await _idle(db.feed, tabs)
                where = f"seed {seed}, step {done} ({'; '.join(step.what for step in steps)})"
                done += len(burst)
                check_timeline(db, lead, where)
                for tab in tabs:
                    check_tab(db, tab, reads, where)
                    shown, count = before[tab.name]
                    plain = steps[0].plain if len(steps) == 1 else None
                    if plain is not None and plain in shown:
                        if not tab.st.search or held[tab.name][shown[plain]]:
                            assert reads.of(tab) == count, f"{where}: {tab.name} read the board"
                            checked["plain"] += 1
        finally:
            for tab in tabs:
                await tab.stop()
        # Not vacuous: changes reached every browser as patches, and moves were checked for reads.
        assert all(tab.browser.applied > 0 for tab in tabs if not tab.st.search)
        assert checked["plain"] >= 5
        print(
            f"seed {seed}: {len(plan)} steps, {checked['plain']} moves checked for reads; full reads "
            + ", ".join(f"{tab.name} {reads.of(tab)}" for tab in tabs)
        )

    asyncio.run(scenario())


# --- 2. readers who may not read the job ----------------------------------------------------------


def test_another_company_and_a_candidate_never_receive_a_change(live_db, monkeypatch):
    db = live_db
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    casey = make_candidate(db)
    app_id = apply(db, casey, acme.job_id).id
    outsider = make_candidate(db, "other@example.com", "Olga Other")

    for who in (globex.recruiter, globex.manager, casey, outsider):
        token = sign_in.login(db, who.email, PASSWORD)
        with pytest.raises(DomainError):
            live_access.job_board_topic_for_token(db, token, acme.job_id)

    async def scenario() -> None:
        tabs = [Tab(n, db, w, acme.job_id) for n, w in (("globex", globex.recruiter), ("candidate", casey))]
        for tab in tabs:
            tab.call(BoardState.refresh)
            assert tab.st.columns == [] and tab.st.board_patch.rev == 0
            tab.start()
        for tab in tabs:
            assert tab.watch is not None
            assert await tab.watch is None  # refused before following: it never subscribed
        assert db.feed.subscriber_count() == 0
        known = {tab.name: (tab.st.columns_rev, tab.st._seq) for tab in tabs}
        move_stage(db, acme.recruiter, app_id, "Screening")
        await asyncio.sleep(0)
        for tab in tabs:
            tab.flush()
            assert tab.st.columns == [] and tab.st.board_patch.rev == 0
            assert (tab.st.columns_rev, tab.st._seq) == known[tab.name]
            assert tab.browser.columns in (None, [])

    asyncio.run(scenario())


def test_a_reader_who_loses_access_gets_nothing_of_the_next_change(live_db, reads, monkeypatch):
    """Access is asked again on every change: a hiring manager deactivated while the board is open
    is sent to sign-in, and the move made after it never reaches their tab."""
    db = live_db
    acme = make_company(db, "Acme")
    casey = make_candidate(db)
    app_id = apply(db, casey, acme.job_id).id

    async def scenario() -> None:
        tab = Tab("manager", db, acme.manager, acme.job_id)
        tab.call(BoardState.refresh)
        tab.start()
        await _idle(db.feed, [tab])
        patch_rev = tab.st.board_patch.rev
        team.set_active(db, acme.recruiter, acme.manager.user_id, False)
        move_stage(db, acme.recruiter, app_id, "Screening")
        assert tab.watch is not None
        await asyncio.wait_for(tab.watch, 5)  # it ended on the first change after the deactivation
        assert db.feed.subscriber_count() == 0
        assert tab.st.board_patch.rev == patch_rev
        assert all(c.id != app_id for col in tab.st.columns if col.stage == "Screening" for c in col.cards)
        assert reads.of(tab) == 1  # the first read only

    asyncio.run(scenario())


def test_the_movers_own_change_is_neither_read_nor_checked_again(live_db, reads, monkeypatch):
    """The mover's tab applies its move from its commit; its watch's wake by that same change sends
    nothing, so it costs no access check either. Another's move is checked and applied."""
    db = live_db
    acme = make_company(db, "Acme")
    apps = [apply(db, make_candidate(db, f"c{i}@example.com", f"Cand {i}"), acme.job_id).id for i in range(2)]
    checks: list[object] = []
    real = live_access.job_board_access_for_token
    monkeypatch.setattr(
        live_access, "job_board_access_for_token", lambda *a, **k: checks.append(a[3:]) or real(*a, **k)
    )

    async def scenario() -> None:
        tab = Tab("mover", db, acme.recruiter, acme.job_id)
        tab.call(BoardState.refresh)
        tab.start()
        await _idle(db.feed, [tab])
        assert len(checks) == 1  # when it subscribed
        tab.call(BoardState.move, apps[0], "Screening", "Applied")
        assert tab.shown()[apps[0]] == "Screening"
        await _idle(db.feed, [tab])
        assert len(checks) == 1 and reads.of(tab) == 1  # the echo: no check, no read
        move_stage(db, _second_recruiter(db, acme.recruiter), apps[1], "Screening")
        await _idle(db.feed, [tab])
        assert len(checks) == 2 and checks[-1] != (None,)  # checked, with the signal that woke it
        assert tab.shown()[apps[1]] == "Screening" and reads.of(tab) == 1
        check_tab(db, tab, reads, "after its own move and another's")
        await tab.stop()

    asyncio.run(scenario())


# --- 3. a gap in the change numbers --------------------------------------------------------------


class DroppingFeed(ChangeFeed):
    """A feed that loses the next ``drop`` publishes (as a lost Redis message would)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.drop = 0

    def publish(self, topics, jobs=None) -> None:  # noqa: ANN001 - ChangeFeed's own signature
        if self.drop:
            self.drop -= 1
            return
        super().publish(topics, jobs)


def test_a_gap_in_the_change_numbers_costs_one_read(sqlite_db, reads, monkeypatch):
    feed = DroppingFeed()
    db = _live(monkeypatch, sqlite_db.url, feed)
    acme = make_company(db, "Acme")
    apps = [apply(db, make_candidate(db, f"c{i}@example.com", f"Cand {i}"), acme.job_id).id for i in range(4)]

    async def scenario() -> None:
        tab = Tab("recruiter", db, acme.recruiter, acme.job_id)
        tab.call(BoardState.refresh)
        tab.start()
        await _idle(feed, [tab])
        assert reads.of(tab) == 1
        move_stage(db, acme.recruiter, apps[0], "Screening")
        await _idle(feed, [tab])
        assert reads.of(tab) == 1  # applied as a change
        seq = tab.st._seq

        feed.drop = 1
        move_stage(db, acme.recruiter, apps[1], "Screening")  # its change never arrives
        await _idle(feed, [tab])
        assert tab.st._seq == seq and reads.of(tab) == 1
        move_stage(db, acme.recruiter, apps[2], "Interview")  # number seq + 2: a gap
        await _idle(feed, [tab])
        assert reads.of(tab) == 2  # exactly one read
        assert tab.st._seq == seq + 2
        check_tab(db, tab, reads, "after the gap")

        move_stage(db, acme.recruiter, apps[3], "Screening")
        undo_move(db, acme.recruiter, apps[3])
        await _idle(feed, [tab])
        assert reads.of(tab) == 2 and tab.st._seq == seq + 4  # changes apply again
        check_tab(db, tab, reads, "after the gap and two changes")
        await tab.stop()

    asyncio.run(scenario())


def test_a_tab_that_lost_changes_while_busy_reads_once(sqlite_db, reads, monkeypatch):
    """More changes than a subscription keeps while its tab is busy: it cannot apply what it lost,
    so it reads the board once, and then applies changes again."""
    db = _live(monkeypatch, sqlite_db.url)
    monkeypatch.setattr(changes, "MAX_PENDING", 2)
    acme = make_company(db, "Acme")
    apps = [apply(db, make_candidate(db, f"c{i}@example.com", f"Cand {i}"), acme.job_id).id for i in range(4)]

    async def scenario() -> None:
        tab = Tab("recruiter", db, acme.recruiter, acme.job_id)
        tab.call(BoardState.refresh)
        tab.start()
        await _idle(db.feed, [tab])
        for app_id in apps[:3]:  # no await between them: the watch is not woken meanwhile
            move_stage(db, acme.recruiter, app_id, "Screening")
        await _idle(db.feed, [tab])
        assert reads.of(tab) == 2
        check_tab(db, tab, reads, "after the lost changes")
        move_stage(db, acme.recruiter, apps[3], "Interview")
        await _idle(db.feed, [tab])
        assert reads.of(tab) == 2
        check_tab(db, tab, reads, "after one more change")
        await tab.stop()

    asyncio.run(scenario())


# --- 4. two workers, PostgreSQL and Redis ----------------------------------------------------------


@pytest.mark.postgres
def test_two_workers_on_postgres_and_redis_carry_the_change(pg_db, redis_url, reads, monkeypatch):
    """Worker A commits a move; worker B's subscription hears its JobChange intact, and a board
    tab served by B applies it without reading the board."""
    monkeypatch.setattr(changes, "CHANNEL", f"flowtrack:changes:test:{uuid.uuid4().hex}")  # ours alone
    worker_a, worker_b = ChangeFeed(redis_url), ChangeFeed(redis_url)
    db_a = Database(pg_db.url, feed=worker_a)
    db_b = _live(monkeypatch, pg_db.url, worker_b)  # the tab's worker
    acme = make_company(db_a, "Acme")
    apps = [
        apply(db_a, make_candidate(db_a, f"c{i}@example.com", f"Cand {i}"), acme.job_id).id for i in range(3)
    ]

    async def scenario() -> None:
        tab = Tab("recruiter on B", db_b, acme.recruiter, acme.job_id)
        tab.call(BoardState.refresh)
        async with worker_b.subscribe(job_topic(acme.job_id)) as sub:
            for _ in range(100):  # until B's listener has subscribed to Redis
                worker_a.publish(["job:probe"])
                worker_a.publish([job_topic(acme.job_id)])
                if await sub.wait(0.1):
                    break
            else:
                pytest.fail("the change never crossed Redis")
            while await sub.wait(0.2):
                pass
            sub.take()
            tab.start()
            for _ in range(1000):  # until the watch has subscribed too (to the same listener)
                if worker_b.subscriber_count() == 2:
                    break
                await asyncio.sleep(0)
            assert worker_b.subscriber_count() == 2

            moved = move_stage(db_a, acme.recruiter, apps[0], "Screening")
            sent = db_a.committed_jobs()[acme.job_id]
            assert await sub.wait(5)
            heard, lost = sub.take()
            assert not lost and [c.job for c in heard] == [sent]
            change = heard[0].job
            assert change is not None and change.seq == _change_seq(db_a, acme.job_id)
            (card,) = change.moves
            assert (card.application_id, card.from_stage, card.to_stage) == (apps[0], "Applied", "Screening")
            assert card.version == moved.version and card.category == "screening"
            assert ("Interview", "forward", "none", False) in card.moves

            await _idle(worker_b, [tab])  # the watch heard it in the same fan-out
            assert tab.st._seq == change.seq
            assert reads.of(tab) == 1  # its first read only: the change was applied
            check_tab(db_b, tab, reads, "after a move on the other worker")
        await tab.stop()
        for listener in worker_b._listeners.values():
            listener.cancel()

    try:
        asyncio.run(scenario())
    finally:
        db_a.dispose()
        db_b.dispose()


def _change_seq(db: Database, job_id: int) -> int:
    with db.session() as s:
        job = s.get(Job, job_id)
        assert job is not None
        return job.change_seq


# --- 5. apply_move's edge cases --------------------------------------------------------------------

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclasses.dataclass
class Row:
    id: int
    moved: str
    stage: str


def _row(app_id: int, minutes: int, stage: str) -> Row:
    return Row(app_id, (T0 + timedelta(minutes=minutes)).isoformat(), stage)


class FakeReader:
    """The column's true order behind what the tab holds, and the reads asked of it."""

    def __init__(self, truth: dict[str, list[Row]] | None = None, stale: bool = False) -> None:
        self.truth, self.stale = truth or {}, stale
        self.asked: list[tuple] = []

    def card(self, application_id: int) -> Row | None:
        self.asked.append(("card", application_id))
        return next((r for rows in self.truth.values() for r in rows if r.id == application_id), None)

    def window(self, stage: str, offset: int, limit: int) -> list[Row] | None:
        self.asked.append(("window", stage, offset, limit))
        return None if self.stale else self.truth.get(stage, [])[offset : offset + limit]


def _moved(old: Row | None, move: CardMove) -> Row | None:
    if old is None or move.to_stage is None:
        return None
    return Row(old.id, move.changed_at, move.to_stage)


def _columns(spec: dict[str, tuple[int, list[Row], int]]) -> dict[str, Held[Row]]:
    return held_columns([(stage, count, rows, limit) for stage, (count, rows, limit) in spec.items()])


def _move(app_id: int, source: str | None, target: str | None, minutes: int) -> CardMove:
    return CardMove(app_id, source, target, (T0 + timedelta(minutes=minutes)).isoformat())


def test_a_card_entering_beyond_the_held_cards_only_counts():
    # B holds its 3 newest cards of 10 (2 shown, 1 spare); the card comes back with an older time.
    cols = _columns(
        {
            "A": (1, [_row(1, 50, "A")], 3),
            "B": (10, [_row(9, 40, "B"), _row(8, 30, "B"), _row(7, 20, "B")], 2),
        }
    )
    reader = FakeReader()
    changed = apply_move(cols, _move(1, "A", "B", 5), _moved, reader, filtered=False)
    assert changed == {"A", "B"}
    assert (
        cols["B"].count == 11
        and [r.id for r in cols["B"].shown] == [9, 8]
        and [r.id for r in cols["B"].spare] == [7]
    )
    assert cols["A"].count == 0 and cols["A"].shown == []
    assert reader.asked == []


def test_an_undo_puts_the_card_back_at_its_old_place():
    cols = _columns(
        {
            "A": (3, [_row(5, 50, "A"), _row(3, 30, "A"), _row(1, 10, "A")], 3),
            "B": (1, [_row(4, 60, "B")], 3),  # card 4 was moved to B at minute 60; it entered A at 40
        }
    )
    reader = FakeReader()
    apply_move(cols, _move(4, "B", "A", 40), _moved, reader, filtered=False)
    assert [r.id for r in cols["A"].shown] == [5, 4, 3] and [r.id for r in cols["A"].spare] == [1]
    assert cols["A"].count == 4 and cols["B"].count == 0 and reader.asked == []
    assert cols["A"].shown[1].moved == (T0 + timedelta(minutes=40)).isoformat()


def test_a_column_out_of_spares_reads_its_next_cards():
    truth = [_row(i, 100 - i, "A") for i in range(1, 9)]  # 8 cards, newest first
    cols = _columns({"A": (8, truth[:2], 2), "B": (0, [], 2)})  # 2 shown, no spare left
    reader = FakeReader({"A": truth[1:]})  # the column as it is after the move
    apply_move(cols, _move(1, "A", "B", 200), _moved, reader, filtered=False)
    assert reader.asked == [("window", "A", 1, 1 + SPARE)]
    assert [r.id for r in cols["A"].shown] == [2, 3] and [r.id for r in cols["A"].spare] == [4, 5, 6, 7, 8]
    assert cols["A"].count == 7 and [r.id for r in cols["B"].shown] == [1]


def test_a_window_read_at_another_change_number_cannot_be_placed():
    truth = [_row(i, 100 - i, "A") for i in range(1, 9)]
    cols = _columns({"A": (8, truth[:2], 2), "B": (0, [], 2)})
    with pytest.raises(CannotPlace):
        apply_move(
            cols, _move(1, "A", "B", 200), _moved, FakeReader({"A": truth}, stale=True), filtered=False
        )


def test_a_change_for_a_column_that_does_not_exist_cannot_be_placed():
    for move in (_move(1, "Gone", "A", 5), _move(1, "A", "Gone", 5)):
        cols = _columns({"A": (1, [_row(1, 1, "A")], 3)})
        with pytest.raises(CannotPlace):
            apply_move(cols, move, _moved, FakeReader(), filtered=False)


def test_with_a_search_a_card_it_does_not_hold_cannot_be_placed():
    cols = _columns({"A": (1, [_row(1, 1, "A")], 3), "B": (0, [], 3)})
    for move in (_move(2, "A", "B", 5), _move(2, None, "B", 5)):
        with pytest.raises(CannotPlace):
            apply_move(cols, move, _moved, FakeReader(), filtered=True)


def test_a_tab_reads_no_column_window_at_a_later_change_number(sqlite_db, reads, monkeypatch):
    """A tab behind by two changes cannot use a column read made at the later number: it gives up
    (nothing changed) and reads the board; with the newest change it applies the window read."""
    db = _live(monkeypatch, sqlite_db.url)
    monkeypatch.setattr(board, "PAGE", 2)
    acme = make_company(db, "Acme")
    apps = [apply(db, make_candidate(db, f"c{i}@example.com", f"Cand {i}"), acme.job_id).id for i in range(9)]
    tab = Tab("recruiter", db, acme.recruiter, acme.job_id)
    tab.call(BoardState.refresh)
    applied = next(c for c in tab.st.columns if c.stage == "Applied")
    assert (applied.count, len(applied.cards), len(tab.st._spare["Applied"])) == (9, 2, SPARE)

    def move_shown() -> JobChange:
        first = next(c for c in tab.st.columns if c.stage == "Applied").cards[0].id
        move_stage(db, acme.recruiter, first, "Screening")
        return db.committed_jobs()[acme.job_id]

    for _ in range(5):  # each takes a spare
        assert tab.st._apply_changes([move_shown()])
        tab.flush()
    assert tab.st._spare["Applied"] == []
    behind = move_shown()  # needs a window read
    later = _later_change(db, acme.recruiter, apps)
    before = (_plain(tab.st.columns), tab.st._seq, tab.st.board_patch.rev)
    assert not tab.st._apply_changes([behind])
    assert (_plain(tab.st.columns), tab.st._seq, tab.st.board_patch.rev) == before  # nothing half-applied
    tab.flush()
    tab.st._refresh()
    tab.flush()
    assert tab.st._seq == later.seq
    assert reads.of(tab) == 2
    check_tab(db, tab, reads, "after the read")


def test_a_wake_that_reads_a_columns_next_cards_reads_the_caller_once(live_db, reads, monkeypatch):
    """The wake's access check reads the caller; the column's next cards it then needs are read as
    that caller, not after a second read of the session. A caller who lost access meanwhile is
    refused by that check and gets nothing."""
    db = live_db
    monkeypatch.setattr(board, "PAGE", 2)
    acme = make_company(db, "Acme")
    for i in range(9):
        apply(db, make_candidate(db, f"c{i}@example.com", f"Cand {i}"), acme.job_id)
    callers: list[str | None] = []
    real = sign_in.principal_from_token
    monkeypatch.setattr(
        sign_in, "principal_from_token", lambda db, token, **k: callers.append(token) or real(db, token, **k)
    )
    mover = _second_recruiter(db, acme.recruiter)

    async def scenario() -> None:
        tab = Tab("viewer", db, acme.recruiter, acme.job_id)
        tab.call(BoardState.refresh)
        tab.start()
        await _idle(db.feed, [tab])
        for wake in range(SPARE + 2):  # the spares run out, then each move reads the next card
            first = next(c for c in tab.st.columns if c.stage == "Applied").cards[0].id
            callers.clear()
            move_stage(db, mover, first, "Screening")
            await _idle(db.feed, [tab])
            assert callers.count(tab.st.token) == 1, (
                f"wake {wake}: the caller read {callers.count(tab.st.token)} times"
            )
            assert first not in [c.id for col in tab.st.columns if col.stage == "Applied" for c in col.cards]
        assert tab.st._spare["Applied"] == [] and reads.of(tab) == 1  # refilled by window reads alone
        check_tab(db, tab, reads, "after the refills")
        await tab.stop()

    asyncio.run(scenario())


def _later_change(db: Database, recruiter: Principal, apps: list[int]) -> JobChange:
    set_tags(db, recruiter, _candidate_of(db, apps[0]), ["later"])
    return db.committed_jobs()[_job_of(db, apps[0])]


def _candidate_of(db: Database, app_id: int) -> int:
    with db.session() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.candidate_id


def _job_of(db: Database, app_id: int) -> int:
    with db.session() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.job_id
