"""Request and response bodies of the REST API (the original FlowTrack API's shapes, extended)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.stages import Stage


class ErrorOut(BaseModel):
    detail: str | list[Any] | dict[str, Any] = Field(description="What went wrong, in words.")
    allowed_stages: list[Stage] | None = Field(
        default=None, description="On a refused stage move: the stages the application may move to."
    )
    current_stage: Stage | None = None


class RegisterIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    full_name: str = Field(max_length=120)
    role: str = Field(default=Role.CANDIDATE, max_length=40)
    company_id: int | None = Field(default=None, description="Ignored: candidates belong to no company.")


class LoginJSON(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


class PasswordIn(BaseModel):
    current_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)


class PasswordResetRequestIn(BaseModel):
    email: str = Field(max_length=254)


class PasswordResetIn(BaseModel):
    password: str = Field(max_length=128)


class AcceptedOut(BaseModel):
    detail: str


class LoginForm(BaseModel):
    username: str = Field(max_length=254)
    password: str = Field(max_length=128)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserOut(BaseModel):
    id: int
    email: str
    full_name: str
    role: Role
    company_id: int | None


class CompanyIn(BaseModel):
    company_name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    full_name: str = Field(max_length=120)


class InvitationIn(BaseModel):
    email: str = Field(max_length=254)
    role: str = Field(max_length=40, description="recruiter or hiring_manager")


class InvitationOut(BaseModel):
    token: str
    accept_url: str
    expires_at: datetime
    email: str
    role: Role


class AcceptIn(BaseModel):
    password: str = Field(max_length=128)
    full_name: str = Field(max_length=120)


class JobIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    location: str | None = Field(default=None, max_length=200)
    company_id: int | None = Field(
        default=None, description="Ignored: a job always belongs to the caller's company."
    )


class JobOut(BaseModel):
    id: int
    title: str
    description: str | None
    location: str
    status: str
    company_id: int
    company_name: str
    created_by_id: int
    created_at: datetime
    updated_at: datetime


class DeleteOut(BaseModel):
    message: str
    status: str = Field(description="deleted, or closed when the job has applications")


class ApplicationOut(BaseModel):
    id: int
    candidate_id: int
    job_id: int
    stage: Stage
    version: int
    created_at: datetime
    updated_at: datetime


class HistoryOut(BaseModel):
    id: int
    application_id: int
    old_stage: Stage | None
    new_stage: Stage
    changed_by_id: int
    changed_by_name: str
    changed_at: datetime
    note: str | None


class EmailOut(BaseModel):
    id: int
    kind: str
    to_address: str
    subject: str
    status: Literal["queued", "sent", "failed"]
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    attempts: int


class TimelineOut(BaseModel):
    id: int
    application_id: int
    old_stage: Stage | None
    new_stage: Stage
    changed_at: datetime


class HealthOut(BaseModel):
    status: str
    database: str
