"""/api/webhooks over HTTP: recruiters only, another company 404, the secret once, SSRF refusals as
422, and a delivery's log and redelivery after the sender has run against a real receiver."""

from __future__ import annotations

import pytest
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.models import AuditEvent
from flowtrack_ui.core.webhooks.delivery import WebhookSender

from .conftest import make_candidate, make_company
from .test_api import client_for, login
from .webhook_support import start_receiver


@pytest.fixture
def world(db):
    acme = make_company(db, "Acme")
    make_company(db, "Globex")
    c = client_for(db)
    heads = {who: login(c, who) for who in ("rec@acme.test", "hm@acme.test", "rec@globex.test")}
    candidate = make_candidate(db)
    heads["cand@example.com"] = login(c, "cand@example.com")
    receiver = start_receiver()
    yield db, c, heads, acme, candidate, receiver
    receiver.close()


def test_register_deliver_log_and_redeliver(world, monkeypatch):
    db, c, h, acme, candidate, receiver = world
    rec = h["rec@acme.test"]
    monkeypatch.delenv("FLOWTRACK_WEBHOOK_ALLOW_PRIVATE", raising=False)
    refused = c.post(
        "/api/webhooks", json={"url": receiver.url("/h"), "events": ["application.created"]}, headers=rec
    )
    assert refused.status_code == 422 and "https://" in refused.json()["detail"]
    for url in ("https://127.0.0.1/h", "https://10.0.0.7/h", "https://[::1]/h", "https://169.254.169.254/"):
        r = c.post("/api/webhooks", json={"url": url, "events": ["application.created"]}, headers=rec)
        assert r.status_code == 422 and "private or local" in r.json()["detail"], (url, r.text)
    bad_event = c.post(
        "/api/webhooks", json={"url": "https://8.8.8.8/", "events": ["job.created"]}, headers=rec
    )
    assert bad_event.status_code == 422

    monkeypatch.setenv("FLOWTRACK_WEBHOOK_ALLOW_PRIVATE", "1")
    r = c.post(
        "/api/webhooks",
        json={"url": receiver.url("/h"), "events": ["application.created"], "description": "HR system"},
        headers=rec,
    )
    assert r.status_code == 201, r.text
    made = r.json()
    secret, hook = made["secret"], made["webhook"]
    receiver.secrets["/h"] = secret
    assert (
        hook["enabled"] and hook["events"] == ["application.created"] and hook["description"] == "HR system"
    )
    listed = c.get("/api/webhooks", headers=rec).json()
    assert [w["id"] for w in listed] == [hook["id"]] and "secret" not in listed[0]
    assert secret not in c.get("/api/webhooks", headers=rec).text

    apply(db, candidate, acme.job_id)
    assert c.get("/api/webhooks", headers=rec).json()[0]["pending"] == 1
    WebhookSender(db).deliver_due()
    assert receiver.received and receiver.received[0].signature_ok
    log = c.get(f"/api/webhooks/{hook['id']}/deliveries", headers=rec).json()
    assert [(d["event"], d["state"], d["last_status"], d["attempts"]) for d in log] == [
        ("application.created", "delivered", 200, 1)
    ]
    r = c.post(f"/api/webhooks/{hook['id']}/deliveries/{log[0]['id']}/redeliver", headers=rec)
    assert r.status_code == 202 and r.json()["redelivery_of_id"] == log[0]["id"]
    WebhookSender(db).deliver_due()
    assert [x.json["id"] for x in receiver.received] == [log[0]["event_id"]] * 2
    assert (
        c.get(f"/api/webhooks/{hook['id']}/deliveries?limit=1", headers=rec).json()[0]["state"] == "delivered"
    )
    assert c.get("/api/webhooks/events", headers=rec).json()[0]["name"] == "application.created"
    # A test event, whatever the endpoint subscribed to.
    r = c.post(f"/api/webhooks/{hook['id']}/test", headers=rec)
    assert r.status_code == 202 and r.json()["event"] == "webhook.test" and r.json()["state"] == "pending"
    WebhookSender(db).deliver_due()
    assert receiver.received[-1].json["type"] == "webhook.test" and receiver.received[-1].signature_ok

    assert c.delete(f"/api/webhooks/{hook['id']}", headers=rec).status_code == 204
    assert c.get("/api/webhooks", headers=rec).json() == []
    with db.session() as s:
        audited = s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [a.action for a in audited if a.action.startswith("webhook.")] == [
        "webhook.created", "webhook.redelivered", "webhook.deleted",
    ]  # fmt: skip
    assert all(secret not in a.details + a.target for a in audited)
    assert {a.actor_id for a in audited if a.action.startswith("webhook.")} == {acme.recruiter.user_id}


def test_only_recruiters_and_never_another_company(world, monkeypatch):
    db, c, h, acme, candidate, receiver = world
    monkeypatch.setenv("FLOWTRACK_WEBHOOK_ALLOW_PRIVATE", "1")
    body = {"url": receiver.url("/x"), "events": ["application.created"]}
    hook = c.post("/api/webhooks", json=body, headers=h["rec@acme.test"]).json()["webhook"]
    apply(db, candidate, acme.job_id)
    delivery = c.get(f"/api/webhooks/{hook['id']}/deliveries", headers=h["rec@acme.test"]).json()[0]
    for who in ("hm@acme.test", "cand@example.com"):
        assert c.get("/api/webhooks", headers=h[who]).status_code == 403
        assert c.post("/api/webhooks", json=body, headers=h[who]).status_code == 403
        assert c.delete(f"/api/webhooks/{hook['id']}", headers=h[who]).status_code == 403
    other = h["rec@globex.test"]
    assert c.get("/api/webhooks", headers=other).json() == []
    assert c.get(f"/api/webhooks/{hook['id']}/deliveries", headers=other).status_code == 404
    assert (
        c.post(f"/api/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", headers=other).status_code
        == 404
    )
    assert c.delete(f"/api/webhooks/{hook['id']}", headers=other).status_code == 404
    assert c.post(f"/api/webhooks/{hook['id']}/test", headers=other).status_code == 404
    assert c.post(f"/api/webhooks/{hook['id']}/test", headers=h["hm@acme.test"]).status_code == 403
    assert c.get("/api/webhooks").status_code == 401
    assert c.get("/api/webhooks/abc/deliveries", headers=h["rec@acme.test"]).status_code == 422
    assert c.get("/api/webhooks", headers=h["rec@acme.test"]).json()[0]["id"] == hook["id"]
