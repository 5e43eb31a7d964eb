"""Email ownership: the invitation-takeover chain of the outside review, link by link.

The attack: a recruiter invites new.hire@acme.test; a stranger signs up with that address,
downloads the data export (which held every email sent to the address, the invitation and its
token included), erases the account to free the address and accepts the invitation. Here every
link fails, and the real owner wins; plus confirmation links, sign-up claims, and the streamed
export's bounded memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tracemalloc
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import select

from flowtrack_ui.api.app import create_api
from flowtrack_ui.core.accounts import email_ownership, invitations, password_reset, sign_up
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import Conflict, NotFound
from flowtrack_ui.core.models import (
    Application,
    Company,
    EmailVerification,
    ErasureLog,
    Invitation,
    OutboxEmail,
    RejectionReason,
    SignUpClaim,
    StoredFile,
    User,
)
from flowtrack_ui.core.privacy import erase, export

from .conftest import PASSWORD, make_candidate, make_company, principal

INVITED = "new.hire@acme.test"
STRANGER_PASSWORD = "stranger-danger-42"
OWNER_PASSWORD = "the-real-owner-77"


def http(db) -> TestClient:
    return TestClient(create_api(lambda: db), raise_server_exceptions=False)


def bearer(c: TestClient, email: str, password: str = PASSWORD) -> dict:
    r = c.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def emails_to(db, address: str, kind: str | None = None) -> list[OutboxEmail]:
    with db.session() as s:
        query = select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)
        if kind:
            query = query.where(OutboxEmail.kind == kind)
        return list(s.exec(query).all())


def link_token(email: OutboxEmail, path: str = "verify") -> str:
    return re.search(rf"/{path}/([A-Za-z0-9_-]+)", email.body_text).group(1)


def user_by_email(db, email: str) -> User | None:
    with db.session() as s:
        return s.exec(select(User).where(User.email == email)).first()


def export_over_http(c: TestClient, headers: dict) -> tuple[bytes, dict]:
    r = c.get("/api/me/export", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert int(r.headers["content-length"]) == len(r.content)
    z = zipfile.ZipFile(io.BytesIO(r.content))
    return r.content, json.loads(z.read("data.json"))


def invite_over_http(c: TestClient, db, email: str = INVITED) -> str:
    r = c.post(
        "/api/invitations", json={"email": email, "role": "recruiter"}, headers=bearer(c, "rec@acme.test")
    )
    assert r.status_code == 201, r.text
    return r.json()["token"]


# --- the whole chain, over HTTP --------------------------------------------------------------------


def test_the_invitation_takeover_chain_fails_at_every_link(any_db):
    db = any_db
    c = http(db)
    make_company(db, "Acme")
    token = invite_over_http(c, db)  # only the inviter is shown the token
    assert invitations.describe_invitation(db, token)["replaces_unconfirmed_account"] is False

    # 1. A stranger signs up with the invited address: an account, but an unconfirmed one.
    r = c.post(
        "/api/auth/register",
        json={"email": INVITED, "password": STRANGER_PASSWORD, "full_name": "Stan Stranger"},
    )
    assert r.status_code == 201, r.text
    assert user_by_email(db, INVITED).email_verified_at is None
    stranger = bearer(c, INVITED, STRANGER_PASSWORD)

    # 2. Their export holds no email that merely went to the address: no invitation, no token.
    raw, doc = export_over_http(c, stranger)
    assert token.encode() not in raw
    assert b"/invite/" not in raw and b"invited you" not in raw
    assert [e["subject"] for e in doc["emails"]] == ["Confirm your email address for FlowTrack"]
    # ... and not even their own confirmation link: an export cannot confirm the address.
    [own_link] = emails_to(db, INVITED, "email_verification")
    assert link_token(own_link).encode() not in raw
    assert export.LINK_REMOVED in doc["emails"][0]["body"]
    assert doc["account"]["email_confirmed_at"] is None

    # 3. They erase the account to free the address.
    r = c.request("DELETE", "/api/me", json={"password": STRANGER_PASSWORD}, headers=stranger)
    assert r.status_code == 200, r.text

    # 4. Without the token nothing makes them staff: no guessed token, no sign-up, no email match.
    r = c.post(
        "/api/invitations/" + "x" * 43 + "/accept", json={"password": STRANGER_PASSWORD, "full_name": "Stan"}
    )
    assert r.status_code == 404
    r = c.post(
        "/api/auth/register",
        json={
            "email": INVITED,
            "password": STRANGER_PASSWORD,
            "full_name": "Stan Again",
            "role": "recruiter",
        },
    )
    assert r.status_code == 403
    with db.session() as s:
        assert s.exec(select(User).where(User.role == "recruiter", User.email == INVITED)).first() is None

    # 5. The real owner, who got the link, wins: staff of Acme, address confirmed.
    r = c.post(f"/api/invitations/{token}/accept", json={"password": OWNER_PASSWORD, "full_name": "Nina New"})
    assert r.status_code == 201, r.text
    assert (r.json()["role"], r.json()["email"]) == ("recruiter", INVITED)
    owner = user_by_email(db, INVITED)
    assert owner.full_name == "Nina New" and owner.email_verified_at is not None


def test_an_unconfirmed_holder_never_blocks_the_invitation_and_is_erased_when_it_is_accepted(db):
    c = http(db)
    acme = make_company(db, "Acme")
    squatter = make_candidate(db, INVITED, "Stan Stranger")
    app = apply(db, squatter, acme.job_id)
    token = invite_over_http(c, db)  # inviting the address is allowed
    # The accept page says, before anyone accepts, that an unconfirmed account will be replaced.
    assert invitations.describe_invitation(db, token)["replaces_unconfirmed_account"] is True

    r = c.post(f"/api/invitations/{token}/accept", json={"password": OWNER_PASSWORD, "full_name": "Nina New"})
    assert r.status_code == 201, r.text
    owner = user_by_email(db, INVITED)
    assert (owner.role, owner.full_name, owner.id != squatter.user_id) == ("recruiter", "Nina New", True)
    assert owner.email_verified_at is not None
    with db.session() as s:
        gone = s.get(User, squatter.user_id)
        assert (gone.full_name, gone.is_active, gone.erased_at is not None) == (
            erase.ERASED_NAME,
            False,
            True,
        )
        # Their application stays, anonymous, as every erase leaves it.
        assert s.get(Application, app.id).candidate_id == squatter.user_id
        log = s.exec(select(ErasureLog).where(ErasureLog.subject_id == squatter.user_id)).one()
        assert log.kind == email_ownership.UNCONFIRMED
        assert not s.exec(select(EmailVerification).where(EmailVerification.user_id == gone.id)).all()
    r = c.post("/api/auth/login", json={"email": INVITED, "password": PASSWORD})
    assert r.status_code == 401


def test_erasing_an_unconfirmed_holder_keeps_the_emails_that_are_not_its_own(db):
    """An invitation (or a claim) waiting in the outbox for the address belongs to its reader."""
    make_company(db, "Acme")
    squatter = make_candidate(db, INVITED, "Stan Stranger")
    c = http(db)
    invite_over_http(c, db)
    [invitation] = emails_to(db, INVITED, "staff_invitation")
    email_ownership.resend_link(db, squatter)
    assert emails_to(db, INVITED, "email_verification")
    with db.session(write=True) as s:
        erase.erase_account(s, s.get(User, squatter.user_id), squatter.user_id, "self")
    assert [e.id for e in emails_to(db, INVITED, "staff_invitation")] == [invitation.id]
    assert not emails_to(db, INVITED, "email_verification")


def test_a_confirmed_holder_keeps_the_address(db):
    acme = make_company(db, "Acme")
    holder = make_candidate(db, INVITED, "Nina New")
    [link] = emails_to(db, INVITED, "email_verification")
    email_ownership.confirm(db, link_token(link))
    with pytest.raises(Conflict, match="already exists"):
        invitations.invite_staff(db, acme.recruiter, INVITED, "recruiter")
    with pytest.raises(Conflict, match="already exists"):
        sign_up.register_candidate(db, INVITED, OWNER_PASSWORD, "Someone Else")
    assert user_by_email(db, INVITED).id == holder.user_id
    # An invitation sent before the holder confirmed cannot take the confirmed address either.
    c = http(db)
    with db.session(write=True) as s:
        s.get(User, holder.user_id).email_verified_at = None
    token = invite_over_http(c, db)
    with db.session(write=True) as s:
        s.get(User, holder.user_id).email_verified_at = datetime.now(UTC)
    r = c.post(f"/api/invitations/{token}/accept", json={"password": OWNER_PASSWORD, "full_name": "X Y"})
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    assert user_by_email(db, INVITED).id == holder.user_id


def test_an_invitation_is_accepted_only_by_its_own_token(db):
    """Invitations for one address from two companies: each token makes only its own company's staff."""
    c = http(db)
    make_company(db, "Acme")
    globex = make_company(db, "Globex")
    acme_token = invite_over_http(c, db)
    invitations.invite_staff(db, globex.recruiter, INVITED, "hiring_manager")
    r = c.post(
        f"/api/invitations/{acme_token}/accept", json={"password": OWNER_PASSWORD, "full_name": "Nina"}
    )
    assert r.status_code == 201
    assert r.json()["company_id"] != globex.recruiter.company_id
    with db.session() as s:
        used = s.exec(
            select(Invitation).where(Invitation.email == INVITED, Invitation.used_at.is_not(None))
        ).all()
    assert [i.company_id for i in used] == [r.json()["company_id"]]


# --- the confirmation link -------------------------------------------------------------------------


def test_sign_up_emails_a_link_that_confirms_the_address_once(db):
    c = http(db)
    r = c.post(
        "/api/auth/register", json={"email": "Casey@Example.com", "password": PASSWORD, "full_name": "Casey"}
    )
    assert r.status_code == 201, r.text
    [link] = emails_to(db, "casey@example.com", "email_verification")
    token = link_token(link)
    assert "/verify/" in link.body_html
    with db.session() as s:
        row = s.exec(select(EmailVerification)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
        assert timedelta(hours=23) < row.expires_at - row.created_at <= timedelta(hours=24)
    assert user_by_email(db, "casey@example.com").email_verified_at is None

    r = c.post(f"/api/auth/verify/{token}")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "detail": "Your email address is confirmed.",
        "email": "casey@example.com",
        "account_created": False,
    }
    assert user_by_email(db, "casey@example.com").email_verified_at is not None
    r = c.post(f"/api/auth/verify/{token}")
    assert r.status_code == 409 and "already been used" in r.json()["detail"]
    assert c.post("/api/auth/verify/" + "a" * 43).status_code == 404
    assert c.post("/api/auth/verify/not%20a%20token").status_code == 422


def test_a_confirmation_link_expires(db):
    candidate = make_candidate(db, "late@example.com", "Lou Late")
    [link] = emails_to(db, "late@example.com", "email_verification")
    with db.session(write=True) as s:
        s.execute(sa.update(EmailVerification).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    r = http(db).post(f"/api/auth/verify/{link_token(link)}")
    assert r.status_code == 409 and "expired" in r.json()["detail"]
    assert not email_ownership.is_confirmed(db, candidate)


def test_a_new_link_for_the_signed_in_caller(db):
    c = http(db)
    make_candidate(db, "casey@example.com", "Casey")
    me = bearer(c, "casey@example.com")
    assert c.post("/api/auth/verify").status_code == 401
    r = c.post("/api/auth/verify", headers=me)
    assert r.status_code == 202 and "casey@example.com" in r.json()["detail"]
    assert c.post("/api/auth/verify", headers=me).status_code == 202
    r = c.post("/api/auth/verify", headers=me)  # the 4th link within the hour
    assert r.status_code == 429 and "within the hour" in r.json()["detail"]
    links = emails_to(db, "casey@example.com", "email_verification")
    assert len(links) == 3
    assert c.post(f"/api/auth/verify/{link_token(links[1])}").status_code == 200
    # One confirmation is enough: the other links stop working, and no new link is sent.
    assert c.post(f"/api/auth/verify/{link_token(links[2])}").status_code == 409
    r = c.post("/api/auth/verify", headers=me)
    assert r.status_code == 409 and "already confirmed" in r.json()["detail"]


def test_a_password_reset_by_emailed_link_confirms_the_address(db):
    make_candidate(db, "casey@example.com", "Casey")
    password_reset.request_reset(db, "casey@example.com")
    [mail] = emails_to(db, "casey@example.com", "password_reset")
    password_reset.reset_password(db, link_token(mail, "reset-password"), "a-brand-new-passphrase")
    assert user_by_email(db, "casey@example.com").email_verified_at is not None


def test_company_sign_up_is_unconfirmed_until_its_link_and_invited_staff_are_confirmed(db):
    acme = make_company(db, "Acme")
    assert user_by_email(db, "rec@acme.test").email_verified_at is None
    assert emails_to(db, "rec@acme.test", "email_verification")
    assert user_by_email(db, "hm@acme.test").email_verified_at is not None
    assert not email_ownership.is_confirmed(db, acme.recruiter)
    assert email_ownership.is_confirmed(db, acme.manager)


# --- sign-up for an address an unconfirmed account holds ----------------------------------------


def test_sign_up_for_an_unconfirmed_address_waits_for_the_link_then_erases_the_holder(db):
    c = http(db)
    acme = make_company(db, "Acme")
    squatter = make_candidate(db, "nina@example.com", "Stan Stranger")
    app = apply(db, squatter, acme.job_id)

    r = c.post(
        "/api/auth/register",
        json={"email": "nina@example.com", "password": OWNER_PASSWORD, "full_name": "Nina Owner"},
    )
    assert r.status_code == 202, r.text
    assert r.json()["detail"].startswith("Check your email")
    # Nothing is erased on the spot: signing up cannot wipe an owner who has not clicked yet.
    stranger = bearer(c, "nina@example.com")
    [claim_mail] = emails_to(db, "nina@example.com", "sign_up_confirmation")
    claim_token = link_token(claim_mail)
    with db.session() as s:
        claim = s.exec(select(SignUpClaim)).one()
        assert claim.token_hash == hashlib.sha256(claim_token.encode()).hexdigest()
        assert claim.full_name == "Nina Owner" and OWNER_PASSWORD not in claim.password_hash
    # The holder's export does not show the claim's email (it is not the holder's).
    raw, doc = export_over_http(c, stranger)
    assert claim_token.encode() not in raw and b"finish signing up" not in raw
    assert {e["subject"] for e in doc["emails"]} == {
        "Confirm your email address for FlowTrack",
        "We received your application for Acme Engineer",
    }

    r = c.post(f"/api/auth/verify/{claim_token}")
    assert r.status_code == 200, r.text
    assert r.json()["account_created"] is True and r.json()["email"] == "nina@example.com"
    owner = user_by_email(db, "nina@example.com")
    assert (owner.full_name, owner.role) == ("Nina Owner", "candidate")
    assert owner.id != squatter.user_id and owner.email_verified_at is not None
    bearer(c, "nina@example.com", OWNER_PASSWORD)
    assert (
        c.post("/api/auth/login", json={"email": "nina@example.com", "password": PASSWORD}).status_code == 401
    )
    with db.session() as s:
        assert s.get(User, squatter.user_id).erased_at is not None
        assert s.get(Application, app.id).candidate_id == squatter.user_id  # anonymous now
        used = s.exec(select(SignUpClaim)).one()
        assert used.used_at is not None and used.password_hash == "" and used.full_name == ""
    r = c.post(f"/api/auth/verify/{claim_token}")
    assert r.status_code == 409
    # Now confirmed, the address is no longer claimable.
    r = c.post(
        "/api/auth/register",
        json={"email": "nina@example.com", "password": STRANGER_PASSWORD, "full_name": "Stan"},
    )
    assert r.status_code == 409 and "please sign in" in r.json()["detail"]


def test_company_sign_up_for_an_unconfirmed_address_waits_for_the_link_too(db):
    """Company sign-up is sign-up too: an unconfirmed holder never blocks the address's owner."""
    c = http(db)
    squatter = make_candidate(db, "founder@initech.test", "Stan Stranger")
    body = {
        "company_name": "Initech",
        "email": "founder@initech.test",
        "password": OWNER_PASSWORD,
        "full_name": "Fay Founder",
    }
    r = c.post("/api/companies", json=body)
    assert r.status_code == 202, r.text
    assert r.json()["detail"].startswith("Check your email")
    with db.session() as s:
        assert s.exec(select(Company)).first() is None  # nothing is made before the link
    [claim_mail] = emails_to(db, "founder@initech.test", "sign_up_confirmation")

    # A look-alike of a company made meanwhile is refused at sign-up and when the link is used.
    make_company(db, "Globex")
    r = c.post("/api/companies", json={**body, "company_name": "GLOBEX"})
    assert r.status_code == 409

    r = c.post(f"/api/auth/verify/{link_token(claim_mail)}")
    assert r.status_code == 200, r.text
    founder = user_by_email(db, "founder@initech.test")
    assert (founder.full_name, founder.role) == ("Fay Founder", "recruiter")
    assert founder.email_verified_at is not None
    with db.session() as s:
        company = s.get(Company, founder.company_id)
        assert company.name == "Initech"
        assert s.exec(select(RejectionReason).where(RejectionReason.company_id == company.id)).all()
        assert s.get(User, squatter.user_id).erased_at is not None
    headers = bearer(c, "founder@initech.test", OWNER_PASSWORD)
    assert c.get("/api/auth/me", headers=headers).json()["company_id"] == founder.company_id


def test_a_company_claim_loses_to_a_company_registered_meanwhile(db):
    make_candidate(db, "founder@initech.test", "Stan Stranger")
    assert sign_up.register_company(db, "Initech", "founder@initech.test", OWNER_PASSWORD, "Fay").user is None
    [claim_mail] = emails_to(db, "founder@initech.test", "sign_up_confirmation")
    sign_up.register_company(db, "Initech", "someone@else.test", PASSWORD, "Sam Else")
    with pytest.raises(Conflict, match="company with this name"):
        email_ownership.confirm(db, link_token(claim_mail))
    assert user_by_email(db, "founder@initech.test").role == "candidate"  # the holder stays


def test_a_claim_fails_once_the_holder_confirmed_and_claims_expire(db):
    holder = make_candidate(db, "nina@example.com", "Nina Owner")
    assert sign_up.register_candidate(db, "nina@example.com", STRANGER_PASSWORD, "Stan").user is None
    [claim_mail] = emails_to(db, "nina@example.com", "sign_up_confirmation")
    [own_link] = emails_to(db, "nina@example.com", "email_verification")
    email_ownership.confirm(db, link_token(own_link))  # the real owner confirms first
    with pytest.raises(Conflict, match="already exists"):
        email_ownership.confirm(db, link_token(claim_mail))
    assert user_by_email(db, "nina@example.com").id == holder.user_id

    sign_up.register_candidate(db, "late@example.com", PASSWORD, "Lou")
    sign_up.register_candidate(db, "late@example.com", OWNER_PASSWORD, "Lou Again")
    [late_claim] = emails_to(db, "late@example.com", "sign_up_confirmation")
    with db.session(write=True) as s:
        s.execute(sa.update(SignUpClaim).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with pytest.raises(Conflict, match="expired"):
        email_ownership.confirm(db, link_token(late_claim))
    with pytest.raises(NotFound):
        email_ownership.confirm(db, "no-such-link-at-all")


def test_claims_for_one_address_are_limited_per_hour(db):
    make_candidate(db, "nina@example.com", "Stan Stranger")
    for _ in range(5):
        assert sign_up.register_candidate(db, "nina@example.com", OWNER_PASSWORD, "Nina").user is None
    assert (
        len(emails_to(db, "nina@example.com", "sign_up_confirmation")) == email_ownership.MAX_LINKS_PER_HOUR
    )


# --- the export --------------------------------------------------------------------------------------


def _stored_file(db, owner_id: int, size: int, name: str) -> str:
    """A file of ``size`` random bytes owned by the candidate; its SHA-256."""
    data = os.urandom(size)
    digest = hashlib.sha256(data).hexdigest()
    with db.session(write=True) as s:
        s.add(
            StoredFile(
                owner_id=owner_id,
                sha256=digest,
                size=size,
                content_type="application/pdf",
                original_name=name,
                data=data,
            )
        )
    return digest


def test_the_export_streams_with_memory_independent_of_the_file_sizes(any_db):
    db = any_db
    candidate = make_candidate(db)
    mib = 1 << 20
    digests = {f"cv{i}.pdf": _stored_file(db, candidate.user_id, 6 * mib + i, f"cv{i}.pdf") for i in range(3)}

    tracemalloc.start()
    try:
        name, zipped = export.export_my_data(db, candidate)
        with zipped:
            z = zipfile.ZipFile(zipped)
            for info in z.infolist()[1:]:
                with z.open(info) as member:  # read back in blocks, as the API streams it
                    h = hashlib.sha256()
                    while block := member.read(mib):
                        h.update(block)
                assert h.hexdigest() == digests[info.filename.split("-", 1)[1]]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 18 MiB of files; the export never holds even one whole file (6 MiB) in memory.
    assert peak < 4 * mib, f"peak {peak / mib:.1f} MiB"
    assert name.startswith("flowtrack-data-")

    raw, doc = export_over_http(http(db), bearer(http(db), "cand@example.com"))
    z = zipfile.ZipFile(io.BytesIO(raw))
    assert {f["name"]: f["sha256"] for f in doc["files"]} == digests
    for f in doc["files"]:
        assert hashlib.sha256(z.read(f["path"])).hexdigest() == f["sha256"]


def test_the_export_holds_the_emails_of_the_persons_own_records_only(db):
    acme = make_company(db, "Acme")
    casey = make_candidate(db, "casey@example.com", "Casey")
    apply(db, casey, acme.job_id)
    password_reset.request_reset(db, "casey@example.com")
    # Emails that merely went to the same address: an invitation, a mention-like staff email.
    invitations.invite_staff(db, acme.recruiter, "casey@example.com", "recruiter")
    with db.session(write=True) as s:
        s.add(
            OutboxEmail(
                message_id="<other@flowtrack.test>",
                kind="mention",
                to_address="casey@example.com",
                subject="Not yours",
                body_text="about someone else",
                body_html="<p>about someone else</p>",
            )
        )
    name, zipped = export.export_my_data(db, principal(db, "casey@example.com"))
    with zipped:
        doc = json.loads(zipfile.ZipFile(zipped).read("data.json"))
    subjects = sorted(e["subject"] for e in doc["emails"])
    assert subjects == [
        "Confirm your email address for FlowTrack",
        "Reset your FlowTrack password",
        "We received your application for Acme Engineer",
    ]
    bodies = "\n".join(e["body"] for e in doc["emails"])
    assert "/reset-password/" + export.LINK_REMOVED in bodies
    for mail in emails_to(db, "casey@example.com"):
        for path in ("verify", "reset-password", "invite"):
            found = re.search(rf"/{path}/([A-Za-z0-9_-]+)", mail.body_text)
            if found:
                assert found.group(1) not in bodies


# --- migration 0010 -----------------------------------------------------------------------------


def test_migration_0010_keeps_existing_accounts_confirmed(tmp_path):
    from alembic import command
    from flowtrack_ui.core.db import normalize_url
    from flowtrack_ui.core.schema import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "0009")
    engine = sa.create_engine(normalize_url(url))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO user_account (id, email, full_name, role, password_hash, is_active, "
                "token_version, created_at) VALUES (1, 'old@x.test', 'Old', 'candidate', 'x', 1, 0, "
                "'2026-11-01 10:00:00.000000')"
            )
        )
    command.upgrade(alembic_config(url), "0010")
    with engine.connect() as conn:
        verified = conn.execute(sa.text("SELECT email_verified_at FROM user_account WHERE id = 1")).scalar()
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert str(verified).startswith("2026-11-01 10:00:00")
    assert {"email_verification", "sign_up_claim"} <= tables
