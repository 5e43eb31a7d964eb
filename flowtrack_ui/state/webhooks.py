"""The webhooks page for recruiters: register an endpoint (its secret shown once), the list with
each endpoint's state, its delivery log, redelivery, enabling again and deleting. Every handler
re-reads the caller; the core checks the role and the company."""

from __future__ import annotations

import dataclasses

import reflex as rx

from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.webhooks import endpoints, events
from flowtrack_ui.core.webhooks.endpoints import DeliveryView, EndpointView

from .format import counted, exact, relative
from .session import SessionState, db

# Checked in the add form until the recruiter chooses otherwise: what an HR system usually wants.
DEFAULT_EVENTS = (events.APPLICATION_CREATED, events.APPLICATION_STAGE_CHANGED, events.APPLICATION_HIRED)


@dataclasses.dataclass
class EventChoice:
    name: str
    description: str
    field: str  # the form field's name (no dots)
    checked: bool


@dataclasses.dataclass
class EndpointRow:
    id: int
    url: str
    description: str
    events: list[str]
    enabled: bool
    status: str  # active, failing, disabled
    status_text: str
    pending: str


@dataclasses.dataclass
class DeliveryRow:
    id: int
    event: str
    event_id: str
    when: str
    state: str
    status: str
    attempts: str
    detail: str
    next_try: str
    redelivery: bool


def _endpoint_row(v: EndpointView, zone: str) -> EndpointRow:
    if not v.enabled:
        status, text = "disabled", f"Disabled {relative(v.disabled_at)}" if v.disabled_at else "Disabled"
        if v.disabled_reason:
            text += f": {v.disabled_reason}"
    elif v.failing_since:
        status, text = "failing", f"Failing since {exact(v.failing_since, zone)}"
    else:
        status = "active"
        text = f"Last delivered {relative(v.last_success_at)}" if v.last_success_at else "No delivery yet"
    return EndpointRow(
        id=v.id,
        url=v.url,
        description=v.description,
        events=list(v.events),
        enabled=v.enabled,
        status=status,
        status_text=text,
        pending=counted(v.pending, "delivery", "deliveries") + " waiting" if v.pending else "",
    )


def _delivery_row(d: DeliveryView, zone: str) -> DeliveryRow:
    detail = d.response_snippet or d.last_error or ""
    return DeliveryRow(
        id=d.id,
        event=d.event,
        event_id=d.event_id,
        when=exact(d.created_at, zone),
        state=d.state,
        status=str(d.last_status) if d.last_status is not None else "—",
        attempts=counted(d.attempts, "attempt"),
        detail=detail[:300],
        next_try=f"Next try {exact(d.next_attempt_at, zone)}" if d.next_attempt_at and d.attempts else "",
        redelivery=d.redelivery_of_id is not None,
    )


def _field(name: str) -> str:
    return "event_" + name.replace(".", "_")


class WebhooksState(SessionState):
    loading: bool = True
    rows: list[EndpointRow] = []
    choices: list[EventChoice] = [
        EventChoice(name, words, _field(name), name in DEFAULT_EVENTS)
        for name, words in events.EVENTS.items()
    ]
    add_open: bool = False
    add_error: str = ""
    form_key: int = 0
    # The secret of the endpoint just added: shown once, gone on the next load.
    new_secret: str = ""
    new_secret_url: str = ""
    # The endpoint whose delivery log is open (0: none).
    log_id: int = 0
    log_url: str = ""
    log_rows: list[DeliveryRow] = []
    delete_id: int = 0
    delete_url: str = ""

    def _reload(self) -> None:
        p = self.principal()
        self.rows = [_endpoint_row(v, self.time_zone) for v in endpoints.list_endpoints(db(), p)]
        if self.log_id:
            if any(r.id == self.log_id for r in self.rows):
                self.log_rows = [
                    _delivery_row(d, self.time_zone) for d in endpoints.deliveries(db(), p, self.log_id)
                ]
            else:
                self.log_id, self.log_url, self.log_rows = 0, "", []

    @rx.event
    def load(self):
        if self.require(Role.RECRUITER) is None:
            return self.guard(Role.RECRUITER)
        self.new_secret = self.new_secret_url = ""
        self.add_error = ""
        try:
            self._reload()
        except DomainError as exc:
            return self.refuse(exc)
        self.loading = False
        return None

    @rx.event
    def refresh(self):
        try:
            self._reload()
        except DomainError as exc:
            return self.refuse(exc)
        return None

    @rx.event
    def set_add_open(self, value: bool):
        self.add_open = bool(value)
        if self.add_open:
            self.add_error = ""
            self.form_key += 1

    @rx.event
    def add(self, form: dict):
        chosen = [c.name for c in self.choices if form.get(c.field)]
        fields = {"url": form.get("url", ""), "description": form.get("description", ""), "events": chosen}
        try:
            made = endpoints.create_endpoint(db(), self.principal(), fields, self.router.session.client_ip)
            self._reload()
        except DomainError as exc:
            self.add_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.add_open, self.add_error = False, ""
        self.new_secret, self.new_secret_url = made.secret, made.endpoint.url
        return rx.toast.success("Webhook added. Copy its secret now: it is shown only once.")

    @rx.event
    def hide_secret(self):
        self.new_secret = self.new_secret_url = ""

    @rx.event
    def open_log(self, endpoint_id: int):
        try:
            p = self.principal()
            found = endpoints.deliveries(db(), p, endpoint_id)
        except DomainError as exc:
            return self.refuse(exc)
        self.log_id = int(endpoint_id)
        self.log_url = next((r.url for r in self.rows if r.id == self.log_id), "")
        self.log_rows = [_delivery_row(d, self.time_zone) for d in found]
        return None

    @rx.event
    def close_log(self):
        self.log_id, self.log_url, self.log_rows = 0, "", []

    @rx.event
    def redeliver(self, delivery_id: int):
        try:
            endpoints.redeliver(
                db(), self.principal(), self.log_id, delivery_id, self.router.session.client_ip
            )
            self._reload()
        except DomainError as exc:
            return self.refuse(exc)
        return rx.toast.success("Queued again: it goes out within seconds.")

    @rx.event
    def send_test(self, endpoint_id: int):
        """A test event to the endpoint; its log opens to show how it went."""
        try:
            p = self.principal()
            endpoints.send_test(db(), p, endpoint_id)
            self.log_id = int(endpoint_id)
            self.log_url = next((r.url for r in self.rows if r.id == self.log_id), "")
            self._reload()
        except DomainError as exc:
            return self.refuse(exc)
        return rx.toast.success("Test event queued: press Refresh in the log to see the answer.")

    @rx.event
    def enable(self, endpoint_id: int):
        try:
            endpoints.enable_endpoint(db(), self.principal(), endpoint_id, self.router.session.client_ip)
            self._reload()
        except DomainError as exc:
            return self.refuse(exc)
        return rx.toast.success("Webhook enabled: new events go to it again.")

    @rx.event
    def ask_delete(self, endpoint_id: int):
        self.delete_id = int(endpoint_id)
        self.delete_url = next((r.url for r in self.rows if r.id == self.delete_id), "")

    @rx.event
    def set_delete_open(self, value: bool):
        if not value:
            self.delete_id, self.delete_url = 0, ""

    @rx.event
    def delete(self, _form: dict):
        try:
            endpoints.delete_endpoint(db(), self.principal(), self.delete_id, self.router.session.client_ip)
            self.delete_id, self.delete_url = 0, ""
            self._reload()
        except DomainError as exc:
            return self.refuse(exc)
        return rx.toast.success("Webhook deleted.")
