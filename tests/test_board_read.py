"""The board read: one snapshot with the job's change number, the cards of some applications and one
column's window built as the board builds them, a fixed number of statements, the transition table
asked once per kind of card, the tag lookup through the candidate's index, SQLite's statistics."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import event, text

from flowtrack_ui.core import db as db_module
from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.accounts import invitations
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews, scorecards
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.errors import Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.permissions import Principal, Role
from flowtrack_ui.core.pipelines import transitions
from flowtrack_ui.core.pipelines.job_stages import pipeline_of
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.core.talent.tags import set_tags
from flowtrack_ui.core.views import Board, Card

from .conftest import PASSWORD, Company, make_candidate, make_company, principal
from .test_collaboration import interview_fields

QUESTION = {"kind": "yes_no", "prompt": "Can you work in Lisbon?", "required": True}


@dataclass
class Team:
    acme: Company
    globex: Company
    hm2: Principal  # a second hiring manager of Acme, on the interview, without a scorecard of their own
    job_id: int  # Acme's job with a yes/no question
    apps: list[int]  # its applications, newest first
    other_job_app: int  # an application to Acme's other job


def _team(db: Database) -> Team:
    """Acme's job with nine applications over three stages (moved forward, back and rejected and
    reopened), tags, yes/no answers and scorecards; Globex beside it."""
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    job = jobs.create_job(db, acme.recruiter, "Designer", "Draw", "Lisbon", questions=[QUESTION])
    question_id = job.questions[0].id
    apps = []
    for i in range(9):
        who = make_candidate(db, f"c{i}@example.com", f"Cand {i} {'Ann' if i % 2 else 'Bob'}")
        answer = {"question_id": question_id, "answer": i % 3 != 0}
        apps.append(apply(db, who, job.id, answers=[answer]).id)
        if i % 3:
            set_tags(db, acme.recruiter, who.user_id, ["python", "c++", "alpha"][: i % 4 + 1])
    for app in apps[:6]:
        move_stage(db, acme.recruiter, app, "Screening")
    for app in apps[:3]:
        move_stage(db, acme.recruiter, app, "Interview")
    move_stage(db, acme.recruiter, apps[3], "Applied", note="Too early")  # a correction
    move_stage(db, acme.recruiter, apps[4], "Rejected")
    move_stage(db, acme.recruiter, apps[4], "Screening", note="Second look")  # a reopening
    move_stage(db, acme.recruiter, apps[5], "Rejected")
    hm2 = _hiring_manager(db, acme, "hm2@acme.test")
    for app in apps[:2]:
        interview = interviews.schedule(db, acme.recruiter, app, interview_fields(acme.manager, hm2))
        scorecards.submit(db, acme.manager, interview.id, {"recommendation": "yes", "ratings": {}})
    other = jobs.create_job(db, acme.recruiter, "Writer", "Write", "Remote")
    other_app = apply(db, make_candidate(db, "other@example.com", "Otto Other"), other.id).id
    return Team(acme, globex, hm2, job.id, list(reversed(apps)), other_app)


def _hiring_manager(db: Database, company: Company, email: str) -> Principal:
    invitation = invitations.invite_staff(db, company.recruiter, email, Role.HIRING_MANAGER)
    invitations.accept_invitation(db, invitation.token, PASSWORD, "Second Manager")
    return principal(db, email)


@pytest.fixture
def team(any_db) -> Team:
    return _team(any_db)


def _cards_of(board: Board) -> dict[int, Card]:
    return {c.id: c for col in board.columns for c in col.cards}


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


# --- board_cards ---------------------------------------------------------------------------------


def test_board_cards_are_the_boards_own_cards_for_each_reader(any_db, team):
    scorecards_seen = {}
    for who in (team.acme.recruiter, team.acme.manager, team.hm2):
        board = queries.board(any_db, who, team.job_id)
        cards = _cards_of(board)
        assert len(cards) == 9
        found = queries.board_cards(any_db, who, team.job_id, [team.apps[0], team.apps[4], team.apps[8]])
        assert found == {i: cards[i] for i in (team.apps[0], team.apps[4], team.apps[8])}
        assert queries.board_cards(any_db, who, team.job_id, list(cards)) == cards
        scorecards_seen[who.email] = found[team.apps[8]].scorecards
        assert any(c.tags for c in cards.values()) and any(c.knockouts for c in cards.values())
    # Scorecards as each reader may read them: the recruiter all, the author theirs, hm2 (on the
    # interview, nothing submitted yet) none.
    assert scorecards_seen == {"rec@acme.test": "1 × Yes", "hm@acme.test": "1 × Yes", "hm2@acme.test": ""}


def test_board_cards_leave_out_other_jobs_and_companies(any_db, team):
    globex_job = jobs.create_job(any_db, team.globex.recruiter, "Globex role", "x", "Remote")
    globex_app = apply(any_db, make_candidate(any_db, "g@example.com", "Gil Globex"), globex_job.id).id
    found = queries.board_cards(
        any_db, team.acme.recruiter, team.job_id, [team.apps[0], team.other_job_app, globex_app]
    )
    assert list(found) == [team.apps[0]]
    assert queries.board_cards(any_db, team.acme.recruiter, team.job_id, []) == {}
    assert queries.board_cards(any_db, team.acme.recruiter, team.job_id, [10**6]) == {}
    with pytest.raises(NotFound):
        queries.board_cards(any_db, team.globex.recruiter, team.job_id, [team.apps[0]])
    with pytest.raises(NotFound):
        queries.board_cards(any_db, team.acme.manager, globex_job.id, [globex_app])


def test_board_cards_check_the_caller_and_the_ids(db):
    team = _team(db)
    candidate = make_candidate(db, "nosy@example.com", "Nosy Parker")
    with pytest.raises(Forbidden):
        queries.board_cards(db, candidate, team.job_id, [team.apps[0]])
    for bad in ("1,2", [0], ["x"], [True], None, list(range(1, queries.MAX_PER_STAGE + 2))):
        with pytest.raises(InvalidInput):
            queries.board_cards(db, team.acme.recruiter, team.job_id, bad)
    # The same id twice is one card.
    assert list(queries.board_cards(db, team.acme.recruiter, team.job_id, [team.apps[1], team.apps[1]])) == [
        team.apps[1]
    ]


def test_board_cards_with_a_search_hold_only_what_it_matches(db):
    team = _team(db)
    board = queries.board(db, team.acme.recruiter, team.job_id, search="ann")
    matching = _cards_of(board)
    assert 0 < len(matching) < 9
    found = queries.board_cards(db, team.acme.recruiter, team.job_id, team.apps, search="ann")
    assert found == {i: matching[i] for i in team.apps if i in matching}


# --- column_window ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["recruiter", "manager"])
def test_column_windows_page_through_a_column_in_board_order(any_db, team, who):
    reader = getattr(team.acme, who)
    board = queries.board(any_db, reader, team.job_id, per_stage=1000)
    for column in board.columns:
        pages = []
        for offset in range(0, 6, 2):
            seq, cards = queries.column_window(any_db, reader, team.job_id, column.stage, offset, 2)
            assert seq == board.seq
            pages += cards
        assert tuple(pages) == column.cards
        assert queries.column_window(any_db, reader, team.job_id, column.stage, 1, 1)[1] == list(
            column.cards[1:2]
        )
    screening = next(c for c in board.columns if c.stage == "Screening")
    # Stage names are matched as the board's drops are, whatever their case.
    assert queries.column_window(any_db, reader, team.job_id, "screening", 0, 50)[1] == list(screening.cards)


def test_a_column_window_honours_the_search(db):
    team = _team(db)
    board = queries.board(db, team.acme.recruiter, team.job_id, search="bob")
    for column in board.columns:
        _, cards = queries.column_window(
            db, team.acme.recruiter, team.job_id, column.stage, 0, 50, search="bob"
        )
        assert tuple(cards) == column.cards


def test_a_column_window_checks_the_caller_the_stage_and_the_range(db):
    team = _team(db)
    with pytest.raises(NotFound):
        queries.column_window(db, team.globex.recruiter, team.job_id, "Applied", 0, 10)
    with pytest.raises(Forbidden):
        queries.column_window(db, make_candidate(db, "x@example.com", "X"), team.job_id, "Applied", 0, 10)
    with pytest.raises(InvalidInput, match="Applied, Screening"):
        queries.column_window(db, team.acme.recruiter, team.job_id, "Nowhere", 0, 10)
    for offset, limit in ((0, 0), (-1, 5), (0, queries.MAX_PER_STAGE + 1), ("a", 5)):
        with pytest.raises(InvalidInput):
            queries.column_window(db, team.acme.recruiter, team.job_id, "Applied", offset, limit)
    assert queries.column_window(db, team.acme.recruiter, team.job_id, "Applied", 500, 10)[1] == []


def test_a_window_another_board_read_at_the_same_number_costs_no_statement(db):
    """Open boards of a job refill the same column after the same change: the first reads it,
    the others at that number are answered from that read, still checked against their company."""
    team = _team(db)
    seq, first = queries.column_window(db, team.acme.recruiter, team.job_id, "Applied", 1, 3)
    with _statements(db) as seen:
        assert queries.column_window(db, team.acme.recruiter, team.job_id, "Applied", 1, 3, at_seq=seq) == (
            seq,
            first,
        )
    assert seen == []
    with pytest.raises(NotFound):  # the shared read never reaches another company's reader
        queries.column_window(db, team.globex.recruiter, team.job_id, "Applied", 1, 3, at_seq=seq)
    with pytest.raises(Forbidden):
        queries.column_window(
            db, make_candidate(db, "x@example.com", "X"), team.job_id, "Applied", 1, 3, at_seq=seq
        )
    with _statements(db) as seen:  # at another number, or never read: read
        assert (
            queries.column_window(db, team.acme.recruiter, team.job_id, "Applied", 1, 3, at_seq=seq + 1)[0]
            == seq
        )
    assert seen


def test_each_column_shows_its_most_recently_moved_cards_the_newest_first_on_a_tie(any_db, team):
    """Every application moved at the same instant: within a column the newest application comes
    first, and a board of one or two cards per column shows the first of the full columns."""
    with any_db.session(write=True) as s:
        at = s.execute(
            text("SELECT stage_changed_at FROM application WHERE id = :a"), {"a": team.apps[0]}
        ).scalar()
        s.execute(text("UPDATE application SET stage_changed_at = :at"), {"at": at})
    full = queries.board(any_db, team.acme.recruiter, team.job_id, per_stage=1000)
    for column in full.columns:
        assert [c.id for c in column.cards] == sorted((c.id for c in column.cards), reverse=True)
    for per_stage in (1, 2):
        board = queries.board(any_db, team.acme.recruiter, team.job_id, per_stage=per_stage)
        assert [c.count for c in board.columns] == [c.count for c in full.columns]
        assert [col.cards for col in board.columns] == [col.cards[:per_stage] for col in full.columns]


# --- one snapshot, with the job's change number -----------------------------------------------------


def test_the_board_carries_the_jobs_change_number(any_db, team):
    with any_db.session(write=True) as s:
        s.execute(text("UPDATE job SET change_seq = 41 WHERE id = :id"), {"id": team.job_id})
    assert queries.board(any_db, team.acme.recruiter, team.job_id).seq == 41
    assert queries.column_window(any_db, team.acme.manager, team.job_id, "Applied", 0, 5)[0] == 41


def test_a_board_read_is_one_snapshot_while_a_move_commits(any_db, team):
    """A move commits (in another connection) right after the board's first statement: the
    counts, the cards and the change number all show the board before it, never a mix."""
    other = Database(any_db.url)
    mover = team.apps[0]  # in Applied
    before = queries.board(any_db, team.acme.recruiter, team.job_id)
    done = []

    def move_once(conn, cursor, statement, *args):
        if not done:
            done.append(statement)
            move_stage(other, team.acme.recruiter, mover, "Screening")
            with other.session(write=True) as s:
                s.execute(
                    text("UPDATE job SET change_seq = change_seq + 1 WHERE id = :id"), {"id": team.job_id}
                )

    event.listen(any_db.engine, "after_cursor_execute", move_once)
    try:
        during = queries.board(any_db, team.acme.recruiter, team.job_id)
    finally:
        event.remove(any_db.engine, "after_cursor_execute", move_once)
        other.dispose()
    assert "job" in done[0]  # the job's row is the first statement: it fixes the snapshot
    assert during == before
    after = queries.board(any_db, team.acme.recruiter, team.job_id)
    assert after.seq > before.seq
    assert [c.count for c in after.columns][:2] == [before.columns[0].count - 1, before.columns[1].count + 1]


@pytest.mark.postgres
def test_after_a_board_read_the_connection_is_back_to_its_defaults(pg_db):
    team = _team(pg_db)
    queries.board(pg_db, team.acme.recruiter, team.job_id)
    assert pg_db.engine.pool.checkedout() == 0
    with pg_db.engine.connect() as conn:
        assert conn.execute(text("SHOW transaction_isolation")).scalar() == "read committed"
        assert conn.execute(text("SHOW transaction_read_only")).scalar() == "off"
    move_stage(pg_db, team.acme.recruiter, team.apps[0], "Screening")  # writes still work


# --- what a read costs -------------------------------------------------------------------------------


def test_reads_cost_a_fixed_number_of_statements(db):
    team = _team(db)
    recruiter = team.acme.recruiter
    small = jobs.create_job(db, recruiter, "Small", "x", "Remote").id
    apply(db, make_candidate(db, "s@example.com", "Sam Small"), small)
    counts = []
    for job_id in (small, team.job_id):
        with _statements(db) as seen:
            queries.board(db, recruiter, job_id)
        counts.append(len(seen))
    assert counts[0] == counts[1]
    with _statements(db) as one:
        queries.board_cards(db, recruiter, team.job_id, team.apps[:1])
    with _statements(db) as nine:
        queries.board_cards(db, recruiter, team.job_id, team.apps)
    assert len(one) == len(nine) < counts[1]
    with _statements(db) as window:
        queries.column_window(db, recruiter, team.job_id, "Screening", 0, 50)
    assert len(window) == len(nine)


def test_the_transition_table_is_asked_once_per_stage_and_previous_stage(db, monkeypatch):
    team = _team(db)
    asked = []
    real = transitions.allowed_moves

    def counted(pipeline, current, origin=None, *args):
        asked.append((current.id, origin.id if origin else None))
        return real(pipeline, current, origin, *args)

    monkeypatch.setattr(queries, "allowed_moves", counted)
    board = queries.board(db, team.acme.recruiter, team.job_id)
    assert len(asked) == len(set(asked)) < 9
    # Each card offers what the table says for its own stage and the one before it.
    monkeypatch.setattr(queries, "allowed_moves", real)
    with db.session() as s:
        previous = dict(s.execute(text("SELECT id, previous_stage_id FROM application")).all())
        pipeline = pipeline_of(s, team.job_id)
    stages = {st.name: st for st in pipeline.stages}
    for card in _cards_of(board).values():
        moves = real(pipeline, stages[card.stage], pipeline.by_id(previous[card.id]))
        assert card.allowed_next == tuple(m.target.name for m in moves)
        assert [(o.stage, o.kind) for o in card.moves] == [(m.target.name, m.kind.value) for m in moves]


def test_the_tag_lookup_reads_the_candidates_index_without_statistics(db):
    """Ordered by label alone, SQLite without statistics walked every tag of the company through
    the (company_id, label) index; it reads the (company_id, candidate_id, label) index now."""
    team = _team(db)
    with _statements(db) as seen:
        queries.board(db, team.acme.recruiter, team.job_id)
    tag_lookup = next(s for s in seen if "FROM candidate_tag" in s)
    company_id = team.acme.recruiter.company_id
    with db.engine.connect() as conn:
        assert not conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).all()
        args = (company_id, *range(1, tag_lookup.count("?")))
        plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + tag_lookup, args))
    assert "sqlite_autoindex_candidate_tag_1 (company_id=? AND candidate_id=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


# --- SQLite's statistics -----------------------------------------------------------------------------


def test_pooled_sqlite_connections_keep_the_planners_statistics(sqlite_template, tmp_path, monkeypatch):
    path = tmp_path / "stats.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    try:
        team = _team(db)
        before = queries.board(db, team.acme.recruiter, team.job_id)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA analysis_limit").scalar() == db_module.ANALYSIS_LIMIT
            assert not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").all()
        # An hour later (here: at once), a connection put back after its read runs PRAGMA optimize,
        # which analyses the tables the read used.
        monkeypatch.setattr(db_module, "OPTIMIZE_EVERY_SECONDS", 0.0)
        queries.board(db, team.acme.recruiter, team.job_id)
        monkeypatch.setattr(db_module, "OPTIMIZE_EVERY_SECONDS", 3600.0)
        with db.engine.connect() as conn:
            analysed = {r[0] for r in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
        assert {"application", "candidate_tag"} <= analysed
        assert queries.board(db, team.acme.recruiter, team.job_id) == before  # the same with statistics
    finally:
        db.dispose()


def test_a_column_window_is_read_once_per_change_for_readers_who_see_the_same_scorecards(db):
    """Every open board refills the same column after the same change: the first reads it, the next
    reader who may read it (and sees the same scorecards) is only checked; a change reads anew."""
    team = _team(db)
    recruiter, manager = team.acme.recruiter, team.acme.manager
    first = queries.column_window(db, recruiter, team.job_id, "Screening", 0, 2)
    with _statements(db) as shared:
        again = queries.column_window(db, recruiter, team.job_id, "Screening", 0, 2)
    assert again == first and len(shared) == 1  # the caller's check and the change number, nothing more
    # A hiring manager sees scorecards by other rules: read for them.
    with _statements(db) as own:
        theirs = queries.column_window(db, manager, team.job_id, "Screening", 0, 2)
    assert len(own) > 1 and theirs[0] == first[0]
    # Another company's reader is refused, whatever was read before.
    with pytest.raises(NotFound):
        queries.column_window(db, team.globex.recruiter, team.job_id, "Screening", 0, 2)
    # A change: the next window is read at its number.
    moved = queries.board(db, recruiter, team.job_id).columns
    card = next(c for col in moved if col.stage == "Screening" for c in col.cards)
    move_stage(db, recruiter, card.id, "Interview")
    with _statements(db) as fresh:
        seq, cards = queries.column_window(db, recruiter, team.job_id, "Screening", 0, 2)
    assert seq == first[0] + 1 and len(fresh) > 1 and card.id not in [c.id for c in cards]
