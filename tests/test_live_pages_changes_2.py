"""My work, the conversation and the offer section take changes, not re-reads.

My work applies a wake of stage moves to its overdue list alone, re-checking only the moved cards
(``work.overdue_among``); a full list reads the overdue list again when a card leaves it; any other
change reads every list. The conversation reads only its emails after a move; the offer section
skips moves. None of them reads its own change a second time. After any sequence of moves, undos,
withdrawals, new applications, notes and emails, each equals a fresh read.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from flowtrack_ui.core import jobs, queries, work
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.changes import application_topic, company_topic
from flowtrack_ui.core.collaboration import notes
from flowtrack_ui.core.errors import DomainError, Forbidden, NotFound
from flowtrack_ui.core.mail import conversation as conv
from flowtrack_ui.core.offers import workflow
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move, withdraw
from flowtrack_ui.state import conversation, live, offers, session
from flowtrack_ui.state import work as work_state
from flowtrack_ui.state.conversation import ConversationState
from flowtrack_ui.state.offers import OfferState
from flowtrack_ui.state.work import WorkState

from .conftest import make_candidate, make_company
from .live_support import Calls, Held, page_tab, settled, until


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    if db.feed.redis_url:
        pytest.skip("signals go through Redis here; the mark covers a process's own signals only")
    for module in (session, work_state, conversation, offers):
        monkeypatch.setattr(module, "db", lambda: db)
    monkeypatch.setattr(live, "client_connected_here", lambda token, sid=None: True)


def _company_of(db, job_id: int) -> int:
    from flowtrack_ui.core.models import Job

    with db.session() as s:
        return s.get(Job, job_id).company_id


def _age(db, app_ids: list[int], days_ago: dict[int, float]) -> None:
    """Some cards have waited long in their stage (as if they applied weeks ago): an undo that
    puts one back brings that waiting time back too."""
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        for app_id in app_ids:
            at = {"t": now - timedelta(days=days_ago[app_id]), "id": app_id}
            s.execute(
                text("UPDATE application SET stage_changed_at = :t, created_at = :t WHERE id = :id"), at
            )
            s.execute(text("UPDATE application_history SET changed_at = :t WHERE application_id = :id"), at)


def _targets(db, job_ids: list[int]) -> None:
    """Every open stage of these jobs has a target of a few days."""
    with db.session(write=True) as s:
        for i, job_id in enumerate(job_ids):
            s.execute(
                text(
                    "UPDATE job_stage SET target_days = :d WHERE job_id = :j "
                    "AND category NOT IN ('hired', 'rejected', 'withdrawn')"
                ),
                {"d": 3 + i, "j": job_id},
            )


# --- My work ------------------------------------------------------------------------------------


def _work_seen(st: WorkState) -> tuple:
    """What My work shows, without the words that depend on the second it was read at."""
    return (
        [(i.interview_id, i.today, i.role) for i in st.interviews],
        [s.interview_id for s in st.scorecards],
        [(m.note_id, m.excerpt) for m in st.mentions],
        [r.inbound_id for r in st.replies],
        [u.inbound_id for u in st.unmatched],
        [(o.application_id, o.candidate, o.job, o.stage, o.waiting, o.board_href) for o in st.overdue],
        [o.offer_id for o in st.offers],
    )


def _work_fresh(db, principal) -> tuple:
    st = page_tab(db, WorkState, principal)
    assert st._refresh() is None
    return _work_seen(st)


@pytest.mark.parametrize("full_at", [3, work.MAX_ROWS])
def test_my_work_after_random_changes_equals_a_fresh_read(any_db, monkeypatch, full_at):
    """Moves (undos bring a card's old waiting time back), withdrawals, new applications and notes
    over two jobs, taken from the feed as the watch takes them: My work always equals a fresh read;
    a described move reads no list but the moved cards' overdue place. With a list of 3 rows, the
    overdue list is full and a card leaving it reads that list again (and only it)."""
    db = any_db
    for module in (session, work_state):
        monkeypatch.setattr(module, "db", lambda: db)
    monkeypatch.setattr(work, "MAX_ROWS", full_at)
    acme = make_company(db, "Acme")
    rng = random.Random(33 + full_at)
    second = jobs.create_job(db, acme.recruiter, "Acme Designer", "Draw things", "Remote").id
    job_ids = [acme.job_id, second]
    _targets(db, job_ids)
    people = [make_candidate(db, f"c{i}@example.com", f"Candidate {i}") for i in range(10)]
    apps: dict[int, tuple[int, object]] = {}
    for i, cand in enumerate(people[:8]):
        for job_id in job_ids[: 1 + i % 2]:
            apps[apply(db, cand, job_id).id] = (job_id, cand)
    days = {app_id: 0.5 + rng.randrange(0, 12) + 0.25 * (i % 3) for i, app_id in enumerate(sorted(apps))}
    _age(db, sorted(apps), days)
    handle = next(
        c.handle for c in notes.company_colleagues(db, acme.manager) if c.user_id == acme.recruiter.user_id
    )
    calls = Calls(monkeypatch, (work, "my_work"), (work, "overdue_among"), (work, "overdue"))
    st = page_tab(db, WorkState, acme.recruiter)
    assert st._refresh() is None
    assert st.overdue, "some cards wait past their target"
    waiting = list(people[8:])

    def one_change() -> bool:
        """A random change; True when it names what moved (a move, an undo, a new application)."""
        roll = rng.random()
        if roll < 0.06 and waiting:
            cand = waiting.pop()
            job_id = rng.choice(job_ids)
            apps[apply(db, cand, job_id).id] = (job_id, cand)
            return True
        app_id = rng.choice(sorted(apps))
        job_id, cand = apps[app_id]
        try:
            if roll < 0.16:
                notes.add_note(db, acme.manager, app_id, f"@{handle} a word" if roll < 0.11 else "a word")
                return False
            if roll < 0.40:
                undo_move(db, acme.recruiter, app_id)
                return True
            if roll < 0.45:
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
            full_reads = list_reads = 0
            for step in range(120):
                described = one_change()
                changes, lost = sub.take()
                calls.clear()
                assert st._on_changes(changes, lost) is None
                if changes and described:
                    assert calls["my_work"] == 0, step  # the other lists are not read again
                    assert calls["overdue_among"] <= 1, step
                full_reads += calls["my_work"]
                list_reads += calls["overdue"]
                assert _work_seen(st) == _work_fresh(db, acme.recruiter), step
            assert full_reads > 0  # the notes
            if full_at == 3:
                assert list_reads > 0  # a card left the full overdue list

    company_id = _company_of(db, acme.job_id)
    asyncio.run(scenario())


def test_my_work_watch_reads_the_moved_card_only_and_hears_nothing_of_another_company(
    db, acme, globex, candidate, monkeypatch
):
    _targets(db, [acme.job_id])
    app_id = apply(db, candidate, acme.job_id).id
    other = apply(db, candidate, globex.job_id).id
    _age(db, [app_id], {app_id: 10})
    calls = Calls(monkeypatch, (work, "my_work"), (work, "overdue_among"))
    st = page_tab(db, WorkState, acme.recruiter)
    WorkState.load.fn(st)
    assert [o.application_id for o in st.overdue] == [app_id]

    async def scenario():
        watch = asyncio.create_task(WorkState.watch.fn(Held(st)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            calls.clear()
            move_stage(db, acme.recruiter, app_id, "Screening")  # a move: no longer waiting
            assert await until(lambda: not st.overdue)
            await settled()
            assert calls.counts == {"overdue_among": 1}
            calls.clear()
            undo_move(db, acme.recruiter, app_id)  # its old waiting time is back
            assert await until(lambda: [o.application_id for o in st.overdue] == [app_id])
            await settled()
            assert calls.counts == {"overdue_among": 1}
            calls.clear()
            move_stage(db, globex.recruiter, other, "Screening")  # another company: not heard
            notes.add_note(db, globex.recruiter, other, "elsewhere")
            await settled()
            assert calls.counts == {}
            notes.add_note(db, acme.manager, app_id, "a note")  # not a move: the lists are read
            assert await until(lambda: calls["my_work"] == 1)
            await settled()
            assert calls.counts == {"my_work": 1}
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(scenario())


def test_overdue_among_is_the_overdue_rule_for_the_callers_company_only(db, acme, globex, candidate):
    _targets(db, [acme.job_id, globex.job_id])
    mine = apply(db, candidate, acme.job_id).id
    fresh = apply(db, make_candidate(db, "b@example.com", "Bea"), acme.job_id).id
    theirs = apply(db, candidate, globex.job_id).id
    _age(db, [mine, fresh, theirs], {mine: 9, fresh: 1, theirs: 9})
    found = work.overdue_among(db, acme.recruiter, [mine, fresh, theirs, 10_000])
    assert [o.application_id for o in found] == [mine]
    assert found == tuple(o for o in work.overdue(db, acme.recruiter) if o.application_id == mine)
    assert found[0].since is not None and found[0].days_in_stage == 9
    assert work.overdue_among(db, acme.recruiter, []) == ()
    assert [o.application_id for o in work.overdue_among(db, globex.manager, [mine, theirs])] == [theirs]
    with pytest.raises(Forbidden):
        work.overdue_among(db, candidate, [mine])


# --- the conversation ---------------------------------------------------------------------------


def _thread_seen(st: ConversationState) -> tuple:
    return (
        [(r.kind, r.id, r.state, r.subject, r.body, r.held_until, r.unread, r.can_cancel) for r in st.thread],
        st.unread_count,
        st.can_write,
    )


def _thread_fresh(db, principal, app_id: int) -> tuple:
    st = page_tab(db, ConversationState, principal)
    st.app_id = app_id
    assert st._read_thread(mark=False) is None
    return _thread_seen(st)


def test_conversation_after_random_changes_equals_a_fresh_read(any_db, monkeypatch):
    """Moves (some writing to the candidate), undos (cancelling what the move wrote), notes and
    emails on one application, taken from its topic as the watch takes them: the thread always
    equals a fresh read, and a wake of moves reads the emails alone."""
    db = any_db
    for module in (session, conversation):
        monkeypatch.setattr(module, "db", lambda: db)
    acme = make_company(db, "Acme")
    cand = make_candidate(db, "c@example.com", "Casey")
    app_id = apply(db, cand, acme.job_id).id
    with db.session(write=True) as s:  # every stage writes to the candidate when a card enters it
        s.execute(text("UPDATE job_stage SET notify = :on WHERE job_id = :j"), {"on": True, "j": acme.job_id})
    rng = random.Random(34)
    calls = Calls(monkeypatch, (conv, "conversation"), (conv, "conversation_emails"))
    st = page_tab(db, ConversationState, acme.recruiter)
    st.app_id = app_id
    assert st._read_thread(mark=True) is None

    def one_change() -> bool:
        """A random change; True when it is a move of this application."""
        roll = rng.random()
        try:
            if roll < 0.15:
                notes.add_note(db, acme.manager, app_id, "a word")
                return False
            if roll < 0.25:
                later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
                conv.compose(db, acme.recruiter, app_id, {"subject": "S", "body": "B", "send_at": later})
                return False
            if roll < 0.50:
                undo_move(db, acme.recruiter, app_id)
                return True
            card = queries.board_cards(db, acme.recruiter, acme.job_id, [app_id])[app_id]
            if not card.moves:
                return False
            target = rng.choice(card.moves)
            move_stage(
                db, acme.recruiter, app_id, target.stage, reason="A correction" if target.asks else None
            )
            return True
        except DomainError:
            return False

    async def scenario():
        async with db.feed.subscribe(application_topic(app_id)) as sub:
            email_reads = email_moves = 0
            for step in range(80):
                moved = one_change()
                changes, lost = sub.take()
                calls.clear()
                before = [(r.id, r.state) for r in st.thread if r.kind == "email"]
                assert st._thread_changes(changes, lost) is None
                if changes and moved:
                    assert calls.counts == {"conversation_emails": 1}, step
                    email_moves += before != [(r.id, r.state) for r in st.thread if r.kind == "email"]
                email_reads += calls["conversation_emails"]
                assert _thread_seen(st) == _thread_fresh(db, acme.recruiter, app_id), step
            assert email_reads > 0
            assert email_moves > 0  # a move wrote to the candidate, or its undo cancelled that

    asyncio.run(scenario())


def test_conversation_watch_reads_emails_on_a_move_and_not_its_own_email_twice(
    db, acme, candidate, monkeypatch
):
    app_id = apply(db, candidate, acme.job_id).id
    calls = Calls(monkeypatch, (conv, "conversation"), (conv, "conversation_emails"))
    st = page_tab(db, ConversationState, acme.recruiter)
    st.app_id = app_id
    ConversationState.load_conversation.fn(st)

    async def scenario():
        lock = asyncio.Lock()
        watch = asyncio.create_task(ConversationState.watch_conversation.fn(Held(st, lock)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            calls.clear()
            move_stage(db, acme.recruiter, app_id, "Screening")
            assert await until(lambda: calls["conversation_emails"] == 1)
            await settled()
            assert calls.counts == {"conversation_emails": 1}
            calls.clear()
            notes.add_note(db, acme.manager, app_id, "From a colleague")
            assert await until(lambda: any(r.body == "From a colleague" for r in st.thread))
            await settled()
            assert calls.counts == {"conversation": 1}
            calls.clear()
            st.draft_subject, st.draft_body, st.template_value = "Hello", "Dear Casey", "blank"

            async with lock:  # the handler holds the tab's state while it runs
                answers = [x async for x in ConversationState.send.fn(st, {})]
            assert answers  # its toast
            await settled()
            # compose's answer and the handler's read; the watch does not read its echo again
            assert calls.counts == {"conversation": 2}
            assert any(r.subject == "Hello" for r in st.thread)
            assert _thread_seen(st) == _thread_fresh(db, acme.recruiter, app_id)
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(scenario())


def test_conversation_emails_are_the_threads_emails_under_its_checks(db, acme, globex, candidate):
    app_id = apply(db, candidate, acme.job_id).id
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    conv.compose(db, acme.recruiter, app_id, {"subject": "Later", "body": "B", "send_at": later})
    conv.compose(db, acme.recruiter, app_id, {"subject": "Now", "body": "B", "send_at": None})
    notes.add_note(db, acme.manager, app_id, "a note")
    for reader in (acme.recruiter, acme.manager):
        whole = conv.conversation(db, reader, app_id)
        assert conv.conversation_emails(db, reader, app_id) == [i for i in whole if i.kind == "email"]
    with pytest.raises(NotFound):
        conv.conversation_emails(db, globex.recruiter, app_id)
    with pytest.raises(DomainError):
        conv.conversation_emails(db, candidate, app_id)


# --- the offer section --------------------------------------------------------------------------


def _offer_form() -> dict:
    today = datetime.now(UTC).date()
    return {
        "template_id": "0",
        "job_title": "Acme Engineer",
        "salary": "50000",
        "currency": "EUR",
        "salary_period": "year",
        "start_date": str(today + timedelta(days=30)),
        "expires_on": str(today + timedelta(days=5)),
        "signer_name": "Rita",
    }


def _offers_seen(st: OfferState) -> tuple:
    return (
        st.offer_id,
        st.offer_status,
        [(a.name, a.decision, a.turn) for a in st.approvals],
        [v.label for v in st.versions],
        st.my_turn,
    )


def test_offer_section_skips_moves_and_its_own_step(db, acme, candidate, monkeypatch):
    app_id = apply(db, candidate, acme.job_id).id
    workflow.create_offer(
        db, acme.recruiter, app_id, _offer_form() | {"approver_ids": [acme.manager.user_id]}
    )
    calls = Calls(monkeypatch, (workflow, "offers_for_application"))
    st = page_tab(db, OfferState, acme.recruiter)
    st.app_id = app_id
    OfferState.load_offers.fn(st)
    assert st.offer_status == "draft"

    async def scenario():
        watch = asyncio.create_task(OfferState.watch_offers.fn(Held(st)))
        try:
            assert await until(lambda: db.feed.subscriber_count() == 1)
            calls.clear()
            move_stage(db, acme.recruiter, app_id, "Screening")  # a move: the offers stay as read
            undo_move(db, acme.recruiter, app_id)
            await settled()
            assert calls.counts == {}
            OfferState.submit_offer.fn(st)  # its own step: the handler reads, the watch does not
            await settled()
            assert calls.counts == {"offers_for_application": 1}
            assert st.offer_status == "pending_approval"
            calls.clear()
            workflow.approve_offer(db, acme.manager, st.offer_id, "Fine")  # a colleague's step
            assert await until(lambda: st.offer_status == "approved")
            await settled()
            assert calls.counts == {"offers_for_application": 1}
            fresh = page_tab(db, OfferState, acme.recruiter)
            fresh.app_id = app_id
            fresh._read_offers()
            assert _offers_seen(st) == _offers_seen(fresh)
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(scenario())


def test_my_work_reads_again_when_an_interview_ends_or_the_day_turns(db, acme, candidate):
    """A move no longer reads every list, so the lists that change by the clock alone say when:
    the end of an interview the caller interviews in (its scorecard falls due), else midnight in
    the caller's zone."""
    app_id = apply(db, candidate, acme.job_id).id
    now = datetime(2030, 3, 4, 9, 30, tzinfo=UTC)

    def interview(hour: int, interviewing: bool) -> work.WorkInterview:
        at = datetime(2030, 3, 4, hour, 0, tzinfo=UTC)
        return work.WorkInterview(1, app_id, "Job", "Casey", at, 45, "", "", "", True, interviewing)

    def mine(zone: str, *found: work.WorkInterview) -> work.Work:
        return work.Work(zone, tuple(found), (), (), ())

    assert work.next_clock_change(mine("UTC"), now) == datetime(2030, 3, 5, tzinfo=UTC)
    assert work.next_clock_change(mine("Asia/Tokyo"), now) == datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
    ends_at_noon = mine("UTC", interview(11, True), interview(10, False), interview(8, True))
    assert work.next_clock_change(ends_at_noon, now) == datetime(2030, 3, 4, 11, 45, tzinfo=UTC)
    st = page_tab(db, WorkState, acme.recruiter)
    assert st._refresh() is None
    assert st._wake_at is not None and st._wake_at > datetime.now(UTC)
