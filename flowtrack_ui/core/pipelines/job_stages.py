"""A job's own copy of its stages: made from a template (or the default), then edited with the job."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, select

from .. import prebuilt
from ..db import existing
from ..errors import Conflict, Forbidden, InvalidInput
from ..mail import automation
from ..models import Application, Job, JobStage
from ..views import StageView
from . import stage_stats
from .definitions import DEFAULT_PIPELINE, StageSpec, parse_stages
from .transitions import Pipeline, StageRef


def stage_ref(row: JobStage) -> StageRef:
    return StageRef(
        id=row.id, name=row.name, category=row.category, position=row.position, target_days=row.target_days
    )


def stage_view(ref: StageRef) -> StageView:
    return StageView(
        id=ref.id,
        name=ref.name,
        category=ref.category,
        position=ref.position,
        target_days=ref.target_days,
        public_name=automation.shown_name(None, ref.category),
        notify=ref.category in automation.NOTIFY_BY_DEFAULT,
    )


def automation_of(row: JobStage) -> automation.StageAutomation:
    return automation.StageAutomation(
        public_name=row.public_name,
        notify=row.notify,
        email_template_id=row.email_template_id,
        email_delay_minutes=row.email_delay_minutes,
        business_hours_only=row.business_hours_only,
    )


def full_view(row: JobStage) -> StageView:
    """A stage with what entering it does (the job editor's and the API's)."""
    assert row.id is not None
    return StageView(
        id=row.id,
        name=row.name,
        category=row.category,
        position=row.position,
        target_days=row.target_days,
        public_name=automation.shown_name(row.public_name, row.category),
        notify=row.notify,
        email_template_id=row.email_template_id,
        email_delay_minutes=row.email_delay_minutes,
        business_hours_only=row.business_hours_only,
    )


def stage_views(s: Session, job_id: int) -> list[StageView]:
    """The job's active stages in board order, each with its automation."""
    return [full_view(row) for row in _rows(s, job_id)]


def _by_name(raw: object) -> dict[str, dict]:
    """The stages as given, by name (casefolded), to read their automation fields beside the
    checked specs (``parse_stages`` reorders and completes the list)."""
    if not isinstance(raw, list | tuple):
        return {}
    return {
        r["name"].strip().casefold(): r for r in raw if isinstance(r, dict) and isinstance(r.get("name"), str)
    }


def _apply(
    s: Session,
    company_id: int,
    row: JobStage,
    given: dict | None,
    current: automation.StageAutomation,
    may_automate: bool,
) -> None:
    auto = automation.parse_automation(s, company_id, row.name, row.category, given or {}, current)
    if auto != current and not may_automate:
        raise Forbidden(f"Stage “{row.name}”: only recruiters change what a stage emails candidates.")
    row.public_name = auto.public_name
    row.notify = auto.notify
    row.email_template_id = auto.email_template_id
    row.email_delay_minutes = auto.email_delay_minutes
    row.business_hours_only = auto.business_hours_only


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
    rows = prebuilt.execute(s.connection(), _ACTIVE_STAGES, {"job_id": job_id}).all()
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
    s: Session,
    job_id: int,
    specs: list[StageSpec] | tuple[StageSpec, ...] = DEFAULT_PIPELINE,
    raw: object = None,
    may_automate: bool = True,
) -> None:
    """The stages of a new job (already checked by ``parse_stages``), each emailing the candidate
    as its category does by default (``automation.NOTIFY_BY_DEFAULT``) unless ``raw``, the
    stages as given, says otherwise."""
    given = _by_name(raw)
    company_id = existing(s, Job, job_id).company_id
    for position, spec in enumerate(specs):
        row = JobStage(
            job_id=job_id,
            position=position,
            name=spec.name,
            category=spec.category.value,
            target_days=spec.target_days,
        )
        default = automation.default_automation(row.category)
        _apply(s, company_id, row, given.get(spec.name.casefold()), default, may_automate)
        s.add(row)
    s.flush()


def replace_stages(s: Session, job_id: int, raw: object, may_automate: bool = True) -> None:
    """Rename, add, reorder and remove stages of a job, in the caller's transaction.

    A stage given with its ``id`` (or, without one, the same name; or, for the single applied,
    hired, rejected and withdrawn stages, the same category) keeps its identity, so renaming it
    keeps its applications and history. A stage left out is removed, unless applications are in
    it: that is refused with how many and where to move them. What a stage emails (its
    automation fields, ``mail/automation.parse_automation``) changes only when ``may_automate``
    (recruiters); others may send it back unchanged.
    """
    specs = parse_stages(raw)
    given = _by_name(raw)
    company_id = existing(s, Job, job_id).company_id
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
    # A stage that changes category moves its past stays under the new one in the report's
    # running totals (stage_stats): they are computed again for the job's applications below.
    recategorised = any(row is not None and row.category != spec.category.value for spec, row in plan)
    now = datetime.now(UTC)
    for row in unmatched.values():
        row.removed_at = now
        row.position = 1000 + row.position
        s.add(row)
    s.flush()
    for position, (spec, row) in enumerate(plan):
        if row is None:
            row = JobStage(
                job_id=job_id,
                position=position,
                name=spec.name,
                category=spec.category.value,
                target_days=spec.target_days,
            )
            before = automation.default_automation(row.category)
        else:
            # A stage that changes category keeps its settings; a kind's default template
            # (None) follows the new kind.
            before = automation_of(row)
            if row.category != spec.category.value and row.email_template_id is not None:
                before = replace(before, email_template_id=None)
            row.name, row.category, row.position = spec.name, spec.category.value, position
            row.target_days = spec.target_days
        _apply(s, company_id, row, given.get(spec.name.casefold()), before, may_automate)
        s.add(row)
    s.flush()
    if recategorised:
        apps = s.exec(select(Application.id).where(Application.job_id == job_id)).all()
        stage_stats.rebuild(s.connection(), [int(a) for a in apps])
