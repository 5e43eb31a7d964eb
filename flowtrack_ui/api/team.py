"""/api/team, /api/invitations/{id}, /api/company/security and /api/audit: running a company."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from flowtrack_ui.core import audit
from flowtrack_ui.core.accounts import team, two_factor
from flowtrack_ui.core.errors import InvalidInput
from flowtrack_ui.core.notifications import invitation_link
from flowtrack_ui.core.permissions import Role

from .deps import Caller, ClientAddress, Db
from .errors import errors
from .schemas import FromView, InvitationOut

router = APIRouter(prefix="/api", tags=["team"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class MemberOut(FromView):
    id: int
    email: str
    full_name: str
    role: Role
    active: bool
    last_sign_in_at: datetime | None
    totp_enabled: bool
    is_you: bool


class PendingInvitationOut(FromView):
    id: int
    email: str
    role: Role
    invited_by: str
    created_at: datetime
    expires_at: datetime
    expired: bool


class TeamOut(FromView):
    members: list[MemberOut]
    invitations: list[PendingInvitationOut]
    can_manage: bool = Field(description="Whether the caller may change roles, deactivate and revoke")


class MemberPatchIn(BaseModel):
    """Either or both; a field left out keeps its value."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = Field(default=None, description="recruiter or hiring_manager")
    active: bool | None = Field(
        default=None, description="false deactivates (sessions and tokens end at once)"
    )


class SecurityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    require_2fa: bool
    sso_only: bool | None = Field(
        default=None, description="Needs single sign-on set up first (409 otherwise)"
    )


class SecurityOut(FromView):
    require_2fa: bool
    sso_only: bool
    sso_configured: bool
    staff_without_2fa: int


class AuditOut(FromView):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    target: str
    details: dict
    client: str


@router.get("/team", response_model=TeamOut, responses=errors(401, 403))
def get_team(caller: Caller, db: Db) -> TeamOut:
    """Staff: the company's members and its invitations not yet used."""
    return TeamOut.model_validate(team.team(db, caller))


@router.patch("/team/{user_id}", response_model=MemberOut, responses=errors(401, 403, 404, 409, 422))
def patch_member(
    user_id: Id, body: MemberPatchIn, caller: Caller, db: Db, client: ClientAddress
) -> MemberOut:
    """Recruiters: change a member's role or deactivate / reactivate them. 409 for the company's last
    active recruiter (they stay) and for deactivating yourself; another company's member is 404."""
    if body.role is None and body.active is None:
        raise InvalidInput("Send role, active, or both.")
    member = None
    if body.role is not None:
        member = team.change_role(db, caller, user_id, body.role, client)
    if body.active is not None:
        member = team.set_active(db, caller, user_id, body.active, client)
    return MemberOut.model_validate(member)


@router.delete(
    "/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404, 422),
    tags=["invitations"],
)
def revoke_invitation(invitation_id: Id, caller: Caller, db: Db, client: ClientAddress) -> Response:
    """Recruiters: the invitation's link stops working."""
    team.revoke_invitation(db, caller, invitation_id, client)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/invitations/{invitation_id}/resend",
    response_model=InvitationOut,
    responses=errors(401, 403, 404, 422),
    tags=["invitations"],
)
def resend_invitation(invitation_id: Id, caller: Caller, db: Db, client: ClientAddress) -> InvitationOut:
    """Recruiters: a new link for another week, emailed again; the previous link stops working."""
    inv = team.resend_invitation(db, caller, invitation_id, client)
    return InvitationOut(
        token=inv.token,
        accept_url=invitation_link(inv.token),
        expires_at=inv.expires_at,
        email=inv.email,
        role=Role(inv.role),
    )


@router.get("/company/security", response_model=SecurityOut, responses=errors(401, 403), tags=["company"])
def get_security(caller: Caller, db: Db) -> SecurityOut:
    """Recruiters: the company's sign-in requirements."""
    return SecurityOut.model_validate(two_factor.policy(db, caller))


@router.put(
    "/company/security", response_model=SecurityOut, responses=errors(401, 403, 409, 422), tags=["company"]
)
def put_security(body: SecurityIn, caller: Caller, db: Db, client: ClientAddress) -> SecurityOut:
    """Recruiters: ``require_2fa`` makes staff without two-factor sign-in enrol before anything else."""
    return SecurityOut.model_validate(
        two_factor.set_policy(db, caller, body.require_2fa, body.sso_only, client)
    )


def _events(
    caller: Caller,
    db: Db,
    since: datetime | None,
    actor: int | None,
    action: str | None,
    limit: int,
) -> list[audit.AuditRow]:
    return audit.events(db, caller, since=since, actor_id=actor, action=action, limit=limit)


Since = Annotated[datetime | None, Query(description="Only rows at or after this time (ISO 8601)")]
Actor = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Only this member's actions")]
ActionQ = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=60,
        description='A whole action ("member.deactivated") or a prefix ("member.")',
    ),
]


@router.get("/audit", response_model=list[AuditOut], responses=errors(401, 403, 422), tags=["audit"])
def get_audit(
    caller: Caller,
    db: Db,
    since: Since = None,
    actor: Actor = None,
    action: ActionQ = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditOut]:
    """Recruiters: who did what to the company's administration, newest first."""
    return [AuditOut.model_validate(r) for r in _events(caller, db, since, actor, action, limit)]


@router.get(
    "/audit.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The rows as CSV"}, **errors(401, 403, 422)},
    tags=["audit"],
)
def get_audit_csv(
    caller: Caller,
    db: Db,
    client: ClientAddress,
    since: Since = None,
    actor: Actor = None,
    action: ActionQ = None,
) -> Response:
    """Recruiters: the same rows as CSV (up to 10,000)."""
    body = audit.export_csv(db, caller, since=since, actor_id=actor, action=action, client=client)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="flowtrack-audit.csv"'},
    )
