"""Which change topics a user may follow live. Following a topic is a read: checked like one.

A page that stays open re-reads its data when its topic changes; the topic itself tells
when another company's job moves, so it is refused (as not found) to anyone who could not
read that job's board.
"""

from __future__ import annotations

import time

from .accounts import sign_in
from .changes import candidate_topic, company_topic, job_topic
from .db import Database
from .errors import NotFound
from .permissions import Action, Principal, require
from .scoping import company_job_id


def job_board_topic_for_token(
    db: Database, token: str | None, job_id: object, signal: str | None = None
) -> str:
    """The topic of a job's board, for staff of the job's company who may view its applications,
    signed in with ``token`` (re-read now); see ``job_board_access_for_token``."""
    return job_board_access_for_token(db, token, job_id, signal)[0]


def job_board_access_for_token(
    db: Database, token: str | None, job_id: object, signal: str | None = None
) -> tuple[str, Principal]:
    """The topic of a job's board and the caller it was checked for: staff of the job's company
    who may view its applications, signed in with ``token`` (re-read now). An open board asks on
    every change it is sent, so the caller and the job are read on one connection, without a
    transaction; the tab's reads for that same change (a column's next cards) act as the caller
    returned here instead of reading it again.

    ``signal``: the change signal (``Subscription.signal``) that woke the asking tab. Every tab of
    the same session that one signal wakes gets the first tab's answer, if it is younger than
    ``SHARED_CHECK_SECONDS``: one check per change, worker and session rather than per tab (a
    refusal is never shared, so each refused tab hears it itself)."""
    key = (token or "", str(job_id), signal or "")
    if signal is not None:
        hit = _recent_answers.get(key)
        if hit is not None and time.monotonic() - hit[0] < SHARED_CHECK_SECONDS:
            return hit[1], hit[2]
    with db.reads() as conn:
        principal = sign_in.principal_from_token(db, token, conn=conn)
        require(principal, Action.VIEW_JOB_APPLICATIONS)
        topic = job_topic(company_job_id(conn, principal, job_id))
    if signal is not None:
        if len(_recent_answers) >= _MAX_RECENT:
            _recent_answers.clear()  # answers live two seconds: forgetting them all costs a check each
        _recent_answers[key] = (time.monotonic(), topic, principal)
    return topic, principal


# How long one session's allowed board check answers the other tabs the same signal woke: long
# enough for a worker to wake every tab of a busy board, short enough that a session ended or a
# role changed is seen by the next change's check.
SHARED_CHECK_SECONDS = 2.0
_MAX_RECENT = 4096
# (token, job id, signal) -> (when checked, topic, the caller checked)
_recent_answers: dict[tuple[str, str, str], tuple[float, str, Principal]] = {}


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
