"""Every (from, to) pair of the six stages: allowed exactly per the transition table."""

from __future__ import annotations

import itertools

import pytest

from flowtrack_ui.core import workflow
from flowtrack_ui.core.errors import InvalidInput, InvalidTransition
from flowtrack_ui.core.models import Application
from flowtrack_ui.core.stages import TERMINAL, TRANSITIONS, Stage, allowed_next, parse_stage

EXPECTED = {
    ("Applied", "Screening"), ("Applied", "Rejected"),
    ("Screening", "Interview"), ("Screening", "Rejected"),
    ("Interview", "Offer"), ("Interview", "Rejected"),
    ("Offer", "Hired"), ("Offer", "Rejected"),
}  # fmt: skip


def test_table_matches_the_design():
    pairs = {(a.value, b.value) for a, nxt in TRANSITIONS.items() for b in nxt}
    assert pairs == EXPECTED
    assert TERMINAL == {Stage.HIRED, Stage.REJECTED}


def _put_in_stage(db, app_id: int, stage: Stage) -> None:
    with db.session(write=True) as s:
        app = s.get(Application, app_id)
        app.stage = stage
        s.add(app)


@pytest.mark.parametrize("current,target", list(itertools.product(Stage, Stage)))
def test_every_pair_through_the_use_case(db, acme, candidate, current, target):
    app = workflow.apply(db, candidate, acme.job_id)
    _put_in_stage(db, app.id, current)
    if (current.value, target.value) in EXPECTED:
        moved = workflow.move_stage(db, acme.recruiter, app.id, target)
        assert moved.stage == target
    else:
        with pytest.raises(InvalidTransition) as err:
            workflow.move_stage(db, acme.recruiter, app.id, target)
        allowed = [s.value for s in allowed_next(current)]
        assert err.value.allowed == allowed
        for name in allowed:
            assert name in err.value.message
        with db.session() as s:
            assert s.get(Application, app.id).stage == current


@pytest.mark.parametrize("bad", ["", "hired!", "Done", None, 3, "x" * 10_000])
def test_unknown_stage_is_invalid_input(db, acme, candidate, bad):
    app = workflow.apply(db, candidate, acme.job_id)
    with pytest.raises(InvalidInput) as err:
        workflow.move_stage(db, acme.recruiter, app.id, bad)
    assert "valid stages" in err.value.message


def test_parse_stage_is_case_insensitive():
    assert parse_stage(" screening ") is Stage.SCREENING
