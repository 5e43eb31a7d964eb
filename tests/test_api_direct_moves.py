"""API clients' stage moves take the direct path (api/direct_moves.py) and answer exactly as the
routed path does; browsers, bodies and whatever the route's declaration refuses go the usual way.

Every case runs twice on twin applications (same job, same stage): once through FastAPI alone,
once through the direct path in front of it. The answers must be equal, ids and times aside.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from flowtrack_ui.api.app import UnroutablePaths, create_api
from flowtrack_ui.api.direct_moves import DirectStageMoves, direct_request
from flowtrack_ui.api.hardening import Hardening
from flowtrack_ui.core.accounts import api_tokens, sign_in
from flowtrack_ui.core.applications import applying
from flowtrack_ui.core.models import ApplicationHistory
from flowtrack_ui.core.pipelines import moves
from flowtrack_ui.core.pipelines.rejection_reasons import list_reasons

from .conftest import make_candidate


class Fallback:
    """The usual way (the routed API), counting the requests that reach it."""

    def __init__(self, app) -> None:
        self.app, self.calls = app, 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.calls += 1
        await self.app(scope, receive, send)


@pytest.fixture
def paths(db, acme, globex):
    api = create_api(lambda: db)
    fallback = Fallback(api)
    routed = TestClient(api, raise_server_exceptions=False)
    direct = TestClient(DirectStageMoves(fallback, db_provider=lambda: db), raise_server_exceptions=False)
    counter = iter(range(10_000))

    def twins(stage: str = "Applied") -> tuple[int, int]:
        ids = []
        for _ in range(2):
            n = next(counter)
            cand = make_candidate(db, f"twin{n}@example.com", f"Twin {n}")
            app = applying.apply(db, cand, acme.job_id)
            if stage != "Applied":
                moves.move_stage(db, acme.recruiter, app.id, stage)
            ids.append(app.id)
        return ids[0], ids[1]

    tokens = {
        "rec": sign_in.issue_token(db, acme.recruiter.user_id),
        "hm": sign_in.issue_token(db, acme.manager.user_id),
        "grec": sign_in.issue_token(db, globex.recruiter.user_id),
        "cand": sign_in.issue_token(db, make_candidate(db).user_id),
        "read": api_tokens.create(db, acme.recruiter, "sync", ["read"]).token,
        "write": api_tokens.create(db, acme.recruiter, "bot", ["read", "write"]).token,
    }
    return routed, direct, fallback, twins, tokens


def _same(a, b, a_id: int, b_id: int) -> None:
    assert a.status_code == b.status_code, (a.text, b.text)
    for name in ("content-type", "content-length", "www-authenticate", "retry-after"):
        assert a.headers.get(name) == b.headers.get(name), name

    def plain(r, app_id: int):
        body = r.json()
        if isinstance(body, dict) and body.get("id") == app_id:  # the twin's own id, candidate, times
            own = ("id", "candidate_id", "created_at", "updated_at")
            body = {k: v for k, v in body.items() if k not in own}
        return body

    assert plain(a, a_id) == plain(b, b_id)


CASES = [
    # (stage the twins start in, token, query, headers beyond Authorization, direct path takes it)
    ("Applied", "rec", "new_stage=Screening", {}, True),
    ("Applied", "rec", "new_stage=screening", {}, True),  # stage names are case-insensitive
    ("Applied", "rec", "new_stage=Interview&note=Strong+portfolio", {}, True),  # a skip
    ("Applied", "rec", "new_stage=Hired", {}, True),  # refused: 409 with the allowed stages
    ("Applied", "rec", "new_stage=Mars", {}, True),  # 422: not a stage of this job
    ("Applied", "rec", "new_stage=", {}, True),
    ("Applied", "rec", "new_stage=Screening&expected_stage=Applied", {}, True),
    ("Applied", "rec", "new_stage=Screening&expected_stage=Interview", {}, True),  # 409, current stage
    ("Applied", "rec", "new_stage=Offer&new_stage=Screening", {}, True),  # the last value wins
    ("Screening", "rec", "new_stage=Applied", {}, True),  # a correction without a reason: 422
    ("Screening", "rec", "new_stage=Applied&note=Clicked+the+wrong+card", {}, True),
    ("Screening", "rec", "new_stage=Applied&reason=Wrong+card+%E2%80%94+sorry", {}, True),
    ("Screening", "rec", "new_stage=Rejected&reason=Not+a+standard+reason", {}, True),  # 422
    ("Applied", "hm", "new_stage=Screening", {}, True),  # 403: a hiring manager may not move
    ("Applied", "cand", "new_stage=Screening", {}, True),  # 403
    ("Applied", "grec", "new_stage=Screening", {}, True),  # 404: another company's
    ("Applied", "read", "new_stage=Screening", {}, True),  # 403: a read-only API token
    ("Applied", "write", "new_stage=Screening", {}, True),
    ("Applied", "bad", "new_stage=Screening", {}, True),  # 401 and WWW-Authenticate
    ("Applied", "spaced", "new_stage=Screening", {}, True),  # "Bearer  <token> ": blanks around it
    ("Applied", "blank", "new_stage=Screening", {}, False),  # "Bearer   ": no token at all
    ("Applied", "rec", "new%5Fstage=%53creening&note=caf%C3%A9+%E2%9C%93", {}, True),  # percent-encoded
    ("Applied", "rec", "", {}, False),  # no new_stage: FastAPI's own 422
    ("Applied", "rec", "new_stage=" + "S" * 41, {}, False),  # past the route's max_length
    ("Applied", "rec", "new_stage=Applied&note=" + "n" * 2001, {}, False),
    ("Applied", "rec", "new_stage=Screening", {"Origin": "http://evil.test"}, False),  # a browser
    ("Applied", "rec", "new_stage=Screening", {"Content-Type": "application/json"}, False),  # a body
    ("Applied", None, "new_stage=Screening", {}, False),  # no Authorization
    ("Applied", "basic", "new_stage=Screening", {}, False),  # another scheme
]


@pytest.mark.parametrize(("stage", "who", "query", "extra", "taken"), CASES)
def test_the_direct_path_answers_as_the_route_does(db, acme, paths, stage, who, query, extra, taken):
    routed, direct, fallback, twins, tokens = paths
    a_id, b_id = twins(stage)
    headers = dict(extra)
    if who == "basic":
        headers["Authorization"] = "Basic cmVjOnB3"
    elif who == "bad":
        headers["Authorization"] = "Bearer not-a-token"
    elif who == "spaced":
        headers["Authorization"] = f"Bearer  {tokens['rec']} "
    elif who == "blank":
        headers["Authorization"] = "Bearer   "
    elif who is not None:
        headers["Authorization"] = f"Bearer {tokens[who]}"
    content = b'{"new_stage": "Screening"}' if "Content-Type" in extra else None
    a = routed.patch(f"/api/applications/{a_id}/stage?{query}", headers=headers, content=content)
    before = fallback.calls
    b = direct.patch(f"/api/applications/{b_id}/stage?{query}", headers=headers, content=content)
    assert fallback.calls - before == (0 if taken else 1)
    _same(a, b, a_id, b_id)


def test_a_direct_move_writes_what_a_routed_move_writes(db, paths):
    routed, direct, fallback, twins, tokens = paths
    a_id, b_id = twins("Screening")
    auth = {"Authorization": f"Bearer {tokens['rec']}"}
    for app_id, client in ((a_id, routed), (b_id, direct)):
        r = client.patch(f"/api/applications/{app_id}/stage?new_stage=Interview&note=Ready", headers=auth)
        assert r.status_code == 200 and r.json()["stage"] == "Interview"
    with db.session() as s:
        rows = {
            h.application_id: (h.old_stage, h.new_stage, h.kind, h.note, h.changed_by_id)
            for h in s.query(ApplicationHistory).filter(ApplicationHistory.application_id.in_([a_id, b_id]))
            if h.new_stage == "Interview"
        }
    assert rows[a_id] == rows[b_id]
    assert fallback.calls == 0


def test_a_rejection_with_a_standard_reason(db, acme, paths):
    routed, direct, fallback, twins, tokens = paths
    a_id, b_id = twins("Screening")
    reason = list_reasons(db, acme.recruiter)[0]
    auth = {"Authorization": f"Bearer {tokens['rec']}"}
    query = {"new_stage": "Rejected", "reason": reason, "note": "Kind words"}
    a = routed.patch(f"/api/applications/{a_id}/stage", params=query, headers=auth)
    b = direct.patch(f"/api/applications/{b_id}/stage", params=query, headers=auth)
    assert b.status_code == 200 and b.json()["stage"] == "Rejected"
    _same(a, b, a_id, b_id)
    assert fallback.calls == 0


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/applications/0/stage", "PATCH"),  # the route's ge=1
        ("/api/applications/9223372036854775808/stage", "PATCH"),  # past le=2**63-1
        ("/api/applications/12/stage/", "PATCH"),
        ("/api/applications/12/stage", "POST"),
        ("/api/applications/12/undo", "PATCH"),
        ("/api/applications/x/stage", "PATCH"),
        ("/api/applications/012/stage", "PATCH"),  # FastAPI reads 12: left to it
    ],
)
def test_other_paths_and_methods_go_the_usual_way(path, method):
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"new_stage=Screening",
        "headers": [(b"authorization", b"Bearer t")],
    }
    assert direct_request(scope) is None
    scope.update(method="PATCH", path="/api/applications/12/stage")
    assert direct_request(scope) == (12, "t", {"new_stage": "Screening"})
    assert direct_request({**scope, "type": "websocket"}) is None
    two = [(b"authorization", b"Bearer t"), (b"authorization", b"Bearer u")]
    assert direct_request({**scope, "headers": two}) is None
    for body in ([(b"content-length", b"2")], [(b"transfer-encoding", b"chunked")]):
        assert direct_request({**scope, "headers": scope["headers"] + body}) is None
    assert direct_request({**scope, "headers": scope["headers"] + [(b"content-length", b"0")]}) is not None
    # Served under a path prefix (a proxy's root path), the route's path follows it.
    prefixed = {**scope, "root_path": "/ats", "path": "/ats/api/applications/12/stage"}
    assert direct_request(prefixed) == (12, "t", {"new_stage": "Screening"})


def test_a_direct_answer_carries_the_security_headers(db, paths):
    """The direct path sits outside the backend's Hardening, so it applies its own."""
    routed, direct, fallback, twins, tokens = paths
    a_id, b_id = twins()
    auth = {"Authorization": f"Bearer {tokens['rec']}"}
    hardened = TestClient(Hardening(routed.app), raise_server_exceptions=False)
    a = hardened.patch(f"/api/applications/{a_id}/stage?new_stage=Screening", headers=auth)
    b = direct.patch(f"/api/applications/{b_id}/stage?new_stage=Screening", headers=auth)
    for name in ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"):
        assert a.headers[name] == b.headers[name]
    assert "strict-transport-security" not in b.headers


def test_the_backend_puts_the_direct_path_in_front_of_everything(monkeypatch):
    """Reflex's backend (its context, CORS and error layers, then /api) sits behind the direct path."""
    import reflex as rx

    from flowtrack_ui.flowtrack_ui import app

    backend = object()
    monkeypatch.setattr(rx.App, "__call__", lambda self: backend)
    served = app()
    assert isinstance(served, DirectStageMoves)
    # Then the paths Reflex's own router cannot route (a line feed in them), then Reflex.
    assert isinstance(served.app, UnroutablePaths) and served.app.app is backend
