"""The team page's and the account page's credential handlers called directly, the way a browser
could send them: every role, forged ids, another company's members and invitations untouched."""

from __future__ import annotations

import pyotp
import pytest
from sqlmodel import select

from flowtrack_ui.core.accounts import api_tokens, invitations, sign_in
from flowtrack_ui.core.errors import Unauthenticated
from flowtrack_ui.core.models import ApiToken, Company, Invitation, User
from flowtrack_ui.state import auth, credentials, session, team
from flowtrack_ui.state.auth import AuthState
from flowtrack_ui.state.credentials import CredentialsState
from flowtrack_ui.state.team import TeamPageState

from .conftest import PASSWORD
from .test_handlers import call, state_for


@pytest.fixture(autouse=True)
def _use_test_db(db, monkeypatch):
    for module in (session, auth, team, credentials):
        monkeypatch.setattr(module, "db", lambda: db)


def _picture(db) -> tuple:
    with db.session() as s:
        users = sorted((u.id, u.role, u.is_active, u.token_version) for u in s.exec(select(User)))
        invites = sorted((i.id, i.token_hash) for i in s.exec(select(Invitation)))
        policy = sorted((c.id, c.require_2fa) for c in s.exec(select(Company)))
    return users, invites, policy


@pytest.mark.parametrize("who", ["manager", "candidate", "other_company", "nobody"])
def test_forged_team_events_never_touch_acme(db, acme, globex, candidate, who):
    invitations.invite_staff(db, acme.recruiter, "new@acme.test", "recruiter")
    with db.session() as s:
        inv_id = s.exec(select(Invitation.id).where(Invitation.email == "new@acme.test")).one()
    before = _picture(db)
    forger = {
        "manager": acme.manager,
        "candidate": candidate,
        "other_company": globex.recruiter,
        "nobody": None,
    }[who]
    st = state_for(TeamPageState, forger)
    call(st, TeamPageState.load)
    for target in (acme.recruiter.user_id, acme.manager.user_id, 10**9, -1):
        call(st, TeamPageState.change_role, target, "recruiter")
        call(st, TeamPageState.change_role, target, "hiring_manager")
        st.confirm_id, st.confirm_name = target, "x"
        call(st, TeamPageState.deactivate)
        call(st, TeamPageState.reactivate, target)
    call(st, TeamPageState.resend, inv_id)
    call(st, TeamPageState.revoke, inv_id)
    call(st, TeamPageState.set_require_2fa, True)
    call(st, TeamPageState.download_audit)
    after = _picture(db)
    acme_id = acme.recruiter.company_id
    assert [u for u in after[0] if u[0] in (acme.recruiter.user_id, acme.manager.user_id)] == [
        u for u in before[0] if u[0] in (acme.recruiter.user_id, acme.manager.user_id)
    ]
    assert after[1] == before[1]
    assert [c for c in after[2] if c[0] == acme_id] == [c for c in before[2] if c[0] == acme_id]
    if who == "manager":  # hiring managers read the team, nothing more
        assert {m.email for m in st.members} == {"rec@acme.test", "hm@acme.test"}
        assert not st.can_manage and st.audit_rows == []
    if who in ("candidate", "nobody"):
        assert st.members == []


def test_a_recruiter_manages_the_team_through_the_page(db, acme):
    st = state_for(TeamPageState, acme.recruiter)
    call(st, TeamPageState.load)
    assert st.can_manage and len(st.members) == 2
    call(st, TeamPageState.change_role, acme.manager.user_id, "recruiter")
    st.confirm_id, st.confirm_name = acme.manager.user_id, "Acme Manager"
    call(st, TeamPageState.deactivate)
    assert [m.active for m in st.members if m.id == acme.manager.user_id] == [False]
    with pytest.raises(Unauthenticated):
        sign_in.login(db, "hm@acme.test", PASSWORD)
    assert [r.action for r in st.audit_rows][:2] == ["member.deactivated", "member.role_changed"]


def test_credential_handlers_and_the_second_sign_in_step(db, acme, candidate):
    st = state_for(CredentialsState, candidate)  # candidates have 2FA and tokens too
    call(st, CredentialsState.load)
    call(st, CredentialsState.start_enrolment)
    assert st.enrolling and st.qr_svg.startswith("<svg")
    call(st, CredentialsState.confirm_enrolment, {"code": "12"})
    assert st.tf_error and not st.tf_enabled
    call(st, CredentialsState.confirm_enrolment, {"code": pyotp.TOTP(st.setup_secret).now()})
    assert st.tf_enabled and len(st.recovery_codes) == 10
    codes = list(st.recovery_codes)

    call(st, CredentialsState.create_token, {"name": "export", "scope": "write", "expires": "30"})
    assert st.new_token.startswith("ft_") and [t.scopes for t in st.tokens] == ["read and write"]
    call(st, CredentialsState.create_token, {"name": "", "scope": "read", "expires": "30"})
    assert st.token_error
    other = state_for(CredentialsState, acme.recruiter)
    call(other, CredentialsState.revoke_token, st.tokens[0].id)  # not theirs: nothing happens
    with db.session() as s:
        assert s.exec(select(ApiToken)).one().revoked_at is None
    call(st, CredentialsState.revoke_token, st.tokens[0].id)
    assert st.tokens == [] and api_tokens.mine(db, candidate) == []

    # The sign-in page: password, then a recovery code.
    page = state_for(AuthState, None)
    call(page, AuthState.login, {"email": "cand@example.com", "password": PASSWORD})
    assert page.needs_code and page.token == ""
    call(page, AuthState.login_code, {"code": "nope"})
    assert page.error and page.token == ""
    call(page, AuthState.login_code, {"code": codes[0]})
    assert page.token and not page.needs_code


def test_staff_who_must_enrol_are_sent_to_the_account_page(db, acme, monkeypatch):
    from flowtrack_ui.core.accounts import two_factor
    from flowtrack_ui.state import work
    from flowtrack_ui.state.work import WorkState

    monkeypatch.setattr(work, "db", lambda: db)
    two_factor.set_policy(db, acme.recruiter, True)
    st = state_for(WorkState, acme.manager)
    assert "/account#two-factor" in repr(call(st, WorkState.load))
    st = state_for(TeamPageState, acme.manager)
    assert "/account#two-factor" in repr(call(st, TeamPageState.load)) and st.members == []


def test_inviting_from_the_team_page_follows_the_invitation_rule(db, acme):
    st = state_for(TeamPageState, acme.manager)
    call(st, TeamPageState.load)
    call(st, TeamPageState.invite, {"email": "boss@acme.test", "role": "recruiter"})
    assert "may not invite a recruiter" in st.invite_error
    call(st, TeamPageState.invite, {"email": "peer@acme.test", "role": "hiring_manager"})
    assert st.invite_error == "" and [i.email for i in st.invitations] == ["peer@acme.test"]
