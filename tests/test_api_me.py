"""GET/PUT /api/me/settings and GET /api/me/work over HTTP, as every role and another company."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from flowtrack_ui.api.app import create_api
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews, notes
from flowtrack_ui.core.models import Interview

from .conftest import PASSWORD


def _client(db) -> TestClient:
    return TestClient(create_api(lambda: db), raise_server_exceptions=False)


def _auth(c: TestClient, email: str) -> dict:
    r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def people(db, acme, globex, candidate):
    c = _client(db)
    return c, {
        "recruiter": _auth(c, "rec@acme.test"),
        "manager": _auth(c, "hm@acme.test"),
        "candidate": _auth(c, "cand@example.com"),
        "globex": _auth(c, "rec@globex.test"),
    }


@pytest.mark.parametrize("who", ["recruiter", "manager", "candidate"])
def test_settings_read_and_write_the_callers_own_zone(people, who):
    c, h = people
    assert c.get("/api/me/settings", headers=h[who]).json()["time_zone"] is None
    r = c.put("/api/me/settings", json={"time_zone": "Europe/Berlin"}, headers=h[who])
    assert r.status_code == 200 and r.json()["time_zone"] == "Europe/Berlin"
    assert c.get("/api/me/settings", headers=h[who]).json()["time_zone"] == "Europe/Berlin"
    others = [k for k in h if k != who]
    assert all(c.get("/api/me/settings", headers=h[k]).json()["time_zone"] is None for k in others)
    assert c.put("/api/me/settings", json={"time_zone": None}, headers=h[who]).json()["time_zone"] is None


def test_settings_refuse_unknown_zones_and_fields_with_422(people):
    c, h = people
    r = c.put("/api/me/settings", json={"time_zone": "Mars/Olympus"}, headers=h["recruiter"])
    assert r.status_code == 422 and "Mars/Olympus" in r.json()["detail"]
    for body in ({"time_zone": "Europe/Berlin", "working_hours": "9-17"}, {}, {"time_zone": 5}, []):
        assert c.put("/api/me/settings", json=body, headers=h["recruiter"]).status_code == 422
    assert c.get("/api/me/settings", headers=h["recruiter"]).json()["time_zone"] is None
    assert c.get("/api/me/settings").status_code == 401
    assert c.put("/api/me/settings", json={"time_zone": "UTC"}).status_code == 401


def test_work_for_staff_only_and_per_company(db, people, acme, candidate):
    c, h = people
    app = apply(db, candidate, acme.job_id)
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    view = interviews.schedule(
        db,
        acme.recruiter,
        app.id,
        {
            "starts_at": start,
            "timezone": "Europe/Berlin",
            "location": "Room 2",
            "interviewer_ids": [acme.manager.user_id],
        },
    )
    ended = interviews.schedule(
        db,
        acme.recruiter,
        app.id,
        {"starts_at": start, "location": "Room 3", "interviewer_ids": [acme.manager.user_id]},
    )
    with db.session(write=True) as s:
        s.execute(
            sa.update(Interview)
            .where(Interview.id == ended.id)
            .values(starts_at=datetime.now(UTC) - timedelta(days=1))
        )
    note = notes.add_note(db, acme.recruiter, app.id, "@hm can you join?")

    manager = c.get("/api/me/work", headers=h["manager"])
    assert manager.status_code == 200
    body = manager.json()
    assert set(body) >= {"interviews", "scorecards_due", "mentions", "overdue", "replies", "time_zone"}
    assert [i["interview_id"] for i in body["interviews"]] == [view.id]
    assert "10:00 Europe/Berlin (" in body["interviews"][0]["when"]
    assert [d["interview_id"] for d in body["scorecards_due"]] == [ended.id]
    assert [m["note_id"] for m in body["mentions"]] == [note.id]

    recruiter = c.get("/api/me/work", headers=h["recruiter"]).json()
    assert [i["interview_id"] for i in recruiter["interviews"]] == [view.id]  # the scheduler
    assert recruiter["scorecards_due"] == [] and recruiter["mentions"] == []

    assert c.get("/api/me/work", headers=h["candidate"]).status_code == 403
    assert c.get("/api/me/work").status_code == 401
    globex = c.get("/api/me/work", headers=h["globex"]).json()
    assert globex["interviews"] == globex["scorecards_due"] == globex["mentions"] == []

    # Marking read: another company's staff get 404, the mentioned colleague clears it.
    assert c.post(f"/api/me/mentions/{note.id}/read", headers=h["globex"]).status_code == 404
    assert c.post(f"/api/me/mentions/{note.id}/read", headers=h["candidate"]).status_code == 403
    assert c.post("/api/me/mentions/abc/read", headers=h["manager"]).status_code == 422
    assert c.post(f"/api/me/mentions/{note.id}/read", headers=h["manager"]).status_code == 204
    assert c.get("/api/me/work", headers=h["manager"]).json()["mentions"] == []


def test_an_interview_posted_without_a_zone_is_in_the_schedulers(db, people, acme, candidate):
    c, h = people
    app = apply(db, candidate, acme.job_id)
    c.put("/api/me/settings", json={"time_zone": "Asia/Tokyo"}, headers=h["recruiter"])
    start = (datetime.now(UTC) + timedelta(days=4)).strftime("%Y-%m-%dT09:30")
    r = c.post(
        f"/api/applications/{app.id}/interviews",
        json={"starts_at": start, "location": "Room 9", "interviewer_ids": [acme.manager.user_id]},
        headers=h["recruiter"],
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["timezone"] == "Asia/Tokyo" and body["when"].endswith("09:30 Asia/Tokyo")
    listed = c.get(f"/api/applications/{app.id}/interviews", headers=h["manager"]).json()
    assert listed[0]["when"].endswith("(00:30 UTC)")
