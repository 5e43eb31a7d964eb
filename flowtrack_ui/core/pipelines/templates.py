"""A company's named pipeline templates: a new job copies one (or the default pipeline)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import validation
from ..db import Database
from ..errors import Conflict, NotFound
from ..models import PipelineTemplate
from ..permissions import Action, Principal, require
from ..views import PipelineTemplateView
from .definitions import DEFAULT_PIPELINE, StageSpec, as_dicts, parse_stages

DEFAULT_NAME = "Default"


def _view(row: PipelineTemplate) -> PipelineTemplateView:
    return PipelineTemplateView(id=row.id, name=row.name, stages=tuple(json.loads(row.stages)))


def default_template() -> PipelineTemplateView:
    """The built-in pipeline every company has (id 0): what a job gets when no template is chosen."""
    return PipelineTemplateView(id=0, name=DEFAULT_NAME, stages=tuple(as_dicts(DEFAULT_PIPELINE)))


def _name(value: object) -> str:
    name = validation.text(value, "Template name", max_len=80)
    if name.casefold() == DEFAULT_NAME.casefold():
        raise Conflict(f"“{DEFAULT_NAME}” is the built-in pipeline; choose another name.")
    return name


def company_template(s: Session, principal: Principal, template_id: object) -> PipelineTemplate:
    template_id = validation.object_id(template_id, "Template id")
    row = s.get(PipelineTemplate, template_id)
    if row is None or row.company_id != principal.company_id:
        raise NotFound("Pipeline template not found.")
    return row


def specs_of(s: Session, principal: Principal, template_id: object) -> list[StageSpec]:
    """The stages a new job gets from a template of the caller's company (0 or None: the default)."""
    if template_id in (None, 0, "0", ""):
        return list(DEFAULT_PIPELINE)
    return parse_stages(json.loads(company_template(s, principal, template_id).stages))


def list_templates(db: Database, principal: Principal) -> list[PipelineTemplateView]:
    """The default pipeline first, then the company's templates by name."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    with db.session() as s:
        rows = s.exec(
            select(PipelineTemplate)
            .where(PipelineTemplate.company_id == principal.company_id)
            .order_by(PipelineTemplate.name)
        ).all()
        return [default_template(), *(_view(r) for r in rows)]


def create_template(db: Database, principal: Principal, name: object, stages: object) -> PipelineTemplateView:
    require(principal, Action.MANAGE_JOBS)
    name = _name(name)
    checked = as_dicts(parse_stages(stages))
    now = datetime.now(UTC)
    try:
        with db.session(write=True) as s:
            row = PipelineTemplate(
                company_id=principal.staff_company_id,
                name=name,
                stages=json.dumps(checked),
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return _view(row)
    except IntegrityError:
        raise Conflict(f"A pipeline template named “{name}” exists already.") from None


def update_template(
    db: Database, principal: Principal, template_id: object, name: object, stages: object
) -> PipelineTemplateView:
    """Editing a template changes the jobs made from it later, never the jobs made before."""
    require(principal, Action.MANAGE_JOBS)
    name = _name(name)
    checked = as_dicts(parse_stages(stages))
    try:
        with db.session(write=True) as s:
            row = company_template(s, principal, template_id)
            row.name, row.stages, row.updated_at = name, json.dumps(checked), datetime.now(UTC)
            s.add(row)
            s.flush()
            return _view(row)
    except IntegrityError:
        raise Conflict(f"A pipeline template named “{name}” exists already.") from None


def delete_template(db: Database, principal: Principal, template_id: object) -> None:
    """Jobs keep their own copy of the stages, so deleting a template changes no job."""
    require(principal, Action.MANAGE_JOBS)
    with db.session(write=True) as s:
        s.delete(company_template(s, principal, template_id))
