"""Invitations: a company's staff invite a colleague, who makes their account with the link."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from .. import audit, notifications, security, validation
from ..db import Database, existing
from ..errors import Conflict, InvalidInput, NotFound
from ..models import Company, Invitation, User
from ..permissions import INVITE_ACTION, STAFF_ROLES, Action, Principal, Role, require
from ..views import InvitationView, UserView
from . import email_ownership, password_policy
from .users import add_user, user_view

INVITATION_TTL = timedelta(days=7)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_staff(db: Database, principal: Principal, email: str, role: str) -> InvitationView:
    """An invitation to join the caller's company; the token is returned once, only its hash kept.

    Nobody invites a role with more rights than their own: hiring managers invite hiring managers.
    """
    require(principal, Action.INVITE_STAFF)
    email = validation.email(email)
    try:
        role_ = Role(str(role))
    except ValueError:
        role_ = None
    if role_ not in STAFF_ROLES:
        raise InvalidInput("An invitation is for a recruiter or a hiring_manager.")
    require(principal, INVITE_ACTION[role_])
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + INVITATION_TTL
    with db.session(write=True) as s:
        email_ownership.ensure_not_owned(s, email)  # an unconfirmed holder never blocks the owner
        s.add(
            Invitation(
                company_id=principal.staff_company_id,
                email=email,
                role=role_,
                token_hash=_token_hash(token),
                invited_by_id=principal.user_id,
                expires_at=expires_at,
            )
        )
        notifications.staff_invitation(
            s, principal.user_id, principal.staff_company_id, email, role_, token, expires_at
        )
        audit.record(s, principal, "invitation.sent", f"invitation {email}", {"role": role_.value})
    return InvitationView(token=token, email=email, role=role_, expires_at=expires_at)


def _open_invitation(s: Session, token: str) -> Invitation:
    if not isinstance(token, str) or not 10 <= len(token) <= 200:
        raise NotFound("This invitation link is not valid.")
    inv = s.exec(select(Invitation).where(Invitation.token_hash == _token_hash(token))).first()
    if inv is None:
        raise NotFound("This invitation link is not valid.")
    if inv.used_at is not None:
        raise Conflict("This invitation has already been used; please sign in.")
    if inv.expires_at <= datetime.now(UTC):
        raise Conflict("This invitation has expired; ask your company for a new one.")
    return inv


def describe_invitation(db: Database, token: str) -> dict:
    """What the accept page shows: the company, the email and the role offered, and whether an
    account that never confirmed the address holds it (accepting erases that account, so the page
    says so before anyone accepts; only the link's holder, who reads the address, sees it)."""
    with db.session() as s:
        inv = _open_invitation(s, token)
        company = existing(s, Company, inv.company_id)
        holder = s.exec(select(User).where(User.email == inv.email)).first()
        return {
            "email": inv.email,
            "role": inv.role,
            "company_name": company.name,
            "replaces_unconfirmed_account": holder is not None and holder.email_verified_at is None,
        }


def accept_invitation(db: Database, token: str, password: str, full_name: str) -> UserView:
    """Creates the staff account; the token works once (a conditional UPDATE marks it used).

    This is the only way an invitation makes an account: by its token, never by matching the email.
    The link proves the address, so the account is confirmed and an unconfirmed holder of the
    address is erased (a confirmed one refuses: they sign in instead).
    """
    full_name = validation.person_name(full_name)
    with db.session() as s:
        invited_email = _open_invitation(s, token).email
    password_hash = security.hash_password(password_policy.check(password, invited_email))
    with db.session(write=True) as s:
        inv = _open_invitation(s, token)
        claimed = s.exec(
            Invitation.__table__.update()
            .where(Invitation.id == inv.id, Invitation.used_at.is_(None))
            .values(used_at=datetime.now(UTC))
        )
        if claimed.rowcount != 1:
            raise Conflict("This invitation has already been used; please sign in.")
        email_ownership.release_address(s, inv.email)
        user = add_user(
            s,
            User(
                email=inv.email,
                full_name=full_name,
                role=inv.role,
                company_id=inv.company_id,
                password_hash=password_hash,
                email_verified_at=datetime.now(UTC),
            ),
        )
        return user_view(user, s.get(Company, inv.company_id))
