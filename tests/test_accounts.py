"""Sign-up, company sign-up, invitations, passwords and tokens."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlmodel import select

from flowtrack_ui.core import jobs, security
from flowtrack_ui.core.accounts import invitations, sign_in, sign_up
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from flowtrack_ui.core.models import Application, ApplicationHistory, Company, Invitation, User

from .conftest import PASSWORD


def _count(db, model) -> int:
    with db.session() as s:
        return len(s.exec(select(model)).all())


def test_passwords_are_argon2_hashes(db, candidate):
    with db.session() as s:
        user = s.get(User, candidate.user_id)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_passwords_are_hashed_with_owasps_argon2id_baseline():
    """19 MiB, 2 passes, 1 lane (the tests themselves hash with smaller costs: conftest.py)."""
    from .conftest import PRODUCTION_PASSWORD_HASHING

    stored = PRODUCTION_PASSWORD_HASHING.hash("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PRODUCTION_PASSWORD_HASHING.verify("correct horse battery", stored)


def test_public_signup_never_makes_staff(db):
    for role in ("recruiter", "hiring_manager", "admin"):
        with pytest.raises(Forbidden) as err:
            sign_up.register(db, f"{role}@x.test", PASSWORD, "Sneaky", role)
        assert "company sign-up" in err.value.message
    assert _count(db, User) == 0
    assert sign_up.register(db, "c@x.test", PASSWORD, "Cand", "candidate").user.role == "candidate"


def test_duplicate_email_any_case(db, candidate):
    with db.session(write=True) as s:  # a confirmed address stays its holder's
        s.get(User, candidate.user_id).email_verified_at = datetime.now(UTC)
    before = _count(db, User)
    for email in ("CAND@example.com", " cand@EXAMPLE.com "):
        with pytest.raises(Conflict):
            sign_up.register_candidate(db, email, PASSWORD, "Again")
        with pytest.raises(Conflict):
            sign_up.register_company(db, "NewCo", email, PASSWORD, "Again")
    assert _count(db, User) == before
    assert _count(db, Company) == 0


def test_signing_up_with_an_unconfirmed_accounts_email_waits_for_the_link(db, candidate):
    before = _count(db, User)
    result = sign_up.register_candidate(db, "CAND@example.com", PASSWORD, "Again")
    assert (result.user, result.email) == (None, "cand@example.com")
    assert _count(db, User) == before  # nobody is erased or made until the link is used
    assert sign_in.login(db, "cand@example.com", PASSWORD)


def test_login_is_case_insensitive_and_vague_on_failure(db, candidate):
    assert sign_in.login(db, "CAND@Example.com", PASSWORD)
    messages = set()
    for email, pw in (("cand@example.com", "wrong password"), ("nobody@example.com", PASSWORD)):
        with pytest.raises(Unauthenticated) as err:
            sign_in.login(db, email, pw)
        messages.add(err.value.message)
    assert len(messages) == 1


def test_duplicate_application_and_closed_job(db, acme, candidate):
    apply(db, candidate, acme.job_id)
    with pytest.raises(Conflict, match="already applied"):
        apply(db, candidate, acme.job_id)
    jobs.set_job_status(db, acme.recruiter, acme.job_id, "closed")
    other = sign_up.register_candidate(db, "late@example.com", PASSWORD, "Late")
    late = sign_in.principal_from_token(db, sign_in.issue_token(db, other.user.id))
    with pytest.raises(Conflict, match="closed"):
        apply(db, late, acme.job_id)
    assert _count(db, Application) == 1
    assert _count(db, ApplicationHistory) == 1


def test_invitation_works_once_and_expires(db, acme):
    inv = invitations.invite_staff(db, acme.recruiter, "new@acme.test", "recruiter")
    user = invitations.accept_invitation(db, inv.token, PASSWORD, "New Person")
    assert (user.role, user.company_id) == ("recruiter", acme.recruiter.company_id)
    with pytest.raises(Conflict):
        invitations.accept_invitation(db, inv.token, PASSWORD, "Again")
    with pytest.raises(NotFound):
        invitations.accept_invitation(db, "not-a-real-token-at-all", PASSWORD, "X")
    inv2 = invitations.invite_staff(db, acme.manager, "late@acme.test", "hiring_manager")
    with db.session(write=True) as s:
        row = s.exec(select(Invitation).where(Invitation.email == "late@acme.test")).one()
        row.expires_at = row.expires_at - timedelta(days=8)
        s.add(row)
        assert inv2.token not in row.token_hash
    with pytest.raises(Conflict, match="expired"):
        invitations.accept_invitation(db, inv2.token, PASSWORD, "Late")
    with pytest.raises(InvalidInput):
        invitations.invite_staff(db, acme.recruiter, "x@acme.test", "candidate")


def _forge(claims: dict, header: dict) -> str:
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc(header)}.{enc(claims)}."


def test_tokens_refused_when_forged_expired_or_foreign(db, candidate):
    good = sign_in.issue_token(db, candidate.user_id)
    assert sign_in.principal_from_token(db, good).user_id == candidate.user_id
    head, body, sig = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["sub"] = "999"
    tampered = ".".join(
        [head, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), sig]
    )
    expired = security.create_access_token(candidate.user_id, ttl=timedelta(seconds=-5))
    foreign = security.create_access_token(candidate.user_id, secret="another-secret-entirely-32-bytes!")
    alg_none = _forge(
        {"sub": str(candidate.user_id), "exp": 4102444800, "iat": 0, "tv": 0}, {"alg": "none", "typ": "JWT"}
    )
    hs512 = jwt.encode(
        {"sub": str(candidate.user_id), "exp": 4102444800, "iat": 0}, security.jwt_secret(), algorithm="HS512"
    )
    no_exp = jwt.encode({"sub": str(candidate.user_id), "iat": 0}, security.jwt_secret(), algorithm="HS256")
    for token in (tampered, expired, foreign, alg_none, hs512, no_exp, "", "garbage", "a.b.c"):
        with pytest.raises(Unauthenticated):
            sign_in.principal_from_token(db, token)


def test_logout_ends_earlier_tokens(db, candidate):
    token = sign_in.issue_token(db, candidate.user_id)
    sign_in.logout(db, sign_in.principal_from_token(db, token))
    with pytest.raises(Unauthenticated):
        sign_in.principal_from_token(db, token)


def test_generated_secret_is_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWTRACK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FLOWTRACK_JWT_SECRET")
    first = security.jwt_secret()
    assert security.jwt_secret() == first and len(first) > 40
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o777 == 0o600
