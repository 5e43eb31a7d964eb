"""/api/pipeline-templates and /api/rejection-reasons: a company's hiring setup."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from flowtrack_ui.core.pipelines import rejection_reasons, templates

from .deps import Caller, Db
from .errors import errors
from .schemas import PipelineTemplateIn, PipelineTemplateOut, RejectionReasonsIn, RejectionReasonsOut

router = APIRouter(prefix="/api", tags=["pipelines"])

TemplateId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _stages(body: PipelineTemplateIn) -> list[dict]:
    return [st.model_dump() for st in body.stages]


@router.get("/pipeline-templates", response_model=list[PipelineTemplateOut], responses=errors(401, 403))
def list_templates(caller: Caller, db: Db) -> list[PipelineTemplateOut]:
    """The default pipeline (id 0) and the company's templates."""
    return [PipelineTemplateOut.model_validate(t) for t in templates.list_templates(db, caller)]


@router.post(
    "/pipeline-templates",
    response_model=PipelineTemplateOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 409, 422),
)
def create_template(body: PipelineTemplateIn, caller: Caller, db: Db) -> PipelineTemplateOut:
    """Missing hired, rejected or withdrawn stages are added with their default names."""
    created = templates.create_template(db, caller, body.name, _stages(body))
    return PipelineTemplateOut.model_validate(created)


@router.put(
    "/pipeline-templates/{template_id}",
    response_model=PipelineTemplateOut,
    responses=errors(401, 403, 404, 409, 422),
)
def update_template(
    template_id: TemplateId, body: PipelineTemplateIn, caller: Caller, db: Db
) -> PipelineTemplateOut:
    """Changes the jobs made from the template later; jobs keep their own copy of the stages."""
    changed = templates.update_template(db, caller, template_id, body.name, _stages(body))
    return PipelineTemplateOut.model_validate(changed)


@router.delete(
    "/pipeline-templates/{template_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404, 422),
)
def delete_template(template_id: TemplateId, caller: Caller, db: Db) -> Response:
    templates.delete_template(db, caller, template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/rejection-reasons", response_model=RejectionReasonsOut, responses=errors(401, 403))
def list_reasons(caller: Caller, db: Db) -> RejectionReasonsOut:
    return RejectionReasonsOut(reasons=rejection_reasons.list_reasons(db, caller))


@router.put("/rejection-reasons", response_model=RejectionReasonsOut, responses=errors(401, 403, 422))
def set_reasons(body: RejectionReasonsIn, caller: Caller, db: Db) -> RejectionReasonsOut:
    """Replaces the company's list; history keeps each reason's words as chosen."""
    return RejectionReasonsOut(reasons=rejection_reasons.set_reasons(db, caller, body.reasons))
