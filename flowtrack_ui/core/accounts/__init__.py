"""Use cases for accounts: sign-up, company sign-up, invitations, sign-in, tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import notifications, security, throttle, validation
from ..db import Database
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from ..models import Company, Invitation, User
from ..permissions import INVITE_ACTION, STAFF_ROLES, Action, Principal, Role, require
from ..views import InvitationView, UserView
from . import companies, company_names, email_ownership, password_policy

INVITATION_TTL = timedelta(days=7)


def _user_view(user: User, company: Company | None = None) -> UserView:
    return UserView(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        company_id=user.company_id,
        company_name=company.name if company else None,
    )


def _add_user(session: Session, user: User) -> User:
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(email_ownership.TAKEN) from None
    return user


@dataclass(frozen=True)
class SignUp:
    """A candidate sign-up's outcome: the new account (its address still to confirm by the emailed
    link), or None when an unconfirmed account holds the address: then the link makes the account."""

    email: str
    user: UserView | None


def register_candidate(db: Database, email: str, password: str, full_name: str) -> SignUp:
    """Public sign-up: always a candidate, never staff. The address is confirmed by an emailed link.

    An address a confirmed account holds is refused; one an unconfirmed account holds becomes a
    sign-up claim (email_ownership.claim_address), so the holder never blocks the real owner.
    """
    email = validation.email(email)
    password = password_policy.check(password, email)
    full_name = validation.person_name(full_name)
    password_hash = security.hash_password(password)
    with db.session(write=True) as s:
        if email_ownership.ensure_not_owned(s, email) is not None:
            email_ownership.claim_address(s, email, full_name, password_hash)
            return SignUp(email=email, user=None)
        user = _add_user(
            s,
            User(email=email, full_name=full_name, role=Role.CANDIDATE, password_hash=password_hash),
        )
        email_ownership.send_link(s, user)
        return SignUp(email=email, user=_user_view(user))


def register(db: Database, email: str, password: str, full_name: str, role: str) -> SignUp:
    """The public register call of the API: any role but candidate is refused."""
    if str(role) != Role.CANDIDATE:
        raise Forbidden(
            "Public sign-up creates candidate accounts only. Staff accounts come from company "
            "sign-up (POST /api/companies) or an invitation from your company's staff."
        )
    return register_candidate(db, email, password, full_name)


def register_company(db: Database, company_name: str, email: str, password: str, full_name: str) -> SignUp:
    """Company sign-up: the company and its first recruiter, in one transaction.

    The recruiter's address is confirmed by the emailed link. An address a confirmed account holds
    is refused; one an unconfirmed account holds becomes a sign-up claim that makes the company and
    its recruiter when the link is used (``user`` is None then), like a candidate's sign-up.
    """
    company_name = company_names.clean(company_name)
    email = validation.email(email)
    password = password_policy.check(password, email)
    full_name = validation.person_name(full_name)
    password_hash = security.hash_password(password)
    with db.session(write=True) as s:
        companies.ensure_name_free(s, company_name)
        if email_ownership.ensure_not_owned(s, email) is not None:
            email_ownership.claim_address(s, email, full_name, password_hash, company_name=company_name)
            return SignUp(email=email, user=None)
        company = companies.create(s, company_name)
        user = _add_user(
            s,
            User(
                email=email,
                full_name=full_name,
                role=Role.RECRUITER,
                company_id=company.id,
                password_hash=password_hash,
            ),
        )
        email_ownership.send_link(s, user)  # nothing vouches for the address yet
        return SignUp(email=email, user=_user_view(user, company))


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
                company_id=principal.company_id,
                email=email,
                role=role_,
                token_hash=_token_hash(token),
                invited_by_id=principal.user_id,
                expires_at=expires_at,
            )
        )
        notifications.staff_invitation(
            s, principal.user_id, principal.company_id, email, role_, token, expires_at
        )
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
        company = s.get(Company, inv.company_id)
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
        claimed = s.execute(
            Invitation.__table__.update()
            .where(Invitation.id == inv.id, Invitation.used_at.is_(None))
            .values(used_at=datetime.now(UTC))
        )
        if claimed.rowcount != 1:
            raise Conflict("This invitation has already been used; please sign in.")
        email_ownership.release_address(s, inv.email)
        user = _add_user(
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
        return _user_view(user, s.get(Company, inv.company_id))


def authenticate(db: Database, email: str, password: str, client: str | None = None) -> UserView:
    """The user for these credentials, or Unauthenticated with one message for every failure.

    ``client`` is the caller's network address: failures are throttled per (email, address).
    """
    bad = Unauthenticated("Incorrect email or password.")
    if not isinstance(email, str) or not isinstance(password, str):
        raise bad
    email = email.strip().lower()
    if not email or len(email) > 254 or len(password) > 128:
        raise bad
    throttle.begin_attempt(db, email, client)  # TooManyAttempts after 5 failures in 15 minutes
    with db.session() as s:
        user = s.exec(select(User).where(User.email == email)).first()
    if user is None:
        security.dummy_verify(password)
        raise bad
    if not security.verify_password(password, user.password_hash) or not user.is_active:
        raise bad
    throttle.succeeded(db, email, client)
    return _user_view(user)


def login(db: Database, email: str, password: str, client: str | None = None) -> str:
    """Sign in: an access token for these credentials."""
    view = authenticate(db, email, password, client)
    with db.session() as s:
        user = s.get(User, view.id)
        return security.create_access_token(user.id, user.token_version)


def issue_token(db: Database, user_id: int) -> str:
    with db.session() as s:
        user = s.get(User, user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("Please sign in.")
        return security.create_access_token(user.id, user.token_version)


_USERS = User.__table__
# Every request re-reads its caller: one prebuilt statement on a plain connection (no ORM session,
# no identity map), so a changed password, role or sign-out is seen by the very next request.
_CALLER = sa.select(
    _USERS.c.id,
    _USERS.c.role,
    _USERS.c.company_id,
    _USERS.c.email,
    _USERS.c.full_name,
    _USERS.c.is_active,
    _USERS.c.token_version,
).where(_USERS.c.id == sa.bindparam("user_id"))


def principal_from_token(db: Database, token: str | None) -> Principal:
    """The signed-in user behind a token, re-read from the database on every call."""
    if not token:
        raise Unauthenticated("Please sign in.")
    claims = security.decode_access_token(token)
    with db.engine.connect() as conn:
        user = conn.execute(_CALLER, {"user_id": int(claims["sub"])}).first()
    if user is None or not user.is_active or claims.get("tv", 0) != user.token_version:
        raise Unauthenticated("Your session has ended; please sign in again.")
    return Principal(
        user_id=user.id,
        role=Role(user.role),
        company_id=user.company_id,
        email=user.email,
        full_name=user.full_name,
    )


def logout(db: Database, principal: Principal) -> None:
    """Ends every token issued to this user so far."""
    with db.session(write=True) as s:
        s.execute(
            User.__table__.update()
            .where(User.id == principal.user_id)
            .values(token_version=User.token_version + 1)
        )


def change_password(
    db: Database,
    principal: Principal,
    current_password: str,
    new_password: str,
    client: str | None = None,
) -> str:
    """Set a new password; every earlier token ends, and a fresh one for this session is returned.

    A wrong current password counts as a failed sign-in for the throttle.
    """
    new_password = password_policy.check(new_password, principal.email)
    if not isinstance(current_password, str) or len(current_password) > 128:
        raise InvalidInput("Your current password is not correct.")
    throttle.begin_attempt(db, principal.email, client)
    with db.session() as s:
        user = s.get(User, principal.user_id)
    if user is None or not security.verify_password(current_password, user.password_hash):
        raise InvalidInput("Your current password is not correct.")
    throttle.succeeded(db, principal.email, client)
    if current_password == new_password:
        raise InvalidInput("The new password must differ from the current one.")
    new_hash = security.hash_password(new_password)
    with db.session(write=True) as s:
        s.execute(
            User.__table__.update()
            .where(User.id == principal.user_id)
            .values(password_hash=new_hash, token_version=User.token_version + 1)
        )
        user = s.get(User, principal.user_id)
        s.refresh(user)
        return security.create_access_token(user.id, user.token_version)


def me(db: Database, principal: Principal) -> UserView:
    with db.session() as s:
        user = s.get(User, principal.user_id)
        company = s.get(Company, user.company_id) if user.company_id else None
        return _user_view(user, company)
