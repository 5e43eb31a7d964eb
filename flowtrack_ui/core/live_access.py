"""Which change topics a user may follow live. Following a topic is a read: checked like one.

A page that stays open re-reads its data when its topic changes; the topic itself tells
when another company's job moves, so it is refused (as not found) to anyone who could not
read that job's board.
"""

from __future__ import annotations

from .accounts import sign_in
from .changes import candidate_topic, company_topic, job_topic
from .db import Database
from .errors import NotFound
from .permissions import Action, Principal, require
from .scoping import company_job_id


def job_board_topic_for_token(db: Database, token: str | None, job_id: object) -> str:
    """The topic of a job's board, for staff of the job's company who may view its applications,
    signed in with ``token`` (re-read now). An open board asks on every change it is sent, so the
    caller and the job are read on one connection, without a transaction."""
    with db.reads() as conn:
        principal = sign_in.principal_from_token(db, token, conn=conn)
        require(principal, Action.VIEW_JOB_APPLICATIONS)
        return job_topic(company_job_id(conn, principal, job_id))


def my_applications_topic(principal: Principal) -> str:
    """The candidate's own applications."""
    require(principal, Action.VIEW_OWN_APPLICATIONS)
    return candidate_topic(principal.user_id)


def company_overview_topic(principal: Principal) -> str:
    """The caller's company's jobs and applications."""
    require(principal, Action.VIEW_JOB_APPLICATIONS)
    if principal.company_id is None:
        raise NotFound("Company not found.")
    return company_topic(principal.company_id)


def application_topic_for(db: Database, principal: Principal, application_id: object) -> str:
    """The topic of one application's page: staff of its company."""
    from .changes import application_topic
    from .collaboration.access import staff_application

    with db.session() as s:
        app, _job = staff_application(s, principal, application_id)
        return application_topic(app.id)
