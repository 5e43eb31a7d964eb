"""What a stage does when an application enters it (mail/automation.py), candidate-facing stage
names, and rejecting on the recruiter's terms (POST /api/applications/{id}/reject)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from flowtrack_ui.core import jobs, outbox, queries
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.bulk.actions import run_bulk
from flowtrack_ui.core.errors import Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.mail import automation
from flowtrack_ui.core.mail import templates as mail_templates
from flowtrack_ui.core.models import ApplicationHistory, JobStage, OutboxEmail
from flowtrack_ui.core.pipelines import moves

from .conftest import make_candidate
from .smtp_support import SmtpServer
from .test_api import client_for, login
from .test_email import bodies, sender_for

BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "Secret sift (no juniors)"


def _local(y: int, m: int, d: int, h: int, mi: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=zone).astimezone(UTC)


# --- the automation table under a controlled clock ---------------------------------------------


@pytest.mark.parametrize(
    ("now", "delay", "business", "expected"),
    [
        # Fri 4 Dec 2026, 14:00 Berlin; no delay: after the floor (the undo window) only.
        (_local(2026, 12, 4, 14), 0, False, _local(2026, 12, 4, 14) + timedelta(seconds=13)),
        (_local(2026, 12, 4, 14), 0, True, _local(2026, 12, 4, 14) + timedelta(seconds=13)),
        # 3 hours later is 17:00, closing time: Monday 09:00 Berlin.
        (_local(2026, 12, 4, 14), 180, True, _local(2026, 12, 7, 9)),
        (_local(2026, 12, 4, 14), 180, False, _local(2026, 12, 4, 17)),
        # Two days from a Friday: Sunday, so Monday 09:00 in business hours.
        (_local(2026, 12, 4, 14), 2 * 24 * 60, True, _local(2026, 12, 7, 9)),
        (_local(2026, 12, 4, 14), 2 * 24 * 60, False, _local(2026, 12, 6, 14)),
        # Early on a Tuesday: that morning's opening; late on a Tuesday: Wednesday's.
        (_local(2026, 12, 8, 6, 30), 0, True, _local(2026, 12, 8, 9)),
        (_local(2026, 12, 8, 22), 0, True, _local(2026, 12, 9, 9)),
        # Across the change to summer time (29 Mar 2026): still 09:00 on the wall clock.
        (_local(2026, 3, 27, 18), 0, True, _local(2026, 3, 30, 9)),
    ],
)
def test_send_time_follows_delay_and_business_hours(now, delay, business, expected):
    floor = moves.EMAIL_HOLD
    assert automation.send_time(now, delay, business, BERLIN, floor) == expected


def test_business_hours_are_the_companys_zone_not_utc():
    now = _local(2026, 12, 8, 8, 0, ZoneInfo("America/New_York"))  # 13:00 UTC: open in London, not NY
    at = automation.send_time(now, 0, True, ZoneInfo("America/New_York"), timedelta(0))
    assert at == _local(2026, 12, 8, 9, 0, ZoneInfo("America/New_York"))
    assert automation.send_time(now, 0, True, ZoneInfo("Europe/London"), timedelta(0)) == now


def _stage(db, job_id: int, category: str) -> JobStage:
    with db.session() as s:
        return s.exec(select(JobStage).where(JobStage.job_id == job_id, JobStage.category == category)).one()


def _set(db, stage_id: int, **values) -> None:
    with db.session(write=True) as s:
        row = s.get(JobStage, stage_id)
        for k, v in values.items():
            setattr(row, k, v)
        s.add(row)


def test_the_plan_of_each_stage_by_its_settings(db, acme):
    """Defaults: applied and rejected email, the other stages do not; a stage's delay and business
    hours decide when; undo, corrections and withdrawals never email."""
    now = _local(2026, 12, 4, 14)
    floor = moves.EMAIL_HOLD
    screening, rejected = _stage(db, acme.job_id, "screening"), _stage(db, acme.job_id, "rejected")
    applied = _stage(db, acme.job_id, "applied")
    assert (applied.notify, screening.notify, rejected.notify) == (True, False, True)
    with db.session() as s:
        assert automation.plan(s, screening.id, "forward", now=now, floor=floor) is None
        plan = automation.plan(s, rejected.id, "reject", now=now, floor=floor)
        assert plan == automation.EmailPlan("rejection", None, now + floor, "Rejected")
        for kind in ("undo", "back", "reopen", "unhire", "withdraw"):
            assert automation.plan(s, rejected.id, kind, now=now, floor=floor) is None
    _set(
        db, screening.id, notify=True, email_delay_minutes=180, business_hours_only=True, public_name="Review"
    )
    with db.session(write=True) as s:
        s.exec(select(JobStage)).all()
        from flowtrack_ui.core.models import Company

        company = s.exec(select(Company).where(Company.name == "Acme")).one()
        company.time_zone = "Europe/Berlin"
        s.add(company)
    with db.session() as s:
        plan = automation.plan(s, screening.id, "skip", now=now, floor=floor)
        assert plan == automation.EmailPlan("stage", None, _local(2026, 12, 7, 9), "Review")
        # A recruiter's choice for a rejection: another time, or none.
        choice = automation.RejectEmail(send_in=timedelta(days=2))
        assert automation.plan(s, rejected.id, "reject", now=now, floor=floor, choice=choice).send_at == (
            now + timedelta(days=2)
        )
        assert (
            automation.plan(
                s, rejected.id, "reject", now=now, floor=floor, choice=automation.RejectEmail(False)
            )
            is None
        )
        # Never before the floor, whatever was asked.
        soon = automation.RejectEmail(send_in=timedelta(0))
        assert (
            automation.plan(s, rejected.id, "reject", now=now, floor=floor, choice=soon).send_at
            == now + floor
        )


def test_a_forward_move_is_quiet_by_default_and_a_rejection_is_not(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    moves.move_stage(db, acme.recruiter, app.id, "Screening")
    moves.move_stage(db, acme.recruiter, app.id, "Rejected")
    with db.session() as s:
        kinds = [
            e.kind
            for e in s.exec(select(OutboxEmail).where(OutboxEmail.application_id == app.id))
            if e.to_address == "cand@example.com"
        ]
    assert kinds == ["application_received", "application_rejected"]


# --- stage fields through the job editor and the API --------------------------------------------


def _template(db, who, kind: str, name: str, subject: str, body: str) -> int:
    view = mail_templates.create_template(
        db, who, {"kind": kind, "name": name, "subject": subject, "body": body}
    )
    assert view.id is not None
    return view.id


def test_stage_fields_are_checked_and_only_recruiters_change_them(db, acme, globex):
    mine = _template(db, acme.recruiter, "stage", "Short", "Now {{ stage.public_name }}", "Hi.")
    theirs = _template(db, globex.recruiter, "stage", "Theirs", "x", "y")
    rejection = _template(db, acme.recruiter, "rejection", "Filled", "Filled", "The role is filled.")
    job = jobs.get_job(db, acme.recruiter, acme.job_id)
    base = [{"id": st.id, "name": st.name, "category": st.category} for st in job.stages]

    def with_screening(**fields):
        return [dict(st, **fields) if st["category"] == "screening" else st for st in base]

    updated = jobs.update_job(
        db,
        acme.recruiter,
        acme.job_id,
        "Acme Engineer",
        stages=with_screening(
            public_name="Getting to know you", email_template_id=mine, email_delay_minutes=60
        ),
    )
    screening = next(st for st in updated.stages if st.category == "screening")
    assert (screening.public_name, screening.notify, screening.email_template_id) == (
        "Getting to know you",
        True,
        mine,
    )
    assert screening.email_delay_minutes == 60
    # Sent back unchanged by a hiring manager: fine; changed: refused.
    same = [
        dict(st, public_name="Getting to know you") if st["category"] == "screening" else st for st in base
    ]
    jobs.update_job(db, acme.manager, acme.job_id, "Acme Engineer", stages=same)
    with pytest.raises(Forbidden):
        jobs.update_job(db, acme.manager, acme.job_id, "Acme Engineer", stages=with_screening(notify=False))
    for bad, words in (
        (with_screening(email_template_id=theirs), "not one of your company's"),
        (with_screening(email_template_id=rejection), "is a rejection template"),
        (with_screening(email_delay_minutes=-1), "between 0 and"),
        (with_screening(email_delay_minutes=10**9), "between 0 and"),
        (with_screening(notify="yes"), "true or false"),
        (with_screening(public_name="x" * 41), "public name"),
    ):
        with pytest.raises(InvalidInput, match=words):
            jobs.update_job(db, acme.recruiter, acme.job_id, "Acme Engineer", stages=bad)
    # email_template_id null without notify: no email (the REST contract).
    off = jobs.update_job(
        db, acme.recruiter, acme.job_id, "Acme Engineer", stages=with_screening(email_template_id=None)
    )
    assert next(st for st in off.stages if st.category == "screening").notify is False


def test_rest_stage_fields(db, acme):
    c = client_for(db)
    rec, hm = login(c, "rec@acme.test"), login(c, "hm@acme.test")
    job = c.get(f"/api/jobs/{acme.job_id}", headers=rec).json()
    stages = job["stages"]
    assert [(s["category"], s["notify"], s["public_name"]) for s in stages][:2] == [
        ("applied", True, "Applied"),
        ("screening", False, "Screening"),
    ]
    body = [
        {"id": s["id"], "name": s["name"], "category": s["category"]}
        | (
            {"public_name": "A first chat", "notify": True, "email_delay_minutes": 1440}
            if s["category"] == "screening"
            else {}
        )
        for s in stages
    ]
    r = c.put(f"/api/jobs/{acme.job_id}", json={"title": "Acme Engineer", "stages": body}, headers=rec)
    assert r.status_code == 200, r.text
    screening = next(s for s in r.json()["stages"] if s["category"] == "screening")
    assert screening | {"id": 0, "position": 0} == {
        "id": 0,
        "name": "Screening",
        "category": "screening",
        "position": 0,
        "target_days": None,
        "public_name": "A first chat",
        "notify": True,
        "email_template_id": None,
        "email_delay_minutes": 1440,
        "business_hours_only": False,
    }
    # A PUT that leaves the fields out keeps them.
    plain = [{"id": s["id"], "name": s["name"], "category": s["category"]} for s in stages]
    kept = c.put(
        f"/api/jobs/{acme.job_id}", json={"title": "Acme Engineer", "stages": plain}, headers=rec
    ).json()["stages"]
    assert next(s for s in kept if s["category"] == "screening")["public_name"] == "A first chat"
    bad = [dict(b, email_delay_minutes=-5) for b in body]
    assert (
        c.put(
            f"/api/jobs/{acme.job_id}", json={"title": "Acme Engineer", "stages": bad}, headers=rec
        ).status_code
        == 422
    )
    changed = [dict(b, notify=False) if b["category"] == "screening" else b for b in body]
    assert (
        c.put(
            f"/api/jobs/{acme.job_id}", json={"title": "Acme Engineer", "stages": changed}, headers=hm
        ).status_code
        == 403
    )
    # The company's zone.
    assert c.get("/api/company/time-zone", headers=hm).json() == {"time_zone": "UTC"}
    assert c.put("/api/company/time-zone", json={"time_zone": "Europe/Berlin"}, headers=hm).status_code == 403
    assert c.put("/api/company/time-zone", json={"time_zone": "Mars/Olympus"}, headers=rec).status_code == 422
    r = c.put("/api/company/time-zone", json={"time_zone": "Europe/Berlin"}, headers=rec)
    assert r.json() == {"time_zone": "Europe/Berlin"}


# --- candidates never see internal stage names ---------------------------------------------------


def test_public_names_in_emails_as_received_tracker_and_api(db, acme):
    smtp = SmtpServer().start()
    try:
        stages = [
            {"name": "Applied", "category": "applied"},
            {"name": SECRET, "category": "screening", "public_name": "Getting to know you", "notify": True},
            {"name": "Panel (hard)", "category": "interview", "notify": True},
            {"name": "Offer", "category": "offer"},
            {"name": "Binned", "category": "rejected"},
        ]
        job = jobs.create_job(db, acme.recruiter, "Designer", stages=stages, status="published")
        cand = make_candidate(db, "pat@example.com", "Pat Example")
        app = apply(db, cand, job.id)
        moves.move_stage(db, acme.recruiter, app.id, SECRET)
        moves.move_stage(db, acme.recruiter, app.id, "Panel (hard)")
        later = datetime.now(UTC) + timedelta(minutes=1)
        _deliver_at(db, smtp, later)
        received = [
            m for m in smtp.handler.messages if m["To"] == "pat@example.com" and "Confirm" not in m["Subject"]
        ]
        subjects = [m["Subject"] for m in received]
        assert subjects == [
            "We received your application for Designer",
            "Your application for Designer: Getting to know you",
            "Your application for Designer: Interview",
        ]
        for m in received:
            text, html = bodies(m)
            for internal in ("Secret", "sift", "Panel", "hard"):
                assert internal not in m["Subject"] + text + html
        # The tracker and the API read the same public names.
        mine = queries.my_applications(db, cand, now=later)
        shown = [(t.old_stage, t.new_stage) for t in mine[0].timeline]
        assert shown == [
            (None, "Applied"),
            ("Applied", "Getting to know you"),
            ("Getting to know you", "Interview"),
        ]
        assert mine[0].stage == "Interview"
        c = client_for(db)
        h = login(c, "pat@example.com")
        for path in ("/api/applications/me", f"/api/history/me/{app.id}"):
            r = c.get(path, headers=h)
            assert r.status_code == 200
            for internal in ("Secret", "Panel", "Binned"):
                assert internal not in r.text, path
    finally:
        smtp.stop()


class _Clock(datetime):
    at: datetime = datetime.now(UTC)

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return cls.at


def _deliver_at(db, smtp, at: datetime, monkeypatch=None) -> int:
    """Run the sender as if it were ``at`` (the outbox reads its clock through ``datetime``)."""
    real = outbox.datetime
    _Clock.at = at
    outbox.datetime = _Clock  # type: ignore[misc]
    try:
        sender = sender_for(db, smtp.url)
        sent = 0
        while n := sender.deliver_due():
            sent += n
        return sent
    finally:
        outbox.datetime = real  # type: ignore[misc]


# --- POST /api/applications/{id}/reject -----------------------------------------------------------


def _rejection_rows(db, application_id: int) -> list[OutboxEmail]:
    with db.session() as s:
        return list(
            s.exec(
                select(OutboxEmail)
                .where(
                    OutboxEmail.application_id == application_id, OutboxEmail.kind == "application_rejected"
                )
                .order_by(OutboxEmail.id)
            ).all()
        )


def test_the_reject_route(db, acme, globex, candidate):
    filled = _template(
        db,
        acme.recruiter,
        "rejection",
        "Position filled",
        "{{ job.title }} is filled",
        "Sorry, it is filled.",
    )
    other = _template(db, globex.recruiter, "rejection", "Theirs", "x", "y")
    app = apply(db, candidate, acme.job_id)
    c = client_for(db)
    rec, hm, gx = login(c, "rec@acme.test"), login(c, "hm@acme.test"), login(c, "rec@globex.test")
    url = f"/api/applications/{app.id}/reject"
    assert c.post(url, json={}, headers=hm).status_code == 403
    assert c.post(url, json={}, headers=gx).status_code == 404
    assert c.post(url, json={"template_id": other}, headers=rec).status_code == 422
    for bad in (
        {"send_in_minutes": 10, "send_at": "2030-01-01T00:00:00Z"},
        {"send_in_minutes": -1},
        {"send_in_minutes": 10**6},
        {"notify": False, "send_in_minutes": 10},
        {"send_at": "2026-01-01T09:00:00"},  # no zone
        {"send_at": "2001-01-01T09:00:00Z"},  # in the past
        {"reason_id": 10**9},
        {"template_id": "x"},
    ):
        r = c.post(url, json=bad, headers=rec)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["detail"]
    assert c.post("/api/applications/0/reject", json={}, headers=rec).status_code == 422
    options = c.get("/api/reject-options", headers=rec).json()
    reason = next(r for r in options["reasons"] if r["label"] == "Position filled")
    assert reason["template_id"] == filled  # pre-chosen by its name
    assert options["templates"][0]["is_default"]
    assert c.get("/api/reject-options", headers=hm).status_code == 403
    before = datetime.now(UTC)
    r = c.post(
        url,
        json={
            "reason_id": reason["id"],
            "note": "internal: went with Sam",
            "template_id": filled,
            "send_in_minutes": 2880,
        },
        headers=rec,
    )
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "Rejected"
    (row,) = _rejection_rows(db, app.id)
    assert row.subject == "Acme Engineer is filled" and "internal" not in row.body_text
    assert row.template_name == "Position filled"  # the conversation names the template
    held = (
        row.next_attempt_at.replace(tzinfo=UTC) if row.next_attempt_at.tzinfo is None else row.next_attempt_at
    )
    assert before + timedelta(days=2) <= held <= datetime.now(UTC) + timedelta(days=2)
    with db.session() as s:
        last = s.exec(select(ApplicationHistory).order_by(ApplicationHistory.id.desc())).first()
    assert (last.kind, last.reason, row.history_id) == ("reject", "Position filled", last.id)
    # A card already rejected cannot be rejected again.
    assert c.post(url, json={}, headers=rec).status_code == 409


def test_no_email_when_the_recruiter_says_so(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    moves.reject(db, acme.recruiter, app.id, notify=False)
    assert _rejection_rows(db, app.id) == []


def test_a_held_rejection_is_cancelled_by_reopening(db, acme, candidate):
    smtp = SmtpServer().start()
    try:
        app = apply(db, candidate, acme.job_id)
        moves.reject(db, acme.recruiter, app.id, send_in_minutes=2 * 24 * 60)
        (row,) = _rejection_rows(db, app.id)
        assert row.cancelled_at is None
        moves.move_stage(db, acme.recruiter, app.id, "Applied", note="Rejected by mistake")
        (row,) = _rejection_rows(db, app.id)
        assert row.cancelled_at is not None
        assert _deliver_at(db, smtp, datetime.now(UTC) + timedelta(days=3)) >= 0
        assert not [m for m in smtp.handler.messages if "not to take" in bodies(m)[0]]
        # And the candidate never saw the rejection, nor its reopening.
        shown = [
            t.new_stage
            for t in queries.my_timeline(db, candidate, app.id, now=datetime.now(UTC) + timedelta(days=3))
        ]
        assert shown == ["Applied"]
    finally:
        smtp.stop()


def test_a_held_rejection_is_cancelled_by_undo(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    moves.reject(db, acme.recruiter, app.id, send_in_minutes=60)
    moves.undo_move(db, acme.recruiter, app.id)
    (row,) = _rejection_rows(db, app.id)
    assert row.cancelled_at is not None


def test_a_held_rejection_leaves_at_its_time_and_not_before(db, acme, candidate):
    smtp = SmtpServer().start()
    try:
        app = apply(db, candidate, acme.job_id)
        _deliver_at(db, smtp, datetime.now(UTC))  # the application received
        smtp.handler.messages.clear()
        moves.reject(db, acme.recruiter, app.id, send_in_minutes=2 * 24 * 60)
        now = datetime.now(UTC)
        assert _deliver_at(db, smtp, now + timedelta(days=1)) == 0
        assert queries.my_applications(db, candidate, now=now + timedelta(days=1))[0].category == "applied"
        assert _deliver_at(db, smtp, now + timedelta(days=2, minutes=1)) == 1
        (mail,) = smtp.handler.messages
        assert mail["Subject"] == "Your application for Acme Engineer at Acme"
        assert (
            queries.my_applications(db, candidate, now=now + timedelta(days=2, minutes=1))[0].category
            == "rejected"
        )
    finally:
        smtp.stop()


def test_bulk_reject_takes_a_template_and_a_time(db, acme, globex):
    kind = _template(
        db,
        acme.recruiter,
        "rejection",
        "After screening",
        "Thanks, {{ candidate.first_name }}",
        "Not this time.",
    )
    theirs = _template(db, globex.recruiter, "rejection", "Theirs", "x", "y")
    ids = [apply(db, make_candidate(db, f"b{i}@example.com", f"Bo {i}"), acme.job_id).id for i in range(2)]
    with pytest.raises(InvalidInput):
        run_bulk(db, acme.recruiter, "reject", ids, template_id=theirs)
    result = run_bulk(db, acme.recruiter, "reject", ids, template_id=kind, send_in_minutes=24 * 60)
    assert result.succeeded == tuple(ids)
    for i in ids:
        (row,) = _rejection_rows(db, i)
        assert row.subject.startswith("Thanks, Bo")
        at = row.next_attempt_at if row.next_attempt_at.tzinfo else row.next_attempt_at.replace(tzinfo=UTC)
        assert at > datetime.now(UTC) + timedelta(hours=23)


def test_reject_use_case_refuses_forged_arguments(db, acme, globex, candidate):
    app = apply(db, candidate, acme.job_id)
    with pytest.raises(NotFound):
        moves.reject(db, globex.recruiter, app.id)
    with pytest.raises(Forbidden):
        moves.reject(db, acme.manager, app.id)
    with pytest.raises(Forbidden):
        moves.reject(db, candidate, app.id)
    for bad in (
        {"notify": "no"},
        {"send_in_minutes": True},
        {"send_at": 5},
        {"template_id": -3},
        {"reason_id": "x"},
    ):
        with pytest.raises(InvalidInput):
            moves.reject(db, acme.recruiter, app.id, **bad)


def test_the_applied_stage_decides_the_application_received(db, acme):
    applied = _stage(db, acme.job_id, "applied")
    _set(db, applied.id, notify=False)
    first = apply(db, make_candidate(db, "quiet@example.com", "Quinn Quiet"), acme.job_id)
    _set(db, applied.id, notify=True, email_delay_minutes=60)
    second = apply(db, make_candidate(db, "later@example.com", "Lee Later"), acme.job_id)
    with db.session() as s:
        rows = s.exec(select(OutboxEmail).where(OutboxEmail.kind == "application_received")).all()
        recruiters = s.exec(select(OutboxEmail).where(OutboxEmail.kind == "new_applicant")).all()
    assert [r.application_id for r in rows] == [second.id]  # none for the first
    held = rows[0].next_attempt_at
    held = held if held.tzinfo else held.replace(tzinfo=UTC)
    assert held > datetime.now(UTC) + timedelta(minutes=55)
    assert sorted(r.application_id for r in recruiters) == [first.id, second.id]  # the team hears of both


# --- the 0017 data migration ------------------------------------------------------------------


def _existing_jobs_keep_only_received_and_rejection_emails(url: str) -> None:
    """Stages that existed before 0017 email only when they are applied or rejected stages; the
    downgrade drops the columns and an upgrade sets them again."""
    from sqlalchemy import create_engine, text

    from alembic import command
    from flowtrack_ui.core.db import Database, normalize_url
    from flowtrack_ui.core.schema import alembic_config, upgrade

    from .conftest import make_company

    upgrade(url)
    db = Database(url)
    make_company(db, "Acme")
    cfg = alembic_config(url)
    command.downgrade(cfg, "0016")
    command.upgrade(cfg, "0017")
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT category, notify, public_name, email_delay_minutes "
                    "FROM job_stage ORDER BY position"
                )
            ).all()
            zones = c.execute(text("SELECT time_zone FROM company")).scalars().all()
        assert [(r[0], bool(r[1]), r[2], r[3]) for r in rows] == [
            ("applied", True, None, 0),
            ("screening", False, None, 0),
            ("interview", False, None, 0),
            ("offer", False, None, 0),
            ("hired", False, None, 0),
            ("rejected", True, None, 0),
            ("withdrawn", False, None, 0),
        ]
        assert zones == ["UTC"]
        command.upgrade(cfg, "head")
    finally:
        engine.dispose()
        db.engine.dispose()


def test_0017_migrates_existing_stages_sqlite(tmp_path):
    _existing_jobs_keep_only_received_and_rejection_emails(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_0017_migrates_existing_stages_postgres(pg_admin):
    from .conftest import fresh_pg_database

    with fresh_pg_database(pg_admin) as url:
        _existing_jobs_keep_only_received_and_rejection_emails(url)
