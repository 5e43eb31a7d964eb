"""The REST API over HTTP: the whole story, the permission table, tokens, and concurrent moves."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from flowtrack_ui.api.app import create_api
from flowtrack_ui.core import security
from flowtrack_ui.core.models import User

from .conftest import PASSWORD
from .stage_support import let_undo_windows_pass


def client_for(db) -> TestClient:
    return TestClient(create_api(lambda: db), raise_server_exceptions=False)


def login(c: TestClient, email: str, form: bool = False) -> dict:
    if form:
        r = c.post("/api/auth/login", data={"username": email, "password": PASSWORD})
    else:
        r = c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def api(any_db):
    c = client_for(any_db)
    r = c.post(
        "/api/companies",
        json={
            "company_name": "Acme",
            "email": "rec@acme.test",
            "password": PASSWORD,
            "full_name": "Rita Recruiter",
        },
    )
    assert r.status_code == 201, r.text
    rec = login(c, "rec@acme.test")
    r = c.post("/api/invitations", json={"email": "hm@acme.test", "role": "hiring_manager"}, headers=rec)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    assert r.json()["accept_url"].endswith(f"/invite/{token}")
    r = c.post(f"/api/invitations/{token}/accept", json={"password": PASSWORD, "full_name": "Hugo Manager"})
    assert r.status_code == 201 and r.json()["role"] == "hiring_manager"
    assert (
        c.post(f"/api/invitations/{token}/accept", json={"password": PASSWORD, "full_name": "X"}).status_code
        == 409
    )
    c.post(
        "/api/companies",
        json={
            "company_name": "Globex",
            "email": "rec@globex.test",
            "password": PASSWORD,
            "full_name": "Gil Globex",
        },
    )
    r = c.post(
        "/api/auth/register",
        json={
            "email": "cand@example.com",
            "password": PASSWORD,
            "full_name": "Casey Candidate",
            "role": "candidate",
        },
    )
    assert r.status_code == 201, r.text
    c.post(
        "/api/auth/register",
        json={
            "email": "other@example.com",
            "password": PASSWORD,
            "full_name": "Olive Other",
            "role": "candidate",
        },
    )
    headers = {
        "rec": rec,
        "hm": login(c, "hm@acme.test", form=True),
        "cand": login(c, "cand@example.com"),
        "other": login(c, "other@example.com"),
        "grec": login(c, "rec@globex.test"),
    }
    return c, headers


def test_the_whole_story(api):
    c, h = api
    job = c.post(
        "/api/jobs/",
        json={"title": "Backend Engineer", "description": "Python", "company_id": 999},
        headers=h["rec"],
    )
    assert job.status_code == 201
    job = job.json()
    assert job["company_id"] == c.get("/api/auth/me", headers=h["rec"]).json()["company_id"]
    assert any(j["id"] == job["id"] for j in c.get("/api/jobs/").json())
    app = c.post(f"/api/applications/?job_id={job['id']}", headers=h["cand"])
    assert app.status_code == 201 and app.json()["stage"] == "Applied"
    app_id = app.json()["id"]
    assert c.post(f"/api/applications/?job_id={job['id']}", headers=h["cand"]).status_code == 409
    for stage in ("Screening", "Interview", "Offer", "Hired"):
        r = c.patch(f"/api/applications/{app_id}/stage", params={"new_stage": stage}, headers=h["rec"])
        assert r.status_code == 200 and r.json()["stage"] == stage
    r = c.patch(f"/api/applications/{app_id}/stage", params={"new_stage": "Rejected"}, headers=h["rec"])
    assert r.status_code == 409 and "final" in r.json()["detail"]
    hist = c.get(f"/api/history/application/{app_id}", headers=h["rec"]).json()
    assert [x["new_stage"] for x in hist] == ["Applied", "Screening", "Interview", "Offer", "Hired"]
    assert hist[0]["old_stage"] is None
    # The candidate sees the moves once they can no longer be undone.
    early = c.get(f"/api/history/me/{app_id}", headers=h["cand"]).json()
    assert [x["new_stage"] for x in early] == ["Applied"]
    let_undo_windows_pass(c.app.state.db_provider())
    mine = c.get(f"/api/history/me/{app_id}", headers=h["cand"]).json()
    assert [x["new_stage"] for x in mine] == [x["new_stage"] for x in hist]
    assert "note" not in mine[0] and "changed_by_name" not in mine[0]
    assert c.get("/api/applications/me", headers=h["cand"]).json()[0]["stage"] == "Hired"
    assert c.get("/api/health").json() == {"status": "ok", "database": "ok"}


def test_illegal_move_names_allowed_stages(api):
    c, h = api
    job = c.post("/api/jobs/", json={"title": "T"}, headers=h["rec"]).json()
    app = c.post(f"/api/applications/?job_id={job['id']}", headers=h["cand"]).json()
    r = c.patch(f"/api/applications/{app['id']}/stage?new_stage=Hired", headers=h["rec"])
    assert r.status_code == 409
    assert r.json()["allowed_stages"] == ["Screening", "Interview", "Offer", "Rejected"]
    assert "Screening" in r.json()["detail"]
    r = c.patch(
        f"/api/applications/{app['id']}/stage?new_stage=Screening&expected_stage=Interview", headers=h["rec"]
    )
    assert r.status_code == 409 and r.json()["current_stage"] == "Applied"
    assert (
        c.patch(f"/api/applications/{app['id']}/stage?new_stage=Bogus", headers=h["rec"]).status_code == 422
    )


def test_permission_table_over_http(api):
    c, h = api
    job = c.post("/api/jobs/", json={"title": "Acme job"}, headers=h["rec"]).json()
    app = c.post(f"/api/applications/?job_id={job['id']}", headers=h["cand"]).json()
    jid, aid = job["id"], app["id"]
    cases = [
        # (method, url, kwargs, {who: expected status})
        ("post", "/api/jobs/", {"json": {"title": "x"}}, {"rec": 201, "hm": 201, "cand": 403}),
        (
            "put",
            f"/api/jobs/{jid}",
            {"json": {"title": "y"}},
            {"rec": 200, "hm": 200, "cand": 403, "grec": 404},
        ),
        ("post", f"/api/applications/?job_id={jid}", {}, {"rec": 403, "hm": 403, "other": 201, "cand": 409}),
        ("get", f"/api/applications/job/{jid}", {}, {"rec": 200, "hm": 200, "cand": 403, "grec": 404}),
        (
            "patch",
            f"/api/applications/{aid}/stage?new_stage=Screening",
            {},
            {"hm": 403, "cand": 403, "grec": 404, "rec": 200},
        ),
        ("get", "/api/applications/me", {}, {"cand": 200, "rec": 403, "hm": 403}),
        ("get", f"/api/history/application/{aid}", {}, {"rec": 200, "hm": 403, "cand": 403, "grec": 404}),
        ("get", f"/api/history/me/{aid}", {}, {"cand": 200, "other": 404, "rec": 403}),
        (
            "post",
            "/api/invitations",
            {"json": {"email": "z@acme.test", "role": "recruiter"}},
            {"cand": 403, "hm": 403, "rec": 201},
        ),
        (
            "post",
            "/api/invitations",
            {"json": {"email": "y@acme.test", "role": "hiring_manager"}},
            {"cand": 403, "hm": 201},
        ),
        ("delete", f"/api/jobs/{jid}", {}, {"cand": 403, "grec": 404, "hm": 200}),
    ]
    for method, url, kwargs, expect in cases:
        r = getattr(c, method)(url, **kwargs)
        assert r.status_code == 401, (method, url, r.status_code)
        for who, status in expect.items():
            r = getattr(c, method)(url, headers=h[who], **kwargs)
            assert r.status_code == status, (method, url, who, r.status_code, r.text)
            assert "detail" in r.json() or status < 400
    # delete closed it (it has applications): hidden from the public, kept for its company
    assert c.get(f"/api/jobs/{jid}").status_code == 404
    assert c.get(f"/api/jobs/{jid}", headers=h["hm"]).json()["status"] == "closed"


def test_bad_tokens_are_401(api, any_db):
    c, h = api
    me = c.get("/api/auth/me", headers=h["cand"]).json()
    expired = security.create_access_token(me["id"], ttl=timedelta(seconds=-1))
    tampered = h["cand"]["Authorization"][:-3] + "abc"
    for header in (f"Bearer {expired}", tampered, "Bearer nonsense", "Basic Zm9vOmJhcg=="):
        r = c.get("/api/auth/me", headers={"Authorization": header})
        assert r.status_code == 401 and "detail" in r.json()


def test_register_refuses_staff_roles_and_login_takes_no_query_credentials(api):
    c, _ = api
    r = c.post(
        "/api/auth/register",
        json={
            "email": "boss@x.test",
            "password": PASSWORD,
            "full_name": "Boss",
            "role": "recruiter",
            "company_id": 1,
        },
    )
    assert r.status_code == 403 and "company" in r.json()["detail"]
    r = c.post("/api/auth/login?email=cand@example.com&password=" + PASSWORD)
    assert r.status_code == 422


def test_pagination(api):
    c, h = api
    for i in range(5):
        c.post("/api/jobs/", json={"title": f"Job {i}"}, headers=h["rec"])
    assert len(c.get("/api/jobs/?limit=2").json()) == 2
    assert len(c.get("/api/jobs/?limit=2&offset=4").json()) == 1
    assert c.get("/api/jobs/?limit=100000").status_code == 422
    assert c.get("/api/jobs/?offset=-1").status_code == 422


def test_concurrent_moves_over_http(api):
    c, h = api
    job = c.post("/api/jobs/", json={"title": "Race"}, headers=h["rec"]).json()
    app = c.post(f"/api/applications/?job_id={job['id']}", headers=h["cand"]).json()
    barrier = threading.Barrier(16)
    statuses: list[int] = []

    def move():
        barrier.wait()
        r = c.patch(
            f"/api/applications/{app['id']}/stage",
            params={"new_stage": "Screening", "expected_stage": "Applied"},
            headers=h["rec"],
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=move) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [200] + [409] * 15
    hist = c.get(f"/api/history/application/{app['id']}", headers=h["rec"]).json()
    assert [x["new_stage"] for x in hist] == ["Applied", "Screening"]


def test_unknown_api_paths_answer_json(db):
    c = client_for(db)
    for path in ("/api/nope", "/api/invitations/a%0D%0Ab/accept/x", "/api/jobs/1/extra"):
        r = c.post(path, json={})
        assert r.status_code == 404 and r.json()["detail"].lower().startswith("not found")


def test_a_move_rereads_its_caller_on_every_request(api):
    """The move route checks its caller in the same thread hop as the move: a signed-out token, a
    changed role or a deactivated account is refused by the very next request, and nothing moves."""
    c, h = api
    job = c.post("/api/jobs/", json={"title": "Recheck"}, headers=h["rec"]).json()
    app = c.post(f"/api/applications/?job_id={job['id']}", headers=h["cand"]).json()
    url = f"/api/applications/{app['id']}/stage"
    assert c.patch(url, params={"new_stage": "Screening"}, headers=h["rec"]).status_code == 200
    db = c.app.state.db_provider()
    with db.session(write=True) as s:
        rec = s.exec(select(User).where(User.email == "rec@acme.test")).one()
        rec.role = "hiring_manager"  # demoted: may no longer move
        s.add(rec)
    r = c.patch(url, params={"new_stage": "Interview"}, headers=h["rec"])
    assert r.status_code == 403 and "may not change" in r.json()["detail"]
    with db.session(write=True) as s:
        rec = s.exec(select(User).where(User.email == "rec@acme.test")).one()
        rec.role, rec.is_active = "recruiter", False
        s.add(rec)
    assert c.patch(url, params={"new_stage": "Interview"}, headers=h["rec"]).status_code == 401
    assert c.patch(url, params={"new_stage": "Interview"}).status_code == 401
    let_undo_windows_pass(db)
    hist = c.get(f"/api/history/me/{app['id']}", headers=h["cand"]).json()
    assert [x["new_stage"] for x in hist] == ["Applied", "Screening"]
