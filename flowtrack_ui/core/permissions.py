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
}

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
    return principal.role in PERMISSIONS[action]


def require(principal: Principal, action: Action) -> None:
    if not may(principal, action):
        raise Forbidden(f"A {ROLE_LABELS[principal.role].lower()} may not {action.value}.")
