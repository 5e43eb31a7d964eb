"""/api/email-templates: the company's email templates (recruiters write, staff read) and a preview."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from flowtrack_ui.core.mail import render, templates

from .deps import Caller, Db
from .errors import errors
from .schemas import FromView

router = APIRouter(prefix="/api/email-templates", tags=["email templates"])

Kind = Literal["application_received", "stage", "rejection", "interview", "talent_invitation", "message"]


class EmailTemplateOut(FromView):
    id: int | None = Field(
        description="None for a built-in template (the kind has no template of the company)"
    )
    kind: str
    kind_label: str
    name: str
    subject: str
    body: str
    is_default: bool = Field(description="The one FlowTrack's automatic emails of this kind use")
    built_in: bool
    can_edit: bool
    updated_at: datetime | None


class EmailTemplateIn(BaseModel):
    kind: Kind
    name: str = Field(max_length=templates.MAX_NAME)
    subject: str = Field(max_length=render.MAX_SUBJECT)
    body: str = Field(max_length=render.MAX_BODY)
    is_default: bool | None = None


class EmailTemplateUpdate(BaseModel):
    name: str = Field(max_length=templates.MAX_NAME)
    subject: str = Field(max_length=render.MAX_SUBJECT)
    body: str = Field(max_length=render.MAX_BODY)
    is_default: bool | None = None
    kind: Kind | None = Field(
        default=None, description="A template's kind cannot change; if given, it must match"
    )


class PreviewIn(BaseModel):
    kind: Kind
    subject: str = Field(max_length=render.MAX_SUBJECT)
    body: str = Field(max_length=render.MAX_BODY)
    application_id: int | None = Field(
        default=None, description="One of the company's applications; else a sample"
    )


class PreviewOut(FromView):
    subject: str
    text: str
    html: str


class VariableOut(BaseModel):
    name: str
    description: str


@router.get("", response_model=list[EmailTemplateOut], responses=errors(401, 403))
def list_templates(caller: Caller, db: Db) -> list[EmailTemplateOut]:
    """Staff: every kind, its default first; a kind the company has not written shows its built-in."""
    return [EmailTemplateOut.model_validate(v) for v in templates.list_templates(db, caller)]


@router.post("", response_model=EmailTemplateOut, status_code=201, responses=errors(401, 403, 409, 422))
def create_template(body: EmailTemplateIn, caller: Caller, db: Db) -> EmailTemplateOut:
    """Recruiters: a new named template. 422 names an unknown variable or a tag a template may not
    hold; 409 when the kind already has a template of that name."""
    return EmailTemplateOut.model_validate(templates.create_template(db, caller, body.model_dump()))


@router.get("/variables", response_model=dict[str, list[VariableOut]], responses=errors(401, 403))
def variables(caller: Caller) -> dict[str, list[VariableOut]]:
    """Staff: the variables each kind of template may use, with what they hold."""
    return {
        kind: [VariableOut(name=name, description=words) for name, words in found]
        for kind, found in templates.kind_variables(caller).items()
    }


@router.post("/preview", response_model=PreviewOut, responses=errors(401, 403, 404, 422))
def preview(body: PreviewIn, caller: Caller, db: Db) -> PreviewOut:
    """Staff: the email a template makes, on one of the company's applications or on a sample."""
    return PreviewOut.model_validate(templates.preview(db, caller, body.model_dump()))


@router.get("/{template_id}", response_model=EmailTemplateOut, responses=errors(401, 403, 404, 422))
def get_template(template_id: int, caller: Caller, db: Db) -> EmailTemplateOut:
    return EmailTemplateOut.model_validate(templates.get_template(db, caller, template_id))


@router.put("/{template_id}", response_model=EmailTemplateOut, responses=errors(401, 403, 404, 409, 422))
def update_template(template_id: int, body: EmailTemplateUpdate, caller: Caller, db: Db) -> EmailTemplateOut:
    """Recruiters: name, subject, body; ``is_default: true`` makes it the kind's default."""
    return EmailTemplateOut.model_validate(
        templates.update_template(db, caller, template_id, body.model_dump(exclude_none=True))
    )


@router.delete("/{template_id}", status_code=204, responses=errors(401, 403, 404, 422))
def delete_template(template_id: int, caller: Caller, db: Db) -> None:
    """Recruiters: when it was the default, the next of its kind (or the built-in one) takes over."""
    templates.delete_template(db, caller, template_id)
