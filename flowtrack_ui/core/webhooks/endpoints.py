"""A company's webhook endpoints, as its recruiters manage them: register one (its secret is
shown once), list them, delete one, read its delivery log and redeliver an event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from .. import audit, validation
from ..db import Database
from ..errors import InvalidInput, NotFound
from ..models import WebhookDelivery, WebhookEndpoint
from ..permissions import Action, Principal, require
from ..sealed import seal
from . import events, signing, targets

MAX_ENDPOINTS = 20
MAX_DESCRIPTION = 200
DELIVERY_PAGE = 50


@dataclass(frozen=True)
class EndpointView:
    id: int
    url: str
    events: list[str]
    description: str
    created_at: datetime
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None
    failing_since: datetime | None
    last_success_at: datetime | None
    pending: int


@dataclass(frozen=True)
class NewEndpoint:
    """A registered endpoint with its signing secret: the only time the secret is shown."""

    endpoint: EndpointView
    secret: str


@dataclass(frozen=True)
class DeliveryView:
    id: int
    event: str
    event_id: str
    created_at: datetime
    attempts: int
    state: str  # pending, delivered, failed
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    response_snippet: str | None
    redelivery_of_id: int | None


def _events(raw: object) -> list[str]:
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidInput("Choose at least one event.")
    chosen: list[str] = []
    for name in raw:
        if not isinstance(name, str) or name not in events.EVENTS:
            raise InvalidInput(
                f"Unknown event {str(name)[:60]!r}; the events are: {', '.join(events.EVENTS)}."
            )
        if name not in chosen:
            chosen.append(name)
    return [name for name in events.EVENTS if name in chosen]


def _pending(s: Session, endpoint_ids: list[int]) -> dict[int, int]:
    if not endpoint_ids:
        return {}
    rows = s.execute(
        sa.select(WebhookDelivery.endpoint_id, sa.func.count())
        .where(
            WebhookDelivery.endpoint_id.in_(endpoint_ids),
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None),
        )
        .group_by(WebhookDelivery.endpoint_id)
    ).all()
    return {endpoint_id: count for endpoint_id, count in rows}


def _view(row: WebhookEndpoint, pending: int = 0) -> EndpointView:
    assert row.id is not None
    return EndpointView(
        id=row.id,
        url=row.url,
        events=[e for e in row.events.split(",") if e],
        description=row.description,
        created_at=row.created_at,
        enabled=row.disabled_at is None,
        disabled_at=row.disabled_at,
        disabled_reason=row.disabled_reason,
        failing_since=row.failing_since,
        last_success_at=row.last_success_at,
        pending=pending,
    )


def delivery_view(row: WebhookDelivery) -> DeliveryView:
    assert row.id is not None
    state = "delivered" if row.delivered_at else "failed" if row.failed_at else "pending"
    return DeliveryView(
        id=row.id,
        event=row.event,
        event_id=row.event_id,
        created_at=row.created_at,
        attempts=row.attempts,
        state=state,
        last_attempt_at=row.last_attempt_at,
        next_attempt_at=row.next_attempt_at if state == "pending" else None,
        last_status=row.last_status,
        last_error=row.last_error,
        response_snippet=row.response_snippet,
        redelivery_of_id=row.redelivery_of_id,
    )


def _endpoint(s: Session, principal: Principal, endpoint_id: object) -> WebhookEndpoint:
    """An endpoint of the caller's company; another company's is NotFound."""
    endpoint_id = validation.object_id(endpoint_id, "Webhook id")
    row = s.get(WebhookEndpoint, endpoint_id)
    if row is None or row.company_id != principal.staff_company_id:
        raise NotFound("Webhook not found.")
    return row


def create_endpoint(
    db: Database, principal: Principal, fields: object, client: str | None = None
) -> NewEndpoint:
    """Register a URL for events; the secret that signs its deliveries is returned once."""
    require(principal, Action.MANAGE_WEBHOOKS)
    if not isinstance(fields, dict):
        raise InvalidInput("Send the webhook as an object.")
    chosen = _events(fields.get("events"))
    description = validation.text(
        fields.get("description", ""), "Description", max_len=MAX_DESCRIPTION, required=False
    )
    url = targets.check_target(fields.get("url"))  # resolves the host: outside the transaction
    secret = signing.new_secret()
    with db.session(write=True) as s:
        company_id = principal.staff_company_id
        count = s.execute(
            sa.select(sa.func.count())
            .select_from(WebhookEndpoint)
            .where(WebhookEndpoint.company_id == company_id)
        ).scalar_one()
        if count >= MAX_ENDPOINTS:
            raise InvalidInput(f"A company has at most {MAX_ENDPOINTS} webhooks; delete one first.")
        row = WebhookEndpoint(
            company_id=company_id,
            url=url,
            events=",".join(chosen),
            secret_sealed=seal(secret),
            description=description,
            created_by_id=principal.user_id,
            created_at=datetime.now(UTC),
        )
        s.add(row)
        s.flush()
        audit.record(s, principal, "webhook.created", f"webhook {row.id} {url}", {"events": chosen}, client)
        return NewEndpoint(endpoint=_view(row), secret=secret)


def list_endpoints(db: Database, principal: Principal) -> list[EndpointView]:
    require(principal, Action.MANAGE_WEBHOOKS)
    with db.session() as s:
        rows = s.exec(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.company_id == principal.staff_company_id)
            .order_by(WebhookEndpoint.id)
        ).all()
        pending = _pending(s, [r.id for r in rows if r.id is not None])
        return [_view(r, pending.get(r.id or 0, 0)) for r in rows]


def delete_endpoint(
    db: Database, principal: Principal, endpoint_id: object, client: str | None = None
) -> None:
    """The endpoint and its log go; nothing more is sent to it."""
    require(principal, Action.MANAGE_WEBHOOKS)
    with db.session(write=True) as s:
        row = _endpoint(s, principal, endpoint_id)
        s.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == row.id))
        s.delete(row)
        audit.record(s, principal, "webhook.deleted", f"webhook {row.id} {row.url}", {}, client)


def enable_endpoint(
    db: Database, principal: Principal, endpoint_id: object, client: str | None = None
) -> EndpointView:
    """Turn a disabled endpoint back on (after the receiver is fixed); events from now on go to it."""
    require(principal, Action.MANAGE_WEBHOOKS)
    targets.check_target(_url_of(db, principal, endpoint_id))
    with db.session(write=True) as s:
        row = _endpoint(s, principal, endpoint_id)
        row.disabled_at, row.disabled_reason, row.failing_since = None, None, None
        s.add(row)
        s.flush()
        audit.record(s, principal, "webhook.enabled", f"webhook {row.id} {row.url}", {}, client)
        return _view(row, _pending(s, [row.id or 0]).get(row.id or 0, 0))


def send_test(db: Database, principal: Principal, endpoint_id: object) -> DeliveryView:
    """Queue a ``webhook.test`` event to the endpoint now: a receiver's set-up checked at once."""
    require(principal, Action.MANAGE_WEBHOOKS)
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        endpoint = _endpoint(s, principal, endpoint_id)
        if endpoint.disabled_at is not None:
            raise InvalidInput("This webhook is disabled: enable it before sending it a test event.")
        events.send_test(s, endpoint.company_id, endpoint.id or 0, now)
        newest = s.exec(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc())  # type: ignore[union-attr]
        ).first()
        assert newest is not None
        return delivery_view(newest)


def _url_of(db: Database, principal: Principal, endpoint_id: object) -> str:
    with db.session() as s:
        return _endpoint(s, principal, endpoint_id).url


def deliveries(
    db: Database, principal: Principal, endpoint_id: object, limit: object = DELIVERY_PAGE, offset: object = 0
) -> list[DeliveryView]:
    """The endpoint's delivery log, newest first."""
    require(principal, Action.MANAGE_WEBHOOKS)
    limit, offset = validation.paging(limit, offset, max_limit=200)
    with db.session() as s:
        row = _endpoint(s, principal, endpoint_id)
        found = s.exec(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == row.id)
            .order_by(WebhookDelivery.id.desc())  # type: ignore[union-attr]
            .limit(limit)
            .offset(offset)
        ).all()
        return [delivery_view(d) for d in found]


def redeliver(
    db: Database, principal: Principal, endpoint_id: object, delivery_id: object, client: str | None = None
) -> DeliveryView:
    """Send an event again, now: a new delivery with the same body (and ``id``, so a receiver that
    already has it can tell), outside the application's order."""
    require(principal, Action.MANAGE_WEBHOOKS)
    delivery_id = validation.object_id(delivery_id, "Delivery id")
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        endpoint = _endpoint(s, principal, endpoint_id)
        if endpoint.disabled_at is not None:
            raise InvalidInput("This webhook is disabled: enable it before redelivering.")
        original = s.get(WebhookDelivery, delivery_id)
        if original is None or original.endpoint_id != endpoint.id:
            raise NotFound("Delivery not found.")
        again = WebhookDelivery(
            endpoint_id=endpoint.id or 0,
            event=original.event,
            event_id=original.event_id,
            ordering_key=None,
            body=original.body,
            created_at=now,
            attempts=0,
            next_attempt_at=now,
            redelivery_of_id=original.id,
        )
        s.add(again)
        s.flush()
        target = f"webhook {endpoint.id} {endpoint.url}"
        audit.record(s, principal, "webhook.redelivered", target, {"event_id": original.event_id}, client)
        return delivery_view(again)
