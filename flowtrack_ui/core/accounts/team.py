"""The team: a company's members and pending invitations; roles, deactivation, revoking.

Staff read it; recruiters manage it. Nobody grants more than they have (the invitation rule:
``INVITE_ACTION``). The company always keeps one active recruiter: the last one can be neither
demoted nor deactivated (checked with the recruiters' rows locked, so two recruiters demoting
each other at once cannot both succeed). Deactivating ends the member's sessions and API tokens
at once (``is_active`` and the token version are read on every request and event) and wakes the
company's open pages, whose live tasks then find the session gone; the member's history rows,
notes and scorecards stay, under their name. Reactivating lets them sign in again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from .. import audit, notifications
from ..changes import company_topic, job_topic
from ..db import Database, announce
from ..errors import Conflict, InvalidInput, NotFound
from ..models import Invitation, Job, User
from ..permissions import INVITE_ACTION, STAFF_ROLES, Action, Principal, Role, may, require
from ..views import InvitationView
from .invitations import INVITATION_TTL, _token_hash


@dataclass(frozen=True)
class Member:
    id: int
    email: str
    full_name: str
    role: str
    active: bool
    last_sign_in_at: datetime | None
    totp_enabled: bool
    is_you: bool


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    email: str
    role: str
    invited_by: str
    created_at: datetime
    expires_at: datetime
    expired: bool


@dataclass(frozen=True)
class Team:
    members: list[Member]
    invitations: list[PendingInvitation]
    can_manage: bool


LAST_RECRUITER = (
    "{name} is the company's last active recruiter: make someone else a recruiter first, "
    "so somebody can still manage the company."
)


def team(db: Database, principal: Principal) -> Team:
    """Members (active first, then by name) and invitations not yet used (newest first)."""
    require(principal, Action.READ_TEAM)
    company = principal.staff_company_id
    now = datetime.now(UTC)
    with db.session() as s:
        users = s.exec(
            select(User).where(User.company_id == company, User.erased_at.is_(None))  # type: ignore[union-attr]
        ).all()
        inviter = sa.orm.aliased(User)
        invitations = s.exec(
            select(Invitation, inviter.full_name)
            .join(inviter, inviter.id == Invitation.invited_by_id)  # type: ignore[arg-type]
            .where(Invitation.company_id == company, Invitation.used_at.is_(None))  # type: ignore[union-attr]
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())  # type: ignore[attr-defined, union-attr]
        ).all()
    members = sorted(
        (
            Member(
                id=u.id or 0,
                email=u.email,
                full_name=u.full_name,
                role=u.role,
                active=u.is_active,
                last_sign_in_at=u.last_sign_in_at,
                totp_enabled=u.totp_enabled_at is not None,
                is_you=u.id == principal.user_id,
            )
            for u in users
        ),
        key=lambda m: (not m.active, m.full_name.lower(), m.id),
    )
    return Team(
        members=members,
        invitations=[
            PendingInvitation(
                id=inv.id or 0,
                email=inv.email,
                role=inv.role,
                invited_by=name,
                created_at=inv.created_at,
                expires_at=inv.expires_at,
                expired=inv.expires_at <= now,
            )
            for inv, name in invitations
        ],
        can_manage=may(principal, Action.MANAGE_TEAM),
    )


def _member(s: Session, principal: Principal, user_id: object) -> User:
    """A member of the caller's company, locked for this transaction; anyone else is not found."""
    user = (
        s.exec(select(User).where(User.id == user_id).with_for_update()).first()
        if isinstance(user_id, int) and not isinstance(user_id, bool)
        else None
    )
    if user is None or user.company_id != principal.staff_company_id or user.erased_at is not None:
        raise NotFound("No such member of your company.")
    return user


def _other_active_recruiters(s: Session, company_id: int, but: int) -> int:
    """Active recruiters of the company other than ``but``, their rows locked until commit."""
    rows = s.exec(
        select(User.id)
        .where(
            User.company_id == company_id,
            User.role == Role.RECRUITER.value,
            User.is_active.is_(True),  # type: ignore[attr-defined]
            User.erased_at.is_(None),  # type: ignore[union-attr]
            User.id != but,
        )
        .with_for_update()
    ).all()
    return len(rows)


def _wake_open_pages(s: Session, company_id: int) -> None:
    """Every page of the company's staff that follows a topic re-checks its session now."""
    job_ids = s.exec(select(Job.id).where(Job.company_id == company_id)).all()
    announce(s, company_topic(company_id), *(job_topic(j) for j in job_ids if j is not None))


def change_role(
    db: Database, principal: Principal, user_id: int, role: str, client: str | None = None
) -> Member:
    """Make a member a recruiter or a hiring manager (never above the caller's own role)."""
    require(principal, Action.MANAGE_TEAM)
    try:
        new_role = Role(str(role))
    except ValueError:
        new_role = None
    if new_role not in STAFF_ROLES:
        raise InvalidInput("A member is a recruiter or a hiring_manager.")
    require(principal, INVITE_ACTION[new_role])  # nobody grants more than they have
    with db.session(write=True) as s:
        user = _member(s, principal, user_id)
        old = user.role
        if old == new_role.value:
            return _as_member(user, principal)
        if old == Role.RECRUITER.value and user.is_active:
            if _other_active_recruiters(s, principal.staff_company_id, user.id or 0) == 0:
                raise Conflict(LAST_RECRUITER.format(name=user.full_name))
        user.role = new_role.value
        s.add(user)
        audit.record(
            s,
            principal,
            "member.role_changed",
            f"user {user.id} {user.email}",
            {"from": old, "to": new_role.value},
            client,
        )
        _wake_open_pages(s, principal.staff_company_id)
        return _as_member(user, principal)


def set_active(
    db: Database, principal: Principal, user_id: int, active: bool, client: str | None = None
) -> Member:
    """Deactivate (every session and token of the member ends at once) or reactivate a member."""
    require(principal, Action.MANAGE_TEAM)
    if not isinstance(active, bool):
        raise InvalidInput("active is true or false.")
    with db.session(write=True) as s:
        user = _member(s, principal, user_id)
        if user.is_active == active:
            return _as_member(user, principal)
        if not active:
            if user.id == principal.user_id:
                raise Conflict("You cannot deactivate your own account: ask another recruiter.")
            if user.role == Role.RECRUITER.value and (
                _other_active_recruiters(s, principal.staff_company_id, user.id or 0) == 0
            ):
                raise Conflict(LAST_RECRUITER.format(name=user.full_name))
        user.is_active = active
        user.token_version += 1  # sessions of before end either way
        s.add(user)
        audit.record(
            s,
            principal,
            "member.reactivated" if active else "member.deactivated",
            f"user {user.id} {user.email}",
            {},
            client,
        )
        _wake_open_pages(s, principal.staff_company_id)
        return _as_member(user, principal)


def _as_member(user: User, principal: Principal) -> Member:
    return Member(
        id=user.id or 0,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        active=user.is_active,
        last_sign_in_at=user.last_sign_in_at,
        totp_enabled=user.totp_enabled_at is not None,
        is_you=user.id == principal.user_id,
    )


def _pending(s: Session, principal: Principal, invitation_id: object) -> Invitation:
    inv = s.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if inv is None or inv.company_id != principal.staff_company_id or inv.used_at is not None:
        raise NotFound("No such pending invitation.")
    return inv


def revoke_invitation(
    db: Database, principal: Principal, invitation_id: int, client: str | None = None
) -> None:
    """The link stops working at once (the row goes: an unused invitation holds nothing else)."""
    require(principal, Action.MANAGE_TEAM)
    with db.session(write=True) as s:
        inv = _pending(s, principal, invitation_id)
        audit.record(
            s, principal, "invitation.revoked", f"invitation {inv.id} {inv.email}", {"role": inv.role}, client
        )
        s.delete(inv)


def resend_invitation(
    db: Database, principal: Principal, invitation_id: int, client: str | None = None
) -> InvitationView:
    """A new link (the old one stops working) valid for another week, emailed again."""
    require(principal, Action.MANAGE_TEAM)
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + INVITATION_TTL
    with db.session(write=True) as s:
        inv = _pending(s, principal, invitation_id)
        require(principal, INVITE_ACTION[Role(inv.role)])
        inv.token_hash = _token_hash(token)
        inv.expires_at = expires_at
        s.add(inv)
        notifications.staff_invitation(
            s, principal.user_id, principal.staff_company_id, inv.email, inv.role, token, expires_at
        )
        audit.record(
            s, principal, "invitation.resent", f"invitation {inv.id} {inv.email}", {"role": inv.role}, client
        )
        return InvitationView(token=token, email=inv.email, role=inv.role, expires_at=expires_at)
