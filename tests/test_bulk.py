"""Bulk actions in the core: each card through its own use case, failures named, one undo per batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from flowtrack_ui.core import queries
from flowtrack_ui.core.accounts import invitations
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.bulk.actions import BULK_ACTIONS, MAX_BULK, RUNNING_HOLD, run_bulk, undo_batch
from flowtrack_ui.core.changes import ChangeFeed, application_topic, candidate_topic, company_topic, job_topic
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.jobs import create_job, set_job_status
from flowtrack_ui.core.models import Application, ApplicationHistory, BulkBatch, OutboxEmail
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.pipelines import moves
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move
from flowtrack_ui.core.privacy.erase import erase_candidate
from flowtrack_ui.core.talent.tags import set_tags, tags_by_candidate

from .conftest import PASSWORD, every_stage_emails, make_candidate, make_company, principal
from .test_history import assert_chain


def _applicants(db, job_id: int, n: int, prefix: str = "c") -> list[int]:
    """n candidates (named "Cand 0"...) who applied to the job; their application ids."""
    ids = []
    for i in range(n):
        cand = make_candidate(db, f"{prefix}{i}@example.com", f"Cand {prefix}{i}")
        ids.append(apply(db, cand, job_id).id)
    return ids


def _batch_rows(db, batch_id: int) -> list[ApplicationHistory]:
    with db.session() as s:
        return list(
            s.exec(
                select(ApplicationHistory)
                .where(ApplicationHistory.batch_id == batch_id)
                .order_by(ApplicationHistory.id)
            ).all()
        )


def _emails_of(db, history_ids: list[int]) -> list[OutboxEmail]:
    with db.session() as s:
        return list(
            s.exec(
                select(OutboxEmail).where(OutboxEmail.history_id.in_(history_ids)).order_by(OutboxEmail.id)
            ).all()
        )


def _batch(db, batch_id: int) -> BulkBatch:
    with db.session() as s:
        return s.get(BulkBatch, batch_id)


def _stage(db, app_id: int) -> str:
    return assert_chain(db, app_id)[-1].new_stage


def _age_batch(db, batch_id: int, seconds: int) -> None:
    """Make the batch (and its moves) look ``seconds`` older, as if time had passed."""
    with db.session(write=True) as s:
        batch = s.get(BulkBatch, batch_id)
        batch.finished_at = batch.finished_at - timedelta(seconds=seconds)
        s.add(batch)


def test_bulk_reject_one_row_per_card_held_emails_and_one_undo(any_db):
    db = any_db
    acme = make_company(db, "Acme")
    ids = _applicants(db, acme.job_id, 4)
    before = datetime.now(UTC)
    result = run_bulk(db, acme.recruiter, "reject", ids, reason="Position filled", note="Role closed early")
    assert result.action == "reject" and result.succeeded == tuple(ids) and result.failed == ()
    assert result.batch_id is not None and result.undo_seconds == moves.UNDO_SECONDS
    rows = _batch_rows(db, result.batch_id)
    assert sorted(r.application_id for r in rows) == sorted(ids)  # one history row per card
    for r in rows:
        assert (r.kind, r.new_stage, r.reason, r.note) == (
            "reject",
            "Rejected",
            "Position filled",
            "Role closed early",
        )
        assert r.changed_by_id == acme.recruiter.user_id
    for app_id in ids:
        assert _stage(db, app_id) == "Rejected"
    batch = _batch(db, result.batch_id)
    assert (batch.action, batch.size, batch.created_by_id) == ("reject", 4, acme.recruiter.user_id)
    assert batch.finished_at >= before
    # Each candidate's rejection email is held until the undo window after the batch's end is over.
    emails = _emails_of(db, [r.id for r in rows])
    assert len(emails) == 4 and {e.kind for e in emails} == {"application_rejected"}
    for e in emails:
        assert e.next_attempt_at == batch.finished_at + moves.EMAIL_HOLD
        assert e.sent_at is None and e.cancelled_at is None

    undone = undo_batch(db, acme.recruiter, result.batch_id)
    assert undone.succeeded == tuple(ids) and undone.failed == () and undone.undo_seconds == 0
    for app_id in ids:
        chain = assert_chain(db, app_id)
        assert [r.kind for r in chain] == ["applied", "reject", "undo"]
        assert chain[-1].new_stage == "Applied" and chain[-1].reverts_id == chain[1].id
    assert all(e.cancelled_at is not None and e.sent_at is None for e in _emails_of(db, [r.id for r in rows]))
    assert _batch(db, result.batch_id).undone_at is not None
    with pytest.raises(Conflict, match="already been undone"):
        undo_batch(db, acme.recruiter, result.batch_id)


def test_bulk_move_lists_refusals_by_name_and_keeps_the_rest(any_db):
    db = any_db
    acme = make_company(db, "Acme")
    ids = _applicants(db, acme.job_id, 5)
    for app_id in ids[:3]:
        move_stage(db, acme.recruiter, app_id, "Screening")
        move_stage(db, acme.recruiter, app_id, "Interview")
        move_stage(db, acme.recruiter, app_id, "Offer")
    # Offer → Hired is forward; Applied → Hired is refused by the transition table.
    result = run_bulk(db, acme.recruiter, "move", ids, target_stage="Hired")
    assert result.succeeded == tuple(ids[:3])
    assert [(f.application_id, f.name) for f in result.failed] == [(ids[3], "Cand c3"), (ids[4], "Cand c4")]
    assert all("Cannot move from Applied to Hired" in f.detail for f in result.failed)
    assert [_stage(db, i) for i in ids] == ["Hired"] * 3 + ["Applied"] * 2
    assert len(_batch_rows(db, result.batch_id)) == 3


def test_a_move_back_takes_the_note_as_its_reason(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    for app_id in ids:
        move_stage(db, acme.recruiter, app_id, "Screening")
    refused = run_bulk(db, acme.recruiter, "move", ids, target_stage="Applied")
    assert refused.batch_id is None and refused.succeeded == () and refused.undo_seconds == 0
    assert all("needs a reason" in f.detail for f in refused.failed)
    with db.session() as s:
        assert s.exec(select(BulkBatch)).all() == []  # a batch that changed nothing is not kept
    moved = run_bulk(db, acme.recruiter, "move", ids, target_stage="applied", note="Screened by mistake")
    assert moved.succeeded == tuple(ids)
    rows = _batch_rows(db, moved.batch_id)
    assert [(r.kind, r.note) for r in rows] == [("back", "Screened by mistake")] * 2


def test_another_companys_ids_fail_as_not_found_without_a_name(db, acme, globex):
    mine = _applicants(db, acme.job_id, 1, "a")
    theirs = _applicants(db, globex.job_id, 1, "g")
    result = run_bulk(db, acme.recruiter, "reject", mine + theirs + [999_999])
    assert result.succeeded == tuple(mine)
    assert [(f.application_id, f.name, f.detail) for f in result.failed] == [
        (theirs[0], f"Application {theirs[0]}", "Application not found."),
        (999_999, "Application 999999", "Application not found."),
    ]
    assert _stage(db, theirs[0]) == "Applied"
    # Only another company's ids: nothing done, no batch.
    only_theirs = run_bulk(db, acme.recruiter, "move", theirs, target_stage="Screening")
    assert only_theirs.batch_id is None and len(only_theirs.failed) == 1
    assert _stage(db, theirs[0]) == "Applied"


def test_duplicate_ids_are_acted_on_once(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    result = run_bulk(
        db, acme.recruiter, "move", [ids[0], ids[1], ids[0], str(ids[1])], target_stage="Screening"
    )
    assert result.succeeded == tuple(ids) and result.failed == ()
    assert len(_batch_rows(db, result.batch_id)) == 2
    assert _batch(db, result.batch_id).size == 2


def test_cards_of_different_jobs_each_follow_their_own_pipeline(db, acme):
    other = create_job(
        db,
        acme.recruiter,
        "Designer",
        stages=[{"name": "Applied", "category": "applied"}, {"name": "Portfolio", "category": "screening"}],
    )
    engineers = _applicants(db, acme.job_id, 1, "e")
    designers = _applicants(db, other.id, 1, "d")
    moved = run_bulk(db, acme.recruiter, "move", engineers + designers, target_stage="Screening")
    assert moved.succeeded == tuple(engineers)
    assert moved.failed[0].application_id == designers[0] and "Unknown stage" in moved.failed[0].detail
    rejected = run_bulk(db, acme.recruiter, "reject", engineers + designers)
    assert rejected.succeeded == tuple(engineers + designers)
    assert _stage(db, designers[0]) == "Rejected"


@pytest.mark.parametrize(
    ("action", "ids", "options", "message"),
    [
        ("archive", [1], {}, "valid actions are: move, reject, tag, add_to_job"),
        (None, [1], {}, "valid actions are"),
        ("move", [], {"target_stage": "Screening"}, "at least one application"),
        ("move", "1,2", {"target_stage": "Screening"}, "must be a list"),
        ("move", list(range(1, MAX_BULK + 2)), {"target_stage": "Screening"}, f"At most {MAX_BULK}"),
        ("move", [0], {"target_stage": "Screening"}, "positive whole number"),
        ("move", [1], {"target_stage": None}, "target_stage must be a stage name"),
        ("move", [1], {"target_stage": ["Screening"]}, "target_stage must be a stage name"),
        ("move", [1], {"target_stage": "x" * 200}, "target_stage must be a stage name"),
        ("reject", [1], {"send_in_minutes": -1}, "between 0 and 43200"),
        ("reject", [1], {"send_in_minutes": 60 * 24 * 31}, "between 0 and 43200"),
        ("reject", [1], {"send_in_minutes": True}, "whole number of minutes"),
        ("reject", [1], {"send_in_minutes": "soon"}, "whole number of minutes"),
        ("reject", [1], {"notify": "no"}, "notify must be true or false"),
        ("reject", [1], {"reason": "Too tall"}, "not one of your company's rejection reasons"),
        ("reject", [1], {"reason_id": 999_999}, "not one of your company's"),
        ("reject", [1], {"note": "x" * 3000}, "Note"),
        ("tag", [1], {"tags": []}, "at least one tag"),
        ("tag", [1], {"tags": "python"}, "list of words"),
        ("tag", [1], {"tags": ["ok", "<script>"]}, "may hold letters"),
        ("add_to_job", [1], {"job_id": "abc"}, "Job id must be a positive whole number"),
    ],
)
def test_bad_input_is_refused_up_front(db, acme, action, ids, options, message):
    app_ids = _applicants(db, acme.job_id, 1)
    ids = [app_ids[0] if i == 1 else i for i in ids] if isinstance(ids, list) else ids
    with pytest.raises(InvalidInput, match=message):
        run_bulk(db, acme.recruiter, action, ids, **options)
    assert _stage(db, app_ids[0]) == "Applied"
    with db.session() as s:
        assert s.exec(select(BulkBatch)).all() == []


def test_only_recruiters_act_in_bulk(db, acme, candidate):
    ids = _applicants(db, acme.job_id, 1)
    for who in (acme.manager, candidate):
        for action in BULK_ACTIONS:
            with pytest.raises(Forbidden):
                run_bulk(db, who, action, ids, target_stage="Screening", tags=["x"], job_id=acme.job_id)
        with pytest.raises(Forbidden):
            run_bulk(db, who, "nonsense", ids)  # refused as the role, before the input is read
        with pytest.raises(Forbidden):
            undo_batch(db, who, 1)
    assert _stage(db, ids[0]) == "Applied"


def test_send_in_minutes_holds_each_email_that_long_after_the_batch(db, acme):
    ids = _applicants(db, acme.job_id, 3)
    reason_id = _reason_id(db, acme, "Not enough experience")
    result = run_bulk(db, acme.recruiter, "reject", ids, reason_id=reason_id, send_in_minutes=2 * 24 * 60)
    batch = _batch(db, result.batch_id)
    rows = _batch_rows(db, result.batch_id)
    assert {r.reason for r in rows} == {"Not enough experience"}
    emails = _emails_of(db, [r.id for r in rows])
    assert len(emails) == 3
    assert {e.next_attempt_at for e in emails} == {batch.finished_at + timedelta(days=2)}
    # Zero minutes still waits for the undo window: nobody hears of a move that can be undone.
    more = _applicants(db, acme.job_id, 1, "z")
    now = run_bulk(db, acme.recruiter, "reject", more, send_in_minutes=0)
    email = _emails_of(db, [r.id for r in _batch_rows(db, now.batch_id)])[0]
    assert email.next_attempt_at == _batch(db, now.batch_id).finished_at + moves.EMAIL_HOLD


def _reason_id(db, company, label: str) -> int:
    from flowtrack_ui.core.models import RejectionReason

    with db.session() as s:
        return s.exec(
            select(RejectionReason.id).where(
                RejectionReason.label == label, RejectionReason.company_id == company.recruiter.company_id
            )
        ).one()


def test_notify_false_sends_no_email_and_the_tracker_still_tells(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    result = run_bulk(db, acme.recruiter, "reject", ids, notify=False)
    rows = _batch_rows(db, result.batch_id)
    assert len(rows) == 2 and _emails_of(db, [r.id for r in rows]) == []
    # The rejection stands: once it can no longer be undone the candidate's tracker shows it.
    cand = principal(db, "c0@example.com")
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert [t.new_stage for t in queries.my_timeline(db, cand, ids[0], now=later)] == ["Applied", "Rejected"]
    assert [t.new_stage for t in queries.my_timeline(db, cand, ids[0], now=datetime.now(UTC))] == ["Applied"]
    # And an undo puts the card back as usual.
    assert undo_batch(db, acme.recruiter, result.batch_id).succeeded == tuple(ids)
    assert [t.new_stage for t in queries.my_timeline(db, cand, ids[0], now=later)] == ["Applied"]


def test_emails_wait_while_a_batch_runs(db, acme, monkeypatch):
    """Cards done early in a long batch do not have their emails leave before the batch ends."""
    every_stage_emails(db)
    ids = _applicants(db, acme.job_id, 2)
    seen: list[datetime] = []
    real = moves.move_stage

    def watching(*args, **kwargs):
        view = real(*args, **kwargs)
        with db.session() as s:
            seen.extend(
                s.exec(select(OutboxEmail.next_attempt_at).where(OutboxEmail.kind == "stage_changed")).all()
            )
        return view

    monkeypatch.setattr(moves, "move_stage", watching)
    started = datetime.now(UTC)
    run_bulk(db, acme.recruiter, "move", ids, target_stage="Screening")
    assert seen and min(seen) >= started + RUNNING_HOLD


def test_undo_only_by_the_batchs_recruiter_and_within_the_window(db, acme, globex):
    inv = invitations.invite_staff(db, acme.recruiter, "rec2@acme.test", Role.RECRUITER)
    invitations.accept_invitation(db, inv.token, PASSWORD, "Rita Second")
    colleague = principal(db, "rec2@acme.test")
    ids = _applicants(db, acme.job_id, 2)
    result = run_bulk(db, acme.recruiter, "move", ids, target_stage="Screening")
    with pytest.raises(Forbidden, match="Only the recruiter who made a batch"):
        undo_batch(db, colleague, result.batch_id)
    with pytest.raises(NotFound):
        undo_batch(db, globex.recruiter, result.batch_id)  # another company's batch does not exist
    with pytest.raises(NotFound):
        undo_batch(db, acme.recruiter, 999_999)
    with pytest.raises(InvalidInput):
        undo_batch(db, acme.recruiter, "first")
    _age_batch(db, result.batch_id, moves.UNDO_SECONDS + 1)
    with pytest.raises(Conflict, match="seconds to undo this batch are over"):
        undo_batch(db, acme.recruiter, result.batch_id)
    assert [_stage(db, i) for i in ids] == ["Screening", "Screening"]
    emails = _emails_of(db, [r.id for r in _batch_rows(db, result.batch_id)])
    assert all(e.cancelled_at is None for e in emails)


def test_the_window_counts_from_the_batchs_end(db, acme):
    """A long batch: its first moves are older than the window, yet the whole batch is undone."""
    every_stage_emails(db)
    ids = _applicants(db, acme.job_id, 2)
    result = run_bulk(db, acme.recruiter, "move", ids, target_stage="Screening")
    with db.session(write=True) as s:
        s.execute(
            sa.update(ApplicationHistory)
            .where(ApplicationHistory.batch_id == result.batch_id)
            .values(changed_at=datetime.now(UTC) - timedelta(seconds=60))
        )
    # Nor does the candidate see those moves while the batch can be undone.
    cand = principal(db, "c0@example.com")
    assert [t.new_stage for t in queries.my_timeline(db, cand, ids[0], now=datetime.now(UTC))] == ["Applied"]
    assert undo_batch(db, acme.recruiter, result.batch_id).succeeded == tuple(ids)
    assert [_stage(db, i) for i in ids] == ["Applied", "Applied"]


def test_a_card_moved_since_by_a_colleague_is_listed_and_keeps_its_place(db, acme):
    inv = invitations.invite_staff(db, acme.recruiter, "rec2@acme.test", Role.RECRUITER)
    invitations.accept_invitation(db, inv.token, PASSWORD, "Rita Second")
    colleague = principal(db, "rec2@acme.test")
    every_stage_emails(db)
    ids = _applicants(db, acme.job_id, 3)
    result = run_bulk(db, acme.recruiter, "move", ids, target_stage="Screening")
    move_stage(db, colleague, ids[1], "Interview")
    undone = undo_batch(db, acme.recruiter, result.batch_id)
    assert undone.succeeded == (ids[0], ids[2])
    assert [(f.application_id, f.name) for f in undone.failed] == [(ids[1], "Cand c1")]
    assert "moved to Interview by Rita Second" in undone.failed[0].detail
    assert [_stage(db, i) for i in ids] == ["Applied", "Interview", "Applied"]
    # The emails of the undone moves are cancelled; the one of the card that stays is not.
    rows = {r.application_id: r for r in _batch_rows(db, result.batch_id)}
    by_row = {e.history_id: e for e in _emails_of(db, [r.id for r in rows.values()])}
    assert by_row[rows[ids[0]].id].cancelled_at is not None
    assert by_row[rows[ids[2]].id].cancelled_at is not None
    kept = by_row[rows[ids[1]].id]
    assert kept.cancelled_at is None and kept.next_attempt_at <= datetime.now(UTC) + moves.EMAIL_HOLD


def test_a_card_undone_by_itself_is_not_undone_twice(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    result = run_bulk(db, acme.recruiter, "move", ids, target_stage="Screening")
    undo_move(db, acme.recruiter, ids[0])  # the single undo still works on a card of a batch
    undone = undo_batch(db, acme.recruiter, result.batch_id)
    assert undone.succeeded == (ids[1],) and undone.failed[0].application_id == ids[0]
    assert [r.kind for r in assert_chain(db, ids[0])] == ["applied", "forward", "undo"]


def test_bulk_tag_adds_to_each_candidates_own_tags(db, acme):
    second = create_job(db, acme.recruiter, "Second job")
    ids = _applicants(db, acme.job_id, 3)
    with db.session() as s:
        candidates = [s.get(Application, i).candidate_id for i in ids]
    set_tags(db, acme.recruiter, candidates[0], ["python", "remote"])
    also = apply(db, principal(db, "c0@example.com"), second.id).id  # the same candidate twice
    result = run_bulk(db, acme.recruiter, "tag", ids + [also], tags=["Silver medallist", "python"])
    assert result.succeeded == tuple(ids + [also]) and result.failed == ()
    assert result.undo_seconds == 0 and result.batch_id is not None
    with db.session() as s:
        found = tags_by_candidate(s, acme.recruiter.company_id, candidates)
    assert found[candidates[0]] == ["python", "remote", "silver medallist"]
    assert found[candidates[1]] == ["python", "silver medallist"]
    with pytest.raises(Conflict, match="not undone"):
        undo_batch(db, acme.recruiter, result.batch_id)


def test_bulk_tag_names_a_candidate_with_too_many_tags(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    with db.session() as s:
        full = s.get(Application, ids[0]).candidate_id
    set_tags(db, acme.recruiter, full, [f"t{i}" for i in range(20)])
    result = run_bulk(db, acme.recruiter, "tag", ids, tags=["new"])
    assert result.succeeded == (ids[1],)
    assert result.failed[0].name == "Cand c0" and "at most 20 tags" in result.failed[0].detail


def test_bulk_add_to_job(db, acme, globex):
    second = create_job(db, acme.recruiter, "Platform engineer")
    ids = _applicants(db, acme.job_id, 3)
    already = apply(db, principal(db, "c2@example.com"), second.id)
    result = run_bulk(db, acme.recruiter, "add_to_job", ids, job_id=second.id)
    assert result.succeeded == tuple(ids[:2]) and result.undo_seconds == 0
    assert result.failed[0].name == "Cand c2" and "already has an application" in result.failed[0].detail
    with db.session() as s:
        added = s.exec(select(Application).where(Application.job_id == second.id)).all()
        assert len(added) == 3 and already.id in {a.id for a in added}
        firsts = s.exec(
            select(ApplicationHistory).where(
                ApplicationHistory.application_id.in_([a.id for a in added if a.id != already.id])
            )
        ).all()
    assert {(h.kind, h.changed_by_id) for h in firsts} == {("applied", acme.recruiter.user_id)}
    # The job must be the company's own and take applications: refused before any card.
    with pytest.raises(NotFound):
        run_bulk(db, acme.recruiter, "add_to_job", ids, job_id=globex.job_id)
    set_job_status(db, acme.recruiter, second.id, "closed")
    with pytest.raises(Conflict, match="closed"):
        run_bulk(db, acme.recruiter, "add_to_job", ids, job_id=second.id)


def test_an_erased_candidate_is_named_as_the_board_shows_them(db, acme):
    ids = _applicants(db, acme.job_id, 2)
    with db.session() as s:
        erased = s.get(Application, ids[0]).candidate_id
    erase_candidate(db, acme.recruiter, erased)
    result = run_bulk(db, acme.recruiter, "tag", ids, tags=["x"])
    assert result.succeeded == (ids[1],)
    assert [(f.application_id, f.name, f.detail) for f in result.failed] == [
        (ids[0], "Erased candidate", "Candidate not found.")
    ]


class _Recorder(ChangeFeed):
    """The change feed, remembering each publication (one per committed transaction)."""

    def __init__(self):
        super().__init__(None)
        self.publications: list[set[str]] = []

    def publish(self, topics, jobs=None):
        self.publications.append(set(topics))
        super().publish(topics, jobs)


def test_open_pages_hear_of_a_batch_once(db, acme):
    ids = _applicants(db, acme.job_id, 3)
    feed = _Recorder()
    watched = Database(db.url, feed=feed)
    result = run_bulk(watched, acme.recruiter, "reject", ids)
    board = job_topic(acme.job_id)
    assert [p for p in feed.publications if board in p] == [
        {board, company_topic(acme.recruiter.company_id)}
        | {application_topic(i) for i in ids}
        | {candidate_topic(c) for c in _candidates(db, ids)}
    ]
    feed.publications.clear()
    undo_batch(watched, acme.recruiter, result.batch_id)
    assert len([p for p in feed.publications if board in p]) == 1
    assert {application_topic(i) for i in ids} <= next(p for p in feed.publications if board in p)
    watched.dispose()


def _candidates(db, ids: list[int]) -> list[int]:
    with db.session() as s:
        return [s.get(Application, i).candidate_id for i in ids]
