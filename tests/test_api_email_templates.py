"""/api/email-templates over HTTP: recruiters write, staff read, another company gets 404, an unknown
variable is a 422 naming it, and the preview renders on a sample or one of the company's applications."""

from __future__ import annotations

import pytest
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.models import OutboxEmail

from .conftest import make_candidate, make_company
from .test_api import client_for, login

NEW = {
    "kind": "rejection",
    "name": "After interview",
    "subject": "About {{ job.title }}",
    "body": "Dear {{ candidate.first_name }},\n\nthank you for meeting us.\n\n{{ links.careers }}",
}


@pytest.fixture
def world(any_db):
    acme = make_company(any_db, "Acme")
    make_company(any_db, "Globex")
    c = client_for(any_db)
    heads = {who: login(c, who) for who in ("rec@acme.test", "hm@acme.test", "rec@globex.test")}
    candidate = make_candidate(any_db)
    heads["cand@example.com"] = login(c, "cand@example.com")
    return any_db, c, heads, acme, candidate


def test_crud_as_a_recruiter(world):
    db, c, h, acme, _ = world
    rec = h["rec@acme.test"]
    listed = c.get("/api/email-templates", headers=rec).json()
    assert [t["kind"] for t in listed] == [
        "application_received", "stage", "rejection", "interview", "talent_invitation", "message",
        "scheduling",
    ]  # fmt: skip
    assert all(t["built_in"] and t["id"] is None and t["can_edit"] for t in listed)

    r = c.post("/api/email-templates", json=NEW, headers=rec)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["is_default"] and not made["built_in"] and made["kind_label"] == "Rejection"
    assert c.get(f"/api/email-templates/{made['id']}", headers=rec).json()["subject"] == NEW["subject"]
    assert c.post("/api/email-templates", json=NEW, headers=rec).status_code == 409  # same name, same kind

    r = c.put(
        f"/api/email-templates/{made['id']}",
        json={**NEW, "subject": "Your {{ job.title }} application"},
        headers=rec,
    )
    assert r.status_code == 200 and r.json()["subject"] == "Your {{ job.title }} application"
    assert (
        c.put(f"/api/email-templates/{made['id']}", json={**NEW, "kind": "stage"}, headers=rec).status_code
        == 422
    )

    assert c.delete(f"/api/email-templates/{made['id']}", headers=rec).status_code == 204
    assert c.get(f"/api/email-templates/{made['id']}", headers=rec).status_code == 404
    assert c.get("/api/email-templates", headers=rec).json()[2]["built_in"]


@pytest.mark.parametrize(
    "body,named",
    [("{{ candidate.password }}", "candidate.password"), ("{{ offer.salary }}", "offer.salary")],
)
def test_an_unknown_variable_is_a_422_naming_it(world, body, named):
    _, c, h, _, _ = world
    for path in ("/api/email-templates", "/api/email-templates/preview"):
        r = c.post(path, json={**NEW, "body": body}, headers=h["rec@acme.test"])
        assert r.status_code == 422 and named in r.json()["detail"], r.text


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "newsletter"},
        {"subject": "x" * 201},
        {"body": "x" * 10_001},
        {"body": "{% for x in range(10) %}{% endfor %}"},
        {"body": "{{ ''.__class__ }}"},
        {"name": ""},
        {"body": None},
        {"is_default": "maybe"},
    ],
)
def test_bad_input_is_a_clear_422(world, change):
    _, c, h, _, _ = world
    r = c.post("/api/email-templates", json={**NEW, **change}, headers=h["rec@acme.test"])
    assert r.status_code == 422 and r.json()["detail"], r.text


def test_staff_read_recruiters_write_others_are_refused(world):
    _, c, h, _, _ = world
    made = c.post("/api/email-templates", json=NEW, headers=h["rec@acme.test"]).json()
    hm = h["hm@acme.test"]
    listed = c.get("/api/email-templates", headers=hm).json()
    assert listed[2]["id"] == made["id"] and not listed[2]["can_edit"]
    assert c.get(f"/api/email-templates/{made['id']}", headers=hm).status_code == 200
    assert c.post("/api/email-templates/preview", json=NEW, headers=hm).status_code == 200
    assert "candidate.first_name" in [
        v["name"] for v in c.get("/api/email-templates/variables", headers=hm).json()["message"]
    ]
    assert c.post("/api/email-templates", json={**NEW, "name": "Mine"}, headers=hm).status_code == 403
    assert c.put(f"/api/email-templates/{made['id']}", json=NEW, headers=hm).status_code == 403
    assert c.delete(f"/api/email-templates/{made['id']}", headers=hm).status_code == 403
    cand = h["cand@example.com"]
    for r in (
        c.get("/api/email-templates", headers=cand),
        c.get(f"/api/email-templates/{made['id']}", headers=cand),
        c.post("/api/email-templates/preview", json=NEW, headers=cand),
    ):
        assert r.status_code == 403
    assert c.get("/api/email-templates").status_code == 401
    # Another company: as if it did not exist.
    other = h["rec@globex.test"]
    assert c.get(f"/api/email-templates/{made['id']}", headers=other).status_code == 404
    assert c.put(f"/api/email-templates/{made['id']}", json=NEW, headers=other).status_code == 404
    assert c.delete(f"/api/email-templates/{made['id']}", headers=other).status_code == 404
    assert all(t["built_in"] for t in c.get("/api/email-templates", headers=other).json())
    assert c.get(f"/api/email-templates/{made['id']}", headers=h["rec@acme.test"]).status_code == 200


def test_preview_on_a_sample_and_on_an_application(world):
    db, c, h, acme, candidate = world
    rec = h["rec@acme.test"]
    sample = c.post("/api/email-templates/preview", json=NEW, headers=rec).json()
    assert sample["subject"] == "About Product Designer" and sample["text"].startswith("Dear Alex,")
    assert '<a href="http://localhost:3000/careers/acme">' in sample["html"]
    app = apply(db, candidate, acme.job_id)
    real = c.post("/api/email-templates/preview", json={**NEW, "application_id": app.id}, headers=rec).json()
    assert real["subject"] == "About Acme Engineer" and real["text"].startswith("Dear Casey,")
    r = c.post(
        "/api/email-templates/preview", json={**NEW, "application_id": app.id}, headers=h["rec@globex.test"]
    )
    assert r.status_code == 404


def test_the_candidate_gets_the_saved_template(world):
    db, c, h, acme, candidate = world
    r = c.post(
        "/api/email-templates",
        json={
            "kind": "application_received",
            "name": "Short",
            "subject": "Got it, {{ candidate.first_name }}",
            "body": "{{ job.title }}: {{ links.tracker }}",
        },
        headers=h["rec@acme.test"],
    )
    assert r.status_code == 201
    r = c.post(f"/api/applications/?job_id={acme.job_id}", headers=h["cand@example.com"])
    assert r.status_code == 201, r.text
    with db.session() as s:
        mail = s.exec(select(OutboxEmail).where(OutboxEmail.kind == "application_received")).one()
    assert (mail.to_address, mail.subject) == ("cand@example.com", "Got it, Casey")
    assert mail.body_text == "Acme Engineer: http://localhost:3000/my-applications\n"
