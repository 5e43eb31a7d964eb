"""Hiring analytics against a scenario with known answers, figure by figure, on SQLite and PostgreSQL.

Ten applications: 6 reach Screening, 3 Interview, 2 Offer, 1 Hired (a second hire is undone by an
un-hire correction); rejections with standard reasons and without; a move back and two undone moves;
every history timestamp set by the test, so times are exact.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from flowtrack_ui.core import jobs
from flowtrack_ui.core.analytics import csv_export, report
from flowtrack_ui.core.analytics.sources import Source
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import Forbidden, InvalidInput, NotFound
from flowtrack_ui.core.models import Application, ApplicationHistory, Job
from flowtrack_ui.core.pipelines import stage_stats
from flowtrack_ui.core.pipelines.moves import move_stage, undo_move

from .conftest import make_candidate, make_company
from .test_api import client_for, login

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SALARY = "Salary expectations too high"

# Each application: its moves after applying, and the day of each history row (the first: applying).
PLAN = {
    0: (["Screening", "Interview", "Offer", "Hired"], [1, 3, 6, 10, 12]),
    1: (["Screening", "Interview", "Offer", "Hired", ("Offer", "unhire"), ("Rejected", SALARY)],
        [1, 2, 4, 5, 9, 9.5, 10.5]),
    2: (["Screening", "Interview", ("Rejected", "Did not pass the interview")], [1, 2, 3, 8]),
    3: (["Screening", ("Rejected", "Not enough experience")], [1, 5, 6]),
    4: (["Screening", ("Rejected", "Position filled"), "undo"], [1, 2, 3, 3.1]),
    5: (["Screening", ("Applied", "back"), "Screening"], [1, 2, 2.5, 4]),
    6: ([("Rejected", "Not enough experience")], [1, 3]),
    7: (["Screening", "undo"], [1, 2, 2.5]),
    8: ([], [1]),
    9: ([("Rejected", None)], [1, 2]),
}  # fmt: skip


def _scenario(db):
    acme = make_company(db, "Acme")
    rec = acme.recruiter
    ids = []
    for i, (moves, _days) in PLAN.items():
        cand = make_candidate(db, f"c{i}@example.com", f"Candidate {i}")
        tag = "linkedin" if i < 3 else None
        source = Source.API if i == 3 else Source.CAREERS
        app = apply(db, cand, acme.job_id, source=source, source_tag=tag)
        ids.append(app.id)
        for move in moves:
            if move == "undo":
                undo_move(db, rec, app.id)
            elif isinstance(move, tuple) and move[1] in ("unhire", "back"):
                move_stage(db, rec, app.id, move[0], note="correction")
            elif isinstance(move, tuple):
                move_stage(db, rec, app.id, move[0], reason=move[1])
            else:
                move_stage(db, rec, app.id, move)
    with db.session(write=True) as s:
        s.execute(update(Job).where(Job.id == acme.job_id).values(created_at=T0))
        for i, app_id in enumerate(ids):
            days = PLAN[i][1]
            rows = s.exec(
                select(ApplicationHistory)
                .where(ApplicationHistory.application_id == app_id)
                .order_by(ApplicationHistory.id)
            ).all()
            assert len(rows) == len(days), (i, [r.new_stage for r in rows])
            # Backdated as a whole: each row's old stage was entered when the row before it was
            # written, the first row's when the application was made (day 1).
            for row, day, before in zip(rows, days, [days[0], *days], strict=False):
                row.changed_at = T0 + timedelta(days=day)
                row.old_stage_entered_at = T0 + timedelta(days=before)
                s.add(row)
            s.execute(
                update(Application).where(Application.id == app_id).values(created_at=T0 + timedelta(days=1))
            )
        s.flush()
        stage_stats.rebuild(s.connection(), ids)  # the backdated history's totals
    return acme, ids


def _durations(r):
    return {d.label: (d.count, d.median_days, d.p90_days) for d in r.time_in_stage}


def test_the_figures_of_a_known_scenario(any_db):
    db = any_db
    acme, ids = _scenario(db)
    r = report.report(db, acme.manager, acme.job_id)
    assert r.applications == 10
    assert [(f.category, f.reached, f.percent) for f in r.funnel] == [
        ("applied", 10, 100.0),
        ("screening", 6, 60.0),
        ("interview", 3, 30.0),
        ("offer", 2, 20.0),
        ("hired", 1, 10.0),
    ]
    assert [f.conversion for f in r.funnel] == [0.6, 0.5, 0.667, 0.5, None]
    # Nearest-rank median and p90 of the days each application spent in each category (every stay).
    assert _durations(r) == {
        "Applied": (9, 1.0, 4.0),  # 1,1,1,1,1,2,2,2.5,4
        "Screening": (7, 1.0, 3.0),  # 0.5,0.5,1,1,1,2,3 (the undone mis-drops' time included)
        "Interview": (3, 4.0, 5.0),  # 1,4,5
        "Offer": (2, 2.0, 5.0),  # 2, and 4+1 around the un-hire
    }
    assert (r.time_to_hire.count, r.time_to_hire.median_days, r.time_to_hire.p90_days) == (1, 11.0, 11.0)
    assert (r.time_to_fill.count, r.time_to_fill.median_days) == (1, 12.0)
    assert [(x.reason, x.category, x.count) for x in r.reasons] == [
        ("Did not pass the interview", "interview", 1),
        ("No reason given", "applied", 1),
        ("Not enough experience", "applied", 1),
        ("Not enough experience", "screening", 1),
        ("Salary expectations too high", "offer", 1),
    ]
    assert "Position filled" in r.standard_reasons  # used only by an undone rejection: not counted
    assert [(x.source, x.detail, x.applications, x.hired) for x in r.sources] == [
        ("careers", "", 6, 0), ("link", "linkedin", 3, 1), ("api", "", 1, 0),
    ]  # fmt: skip
    # The company-wide report sees the same applications (the only job with any).
    everyone = report.report(db, acme.recruiter)
    assert [f.reached for f in everyone.funnel] == [10, 6, 3, 2, 1]


def test_the_date_range_selects_applications_by_creation(db):
    acme, ids = _scenario(db)
    with db.session(write=True) as s:
        s.execute(
            update(Application).where(Application.id.in_(ids[8:])).values(created_at=T0 - timedelta(days=40))
        )
    r = report.report(db, acme.manager, acme.job_id, since="2026-01-01")
    assert r.applications == 8 and r.since == date(2026, 1, 1)
    assert "No reason given" not in [x.reason for x in r.reasons]
    r = report.report(db, acme.manager, acme.job_id, until=date(2025, 12, 31))
    assert r.applications == 2 and [f.reached for f in r.funnel] == [2, 0, 0, 0, 0]
    assert (
        report.report(db, acme.manager, acme.job_id, since="2026-01-02", until="2026-01-02").applications == 8
    )
    with pytest.raises(InvalidInput):
        report.report(db, acme.manager, acme.job_id, since="2026-02-01", until="2026-01-01")
    with pytest.raises(InvalidInput):
        report.report(db, acme.manager, acme.job_id, since="yesterday")


def test_an_empty_scope_has_no_numbers_to_make_up(db, acme):
    r = report.report(db, acme.manager, acme.job_id)
    assert r.applications == 0 and all(f.reached == 0 and f.conversion is None for f in r.funnel)
    assert all(d.count == 0 and d.median_days is None for d in r.time_in_stage)
    assert r.reasons == () and r.sources == ()


def test_permissions_of_the_report(db, acme, globex, candidate):
    with pytest.raises(Forbidden):
        report.report(db, candidate)
    with pytest.raises(NotFound):
        report.report(db, globex.recruiter, acme.job_id)
    assert report.report(db, globex.manager).applications == 0


def test_the_csv_parses_back_to_the_same_numbers(db):
    acme, _ = _scenario(db)
    r = report.report(db, acme.manager, acme.job_id)
    parsed = list(csv.DictReader(io.StringIO(csv_export.to_csv(r))))
    figures = {(row["metric"], row["group"], row["item"]): row["value"] for row in parsed}
    assert [int(figures[("funnel_reached", "", f.category)]) for f in r.funnel] == [10, 6, 3, 2, 1]
    assert float(figures[("conversion_to_next", "", "interview")]) == 0.667
    assert float(figures[("time_in_stage_p90_days", "", "interview")]) == 5.0
    assert float(figures[("time_to_hire_median_days", "", "")]) == 11.0
    assert int(figures[("rejection_reason", "offer", "Salary expectations too high")]) == 1
    assert int(figures[("source_hired", "", "link:linkedin")]) == 1
    assert len(parsed) == len(csv_export.rows(r))


def test_a_formula_in_a_reason_is_not_run_by_a_spreadsheet(db, acme, candidate):
    from flowtrack_ui.core.pipelines import rejection_reasons

    rejection_reasons.set_reasons(db, acme.recruiter, ['=HYPERLINK("http://x")'])
    app = apply(db, candidate, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Rejected", reason='=HYPERLINK("http://x")')
    text = csv_export.to_csv(report.report(db, acme.manager, acme.job_id))
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_sources_are_recorded_where_the_application_is_made(db, acme, candidate):
    with pytest.raises(InvalidInput):
        apply(db, candidate, acme.job_id, source_tag="<script>")
    with pytest.raises(InvalidInput):
        apply(db, candidate, acme.job_id, source=Source.TALENT_POOL)
    app = apply(db, candidate, acme.job_id, source_tag="LinkedIn")
    with db.session() as s:
        row = s.get(Application, app.id)
        assert (row.source, row.source_detail) == ("link", "linkedin")


def test_rest_analytics_json_and_csv(db):
    acme = make_company(db, "Acme")
    globex = make_company(db, "Globex")
    c = client_for(db)
    c.post(
        "/api/auth/register",
        json={"email": "cand@example.com", "password": "correct horse battery", "full_name": "C"},
    )
    cand = login(c, "cand@example.com")
    r = c.post(f"/api/applications/?job_id={acme.job_id}&source=newsletter", headers=cand)
    assert r.status_code == 201
    hm = login(c, "hm@acme.test")
    r = c.get("/api/analytics", params={"job_id": acme.job_id}, headers=hm)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["applications"] == 1 and body["funnel"][0]["reached"] == 1
    assert body["sources"] == [
        {
            "source": "link",
            "detail": "newsletter",
            "label": "Shared link: newsletter",
            "applications": 1,
            "hired": 0,
        }
    ]
    r = c.get("/api/analytics.csv", headers=login(c, "rec@acme.test"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert "funnel_reached,,applied,1" in r.text
    assert c.get("/api/analytics", headers=cand).status_code == 403
    assert (
        c.get(
            "/api/analytics", params={"job_id": acme.job_id}, headers=login(c, "rec@globex.test")
        ).status_code
        == 404
    )
    assert c.get("/api/analytics", params={"since": "soon"}, headers=hm).status_code == 422
    assert c.get("/api/analytics").status_code == 401
    assert c.get("/api/analytics", params={"job_id": globex.job_id}, headers=hm).status_code == 404
    jobs.create_job(db, acme.recruiter, "Second")
    assert c.get("/api/analytics", headers=hm).json()["applications"] == 1
