"""The history chain: written with every change, and intact after racing moves."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from flowtrack_ui.core import queries
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import ConcurrentUpdate, Conflict, InvalidInput
from flowtrack_ui.core.models import Application, ApplicationHistory
from flowtrack_ui.core.pipelines.moves import move_stage

from .conftest import make_candidate, make_company
from .stage_support import stage_name


def assert_chain(db, app_id: int) -> list[ApplicationHistory]:
    with db.session() as s:
        app = s.get(Application, app_id)
        current = stage_name(s, app_id)
        rows = s.exec(
            ApplicationHistory.__table__.select()
            .where(ApplicationHistory.application_id == app_id)
            .order_by(ApplicationHistory.id)
        ).all()
    assert rows[0].old_stage is None and rows[0].new_stage == "Applied" and rows[0].kind == "applied"
    for prev, cur in zip(rows, rows[1:], strict=False):
        assert cur.old_stage == prev.new_stage
        assert cur.old_stage_id == prev.new_stage_id
    assert rows[-1].new_stage == current and rows[-1].new_stage_id == app.stage_id
    assert app.version == len(rows)
    return rows


def test_apply_writes_first_entry_and_moves_append(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening", note="Phone screen booked")
    move_stage(db, acme.recruiter, app.id, "Rejected", note="Internal: salary too high")
    rows = assert_chain(db, app.id)
    assert [r.new_stage for r in rows] == ["Applied", "Screening", "Rejected"]
    full = queries.application_history(db, acme.recruiter, app.id)
    assert full[-1].note == "Internal: salary too high"
    assert full[-1].changed_by_name == "Acme Recruiter"
    assert all(
        h.changed_at.tzinfo is not None and h.changed_at.utcoffset() == UTC.utcoffset(None) for h in full
    )
    # The candidate sees a move once it can no longer be undone (and its email has gone).
    assert [t.new_stage for t in queries.my_timeline(db, candidate, app.id)] == ["Applied"]
    later = datetime.now(UTC) + timedelta(minutes=1)
    timeline = queries.my_timeline(db, candidate, app.id, now=later)
    assert [t.new_stage for t in timeline] == ["Applied", "Screening", "Rejected"]
    assert not any(hasattr(t, "note") or hasattr(t, "changed_by_name") for t in timeline)
    mine = queries.my_applications(db, candidate)
    assert "salary" not in repr(mine)


def test_expected_stage_refuses_stale_moves(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening", expected_stage="Applied")
    with pytest.raises(ConcurrentUpdate) as err:
        move_stage(db, acme.recruiter, app.id, "Rejected", expected_stage="Applied")
    assert err.value.current == "Screening"
    assert_chain(db, app.id)


def _race(db, recruiter, app_id: int, n: int = 8):
    """n threads move the same application at once, each along the pipeline as far as it can."""
    barrier = threading.Barrier(n)
    wins, conflicts, errors = [], [], []

    def worker(i: int):
        barrier.wait()
        for target in ("Screening", "Interview", "Offer", "Hired"):
            try:
                move_stage(db, recruiter, app_id, target)
                wins.append((i, target))
            except (Conflict, InvalidInput):  # lost the race, or a move back without its reason
                conflicts.append((i, target))
            except Exception as exc:  # anything else is a bug
                errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return wins, conflicts, errors


def _race_and_check(db):
    acme = make_company(db, "Acme")
    cand = make_candidate(db)
    app = apply(db, cand, acme.job_id)
    wins, conflicts, errors = _race(db, acme.recruiter, app.id)
    assert errors == []
    # each target stage was reached exactly once: one winner per conflicting move
    assert sorted(t for _, t in wins) == sorted(["Screening", "Interview", "Offer", "Hired"])
    rows = assert_chain(db, app.id)
    assert [r.new_stage for r in rows] == ["Applied", "Screening", "Interview", "Offer", "Hired"]


def test_racing_moves_keep_the_chain_sqlite(sqlite_db):
    _race_and_check(sqlite_db)


@pytest.mark.postgres
def test_racing_moves_keep_the_chain_postgres(pg_db):
    _race_and_check(pg_db)
