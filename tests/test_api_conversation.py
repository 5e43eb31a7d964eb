"""The conversation over REST: write with attachments (multipart) or JSON, cancel and send early,
read the thread and the unmatched list; hiring managers read, other companies get 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.mail import inbound, reply_address

from .conftest import make_candidate
from .test_api import client_for, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_write_read_cancel_and_send_now_over_rest(db, acme, globex, candidate):
    app = apply(db, candidate, acme.job_id)
    c = client_for(db)
    rec, hm, other = login(c, "rec@acme.test"), login(c, "hm@acme.test"), login(c, "rec@globex.test")
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    r = c.post(
        f"/api/applications/{app.id}/emails",
        data={"subject": "Hello {{ candidate.first_name }}", "body": "See attached.", "send_at": later},
        files=[("files", ("brief.pdf", PDF, "application/pdf"))],
        headers=rec,
    )
    assert r.status_code == 201, r.text
    email = r.json()
    assert email["state"] == "held" and email["subject"] == "Hello Casey" and email["can_cancel"]
    assert [a["name"] for a in email["attachments"]] == ["brief.pdf"]
    file_id = email["attachments"][0]["file_id"]
    got = c.get(f"/api/applications/{app.id}/conversation/files/{file_id}", headers=hm)
    assert (
        got.status_code == 200 and got.content == PDF and "attachment" in got.headers["content-disposition"]
    )
    assert c.get(f"/api/applications/{app.id}/conversation/files/{file_id}", headers=other).status_code == 404

    r = c.post(
        f"/api/applications/{app.id}/emails", json={"subject": "Now", "body": "Right away"}, headers=rec
    )
    assert r.status_code == 201 and r.json()["state"] == "queued"
    assert (
        c.post(
            f"/api/applications/{app.id}/emails", json={"subject": "x", "body": "y"}, headers=hm
        ).status_code
        == 403
    )
    assert (
        c.post(
            f"/api/applications/{app.id}/emails", json={"subject": "x", "body": "y"}, headers=other
        ).status_code
        == 404
    )
    bad = c.post(
        f"/api/applications/{app.id}/emails", json={"subject": "x", "body": "{{ job.salary }}"}, headers=rec
    )
    assert bad.status_code == 422 and "job.salary" in bad.json()["detail"]
    exe = c.post(
        f"/api/applications/{app.id}/emails",
        data={"subject": "x", "body": "y"},
        files=[("files", ("run.exe", b"MZ\x90\x00\x03", "application/octet-stream"))],
        headers=rec,
    )
    assert exe.status_code == 415
    assert c.post(f"/api/applications/{app.id}/emails", content=b"[1,2]", headers=rec).status_code == 422

    listed = c.get(f"/api/applications/{app.id}/emails", headers=hm).json()
    held = next(e for e in listed if e["state"] == "held")
    assert not held["can_cancel"]  # a hiring manager reads only
    assert c.post(f"/api/emails/{held['id']}/cancel", headers=hm).status_code == 403
    assert c.post(f"/api/emails/{held['id']}/cancel", headers=other).status_code == 404
    assert c.post(f"/api/emails/{held['id']}/send-now", headers=other).status_code == 404
    assert c.post(f"/api/emails/{held['id']}/send-now", headers=rec).json()["state"] == "queued"
    assert c.post(f"/api/emails/{held['id']}/cancel", headers=rec).status_code == 409  # being sent
    second = c.post(
        f"/api/applications/{app.id}/emails",
        json={"subject": "Later", "body": "b", "send_at": later},
        headers=rec,
    ).json()
    assert c.post(f"/api/emails/{second['id']}/cancel", headers=rec).json()["state"] == "cancelled"
    assert c.post(f"/api/emails/{second['id']}/send-now", headers=rec).status_code == 409
    assert c.post("/api/emails/999999/cancel", headers=rec).status_code == 404

    with db.session(write=True) as s:
        token = reply_address.token_for(s, app.id)
    inbound.receive(
        db,
        (
            f"From: cand@example.com\r\nTo: reply+{token}@r.test\r\nSubject: Re\r\n"
            "Message-ID: <a@b>\r\n\r\nThanks!\r\n"
        ).encode(),
        "r.test",
    )
    inbound.receive(
        db,
        b"From: x@example.org\r\nTo: reply+AAAAAAAAAAAAAAAAAAAAAAAA@r.test\r\n"
        b"Message-ID: <c@d>\r\n\r\nWho?\r\n",
        "r.test",
    )
    thread = c.get(f"/api/applications/{app.id}/conversation", headers=hm).json()
    assert thread[0]["direction"] == "in" and thread[0]["body"] == "Thanks!"
    assert {t["direction"] for t in thread} == {"in", "out"}
    assert c.get(f"/api/applications/{app.id}/conversation", headers=other).status_code == 404
    # An unknown token with nothing naming a company is in nobody's list.
    assert c.get("/api/inbound/unmatched", headers=rec).json() == []
    assert c.get("/api/inbound/unmatched", headers=other).json() == []
    cand = make_candidate(db, "zed@example.com", "Zed")
    assert c.get("/api/inbound/unmatched", headers=login(c, "zed@example.com")).status_code == 403
    assert cand is not None
