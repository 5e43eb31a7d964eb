"""The team page: members, pending invitations, the company's sign-in requirement and the audit
log. Hiring managers read the members and invitations; recruiters change roles, deactivate,
resend and revoke, require two-factor sign-in and read the audit log. The core checks every call
(``core/accounts/team.py``, ``two_factor.py``, ``core/audit.py``); the page only offers what
``may`` allows."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from flowtrack_ui.core import audit
from flowtrack_ui.core.accounts import invitations, team, two_factor
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.permissions import ROLE_LABELS, STAFF_ROLES, Action, Role, may

from .format import exact, relative
from .session import SessionState, db


@dataclasses.dataclass
class MemberItem:
    id: int
    name: str
    email: str
    role: str
    role_label: str
    active: bool
    last_sign_in: str
    last_sign_in_exact: str
    totp: bool
    is_you: bool


@dataclasses.dataclass
class InvitationItem:
    id: int
    email: str
    role_label: str
    invited_by: str
    expires: str
    expired: bool


@dataclasses.dataclass
class AuditItem:
    id: int
    at: str
    actor: str
    action: str
    target: str
    details: str
    client: str


class TeamPageState(SessionState):
    members: list[MemberItem] = []
    invitations: list[InvitationItem] = []
    can_manage: bool = False
    require_2fa: bool = False
    staff_without_2fa: int = 0
    audit_rows: list[AuditItem] = []
    audit_filter: str = ""
    # The member whose deactivation waits for confirmation (0: none).
    confirm_id: int = 0
    confirm_name: str = ""
    invite_open: bool = False
    invite_error: str = ""

    def _client(self) -> str:
        return self.router.session.client_ip

    def _read(self) -> None:
        p = self.principal()
        zone = self.time_zone
        t = team.team(db(), p)
        self.can_manage = t.can_manage
        self.members = [
            MemberItem(
                id=m.id,
                name=m.full_name,
                email=m.email,
                role=m.role,
                role_label=ROLE_LABELS[Role(m.role)],
                active=m.active,
                last_sign_in=relative(m.last_sign_in_at) if m.last_sign_in_at else "never",
                last_sign_in_exact=exact(m.last_sign_in_at, zone) if m.last_sign_in_at else "",
                totp=m.totp_enabled,
                is_you=m.is_you,
            )
            for m in t.members
        ]
        self.invitations = [
            InvitationItem(
                id=i.id,
                email=i.email,
                role_label=ROLE_LABELS[Role(i.role)],
                invited_by=i.invited_by,
                expires=exact(i.expires_at, zone),
                expired=i.expired,
            )
            for i in t.invitations
        ]
        if may(p, Action.SET_SECURITY_POLICY):
            policy = two_factor.policy(db(), p)
            self.require_2fa, self.staff_without_2fa = policy.require_2fa, policy.staff_without_2fa
        if may(p, Action.READ_AUDIT_LOG):
            self._read_audit()

    def _read_audit(self) -> None:
        wanted = self.audit_filter.strip() or None
        rows = audit.events(db(), self.principal(), action=wanted, limit=100)
        self.audit_rows = [
            AuditItem(
                id=r.id,
                at=exact(r.at, self.time_zone),
                actor=r.actor_name,
                action=r.action,
                target=r.target,
                details=json.dumps(r.details, sort_keys=True) if r.details else "",
                client=r.client,
            )
            for r in rows
        ]

    def _act(self, work, done: str | None = None):
        try:
            work(self.principal())
            self._read()
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            return rx.toast.error(exc.message, duration=8000)
        return rx.toast.success(done) if done else None

    @rx.event
    def load(self):
        self.confirm_id, self.confirm_name, self.invite_open, self.invite_error = 0, "", False, ""
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        try:
            self._read()
        except DomainError as exc:
            return self.refuse(exc)
        return None

    @rx.event
    def change_role(self, user_id: int, role: str):
        return self._act(
            lambda p: team.change_role(db(), p, user_id, role, self._client()),
            "Role changed. It applies to their very next click.",
        )

    @rx.event
    def ask_deactivate(self, user_id: int, name: str):
        self.confirm_id, self.confirm_name = int(user_id), str(name)[:120]

    @rx.event
    def close_confirm(self, open_: bool = False):
        if not open_:
            self.confirm_id, self.confirm_name = 0, ""

    @rx.event
    def deactivate(self):
        user_id, name = self.confirm_id, self.confirm_name
        self.confirm_id, self.confirm_name = 0, ""
        return self._act(
            lambda p: team.set_active(db(), p, user_id, False, self._client()),
            f"{name} is deactivated: their sessions and API tokens stopped.",
        )

    @rx.event
    def reactivate(self, user_id: int):
        return self._act(
            lambda p: team.set_active(db(), p, user_id, True, self._client()),
            "Reactivated: they can sign in again.",
        )

    @rx.event
    def resend(self, invitation_id: int):
        return self._act(
            lambda p: team.resend_invitation(db(), p, invitation_id, self._client()),
            "A new link is on its way; the previous one no longer works.",
        )

    @rx.event
    def revoke(self, invitation_id: int):
        return self._act(
            lambda p: team.revoke_invitation(db(), p, invitation_id, self._client()),
            "Invitation revoked: its link no longer works.",
        )

    @rx.event
    def set_invite_open(self, open_: bool):
        self.invite_open, self.invite_error = bool(open_), ""

    @rx.event
    def invite(self, form: dict):
        try:
            invitations.invite_staff(
                db(), self.principal(), str(form.get("email", "")), str(form.get("role", ""))
            )
            self._read()
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.invite_error = exc.message
            return None
        self.invite_open, self.invite_error = False, ""
        return rx.toast.success("Invitation sent.")

    @rx.event
    def set_require_2fa(self, value: bool):
        return self._act(
            lambda p: two_factor.set_policy(db(), p, bool(value), None, self._client()),
            "Staff now need two-factor sign-in; those without it set it up at their next sign-in."
            if value
            else "Two-factor sign-in is no longer required.",
        )

    @rx.event
    def filter_audit(self, form: dict):
        self.audit_filter = str(form.get("action", ""))[:60]
        try:
            self._read_audit()
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return None

    @rx.event
    def download_audit(self):
        try:
            body = audit.export_csv(
                db(), self.principal(), action=self.audit_filter.strip() or None, client=self._client()
            )
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.download(data=body, filename="flowtrack-audit.csv")
