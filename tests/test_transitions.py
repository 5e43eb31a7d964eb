"""Every (from, to) pair of stages of a default and of a custom pipeline, through the use case.

The expected answer comes from an oracle written here from the move rules of ARCHITECTURE.md
("Where each rule lives"), independently of the transition table in ``core/pipelines/transitions.py``.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from flowtrack_ui.core import jobs
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import ConcurrentUpdate, InvalidInput, InvalidTransition
from flowtrack_ui.core.models import Application, ApplicationHistory, JobStage
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.core.pipelines.transitions import TRANSITION_TABLE, MoveKind

from .stage_support import stage_name

CUSTOM = [
    {"name": "New", "category": "applied"},
    {"name": "Phone screen", "category": "screening"},
    {"name": "Take-home", "category": "screening"},
    {"name": "Panel", "category": "interview"},
    {"name": "Offer", "category": "offer"},
    {"name": "Joined", "category": "hired"},
    {"name": "Declined", "category": "rejected"},
    {"name": "Withdrew", "category": "withdrawn"},
]
FINAL = ("hired", "rejected", "withdrawn")


def expected(stages: list[JobStage], current: JobStage, target: JobStage, origin: JobStage | None):
    """The kind of move the rules allow from ``current`` to ``target``, or None."""
    progress = [s for s in stages if s.category not in FINAL]
    if current.category not in FINAL:
        i = progress.index(current)
        following = (
            progress[i + 1] if i + 1 < len(progress) else next(s for s in stages if s.category == "hired")
        )
        if target.id == following.id:
            return MoveKind.FORWARD
        if target in progress[i + 2 :]:  # past stages, never to hired
            return MoveKind.SKIP
        if target in progress[:i]:
            return MoveKind.BACK
        if target.category == "rejected":
            return MoveKind.REJECT
        return None
    if current.category == "rejected" and origin is not None and target.id == origin.id:
        return MoveKind.REOPEN
    if current.category == "hired" and target.id == progress[-1].id:
        return MoveKind.UNHIRE
    return None


def progress_between(stages: list[JobStage], current: JobStage, target: JobStage) -> list[str]:
    progress = [s for s in stages if s.category not in FINAL]
    return [s.name for s in progress[progress.index(current) + 1 : progress.index(target)]]


def test_the_table_has_one_rule_per_kind_of_move():
    assert [r.kind for r in TRANSITION_TABLE] == [
        MoveKind.FORWARD, MoveKind.SKIP, MoveKind.BACK, MoveKind.REJECT, MoveKind.REOPEN,
        MoveKind.UNHIRE, MoveKind.WITHDRAW,
    ]  # fmt: skip


def _stages(db, job_id) -> list[JobStage]:
    with db.session() as s:
        return list(
            s.exec(select(JobStage).where(JobStage.job_id == job_id).order_by(JobStage.position)).all()
        )


def _put(db, app_id: int, stage: JobStage, origin: JobStage | None) -> None:
    """Place the application in ``stage`` directly (a fixture, not a move)."""
    with db.session(write=True) as s:
        app = s.get(Application, app_id)
        app.stage_id = stage.id
        app.previous_stage_id = origin.id if origin else None
        s.add(app)


@pytest.mark.parametrize("pipeline", ["default", "custom"])
def test_every_pair_of_stages(db, acme, candidate, pipeline):
    job_id = acme.job_id
    if pipeline == "custom":
        job_id = jobs.create_job(db, acme.recruiter, "Custom pipeline", stages=CUSTOM).id
    app = apply(db, candidate, job_id)
    stages = _stages(db, job_id)
    assert len(stages) == (7 if pipeline == "default" else 8)
    checked = {kind: 0 for kind in MoveKind}
    for current in stages:
        # A rejected card remembers where it came from: try it from each non-final stage.
        origins = [s for s in stages if s.category not in FINAL] if current.category == "rejected" else [None]
        for origin in origins:
            for target in stages:
                _put(db, app.id, current, origin)
                kind = expected(stages, current, target, origin)
                if kind is None:
                    with pytest.raises((InvalidTransition, InvalidInput)) as err:
                        move_stage(db, acme.recruiter, app.id, target.name, note="fixing a mistake")
                    if target.id != current.id or isinstance(err.value, InvalidTransition):
                        allowed = [t.name for t in stages if expected(stages, current, t, origin) is not None]
                        assert err.value.allowed == allowed, (current.name, target.name)
                        for name in allowed:
                            assert name in err.value.message
                    with db.session() as s:
                        assert s.get(Application, app.id).stage_id == current.id
                    continue
                moved = move_stage(db, acme.recruiter, app.id, target.name, note="fixing a mistake")
                assert moved.stage == target.name and moved.kind == kind
                with db.session() as s:
                    last = s.exec(
                        select(ApplicationHistory)
                        .where(ApplicationHistory.application_id == app.id)
                        .order_by(ApplicationHistory.id.desc())
                    ).first()
                assert (last.kind, last.old_stage_id, last.new_stage_id) == (
                    kind.value,
                    current.id,
                    target.id,
                )
                if kind == MoveKind.SKIP:  # the row names the stages passed, then the mover's note
                    between = progress_between(stages, current, target)
                    assert last.note == f"Skipped {', '.join(between)}.\nfixing a mistake"
                checked[kind] += 1
    skips = {"default": 3, "custom": 6}[pipeline]  # Applied→Interview/Offer, Screening→Offer; …
    assert checked[MoveKind.SKIP] == skips
    assert all(checked[k] for k in (MoveKind.FORWARD, MoveKind.BACK, MoveKind.REJECT, MoveKind.REOPEN))
    assert checked[MoveKind.UNHIRE] == 1


@pytest.mark.parametrize("kind_target", [("back", "Applied"), ("reopen", "Screening"), ("unhire", "Offer")])
def test_a_correction_without_a_reason_is_refused(db, acme, candidate, kind_target):
    kind, target = kind_target
    app = apply(db, candidate, acme.job_id)
    path = {
        "back": ["Screening"],
        "reopen": ["Screening", "Rejected"],
        "unhire": ["Screening", "Interview", "Offer", "Hired"],
    }
    for stage in path[kind]:
        move_stage(db, acme.recruiter, app.id, stage)
    before = path[kind][-1]
    for empty in (None, "", "   "):
        with pytest.raises(InvalidInput) as err:
            move_stage(db, acme.recruiter, app.id, target, note=empty)
        assert "reason" in err.value.message
    with db.session() as s:
        assert stage_name(s, app.id) == before
    moved = move_stage(db, acme.recruiter, app.id, target, reason="dropped on the wrong column")
    assert moved.kind == kind and moved.stage == target


@pytest.mark.parametrize("bad", ["", "hired!", "Done", None, 3, "x" * 10_000])
def test_unknown_stage_is_invalid_input(db, acme, candidate, bad):
    app = apply(db, candidate, acme.job_id)
    with pytest.raises(InvalidInput) as err:
        move_stage(db, acme.recruiter, app.id, bad)
    assert "valid stages" in err.value.message and "Screening" in err.value.message


def test_stage_names_are_case_insensitive_and_expected_stage_is_checked(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    assert move_stage(db, acme.recruiter, app.id, " screening ").stage == "Screening"
    with pytest.raises(ConcurrentUpdate):
        move_stage(db, acme.recruiter, app.id, "Interview", expected_stage="Applied")


def test_a_stage_of_another_job_is_unknown_here(db, acme, candidate):
    other = jobs.create_job(db, acme.recruiter, "Custom pipeline", stages=CUSTOM)
    app = apply(db, candidate, acme.job_id)
    with pytest.raises(InvalidInput):
        move_stage(db, acme.recruiter, app.id, "Phone screen")
    mine = apply(db, candidate, other.id)
    assert mine.stage == "New"
    assert move_stage(db, acme.recruiter, mine.id, "Phone screen").stage == "Phone screen"


@pytest.mark.parametrize("target", ["Hired", "Joined"])
def test_a_skip_never_reaches_hired(db, acme, candidate, target):
    job_id = acme.job_id if target == "Hired" else jobs.create_job(db, acme.recruiter, "C", stages=CUSTOM).id
    app = apply(db, candidate, job_id)
    for first in range(2):  # from the first stage, and from the second
        with pytest.raises(InvalidTransition) as err:
            move_stage(db, acme.recruiter, app.id, target)
        assert target not in err.value.allowed
        with db.session() as s:
            here = stage_name(s, app.id)
        following = _stages(db, job_id)[first + 1].name
        assert move_stage(db, acme.recruiter, app.id, following).kind == MoveKind.FORWARD, here
