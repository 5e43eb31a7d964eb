"""The other live pages take changes, not re-reads: the overview, the list view, the candidate's
tracker and the application page.

The overview applies each move to its job's counts, reads that job's funnel again and moves the
selected job's people the way a board does; after any sequence of moves, undos, withdrawals, new
applications and notes its counts, funnels and people equal a fresh read. The list skips a wake
whose moves leave its page as it is. The tracker and the application page do not read their
own change a second time.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.analytics import report
from flowtrack_ui.core.applications import details, listing
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.applications.listing import ListingQuery
from flowtrack_ui.core.changes import CardMove, JobChange, company_topic
from flowtrack_ui.core.collaboration import activity, interviews, notes, scorecards
from flowtrack_ui.core.errors import DomainError, NotFound
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move, withdraw
from flowtrack_ui.state import application, application_team, live, overview, session, tracker
from flowtrack_ui.state import listing as listing_state
from flowtrack_ui.state.application_team import TeamState
from flowtrack_ui.state.listing import ListState, page_untouched
from flowtrack_ui.state.overview import OverviewState, counts_after
from flowtrack_ui.state.tracker import TrackerState

from .conftest import make_candidate, make_company
from .live_support import Calls, Held, page_tab, settled, until


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    if db.feed.redis_url:
        pytest.skip("signals go through Redis here; the mark covers a process's own signals only")
    for module in (session, overview, listing_state, tracker, application, application_team):
        monkeypatch.setattr(module, "db", lambda: db)
    monkeypatch.setattr(live, "client_connected_here", lambda token, sid=None: True)


# --- the overview -------------------------------------------------------------------------------


def _seen(st: OverviewState) -> tuple:
    """What the overview shows: per job its counts, total and funnel; the people per column."""
    jobs_shown = [
        (r.id, r.total, [(c.stage, c.count) for c in r.counts], [f["value"] for f in r.funnel])
        for r in st.jobs
    ]
    people = [(c.stage, c.count, c.hidden, [(p.id, p.stage) for p in c.cards]) for c in st.people]
    return jobs_shown, st.selected_id, people


def _fresh(db, principal, selected: int) -> tuple:
    st = page_tab(db, OverviewState, principal)
    st.selected_id = selected
    assert st._refresh() is None
    return _seen(st)


def test_counts_after_applies_moves_in_order_and_refuses_what_it_cannot_place():
    from flowtrack_ui.state.board import StageCount

    counts = [StageCount("Applied", "applied", 2), StageCount("Screening", "screening", 0)]
    move = CardMove(1, "Applied", "Screening")
    new = CardMove(2, None, "Applied")
    later, seq = counts_after(counts, [JobChange(5, (new,)), JobChange(4, (move,))], 3)
    assert [c.count for c in later] == [2, 1] and seq == 5
    assert counts_after(counts, [JobChange(3, (move,))], 3) == (counts, 3)  # already read
    assert counts_after(counts, [JobChange(5, (move,))], 3) is None  # a gap
    assert counts_after(counts, [JobChange(4, ())], 3) is None  # says nothing of what moved
    assert counts_after(counts, [JobChange(None, ())], 3) is None
    assert counts_after(counts, [JobChange(4, (CardMove(1, "Applied", "Nowhere"),))], 3) is None
    gone = CardMove(1, "Screening", None)
    assert counts_after(counts, [JobChange(4, (gone,))], 3) is None  # below zero: not what it holds


def test_overview_after_random_changes_equals_a_fresh_read(any_db, monkeypatch):
    """Moves, undos, withdrawals, new applications and notes over two jobs, taken from the feed as
    the watch takes them: the counts, funnels and people always equal a fresh read, and only a
    change that names no move reads the whole overview again."""
    db = any_db
    for module in (session, overview):
        monkeypatch.setattr(module, "db", lambda: db)
    acme = make_company(db, "Acme")
    rng = random.Random(33)
    second = jobs.create_job(db, acme.recruiter, "Acme Designer", "Draw things", "Remote").id
    job_ids = [acme.job_id, second]
    people = [make_candidate(db, f"c{i}@example.com", f"Candidate {i}") for i in range(8)]
    apps: dict[int, tuple[int, object]] = {}  # application id -> (job id, candidate)
    for i, cand in enumerate(people[:6]):
        for job_id in job_ids[: 1 + i % 2]:
            apps[apply(db, cand, job_id).id] = (job_id, cand)
    calls = Calls(
        monkeypatch,
        (queries, "numbered_job_overview"),
        (queries, "numbered_job_summary"),
        (overview, "job_funnel"),
    )
    st = page_tab(db, OverviewState, acme.manager)
    st.selected_id = acme.job_id
    st._refresh()
    waiting = list(people[6:])

    def one_change() -> bool:
        """A random change; True when it names what moved (a move, an undo, a new application)."""
        roll = rng.random()
        if roll < 0.08 and waiting:
            cand = waiting.pop()
            job_id = rng.choice(job_ids)
            apps[apply(db, cand, job_id).id] = (job_id, cand)
            return True
        app_id = rng.choice(sorted(apps))
        job_id, cand = apps[app_id]
        try:
            if roll < 0.16:
                notes.add_note(db, acme.recruiter, app_id, "a word")
                return False
            if roll < 0.30:
                undo_move(db, acme.recruiter, app_id)
                return True
            if roll < 0.36:
                withdraw(db, cand, app_id)
                return True
            card = queries.board_cards(db, acme.recruiter, job_id, [app_id])[app_id]
            if not card.moves:
                return False
            target = rng.choice(card.moves)
            move_stage(
                db, acme.recruiter, app_id, target.stage, reason="A correction" if target.asks else None
            )
            return True
        except DomainError:  # nothing to undo, already final: nothing changed
            return False

    async def scenario():
        async with db.feed.subscribe(company_topic(company_id)) as sub:
            job_reads = 0
            for step in range(120):
                if step == 60:  # the manager looks at the other job
                    st.select(second)
                described = one_change()
                changes, lost = sub.take()
                calls.clear()
                assert st._on_changes(changes, lost) is None
                assert calls["numbered_job_overview"] == 0  # never the whole company's jobs
                if changes and described:
                    assert calls["numbered_job_summary"] == 0  # applied, not read
                    assert calls["job_funnel"] == 1  # that job's funnel, not the company's
                job_reads += calls["numbered_job_summary"]
                assert _seen(st) == _fresh(db, acme.manager, st.selected_id), step
            assert job_reads > 0  # the notes: a change without moves reads its job again
            # A job the overview does not hold yet: the whole overview is read once.
            jobs.create_job(db, acme.recruiter, "Acme Writer", "Write things", "Remote")
            changes, lost = sub.take()
            calls.clear()
            assert st._on_changes(changes, lost) is None
            assert calls["numbered_job_overview"] == 1
            assert _seen(st) == _fresh(db, acme.manager, st.selected_id)

    company_id = _company_of(db, acme.job_id)
    asyncio.run(scenario())


def _company_of(db, job_id: int) -> int:
    from flowtrack_ui.core.models import Job

    with db.session() as s:
        return s.get(Job, job_id).company_id


def test_overview_gap_reads_once_and_its_watch_applies_moves(db, acme, globex, candidate, monkeypatch):
    app_id = apply(db, candidate, acme.job_id).id
    calls = Calls(
        monkeypatch,
        (queries, "numbered_job_overview"),
        (queries, "numbered_job_summary"),
        (queries, "board"),
    )
    st = page_tab(db, OverviewState, acme.manager)
    other = page_tab(db, OverviewState, globex.manager)
    OverviewState.load.fn(st)
    OverviewState.load.fn(other)
    foreign_before = _seen(other)

    async def scenario():
        # Another company's overview (one live task per tab: it runs first, alone) hears nothing.
        foreign = asyncio.create_task(OverviewState.watch.fn(Held(other)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            calls.clear()
            move_stage(db, acme.recruiter, app_id, "Screening")
            await settled()
            assert calls.counts == {} and _seen(other) == foreign_before
        finally:
            foreign.cancel()
            await asyncio.gather(foreign, return_exceptions=True)
        assert st._on_changes([], True) is None  # lost track meanwhile: one read
        watch = asyncio.create_task(OverviewState.watch.fn(Held(st)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            calls.clear()
            move_stage(db, acme.recruiter, app_id, "Interview")
            assert await until(lambda: st.jobs[0].counts[2].count == 1)
            await settled()
            assert calls.counts == {}  # no overview read, no board read
            assert st.people[2].cards[0].id == app_id and st.people[1].count == 0

            # A change this tab never heard (a gap): the next one reads that job once (its row, and
            # its people, as it is the selected one).
            st._seqs = {job: seq - 1 for job, seq in st._seqs.items()}
            move_stage(db, acme.recruiter, app_id, "Offer")
            assert await until(lambda: calls["numbered_job_summary"] == 1)
            await settled()
            assert calls.counts == {"numbered_job_summary": 1, "board": 1}
            assert _seen(st) == _fresh(db, acme.manager, acme.job_id)
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(scenario())


# --- the list view ------------------------------------------------------------------------------


def test_page_untouched_decides_only_what_a_move_cannot_change():
    plain = ListingQuery()
    staged = ListingQuery(stage="screening")
    by_days = ListingQuery(sort="days")
    move = JobChange(7, (CardMove(5, "Applied", "Screening"),))
    assert page_untouched(move, {1, 2}, plain)  # off the page, no filter on stages
    assert not page_untouched(move, {5}, plain)  # a row on screen changes
    assert not page_untouched(move, {1}, staged)  # enters the filtered list
    assert page_untouched(JobChange(7, (CardMove(5, "Offer", "Hired"),)), {1}, staged)
    assert not page_untouched(move, {1}, by_days)  # its place in the order changes
    assert not page_untouched(JobChange(7, (CardMove(5, None, "Applied"),)), {1}, plain)  # new
    assert not page_untouched(JobChange(7, ()), {1}, plain)  # says nothing of what moved
    assert not page_untouched(None, {1}, plain)


def test_list_skips_moves_off_its_page_and_reads_once_for_the_others(db, acme, monkeypatch):
    cands = [make_candidate(db, f"l{i}@example.com", f"Lister {i}") for i in range(4)]
    ids = [apply(db, c, acme.job_id).id for c in cands]
    calls = Calls(monkeypatch, (listing, "list_applications"))
    st = page_tab(db, ListState, acme.recruiter)
    st.job_id = acme.job_id
    st._read(ListingQuery(per_page=25, stage="Offer"))  # an empty page: only offers

    async def scenario():
        watch = asyncio.create_task(ListState.watch.fn(Held(st)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            calls.clear()
            move_stage(db, acme.recruiter, ids[0], "Screening")  # not into Offer: skipped
            await settled()
            assert calls["list_applications"] == 0
            notes.add_note(db, acme.recruiter, ids[0], "x")  # says nothing of what moved: read
            assert await until(lambda: calls["list_applications"] == 1)
            move_stage(db, acme.recruiter, ids[0], "Interview")
            move_stage(db, acme.recruiter, ids[0], "Offer")  # into the list: read
            assert await until(lambda: [r.id for r in st.rows] == [ids[0]])
            await settled()
            assert st.total == 1
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(scenario())


# --- the tracker and the application page -------------------------------------------------------


def test_tracker_reads_a_recruiters_move_and_not_its_own_withdrawal_twice(db, acme, candidate, monkeypatch):
    app_id = apply(db, candidate, acme.job_id).id
    calls = Calls(monkeypatch, (queries, "my_applications"))
    st = page_tab(db, TrackerState, candidate)
    TrackerState.load.fn(st)

    async def scenario():
        watch = asyncio.create_task(TrackerState.watch.fn(Held(st)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            calls.clear()
            move_stage(db, acme.recruiter, app_id, "Screening")
            assert await until(lambda: calls["my_applications"] == 1)
            await settled()
            # Within the undo window the candidate does not see the move yet (the core's rule).
            assert st.applications[0].category == "applied"
            calls.clear()
            TrackerState.withdraw.fn(st, app_id)
            assert calls["my_applications"] == 1  # the handler's read...
            await settled()
            assert calls["my_applications"] == 1  # ...and no second one on its own change
            assert st.applications[0].category == "withdrawn"
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(scenario())


def test_application_page_follows_a_colleagues_move_and_reads_its_own_note_once(
    db, acme, candidate, monkeypatch
):
    app_id = apply(db, candidate, acme.job_id).id
    calls = Calls(
        monkeypatch,
        (activity, "feed"),
        (details, "application_detail"),
        (details, "application_stage"),
        (interviews, "for_application"),
        (scorecards, "for_application"),
    )
    st = page_tab(db, TeamState, acme.recruiter)
    st.app_id, st.stage = app_id, "Applied"
    TeamState.load_team.fn(st)

    async def scenario():
        watch = asyncio.create_task(TeamState.watch.fn(Held(st)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            calls.clear()
            move_stage(db, acme.recruiter, app_id, "Screening")
            assert await until(lambda: st.stage == "Screening")
            await settled()
            assert calls.counts == {"feed": 1}  # the stage from the move, the feed alone read
            calls.clear()
            notes.add_note(db, acme.manager, app_id, "From a colleague")  # no move: the rest too
            assert await until(lambda: any(row.body == "From a colleague" for row in st.feed))
            await settled()
            assert calls.counts == {"feed": 1, "application_stage": 1, "for_application": 2}
            assert any("Applied → Screening" in row.title for row in st.feed)
            calls.clear()
            st.note_draft = "From this page"
            TeamState.add_note.fn(st)
            await settled()
            assert calls["feed"] == 1  # the handler's read; its watch skips its own note
            assert any(row.body == "From this page" for row in st.feed)
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(scenario())


def test_application_stage_is_read_under_the_application_check(db, acme, globex, candidate):
    app_id = apply(db, candidate, acme.job_id).id
    assert details.application_stage(db, acme.manager, app_id) == "Applied"
    assert details.application_stage(db, candidate, app_id) == "Applied"
    for outsider in (globex.recruiter, make_candidate(db, "other@example.com", "Other")):
        with pytest.raises(NotFound):
            details.application_stage(db, outsider, app_id)


def test_job_funnel_is_the_overviews_funnel_of_one_job(db, acme, globex, candidate):
    app_id = apply(db, candidate, acme.job_id).id
    move_stage(db, acme.recruiter, app_id, "Screening")
    everything = report.funnels_by_job(db, acme.manager)
    assert report.job_funnel(db, acme.manager, acme.job_id) == everything[acme.job_id] == [1, 1, 0, 0, 0]
    assert report.job_funnel(db, globex.manager, acme.job_id) == [0, 0, 0, 0, 0]  # not theirs


def test_numbered_overview_and_job_summary_carry_each_jobs_change_number(any_db):
    db = any_db
    acme, candidate = make_company(db, "Acme"), make_candidate(db)
    app_id = apply(db, candidate, acme.job_id).id
    summaries, seqs = queries.numbered_job_overview(db, acme.manager)
    assert summaries == queries.job_overview(db, acme.manager)
    move_stage(db, acme.recruiter, app_id, "Screening")
    again, later = queries.numbered_job_overview(db, acme.manager)
    assert later[acme.job_id] == seqs[acme.job_id] + 1
    assert queries.numbered_job_summary(db, acme.manager, acme.job_id) == (again[0], later[acme.job_id])
    globex = make_company(db, "Globex")
    with pytest.raises(NotFound):
        queries.numbered_job_summary(db, globex.manager, acme.job_id)
