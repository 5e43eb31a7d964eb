"""The sender's webhook pass: claim due deliveries, sign and POST them, record the answer.

- Each step is a short transaction; the HTTP calls happen outside any, several at once, each
  with a timeout, so one slow or dead endpoint never holds up the others.
- Deliveries that share an ``ordering_key`` (one application's events) go out one at a time in
  ``id`` order: a later one waits while an earlier one is still being retried.
- A failure is retried with exponential back-off for ``GIVE_UP_AFTER`` (a day), then given up.
- An endpoint that has not succeeded for ``DISABLE_AFTER`` while failing is disabled, its queue
  is given up, and the company's recruiters get an email.
- Before each POST the host is resolved again and every address checked (``targets``), and the
  connection goes to the address that was checked, so DNS rebinding cannot reach the inside.
"""

from __future__ import annotations

import html
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import select

from ..db import Database
from ..errors import InvalidInput
from ..models import OutboxEmail, User, WebhookDelivery, WebhookEndpoint
from ..permissions import Role
from ..sealed import unseal
from ..settings import get_settings
from . import signing, targets

log = logging.getLogger("flowtrack.webhooks")

GIVE_UP_AFTER = timedelta(days=1)
# Delivered and given-up deliveries stay in the log this long.
KEEP_LOG = timedelta(days=30)
DISABLE_AFTER = timedelta(days=3)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CEILING = timedelta(hours=2)
TIMEOUT_SECONDS = 10.0
SNIPPET = 500
USER_AGENT = "FlowTrack-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    """What one POST came to: a status code, or an error before any answer."""

    status: int | None
    snippet: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class Claimed:
    id: int
    endpoint_id: int
    url: str
    secret: str
    body: str
    event: str
    event_id: str
    created_at: datetime
    attempts: int


Poster = Callable[[str, bytes, dict[str, str], float], Attempt]


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failure: 30 s, 1 min, 2 min … at most two hours."""
    return min(BACKOFF_CEILING, BACKOFF_BASE * 2 ** max(0, attempts - 1))


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Attempt:
    """POST to the URL's host at an address checked just now; redirects are not followed."""
    try:
        parts = targets.check_url(url)
        host = parts.hostname or ""
        port = targets.default_port(parts)
        ip = targets.resolve(host, port)[0]
    except InvalidInput as exc:
        return Attempt(status=None, error=exc.message)
    literal = f"[{ip}]" if ip.version == 6 else str(ip)
    pinned = parts._replace(netloc=f"{literal}:{port}").geturl()
    host_header = f"[{host}]" if ":" in host else host
    if parts.port:
        host_header += f":{parts.port}"
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            request = client.build_request(
                "POST",
                pinned,
                content=body,
                headers={**headers, "Host": host_header},
                extensions={"sni_hostname": host},
            )
            response = client.send(request, stream=True)
            try:
                raw = b""
                for chunk in response.iter_bytes():
                    raw += chunk
                    if len(raw) >= SNIPPET * 4:
                        break
            finally:
                response.close()
    except httpx.TimeoutException:
        return Attempt(status=None, error=f"No answer within {timeout:.0f} seconds.")
    except httpx.HTTPError as exc:
        return Attempt(status=None, error=f"Could not connect: {type(exc).__name__}: {str(exc)[:200]}")
    snippet = raw.decode("utf-8", errors="replace")[:SNIPPET]
    return Attempt(status=response.status_code, snippet=snippet)


class WebhookSender:
    """One webhook sender. ``deliver_due`` is one pass; ``run`` repeats it until stopped. Several
    senders may share the queue: a claimed delivery is leased."""

    def __init__(
        self,
        db: Database,
        *,
        poster: Poster = post,
        lease_seconds: float = 120,
        timeout: float = TIMEOUT_SECONDS,
        workers: int = 8,
        batch: int = 50,
    ):
        self.db = db
        self.poster = poster
        self.lease = timedelta(seconds=lease_seconds)
        self.timeout = timeout
        self.workers = workers
        self.batch = batch

    def _claim(self, now: datetime) -> list[Claimed]:
        earlier = aliased(WebhookDelivery)
        blocked = (
            sa.select(earlier.id)
            .where(
                earlier.endpoint_id == WebhookDelivery.endpoint_id,
                earlier.ordering_key == WebhookDelivery.ordering_key,
                earlier.id < WebhookDelivery.id,
                earlier.delivered_at.is_(None),
                earlier.failed_at.is_(None),
            )
            .exists()
        )
        due = (
            sa.select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.delivered_at.is_(None),
                WebhookDelivery.failed_at.is_(None),
                WebhookDelivery.next_attempt_at <= now,
                sa.or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until < now),
                WebhookEndpoint.disabled_at.is_(None),
                sa.or_(WebhookDelivery.ordering_key.is_(None), ~blocked),
            )
            .order_by(WebhookDelivery.id)
            .limit(self.batch)
        )
        claimed: list[Claimed] = []
        with self.db.session(write=True) as s:
            for delivery_id in s.execute(due).scalars().all():
                won = s.exec(
                    sa.update(WebhookDelivery)
                    .where(
                        WebhookDelivery.id == delivery_id,
                        WebhookDelivery.delivered_at.is_(None),
                        sa.or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until < now),
                    )
                    .values(leased_until=now + self.lease)
                ).rowcount
                if won != 1:
                    continue
                d = s.get(WebhookDelivery, delivery_id)
                endpoint = s.get(WebhookEndpoint, d.endpoint_id) if d else None
                if d is None or endpoint is None:
                    continue
                claimed.append(
                    Claimed(
                        id=delivery_id,
                        endpoint_id=endpoint.id or 0,
                        url=endpoint.url,
                        secret=unseal(endpoint.secret_sealed),
                        body=d.body,
                        event=d.event,
                        event_id=d.event_id,
                        created_at=d.created_at,
                        attempts=d.attempts,
                    )
                )
        return claimed

    def _send(self, d: Claimed) -> Attempt:
        body = d.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "FlowTrack-Event": d.event,
            "FlowTrack-Delivery": str(d.id),
            signing.HEADER: signing.signature(d.secret, body, int(time.time())),
        }
        try:
            return self.poster(d.url, body, headers, self.timeout)
        except Exception as exc:  # a bug in one delivery must not stop the pass
            log.exception("webhook delivery %s failed unexpectedly", d.id)
            return Attempt(status=None, error=f"{type(exc).__name__}")

    def _record(self, d: Claimed, result: Attempt, now: datetime) -> None:
        with self.db.session(write=True) as s:
            row = s.get(WebhookDelivery, d.id)
            endpoint = s.get(WebhookEndpoint, d.endpoint_id)
            if row is None or endpoint is None:  # the endpoint was deleted meanwhile
                return
            row.attempts += 1
            row.last_attempt_at = now
            row.leased_until = None
            row.last_status = result.status
            row.response_snippet = result.snippet
            row.last_error = result.error or (None if result.ok else f"HTTP {result.status}")
            if row.last_error:
                row.last_error = row.last_error[:500]
            if result.ok:
                row.delivered_at = now
                endpoint.last_success_at = now
                endpoint.failing_since = None
            else:
                if now - row.created_at >= GIVE_UP_AFTER:
                    row.failed_at = now
                else:
                    row.next_attempt_at = now + backoff(row.attempts)
                endpoint.failing_since = endpoint.failing_since or now
                if endpoint.disabled_at is None and now - endpoint.failing_since >= DISABLE_AFTER:
                    _disable(s, endpoint, now)
            s.add(row)
            s.add(endpoint)

    def deliver_due(self, now: datetime | None = None) -> int:
        """Deliver what is due at ``now``: how many deliveries were attempted."""
        now = now or datetime.now(UTC)
        claimed = self._claim(now)
        if not claimed:
            return 0
        with ThreadPoolExecutor(max_workers=min(self.workers, len(claimed))) as pool:
            results = list(pool.map(self._send, claimed))
        for d, result in zip(claimed, results, strict=True):
            try:
                self._record(d, result, now)
            except Exception:
                log.exception("could not record webhook delivery %s", d.id)
        return len(claimed)

    def prune(self, now: datetime | None = None) -> int:
        """Drop log entries finished more than ``KEEP_LOG`` ago; how many."""
        before = (now or datetime.now(UTC)) - KEEP_LOG
        with self.db.session(write=True) as s:
            return s.exec(
                sa.delete(WebhookDelivery).where(
                    sa.or_(WebhookDelivery.delivered_at < before, WebhookDelivery.failed_at < before)
                )
            ).rowcount

    def run(self, stop: threading.Event, every: float) -> None:
        """Deliver now and every ``every`` seconds (at once again while there is more); prune the
        log once an hour."""
        pruned_at = float("-inf")
        while not stop.is_set():
            try:
                if time.monotonic() - pruned_at > 3600:
                    pruned_at = time.monotonic()
                    self.prune()
                busy = self.deliver_due() >= self.batch
            except Exception:
                log.exception("webhook pass failed; trying again in %.0f s", every)
                busy = False
            if not busy:
                stop.wait(every)


def _disable(s, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Stop calling an endpoint that has failed for days; tell the company's recruiters."""
    days = DISABLE_AFTER.days
    endpoint.disabled_at = now
    endpoint.disabled_reason = f"Every delivery failed for {days} days."
    s.execute(
        sa.update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None),
        )
        .values(failed_at=now, last_error="The webhook was disabled.")
    )
    recruiters = s.exec(
        select(User).where(
            User.company_id == endpoint.company_id,
            User.role == Role.RECRUITER.value,
            User.is_active.is_(True),  # type: ignore[attr-defined]
            User.erased_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    settings = get_settings()
    link = f"{settings.public_url}/webhooks"
    host = urlsplit(settings.public_url).hostname or "flowtrack.local"
    subject = "A webhook was disabled after failing for days"
    text = (
        f"FlowTrack stopped sending events to {endpoint.url}: every delivery to it failed for "
        f"{days} days.\n\nFix the receiver, then enable the webhook again and redeliver what it "
        f"missed from its delivery log:\n{link}\n"
    )
    body_html = (
        f"<p>FlowTrack stopped sending events to <code>{html.escape(endpoint.url)}</code>: every "
        f"delivery to it failed for {days} days.</p><p>Fix the receiver, then enable the webhook "
        f'again and redeliver what it missed from <a href="{html.escape(link)}">its delivery log</a>.</p>'
    )
    for user in recruiters:
        s.add(
            OutboxEmail(
                message_id=f"<{uuid.uuid4().hex}@{host}>",
                kind="webhook_disabled",
                to_address=user.email,
                subject=subject,
                body_text=text,
                body_html=body_html,
                created_at=now,
                next_attempt_at=now,
            )
        )
    log.warning(
        "webhook %s of company %s disabled after failing for %s days", endpoint.id, endpoint.company_id, days
    )
