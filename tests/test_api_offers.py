"""Offers over REST: a recruiter drafts and sends, a hiring manager approves but cannot send, the
link's holder reads the PDF and accepts; another company gets 404; bad input 422."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from flowtrack_ui.core.applications.applying import apply

from .conftest import make_candidate, make_company
from .test_api import client_for, login


@pytest.fixture
def world(db):
    acme = make_company(db, "Acme")
    make_company(db, "Globex")
    cand = make_candidate(db, "zoe@example.com", "Zoë Quinn")
    app = apply(db, cand, acme.job_id)
    c = client_for(db)
    return c, acme, app, login(c, "rec@acme.test"), login(c, "hm@acme.test"), login(c, "rec@globex.test")


def test_an_offer_from_draft_to_signature_over_rest(world):
    c, acme, app, rec, hm, other = world
    today = datetime.now(UTC).date()
    body = {
        "start_date": str(today + timedelta(days=30)),
        "salary": "65000",
        "currency": "USD",
        "expires_on": str(today + timedelta(days=7)),
        "approver_ids": [acme.manager.user_id],
    }
    assert c.post(f"/api/applications/{app.id}/offers", json=body, headers=hm).status_code == 403
    r = c.post(f"/api/applications/{app.id}/offers", json=body, headers=rec)
    assert r.status_code == 201, r.text
    offer = r.json()
    assert offer["status"] == "draft" and offer["approver_ids"] == [acme.manager.user_id]
    oid = offer["id"]
    assert c.get(f"/api/offers/{oid}", headers=other).status_code == 404
    assert c.get(f"/api/applications/{app.id}/offers", headers=other).status_code == 404
    preview = c.get(f"/api/offers/{oid}/pdf", headers=rec)
    assert preview.status_code == 200 and preview.headers["content-type"] == "application/pdf"
    assert c.post(f"/api/offers/{oid}/submit", json={}, headers=rec).json()["status"] == "pending_approval"
    assert c.post(f"/api/offers/{oid}/approve", json={}, headers=rec).status_code == 403  # not in the chain
    assert (
        c.post(f"/api/offers/{oid}/approve", json={"comment": "ok"}, headers=hm).json()["status"]
        == "approved"
    )
    assert c.post(f"/api/offers/{oid}/send", headers=hm).status_code == 403
    sent = c.post(f"/api/offers/{oid}/send", headers=rec).json()
    assert sent["status"] == "sent"
    token = sent["link"].rsplit("/", 1)[1]
    page = c.get(f"/api/offer-links/{token}").json()
    assert page["status"] == "sent" and "approvals" not in page and "65,000.00" in page["letter_html"]
    served = c.get(f"/api/offer-links/{token}/pdf").content
    assert hashlib.sha256(served).hexdigest() == page["pdf_sha256"]
    bad = c.post(f"/api/offer-links/{token}/accept", json={"signature_name": "Zoë Quinn", "consent": False})
    assert bad.status_code == 422 and "Tick" in bad.json()["detail"]
    r = c.post(
        f"/api/offer-links/{token}/accept",
        json={"signature_name": "Zoë Quinn", "consent": True},
        headers={"User-Agent": "Phone Browser 1.0"},
    )
    assert r.status_code == 200, r.text
    audit = r.json()
    assert audit["document_sha256"] == hashlib.sha256(served).hexdigest()
    assert audit["user_agent"] == "Phone Browser 1.0" and audit["ip"] and audit["signed_name"] == "Zoë Quinn"
    again = c.post(f"/api/offer-links/{token}/accept", json={"signature_name": "Zoë Quinn", "consent": True})
    assert again.status_code == 410
    record = c.get(f"/api/offers/{oid}", headers=hm).json()
    assert (record["signed_user_agent"], record["document_sha256"]) == (
        "Phone Browser 1.0",
        audit["document_sha256"],
    )
    assert record["signed_ip"] == audit["ip"] and record["has_signed_pdf"]
    signed = c.get(f"/api/offers/{oid}/signed.pdf", headers=hm)
    assert signed.status_code == 200 and signed.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path",
    ["/api/offer-links/nonsense", "/api/offer-links/1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/pdf"],
)
def test_an_unknown_link_is_404(world, path):
    c = world[0]
    assert c.get(path).status_code == 404


def test_templates_over_rest(world):
    c, _acme, _app, rec, hm, _other = world
    bad = c.post("/api/offer-templates", json={"name": "X", "body": "{{ candidate.email }}"}, headers=rec)
    assert bad.status_code == 422 and "candidate.email" in bad.json()["detail"]
    assert c.post("/api/offer-templates", json={"name": "X", "body": "Hi"}, headers=hm).status_code == 403
    made = c.post(
        "/api/offer-templates", json={"name": "Short", "body": "Hi {{ candidate.first_name }}"}, headers=rec
    )
    assert made.status_code == 201
    names = [t["name"] for t in c.get("/api/offer-templates", headers=hm).json()]
    assert "Short" in names
    prev = c.post("/api/offer-templates/preview", json={"body": "Hi {{ candidate.first_name }}"}, headers=hm)
    assert prev.json()["markdown"].strip() == "Hi Alex"


def _sent_token(c, acme, app, rec, hm) -> str:
    today = datetime.now(UTC).date()
    body = {
        "start_date": str(today + timedelta(days=30)),
        "salary": 65000,
        "currency": "USD",
        "expires_on": str(today + timedelta(days=7)),
        "approver_ids": [acme.manager.user_id],
    }
    oid = c.post(f"/api/applications/{app.id}/offers", json=body, headers=rec).json()["id"]
    c.post(f"/api/offers/{oid}/submit", json={}, headers=rec)
    c.post(f"/api/offers/{oid}/approve", json={}, headers=hm)
    return c.post(f"/api/offers/{oid}/send", headers=rec).json()["link"].rsplit("/", 1)[1]


def test_the_offer_page_accepts_with_a_form_and_shows_the_outcome(world):
    c, acme, app, rec, hm, _other = world
    token = _sent_token(c, acme, app, rec, hm)
    page = c.get(f"/offer/{token}")
    assert page.status_code == 200 and "USD 65,000.00 per year" in page.text
    assert "Content-Security-Policy" in page.headers and page.headers["Referrer-Policy"] == "no-referrer"
    assert "approv" not in page.text.lower()  # never the approvals
    refused = c.post(f"/offer/{token}/accept", data={"signature_name": "Zoë Quinn"})
    assert refused.status_code == 422 and "Tick the box" in refused.text
    wrong = c.post(f"/offer/{token}/accept", data={"signature_name": "Someone", "consent": "yes"})
    assert wrong.status_code == 422 and "as it appears on the letter" in wrong.text
    done = c.post(
        f"/offer/{token}/accept",
        data={"signature_name": "Zoë Quinn", "consent": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/offer/{token}"
    after = c.get(f"/offer/{token}")
    assert "You accepted this offer" in after.text and "Accept and sign the offer" not in after.text
    letter = c.get(f"/offer/{token}/letter.pdf").content
    assert hashlib.sha256(letter).hexdigest() in after.text
    assert c.get(f"/offer/{token}/signed.pdf").content.startswith(b"%PDF")
    assert c.get("/offer/1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404


def test_the_offer_page_declines_with_a_reason_and_a_new_offer_can_follow(world):
    c, acme, app, rec, hm, _other = world
    token = _sent_token(c, acme, app, rec, hm)
    done = c.post(f"/offer/{token}/decline", data={"reason": "Relocating"}, follow_redirects=False)
    assert done.status_code == 303
    assert "You declined this offer" in c.get(f"/offer/{token}").text
    oid = int(token.split(".")[0])
    assert c.get(f"/api/offers/{oid}", headers=rec).json()["decline_reason"] == "Relocating"
    second = c.post(
        f"/api/applications/{app.id}/offers",
        json={"salary": 1, "currency": "USD", "start_date": "2099-01-01", "expires_on": "2099-01-01"},
        headers=rec,
    ).json()
    withdrawn = c.post(f"/api/offers/{second['id']}/withdraw", json={"reason": "x"}, headers=rec)
    assert withdrawn.json()["status"] == "withdrawn"
