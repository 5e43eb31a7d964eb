"""Two-factor sign-in with TOTP (RFC 6238, pyotp): enrolment, recovery codes, the second step.

Enrolling stores a fresh secret sealed at rest (``sealed.py``) and shows it as a QR code (an
inline SVG, segno); it counts only once a first code from the app confirms it, which also gives
ten single-use recovery codes, of which only SHA-256 hashes are kept. Disabling takes the
password and a code. A sign-in with the password of an account with two-factor on gives a
short-lived challenge token instead of a session (``SecondFactorRequired``); the challenge and a
code (or a recovery code, used once) then give the session. Codes are throttled like passwords,
per account and client address, in a bucket of their own: a correct password does not clear it.
A company may require two-factor sign-in of its staff (``set_policy``): until they enrol,
``Principal.must_enrol_2fa`` lets them do nothing but enrol.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import segno
import sqlalchemy as sa
from sqlmodel import Session, select

from .. import audit, sealed, security, throttle
from ..db import Database, existing
from ..errors import Conflict, DomainError, InvalidInput, Unauthenticated
from ..models import Company, CompanySso, RecoveryCode, User
from ..permissions import STAFF_ROLES, Action, Principal, Role, require
from .sso import keep_a_way_in

ISSUER = "FlowTrack"
RECOVERY_CODES = 10
CHALLENGE_TTL = timedelta(minutes=5)
_CHALLENGE_PURPOSE = "\x00two-factor challenge"
CODE_HELP = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
WRONG_CODE = "That code is not correct. " + CODE_HELP


class SecondFactorRequired(DomainError):
    """The password was right and the account has two-factor sign-in: send ``challenge_token``
    with a code to finish (REST: ``POST /api/auth/login/2fa``; the sign-in page's second step)."""

    status_code = 401

    def __init__(self, challenge_token: str):
        super().__init__("Enter the code from your authenticator app to finish signing in.")
        self.challenge_token = challenge_token


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str  # an inline <svg> of the URI, no external request


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    enabled_at: datetime | None
    recovery_codes_left: int
    required_by_company: bool


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _new_recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to misread: no 0/o, 1/l/i
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _challenge_secret() -> str:
    return security.jwt_secret() + _CHALLENGE_PURPOSE


def _qr_svg(uri: str) -> str:
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out,
        kind="svg",
        scale=5,
        border=2,
        xmldecl=False,
        svgns=True,
        title="QR code for your authenticator app",
    )
    return out.getvalue().decode()


def _totp_ok(s: Session, user: User, code: str) -> bool:
    """A current code of ``user``'s app, accepted once: its time step is stored, and a code of that
    step or an earlier one is refused afterwards (RFC 6238 §5.2), so a code seen over a shoulder
    or in a log cannot be replayed."""
    if not user.totp_secret_sealed:
        return False
    digits = "".join(ch for ch in code if not ch.isspace())
    if len(digits) != 6 or not digits.isdigit():
        return False
    totp = pyotp.TOTP(sealed.unseal(user.totp_secret_sealed))
    now = datetime.now(UTC)
    # One step either side: the phone's clock may be a little off.
    for offset in (0, -1, 1):
        moment = now + timedelta(seconds=totp.interval * offset)
        if hmac.compare_digest(totp.at(moment), digits):
            step = totp.timecode(moment)
            claimed = s.connection().execute(
                sa.update(User)
                .where(
                    User.id == user.id,  # type: ignore[arg-type]
                    sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),  # type: ignore[union-attr, operator]
                )
                .values(totp_last_step=step)
            )
            return claimed.rowcount == 1
    return False


def _use_recovery_code(s: Session, user_id: int, code: str) -> bool:
    """Spend a recovery code: a conditional UPDATE, so the same code never works twice."""
    normalised = _normalise_recovery(code)
    if len(normalised) != 10:
        return False
    code_hash = _hash(f"{normalised[:5]}-{normalised[5:]}")
    row = s.exec(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == code_hash,
            RecoveryCode.used_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if row is None:
        return False
    spent = s.connection().execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=datetime.now(UTC))
    )
    return spent.rowcount == 1


def _code_ok(s: Session, user: User, code: object) -> bool:
    """A current TOTP code of ``user``, or one of their unused recovery codes (spent here)."""
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        return False
    return _totp_ok(s, user, code) or _use_recovery_code(s, user.id or 0, code)


def _bucket(user_id: int) -> str:
    """The throttle's key for codes: apart from the password's, which a correct password clears."""
    return f"2fa:{user_id}"


def status(db: Database, principal: Principal) -> TwoFactorStatus:
    """Whether the caller has two-factor sign-in, how many recovery codes are left, and whether
    their company requires it."""
    require(principal, Action.MANAGE_OWN_CREDENTIALS)
    with db.session() as s:
        user = existing(s, User, principal.user_id)
        company = s.get(Company, user.company_id) if user.company_id else None
        left = s.exec(
            select(sa.func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))  # type: ignore[union-attr]
        ).one()
        return TwoFactorStatus(
            enabled=user.totp_enabled_at is not None,
            enabled_at=user.totp_enabled_at,
            recovery_codes_left=int(left) if user.totp_enabled_at else 0,
            required_by_company=bool(company and company.require_2fa and principal.role in STAFF_ROLES),
        )


def start_enrolment(db: Database, principal: Principal) -> Enrolment:
    """A fresh secret for the caller's authenticator app (replacing an unconfirmed one)."""
    require(principal, Action.MANAGE_OWN_CREDENTIALS)
    secret = pyotp.random_base32()
    with db.session(write=True) as s:
        user = existing(s, User, principal.user_id)
        if user.totp_enabled_at is not None:
            raise Conflict("Two-factor sign-in is already on. Turn it off first to enrol a new device.")
        user.totp_secret_sealed = sealed.seal(secret)
        user.totp_last_step = None  # a new secret: its codes start afresh
        s.add(user)
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Enrolment(secret=secret, otpauth_uri=uri, qr_svg=_qr_svg(uri))


def confirm_enrolment(db: Database, principal: Principal, code: str, client: str | None = None) -> list[str]:
    """The first code from the app turns two-factor sign-in on; the ten recovery codes are
    returned once (only their hashes are kept)."""
    require(principal, Action.MANAGE_OWN_CREDENTIALS)
    if not isinstance(code, str) or len(code) > 40:
        raise InvalidInput(CODE_HELP)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    throttle.begin_attempt(db, _bucket(principal.user_id), client)  # its own transaction: a failure counts
    with db.session(write=True) as s:
        user = existing(s, User, principal.user_id)
        if user.totp_enabled_at is not None:
            raise Conflict("Two-factor sign-in is already on.")
        if not user.totp_secret_sealed:
            raise Conflict("Start the set-up first: scan the QR code, then enter the code it shows.")
        if not _totp_ok(s, user, code):
            raise InvalidInput("That code is not correct. Enter the 6-digit code your app shows now.")
        user.totp_enabled_at = datetime.now(UTC)
        s.add(user)
        s.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))  # type: ignore[arg-type]
        for c in codes:
            s.add(RecoveryCode(user_id=user.id or 0, code_hash=_hash(c)))
        audit.record(s, principal, "2fa.enabled", f"user {user.id} {user.email}", {}, client)
    throttle.succeeded(db, _bucket(principal.user_id), client)
    return codes


def disable(db: Database, principal: Principal, password: str, code: str, client: str | None = None) -> None:
    """Turn two-factor sign-in off: the password and a current code (or a recovery code).

    Refused while the company requires it of its staff.
    """
    require(principal, Action.MANAGE_OWN_CREDENTIALS)
    with db.session() as s:
        user = existing(s, User, principal.user_id)
        company = s.get(Company, user.company_id) if user.company_id else None
        if user.totp_enabled_at is None:
            raise Conflict("Two-factor sign-in is not on.")
        if company is not None and company.require_2fa and principal.role in STAFF_ROLES:
            raise Conflict("Your company requires two-factor sign-in, so it cannot be turned off.")
        password_hash = user.password_hash
    if not isinstance(password, str) or len(password) > 128:
        raise InvalidInput("Your password is not correct.")
    throttle.begin_attempt(db, principal.email, client)
    if not security.verify_password(password, password_hash):
        raise InvalidInput("Your password is not correct.")
    throttle.succeeded(db, principal.email, client)
    throttle.begin_attempt(db, _bucket(principal.user_id), client)
    with db.session(write=True) as s:
        user = existing(s, User, principal.user_id)
        if not _code_ok(s, user, code):
            raise InvalidInput(WRONG_CODE)
        user.totp_secret_sealed = None
        user.totp_enabled_at = None
        s.add(user)
        s.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))  # type: ignore[arg-type]
        audit.record(s, principal, "2fa.disabled", f"user {user.id} {user.email}", {}, client)
    throttle.succeeded(db, _bucket(principal.user_id), client)


def challenge_for(user: User) -> SecondFactorRequired:
    """What a correct password of an account with two-factor on answers (sign_in.login)."""
    token = security.create_access_token(
        user.id or 0, user.token_version, ttl=CHALLENGE_TTL, secret=_challenge_secret()
    )
    return SecondFactorRequired(token)


def finish_sign_in(db: Database, challenge_token: str, code: str, client: str | None = None) -> str:
    """The second step: a valid challenge and a code (or a recovery code, once) → a session token."""
    if not isinstance(challenge_token, str):
        raise Unauthenticated("Sign in again: the first step has expired.")
    try:
        claims = security.decode_access_token(challenge_token, secret=_challenge_secret())
    except Unauthenticated:
        raise Unauthenticated("Sign in again: the first step has expired.") from None
    user_id = int(claims["sub"])
    expired = Unauthenticated("Sign in again: the first step has expired.")
    throttle.begin_attempt(db, _bucket(user_id), client)
    with db.session(write=True) as s:
        user = s.get(User, user_id)
        if (
            user is None
            or not user.is_active
            or user.totp_enabled_at is None
            or claims.get("tv", 0) != user.token_version
        ):
            raise expired
        if not _code_ok(s, user, code):
            raise InvalidInput(WRONG_CODE)
        user.last_sign_in_at = datetime.now(UTC)
        s.add(user)
        token = security.create_access_token(user_id, user.token_version)
    throttle.succeeded(db, _bucket(user_id), client)
    return token


def must_enrol(role: str, company_requires: bool | None, totp_enabled_at: datetime | None) -> bool:
    """Staff of a company that requires two-factor sign-in, without it: they may only enrol."""
    return bool(company_requires) and totp_enabled_at is None and role in STAFF_ROLES


@dataclass(frozen=True)
class SecurityPolicy:
    require_2fa: bool
    sso_only: bool
    sso_configured: bool
    staff_without_2fa: int


def policy(db: Database, principal: Principal) -> SecurityPolicy:
    """The company's sign-in requirements (recruiters)."""
    require(principal, Action.SET_SECURITY_POLICY)
    with db.session() as s:
        company = existing(s, Company, principal.staff_company_id)
        sso = s.exec(select(CompanySso).where(CompanySso.company_id == company.id)).first()
        without = s.exec(
            select(sa.func.count())
            .select_from(User)
            .where(
                User.company_id == company.id,
                User.is_active.is_(True),  # type: ignore[attr-defined]
                User.erased_at.is_(None),  # type: ignore[union-attr]
                User.totp_enabled_at.is_(None),  # type: ignore[union-attr]
                User.role.in_([Role.RECRUITER.value, Role.HIRING_MANAGER.value]),  # type: ignore[attr-defined]
            )
        ).one()
        return SecurityPolicy(
            require_2fa=company.require_2fa,
            sso_only=bool(sso and sso.sso_only),
            sso_configured=sso is not None,
            staff_without_2fa=int(without),
        )


def set_policy(
    db: Database,
    principal: Principal,
    require_2fa: bool,
    sso_only: bool | None = None,
    client: str | None = None,
) -> SecurityPolicy:
    """Require two-factor sign-in of the company's staff (those without it are asked to enrol at
    their next sign-in and may do nothing else meanwhile); ``sso_only`` is stored on the company's
    single sign-on set-up, which must exist first (otherwise nobody could sign in)."""
    require(principal, Action.SET_SECURITY_POLICY)
    if not isinstance(require_2fa, bool) or (sso_only is not None and not isinstance(sso_only, bool)):
        raise InvalidInput("require_2fa and sso_only are true or false.")
    with db.session(write=True) as s:
        company = existing(s, Company, principal.staff_company_id)
        before = {"require_2fa": company.require_2fa}
        company.require_2fa = require_2fa
        s.add(company)
        if sso_only is not None:
            sso = s.exec(select(CompanySso).where(CompanySso.company_id == company.id)).first()
            if sso is None and sso_only:
                raise Conflict("Set up single sign-on before making it the only way to sign in.")
            if sso is not None:
                if sso_only:
                    keep_a_way_in(s, principal, [d for d in sso.domains.split(",") if d])
                before["sso_only"] = sso.sso_only
                sso.sso_only = sso_only
                s.add(sso)
        audit.record(
            s,
            principal,
            "company.security_changed",
            f"company {company.id} {company.name}",
            {"before": before, "after": {"require_2fa": require_2fa, "sso_only": sso_only}},
            client,
        )
    return policy(db, principal)
