"""GET /api/applications/recruiter/all: the company's applications as one plain list, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flowtrack_ui.api.app import create_api
from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.models import Application
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.core.privacy import erase
from flowtrack_ui.core.privacy.erase import ERASED_NAME

from .conftest import PASSWORD, make_candidate, make_company

URL = "/api/applications/recruiter/all"
FIELDS = {
    "application_id",
    "job_id",
    "job_title",
    "candidate_id",
    "candidate_name",
    "candidate_email",
    "stage",
    "created_at",
    "updated_at",
}


def headers(db, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in.login(db, email, PASSWORD)}"}


@pytest.fixture
def world(any_db):
    db = any_db
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    second = jobs.create_job(db, acme.recruiter, "Acme Designer", "Draw things", "Berlin")
    ada = make_candidate(db, "ada@example.com", "Ada Lovelace")
    bob = make_candidate(db, "bob@example.com", "Bob Builder")
    apps = [
        apply(db, ada, acme.job_id),
        apply(db, bob, acme.job_id),
        apply(db, ada, second.id),
        apply(db, bob, globex.job_id),
    ]
    # Distinct creation times, oldest first, so "newest first" is a visible order.
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with db.session(write=True) as s:
        for i, a in enumerate(apps):
            s.execute(
                update(Application).where(Application.id == a.id).values(created_at=start + timedelta(days=i))
            )
    move_stage(db, acme.recruiter, apps[0].id, "Screening")
    return {"db": db, "acme": acme, "globex": globex, "second": second, "ada": ada, "bob": bob, "apps": apps}


def test_shape_order_and_company_scope(world):
    db, apps = world["db"], world["apps"]
    c = TestClient(create_api(lambda: db), raise_server_exceptions=False)
    r = c.get(URL, headers=headers(db, "rec@acme.test"))
    assert r.status_code == 200, r.text
    rows = r.json()
    assert all(set(row) == FIELDS for row in rows)
    # Newest first; Globex's application is not Acme's.
    assert [row["application_id"] for row in rows] == [apps[2].id, apps[1].id, apps[0].id]
    first = rows[-1]
    assert first["job_id"] == world["acme"].job_id and first["job_title"] == "Acme Engineer"
    assert first["candidate_id"] == world["ada"].user_id
    assert (first["candidate_name"], first["candidate_email"]) == ("Ada Lovelace", "ada@example.com")
    assert first["stage"] == "Screening" and rows[0]["stage"] == "Applied"
    assert rows[0]["job_title"] == "Acme Designer"
    assert datetime.fromisoformat(first["created_at"]) < datetime.fromisoformat(first["updated_at"])

    # The hiring manager reads the same list; Globex's recruiter sees only Globex's application.
    r = c.get(URL, headers=headers(db, "hm@acme.test"))
    assert r.status_code == 200 and r.json() == rows
    r = c.get(URL, headers=headers(db, "rec@globex.test"))
    assert r.status_code == 200
    assert [(row["application_id"], row["candidate_name"]) for row in r.json()] == [
        (apps[3].id, "Bob Builder")
    ]


def test_paging(world):
    db, apps = world["db"], world["apps"]
    c = TestClient(create_api(lambda: db), raise_server_exceptions=False)
    h = headers(db, "rec@acme.test")
    pages = [c.get(URL, params={"limit": 2, "offset": o}, headers=h) for o in (0, 2, 4)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert [[row["application_id"] for row in p.json()] for p in pages] == [
        [apps[2].id, apps[1].id],
        [apps[0].id],
        [],
    ]
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "many"}):
        r = c.get(URL, params=bad, headers=h)
        assert r.status_code == 422, (bad, r.text)
        assert "detail" in r.json()
    assert len(c.get(URL, params={"limit": 200}, headers=h).json()) == 3


def test_candidate_is_refused_and_nobody_is_unauthenticated(world):
    db = world["db"]
    c = TestClient(create_api(lambda: db), raise_server_exceptions=False)
    r = c.get(URL, headers=headers(db, "ada@example.com"))
    assert r.status_code == 403, r.text
    assert "Ada" not in r.text
    assert c.get(URL).status_code == 401
    assert c.get(URL, headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_erased_candidate_is_named_as_on_the_board_without_an_address(world):
    db, acme = world["db"], world["acme"]
    erase.erase_candidate(db, acme.recruiter, world["bob"].user_id)
    c = TestClient(create_api(lambda: db), raise_server_exceptions=False)
    rows = c.get(URL, headers=headers(db, "rec@acme.test")).json()
    erased = next(row for row in rows if row["application_id"] == world["apps"][1].id)
    assert erased["candidate_name"] == ERASED_NAME
    assert erased["candidate_email"] == ""  # the stored placeholder address means nothing
    assert erased["candidate_id"] != world["bob"].user_id
    assert "Bob" not in str(rows) and "bob@example.com" not in str(rows)
    # The board names the card the same way.
    board = queries.board(db, acme.recruiter, acme.job_id)
    card = next(card for col in board.columns for card in col.cards if card.id == erased["application_id"])
    assert (card.candidate_name, card.candidate_id) == (erased["candidate_name"], erased["candidate_id"])
    # Globex still sees Bob's own application there, untouched.
    theirs = c.get(URL, headers=headers(db, "rec@globex.test")).json()
    assert theirs[0]["candidate_name"] == "Bob Builder"
