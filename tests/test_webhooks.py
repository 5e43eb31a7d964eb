"""Signed webhooks against a real receiver on loopback: the signature checked by the receiver's own
code, retries with back-off, order per application, a slow endpoint that holds up nobody, an
endpoint disabled after days of failures (with an email to the recruiters), SSRF refusals at
registration and at delivery time (DNS rebinding), and who may manage them."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update as sa_update
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews
from flowtrack_ui.core.errors import Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.models import OutboxEmail, WebhookDelivery, WebhookEndpoint
from flowtrack_ui.core.outbox import Sender
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.core.privacy import erase
from flowtrack_ui.core.webhooks import delivery, endpoints, events, targets
from flowtrack_ui.core.webhooks.delivery import WebhookSender

from .conftest import make_candidate, make_company
from .smtp_support import smtp_server
from .webhook_support import start_receiver

ALL = list(events.EVENTS)


@pytest.fixture
def receiver():
    r = start_receiver()
    yield r
    r.close()


@pytest.fixture
def allow_private(monkeypatch):
    monkeypatch.setenv("FLOWTRACK_WEBHOOK_ALLOW_PRIVATE", "1")


def _register(db, recruiter, receiver, path: str, events_: list[str] = ALL) -> int:
    made = endpoints.create_endpoint(db, recruiter, {"url": receiver.url(path), "events": events_})
    assert made.secret.startswith("whsec_")
    receiver.secrets[path] = made.secret
    return made.endpoint.id


def _rows(db, endpoint_id: int) -> list[WebhookDelivery]:
    with db.session() as s:
        return list(
            s.exec(
                select(WebhookDelivery)
                .where(WebhookDelivery.endpoint_id == endpoint_id)
                .order_by(WebhookDelivery.id)
            )
        )


def test_a_delivery_is_signed_queued_with_the_change_and_logged(db, acme, candidate, receiver, allow_private):
    endpoint_id = _register(db, acme.recruiter, receiver, "/hook")
    with db.session() as s:  # the secret is stored sealed, never as written
        assert "whsec_" not in s.get(WebhookEndpoint, endpoint_id).secret_sealed
    app = apply(db, candidate, acme.job_id)
    (queued,) = _rows(db, endpoint_id)
    assert queued.event == "application.created" and queued.delivered_at is None

    assert WebhookSender(db).deliver_due() == 1
    (got,) = receiver.at("/hook")
    assert got.signature_ok, got.headers
    body = got.json
    assert body["type"] == "application.created" and body["id"] == queued.event_id
    assert body["data"]["application_id"] == app.id and body["data"]["job_id"] == acme.job_id
    assert got.headers["FlowTrack-Event"] == "application.created"
    assert "Casey" not in got.body.decode()  # ids, not personal data

    (logged,) = endpoints.deliveries(db, acme.recruiter, endpoint_id)
    assert logged.state == "delivered" and logged.last_status == 200 and logged.response_snippet == "thanks"
    assert WebhookSender(db).deliver_due() == 0  # sent once
    assert WebhookSender(db).prune() == 0  # the log keeps it a month

    # A receiver that checks with another secret refuses: the signature is really checked.
    receiver.secrets["/hook"] = "whsec_wrong"
    again = endpoints.redeliver(db, acme.recruiter, endpoint_id, logged.id)
    assert again.event_id == logged.event_id and again.state == "pending"
    WebhookSender(db).deliver_due()
    assert not receiver.at("/hook")[-1].signature_ok
    assert endpoints.deliveries(db, acme.recruiter, endpoint_id)[0].last_status == 401
    # A month on, the delivered one leaves the log; the one still retried stays.
    assert WebhookSender(db).prune(datetime.now(UTC) + timedelta(days=31)) == 1
    assert [d.id for d in endpoints.deliveries(db, acme.recruiter, endpoint_id)] == [again.id]


def test_events_of_moves_hires_interviews_and_erasure(db, acme, candidate, receiver, allow_private):
    endpoint_id = _register(db, acme.recruiter, receiver, "/all")
    only_hires = _register(db, acme.recruiter, receiver, "/hires", ["application.hired"])
    app = apply(db, candidate, acme.job_id)
    for stage in ("Screening", "Interview", "Offer", "Hired"):
        move_stage(db, acme.recruiter, app.id, stage)
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    interviews.schedule(
        db, acme.recruiter, app.id,
        {"starts_at": start, "timezone": "UTC", "duration_minutes": 30, "location": "Room 1",
         "interviewer_ids": [acme.manager.user_id]},
    )  # fmt: skip
    erase.erase_candidate(db, acme.recruiter, candidate.user_id)
    sender = WebhookSender(db)
    while sender.deliver_due():  # one delivery per application per pass: they keep their order
        pass
    kinds = [r.json["type"] for r in receiver.at("/all")]
    assert kinds == [
        "application.created",
        *["application.stage_changed"] * 3,
        "application.stage_changed",
        "application.hired",
        "interview.scheduled",
        "candidate.erased",
    ]
    hired = [r.json for r in receiver.at("/all") if r.json["type"] == "application.stage_changed"][-1]
    assert hired["data"]["to_stage"] == "Hired" and hired["data"]["category"] == "hired"
    erased = receiver.at("/all")[-1].json["data"]
    assert erased["candidate_id"] == candidate.user_id and erased["application_ids"] == [app.id]
    assert [r.json["type"] for r in receiver.at("/hires")] == ["application.hired"]
    assert all(r.signature_ok for r in receiver.received)
    assert len(_rows(db, only_hires)) == 1 and len(_rows(db, endpoint_id)) == 8


def test_retries_back_off_then_give_up_after_a_day(db, acme, candidate, receiver, allow_private):
    endpoint_id = _register(db, acme.recruiter, receiver, "/flaky")
    receiver.status["/flaky"] = 503
    apply(db, candidate, acme.job_id)
    (queued,) = _rows(db, endpoint_id)
    t0 = queued.created_at
    sender = WebhookSender(db)
    assert sender.deliver_due(t0) == 1
    (row,) = _rows(db, endpoint_id)
    assert row.attempts == 1 and row.last_status == 503 and row.next_attempt_at == t0 + timedelta(seconds=30)
    assert row.response_snippet == "receiver says no"
    assert sender.deliver_due(t0 + timedelta(seconds=20)) == 0  # not yet
    assert sender.deliver_due(t0 + timedelta(seconds=31)) == 1
    (row,) = _rows(db, endpoint_id)
    assert row.attempts == 2 and row.next_attempt_at == t0 + timedelta(seconds=31 + 60)
    assert delivery.backoff(5) == timedelta(minutes=8) and delivery.backoff(30) == timedelta(hours=2)

    assert sender.deliver_due(t0 + timedelta(days=1, seconds=1)) == 1  # the last try, a day on
    (row,) = _rows(db, endpoint_id)
    assert row.failed_at is not None and row.attempts == 3
    assert endpoints.deliveries(db, acme.recruiter, endpoint_id)[0].state == "failed"

    # Fixed: a redelivery goes out.
    receiver.status["/flaky"] = 200
    endpoints.redeliver(db, acme.recruiter, endpoint_id, row.id)
    assert sender.deliver_due() == 1
    assert endpoints.deliveries(db, acme.recruiter, endpoint_id)[0].state == "delivered"


def test_one_application_in_order_while_others_go_on(db, acme, candidate, receiver, allow_private):
    endpoint_id = _register(db, acme.recruiter, receiver, "/ordered")
    first = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, first.id, "Screening")
    other = apply(db, make_candidate(db, "olive@example.com", "Olive Other"), acme.job_id)
    rows = _rows(db, endpoint_id)
    assert [r.event for r in rows] == [
        "application.created",
        "application.stage_changed",
        "application.created",
    ]
    t0 = max(r.created_at for r in rows)

    receiver.status["/ordered"] = 500
    sender = WebhookSender(db)
    assert sender.deliver_due(t0) == 2  # the first of each application; the move waits behind its creation
    assert sorted(r.json["data"]["application_id"] for r in receiver.at("/ordered")) == [first.id, other.id]
    receiver.status["/ordered"] = 200
    assert sender.deliver_due(t0 + timedelta(seconds=5)) == 0  # backing off: the move still waits
    assert sender.deliver_due(t0 + timedelta(seconds=31)) == 2
    assert sender.deliver_due(t0 + timedelta(seconds=32)) == 1
    seen = [(r.json["data"]["application_id"], r.json["type"]) for r in receiver.at("/ordered")]
    assert sorted(seen[-3:-1]) == [(first.id, "application.created"), (other.id, "application.created")]
    assert seen[-1] == (first.id, "application.stage_changed")


def test_a_slow_endpoint_holds_up_nobody(db, acme, candidate, receiver, allow_private):
    _register(db, acme.recruiter, receiver, "/slow")
    fast = _register(db, acme.recruiter, receiver, "/fast")
    receiver.delay["/slow"] = 3
    apply(db, candidate, acme.job_id)
    started = datetime.now(UTC)
    assert WebhookSender(db, timeout=0.5).deliver_due() == 2
    assert datetime.now(UTC) - started < timedelta(seconds=2.5)
    assert endpoints.deliveries(db, acme.recruiter, fast)[0].state == "delivered"
    slow = [e for e in endpoints.list_endpoints(db, acme.recruiter) if e.id != fast][0]
    (logged,) = endpoints.deliveries(db, acme.recruiter, slow.id)
    assert (
        logged.state == "pending" and logged.last_status is None and "No answer" in (logged.last_error or "")
    )


def test_failing_for_days_disables_the_endpoint_and_tells_the_recruiters(
    db, acme, candidate, receiver, allow_private
):
    endpoint_id = _register(db, acme.recruiter, receiver, "/dead")
    receiver.status["/dead"] = 500
    sender = WebhookSender(db)
    t0 = datetime.now(UTC)
    for day in range(4):
        when = t0 + timedelta(days=day)
        with db.session(write=True) as s:
            events.emit(
                s, acme.recruiter.company_id, "application.created", {"application_id": day}, now=when
            )
        sender.deliver_due(when)
    (view,) = endpoints.list_endpoints(db, acme.recruiter)
    assert not view.enabled and view.disabled_reason and view.pending == 0
    with db.session() as s:
        mails = s.exec(select(OutboxEmail).where(OutboxEmail.kind == "webhook_disabled")).all()
    assert [m.to_address for m in mails] == ["rec@acme.test"]  # recruiters, not the hiring manager
    with db.session(write=True) as s:  # the test's clock ran three days ahead: the email is due now
        s.execute(sa_update(OutboxEmail).values(next_attempt_at=datetime.now(UTC)))
    with smtp_server() as smtp:  # what the recruiter reads
        mailer = Sender(db, smtp.url, "FlowTrack <jobs@acme.test>")
        while mailer.deliver_due():
            pass
        got_all = [m for m in smtp.handler.messages if str(m["Subject"]).startswith("A webhook was disabled")]
        assert len(got_all) == 1, [str(m["Subject"]) for m in smtp.handler.messages]
        got = got_all[0]
    assert got["To"] == "rec@acme.test"
    text = got.get_body(("plain",)).get_content()
    assert receiver.url("/dead") in text and "/webhooks" in text and "3 days" in text
    # Disabled: nothing more is queued for it, until a recruiter enables it again.
    apply(db, candidate, acme.job_id)
    assert all(r.event_id for r in _rows(db, endpoint_id)) and len(_rows(db, endpoint_id)) == 4
    assert endpoints.enable_endpoint(db, acme.recruiter, endpoint_id).enabled


def test_private_and_local_targets_are_refused(db, acme, monkeypatch):
    monkeypatch.delenv("FLOWTRACK_WEBHOOK_ALLOW_PRIVATE", raising=False)
    for url in (
        "https://10.1.2.3/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost:8443/hook",
        "https://0.0.0.0/",
    ):
        with pytest.raises(InvalidInput, match="private or local"):
            endpoints.create_endpoint(db, acme.recruiter, {"url": url, "events": ALL})
    for url, message in (
        ("http://hooks.example.com/x", "https://"),
        ("https://user:pw@hooks.example.com/x", "credentials"),
        ("ftp://hooks.example.com/x", "https://"),
        ("not a url", "https://"),
    ):
        with pytest.raises(InvalidInput, match=message):
            endpoints.create_endpoint(db, acme.recruiter, {"url": url, "events": ALL})
    with pytest.raises(InvalidInput, match="Unknown event"):
        endpoints.create_endpoint(db, acme.recruiter, {"url": "https://8.8.8.8/", "events": ["job.created"]})

    # A name that resolves to a private address, among public ones, is refused too.
    real = socket.getaddrinfo

    def fake_dns(host, *args, **kwargs):
        table = {
            "hooks.example.com": ["93.184.216.34"],
            "sneaky.example.com": ["93.184.216.34", "192.168.1.5"],
        }
        if host in table:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 443)) for ip in table[host]]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    with pytest.raises(InvalidInput, match="192.168.1.5"):
        endpoints.create_endpoint(db, acme.recruiter, {"url": "https://sneaky.example.com/h", "events": ALL})
    made = endpoints.create_endpoint(
        db, acme.recruiter, {"url": "https://hooks.example.com/h", "events": ALL}
    )
    assert made.endpoint.url == "https://hooks.example.com/h"

    # DNS rebinding: the name now points inside; the delivery is refused before any connection.
    table_after = {"hooks.example.com": ["127.0.0.1"]}
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 443)) for ip in table_after[host]
        ],
    )
    attempt = delivery.post("https://hooks.example.com/h", b"{}", {}, 1.0)
    assert attempt.status is None and "private or local" in (attempt.error or "")
    assert targets.blocked(targets.resolve.__globals__["ipaddress"].ip_address("100.64.0.1"))  # shared space


def test_only_recruiters_manage_webhooks_and_another_company_sees_nothing(
    db, acme, globex, candidate, receiver, allow_private
):
    endpoint_id = _register(db, acme.recruiter, receiver, "/mine")
    apply(db, candidate, acme.job_id)
    delivery_id = _rows(db, endpoint_id)[0].id
    for who in (acme.manager, candidate):
        with pytest.raises(Forbidden):
            endpoints.list_endpoints(db, who)
        with pytest.raises(Forbidden):
            endpoints.create_endpoint(db, who, {"url": receiver.url("/x"), "events": ALL})
        with pytest.raises(Forbidden):
            endpoints.delete_endpoint(db, who, endpoint_id)
    assert endpoints.list_endpoints(db, globex.recruiter) == []
    for call in (
        lambda: endpoints.deliveries(db, globex.recruiter, endpoint_id),
        lambda: endpoints.redeliver(db, globex.recruiter, endpoint_id, delivery_id),
        lambda: endpoints.delete_endpoint(db, globex.recruiter, endpoint_id),
        lambda: endpoints.enable_endpoint(db, globex.recruiter, endpoint_id),
    ):
        with pytest.raises(NotFound):
            call()
    # Globex's own endpoint cannot redeliver Acme's delivery.
    theirs = endpoints.create_endpoint(db, globex.recruiter, {"url": receiver.url("/g"), "events": ALL})
    with pytest.raises(NotFound):
        endpoints.redeliver(db, globex.recruiter, theirs.endpoint.id, delivery_id)
    # Globex's endpoint hears nothing of Acme's applications.
    assert _rows(db, theirs.endpoint.id) == []
    endpoints.delete_endpoint(db, acme.recruiter, endpoint_id)
    assert endpoints.list_endpoints(db, acme.recruiter) == [] and _rows(db, endpoint_id) == []


def test_a_rolled_back_change_sends_nothing(db, acme, receiver, allow_private):
    endpoint_id = _register(db, acme.recruiter, receiver, "/rb")
    with pytest.raises(RuntimeError):
        with db.session(write=True) as s:
            events.emit(s, acme.recruiter.company_id, "application.created", {"application_id": 1})
            raise RuntimeError("the change failed")
    assert _rows(db, endpoint_id) == []
    body = json.dumps({"x": 1}).encode()
    from flowtrack_ui.core.webhooks import signing

    header = signing.signature("whsec_a", body, 1_000_000)
    assert signing.verify("whsec_a", body, header, now=1_000_100)
    assert not signing.verify("whsec_b", body, header, now=1_000_100)
    assert not signing.verify("whsec_a", body, header, now=1_000_000 + 3600)  # replayed later


def test_the_sender_on_both_engines(any_db, receiver, allow_private):
    """Claiming with a lease, the order per application and the back-off are SQL: both engines."""
    acme = make_company(any_db, "Acme")
    candidate = make_candidate(any_db)
    endpoint_id = _register(any_db, acme.recruiter, receiver, "/both")
    app = apply(any_db, candidate, acme.job_id)
    move_stage(any_db, acme.recruiter, app.id, "Screening")
    t0 = max(r.created_at for r in _rows(any_db, endpoint_id))
    receiver.status["/both"] = 500
    first, second = WebhookSender(any_db), WebhookSender(any_db)
    assert first.deliver_due(t0) == 1  # the creation; the move waits behind it
    assert second.deliver_due(t0) == 0  # backing off, and nothing else is due
    receiver.status["/both"] = 200
    assert second.deliver_due(t0 + timedelta(seconds=31)) == 1
    assert first.deliver_due(t0 + timedelta(seconds=32)) == 1
    assert [r.json["type"] for r in receiver.at("/both")] == [
        "application.created", "application.created", "application.stage_changed",
    ]  # fmt: skip
    assert [d.state for d in endpoints.deliveries(any_db, acme.recruiter, endpoint_id)] == ["delivered"] * 2
