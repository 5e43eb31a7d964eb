"""Who may do what: the permission table (ARCHITECTURE.md, "Where each rule lives"), as data.

Company scoping (staff see only their company) is applied by the use cases, through
``scoping.py`` and the capabilities' ``access`` modules; this table answers only the role question.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import Forbidden


class Role(StrEnum):
    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring_manager"


STAFF_ROLES = frozenset({Role.RECRUITER, Role.HIRING_MANAGER})


class Action(StrEnum):
    MANAGE_JOBS = "create, edit or close jobs"
    APPLY = "apply to jobs"
    VIEW_JOB_APPLICATIONS = "view the applications of a job"
    MOVE_STAGE = "change an application's stage"
    VIEW_OWN_APPLICATIONS = "view your own applications"
    VIEW_HISTORY = "view the full history of an application"
    INVITE_STAFF = "invite staff"
    EDIT_OWN_PROFILE = "edit a candidate profile and résumé"
    WRITE_NOTES = "write notes on applications"
    SCHEDULE_INTERVIEWS = "schedule interviews"
    SUBMIT_SCORECARD = "submit scorecards"
    READ_ALL_SCORECARDS = "read colleagues' scorecards before submitting your own"
    INVITE_RECRUITER = "invite a recruiter"
    INVITE_HIRING_MANAGER = "invite a hiring manager"
    WITHDRAW = "withdraw an application"
    VIEW_ANALYTICS = "view hiring analytics"
    USE_TALENT_POOL = "search the talent pool, tag candidates or add them to a job"
    ERASE_CANDIDATE = "erase a candidate or set the retention period"
    MANAGE_OWN_DATA = "export or erase a candidate account's data"
    EDIT_CAREERS_SITE = "edit the careers site"
    EDIT_EMAIL_TEMPLATES = "edit the company's email templates"
    READ_EMAIL_TEMPLATES = "read the company's email templates"
    WRITE_TO_CANDIDATES = "write to a candidate, or cancel or send early an email held for one"
    READ_CONVERSATION = "read the conversation with a candidate"
    MANAGE_WEBHOOKS = "manage the company's webhooks"
    CONFIGURE_SSO = "configure the company's single sign-on"
    SEND_SCHEDULING_LINKS = "send a candidate a link to book their own interview"
    SET_OWN_AVAILABILITY = "set your own working hours and calendar connection"
    READ_TEAM = "see the company's members and pending invitations"
    MANAGE_TEAM = "change a member's role, deactivate or reactivate a member, or revoke an invitation"
    SET_SECURITY_POLICY = "set the company's sign-in requirements"
    READ_AUDIT_LOG = "read the company's audit log"
    MANAGE_OWN_CREDENTIALS = "manage your own two-factor sign-in and API tokens"
    EDIT_OFFER_TEMPLATES = "edit the company's offer templates"
    READ_OFFERS = "read offers and offer templates"
    MANAGE_OFFERS = "create, edit, send or withdraw offers"
    APPROVE_OFFERS = "approve or decline offers they are named approver of"
    RESPOND_TO_OFFERS = "accept or decline an offer sent to them"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.MANAGE_JOBS: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    Action.APPLY: frozenset({Role.CANDIDATE}),
    Action.VIEW_JOB_APPLICATIONS: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    Action.MOVE_STAGE: frozenset({Role.RECRUITER}),
    Action.VIEW_OWN_APPLICATIONS: frozenset({Role.CANDIDATE}),
    Action.VIEW_HISTORY: frozenset({Role.RECRUITER}),
    Action.INVITE_STAFF: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    Action.EDIT_OWN_PROFILE: frozenset({Role.CANDIDATE}),
    Action.WRITE_NOTES: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    Action.SCHEDULE_INTERVIEWS: frozenset({Role.RECRUITER}),
    Action.SUBMIT_SCORECARD: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    # Everyone else reads an interview's other scorecards only after submitting theirs.
    Action.READ_ALL_SCORECARDS: frozenset({Role.RECRUITER}),
    # Nobody invites a role with more rights than their own.
    Action.INVITE_RECRUITER: frozenset({Role.RECRUITER}),
    Action.INVITE_HIRING_MANAGER: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    Action.WITHDRAW: frozenset({Role.CANDIDATE}),
    Action.VIEW_ANALYTICS: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    Action.USE_TALENT_POOL: frozenset({Role.RECRUITER}),
    Action.ERASE_CANDIDATE: frozenset({Role.RECRUITER}),
    Action.MANAGE_OWN_DATA: frozenset({Role.CANDIDATE}),
    # The company's public face (address, about, colours, links, logo); staff who manage jobs read it.
    Action.EDIT_CAREERS_SITE: frozenset({Role.RECRUITER}),
    # What FlowTrack writes to candidates in the company's name; hiring managers read it.
    Action.EDIT_EMAIL_TEMPLATES: frozenset({Role.RECRUITER}),
    Action.READ_EMAIL_TEMPLATES: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    # The conversation with a candidate (mail/conversation.py): the hiring team reads it, only
    # recruiters write, cancel or send early; the unmatched replies list follows reading.
    Action.WRITE_TO_CANDIDATES: frozenset({Role.RECRUITER}),
    Action.READ_CONVERSATION: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    # Where the company's data goes out (webhooks) and how its staff sign in (SSO): recruiters.
    Action.MANAGE_WEBHOOKS: frozenset({Role.RECRUITER}),
    Action.CONFIGURE_SSO: frozenset({Role.RECRUITER}),
    # Self-scheduling (scheduling/): recruiters send links; every staff member sets their own hours.
    Action.SEND_SCHEDULING_LINKS: frozenset({Role.RECRUITER}),
    Action.SET_OWN_AVAILABILITY: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    # The team page (accounts/team.py): hiring managers read it, recruiters manage it.
    Action.READ_TEAM: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    Action.MANAGE_TEAM: frozenset({Role.RECRUITER}),
    Action.SET_SECURITY_POLICY: frozenset({Role.RECRUITER}),
    Action.READ_AUDIT_LOG: frozenset({Role.RECRUITER}),
    Action.MANAGE_OWN_CREDENTIALS: frozenset({Role.CANDIDATE, Role.RECRUITER, Role.HIRING_MANAGER}),
    # Offers (offers/workflow.py): recruiters write and send them; any staff member named in an
    # offer's chain approves it (the use case checks the name); hiring managers never send.
    Action.EDIT_OFFER_TEMPLATES: frozenset({Role.RECRUITER}),
    Action.READ_OFFERS: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    Action.MANAGE_OFFERS: frozenset({Role.RECRUITER}),
    Action.APPROVE_OFFERS: frozenset({Role.RECRUITER, Role.HIRING_MANAGER}),
    # Signed in, on their tracker; the emailed link's holder acts through offers/responses.py.
    Action.RESPOND_TO_OFFERS: frozenset({Role.CANDIDATE}),
}

# Actions that only ever change something: a caller acting through a read-scoped API token
# (``Principal.read_only``) is refused them whatever its role (accounts/api_tokens.py also refuses
# such a token every request that is not a read).
WRITE_ACTIONS = frozenset(
    {
        Action.APPLY,
        Action.MOVE_STAGE,
        Action.INVITE_STAFF,
        Action.EDIT_OWN_PROFILE,
        Action.WRITE_NOTES,
        Action.SCHEDULE_INTERVIEWS,
        Action.SUBMIT_SCORECARD,
        Action.INVITE_RECRUITER,
        Action.INVITE_HIRING_MANAGER,
        Action.WITHDRAW,
        Action.ERASE_CANDIDATE,
        Action.EDIT_CAREERS_SITE,
        Action.EDIT_EMAIL_TEMPLATES,
        Action.EDIT_OFFER_TEMPLATES,
        Action.MANAGE_OFFERS,
        Action.APPROVE_OFFERS,
        Action.RESPOND_TO_OFFERS,
        Action.WRITE_TO_CANDIDATES,
        Action.MANAGE_WEBHOOKS,
        Action.CONFIGURE_SSO,
        Action.SEND_SCHEDULING_LINKS,
        Action.SET_OWN_AVAILABILITY,
        Action.MANAGE_TEAM,
        Action.SET_SECURITY_POLICY,
        Action.MANAGE_OWN_CREDENTIALS,
    }
)

INVITE_ACTION = {Role.RECRUITER: Action.INVITE_RECRUITER, Role.HIRING_MANAGER: Action.INVITE_HIRING_MANAGER}

ROLE_LABELS = {
    Role.CANDIDATE: "Candidate",
    Role.RECRUITER: "Recruiter",
    Role.HIRING_MANAGER: "Hiring manager",
}


@dataclass(frozen=True)
class Principal:
    """The signed-in user as the use cases see them, re-read from the database per call."""

    user_id: int
    role: Role
    company_id: int | None
    email: str
    full_name: str
    # Acting through an API token with the "read" scope only: every write action is refused.
    read_only: bool = False
    # Staff of a company that requires two-factor sign-in who have not enrolled: they may only enrol.
    must_enrol_2fa: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def staff_company_id(self) -> int:
        """The company a staff member acts for. Use cases read it after ``require`` admitted staff
        only; a candidate (who belongs to no company) reaching one is refused, never scoped to None."""
        if self.company_id is None:
            raise Forbidden("Only a company's staff may do this.")
        return self.company_id


def may(principal: Principal, action: Action) -> bool:
    if principal.read_only and action in WRITE_ACTIONS:
        return False
    if principal.must_enrol_2fa and action is not Action.MANAGE_OWN_CREDENTIALS:
        return False
    return principal.role in PERMISSIONS[action]


ENROL_FIRST = "Your company requires two-factor sign-in: set it up on your account page first."


def require(principal: Principal, action: Action) -> None:
    if principal.read_only and action in WRITE_ACTIONS:
        raise Forbidden("This API token may only read: it has the read scope.")
    if principal.must_enrol_2fa and action is not Action.MANAGE_OWN_CREDENTIALS:
        raise Forbidden(ENROL_FIRST)
    if not may(principal, action):
        raise Forbidden(f"A {ROLE_LABELS[principal.role].lower()} may not {action.value}.")
