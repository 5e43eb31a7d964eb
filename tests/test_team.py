"""Running a company: the team (roles, deactivation, invitations), two-factor sign-in, personal
API tokens and the audit log — in the core and over HTTP, every role, another company 404."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import select

from flowtrack_ui.core import audit, throttle
from flowtrack_ui.core.accounts import api_tokens, invitations, sign_in, team, two_factor
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from flowtrack_ui.core.models import ApiToken, ApplicationHistory, AuditEvent, Invitation, OutboxEmail, User
from flowtrack_ui.core.permissions import Role

from .conftest import PASSWORD, make_candidate, make_company, principal
from .test_api import client_for, login


def _actions(db, company_id: int) -> list[str]:
    with db.session() as s:
        return list(
            s.exec(
                select(AuditEvent.action).where(AuditEvent.company_id == company_id).order_by(AuditEvent.id)
            )
        )


def _code(secret: str, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * offset))


# --- the team -----------------------------------------------------------------------------------


def test_team_roles_deactivation_and_the_last_recruiter(any_db):
    db = any_db
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    rec, hm = acme.recruiter, acme.manager

    seen = team.team(db, hm)  # hiring managers read it
    assert {m.email for m in seen.members} == {"rec@acme.test", "hm@acme.test"}
    assert not seen.can_manage and team.team(db, rec).can_manage
    with pytest.raises(Forbidden):
        team.change_role(db, hm, hm.user_id, "recruiter")  # a hiring manager cannot promote anyone
    with pytest.raises(Forbidden):
        team.set_active(db, hm, rec.user_id, False)
    with pytest.raises(NotFound):
        team.change_role(db, rec, globex.manager.user_id, "recruiter")  # another company's member
    with pytest.raises(InvalidInput):
        team.change_role(db, rec, hm.user_id, "candidate")

    # The last active recruiter stays: not demoted, not deactivated (not even by themself).
    with pytest.raises(Conflict, match="last active recruiter"):
        team.change_role(db, rec, rec.user_id, "hiring_manager")
    with pytest.raises(Conflict):
        team.set_active(db, rec, rec.user_id, False)

    promoted = team.change_role(db, rec, hm.user_id, "recruiter", client="192.0.2.5")
    assert promoted.role == "recruiter"
    assert sign_in.active_principal(db, hm.user_id).role is Role.RECRUITER  # the next call sees it
    team.change_role(db, rec, rec.user_id, "hiring_manager")  # now another recruiter remains
    new_rec = principal(db, "hm@acme.test")
    with pytest.raises(Conflict, match="your own account"):
        team.set_active(db, new_rec, new_rec.user_id, False)
    with pytest.raises(Conflict, match="last active recruiter"):
        team.change_role(db, new_rec, new_rec.user_id, "hiring_manager")

    # Deactivating ends the member's sessions at once; their history rows stay.
    candidate = make_candidate(db)
    application = apply(db, candidate, acme.job_id)
    from flowtrack_ui.core.pipelines import moves

    moves.move_stage(db, new_rec, application.id, "Screening")
    old_token = sign_in.login(db, "rec@acme.test", PASSWORD)
    team.change_role(db, new_rec, rec.user_id, "recruiter")
    gone = team.set_active(db, new_rec, rec.user_id, False)
    assert not gone.active
    with pytest.raises(Unauthenticated):
        sign_in.principal_from_token(db, old_token)
    with pytest.raises(Unauthenticated):
        sign_in.login(db, "rec@acme.test", PASSWORD)
    with db.session() as s:
        assert (
            len(
                s.exec(
                    select(ApplicationHistory).where(ApplicationHistory.application_id == application.id)
                ).all()
            )
            == 2
        )
    assert [m.email for m in team.team(db, new_rec).members][-1] == "rec@acme.test"  # inactive last
    team.set_active(db, new_rec, rec.user_id, True)
    assert sign_in.login(db, "rec@acme.test", PASSWORD)
    assert _actions(db, globex.recruiter.company_id or 0) == ["invitation.sent"]  # its own manager
    assert _actions(db, acme.recruiter.company_id or 0) == [
        "invitation.sent",
        "member.role_changed",
        "member.role_changed",
        "member.role_changed",
        "member.deactivated",
        "member.reactivated",
    ]
    first = audit.events(db, new_rec, action="member.role_changed")[-1]
    assert first.client == "192.0.2.5" and first.details == {"from": "hiring_manager", "to": "recruiter"}


def test_invitations_listed_resent_and_revoked(db):
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    rec, hm = acme.recruiter, acme.manager
    first = invitations.invite_staff(db, rec, "new@acme.test", "hiring_manager")
    pending = team.team(db, hm).invitations
    assert [(p.email, p.role, p.invited_by, p.expired) for p in pending] == [
        ("new@acme.test", "hiring_manager", "Acme Recruiter", False)
    ]
    inv_id = pending[0].id
    with pytest.raises(Forbidden):
        team.revoke_invitation(db, hm, inv_id)
    with pytest.raises(NotFound):
        team.resend_invitation(db, globex.recruiter, inv_id)
    again = team.resend_invitation(db, rec, inv_id)
    with pytest.raises(NotFound):  # the old link stopped working
        invitations.describe_invitation(db, first.token)
    assert invitations.describe_invitation(db, again.token)["email"] == "new@acme.test"
    with db.session() as s:
        sent = s.exec(select(OutboxEmail).where(OutboxEmail.to_address == "new@acme.test")).all()
    assert len(sent) == 2 and again.token in sent[-1].body_text
    team.revoke_invitation(db, rec, inv_id)
    with pytest.raises(NotFound):
        invitations.describe_invitation(db, again.token)
    assert team.team(db, rec).invitations == []
    assert _actions(db, rec.company_id or 0)[-2:] == ["invitation.resent", "invitation.revoked"]


def test_team_over_http(any_db):
    db = any_db
    acme = make_company(any_db, "Acme")
    make_company(any_db, "Globex")
    make_candidate(db)
    c = client_for(db)
    h = {
        who: login(c, who) for who in ("rec@acme.test", "hm@acme.test", "rec@globex.test", "cand@example.com")
    }
    body = c.get("/api/team", headers=h["hm@acme.test"]).json()
    hm_row = next(m for m in body["members"] if m["email"] == "hm@acme.test")
    assert set(hm_row) >= {"id", "email", "full_name", "role", "active", "last_sign_in_at", "totp_enabled"}
    assert hm_row["last_sign_in_at"] is not None and hm_row["totp_enabled"] is False
    assert c.get("/api/team", headers=h["cand@example.com"]).status_code == 403
    url = f"/api/team/{acme.manager.user_id}"
    assert c.patch(url, json={"role": "recruiter"}, headers=h["hm@acme.test"]).status_code == 403
    assert c.patch(url, json={"role": "recruiter"}, headers=h["rec@globex.test"]).status_code == 404
    assert c.patch(url, json={}, headers=h["rec@acme.test"]).status_code == 422
    assert c.patch(url, json={"role": "owner"}, headers=h["rec@acme.test"]).status_code == 422
    r = c.patch(
        f"/api/team/{acme.recruiter.user_id}", json={"role": "hiring_manager"}, headers=h["rec@acme.test"]
    )
    assert r.status_code == 409 and "last active recruiter" in r.json()["detail"]
    r = c.patch(url, json={"active": False}, headers=h["rec@acme.test"])
    assert r.status_code == 200 and r.json()["active"] is False
    assert c.get("/api/team", headers=h["hm@acme.test"]).status_code == 401  # ended at once
    inv = c.post(
        "/api/invitations", json={"email": "x@acme.test", "role": "recruiter"}, headers=h["rec@acme.test"]
    )
    with db.session() as s:
        inv_id = s.exec(select(Invitation.id).where(Invitation.email == "x@acme.test")).one()
    assert inv.status_code == 201
    assert c.post(f"/api/invitations/{inv_id}/resend", headers=h["rec@globex.test"]).status_code == 404
    r = c.post(f"/api/invitations/{inv_id}/resend", headers=h["rec@acme.test"])
    assert r.status_code == 200 and r.json()["token"] != inv.json()["token"]
    assert c.delete(f"/api/invitations/{inv_id}", headers=h["rec@globex.test"]).status_code == 404
    assert c.delete(f"/api/invitations/{inv_id}", headers=h["rec@acme.test"]).status_code == 204
    assert c.delete(f"/api/invitations/{inv_id}", headers=h["rec@acme.test"]).status_code == 404


# --- two-factor sign-in -------------------------------------------------------------------------


def test_enrol_sign_in_recovery_codes_and_disable(db):
    rec = make_company(db, "Acme").recruiter
    setup = two_factor.start_enrolment(db, rec)
    assert setup.otpauth_uri.startswith("otpauth://totp/FlowTrack:rec%40acme.test?secret=")
    assert setup.qr_svg.startswith("<svg") and "http" not in setup.qr_svg.split(">", 1)[1]
    with db.session() as s:
        stored = s.get(User, rec.user_id)
        assert stored and stored.totp_secret_sealed and setup.secret not in stored.totp_secret_sealed
    assert sign_in.login(db, "rec@acme.test", PASSWORD)  # not on until confirmed
    with pytest.raises(InvalidInput):
        two_factor.confirm_enrolment(db, rec, "000000" if _code(setup.secret) != "000000" else "111111")
    codes = two_factor.confirm_enrolment(db, rec, _code(setup.secret))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.status(db, rec).recovery_codes_left == 10
    with pytest.raises(Conflict):
        two_factor.start_enrolment(db, rec)

    with pytest.raises(two_factor.SecondFactorRequired) as step:
        sign_in.login(db, "rec@acme.test", PASSWORD)
    challenge = step.value.challenge_token
    with pytest.raises(Unauthenticated):  # the challenge is no session
        sign_in.principal_from_token(db, challenge)
    with pytest.raises(InvalidInput):
        two_factor.finish_sign_in(db, challenge, "12345")
    with pytest.raises(InvalidInput):  # the code that turned it on is spent: no replay
        two_factor.finish_sign_in(db, challenge, _code(setup.secret))
    token = two_factor.finish_sign_in(db, challenge, _code(setup.secret, 1))
    assert sign_in.principal_from_token(db, token).user_id == rec.user_id
    with pytest.raises(InvalidInput):  # and so is this one
        two_factor.finish_sign_in(db, challenge, _code(setup.secret, 1))

    # A recovery code works once.
    assert two_factor.finish_sign_in(db, challenge, codes[0].upper().replace("-", " "))
    with pytest.raises(InvalidInput):
        two_factor.finish_sign_in(db, challenge, codes[0])
    assert two_factor.status(db, rec).recovery_codes_left == 9

    with pytest.raises(InvalidInput):
        two_factor.disable(db, rec, "not my password", _code(setup.secret))
    with pytest.raises(InvalidInput):
        two_factor.disable(db, rec, PASSWORD, codes[0])  # spent
    two_factor.disable(db, rec, PASSWORD, codes[1])
    assert sign_in.login(db, "rec@acme.test", PASSWORD)
    assert _actions(db, rec.company_id or 0)[-2:] == ["2fa.enabled", "2fa.disabled"]


def test_codes_are_throttled_apart_from_passwords(db):
    rec = make_company(db, "Acme").recruiter
    setup = two_factor.start_enrolment(db, rec)
    two_factor.confirm_enrolment(db, rec, _code(setup.secret))
    wrong = "000000" if _code(setup.secret) not in ("000000",) else "999999"
    for _ in range(throttle.MAX_FAILURES):
        with pytest.raises(two_factor.SecondFactorRequired) as step:  # a right password clears nothing
            sign_in.login(db, "rec@acme.test", PASSWORD, client="203.0.113.4")
        with pytest.raises(InvalidInput):
            two_factor.finish_sign_in(db, step.value.challenge_token, wrong, client="203.0.113.4")
    with pytest.raises(TooManyAttempts):
        two_factor.finish_sign_in(
            db, step.value.challenge_token, _code(setup.secret, 1), client="203.0.113.4"
        )
    # The owner elsewhere is not locked out.
    assert two_factor.finish_sign_in(
        db, step.value.challenge_token, _code(setup.secret, 1), client="198.51.100.1"
    )


def test_company_requirement_makes_staff_enrol_first(db):
    acme = make_company(db, "Acme")
    rec, hm = acme.recruiter, acme.manager
    with pytest.raises(Forbidden):
        two_factor.set_policy(db, hm, True)
    with pytest.raises(Conflict):
        two_factor.set_policy(db, rec, False, sso_only=True)  # no single sign-on set up
    assert two_factor.set_policy(db, rec, True).staff_without_2fa == 2
    hm_now = principal(db, "hm@acme.test")
    assert hm_now.must_enrol_2fa
    with pytest.raises(Forbidden, match="two-factor"):
        team.team(db, hm_now)
    setup = two_factor.start_enrolment(db, hm_now)  # enrolling is allowed
    two_factor.confirm_enrolment(db, hm_now, _code(setup.secret))
    assert not sign_in.active_principal(db, hm.user_id).must_enrol_2fa
    with pytest.raises(Conflict):  # required: it stays on
        two_factor.disable(db, hm_now, PASSWORD, _code(setup.secret))
    cand = make_candidate(db)
    assert not cand.must_enrol_2fa  # candidates are not the company's staff
    assert "company.security_changed" in _actions(db, rec.company_id or 0)


def test_two_factor_over_http(any_db):
    db = any_db
    make_company(db, "Acme")
    c = client_for(db)
    h = login(c, "rec@acme.test")
    setup = c.post("/api/me/2fa/setup", headers=h).json()
    assert setup["otpauth_uri"].startswith("otpauth://")
    assert c.post("/api/me/2fa/enable", json={"code": "abc"}, headers=h).status_code == 422
    r = c.post("/api/me/2fa/enable", json={"code": _code(setup["secret"])}, headers=h)
    assert r.status_code == 200 and len(r.json()["recovery_codes"]) == 10
    first = c.post("/api/auth/login", json={"email": "rec@acme.test", "password": PASSWORD})
    assert first.status_code == 200 and first.json()["two_factor_required"] is True
    assert "access_token" not in first.json()
    challenge = first.json()["challenge_token"]
    assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {challenge}"}).status_code == 401
    bad = c.post("/api/auth/login/2fa", json={"challenge_token": challenge, "code": "000001"})
    assert bad.status_code == 422
    ok = c.post("/api/auth/login/2fa", json={"challenge_token": challenge, "code": _code(setup["secret"], 1)})
    assert ok.status_code == 200
    assert (
        c.get("/api/auth/me", headers={"Authorization": f"Bearer {ok.json()['access_token']}"}).status_code
        == 200
    )
    assert (
        c.post("/api/auth/login/2fa", json={"challenge_token": "x" * 40, "code": "123456"}).status_code == 401
    )
    assert c.get("/api/me/2fa", headers=h).json()["enabled"] is True
    r = c.put("/api/company/security", json={"require_2fa": True}, headers=h)
    assert r.status_code == 200 and r.json()["staff_without_2fa"] == 1  # the hiring manager


# --- API tokens ---------------------------------------------------------------------------------


def test_api_tokens_scopes_revocation_and_deactivation(any_db):
    db = any_db
    acme = make_company(db, "Acme")
    make_company(db, "Globex")
    candidate = make_candidate(db)
    application = apply(db, candidate, acme.job_id)
    c = client_for(db)
    rec = login(c, "rec@acme.test")
    bad = c.post("/api/me/tokens", json={"name": "x", "scopes": ["admin"]}, headers=rec)
    assert bad.status_code == 422
    made = c.post("/api/me/tokens", json={"name": "HR sync", "scopes": ["read"]}, headers=rec)
    assert made.status_code == 201, made.text
    read = {"Authorization": f"Bearer {made.json()['token']}"}
    assert made.json()["token"].startswith("ft_") and made.json()["last_used_at"] is None
    with db.session() as s:
        stored = s.exec(select(ApiToken)).one()
        assert made.json()["token"] not in (stored.token_hash, stored.prefix)

    assert c.get(f"/api/applications/{application.id}", headers=read).status_code == 200
    moved = c.patch(
        f"/api/applications/{application.id}/stage", params={"new_stage": "Screening"}, headers=read
    )
    assert moved.status_code == 403  # scope read cannot move a card
    from flowtrack_ui.core.pipelines import moves

    p = api_tokens.principal_from_api_token(db, made.json()["token"], "GET")
    assert p.read_only and p.role is Role.RECRUITER
    with pytest.raises(Forbidden):  # nor through the core, whatever the caller
        moves.move_stage(db, p, application.id, "Screening")
    listed = c.get("/api/me/tokens", headers=rec).json()
    assert listed[0]["last_used_at"] is not None and "token" not in listed[0]

    write = c.post(
        "/api/me/tokens", json={"name": "ATS bot", "scopes": ["read", "write"]}, headers=rec
    ).json()
    wh = {"Authorization": f"Bearer {write['token']}"}
    r = c.patch(f"/api/applications/{application.id}/stage", params={"new_stage": "Screening"}, headers=wh)
    assert r.status_code == 200

    # A hiring manager's write token can do what a hiring manager can, never more.
    hm = login(c, "hm@acme.test")
    hm_tok = c.post("/api/me/tokens", json={"name": "mine", "scopes": ["read", "write"]}, headers=hm).json()
    hmh = {"Authorization": f"Bearer {hm_tok['token']}"}
    r = c.patch(f"/api/applications/{application.id}/stage", params={"new_stage": "Interview"}, headers=hmh)
    assert r.status_code == 403
    assert c.delete(f"/api/me/tokens/{hm_tok['id']}", headers=rec).status_code == 404  # not theirs

    assert c.delete(f"/api/me/tokens/{made.json()['id']}", headers=rec).status_code == 204
    assert c.get("/api/auth/me", headers=read).status_code == 401  # revoked
    assert c.get("/api/auth/me", headers={"Authorization": "Bearer ft_" + "a" * 43}).status_code == 401

    # The owner deactivated: their tokens stop at once.
    team.set_active(db, acme.recruiter, acme.manager.user_id, False)
    assert c.get("/api/auth/me", headers=hmh).status_code == 401
    acts = _actions(db, acme.recruiter.company_id or 0)
    assert acts.count("token.created") == 3 and "token.revoked" in acts


def test_token_expiry_and_last_use(db):
    rec = make_company(db, "Acme").recruiter
    new = api_tokens.create(db, rec, "nightly", ["read"], 1)
    assert api_tokens.principal_from_api_token(db, new.token).user_id == rec.user_id
    with db.session(write=True) as s:
        row = s.get(ApiToken, new.row.id)
        assert row is not None and row.last_used_at is not None
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        s.add(row)
    with pytest.raises(Unauthenticated):
        api_tokens.principal_from_api_token(db, new.token)
    assert api_tokens.mine(db, rec) == []
    with pytest.raises(InvalidInput):
        api_tokens.create(db, rec, "", ["read"])
    with pytest.raises(InvalidInput):
        api_tokens.create(db, rec, "x", ["read"], 0)


# --- the audit log ------------------------------------------------------------------------------


def test_audit_log_filters_csv_and_who_reads_it(any_db):
    db = any_db
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    rec = acme.recruiter
    api_tokens.create(db, rec, "=HYPERLINK(1)", ["read"])
    team.change_role(db, rec, acme.manager.user_id, "recruiter", client="192.0.2.9")
    with pytest.raises(Forbidden):  # hiring managers do not read it
        audit.events(db, acme.manager)
    rows = audit.events(db, rec)
    assert [r.action for r in rows][:2] == ["member.role_changed", "token.created"]
    assert [r.target for r in audit.events(db, globex.recruiter)] == ["invitation hm@globex.test"]
    assert [r.action for r in audit.events(db, rec, action="token.")] == ["token.created"]
    assert audit.events(db, rec, since=datetime.now(UTC) + timedelta(minutes=1)) == []
    assert {r.actor_id for r in audit.events(db, rec, actor_id=rec.user_id)} == {rec.user_id}

    c = client_for(db)
    h = login(c, "rec@acme.test")
    assert c.get("/api/audit", params={"action": "member."}, headers=h).json()[0]["client"] == "192.0.2.9"
    assert all(
        "acme" not in r["target"] for r in c.get("/api/audit", headers=login(c, "rec@globex.test")).json()
    )
    assert c.get("/api/audit", params={"since": "yesterday"}, headers=h).status_code == 422
    r = c.get("/api/audit.csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(r.text)))
    assert table[0] == list(audit.COLUMNS)
    assert any("=HYPERLINK(1)" in row[4] for row in table[1:])
    assert not any(cell.startswith("=") for row in table for cell in row)


def test_each_audited_action_leaves_a_row(db):
    from flowtrack_ui.core.careers import settings as careers
    from flowtrack_ui.core.mail import templates
    from flowtrack_ui.core.privacy import erase, retention

    acme = make_company(db, "Acme")
    rec = acme.recruiter
    candidate = make_candidate(db)
    apply(db, candidate, acme.job_id)
    invitations.invite_staff(db, rec, "new@acme.test", "hiring_manager")
    careers.update_careers(db, rec, {"about": "We make anvils."})
    retention.set_retention(db, rec, 12)
    made = templates.create_template(
        db, rec, {"kind": "rejection", "name": "Short", "subject": "{{ job.title }}", "body": "Thanks."}
    )
    templates.update_template(db, rec, made.id, {"name": "Shorter", "subject": "Hi", "body": "Thanks."})
    templates.delete_template(db, rec, made.id)
    erase.erase_candidate(db, rec, candidate.user_id)
    two_factor.set_policy(db, rec, False)
    assert _actions(db, rec.company_id or 0) == [
        "invitation.sent",  # the hiring manager's, when the company was made
        "invitation.sent",
        "careers.updated",
        "retention.changed",
        "email_template.created",
        "email_template.updated",
        "email_template.deleted",
        "candidate.erased",
        "company.security_changed",
    ]
    row = audit.events(db, rec, action="retention.changed")[0]
    assert row.details == {"from": None, "to": 12} and row.actor_name == "Acme Recruiter"


def test_an_emailed_sign_in_link_is_no_second_factor(db):
    import hashlib

    from flowtrack_ui.core.models import SignInLink

    cand = make_candidate(db)
    setup = two_factor.start_enrolment(db, cand)
    two_factor.confirm_enrolment(db, cand, _code(setup.secret))
    token = "a-link-token-from-an-email"
    with db.session(write=True) as s:
        s.add(
            SignInLink(
                user_id=cand.user_id,
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                expires_at=datetime.now(UTC) + timedelta(days=1),
            )
        )
    with pytest.raises(Conflict, match="two-factor"):
        sign_in.sign_in_with_link(db, token)


def test_exports_are_audited(db):
    acme = make_company(db, "Acme")
    c = client_for(db)
    h = login(c, "rec@acme.test")
    assert c.get("/api/analytics.csv", params={"job_id": acme.job_id}, headers=h).status_code == 200
    assert c.get("/api/audit.csv", params={"action": "analytics."}, headers=h).status_code == 200
    rows = audit.events(db, acme.recruiter, action="audit.exported") + audit.events(
        db, acme.recruiter, action="analytics.exported"
    )
    assert [(r.action, r.target) for r in rows] == [
        ("audit.exported", "1 rows"),
        ("analytics.exported", f"job {acme.job_id}"),
    ]
    assert rows[0].details["action"] == "analytics." and rows[0].client == "testclient"
