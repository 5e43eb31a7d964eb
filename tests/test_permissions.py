"""Every cell of the permission table, for each role, in the same company and in another one."""

from __future__ import annotations

import pytest

from flowtrack_ui.core import audit as audit_log
from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.accounts import api_tokens, invitations, sso, team, two_factor
from flowtrack_ui.core.analytics import report
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.applications.from_talent_pool import add_to_job
from flowtrack_ui.core.candidates import profile
from flowtrack_ui.core.careers import settings as careers_settings
from flowtrack_ui.core.collaboration import interviews, notes, scorecards
from flowtrack_ui.core.errors import Forbidden, NotFound
from flowtrack_ui.core.mail import conversation as mail_conversation
from flowtrack_ui.core.mail import templates as mail_templates
from flowtrack_ui.core.models import Application, ApplicationHistory, Job
from flowtrack_ui.core.permissions import PERMISSIONS, Action, Role, require
from flowtrack_ui.core.pipelines.moves import move_stage, withdraw
from flowtrack_ui.core.privacy import audit, erase, export, retention
from flowtrack_ui.core.scheduling import availability
from flowtrack_ui.core.scheduling import links as scheduling_links
from flowtrack_ui.core.talent import search, tags
from flowtrack_ui.core.webhooks import endpoints as webhook_endpoints

from .conftest import PASSWORD, make_candidate


def _snapshot(db):
    with db.session() as s:
        return (
            sorted((a.id, a.stage_id, a.version) for a in s.exec(Application.__table__.select())),
            sorted((j.id, j.title, j.status) for j in s.exec(Job.__table__.select())),
            len(s.exec(ApplicationHistory.__table__.select()).all()),
        )


@pytest.fixture
def world(db, acme, globex, candidate):
    app = apply(db, candidate, acme.job_id)
    other = make_candidate(db, "other@example.com", "Olive Other")
    return {
        "db": db,
        "acme": acme,
        "globex": globex,
        "candidate": candidate,
        "other_candidate": other,
        "app": app,
        "roles": {
            Role.RECRUITER: acme.recruiter,
            Role.HIRING_MANAGER: acme.manager,
            Role.CANDIDATE: candidate,
        },
    }


def _do(action: Action, w, who, *, foreign: bool = False):
    """Perform ``action`` as ``who`` on Acme's objects (which are foreign when who is Globex staff)."""
    db, acme, app = w["db"], w["acme"], w["app"]
    if action is Action.MANAGE_JOBS:
        job = jobs.create_job(db, who, "New role")
        jobs.update_job(db, who, acme.job_id, "Renamed")
        jobs.set_job_status(db, who, acme.job_id, "closed")
        return job
    if action is Action.APPLY:
        return apply(db, who, acme.job_id)
    if action is Action.VIEW_JOB_APPLICATIONS:
        return queries.board(db, who, acme.job_id), queries.applications_for_job(db, who, acme.job_id)
    if action is Action.MOVE_STAGE:
        return move_stage(db, who, app.id, "Screening")
    if action is Action.VIEW_OWN_APPLICATIONS:
        return queries.my_applications(db, who), queries.my_timeline(db, who, app.id)
    if action is Action.VIEW_HISTORY:
        return queries.application_history(db, who, app.id)
    if action is Action.WRITE_NOTES:
        return notes.add_note(db, who, app.id, "Strong portfolio.")
    if action is Action.SCHEDULE_INTERVIEWS:
        return interviews.schedule(db, who, app.id, _interview(acme.manager))
    if action is Action.SUBMIT_SCORECARD:
        interview = interviews.schedule(db, acme.recruiter, app.id, _interview(acme.recruiter, acme.manager))
        return scorecards.submit(db, who, interview.id, {"recommendation": "yes"})
    if action is Action.READ_ALL_SCORECARDS:
        require(who, action)  # a filter, not a refusal: scorecards.visible reads the same cell
        return scorecards.for_application(db, who, app.id)
    if action is Action.WITHDRAW:
        return withdraw(db, who, app.id)
    if action is Action.VIEW_ANALYTICS:
        return report.report(db, who, acme.job_id)
    if action is Action.USE_TALENT_POOL:
        found = search.search(db, who, "Casey")
        assert [c.full_name for c in found.candidates] == (["Casey Candidate"] if not foreign else [])
        tags.set_tags(db, who, app.candidate_id, ["python"])
        second = jobs.create_job(db, acme.recruiter, "Second role")
        return add_to_job(db, who, app.candidate_id, second.id)
    if action is Action.ERASE_CANDIDATE:
        done = erase.erase_candidate(db, who, app.candidate_id)
        retention.set_retention(db, who, 12)
        return done, audit.erasure_log(db, who)
    if action is Action.MANAGE_OWN_DATA:
        return export.export_my_data(db, who), erase.erase_own_account(db, who, PASSWORD)
    if action is Action.EDIT_OWN_PROFILE:
        return profile.update_profile(db, who, {"headline": "Builds things"})
    if action is Action.EDIT_CAREERS_SITE:
        return careers_settings.update_careers(db, who, {"about": "We make anvils."})
    if action in (Action.READ_EMAIL_TEMPLATES, Action.EDIT_EMAIL_TEMPLATES):
        made = mail_templates.create_template(db, acme.recruiter, _TEMPLATE)
        if action is Action.READ_EMAIL_TEMPLATES:
            return mail_templates.list_templates(db, who), mail_templates.get_template(db, who, made.id)
        return mail_templates.update_template(db, who, made.id, {**_TEMPLATE, "name": "After the interview"})
    if action is Action.SEND_SCHEDULING_LINKS:
        fields = {"interviewer_ids": [acme.manager.user_id], "video_url": "https://meet.example.com/x"}
        return scheduling_links.create_link(db, who, app.id, fields)
    if action is Action.SET_OWN_AVAILABILITY:
        return availability.save(db, who, {"start": "08:00"})
    if action is Action.WRITE_TO_CANDIDATES:
        return mail_conversation.compose(db, who, app.id, {"subject": "Hello", "body": "Hi"})
    if action is Action.READ_CONVERSATION:
        return mail_conversation.conversation(db, who, app.id), mail_conversation.unmatched(db, who)
    if action in INVITED_ROLE:
        return invitations.invite_staff(db, who, "new.colleague@acme.test", INVITED_ROLE[action])
    if action is Action.READ_TEAM:
        return team.team(db, who)
    if action is Action.MANAGE_TEAM:
        team.set_active(db, who, acme.manager.user_id, False)
        return team.set_active(db, who, acme.manager.user_id, True)
    if action is Action.SET_SECURITY_POLICY:
        return two_factor.set_policy(db, who, False)
    if action is Action.READ_AUDIT_LOG:
        return audit_log.events(db, who)
    if action is Action.MANAGE_OWN_CREDENTIALS:
        return api_tokens.create(db, who, "script", ["read"]), two_factor.status(db, who)
    if action is Action.MANAGE_WEBHOOKS:
        hook = {"url": "https://93.184.216.34/hook", "events": ["application.created"]}
        made = webhook_endpoints.create_endpoint(db, acme.recruiter, hook)
        listed = webhook_endpoints.list_endpoints(db, who)
        return listed, webhook_endpoints.deliveries(db, who, made.endpoint.id)
    if action is Action.CONFIGURE_SSO:
        return (sso.get_config(db, who),)
    if action in OFFER_ACTIONS:
        return _offer_cell(action, w, who)
    raise AssertionError(action)


OFFER_ACTIONS = (
    Action.EDIT_OFFER_TEMPLATES,
    Action.READ_OFFERS,
    Action.MANAGE_OFFERS,
    Action.APPROVE_OFFERS,
    Action.RESPOND_TO_OFFERS,
)


def _offer_cell(action: Action, w, who):
    """Offers (core/offers): Acme's template and offer, acted on by ``who``."""
    from datetime import UTC, datetime, timedelta

    from flowtrack_ui.core.offers import letters, responses, workflow

    db, acme, app = w["db"], w["acme"], w["app"]
    today = datetime.now(UTC).date()
    terms = {"salary": "1000", "currency": "EUR", "start_date": today}
    terms["expires_on"] = today + timedelta(days=3)
    if action is Action.EDIT_OFFER_TEMPLATES:
        made = letters.create_template(db, acme.recruiter, {"name": "Ours", "body": "Hi"})
        return letters.update_template(db, who, made.id, {"name": "Ours", "body": "Hello"})
    if action is Action.RESPOND_TO_OFFERS:
        return responses.my_offers(db, who)
    approver = who if who.is_staff and who.company_id == acme.recruiter.company_id else acme.manager
    if action is Action.MANAGE_OFFERS:
        return workflow.create_offer(db, who, app.id, terms)
    offer = workflow.create_offer(db, acme.recruiter, app.id, {**terms, "approver_ids": [approver.user_id]})
    if action is Action.READ_OFFERS:
        return workflow.get_offer(db, who, offer.id), letters.list_templates(db, who)
    workflow.submit_offer(db, acme.recruiter, offer.id)
    return workflow.approve_offer(db, who, offer.id, "Fine")


# What the caller's own company holds (no object of Acme's is named): another company's staff
# see and change their own company's, never Acme's.
OWN_COMPANY = (
    Action.READ_TEAM,
    Action.SET_SECURITY_POLICY,
    Action.READ_AUDIT_LOG,
    Action.MANAGE_OWN_CREDENTIALS,
    Action.CONFIGURE_SSO,
)


_TEMPLATE = {
    "kind": "rejection",
    "name": "After interview",
    "subject": "{{ job.title }}",
    "body": "Thank you.",
}


def _interview(*people) -> dict:
    from datetime import UTC, datetime, timedelta

    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    return {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "timezone": "UTC",
        "duration_minutes": 45,
        "video_url": "https://meet.example.com/abc",
        "interviewer_ids": [p.user_id for p in people],
    }


# Inviting anyone, and each role: nobody invites a role with more rights than their own.
INVITED_ROLE = {
    Action.INVITE_STAFF: "hiring_manager",
    Action.INVITE_RECRUITER: "recruiter",
    Action.INVITE_HIRING_MANAGER: "hiring_manager",
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_role_cell(world, role, action):
    who = world["roles"][role]
    if role in PERMISSIONS[action]:
        if action is Action.APPLY:
            # the world's candidate applied already; a fresh one exercises the cell
            who = make_candidate(world["db"], "fresh@example.com", "Fresh Person")
        assert _do(action, world, who) is not None
    else:
        before = _snapshot(world["db"])
        with pytest.raises(Forbidden):
            _do(action, world, who)
        assert _snapshot(world["db"]) == before


STAFF_CELLS = [
    (role, action)
    for action in Action
    for role in (Role.RECRUITER, Role.HIRING_MANAGER)
    if role in PERMISSIONS[action]
]


@pytest.mark.parametrize("role,action", STAFF_CELLS)
def test_other_company_staff_get_not_found(world, role, action):
    globex = world["globex"]
    who = globex.recruiter if role is Role.RECRUITER else globex.manager
    before = _snapshot(world["db"])
    if action is Action.MANAGE_JOBS:
        with pytest.raises(NotFound):
            jobs.update_job(world["db"], who, world["acme"].job_id, "Hijacked")
        with pytest.raises(NotFound):
            jobs.set_job_status(world["db"], who, world["acme"].job_id, "closed")
        with pytest.raises(NotFound):
            jobs.delete_job(world["db"], who, world["acme"].job_id)
    elif action is Action.EDIT_CAREERS_SITE:  # a recruiter edits their own company's site, no other
        careers_settings.update_careers(world["db"], who, {"about": "Globex"})
        assert careers_settings.get_careers(world["db"], world["acme"].recruiter).about == ""
    elif action in OWN_COMPANY:
        seen = _do(action, world, who)
        if action is Action.READ_TEAM:
            assert not any(m.email.endswith("@acme.test") for m in seen.members)
        if action is Action.READ_AUDIT_LOG:
            assert all("acme" not in row.target for row in seen)
    elif action is Action.SET_OWN_AVAILABILITY:  # only ever one's own hours
        availability.save(world["db"], who, {"start": "07:00"})
        assert availability.get(world["db"], world["acme"].recruiter).start == "09:00"
    elif action in INVITED_ROLE:
        inv = invitations.invite_staff(world["db"], who, "someone@globex.test", INVITED_ROLE[action])
        user = invitations.accept_invitation(world["db"], inv.token, "long enough pw", "Some One")
        assert user.company_id == who.company_id  # invitations always join the inviter's company
        return
    else:
        with pytest.raises(NotFound):
            _do(action, world, who, foreign=True)
    assert _snapshot(world["db"]) == before


def test_candidate_sees_only_own_applications(world):
    db, other = world["db"], world["other_candidate"]
    assert queries.my_applications(db, other) == []
    with pytest.raises(NotFound):
        queries.my_timeline(db, other, world["app"].id)


def test_job_company_is_the_callers(world):
    job = jobs.create_job(world["db"], world["globex"].manager, "Globex job")
    assert job.company_id == world["globex"].manager.company_id


def test_closed_jobs_visible_to_own_staff_only(world):
    db, acme = world["db"], world["acme"]
    jobs.set_job_status(db, acme.recruiter, acme.job_id, "closed")
    assert acme.job_id in [j.id for j in jobs.list_jobs(db, acme.manager)]
    for viewer in (None, world["candidate"], world["globex"].recruiter):
        assert acme.job_id not in [j.id for j in jobs.list_jobs(db, viewer)]
        with pytest.raises(NotFound):
            jobs.get_job(db, viewer, acme.job_id)


def test_a_hiring_manager_cannot_invite_a_recruiter_and_escalate(world):
    """The attack: a hiring manager invites a recruiter, accepts it himself, and moves stages."""
    db, acme = world["db"], world["acme"]
    before = _snapshot(db)
    with pytest.raises(Forbidden, match="may not invite a recruiter"):
        invitations.invite_staff(db, acme.manager, "my.second.self@acme.test", "recruiter")
    with pytest.raises(Forbidden):
        move_stage(db, acme.manager, world["app"].id, "Screening")
    assert _snapshot(db) == before
    with db.session() as s:
        from flowtrack_ui.core.models import Invitation

        assert s.exec(Invitation.__table__.select().where(Invitation.role == "recruiter")).all() == []
