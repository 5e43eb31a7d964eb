"""A job's own copy of its stages: made from a template (or the default), then edited with the job."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, select

from ..db import existing
from ..errors import Conflict, InvalidInput
from ..models import Application, JobStage
from ..views import StageView
from .definitions import DEFAULT_PIPELINE, StageSpec, parse_stages
from .transitions import Pipeline, StageRef


def stage_ref(row: JobStage) -> StageRef:
    return StageRef(
        id=row.id, name=row.name, category=row.category, position=row.position, target_days=row.target_days
    )


def stage_view(ref: StageRef) -> StageView:
    return StageView(
        id=ref.id, name=ref.name, category=ref.category, position=ref.position, target_days=ref.target_days
    )


def _rows(s: Session, job_id: int) -> list[JobStage]:
    return list(
        s.exec(
            select(JobStage)
            .where(JobStage.job_id == job_id, JobStage.removed_at.is_(None))
            .order_by(JobStage.position, JobStage.id)
        ).all()
    )


_STAGES = JobStage.__table__
# Read on every move: built once, run as plain SQL (no ORM objects made for the rows).
_ACTIVE_STAGES = (
    sa.select(_STAGES.c.id, _STAGES.c.name, _STAGES.c.category, _STAGES.c.position, _STAGES.c.target_days)
    .where(_STAGES.c.job_id == sa.bindparam("job_id"), _STAGES.c.removed_at.is_(None))
    .order_by(_STAGES.c.position, _STAGES.c.id)
)


def pipeline_of(s: Session, job_id: int) -> Pipeline:
    """The job's active stages in board order (one query)."""
    rows = s.execute(_ACTIVE_STAGES, {"job_id": job_id}).all()
    return Pipeline(
        tuple(
            StageRef(
                id=r.id, name=r.name, category=r.category, position=r.position, target_days=r.target_days
            )
            for r in rows
        )
    )


def pipelines_of(s: Session, job_ids: list[int]) -> dict[int, Pipeline]:
    """The pipelines of several jobs in one query."""
    found: dict[int, list[StageRef]] = {j: [] for j in job_ids}
    if job_ids:
        for row in s.exec(
            select(JobStage)
            .where(JobStage.job_id.in_(job_ids), JobStage.removed_at.is_(None))
            .order_by(JobStage.job_id, JobStage.position, JobStage.id)
        ):
            found[row.job_id].append(stage_ref(row))
    return {j: Pipeline(tuple(refs)) for j, refs in found.items()}


def any_stage(s: Session, stage_id: int | None) -> StageRef | None:
    """A stage by id, removed or not (history and rejections may point to a removed one)."""
    if stage_id is None:
        return None
    row = s.get(JobStage, stage_id)
    return stage_ref(row) if row else None


def current_stage(s: Session, pipeline: Pipeline, stage_id: int) -> StageRef:
    """The stage an application is in: one of its job's active stages, or (read by id) one
    removed since; the application's foreign key keeps that row."""
    return pipeline.by_id(stage_id) or stage_ref(existing(s, JobStage, stage_id))


def create_for_job(
    s: Session, job_id: int, specs: list[StageSpec] | tuple[StageSpec, ...] = DEFAULT_PIPELINE
):
    """The stages of a new job (already checked by ``parse_stages``)."""
    for position, spec in enumerate(specs):
        s.add(
            JobStage(
                job_id=job_id,
                position=position,
                name=spec.name,
                category=spec.category.value,
                target_days=spec.target_days,
            )
        )
    s.flush()


def replace_stages(s: Session, job_id: int, raw: object) -> None:
    """Rename, add, reorder and remove stages of a job, in the caller's transaction.

    A stage given with its ``id`` (or, without one, the same name; or, for the single applied,
    hired, rejected and withdrawn stages, the same category) keeps its identity, so renaming it
    keeps its applications and history. A stage left out is removed, unless applications are in
    it: that is refused with how many and where to move them.
    """
    specs = parse_stages(raw)
    current = _rows(s, job_id)
    by_id = {r.id: r for r in current}
    unmatched = dict(by_id)
    plan: list[tuple[StageSpec, JobStage | None]] = []
    for spec in specs:
        if spec.id is not None:
            row = by_id.get(spec.id)
            if row is None:
                raise InvalidInput(
                    f"Stage “{spec.name}” has an id ({spec.id}) that is not a stage of this job."
                )
            if row.category != spec.category and (
                row.category in ("hired", "rejected", "withdrawn", "applied")
            ):
                raise InvalidInput(f"The {row.category} stage “{row.name}” cannot change its category.")
        else:
            row = next((r for r in unmatched.values() if r.name.casefold() == spec.name.casefold()), None)
            if row is None and spec.category.value in ("applied", "hired", "rejected", "withdrawn"):
                row = next((r for r in unmatched.values() if r.category == spec.category.value), None)
        if row is not None:
            if row.id not in unmatched:
                raise InvalidInput(f"Stage “{spec.name}” is given twice.")
            del unmatched[row.id]
        plan.append((spec, row))
    if unmatched:
        counts = dict(
            s.exec(
                select(Application.stage_id, func.count(Application.id))
                .where(Application.stage_id.in_(list(unmatched)))
                .group_by(Application.stage_id)
            ).all()
        )
        busy = [(unmatched[i], n) for i, n in counts.items() if n]
        if busy:
            row, n = busy[0]
            others = [spec.name for spec, kept in plan if kept is None or kept.id != row.id]
            raise Conflict(
                f"Cannot remove the stage “{row.name}”: {n} application{'s are' if n != 1 else ' is'} in it. "
                f"Move {'them' if n != 1 else 'it'} to another stage first"
                + (f" (for example {others[0]})." if others else ".")
            )
    now = datetime.now(UTC)
    for row in unmatched.values():
        row.removed_at = now
        row.position = 1000 + row.position
        s.add(row)
    s.flush()
    for position, (spec, row) in enumerate(plan):
        if row is None:
            s.add(
                JobStage(
                    job_id=job_id,
                    position=position,
                    name=spec.name,
                    category=spec.category.value,
                    target_days=spec.target_days,
                )
            )
            continue
        row.name, row.category, row.position = spec.name, spec.category.value, position
        row.target_days = spec.target_days
        s.add(row)
    s.flush()
