"""Email ownership: an account proves it reads its address with an emailed link.

Until it does, nothing addressed to that address is shown to the account or merged into it (its
export holds only the emails of its own records), and it never blocks the address's real owner:
staff may be invited at the address and the invitation accepted, and a sign-up with the address
becomes a claim whose emailed link erases the unconfirmed holder and makes the new account. The
holder is never erased on the spot, so nobody can wipe an owner who has not clicked yet. A
confirmed holder keeps its address: the others get "already exists; please sign in".

Links are random tokens stored as a SHA-256, valid for 24 hours, and work once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import notifications
from ..careers import slugs
from ..db import Database
from ..errors import Conflict, DomainError, NotFound
from ..models import EmailVerification, SignUpClaim, User
from ..permissions import Principal, Role
from ..privacy import erase
from . import companies

VERIFY_TTL = timedelta(hours=24)
# More links than this for one account (or one claimed address) within the hour send no email.
MAX_LINKS_PER_HOUR = 3
TAKEN = "An account with this email already exists; please sign in instead."
# The erasure log's kind when an unconfirmed account is erased for its address's owner.
UNCONFIRMED = "unconfirmed"

_INVALID = "This confirmation link is not valid."


class TooManyLinks(DomainError):
    """Asked for more confirmation links than an hour allows (no mail bombing)."""

    status_code = 429


@dataclass(frozen=True)
class Confirmed:
    """What a used link did: ``account_created`` when it finished a sign-up claim."""

    user_id: int
    email: str
    account_created: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_link(s: Session, user: User, now: datetime | None = None) -> bool:
    """Email the account a confirmation link, in the caller's transaction; False when the hourly
    limit is reached (nothing is sent then)."""
    now = now or datetime.now(UTC)
    recent = s.exec(
        select(func.count())
        .select_from(EmailVerification)
        .where(EmailVerification.user_id == user.id, EmailVerification.created_at > now - timedelta(hours=1))
    ).one()
    if recent >= MAX_LINKS_PER_HOUR:
        return False
    token = secrets.token_urlsafe(32)
    expires_at = now + VERIFY_TTL
    s.add(EmailVerification(user_id=user.id, token_hash=_hash(token), expires_at=expires_at, created_at=now))
    notifications.email_verification(s, user, token, expires_at)
    return True


def resend_link(db: Database, principal: Principal) -> None:
    """A new link for the signed-in caller's own address (the old ones keep working until used)."""
    with db.session(write=True) as s:
        user = s.get(User, principal.user_id)
        if user is None or not user.is_active:
            raise NotFound("No such account.")
        if user.email_verified_at is not None:
            raise Conflict("Your email address is already confirmed.")
        if not send_link(s, user):
            raise TooManyLinks(
                f"{MAX_LINKS_PER_HOUR} links were sent within the hour; use the newest one, or ask "
                "again later."
            )


def is_confirmed(db: Database, principal: Principal) -> bool:
    """Whether the signed-in caller's address is confirmed (the account page offers a new link if not)."""
    with db.session() as s:
        user = s.get(User, principal.user_id)
        return user is not None and user.email_verified_at is not None


def ensure_not_owned(s: Session, email: str) -> User | None:
    """Refuse an address a confirmed account holds; the unconfirmed holder (or None) otherwise."""
    holder = s.exec(select(User).where(User.email == email)).first()
    if holder is not None and holder.email_verified_at is not None:
        raise Conflict(TAKEN)
    return holder


def release_address(s: Session, email: str) -> None:
    """Free ``email`` for the person who just proved they read it (an emailed link), in the
    caller's transaction: an unconfirmed holder is erased with everything it held (the erase use
    case: its applications stay, anonymous); a confirmed holder refuses with Conflict.

    Every path that gives an address to its proven owner calls this, so the rule lives here once.
    """
    holder = ensure_not_owned(s, email)
    if holder is None:
        return
    s.exec(delete(EmailVerification).where(EmailVerification.user_id == holder.id))
    erase.erase_account(s, holder, None, UNCONFIRMED)


def claim_address(
    s: Session,
    email: str,
    full_name: str,
    password_hash: str,
    now: datetime | None = None,
    company_name: str | None = None,
    company_slug: str | None = None,
) -> None:
    """A sign-up for an address an unconfirmed account holds: kept as a claim, its link emailed.
    With ``company_name`` it is a company sign-up: the link makes the company and its recruiter.

    Past the hourly limit for the address nothing is stored or sent (the caller's answer is the same).
    """
    now = now or datetime.now(UTC)
    s.exec(delete(SignUpClaim).where(SignUpClaim.expires_at <= now))
    recent = s.exec(
        select(func.count())
        .select_from(SignUpClaim)
        .where(SignUpClaim.email == email, SignUpClaim.created_at > now - timedelta(hours=1))
    ).one()
    if recent >= MAX_LINKS_PER_HOUR:
        return
    token = secrets.token_urlsafe(32)
    expires_at = now + VERIFY_TTL
    s.add(
        SignUpClaim(
            email=email,
            full_name=full_name,
            password_hash=password_hash,
            company_name=company_name,
            company_slug=company_slug,
            token_hash=_hash(token),
            expires_at=expires_at,
            created_at=now,
        )
    )
    notifications.sign_up_confirmation(s, email, full_name, token, expires_at)


def _check_open(used_at: datetime | None, expires_at: datetime, now: datetime) -> None:
    if used_at is not None:
        raise Conflict("This confirmation link has already been used.")
    if expires_at <= now:
        raise Conflict("This confirmation link has expired; ask for a new one.")


def _confirm_account(s: Session, link: EmailVerification, now: datetime) -> Confirmed:
    _check_open(link.used_at, link.expires_at, now)
    user = s.get(User, link.user_id)
    if user is None or not user.is_active or user.erased_at is not None:
        raise NotFound(_INVALID)
    claimed = s.exec(
        update(EmailVerification)
        .where(EmailVerification.id == link.id, EmailVerification.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise Conflict("This confirmation link has already been used.")
    # One confirmation is enough: the account's other links stop working.
    s.execute(
        update(EmailVerification)
        .where(EmailVerification.user_id == user.id, EmailVerification.used_at.is_(None))
        .values(used_at=now)
    )
    s.execute(
        update(User).where(User.id == user.id, User.email_verified_at.is_(None)).values(email_verified_at=now)
    )
    return Confirmed(user_id=user.id, email=user.email, account_created=False)


def _complete_claim(s: Session, claim: SignUpClaim, now: datetime) -> Confirmed:
    _check_open(claim.used_at, claim.expires_at, now)
    company_name, company_slug = claim.company_name, claim.company_slug
    # Two links for one address used at once: the second waits here (PostgreSQL), then finds its
    # claim gone and answers "already used" instead of racing to make a second account.
    same_address = select(SignUpClaim.id).where(SignUpClaim.email == claim.email)
    s.exec(same_address.order_by(SignUpClaim.id).with_for_update()).all()
    claimed = s.exec(
        update(SignUpClaim)
        .where(SignUpClaim.id == claim.id, SignUpClaim.used_at.is_(None))
        # the used row keeps nothing personal
        .values(used_at=now, full_name="", password_hash="", company_name=None, company_slug=None)
    ).rowcount
    if claimed != 1:
        raise Conflict("This confirmation link has already been used.")
    s.exec(delete(SignUpClaim).where(SignUpClaim.email == claim.email, SignUpClaim.id != claim.id))
    release_address(s, claim.email)
    if company_slug and slugs.holder(s, company_slug) is not None:
        company_slug = None  # taken while the link waited: one is made from the name instead
    company = companies.create(s, company_name, company_slug) if company_name else None
    user = User(
        email=claim.email,
        full_name=claim.full_name,
        role=Role.RECRUITER if company else Role.CANDIDATE,
        company_id=company.id if company else None,
        password_hash=claim.password_hash,
        email_verified_at=now,
    )
    s.add(user)
    try:
        s.flush()
    except IntegrityError:  # an account took the address meanwhile
        raise Conflict(TAKEN) from None
    return Confirmed(user_id=user.id, email=user.email, account_created=True)


def confirm(db: Database, token: object) -> Confirmed:
    """Use a confirmation link: the account's address is confirmed, or a sign-up claim becomes its
    account (erasing an unconfirmed holder of the address). Works once, until it expires."""
    if not isinstance(token, str) or not 10 <= len(token) <= 200:
        raise NotFound(_INVALID)
    now = datetime.now(UTC)
    token_hash = _hash(token)
    with db.session(write=True) as s:
        link = s.exec(select(EmailVerification).where(EmailVerification.token_hash == token_hash)).first()
        if link is not None:
            return _confirm_account(s, link, now)
        claim = s.exec(select(SignUpClaim).where(SignUpClaim.token_hash == token_hash)).first()
        if claim is not None:
            # The claim's values are read before the UPDATE that clears them.
            s.expunge(claim)
            return _complete_claim(s, claim, now)
    raise NotFound(_INVALID)
