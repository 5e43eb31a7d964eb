"""Skipping forward (Applied → Interview): its history row, its undo, the REST story and the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from flowtrack_ui.core import queries
from flowtrack_ui.core.analytics import report
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import Forbidden, InvalidTransition, NotFound
from flowtrack_ui.core.models import JobStage, OutboxEmail
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move
from flowtrack_ui.core.pipelines.transitions import MoveKind

from .conftest import make_candidate, make_company
from .test_api import client_for, login
from .test_history import assert_chain


def _interview_emails_the_candidate(db, job_id: int) -> None:
    """Stage changes email nobody by default: the Interview stage is set to."""
    with db.session(write=True) as s:
        stage = s.exec(select(JobStage).where(JobStage.job_id == job_id, JobStage.name == "Interview")).one()
        stage.notify = True
        s.add(stage)


def test_a_skip_records_the_stages_passed_and_keeps_the_chain(db, acme, candidate):
    _interview_emails_the_candidate(db, acme.job_id)
    app = apply(db, candidate, acme.job_id)
    moved = move_stage(db, acme.recruiter, app.id, "Interview", note="Referred by Ana")
    assert (moved.stage, moved.kind, moved.undo_seconds) == ("Interview", "skip", 10)
    # A plain next-stage move stays forward; Hired still only from Offer.
    with pytest.raises(InvalidTransition) as err:
        move_stage(db, acme.recruiter, app.id, "Hired")
    assert err.value.allowed == ["Applied", "Screening", "Offer", "Rejected"]
    assert move_stage(db, acme.recruiter, app.id, "Offer").kind == "forward"
    assert move_stage(db, acme.recruiter, app.id, "Hired").kind == "forward"
    rows = assert_chain(db, app.id)
    assert [(r.kind, r.new_stage) for r in rows] == [
        ("applied", "Applied"),
        ("skip", "Interview"),
        ("forward", "Offer"),
        ("forward", "Hired"),
    ]
    assert rows[1].note == "Skipped Screening.\nReferred by Ana"
    history = queries.application_history(db, acme.recruiter, app.id)
    assert history[1].kind == "skip" and history[1].note.startswith("Skipped Screening.")
    # The candidate sees the stages reached, and hears of the skip like of a forward move.
    later = datetime.now(UTC) + timedelta(minutes=1)  # past the undo window and the held emails
    assert [t.new_stage for t in queries.my_timeline(db, candidate, app.id, now=later)] == [
        "Applied",
        "Interview",
        "Offer",
        "Hired",
    ]
    with db.session() as s:
        subjects = [e.subject for e in s.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()]
    assert "Your application for Acme Engineer: Interview" in subjects


def test_a_skip_past_two_stages_names_both(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Offer")
    rows = assert_chain(db, app.id)
    assert (rows[-1].kind, rows[-1].note) == ("skip", "Skipped Screening, Interview.")


def test_undo_of_a_skip_goes_back_and_cancels_the_email(db, acme, candidate):
    _interview_emails_the_candidate(db, acme.job_id)
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Interview")
    undone = undo_move(db, acme.recruiter, app.id)
    assert (undone.stage, undone.kind) == ("Applied", "undo")
    rows = assert_chain(db, app.id)
    assert [r.kind for r in rows] == ["applied", "skip", "undo"]
    assert rows[-1].reverts_id == rows[1].id
    with db.session() as s:
        held = s.exec(select(OutboxEmail).where(OutboxEmail.history_id == rows[1].id)).one()
    assert held.cancelled_at is not None and held.sent_at is None
    # The candidate's tracker shows neither the undone skip nor its undo.
    assert [t.new_stage for t in queries.my_timeline(db, candidate, app.id)] == ["Applied"]
    # And the board offers the skip again.
    board = queries.board(db, acme.recruiter, acme.job_id)
    card = board.columns[0].cards[0]
    assert {m.stage: m.kind for m in card.moves} == {
        "Screening": "forward",
        "Interview": "skip",
        "Offer": "skip",
        "Rejected": "reject",
    }
    assert not any(m.asks for m in card.moves if m.kind == "skip")


def test_only_recruiters_skip(db, acme, globex, candidate):
    app = apply(db, candidate, acme.job_id)
    with pytest.raises(Forbidden):
        move_stage(db, acme.manager, app.id, "Interview")
    with pytest.raises(Forbidden):
        move_stage(db, candidate, app.id, "Interview")
    with pytest.raises(NotFound):
        move_stage(db, globex.recruiter, app.id, "Interview")
    assert [r.kind for r in assert_chain(db, app.id)] == ["applied"]


def test_the_report_counts_a_skip_as_reaching_the_stages_passed(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Interview")
    got = report.report(db, acme.recruiter)
    reached = {f.category: f.reached for f in got.funnel}
    assert reached["applied"] == reached["screening"] == reached["interview"] == 1
    assert reached["offer"] == reached["hired"] == 0
    stays = {d.label: d.count for d in got.time_in_stage}
    assert stays["Applied"] == 1 and stays["Screening"] == 0  # no time spent where it never was
    # An undone skip stands for nothing.
    undo_move(db, acme.recruiter, app.id)
    reached = {f.category: f.reached for f in report.report(db, acme.recruiter).funnel}
    assert reached["applied"] == 1 and reached["screening"] == reached["interview"] == 0


@pytest.fixture
def rest(any_db):
    acme = make_company(any_db, "Acme")
    cand = make_candidate(any_db)
    app = apply(any_db, cand, acme.job_id)
    return any_db, app.id


def test_rest_single_steps_unchanged_and_a_later_stage_skips(rest):
    db, app_id = rest
    c = client_for(db)
    rec = login(c, "rec@acme.test")
    url = f"/api/applications/{app_id}/stage"
    r = c.patch(url, params={"new_stage": "Screening"}, headers=rec)
    assert r.status_code == 200 and r.json()["stage"] == "Screening" and r.json()["version"] == 2
    r = c.patch(url, params={"new_stage": "Hired"}, headers=rec)
    assert r.status_code == 409
    assert r.json()["allowed_stages"] == ["Applied", "Interview", "Offer", "Rejected"]
    r = c.patch(url, params={"new_stage": "Offer", "expected_stage": "Screening"}, headers=rec)
    assert r.status_code == 200 and r.json()["stage"] == "Offer"
    history = c.get(f"/api/history/application/{app_id}", headers=rec).json()
    assert [(h["kind"], h["new_stage"]) for h in history] == [
        ("applied", "Applied"),
        ("forward", "Screening"),
        ("skip", "Offer"),
    ]
    assert history[-1]["note"] == "Skipped Interview."
    r = c.patch(url, params={"new_stage": "Hired"}, headers=rec)
    assert r.status_code == 200 and r.json()["stage"] == "Hired"
    hm = login(c, "hm@acme.test")
    assert c.patch(url, params={"new_stage": "Interview"}, headers=hm).status_code == 403


def test_move_kind_values_fit_the_history_column():
    assert all(len(k.value) <= 12 for k in MoveKind)
