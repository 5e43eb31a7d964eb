"""POST /api/applications/bulk and POST /api/batches/{id}/undo over HTTP, as every role."""

from __future__ import annotations

import pytest
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.jobs import create_job
from flowtrack_ui.core.models import ApplicationHistory, OutboxEmail, RejectionReason

from .conftest import make_candidate, make_company
from .test_api import client_for, login
from .test_history import assert_chain


def _setup(db):
    """Acme with three applicants, Globex with one, and a client with each role signed in."""
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    ids = [apply(db, make_candidate(db, f"a{i}@example.com", f"Ann {i}"), acme.job_id).id for i in range(3)]
    theirs = apply(db, make_candidate(db, "g@example.com", "Gus Globex"), globex.job_id).id
    c = client_for(db)
    headers = {
        "rec": login(c, "rec@acme.test"),
        "hm": login(c, "hm@acme.test"),
        "cand": login(c, "a0@example.com"),
        "grec": login(c, "rec@globex.test"),
    }
    return db, c, headers, acme, ids, theirs


@pytest.fixture
def setup(db):
    return _setup(db)


def test_a_recruiter_rejects_in_bulk_and_undoes_the_batch(any_db):
    db, c, h, acme, ids, theirs = _setup(any_db)
    r = c.post(
        "/api/applications/bulk",
        json={
            "action": "reject",
            "application_ids": ids + [theirs, ids[0]],
            "reason": "Position filled",
            "note": "Closed early",
            "send_in_minutes": 60,
        },
        headers=h["rec"],
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["action"] == "reject" and body["succeeded"] == ids and body["undo_seconds"] == 10
    # Another company's application is "not found", without its candidate's name.
    assert body["failed"] == [
        {"id": theirs, "name": f"Application {theirs}", "detail": "Application not found."}
    ]
    batch_id = body["batch_id"]
    with db.session() as s:
        rows = s.exec(select(ApplicationHistory).where(ApplicationHistory.batch_id == batch_id)).all()
        emails = s.exec(select(OutboxEmail).where(OutboxEmail.history_id.in_([x.id for x in rows]))).all()
    assert sorted(x.application_id for x in rows) == ids and {x.reason for x in rows} == {"Position filled"}
    assert len(emails) == 3
    assert all((e.next_attempt_at - e.created_at).total_seconds() >= 59 * 60 for e in emails)

    # Nobody else undoes it: not a colleague of another role, not another company.
    assert c.post(f"/api/batches/{batch_id}/undo", headers=h["hm"]).status_code == 403
    assert c.post(f"/api/batches/{batch_id}/undo", headers=h["cand"]).status_code == 403
    assert c.post(f"/api/batches/{batch_id}/undo", headers=h["grec"]).status_code == 404
    r = c.post(f"/api/batches/{batch_id}/undo", headers=h["rec"])
    assert r.status_code == 200, r.text
    assert r.json() == {
        "batch_id": batch_id,
        "action": "undo",
        "succeeded": ids,
        "failed": [],
        "undo_seconds": 0,
    }
    assert all(assert_chain(db, i)[-1].new_stage == "Applied" for i in ids)
    again = c.post(f"/api/batches/{batch_id}/undo", headers=h["rec"])
    assert again.status_code == 409 and "already been undone" in again.json()["detail"]


def test_partial_failures_are_named(setup):
    db, c, h, acme, ids, theirs = setup
    r = c.post(
        "/api/applications/bulk",
        json={"action": "move", "application_ids": ids, "target_stage": "Screening"},
        headers=h["rec"],
    )
    assert r.status_code == 200 and r.json()["succeeded"] == ids
    r = c.post(
        "/api/applications/bulk",
        json={"action": "move", "application_ids": ids, "target_stage": "Applied"},
        headers=h["rec"],
    )
    body = r.json()
    assert r.status_code == 200 and body["batch_id"] is None and body["succeeded"] == []
    assert [f["name"] for f in body["failed"]] == ["Ann 0", "Ann 1", "Ann 2"]
    assert all("needs a reason" in f["detail"] for f in body["failed"])


@pytest.mark.parametrize("role", ["cand", "hm"])
def test_candidates_and_hiring_managers_may_not(setup, role):
    db, c, h, acme, ids, theirs = setup
    for body in (
        {"action": "reject", "application_ids": ids},
        {"action": "move", "application_ids": ids, "target_stage": "Screening"},
        {"action": "tag", "application_ids": ids, "tags": ["python"]},
        {"action": "add_to_job", "application_ids": ids, "job_id": acme.job_id},
    ):
        r = c.post("/api/applications/bulk", json=body, headers=h[role])
        assert r.status_code == 403, r.text
        assert "may not" in r.json()["detail"]
    assert all(assert_chain(db, i)[-1].new_stage == "Applied" for i in ids)


def test_no_token_is_401(setup):
    db, c, h, acme, ids, theirs = setup
    assert (
        c.post("/api/applications/bulk", json={"action": "reject", "application_ids": ids}).status_code == 401
    )
    assert c.post("/api/batches/1/undo").status_code == 401


def test_another_companys_recruiter_gets_not_found_per_id(setup):
    db, c, h, acme, ids, theirs = setup
    r = c.post(
        "/api/applications/bulk",
        json={"action": "tag", "application_ids": ids, "tags": ["poached"]},
        headers=h["grec"],
    )
    assert r.status_code == 200
    body = r.json()
    assert body["batch_id"] is None and body["succeeded"] == []
    assert [(f["id"], f["name"], f["detail"]) for f in body["failed"]] == [
        (i, f"Application {i}", "Application not found.") for i in ids
    ]
    r = c.post(
        "/api/applications/bulk",
        json={"action": "add_to_job", "application_ids": [theirs], "job_id": acme.job_id},
        headers=h["grec"],
    )
    assert r.status_code == 404  # the job is another company's: as if it did not exist


def test_tag_and_add_to_job(setup):
    db, c, h, acme, ids, theirs = setup
    second = create_job(db, acme.recruiter, "Data engineer")
    r = c.post(
        "/api/applications/bulk",
        json={"action": "tag", "application_ids": ids[:2], "tags": ["Python", "remote"]},
        headers=h["rec"],
    )
    assert r.status_code == 200 and r.json()["succeeded"] == ids[:2] and r.json()["undo_seconds"] == 0
    pool = c.get("/api/candidates", params={"tag": "python"}, headers=h["rec"]).json()
    assert sorted(x["full_name"] for x in pool["candidates"]) == ["Ann 0", "Ann 1"]
    r = c.post(
        "/api/applications/bulk",
        json={"action": "add_to_job", "application_ids": ids, "job_id": second.id},
        headers=h["rec"],
    )
    assert r.status_code == 200 and r.json()["succeeded"] == ids and r.json()["undo_seconds"] == 0
    listed = c.get(f"/api/applications/job/{second.id}", headers=h["rec"]).json()
    assert len(listed) == 3
    undo = c.post(f"/api/batches/{r.json()['batch_id']}/undo", headers=h["rec"])
    assert undo.status_code == 409


def test_reject_by_reason_id_and_without_email(setup):
    db, c, h, acme, ids, theirs = setup
    with db.session() as s:
        reason = s.exec(
            select(RejectionReason).where(
                RejectionReason.company_id == acme.recruiter.company_id,
                RejectionReason.label == "Not enough experience",
            )
        ).one()
    r = c.post(
        "/api/applications/bulk",
        json={"action": "reject", "application_ids": ids[:1], "reason_id": reason.id, "notify": False},
        headers=h["rec"],
    )
    assert r.status_code == 200, r.text
    with db.session() as s:
        row = s.exec(
            select(ApplicationHistory).where(ApplicationHistory.batch_id == r.json()["batch_id"])
        ).one()
        emails = s.exec(select(OutboxEmail).where(OutboxEmail.history_id == row.id)).all()
    assert row.reason == "Not enough experience" and emails == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"action": "archive", "application_ids": [1]}, "valid actions are: move, reject, tag, add_to_job"),
        ({"action": "reject", "application_ids": []}, "at least one application"),
        ({"action": "reject", "application_ids": list(range(1, 502))}, "At most 500"),
        ({"action": "reject", "application_ids": [0]}, "positive whole number"),
        ({"action": "reject", "application_ids": [2**40]}, "at most"),
        ({"action": "reject", "application_ids": [1], "send_in_minutes": -5}, "between 0 and 43200"),
        ({"action": "reject", "application_ids": [1], "reason": "Too tall"}, "rejection reasons"),
        ({"action": "reject", "application_ids": [1], "reason_id": 2**40}, "at most"),
        ({"action": "move", "application_ids": [1]}, "target_stage must be a stage name"),
        ({"action": "tag", "application_ids": [1]}, "list of words"),
        ({"action": "add_to_job", "application_ids": [1]}, "Job id"),
        ({"action": "reject", "application_ids": "1,2"}, None),
        ({"action": "reject", "application_ids": [1], "notify": "perhaps"}, None),
        ({"action": "reject", "application_ids": [1], "send_in_minutes": "soon"}, None),
        ({"application_ids": [1]}, None),
        ([1, 2], None),
    ],
)
def test_bad_input_is_422_with_a_message(setup, body, words):
    db, c, h, acme, ids, theirs = setup
    r = c.post("/api/applications/bulk", json=body, headers=h["rec"])
    assert r.status_code == 422, r.text
    assert r.json()["detail"]
    if words:
        assert words in r.json()["detail"]
    assert all(assert_chain(db, i)[-1].new_stage == "Applied" for i in ids)


def test_undo_path_is_checked(setup):
    db, c, h, acme, ids, theirs = setup
    assert c.post("/api/batches/0/undo", headers=h["rec"]).status_code == 422
    assert c.post("/api/batches/abc/undo", headers=h["rec"]).status_code == 422
    assert c.post(f"/api/batches/{2**40}/undo", headers=h["rec"]).status_code == 422
    assert c.post("/api/batches/999/undo", headers=h["rec"]).status_code == 404
    # The bulk route is not mistaken for an application id.
    assert c.get("/api/applications/bulk", headers=h["rec"]).status_code == 422
