"""Single sign-on with OpenID Connect: a company's provider, and its staff signing in through it.

The flow (Authlib does the protocol; this module holds the rules):

1. ``begin`` (``GET /sso/{slug}``): a fresh ``state``, ``nonce`` and PKCE verifier, kept server-side
   (``SsoLogin``, the state only as a hash, ten minutes, once); the browser holds the state in a
   cookie too, so a callback that did not start in this browser is refused (no login CSRF).
2. ``finish`` (``GET /sso/{slug}/callback``): the state matched and used up, the code exchanged
   with the verifier, the ID token verified against the issuer's JWKS (signature, ``iss``,
   ``aud``, expiry, ``nonce``), ``email_verified`` required, the address in one of the company's
   domains. The account is found by that verified address; nobody joins the company without an
   open invitation or the company letting its domains join as hiring managers. The answer is a
   single-use code (``SsoTicket``, two minutes), never the session token itself.
3. ``exchange``: the sign-in page trades the code for FlowTrack's usual session token.

"SSO only" (``CompanySso.sso_only``) refuses the company's staff a password sign-in
(``password_refused``, called by ``sign_in.authenticate``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlmodel import Session, select

from .. import audit, security, validation
from ..db import Database
from ..errors import DomainError, InvalidInput, NotFound, Unauthenticated
from ..models import Company, CompanySso, Invitation, SsoLogin, SsoTicket, User
from ..permissions import STAFF_ROLES, Action, Principal, Role, require
from ..sealed import seal, unseal
from . import email_ownership
from .users import add_user

with warnings.catch_warnings():  # Authlib would rather see httpx2 (not released as stable): httpx is fine
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-untyped]

LOGIN_TTL = timedelta(minutes=10)
TICKET_TTL = timedelta(minutes=2)
HTTP_TIMEOUT = 10.0
MAX_DOMAINS = 20
SCOPE = "openid email profile"
STATE_COOKIE = "flowtrack_sso_state"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SsoRefused(Unauthenticated):
    """A sign-in through the provider that FlowTrack refuses; ``reason`` names which rule (the
    sign-in page shows the message for it, so no free text travels in a URL)."""

    def __init__(self, reason: str):
        super().__init__(REFUSALS[reason])
        self.reason = reason


# Why a single sign-on did not sign anyone in, as the person reads it.
REFUSALS = {
    "state": "This sign-in did not start in this browser, or it was already used. Start again.",
    "expired": "This sign-in took too long. Start again.",
    "provider": "Your company's sign-in provider refused or could not be reached. Try again, "
    "or ask your recruiters to check the single sign-on settings.",
    "token": "The sign-in provider's answer could not be verified, so nobody was signed in.",
    "nonce": "The sign-in provider's answer was not for this sign-in, so nobody was signed in.",
    "unverified": "Your provider has not verified your email address, so it cannot sign you in here.",
    "domain": "Your email address is not in one of the domains this company signs in with.",
    "no_invitation": "You have no account at this company yet: ask one of its recruiters to invite you.",
    "other_account": "This email address belongs to an account that is not staff of this company.",
    "inactive": "This account is deactivated. Ask one of the company's recruiters.",
    "code": "This sign-in code is not valid or was already used. Start again.",
    "unknown": "No company signs in with single sign-on at this address.",
}


@dataclass(frozen=True)
class SsoConfigView:
    company_slug: str
    issuer_url: str
    client_id: str
    domains: list[str]
    allow_domain_join: bool
    sso_only: bool
    has_secret: bool
    updated_at: datetime


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the state it keeps in a cookie until the callback."""

    authorization_url: str
    state: str


@dataclass(frozen=True)
class Finished:
    code: str  # single use, for ``exchange``
    next_path: str | None


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- the company's settings ---------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_issuer_url(value: object) -> str:
    """An issuer (``https://login.example.com``) or its discovery document's URL; plain http
    only on loopback (a development provider)."""
    url = validation.text(value, "Issuer URL", max_len=500)
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password or parts.fragment or parts.query:
        raise InvalidInput("Enter the issuer's URL, such as https://login.example.com.")
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
        raise InvalidInput("The issuer URL must start with https://.")
    return url.rstrip("/")


def _domains(value: object) -> list[str]:
    if isinstance(value, str):
        value = [d for d in re.split(r"[\s,]+", value) if d]
    if not isinstance(value, list | tuple) or not value:
        raise InvalidInput("Enter at least one email domain, such as acme.com.")
    found: list[str] = []
    for raw in value:
        if not isinstance(raw, str):
            raise InvalidInput("Each domain is a name such as acme.com.")
        domain = raw.strip().lower().lstrip("@")
        if not _DOMAIN.match(domain):
            raise InvalidInput(f"{raw[:80]!r} is not a domain name such as acme.com.")
        if domain not in found:
            found.append(domain)
    if len(found) > MAX_DOMAINS:
        raise InvalidInput(f"At most {MAX_DOMAINS} domains.")
    return found


def _flag(fields: dict, name: str) -> bool:
    value = fields.get(name, False)
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} is true or false.")
    return value


def _config_view(row: CompanySso, company: Company) -> SsoConfigView:
    return SsoConfigView(
        company_slug=company.slug,
        issuer_url=row.issuer_url,
        client_id=row.client_id,
        domains=[d for d in row.domains.split(",") if d],
        allow_domain_join=row.allow_domain_join,
        sso_only=row.sso_only,
        has_secret=bool(row.client_secret_sealed),
        updated_at=row.updated_at,
    )


def company_slug(db: Database, principal: Principal) -> str:
    """The caller's company's slug: its sign-in address is ``/sso/{slug}``."""
    require(principal, Action.CONFIGURE_SSO)
    with db.session() as s:
        company = s.get(Company, principal.staff_company_id)
        if company is None:
            raise NotFound("Company not found.")
        return company.slug


def get_config(db: Database, principal: Principal) -> SsoConfigView | None:
    """The company's single sign-on settings (never the secret), or None when it has none."""
    require(principal, Action.CONFIGURE_SSO)
    with db.session() as s:
        company = s.get(Company, principal.staff_company_id)
        row = s.exec(select(CompanySso).where(CompanySso.company_id == principal.staff_company_id)).first()
        return _config_view(row, company) if row and company else None


def set_config(
    db: Database, principal: Principal, fields: object, client: str | None = None
) -> SsoConfigView:
    """Set the provider: its discovery document is fetched first, so a wrong URL is refused now.
    The client secret is stored sealed; leaving it empty keeps the stored one."""
    require(principal, Action.CONFIGURE_SSO)
    if not isinstance(fields, dict):
        raise InvalidInput("Send the single sign-on settings as an object.")
    issuer_url = check_issuer_url(fields.get("issuer_url"))
    client_id = validation.text(fields.get("client_id"), "Client id", max_len=300)
    secret = fields.get("client_secret") or ""
    if not isinstance(secret, str) or len(secret) > 1000:
        raise InvalidInput("The client secret is a text of at most 1000 characters.")
    domains = _domains(fields.get("domains"))
    allow_join, sso_only = _flag(fields, "allow_domain_join"), _flag(fields, "sso_only")
    discover(issuer_url)  # outside the transaction: refuses an issuer that does not answer
    with db.session(write=True) as s:
        company_id = principal.staff_company_id
        row = s.exec(select(CompanySso).where(CompanySso.company_id == company_id)).first()
        if row is None and not secret:
            raise InvalidInput("Enter the client secret your provider gave you.")
        if sso_only:
            keep_a_way_in(s, principal, domains)
        row = row or CompanySso(company_id=company_id, issuer_url="", client_id="", client_secret_sealed="")
        row.issuer_url, row.client_id, row.domains = issuer_url, client_id, ",".join(domains)
        row.allow_domain_join, row.sso_only, row.updated_at = allow_join, sso_only, datetime.now(UTC)
        if secret:
            row.client_secret_sealed = seal(secret)
        s.add(row)
        s.flush()
        shown = {
            "issuer_url": issuer_url, "client_id": client_id, "domains": domains,
            "secret_changed": bool(secret), "allow_domain_join": allow_join, "sso_only": sso_only,
        }  # fmt: skip
        audit.record(s, principal, "sso.configured", f"provider {issuer_url}", shown, client)
        company = s.get(Company, company_id)
        assert company is not None
        return _config_view(row, company)


def keep_a_way_in(s: Session, principal: Principal, domains: list[str]) -> None:
    """ "SSO only" locks out every password: the recruiter turning it on must be able to use SSO
    (checked wherever it is turned on: here and the company's security policy)."""
    if principal.email.rsplit("@", 1)[-1] not in domains:
        raise InvalidInput(
            "Turning on “SSO only” would lock you out: your own address is not in the SSO domains."
        )


def set_sso_only(
    db: Database, principal: Principal, sso_only: bool, client: str | None = None
) -> SsoConfigView:
    """Turn "SSO only" on or off (``PUT /api/company/security`` too); needs a provider first."""
    require(principal, Action.CONFIGURE_SSO)
    with db.session(write=True) as s:
        row = s.exec(select(CompanySso).where(CompanySso.company_id == principal.staff_company_id)).first()
        if row is None:
            if not sso_only:
                raise NotFound("This company has no single sign-on.")
            raise InvalidInput("Set up single sign-on before making it the only way in.")
        if sso_only:
            keep_a_way_in(s, principal, [d for d in row.domains.split(",") if d])
        row.sso_only, row.updated_at = bool(sso_only), datetime.now(UTC)
        s.add(row)
        s.flush()
        audit.record(
            s, principal, "sso.only_changed", f"provider {row.issuer_url}", {"sso_only": row.sso_only}, client
        )
        company = s.get(Company, row.company_id)
        assert company is not None
        return _config_view(row, company)


def remove_config(db: Database, principal: Principal, client: str | None = None) -> None:
    """Turn single sign-on off: staff sign in with their passwords (or reset them) again."""
    require(principal, Action.CONFIGURE_SSO)
    with db.session(write=True) as s:
        row = s.exec(select(CompanySso).where(CompanySso.company_id == principal.staff_company_id)).first()
        if row is None:
            raise NotFound("This company has no single sign-on.")
        s.delete(row)
        audit.record(s, principal, "sso.removed", f"provider {row.issuer_url}", {}, client)


def password_refused(s: Session, user: User) -> str | None:
    """Why this account may not sign in with a password (its company is "SSO only"), or None."""
    if user.company_id is None or user.role not in STAFF_ROLES:
        return None
    row = s.exec(select(CompanySso).where(CompanySso.company_id == user.company_id)).first()
    if row is None or not row.sso_only:
        return None
    return "Your company signs in with single sign-on: choose “Sign in with SSO” and enter your work email."


# --- the provider ----------------------------------------------------------------------------------


def discover(issuer_url: str) -> dict[str, Any]:
    """The provider's discovery document; InvalidInput when it cannot be read or lacks a part."""
    url = issuer_url if issuer_url.endswith("/.well-known/openid-configuration") else (
        issuer_url.rstrip("/") + "/.well-known/openid-configuration"
    )  # fmt: skip
    try:
        response = httpx.get(url, timeout=HTTP_TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError):
        raise InvalidInput(f"No OpenID Connect discovery document answered at {url}.") from None
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not isinstance(document, dict) or not all(isinstance(document.get(k), str) for k in needed):
        raise InvalidInput(f"The document at {url} is not an OpenID Connect discovery document.")
    return document


def _client(row: CompanySso, redirect_uri: str) -> OAuth2Client:
    return OAuth2Client(
        client_id=row.client_id,
        client_secret=unseal(row.client_secret_sealed),
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=HTTP_TIMEOUT,
    )


def _company_sso(s: Session, slug: object) -> tuple[Company, CompanySso]:
    if not isinstance(slug, str) or len(slug) > 100:
        raise SsoRefused("unknown")
    found = s.exec(
        select(Company, CompanySso)
        .join(CompanySso, CompanySso.company_id == Company.id)
        .where(Company.slug == slug)
    ).first()
    if found is None:
        raise SsoRefused("unknown")
    return found[0], found[1]


def find_company(db: Database, email_or_company: object) -> str:
    """The slug of the company a person signs in with: by their work address's domain, or by the
    company's name or careers address. NotFound when none uses single sign-on."""
    if not isinstance(email_or_company, str) or not email_or_company.strip():
        raise InvalidInput("Enter your work email or your company.")
    text = email_or_company.strip().lower()[:254]
    with db.session() as s:
        rows = s.exec(select(Company, CompanySso).join(CompanySso, CompanySso.company_id == Company.id)).all()
    if "@" in text:
        domain = text.rsplit("@", 1)[1]
        matches = [c.slug for c, sso in rows if domain in sso.domains.split(",")]
    else:
        matches = [c.slug for c, _ in rows if text in (c.slug, c.name.lower())]
    if len(matches) != 1:
        raise NotFound("No company signs in with single sign-on for this. Sign in with your password.")
    return matches[0]


def begin(db: Database, slug: object, redirect_uri: str, next_path: str | None = None) -> Started:
    """Start the authorisation code flow with PKCE: where to send the browser, and its state."""
    with db.session() as s:
        company, row = _company_sso(s, slug)
        company_id = company.id
    document = discover(row.issuer_url)
    state, nonce, verifier = generate_token(43), generate_token(43), generate_token(64)
    url, _ = _client(row, redirect_uri).create_authorization_url(
        document["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
    )
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        # Sign-ins and codes long over are of no use to anyone: each new start clears them.
        s.execute(sa.delete(SsoLogin).where(SsoLogin.expires_at < now - timedelta(days=1)))
        s.execute(sa.delete(SsoTicket).where(SsoTicket.expires_at < now - timedelta(days=1)))
        s.add(
            SsoLogin(
                state_hash=_hash(state),
                company_id=company_id or 0,
                nonce=nonce,
                code_verifier=verifier,
                next_path=next_path
                if next_path and next_path.startswith("/") and len(next_path) <= 500
                else None,
                created_at=now,
                expires_at=now + LOGIN_TTL,
            )
        )
    return Started(authorization_url=url, state=state)


def _use_login(db: Database, company_id: int, state: str, cookie_state: str | None) -> SsoLogin:
    """The pending sign-in of this state, used up now (a state works once)."""
    if not state or not cookie_state or not secrets.compare_digest(state, cookie_state):
        raise SsoRefused("state")
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        login = s.exec(select(SsoLogin).where(SsoLogin.state_hash == _hash(state))).first()
        if login is None or login.used_at is not None or login.company_id != company_id:
            raise SsoRefused("state")
        login.used_at = now
        s.add(login)
        s.flush()
        s.expunge(login)
    if login.expires_at <= now:
        raise SsoRefused("expired")
    return login


def _verified_claims(row: CompanySso, document: dict, login: SsoLogin, code: str, redirect_uri: str) -> dict:
    """Exchange the code (with the PKCE verifier) and verify the ID token against the JWKS."""
    try:
        with _client(row, redirect_uri) as client:
            token = client.fetch_token(
                document["token_endpoint"],
                code=code,
                code_verifier=login.code_verifier,
                grant_type="authorization_code",
            )
        keys = httpx.get(document["jwks_uri"], timeout=HTTP_TIMEOUT, follow_redirects=False)
        keys.raise_for_status()
        key_set = KeySet.import_key_set(keys.json())
    except DomainError:
        raise
    except Exception:
        raise SsoRefused("provider") from None
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not isinstance(id_token, str):
        raise SsoRefused("token")
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [a for a in offered if isinstance(a, str) and a.lower() != "none"] or [
        "RS256"
    ]  # signed only
    try:
        decoded = jwt.decode(id_token, key=key_set, registry=JWSRegistry(algorithms=algorithms))
    except (JoseError, ValueError):
        raise SsoRefused("token") from None
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {"iss": {"essential": True, "values": [document["issuer"]]}},
        {"nonce": login.nonce, "client_id": row.client_id, "access_token": token.get("access_token")},
    )
    if decoded.claims.get("nonce") != login.nonce:
        raise SsoRefused("nonce")
    try:
        claims.validate(leeway=60)
    except Exception:
        raise SsoRefused("token") from None
    return dict(decoded.claims)


def _staff_account(s: Session, company: Company, sso: CompanySso, email: str, name: str) -> User:
    """The staff account of this verified address: found, made from an open invitation, or made
    as a hiring manager when the company lets its domains join; refused otherwise."""
    user = s.exec(select(User).where(User.email == email)).first()
    now = datetime.now(UTC)
    if user is not None and user.company_id == company.id and user.role in STAFF_ROLES:
        if not user.is_active:
            raise SsoRefused("inactive")
        if user.email_verified_at is None:
            user.email_verified_at = now  # the provider proved the address
            s.add(user)
        return user
    if user is not None and user.email_verified_at is not None:
        raise SsoRefused("other_account")
    invitation = s.exec(
        select(Invitation)
        .where(
            Invitation.company_id == company.id,
            Invitation.email == email,
            Invitation.used_at.is_(None),  # type: ignore[union-attr]
            Invitation.expires_at > now,
        )
        .order_by(Invitation.id.desc())  # type: ignore[union-attr]
    ).first()
    if invitation is None and not sso.allow_domain_join:
        raise SsoRefused("no_invitation")
    role = Role(invitation.role) if invitation else Role.HIRING_MANAGER
    if invitation is not None:
        invitation.used_at = now
        s.add(invitation)
    email_ownership.release_address(s, email)  # an unconfirmed holder never blocks the owner
    return add_user(
        s,
        User(
            email=email,
            full_name=name,
            role=role,
            company_id=company.id,
            password_hash="",  # signs in through the provider; may set a password by reset later
            email_verified_at=now,
            created_at=now,
        ),
    )


def finish(
    db: Database, slug: object, state: str, cookie_state: str | None, code: str | None, redirect_uri: str,
    error: str | None = None,
) -> Finished:  # fmt: skip
    """The provider's callback: every check of the module's docstring, then a one-time code."""
    with db.session() as s:
        company, row = _company_sso(s, slug)
        s.expunge(row)
    login = _use_login(db, company.id or 0, state, cookie_state)
    if error or not code:
        raise SsoRefused("provider")
    try:
        document = discover(row.issuer_url)
    except InvalidInput:
        raise SsoRefused("provider") from None
    claims = _verified_claims(row, document, login, code, redirect_uri)
    if claims.get("email_verified") is not True:
        raise SsoRefused("unverified")
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise SsoRefused("unverified")
    email = email.strip().lower()
    if email.rsplit("@", 1)[1] not in row.domains.split(","):
        raise SsoRefused("domain")
    raw_name = claims.get("name") if isinstance(claims.get("name"), str) else None
    name = (raw_name or email.split("@", 1)[0]).strip()[:120] or email
    ticket = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        fresh_company = s.get(Company, company.id)
        assert fresh_company is not None
        user = _staff_account(s, fresh_company, row, email, name)
        s.add(
            SsoTicket(
                code_hash=_hash(ticket),
                user_id=user.id or 0,
                next_path=login.next_path,
                created_at=now,
                expires_at=now + TICKET_TTL,
            )
        )
    return Finished(code=ticket, next_path=login.next_path)


def exchange(db: Database, code: object) -> tuple[str, str | None]:
    """FlowTrack's session token for a one-time code from ``finish`` (and where to go next)."""
    if not isinstance(code, str) or not code or len(code) > 100:
        raise SsoRefused("code")
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        ticket = s.exec(select(SsoTicket).where(SsoTicket.code_hash == _hash(code))).first()
        if ticket is None or ticket.used_at is not None or ticket.expires_at <= now:
            raise SsoRefused("code")
        ticket.used_at = now
        s.add(ticket)
        user = s.get(User, ticket.user_id)
        if user is None or not user.is_active:
            raise SsoRefused("inactive")
        user.last_sign_in_at = now
        s.add(user)
        return security.create_access_token(user.id or 0, user.token_version), ticket.next_path
