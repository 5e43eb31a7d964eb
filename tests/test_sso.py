"""Single sign-on over HTTP against a real OpenID Connect provider process (oidc-provider-mock):
the code flow with PKCE, state and nonce; a wrong state, a wrong nonce, an unverified email, a
domain not allowed, nobody joining without an invitation or domain join, "SSO only", the one-time
code, and who may configure it. The browser test (test_e2e_sso.py) walks the same flow in Chromium."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from flowtrack_ui.core.accounts import invitations, sso
from flowtrack_ui.core.models import AuditEvent, CompanySso, SsoLogin, User

from .conftest import PASSWORD, make_candidate, make_company
from .oidc_support import sign_in_at_provider, start_provider
from .test_api import client_for, login


@pytest.fixture(scope="module")
def provider():
    p = start_provider()
    yield p
    p.stop()


@pytest.fixture
def world(db, provider):
    acme = make_company(db, "Acme")
    make_company(db, "Globex")
    c = client_for(db)
    rec = login(c, "rec@acme.test")
    r = c.put(
        "/api/company/sso",
        json={
            "issuer_url": provider.url,
            "client_id": "flowtrack-acme",
            "client_secret": "s3cret",
            "domains": ["acme.test"],
        },
        headers=rec,
    )
    assert r.status_code == 200, r.text
    return db, c, rec, acme


def _start(c, slug: str = "acme") -> str:
    r = c.get(f"/sso/{slug}", follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"]


def _callback(c, callback_url: str) -> dict[str, str]:
    parts = urlsplit(callback_url)
    r = c.get(f"{parts.path}?{parts.query}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sso-complete?"), r.text
    return {k: v[0] for k, v in parse_qs(urlsplit(r.headers["location"]).query).items()}


def _flow(c, provider, sub: str, **claims) -> dict[str, str]:
    provider.set_user(sub, **claims)
    return _callback(c, sign_in_at_provider(_start(c), sub))


def test_a_recruiter_signs_in_through_the_provider(world, provider):
    db, c, rec, acme = world
    config = c.get("/api/company/sso", headers=rec).json()
    assert config["redirect_uri"].endswith("/sso/acme/callback") and config["has_secret"]
    assert "s3cret" not in str(config)
    with db.session() as s:
        assert "s3cret" not in s.exec(select(CompanySso)).one().client_secret_sealed
        (audited,) = s.exec(select(AuditEvent).where(AuditEvent.action == "sso.configured")).all()
        assert audited.actor_id == acme.recruiter.user_id and "s3cret" not in audited.details

    authorize = _start(c)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(provider.url + "/oauth2/authorize")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0] and query["scope"] == ["openid email profile"]
    with db.session() as s:  # the state is kept only as a hash
        assert s.exec(select(SsoLogin)).one().state_hash != query["state"][0]

    provider.set_user("rec-1", email="REC@acme.test", email_verified=True, name="Acme Recruiter")
    done = _callback(c, sign_in_at_provider(authorize, "rec-1"))
    assert set(done) == {"code"}
    r = c.post("/api/auth/sso/exchange", json={"code": done["code"]})
    assert r.status_code == 200, r.text
    me = c.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}).json()
    assert me["email"] == "rec@acme.test" and me["role"] == "recruiter"
    with db.session() as s:
        assert s.exec(select(User).where(User.email == "rec@acme.test")).one().last_sign_in_at is not None
    # The code works once.
    assert c.post("/api/auth/sso/exchange", json={"code": done["code"]}).status_code == 401


def test_a_wrong_or_replayed_state_is_refused(world, provider):
    db, c, rec, acme = world
    provider.set_user("rec-2", email="rec@acme.test", email_verified=True)
    callback = sign_in_at_provider(_start(c), "rec-2")
    tampered = callback.replace("state=", "state=x")
    assert _callback(c, tampered) == {"error": "state"}
    # Another browser (no state cookie) cannot finish it either …
    assert _callback(client_for(db), callback) == {"error": "state"}
    # Neither touched the sign-in: the right browser still finishes it, once.
    assert set(_callback(c, callback)) == {"code"}
    assert _callback(c, callback) == {"error": "state"}  # replayed


def test_a_wrong_nonce_is_refused(world, provider):
    db, c, rec, acme = world
    provider.set_user("rec-3", email="rec@acme.test", email_verified=True)
    callback = sign_in_at_provider(_start(c), "rec-3")
    with db.session(write=True) as s:  # the ID token carries the nonce sent; expect another one
        login_row = s.exec(select(SsoLogin)).one()
        login_row.nonce = "not-the-nonce-that-was-sent"
        s.add(login_row)
    assert _callback(c, callback) == {"error": "nonce"}


def test_unverified_email_foreign_domain_and_no_invitation(world, provider):
    db, c, rec, acme = world
    assert _flow(c, provider, "u1", email="rec@acme.test", email_verified=False) == {"error": "unverified"}
    assert _flow(c, provider, "u2", email="rec@acme.test") == {"error": "unverified"}  # no claim at all
    assert _flow(c, provider, "u3", email="someone@globex.test", email_verified=True) == {"error": "domain"}
    assert _flow(c, provider, "u4", email="new@acme.test", email_verified=True) == {"error": "no_invitation"}
    make_candidate(db, "cand@acme.test", "Cathy Candidate")
    with db.session(write=True) as s:  # a confirmed candidate account with a company address
        cand = s.exec(select(User).where(User.email == "cand@acme.test")).one()
        cand.email_verified_at = cand.created_at
        s.add(cand)
    assert _flow(c, provider, "u5", email="cand@acme.test", email_verified=True) == {"error": "other_account"}
    with db.session() as s:
        assert s.exec(select(User).where(User.email == "new@acme.test")).first() is None

    # Invited: the invitation's role; then a domain join: a hiring manager.
    invitations.invite_staff(db, acme.recruiter, "invited@acme.test", "recruiter")
    done = _flow(c, provider, "u6", email="invited@acme.test", email_verified=True, name="Ivy Invited")
    token, _ = sso.exchange(db, done["code"])
    me = c.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["role"], me["full_name"], me["company_id"]) == (
        "recruiter",
        "Ivy Invited",
        acme.recruiter.company_id,
    )

    r = c.put(
        "/api/company/sso",
        json={
            "issuer_url": provider.url,
            "client_id": "flowtrack-acme",
            "domains": ["acme.test"],
            "allow_domain_join": True,
        },
        headers=rec,
    )
    assert r.status_code == 200 and r.json()["allow_domain_join"] and r.json()["has_secret"]  # secret kept
    done = _flow(c, provider, "u7", email="joiner@acme.test", email_verified=True)
    token, _ = sso.exchange(db, done["code"])
    assert (
        c.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()["role"] == "hiring_manager"
    )


def test_sso_only_refuses_passwords_of_the_companys_staff(world, provider):
    db, c, rec, acme = world
    body = {
        "issuer_url": provider.url,
        "client_id": "flowtrack-acme",
        "domains": ["acme.test"],
        "sso_only": True,
    }
    locked_out = c.put("/api/company/sso", json={**body, "domains": ["elsewhere.test"]}, headers=rec)
    assert locked_out.status_code == 422 and "lock you out" in locked_out.json()["detail"]
    # The company's security policy turns it on under the same rule.
    assert (
        c.put(
            "/api/company/sso", json={**body, "domains": ["elsewhere.test"], "sso_only": False}, headers=rec
        ).status_code
        == 200
    )
    policy = c.put("/api/company/security", json={"require_2fa": False, "sso_only": True}, headers=rec)
    assert policy.status_code == 422 and "lock you out" in policy.json()["detail"]
    assert c.put("/api/company/sso", json=body, headers=rec).status_code == 200
    for who in ("rec@acme.test", "hm@acme.test"):
        r = c.post("/api/auth/login", json={"email": who, "password": PASSWORD})
        assert r.status_code == 401 and "single sign-on" in r.json()["detail"], r.text
    # A wrong password still reads as a wrong password (SSO only tells nothing to a guesser).
    r = c.post("/api/auth/login", json={"email": "hm@acme.test", "password": "wrong"})
    assert r.status_code == 401 and "Incorrect" in r.json()["detail"]
    login(c, "rec@globex.test")  # other companies and candidates keep their passwords
    make_candidate(db)
    login(c, "cand@example.com")
    provider.set_user("rec-9", email="rec@acme.test", email_verified=True)
    assert set(_callback(c, sign_in_at_provider(_start(c), "rec-9"))) == {"code"}


def test_who_configures_it_and_bad_settings(world, provider):
    db, c, rec, acme = world
    hm = login(c, "hm@acme.test")
    globex = login(c, "rec@globex.test")
    body = {"issuer_url": provider.url, "client_id": "x", "client_secret": "y", "domains": ["globex.test"]}
    assert c.get("/api/company/sso", headers=hm).status_code == 403
    assert c.put("/api/company/sso", json=body, headers=hm).status_code == 403
    assert c.get("/api/company/sso", headers=globex).status_code == 404  # Acme's settings are not theirs
    assert c.delete("/api/company/sso", headers=globex).status_code == 404
    for bad, words in (
        ({"issuer_url": "http://login.example.com"}, "https://"),
        ({"issuer_url": f"{provider.url}/nothing-here"}, "discovery"),
        ({"domains": ["not a domain"]}, "domain"),
    ):
        r = c.put("/api/company/sso", json={**body, **bad}, headers=globex)
        assert r.status_code == 422 and words in r.json()["detail"], r.text
    assert c.put("/api/company/sso", json={**body, "client_secret": None}, headers=globex).status_code == 422
    assert (
        c.get("/sso/nobody-here", follow_redirects=False).headers["location"] == "/sso-complete?error=unknown"
    )
    assert sso.find_company(db, "someone@ACME.test") == "acme" and sso.find_company(db, "Acme") == "acme"
    assert c.delete("/api/company/sso", headers=rec).status_code == 204
    assert c.get("/sso/acme", follow_redirects=False).headers["location"] == "/sso-complete?error=unknown"


def test_an_id_token_not_signed_by_the_issuers_keys_is_refused(world, provider, monkeypatch):
    db, c, rec, acme = world
    from joserfc.jwk import RSAKey

    provider.set_user("rec-7", email="rec@acme.test", email_verified=True)
    callback = sign_in_at_provider(_start(c), "rec-7")
    real_get = sso.httpx.get
    other_keys = {"keys": [RSAKey.generate_key(2048, parameters={"kid": "k1"}).as_dict(private=False)]}

    def keys_of_someone_else(url, *args, **kwargs):
        if url.endswith("/jwks"):
            return sso.httpx.Response(200, json=other_keys, request=sso.httpx.Request("GET", url))
        return real_get(url, *args, **kwargs)

    monkeypatch.setattr(sso.httpx, "get", keys_of_someone_else)
    assert _callback(c, callback) == {"error": "token"}
