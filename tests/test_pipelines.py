"""Pipelines: templates, per-job stages and their editing, undo, withdraw, rejection reasons,
races with corrections, held and cancelled emails, and the REST routes."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from flowtrack_ui.core import jobs, queries
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.models import Application, ApplicationHistory, OutboxEmail
from flowtrack_ui.core.pipelines import rejection_reasons, templates
from flowtrack_ui.core.pipelines.moves import UNDO_SECONDS, move_stage, undo_move, withdraw

from .conftest import every_stage_emails, make_candidate, make_company
from .stage_support import let_undo_windows_pass, stage_name
from .test_api import client_for, login
from .test_email import deliver_all, outbox, sender_for
from .test_email import smtp as smtp  # noqa: F401  (the SMTP fixture)
from .test_history import assert_chain
from .test_transitions import CUSTOM

ENGINEERING = [
    {"name": "Applied", "category": "applied"},
    {"name": "Phone screen", "category": "screening"},
    {"name": "Tech interview", "category": "interview"},
    {"name": "Onsite", "category": "interview"},
    {"name": "Offer", "category": "offer"},
]


def _names(job) -> list[str]:
    return [st.name for st in job.stages]


# --- templates ----------------------------------------------------------------------------------


def test_a_job_from_a_template_owns_a_copy_of_its_stages(db, acme, globex):
    t = templates.create_template(db, acme.recruiter, "Engineering", ENGINEERING)
    # hired, rejected and withdrawn stages are added when a template leaves them out
    assert [st["name"] for st in t.stages] == [
        "Applied", "Phone screen", "Tech interview", "Onsite", "Offer", "Hired", "Rejected", "Withdrawn",
    ]  # fmt: skip
    listed = templates.list_templates(db, acme.manager)
    assert [x.name for x in listed] == ["Default", "Engineering"] and listed[0].id == 0
    job = jobs.create_job(db, acme.recruiter, "Backend engineer", pipeline_template_id=t.id)
    assert _names(job)[:5] == ["Applied", "Phone screen", "Tech interview", "Onsite", "Offer"]
    assert [st.category for st in job.stages][-3:] == ["hired", "rejected", "withdrawn"]
    templates.update_template(db, acme.recruiter, t.id, "Engineering", ENGINEERING[:2])
    assert len(jobs.get_job(db, acme.recruiter, job.id).stages) == 8  # the job kept its own copy
    assert _names(jobs.create_job(db, acme.recruiter, "Plain")) == [
        "Applied", "Screening", "Interview", "Offer", "Hired", "Rejected", "Withdrawn",
    ]  # fmt: skip
    # another company's template is not there for Globex
    with pytest.raises(NotFound):
        jobs.create_job(db, globex.recruiter, "Theirs", pipeline_template_id=t.id)
    assert [x.name for x in templates.list_templates(db, globex.recruiter)] == ["Default"]
    with pytest.raises(Conflict):
        templates.create_template(db, acme.manager, "Engineering", ENGINEERING)
    with pytest.raises(Conflict):
        templates.create_template(db, acme.manager, "default", ENGINEERING)


def _st(name: str, category: str) -> dict:
    return {"name": name, "category": category}


A = _st("A", "applied")


@pytest.mark.parametrize(
    "stages,words",
    [
        ([], "list of stages"),
        ([_st("Screen", "screening")], "first stage"),
        ([A, _st("a", "screening")], "Two stages"),
        ([A, _st("B", "applied")], "exactly one applied"),
        ([A, _st("H", "hired"), _st("H2", "hired")], "exactly one hired"),
        ([A, _st("Offer", "offer"), _st("Screen", "screening")], "cannot come after"),
        ([A, _st("B", "phone")], "valid categories"),
        ([A, _st("Hired", "screening")], "Hired"),
        ([_st("A\nB", "applied")], "one line"),
    ],
)
def test_bad_pipelines_are_refused_with_what_to_change(db, acme, stages, words):
    with pytest.raises(InvalidInput) as err:
        templates.create_template(db, acme.recruiter, "Bad", stages)
    assert words in err.value.message
    with pytest.raises(InvalidInput):
        jobs.create_job(db, acme.recruiter, "Bad", stages=stages)
    assert [x.name for x in templates.list_templates(db, acme.recruiter)] == ["Default"]


def test_candidates_cannot_touch_templates_or_reasons(db, acme, candidate):
    for call in (
        lambda: templates.list_templates(db, candidate),
        lambda: templates.create_template(db, candidate, "Mine", ENGINEERING),
        lambda: rejection_reasons.set_reasons(db, candidate, ["x"]),
        lambda: rejection_reasons.list_reasons(db, candidate),
    ):
        with pytest.raises(Forbidden):
            call()


# --- editing a job's stages ---------------------------------------------------------------------


def test_rename_add_reorder_and_remove_stages_of_a_job(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening")
    job = jobs.get_job(db, acme.recruiter, acme.job_id)
    ids = {st.name: st.id for st in job.stages}
    edited = [
        {"id": ids["Applied"], "name": "New", "category": "applied"},
        {"id": ids["Screening"], "name": "Phone screen", "category": "screening"},
        {"name": "Take-home", "category": "screening"},
        {"id": ids["Interview"], "name": "Interview", "category": "interview"},
        {"id": ids["Offer"], "name": "Offer", "category": "offer"},
        {"id": ids["Hired"], "name": "Joined", "category": "hired"},
        {"id": ids["Rejected"], "name": "Rejected", "category": "rejected"},
        {"id": ids["Withdrawn"], "name": "Withdrawn", "category": "withdrawn"},
    ]
    job = jobs.update_job(db, acme.recruiter, acme.job_id, "Acme Engineer", stages=edited)
    assert _names(job) == [
        "New",
        "Phone screen",
        "Take-home",
        "Interview",
        "Offer",
        "Joined",
        "Rejected",
        "Withdrawn",
    ]
    with db.session() as s:
        assert stage_name(s, app.id) == "Phone screen"  # the card follows the rename
    # history keeps the names as they were, and still chains (by stage)
    assert [h.new_stage for h in queries.application_history(db, acme.recruiter, app.id)] == [
        "Applied",
        "Screening",
    ]
    assert_chain_by_id(db, app.id)
    # the next stage of Phone screen is now Take-home: Joined is only after Offer
    with pytest.raises(Conflict) as err:
        move_stage(db, acme.recruiter, app.id, "Joined")
    assert "Take-home" in err.value.message
    move_stage(db, acme.recruiter, app.id, "Take-home")
    # reorder: Interview before Take-home is refused (categories go forward only) ...
    swapped = [edited[0], edited[1], edited[3], edited[2], *edited[4:]]
    with pytest.raises(InvalidInput):
        jobs.update_job(db, acme.recruiter, acme.job_id, "Acme Engineer", stages=swapped)
    # ... removing the stage that holds the card is refused, saying how many and where to move them
    without = [st for st in edited if st["name"] != "Take-home"]
    with pytest.raises(Conflict) as err:
        jobs.update_job(db, acme.recruiter, acme.job_id, "Acme Engineer", stages=without)
    assert "Take-home" in err.value.message and "1 application is in it" in err.value.message
    assert len(jobs.get_job(db, acme.recruiter, acme.job_id).stages) == 8  # nothing half-saved
    # an empty stage goes
    without_interview = [st for st in edited if st["name"] != "Interview"]
    job = jobs.update_job(db, acme.recruiter, acme.job_id, "Acme Engineer", stages=without_interview)
    assert "Interview" not in _names(job)
    assert [c.stage for c in queries.board(db, acme.recruiter, acme.job_id).columns] == _names(job)


def assert_chain_by_id(db, app_id: int) -> None:
    with db.session() as s:
        app = s.get(Application, app_id)
        rows = s.exec(
            select(ApplicationHistory)
            .where(ApplicationHistory.application_id == app_id)
            .order_by(ApplicationHistory.id)
        ).all()
    for prev, cur in zip(rows, rows[1:], strict=False):
        assert cur.old_stage_id == prev.new_stage_id
    assert rows[-1].new_stage_id == app.stage_id and app.version == len(rows)


# --- undo ---------------------------------------------------------------------------------------


def _age_last_move(db, app_id: int, seconds: float) -> None:
    with db.session(write=True) as s:
        last = s.exec(
            select(ApplicationHistory)
            .where(ApplicationHistory.application_id == app_id)
            .order_by(ApplicationHistory.id.desc())
        ).first()
        last.changed_at = last.changed_at - timedelta(seconds=seconds)
        s.add(last)


def test_undo_inside_the_window_cancels_the_email_and_hides_it_from_the_candidate(any_db):
    db = any_db
    acme = make_company(db, "Acme")
    cand = make_candidate(db)
    app = apply(db, cand, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening")
    moved = move_stage(db, acme.recruiter, app.id, "Rejected", reason="Position filled")
    assert moved.undo_seconds == UNDO_SECONDS
    held = [r for r in outbox(db) if r.kind == "application_rejected"]
    assert len(held) == 1 and held[0].next_attempt_at > datetime.now(UTC) + timedelta(
        seconds=UNDO_SECONDS - 1
    )
    undone = undo_move(db, acme.recruiter, app.id)
    assert undone.stage == "Screening" and undone.kind == "undo"
    rows = assert_chain(db, app.id)
    assert [r.kind for r in rows] == ["applied", "forward", "reject", "undo"]
    assert rows[-1].reverts_id == rows[-2].id
    rejection = next(r for r in outbox(db) if r.kind == "application_rejected")
    assert rejection.cancelled_at is not None and rejection.sent_at is None
    # the candidate never sees the mis-drop (nor, while it can be undone, the move to Screening)
    assert [t.new_stage for t in queries.my_timeline(db, cand, app.id)] == ["Applied"]
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert [t.new_stage for t in queries.my_timeline(db, cand, app.id, now=later)] == ["Applied", "Screening"]
    # an undo cannot itself be undone, and a rejection now is a new move
    with pytest.raises(Conflict):
        undo_move(db, acme.recruiter, app.id)
    assert [e.status for e in queries.application_emails(db, acme.recruiter, app.id)][-1] == "cancelled"


def test_undo_outside_the_window_or_by_someone_else_is_refused(db, acme, globex, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening")
    with pytest.raises(NotFound):
        undo_move(db, globex.recruiter, app.id)
    with pytest.raises(Forbidden):
        undo_move(db, acme.manager, app.id)
    _age_last_move(db, app.id, UNDO_SECONDS + 1)
    with pytest.raises(Conflict) as err:
        undo_move(db, acme.recruiter, app.id)
    assert "over" in err.value.message
    with db.session() as s:
        assert stage_name(s, app.id) == "Screening"
    # nothing to undo on a fresh application (its only row is the candidate's)
    other = apply(db, make_candidate(db, "o@example.com", "Olga"), acme.job_id)
    with pytest.raises(Conflict):
        undo_move(db, acme.recruiter, other.id)


def test_an_undone_move_never_emails_the_candidate(db, smtp):
    acme = make_company(db, "Acme")
    cand = make_candidate(db, "casey@example.com", "Casey")
    every_stage_emails(db)
    app = apply(db, cand, acme.job_id)
    deliver_all(sender_for(db, smtp.url))
    smtp.handler.messages.clear()
    move_stage(db, acme.recruiter, app.id, "Screening")
    sender = sender_for(db, smtp.url)
    sender.deliver_due()
    assert smtp.handler.messages == []  # held for the undo window
    move_stage(db, acme.recruiter, app.id, "Rejected")
    undo_move(db, acme.recruiter, app.id)
    move_stage(db, acme.recruiter, app.id, "Applied", note="wrong column")  # a correction: no email
    deliver_all(sender)  # the window passes
    assert [m["Subject"] for m in smtp.handler.messages] == ["Your application for Acme Engineer: Screening"]


# --- withdraw -----------------------------------------------------------------------------------


def test_a_candidate_withdraws_from_any_open_stage_only_their_own(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening")
    stranger = make_candidate(db, "s@example.com", "Stranger")
    with pytest.raises(NotFound):
        withdraw(db, stranger, app.id)
    with pytest.raises(Forbidden):
        withdraw(db, acme.recruiter, app.id)
    done = withdraw(db, candidate, app.id)
    assert done.stage == "Withdrawn" and done.category == "withdrawn"
    with pytest.raises(Conflict) as err:
        withdraw(db, candidate, app.id)
    assert "no longer be withdrawn" in err.value.message
    # final for the recruiter too
    with pytest.raises(Conflict) as err:
        move_stage(db, acme.recruiter, app.id, "Screening", note="come back")
    assert "final" in err.value.message
    mine = queries.my_applications(db, candidate)[0]
    assert mine.category == "withdrawn" and not mine.can_withdraw
    assert [r.kind for r in assert_chain(db, app.id)] == ["applied", "forward", "withdraw"]


def test_a_hired_candidate_cannot_withdraw(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    for stage in ("Screening", "Interview", "Offer", "Hired"):
        move_stage(db, acme.recruiter, app.id, stage)
    with pytest.raises(Conflict):
        withdraw(db, candidate, app.id)


# --- rejection reasons --------------------------------------------------------------------------


def test_rejection_reasons_are_the_companys_own(db, acme, globex, candidate):
    assert "Position filled" in rejection_reasons.list_reasons(db, acme.recruiter)
    rejection_reasons.set_reasons(db, acme.manager, ["Too junior", "No visa"])
    assert rejection_reasons.list_reasons(db, acme.recruiter) == ["Too junior", "No visa"]
    assert "Position filled" in rejection_reasons.list_reasons(db, globex.recruiter)
    with pytest.raises(InvalidInput):
        rejection_reasons.set_reasons(db, acme.recruiter, ["Same", "same"])
    app = apply(db, candidate, acme.job_id)
    with pytest.raises(InvalidInput) as err:
        move_stage(db, acme.recruiter, app.id, "Rejected", reason="Position filled")
    assert "Too junior" in err.value.message
    move_stage(db, acme.recruiter, app.id, "Rejected", reason="too junior", note="Check again in 2027")
    last = queries.application_history(db, acme.recruiter, app.id)[-1]
    assert (last.kind, last.reason, last.note) == ("reject", "Too junior", "Check again in 2027")
    # reasons, notes and kinds never reach the candidate
    assert "junior" not in repr(queries.my_applications(db, candidate))


# --- races with corrections ---------------------------------------------------------------------


def _random_moves(db, recruiter, app_id: int, n_threads: int = 6, steps: int = 12):
    barrier = threading.Barrier(n_threads)
    errors = []

    def worker(seed: int):
        rng = random.Random(seed)
        barrier.wait()
        for _ in range(steps):
            try:
                board = queries.board(db, recruiter, recruiter_job[0])
                card = next(c for col in board.columns for c in col.cards if c.id == app_id)
                if rng.random() < 0.2:
                    undo_move(db, recruiter, app_id)
                elif card.moves:
                    move = rng.choice(card.moves)
                    move_stage(
                        db, recruiter, app_id, move.stage, expected_stage=card.stage, note="race", reason=None
                    )
            except Conflict:
                pass
            except Exception as exc:  # anything else is a bug
                errors.append(repr(exc))

    recruiter_job: list[int] = []
    with db.session() as s:
        recruiter_job.append(s.get(Application, app_id).job_id)
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


@pytest.mark.parametrize("pipeline", ["default", "custom"])
def test_racing_moves_corrections_and_undos_keep_the_chain(any_db, pipeline):
    db = any_db
    acme = make_company(db, "Acme")
    job_id = (
        acme.job_id if pipeline == "default" else jobs.create_job(db, acme.recruiter, "C", stages=CUSTOM).id
    )
    apps = [apply(db, make_candidate(db, f"c{i}@example.com", f"C {i}"), job_id) for i in range(2)]
    for app in apps:
        assert _random_moves(db, acme.recruiter, app.id) == []
        rows = assert_chain(db, app.id) if pipeline == "default" else None
        assert_chain_by_id(db, app.id)
        if rows:
            assert {r.kind for r in rows} <= {
                "applied",
                "forward",
                "skip",
                "back",
                "reject",
                "reopen",
                "unhire",
                "undo",
            }


# --- REST ---------------------------------------------------------------------------------------


def test_rest_pipelines_moves_undo_and_withdraw(db, acme, globex):
    c = client_for(db)
    rec, hm, other = login(c, "rec@acme.test"), login(c, "hm@acme.test"), login(c, "rec@globex.test")
    c.post(
        "/api/auth/register",
        json={"email": "early@example.com", "password": "correct horse battery", "full_name": "Early"},
    )
    cand_before = login(c, "early@example.com")
    r = c.post("/api/pipeline-templates", json={"name": "Eng", "stages": ENGINEERING}, headers=hm)
    assert r.status_code == 201 and r.json()["stages"][-1] == {"name": "Withdrawn", "category": "withdrawn"}
    tid = r.json()["id"]
    assert (
        c.post(
            "/api/pipeline-templates", json={"name": "Eng", "stages": ENGINEERING}, headers=rec
        ).status_code
        == 409
    )
    bad = c.post(
        "/api/pipeline-templates",
        json={"name": "X", "stages": [{"name": "S", "category": "screening"}]},
        headers=rec,
    )
    assert bad.status_code == 422 and "first stage" in bad.json()["detail"]
    assert [t["name"] for t in c.get("/api/pipeline-templates", headers=other).json()] == ["Default"]
    assert (
        c.put(
            f"/api/pipeline-templates/{tid}", json={"name": "Mine", "stages": ENGINEERING}, headers=other
        ).status_code
        == 404
    )
    assert c.delete(f"/api/pipeline-templates/{tid}", headers=other).status_code == 404
    assert c.delete(f"/api/pipeline-templates/{tid}", headers=cand_before).status_code == 403
    r = c.post("/api/jobs/", json={"title": "Backend", "pipeline_template_id": tid}, headers=rec)
    assert r.status_code == 201, r.text
    job = r.json()
    assert [s["name"] for s in job["stages"]][:3] == ["Applied", "Phone screen", "Tech interview"]
    assert (
        c.post("/api/jobs/", json={"title": "X", "pipeline_template_id": tid}, headers=other).status_code
        == 404
    )
    assert c.get(f"/api/jobs/{job['id']}").json()["stages"] == job["stages"]  # public, like the job
    # A stage's target days (My work lists who waits longer) travel with the stages.
    stages = [{k: st[k] for k in ("id", "name", "category")} for st in job["stages"]]
    stages[0]["target_days"] = 3
    r = c.put(f"/api/jobs/{job['id']}", json={"title": "Backend", "stages": stages}, headers=rec)
    assert r.status_code == 200 and r.json()["stages"][0]["target_days"] == 3, r.text
    assert r.json()["stages"][1]["target_days"] is None
    stages[0]["target_days"] = 400
    r = c.put(f"/api/jobs/{job['id']}", json={"title": "Backend", "stages": stages}, headers=rec)
    assert r.status_code == 422 and "1 to 365 days" in r.json()["detail"]
    stages[0]["target_days"] = None
    assert (
        c.put(f"/api/jobs/{job['id']}", json={"title": "Backend", "stages": stages}, headers=rec).status_code
        == 200
    )

    c.post(
        "/api/auth/register",
        json={"email": "cand@example.com", "password": "correct horse battery", "full_name": "Cand"},
    )
    cand = login(c, "cand@example.com")
    assert c.get("/api/pipeline-templates", headers=cand).status_code == 403
    app_id = c.post(f"/api/applications/?job_id={job['id']}", headers=cand).json()["id"]

    def move(stage, who=rec, **kw):
        return c.patch(f"/api/applications/{app_id}/stage", params={"new_stage": stage, **kw}, headers=who)

    r = move("Hired")
    assert r.status_code == 409
    assert r.json()["allowed_stages"] == ["Phone screen", "Tech interview", "Onsite", "Offer", "Rejected"]
    assert r.json()["current_stage"] == "Applied"
    assert move("Phone screen").json()["stage"] == "Phone screen"
    r = move("Applied")
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    assert move("Applied", note="wrong card").status_code == 200
    assert move("Nope").status_code == 422
    assert move("Phone screen", who=hm).status_code == 403
    assert move("Phone screen", who=other).status_code == 404
    assert move("Rejected", reason="Not a reason").status_code == 422
    assert move("Rejected", reason="Position filled").status_code == 200
    assert c.post(f"/api/applications/{app_id}/undo", headers=other).status_code == 404
    r = c.post(f"/api/applications/{app_id}/undo", headers=rec)
    assert r.status_code == 200 and r.json()["stage"] == "Applied"
    assert c.post(f"/api/applications/{app_id}/undo", headers=rec).status_code == 409
    history = c.get(f"/api/history/application/{app_id}", headers=rec).json()
    assert [h["kind"] for h in history] == ["applied", "forward", "back", "reject", "undo"]
    assert history[3]["reason"] == "Position filled"
    let_undo_windows_pass(c.app.state.db_provider())
    timeline = c.get(f"/api/history/me/{app_id}", headers=cand).json()
    # The candidate reads stages by their public names (the category's), never "Phone screen".
    assert [t["new_stage"] for t in timeline] == ["Applied", "Screening", "Applied"]
    assert c.post(f"/api/applications/{app_id}/withdraw", headers=rec).status_code == 403
    r = c.post(f"/api/applications/{app_id}/withdraw", headers=cand)
    assert r.status_code == 200 and r.json()["stage"] == "Withdrawn"
    assert c.post(f"/api/applications/{app_id}/withdraw", headers=cand).status_code == 409
    # removing a stage that holds an application is a 409 that says where to move them
    stages = [s for s in job["stages"] if s["name"] != "Withdrawn"]
    r = c.put(f"/api/jobs/{job['id']}", json={"title": "Backend", "stages": stages}, headers=rec)
    # every pipeline keeps its withdrawn stage (left out, it is kept: the application in it stays)
    assert r.status_code == 200 and r.json()["stages"][-1]["name"] == "Withdrawn"
    stages = [s for s in job["stages"] if s["name"] != "Tech interview"]
    r = c.put(f"/api/jobs/{job['id']}", json={"title": "Backend", "stages": stages}, headers=rec)
    assert r.status_code == 200 and "Tech interview" not in [s["name"] for s in r.json()["stages"]]
    r = c.put("/api/rejection-reasons", json={"reasons": ["Too junior"]}, headers=rec)
    assert r.status_code == 200 and c.get("/api/rejection-reasons", headers=hm).json() == {
        "reasons": ["Too junior"]
    }
    assert c.get("/api/rejection-reasons", headers=cand).status_code == 403


def test_the_held_email_row_points_at_its_move(db, acme, candidate):
    every_stage_emails(db)
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening")
    with db.session() as s:
        row = s.exec(select(OutboxEmail).where(OutboxEmail.kind == "stage_changed")).one()
        last = s.exec(select(ApplicationHistory).order_by(ApplicationHistory.id.desc())).first()
        assert row.history_id == last.id
        s.execute(update(OutboxEmail).values(next_attempt_at=datetime.now(UTC)))
