"""/api/webhooks: a company's signed webhook endpoints (recruiters), their delivery log and
redelivery. Each delivery carries ``FlowTrack-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret,
"<t>.<body>")>`` with the endpoint's secret, which the POST returns once."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from flowtrack_ui.core.webhooks import endpoints, events, targets

from .deps import Caller, ClientAddress, Db
from .errors import errors
from .schemas import FromView

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])

Event = Literal[
    "application.created",
    "application.stage_changed",
    "application.hired",
    "candidate.erased",
    "interview.scheduled",
    "offer.accepted",
]
assert set(get_args(Event)) == set(events.EVENTS)


class WebhookIn(BaseModel):
    url: str = Field(max_length=targets.MAX_URL, description="https://… (loopback http only when allowed)")
    events: list[Event] = Field(min_length=1, max_length=len(events.EVENTS))
    description: str = Field(default="", max_length=endpoints.MAX_DESCRIPTION)


class WebhookOut(FromView):
    id: int
    url: str
    events: list[str]
    description: str
    created_at: datetime
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None
    failing_since: datetime | None = Field(description="The first failure since the last success")
    last_success_at: datetime | None
    pending: int = Field(description="Deliveries still to be sent or retried")


class NewWebhookOut(BaseModel):
    webhook: WebhookOut
    secret: str = Field(description="Signs every delivery; shown only this once")


class DeliveryOut(FromView):
    id: int
    event: str
    event_id: str = Field(description="The body's id; a redelivery keeps it")
    created_at: datetime
    attempts: int
    state: Literal["pending", "delivered", "failed"]
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    response_snippet: str | None
    redelivery_of_id: int | None


class EventOut(BaseModel):
    name: str
    description: str


@router.get("", response_model=list[WebhookOut], responses=errors(401, 403))
def list_webhooks(caller: Caller, db: Db) -> list[WebhookOut]:
    """Recruiters: the company's endpoints with their state."""
    return [WebhookOut.model_validate(v) for v in endpoints.list_endpoints(db, caller)]


@router.get("/events", response_model=list[EventOut], responses=errors(401))
def list_events(caller: Caller) -> list[EventOut]:
    """The events an endpoint may ask for."""
    return [EventOut(name=name, description=words) for name, words in events.EVENTS.items()]


@router.post("", response_model=NewWebhookOut, status_code=201, responses=errors(401, 403, 422))
def create_webhook(body: WebhookIn, caller: Caller, db: Db, client: ClientAddress) -> NewWebhookOut:
    """Recruiters: register an endpoint. 422 when its URL is not https, or its host resolves to a
    private, loopback or link-local address. The answer holds the signing secret, once."""
    made = endpoints.create_endpoint(db, caller, body.model_dump(), client)
    return NewWebhookOut(webhook=WebhookOut.model_validate(made.endpoint), secret=made.secret)


@router.delete("/{webhook_id}", status_code=204, responses=errors(401, 403, 404, 422))
def delete_webhook(webhook_id: int, caller: Caller, db: Db, client: ClientAddress) -> None:
    """Recruiters: the endpoint and its log go."""
    endpoints.delete_endpoint(db, caller, webhook_id, client)


@router.post("/{webhook_id}/enable", response_model=WebhookOut, responses=errors(401, 403, 404, 422))
def enable_webhook(webhook_id: int, caller: Caller, db: Db, client: ClientAddress) -> WebhookOut:
    """Recruiters: turn back on an endpoint that was disabled after failing for days."""
    return WebhookOut.model_validate(endpoints.enable_endpoint(db, caller, webhook_id, client))


@router.post(
    "/{webhook_id}/test", response_model=DeliveryOut, status_code=202, responses=errors(401, 403, 404, 422)
)
def send_test(webhook_id: int, caller: Caller, db: Db) -> DeliveryOut:
    """Recruiters: queue a ``webhook.test`` event to this endpoint, to check the receiver."""
    return DeliveryOut.model_validate(endpoints.send_test(db, caller, webhook_id))


@router.get(
    "/{webhook_id}/deliveries", response_model=list[DeliveryOut], responses=errors(401, 403, 404, 422)
)
def list_deliveries(
    webhook_id: int,
    caller: Caller,
    db: Db,
    limit: int = Query(default=endpoints.DELIVERY_PAGE, ge=1, le=200),
    offset: int = Query(default=0, ge=0, le=10**9),
) -> list[DeliveryOut]:
    """Recruiters: the endpoint's deliveries, newest first, with status codes and responses."""
    return [
        DeliveryOut.model_validate(d) for d in endpoints.deliveries(db, caller, webhook_id, limit, offset)
    ]


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryOut,
    status_code=202,
    responses=errors(401, 403, 404, 422),
)
def redeliver(
    webhook_id: int, delivery_id: int, caller: Caller, db: Db, client: ClientAddress
) -> DeliveryOut:
    """Recruiters: send a delivery again now (same body and id)."""
    return DeliveryOut.model_validate(endpoints.redeliver(db, caller, webhook_id, delivery_id, client))
