"""The events a company's endpoints hear, queued as ``WebhookDelivery`` rows in the caller's
transaction, like the email outbox: a change that rolls back sends nothing.

Each use case that changes what an event tells calls ``emit`` once (applications created in
``applications/applying.new_application``, moved in ``pipelines/moves._change``, erased in
``privacy/erase``, interviews scheduled in ``collaboration/interviews``). Offers call
``emit(s, company_id, OFFER_ACCEPTED, {...}, ordering_key=application_key(app_id))`` when an
offer is accepted. This module imports only the foundations, so any capability may call it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from .. import prebuilt
from ..models import WebhookDelivery, WebhookEndpoint

APPLICATION_CREATED = "application.created"
APPLICATION_STAGE_CHANGED = "application.stage_changed"
APPLICATION_HIRED = "application.hired"
CANDIDATE_ERASED = "candidate.erased"
INTERVIEW_SCHEDULED = "interview.scheduled"
OFFER_ACCEPTED = "offer.accepted"
# Sent only when a recruiter asks for it (the "Send a test event" button), to one endpoint.
TEST = "webhook.test"

# Every event an endpoint may ask for, with what it tells (the webhooks page lists them).
EVENTS: dict[str, str] = {
    APPLICATION_CREATED: "A candidate applied, or a recruiter added one to a job.",
    APPLICATION_STAGE_CHANGED: "An application moved to another stage (any move, undo included).",
    APPLICATION_HIRED: "An application reached a hired stage.",
    CANDIDATE_ERASED: "A candidate's data was erased: delete your copies of it.",
    INTERVIEW_SCHEDULED: "An interview was scheduled.",
    OFFER_ACCEPTED: "A candidate accepted an offer.",
}

_INSERT = sa.insert(WebhookDelivery.__table__)
# Prebuilt and run on the transaction's connection: every stage move asks it, and most companies
# have no endpoint, so building and compiling an ORM select each time cost more than the answer.
_ENDPOINTS = sa.select(WebhookEndpoint.__table__.c.id, WebhookEndpoint.__table__.c.events).where(
    WebhookEndpoint.__table__.c.company_id == sa.bindparam("company_id"),
    WebhookEndpoint.__table__.c.disabled_at.is_(None),
)


def endpoint_exists(company_id: sa.ColumnElement[int]) -> sa.Exists:
    """Whether the company of ``company_id`` has an enabled endpoint, as a column of a larger read:
    a stage move reads it with its card and asks for the endpoints only when there are some."""
    endpoints = WebhookEndpoint.__table__.c
    return sa.exists().where(endpoints.company_id == company_id, endpoints.disabled_at.is_(None))


def application_key(application_id: int) -> str:
    """Deliveries about one application share this key and go out in order."""
    return f"application:{application_id}"


def subscribed(events: str, event: str) -> bool:
    return event in events.split(",")


def emit(
    s: Session,
    company_id: int,
    event: str,
    data: dict,
    *,
    ordering_key: str | None = None,
    now: datetime | None = None,
) -> int:
    """Queue ``event`` for every enabled endpoint of the company that asked for it; how many."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = prebuilt.execute(s.connection(), _ENDPOINTS, {"company_id": company_id}).all()
    targets = [endpoint_id for endpoint_id, events in endpoints if subscribed(events, event)]
    return _queue(s, company_id, targets, event, data, ordering_key, now or datetime.now(UTC))


def send_test(s: Session, company_id: int, endpoint_id: int, now: datetime | None = None) -> None:
    """A ``webhook.test`` event to this endpoint only, whatever it subscribed to."""
    _queue(
        s,
        company_id,
        [endpoint_id],
        TEST,
        {"message": "A test event from FlowTrack."},
        None,
        now or datetime.now(UTC),
    )


def _queue(
    s: Session,
    company_id: int,
    targets: list[int],
    event: str,
    data: dict,
    ordering_key: str | None,
    now: datetime,
) -> int:
    if not targets:
        return 0
    rows = []
    for endpoint_id in targets:
        event_id = f"evt_{uuid.uuid4().hex}"
        body = json.dumps(
            {
                "id": event_id,
                "type": event,
                "created_at": now.isoformat(),
                "company_id": company_id,
                "data": data,
            },
            separators=(",", ":"),
            sort_keys=True,
        )
        rows.append(
            {
                "endpoint_id": endpoint_id,
                "event": event,
                "event_id": event_id,
                "ordering_key": ordering_key,
                "body": body,
                "created_at": now,
                "attempts": 0,
                "next_attempt_at": now,
            }
        )
    s.execute(_INSERT, rows)
    return len(rows)


def application_event(
    s: Session,
    company_id: int,
    event: str,
    *,
    application_id: int,
    job_id: int,
    candidate_id: int,
    now: datetime | None = None,
    **fields: object,
) -> int:
    """An event about one application, in that application's order."""
    data = {"application_id": application_id, "job_id": job_id, "candidate_id": candidate_id, **fields}
    return emit(s, company_id, event, data, ordering_key=application_key(application_id), now=now)
