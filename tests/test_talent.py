"""Talent pool and privacy: search with each engine's full-text index, tags, adding a past candidate
to a job, duplicate flags, export, erase and retention, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.accounts import sign_in, sign_up
from flowtrack_ui.core.analytics import report
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.applications.details import application_detail
from flowtrack_ui.core.applications.from_talent_pool import add_to_job
from flowtrack_ui.core.candidates import profile
from flowtrack_ui.core.collaboration import notes
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from flowtrack_ui.core.models import Application, ApplicationHistory, ErasureLog, OutboxEmail, StoredFile
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.core.privacy import audit, erase, export, retention
from flowtrack_ui.core.talent import search, tags

from .conftest import PASSWORD, make_candidate, make_company
from .stage_support import stage_name
from .test_applications import make_pdf


def _apply_with_resume(db, email, name, words, job_id, headline=""):
    cand = make_candidate(db, email, name)
    if headline:
        profile.update_profile(db, cand, {"headline": headline})
    profile.upload_resume(db, cand, make_pdf(words, name=name), "cv.pdf")
    app = apply(db, cand, job_id)
    return cand, app


@pytest.fixture
def pool_world(any_db):
    db = any_db
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    ada, ada_app = _apply_with_resume(
        db,
        "ada@example.com",
        "Ada Lovelace",
        "Analytical engines, Kubernetes operators and Rust",
        acme.job_id,
    )
    bob, bob_app = _apply_with_resume(
        db, "bob@example.com", "Bob Builder", "Bricklaying and Kubernetes basics", acme.job_id, "Site lead"
    )
    cy, _ = _apply_with_resume(db, "cy@example.com", "Cy Kubernetes", "Nothing special", acme.job_id)
    # Globex's candidate has Kubernetes in her résumé too: Acme must never find her.
    gail, _ = _apply_with_resume(db, "gail@example.com", "Gail Globex", "Kubernetes at scale", globex.job_id)
    return {
        "db": db,
        "acme": acme,
        "globex": globex,
        "ada": ada,
        "bob": bob,
        "cy": cy,
        "gail": gail,
        "ada_app": ada_app,
        "bob_app": bob_app,
    }


def _names(page):
    return [c.full_name for c in page.candidates]


def test_search_finds_resume_words_ranked_and_company_scoped(pool_world):
    w = pool_world
    db, rec = w["db"], w["acme"].recruiter
    found = search.search(db, rec, "kubernetes")
    # A name match weighs more than a résumé match; Globex's candidate is not there.
    assert _names(found)[0] == "Cy Kubernetes"
    assert set(_names(found)) == {"Cy Kubernetes", "Ada Lovelace", "Bob Builder"}
    assert found.total == 3
    assert "Gail Globex" not in _names(search.search(db, rec, ""))
    # Prefixes and several words (all must match); stemming finds "operator" in "operators".
    assert _names(search.search(db, rec, "kube rust")) == ["Ada Lovelace"]
    assert _names(search.search(db, rec, "operator")) == ["Ada Lovelace"]
    ada = search.search(db, rec, "analytical").candidates[0]
    assert "\x02" in ada.snippet and "nalytical" in ada.snippet
    assert ada.applications[0].job_title == "Acme Engineer" and ada.applications[0].category == "applied"
    # Headline and email are searched too; punctuation is only a separator, never syntax.
    assert _names(search.search(db, rec, "site lead")) == ["Bob Builder"]
    assert _names(search.search(db, rec, "bob@example.com")) == ["Bob Builder"]
    assert search.search(db, rec, '"kubernetes"* (').total == 3
    assert (
        search.search(db, rec, 'kubernetes" OR company_key : c* AND -"').total == 0
    )  # every word must match
    assert search.search(db, w["globex"].recruiter, "lovelace").total == 0


def test_paging_and_filters(pool_world):
    w = pool_world
    db, acme = w["db"], w["acme"]
    rec = acme.recruiter
    first = search.search(db, rec, "", per_page=2)
    second = search.search(db, rec, "", per_page=2, page=2)
    assert first.total == second.total == 3 and first.pages == 2
    assert len(first.candidates) == 2 and len(second.candidates) == 1
    assert not set(_names(first)) & set(_names(second))
    assert search.search(db, rec, "", per_page=2, page=9).total == 3
    tags.set_tags(db, rec, w["ada"].user_id, ["Rust", "silver medallist", "rust"])
    assert _names(search.search(db, rec, "", tag="silver medallist")) == ["Ada Lovelace"]
    assert _names(search.search(db, rec, "medallist")) == ["Ada Lovelace"]  # tags are searched
    move_stage(db, rec, w["bob_app"].id, "Rejected", reason="Position filled")
    assert _names(search.search(db, rec, "", category="rejected")) == ["Bob Builder"]
    other = jobs.create_job(db, rec, "Platform engineer")
    add_to_job(db, rec, w["ada"].user_id, other.id)
    assert _names(search.search(db, rec, "", job_id=other.id)) == ["Ada Lovelace"]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert search.search(db, rec, "", applied_since=tomorrow).total == 0
    with pytest.raises(InvalidInput, match="date"):
        search.search(db, rec, "", applied_since="last tuesday")
    for far in ("0001-01-01", "9999-12-31"):  # past what the database's timestamps hold: 422, not 500
        with pytest.raises(InvalidInput, match="between the years"):
            search.search(db, rec, "", applied_since=far)
    with pytest.raises(InvalidInput, match="Stage"):
        search.search(db, rec, "", category="nonsense")
    with pytest.raises(NotFound):
        search.search(db, rec, "", job_id=w["globex"].job_id)


def test_notes_and_renames_reach_the_index_in_the_same_transaction(pool_world):
    w = pool_world
    db, rec = w["db"], w["acme"].recruiter
    notes.add_note(db, w["acme"].manager, w["bob_app"].id, "Great at zeppelin maintenance")
    assert _names(search.search(db, rec, "zeppelin")) == ["Bob Builder"]
    profile.update_profile(db, w["bob"], {"full_name": "Robert Builder"})
    assert _names(search.search(db, rec, "robert")) == ["Robert Builder"]
    assert search.search(db, rec, "bob").total == 1  # the email still says bob
    # Globex never sees Acme's note.
    assert search.search(db, w["globex"].recruiter, "zeppelin").total == 0


def test_tags_are_checked_scoped_and_recruiter_only(pool_world):
    w = pool_world
    db, acme, globex = w["db"], w["acme"], w["globex"]
    assert tags.set_tags(db, acme.recruiter, w["ada"].user_id, [" C++ ", "node.js", "C++"]) == [
        "c++",
        "node.js",
    ]
    for bad in (["<script>"], [""], ["x" * 41], "python", [1]):
        with pytest.raises(InvalidInput):
            tags.set_tags(db, acme.recruiter, w["ada"].user_id, bad)
    with pytest.raises(InvalidInput, match="at most 20"):
        tags.set_tags(db, acme.recruiter, w["ada"].user_id, [f"t{i}" for i in range(21)])
    with pytest.raises(Forbidden):
        tags.set_tags(db, acme.manager, w["ada"].user_id, ["x"])
    with pytest.raises(NotFound):
        tags.set_tags(db, globex.recruiter, w["ada"].user_id, ["poached"])
    assert tags.company_tags(db, acme.recruiter) == [("c++", 1), ("node.js", 1)]
    assert tags.company_tags(db, globex.recruiter) == []
    detail = application_detail(db, acme.manager, w["ada_app"].id)
    assert detail.tags == ("c++", "node.js")
    assert application_detail(db, w["ada"], w["ada_app"].id).tags == ()  # never shown to the candidate


def test_adding_tags_keeps_the_candidates_own(pool_world):
    """What a bulk Tag… does per candidate: adds, in one transaction, never replacing theirs."""
    w = pool_world
    db, acme, globex = w["db"], w["acme"], w["globex"]
    ada = w["ada"].user_id
    tags.set_tags(db, acme.recruiter, ada, ["rust"])
    assert tags.add_tags(db, acme.recruiter, ada, ["Go", "rust"]) == ["go", "rust"]
    assert tags.add_tags(db, acme.recruiter, ada, ["go"]) == ["go", "rust"]  # nothing new: unchanged
    with pytest.raises(InvalidInput, match="at most 20"):
        tags.add_tags(db, acme.recruiter, ada, [f"t{i}" for i in range(19)])
    with pytest.raises(Forbidden):
        tags.add_tags(db, acme.manager, ada, ["x"])
    with pytest.raises(NotFound):
        tags.add_tags(db, globex.recruiter, ada, ["poached"])
    assert tags.company_tags(db, acme.recruiter) == [("go", 1), ("rust", 1)]


def test_add_to_another_job(pool_world):
    w = pool_world
    db, acme = w["db"], w["acme"]
    new_job = jobs.create_job(db, acme.recruiter, "Staff engineer")
    app = add_to_job(db, acme.recruiter, w["ada"].user_id, new_job.id)
    with db.session() as s:
        row = s.get(Application, app.id)
        applied_stage = stage_name(s, app.id)
        first = (
            s.exec(sa.select(ApplicationHistory).where(ApplicationHistory.application_id == app.id))
            .scalars()
            .all()
        )
        mail = s.exec(sa.select(OutboxEmail).where(OutboxEmail.application_id == app.id)).scalars().all()
    assert applied_stage == "Applied" and row.source == "talent_pool"
    assert row.resume_file_id == w["ada_app"] and False or row.resume_file_id is not None
    assert [(h.old_stage, h.new_stage, h.kind, h.changed_by_id) for h in first] == [
        (None, "Applied", "applied", acme.recruiter.user_id)
    ]
    assert [(m.kind, m.to_address) for m in mail] == [("added_from_talent_pool", "ada@example.com")]
    assert "Staff engineer" in mail[0].subject
    assert [a.job_title for a in queries.my_applications(db, w["ada"])][0] == "Staff engineer"
    with pytest.raises(Conflict, match="already has an application"):
        add_to_job(db, acme.recruiter, w["ada"].user_id, new_job.id)
    jobs.set_job_status(db, acme.recruiter, new_job.id, "closed")
    with pytest.raises(Conflict, match="closed"):
        add_to_job(db, acme.recruiter, w["bob"].user_id, new_job.id)
    with pytest.raises(NotFound):
        add_to_job(db, acme.recruiter, w["gail"].user_id, acme.job_id)  # Globex's candidate
    with pytest.raises(NotFound):
        add_to_job(db, acme.recruiter, w["bob"].user_id, w["globex"].job_id)
    with pytest.raises(Forbidden):
        add_to_job(db, acme.manager, w["bob"].user_id, acme.job_id)
    sources = {s.source: s.applications for s in report.report(db, acme.recruiter, new_job.id).sources}
    assert sources.get("talent_pool") == 1


def test_duplicate_accounts_are_flagged_within_the_company(pool_world):
    w = pool_world
    db, acme = w["db"], w["acme"]
    profile.update_profile(
        db, w["ada"], {"phone": "+44 20 7946 0958", "linkedin_url": "linkedin.com/in/ada-l"}
    )
    again, again_app = _apply_with_resume(db, "ada.l@example.org", "A. Lovelace", "Engines", acme.job_id)
    profile.update_profile(db, again, {"phone": "020 7946 0958"})
    flagged = application_detail(db, acme.recruiter, again_app.id).possible_duplicates
    assert [(d.full_name, d.same, d.application_id) for d in flagged] == [
        ("Ada Lovelace", "phone", w["ada_app"].id)
    ]
    profile.update_profile(db, again, {"linkedin_url": "https://www.linkedin.com/in/Ada-L/"})
    assert application_detail(db, acme.recruiter, again_app.id).possible_duplicates[0].same == (
        "phone and LinkedIn profile"
    )
    assert (
        application_detail(db, acme.recruiter, w["ada_app"].id).possible_duplicates[0].full_name
        == "A. Lovelace"
    )
    assert application_detail(db, again, again_app.id).possible_duplicates == ()
    # Globex's candidate with the same phone is not shown to Acme.
    profile.update_profile(db, w["gail"], {"phone": "+44 20 7946 0958"})
    assert len(application_detail(db, acme.recruiter, again_app.id).possible_duplicates) == 1


def test_export_holds_everything_the_candidate_gave_and_saw(pool_world):
    w = pool_world
    db, ada = w["db"], w["ada"]
    profile.update_profile(db, ada, {"headline": "Poet of numbers"})
    name, data = export.export_my_data(db, ada)
    assert name.startswith("flowtrack-data-") and name.endswith(".zip")
    z = zipfile.ZipFile(data)  # a temporary file: the zip is never built whole in memory
    doc = json.loads(z.read("data.json"))
    assert doc["account"]["email"] == "ada@example.com" and doc["profile"]["headline"] == "Poet of numbers"
    [app] = doc["applications"]
    assert app["job_title"] == "Acme Engineer" and app["company"] == "Acme"
    assert [t["to"] for t in app["timeline"]] == ["Applied"]
    assert any("Acme Engineer" in e["subject"] for e in doc["emails"])
    assert z.read(app["resume"])[:5] == b"%PDF-"
    assert {f["path"] for f in doc["files"]} == set(z.namelist()) - {"data.json"}
    with pytest.raises(Forbidden):
        export.export_my_data(db, w["acme"].recruiter)


def _visible_everywhere(db, w, words):
    """Every read a recruiter, a manager or the API layer makes, flattened to text."""
    acme = w["acme"]
    parts = [
        repr(search.search(db, acme.recruiter, "")),
        repr(queries.board(db, acme.recruiter, acme.job_id)),
        repr(queries.applications_for_job(db, acme.manager, acme.job_id)),
        repr(queries.job_overview(db, acme.manager)),
        repr(report.report(db, acme.manager, acme.job_id)),
    ]
    with db.session() as s:
        for table in (
            "talent_document",
            "email_outbox",
            "application_note",
            "application_answer",
            "user_account",
        ):
            parts.append(repr(s.execute(sa.text(f"SELECT * FROM {table}")).all()))
    text = "\n".join(parts).lower()
    return [word for word in words if word.lower() in text]


def _index_hits(db, company_id, word):
    with db.session() as s:
        if db.is_sqlite:
            return s.execute(
                sa.text("SELECT count(*) FROM talent_fts WHERE talent_fts MATCH :m"), {"m": f'"{word}"'}
            ).scalar()
        return s.execute(
            sa.text("SELECT count(*) FROM talent_document WHERE search @@ plainto_tsquery('english', :w)"),
            {"w": word},
        ).scalar()


def test_candidate_erases_their_account_and_nothing_of_them_is_left(pool_world):
    w = pool_world
    db, acme, ada = w["db"], w["acme"], w["ada"]
    rec = acme.recruiter
    profile.update_profile(db, ada, {"phone": "+1 555 010 9999", "headline": "Countess of computing"})
    notes.add_note(db, rec, w["ada_app"].id, "Ada Lovelace nailed the Babbage question")
    notes.add_note(db, rec, w["bob_app"].id, "Better than Ada Lovelace at bricks")
    tags.set_tags(db, rec, ada.user_id, ["analytical"])
    move_stage(db, rec, w["ada_app"].id, "Screening", note="Ada asked about engines")
    token = sign_in.login(db, "ada@example.com", PASSWORD)
    counts_before = {c.stage: c.count for c in queries.board(db, rec, acme.job_id).columns}
    chain_before = queries.application_history(db, rec, w["ada_app"].id)

    with pytest.raises(InvalidInput, match="password"):
        erase.erase_own_account(db, ada, "wrong password!")
    done = erase.erase_own_account(db, ada, PASSWORD)
    assert done.account_erased and done.applications == 1

    words = [
        "Lovelace",
        "ada@example.com",
        "Babbage",
        "Countess",
        "analytical",
        "555 010",
        "Analytical engines",
    ]
    assert _visible_everywhere(db, w, words) == []
    for word in ("lovelace", "babbage", "analytical", "countess"):
        assert _index_hits(db, acme.recruiter.company_id, word) == 0
    assert search.search(db, rec, "lovelace").total == 0
    # The history chain and the per-stage counts are unchanged; the move note is gone, the row stays.
    chain_after = queries.application_history(db, rec, w["ada_app"].id)
    assert [(h.old_stage, h.new_stage, h.kind) for h in chain_after] == [
        (h.old_stage, h.new_stage, h.kind) for h in chain_before
    ]
    assert all(h.note is None for h in chain_after)
    assert {c.stage: c.count for c in queries.board(db, rec, acme.job_id).columns} == counts_before
    # The other candidate's note keeps its sense without the name.
    bob_notes = [n.body for n in notes.list_notes(db, rec, w["bob_app"].id)]
    assert bob_notes == ["Better than [erased candidate] at bricks"]
    with db.session() as s:
        assert s.exec(sa.select(StoredFile).where(StoredFile.owner_id == ada.user_id)).all() == []
        log = s.exec(sa.select(ErasureLog)).scalars().all()
    assert [(e.kind, e.company_id, e.erased_by_id, e.applications) for e in log] == [
        ("self", acme.recruiter.company_id, None, 1)
    ]
    with pytest.raises(Unauthenticated):
        sign_in.principal_from_token(db, token)
    with pytest.raises(Unauthenticated):
        sign_in.login(db, "ada@example.com", PASSWORD)
    # The email is free again: the person may start afresh, as someone new.
    sign_up.register_candidate(db, "ada@example.com", PASSWORD, "Ada Again")


def test_recruiter_erase_keeps_the_account_another_company_still_holds(pool_world):
    w = pool_world
    db, acme, globex, bob = w["db"], w["acme"], w["globex"], w["bob"]
    globex_app = apply(db, bob, globex.job_id)
    with pytest.raises(Forbidden):
        erase.erase_candidate(db, acme.manager, bob.user_id)
    with pytest.raises(NotFound):
        erase.erase_candidate(db, globex.recruiter, w["ada"].user_id)
    done = erase.erase_candidate(db, acme.recruiter, bob.user_id)
    assert not done.account_erased and done.subject_id != bob.user_id
    assert search.search(db, acme.recruiter, "bob").total == 0
    assert search.search(db, globex.recruiter, "bob").total == 1
    # Bob still signs in and sees his Globex application; the Acme one is no longer his.
    mine = queries.my_applications(
        db, sign_in.principal_from_token(db, sign_in.login(db, "bob@example.com", PASSWORD))
    )
    assert [a.id for a in mine] == [globex_app.id]
    with pytest.raises(NotFound):
        erase.erase_candidate(db, acme.recruiter, bob.user_id)  # nothing left here to erase
    entry = audit.erasure_log(db, acme.recruiter)[0]
    assert entry.description == f"Candidate #{done.subject_id} erased by Acme Recruiter (1 application)"
    assert audit.erasure_log(db, globex.recruiter) == []
    # A candidate with Acme only: the whole account goes.
    assert erase.erase_candidate(db, acme.recruiter, w["cy"].user_id).account_erased
    with pytest.raises(Unauthenticated):
        sign_in.login(db, "cy@example.com", PASSWORD)


def test_retention_erases_old_rejections_only_and_once(pool_world):
    w = pool_world
    db, acme = w["db"], w["acme"]
    rec = acme.recruiter
    move_stage(db, rec, w["bob_app"].id, "Rejected", reason="Position filled")
    move_stage(db, rec, w["ada_app"].id, "Screening")
    assert retention.run(db).companies == 0  # off by default
    with pytest.raises(InvalidInput):
        retention.set_retention(db, rec, 121)
    with pytest.raises(Forbidden):
        retention.set_retention(db, acme.manager, 6)
    assert retention.set_retention(db, rec, "6") == 6
    assert retention.run(db).erased == 0  # rejected today: kept
    later = datetime.now(UTC) + timedelta(days=200)
    first = retention.run(db, now=later)
    assert first.erased == 1  # Bob; Ada is still in the running, Cy is in Applied
    assert retention.run(db, now=later).erased == 0  # idempotent
    assert search.search(db, rec, "bob").total == 0 and search.search(db, rec, "ada").total == 1
    assert [e.kind for e in audit.erasure_log(db, rec)] == ["retention"]
    assert retention.set_retention(db, rec, None) is None


def test_months_before_handles_short_months():
    assert retention.months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert retention.months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(
        2024, 12, 15, tzinfo=UTC
    )


# --- over HTTP ------------------------------------------------------------------------------


def test_the_rest_routes(pool_world):
    from .test_api import client_for, login

    w = pool_world
    db = w["db"]
    c = client_for(db)
    rec, hm = login(c, "rec@acme.test"), login(c, "hm@acme.test")
    ada = login(c, "ada@example.com")
    r = c.get("/api/candidates", params={"q": "kubernetes", "per_page": 2}, headers=rec)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 3 and body["pages"] == 2 and len(body["candidates"]) == 2
    assert body["candidates"][0]["full_name"] == "Cy Kubernetes"
    hit = c.get("/api/candidates", params={"q": "analytical"}, headers=rec).json()["candidates"][0]
    assert "[Analytical]" in hit["snippet"] and hit["applications"][0]["job_title"] == "Acme Engineer"
    assert c.get("/api/candidates", headers=hm).status_code == 403
    assert c.get("/api/candidates", headers=ada).status_code == 403
    assert c.get("/api/candidates").status_code == 401
    for bad in ({"page": 0}, {"per_page": 1000}, {"applied_since": "yesterday"}, {"category": "x"}):
        r = c.get("/api/candidates", params=bad, headers=rec)
        assert r.status_code == 422 and "detail" in r.json(), (bad, r.text)

    ada_id = w["ada"].user_id
    r = c.put(
        f"/api/candidates/{ada_id}/tags", json={"tags": ["Rust", "rust", "silver medallist"]}, headers=rec
    )
    assert r.json() == {"tags": ["rust", "silver medallist"]}
    assert c.put(f"/api/candidates/{ada_id}/tags", json={"tags": ["<b>"]}, headers=rec).status_code == 422
    assert c.put(f"/api/candidates/{ada_id}/tags", json={"tags": "rust"}, headers=rec).status_code == 422
    assert c.put(f"/api/candidates/{ada_id}/tags", json={"tags": ["x"]}, headers=hm).status_code == 403
    globex = login(c, "rec@globex.test")
    assert c.put(f"/api/candidates/{ada_id}/tags", json={"tags": ["x"]}, headers=globex).status_code == 404
    assert c.get("/api/tags", headers=rec).json() == [
        {"tag": "rust", "candidates": 1},
        {"tag": "silver medallist", "candidates": 1},
    ]
    assert c.get("/api/candidates", params={"tag": "rust"}, headers=rec).json()["total"] == 1

    job = c.post("/api/jobs/", json={"title": "Second role"}, headers=rec).json()
    r = c.post(f"/api/candidates/{ada_id}/applications", params={"job_id": job["id"]}, headers=rec)
    assert r.status_code == 201 and r.json()["stage"] == "Applied"
    r = c.post(f"/api/candidates/{ada_id}/applications", params={"job_id": job["id"]}, headers=rec)
    assert r.status_code == 409 and "already has an application" in r.json()["detail"]
    assert c.post(f"/api/candidates/{ada_id}/applications", headers=rec).status_code == 422
    r = c.post(f"/api/candidates/{ada_id}/applications", params={"job_id": job["id"]}, headers=globex)
    assert r.status_code == 404

    detail = c.get(f"/api/applications/{w['ada_app'].id}", headers=rec).json()
    assert detail["tags"] == ["rust", "silver medallist"] and detail["possible_duplicates"] == []

    r = c.get("/api/me/export", headers=ada)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("data.json"))["account"]["email"] == (
        "ada@example.com"
    )
    assert c.get("/api/me/export", headers=rec).status_code == 403

    assert c.get("/api/company/retention", headers=rec).json() == {"months": None}
    assert c.put("/api/company/retention", json={"months": 18}, headers=rec).json() == {"months": 18}
    assert c.put("/api/company/retention", json={"months": 0}, headers=rec).json() == {"months": None}
    assert c.put("/api/company/retention", json={"months": 500}, headers=rec).status_code == 422
    assert c.put("/api/company/retention", json={"months": 12}, headers=hm).status_code == 403

    bob_id = w["bob"].user_id
    assert c.delete(f"/api/candidates/{bob_id}", headers=hm).status_code == 403
    assert c.delete(f"/api/candidates/{bob_id}", headers=globex).status_code == 404
    r = c.delete(f"/api/candidates/{bob_id}", headers=rec)
    assert r.status_code == 200 and r.json()["account_erased"] is True
    assert c.delete(f"/api/candidates/{bob_id}", headers=rec).status_code == 404
    log = c.get("/api/erasures", headers=rec).json()
    assert [(e["kind"], e["erased_by"]) for e in log] == [("staff", "Acme Recruiter")]

    assert c.request("DELETE", "/api/me", json={"password": "nope nope nope"}, headers=ada).status_code == 422
    assert c.request("DELETE", "/api/me", json={}, headers=ada).status_code == 422
    r = c.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=ada)
    assert r.status_code == 200 and r.json()["account_erased"] is True
    assert c.get("/api/me/export", headers=ada).status_code == 401
    r = c.get("/api/candidates", params={"q": "lovelace"}, headers=rec)
    assert r.json()["total"] == 0 and "lovelace" not in r.text.lower()


def test_retention_runs_racing_in_several_processes_erase_each_candidate_once(pool_world):
    """Two runners at once (as two sender processes would): every due candidate is erased exactly
    once, with one audit row each."""
    import threading

    w = pool_world
    db, acme = w["db"], w["acme"]
    for who in ("ada_app", "bob_app"):
        move_stage(db, acme.recruiter, w[who].id, "Rejected", reason="Position filled")
    retention.set_retention(db, acme.recruiter, 1)
    later = datetime.now(UTC) + timedelta(days=62)
    results, barrier = [], threading.Barrier(2)

    def runner():
        barrier.wait()
        results.append(retention.run(db, now=later).erased)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(results) == 2
    assert sorted(e.kind for e in audit.erasure_log(db, acme.recruiter)) == ["retention", "retention"]
    assert search.search(db, acme.recruiter, "").total == 1  # Cy, still in Applied
