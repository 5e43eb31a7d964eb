"""My work: interviews, scorecards due, unread mentions and overdue applications of the caller, in
their company only; and the scorecard reminder, sent once at 08:00 the morning after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from flowtrack_ui.core import time_zones, work
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews, notes, scorecards
from flowtrack_ui.core.errors import Forbidden, NotFound
from flowtrack_ui.core.models import Application, Interview, InterviewInterviewer, JobStage, OutboxEmail

from .conftest import make_candidate


def _schedule(db, company, app_id, people, days=3, hour=14, tz="UTC"):
    start = (datetime.now(UTC) + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")
    return interviews.schedule(
        db,
        company.recruiter,
        app_id,
        {
            "starts_at": start,
            "timezone": tz,
            "duration_minutes": 60,
            "location": "Room 4",
            "interviewer_ids": [p.user_id for p in people],
        },
    )


def _move_start(db, interview_id: int, starts_at: datetime) -> None:
    """The past cannot be scheduled: an interview is moved there directly, as time passing would."""
    with db.session(write=True) as s:
        s.execute(sa.update(Interview).where(Interview.id == interview_id).values(starts_at=starts_at))


def _reminders(db) -> list[OutboxEmail]:
    with db.session() as s:
        return list(s.exec(select(OutboxEmail).where(OutboxEmail.kind == "scorecard_reminder")).all())


@pytest.fixture
def applied(db, acme, candidate):
    return apply(db, candidate, acme.job_id)


def test_candidates_have_no_work_list(db, candidate):
    with pytest.raises(Forbidden):
        work.my_work(db, candidate)


def test_interviews_today_and_upcoming_for_interviewers_and_the_scheduler(db, acme, applied):
    upcoming = _schedule(db, acme, applied.id, [acme.manager], days=2)
    later = _schedule(db, acme, applied.id, [acme.recruiter], days=9)
    cancelled = _schedule(db, acme, applied.id, [acme.manager], days=4)
    interviews.cancel(db, acme.recruiter, cancelled.id)
    past = _schedule(db, acme, applied.id, [acme.manager], days=5)
    _move_start(db, past.id, datetime.now(UTC) - timedelta(days=2))

    manager = work.my_work(db, acme.manager)
    assert [i.interview_id for i in manager.interviews] == [upcoming.id]
    assert manager.interviews[0].interviewing and manager.interviews[0].candidate_name == "Casey Candidate"
    recruiter = work.my_work(db, acme.recruiter)  # scheduled all, interviews in one
    assert [i.interview_id for i in recruiter.interviews] == [upcoming.id, later.id]
    assert [i.interviewing for i in recruiter.interviews] == [False, True]


def test_todays_interview_counts_as_today_in_the_callers_zone(db, acme, applied):
    view = _schedule(db, acme, applied.id, [acme.manager], days=3)
    # 23:30 UTC on some day is already the next day in Berlin.
    start = datetime(2030, 1, 15, 23, 30, tzinfo=UTC)
    _move_start(db, view.id, start)
    time_zones.set_time_zone(db, acme.manager, "Europe/Berlin")
    now_berlin_morning = datetime(2030, 1, 16, 7, 0, tzinfo=UTC)  # 08:00 in Berlin, 16 January
    (item,) = work.my_work(db, acme.manager, now=now_berlin_morning).interviews
    assert item.today is True
    assert item.when.startswith("Tue 15 Jan 2030, 23:30 UTC (Wed 16 Jan, 00:30 Europe/Berlin)")
    # In UTC the same interview was yesterday's and is no longer listed as to come.
    time_zones.set_time_zone(db, acme.manager, "UTC")
    later_utc = datetime(2030, 1, 16, 7, 0, tzinfo=UTC)
    assert work.my_work(db, acme.manager, now=later_utc).interviews == ()


def test_scorecards_due_once_the_interview_ended_until_submitted(db, acme, applied):
    view = _schedule(db, acme, applied.id, [acme.manager, acme.recruiter], days=3)
    assert work.my_work(db, acme.manager).scorecards_due == ()  # not held yet
    started = datetime.now(UTC) - timedelta(minutes=30)
    _move_start(db, view.id, started)
    assert work.my_work(db, acme.manager).scorecards_due == ()  # still going (60 minutes)
    _move_start(db, view.id, datetime.now(UTC) - timedelta(hours=3))
    (due,) = work.my_work(db, acme.manager).scorecards_due
    assert (due.interview_id, due.application_id) == (view.id, applied.id)
    scorecards.submit(db, acme.manager, view.id, {"recommendation": "yes"})
    assert work.my_work(db, acme.manager).scorecards_due == ()
    # The other interviewer still owes theirs.
    assert [d.interview_id for d in work.my_work(db, acme.recruiter).scorecards_due] == [view.id]


def test_mentions_are_listed_until_read(db, acme, applied):
    note = notes.add_note(db, acme.recruiter, applied.id, "@hm what did you think of the portfolio?")
    notes.add_note(db, acme.recruiter, applied.id, "A note for nobody")
    notes.add_note(db, acme.manager, applied.id, "Noting for myself @hm")  # self-mentions are not work
    (mention,) = work.my_work(db, acme.manager).mentions
    assert (mention.note_id, mention.application_id) == (note.id, applied.id)
    assert mention.author_name == "Acme Recruiter" and "portfolio" in mention.excerpt
    assert work.my_work(db, acme.recruiter).mentions == ()

    assert work.read_mentions_of(db, acme.manager, applied.id) == 1  # opening the application
    assert work.my_work(db, acme.manager).mentions == ()
    assert work.read_mentions_of(db, acme.manager, applied.id) == 0

    second = notes.add_note(db, acme.recruiter, applied.id, "@hm one more thing")
    assert len(work.my_work(db, acme.manager).mentions) == 1
    work.read_mention(db, acme.manager, second.id)  # the "mark read" button
    assert work.my_work(db, acme.manager).mentions == ()
    with pytest.raises(NotFound):
        work.read_mention(db, acme.recruiter, second.id)  # not their mention


def test_overdue_applications_by_their_stages_target(db, acme, applied):
    other = apply(db, make_candidate(db, "late@example.com", "Lena Late"), acme.job_id)
    assert work.my_work(db, acme.recruiter).overdue == ()  # no targets set
    with db.session(write=True) as s:
        stage_id = s.get(Application, applied.id).stage_id
        s.execute(sa.update(JobStage).where(JobStage.id == stage_id).values(target_days=3))
        s.execute(
            sa.update(Application)
            .where(Application.id == applied.id)
            .values(stage_changed_at=datetime.now(UTC) - timedelta(days=5))
        )
        s.execute(
            sa.update(Application)
            .where(Application.id == other.id)
            .values(stage_changed_at=datetime.now(UTC) - timedelta(days=2))
        )
    (late,) = work.my_work(db, acme.recruiter).overdue
    assert (late.application_id, late.stage, late.days_in_stage, late.target_days) == (
        applied.id,
        "Applied",
        5,
        3,
    )
    assert [o.application_id for o in work.my_work(db, acme.manager).overdue] == [applied.id]


def test_every_list_is_scoped_to_the_callers_company(db, acme, globex, applied):
    view = _schedule(db, acme, applied.id, [acme.manager], days=1)
    notes.add_note(db, acme.recruiter, applied.id, "@hm please look")
    _move_start(
        db, _schedule(db, acme, applied.id, [acme.manager], days=2).id, datetime.now(UTC) - timedelta(days=1)
    )
    with db.session(write=True) as s:
        s.execute(sa.update(JobStage).values(target_days=0))
        s.execute(sa.update(Application).values(stage_changed_at=datetime.now(UTC) - timedelta(days=4)))
    mine = work.my_work(db, acme.manager)
    assert mine.interviews and mine.scorecards_due and mine.mentions and mine.overdue
    assert [i.interview_id for i in mine.interviews] == [view.id]
    for person in (globex.recruiter, globex.manager):
        theirs = work.my_work(db, person)
        assert theirs.interviews == theirs.scorecards_due == theirs.mentions == theirs.overdue == ()
    with pytest.raises(NotFound):
        work.read_mentions_of(db, globex.manager, applied.id)


def test_reminder_at_eight_the_next_morning_in_the_interviewers_zone_once(db, acme, applied):
    view = _schedule(db, acme, applied.id, [acme.manager, acme.recruiter], days=3)
    # Ended 16:00 UTC on 10 March 2031 (15:00 start, 60 minutes).
    _move_start(db, view.id, datetime(2031, 3, 10, 15, 0, tzinfo=UTC))
    time_zones.set_time_zone(db, acme.manager, "America/New_York")  # 08:00 there is 12:00 UTC (EDT)
    time_zones.set_time_zone(db, acme.recruiter, "Asia/Tokyo")  # the interview ended at 01:00 on the 11th

    assert work.send_scorecard_reminders(db, now=datetime(2031, 3, 10, 23, 0, tzinfo=UTC)) == 0
    # 08:00 on the 12th in Tokyo is 23:00 UTC on the 11th; New York's 08:00 on the 11th comes first.
    assert work.reminder_due_at(datetime(2031, 3, 10, 16, 0, tzinfo=UTC), "America/New_York") == datetime(
        2031, 3, 11, 12, 0, tzinfo=UTC
    )
    assert work.send_scorecard_reminders(db, now=datetime(2031, 3, 11, 11, 59, tzinfo=UTC)) == 0
    assert work.send_scorecard_reminders(db, now=datetime(2031, 3, 11, 12, 0, tzinfo=UTC)) == 1
    (mail,) = _reminders(db)
    assert mail.to_address == "hm@acme.test"
    assert f"/application?id={applied.id}&scorecard={view.id}" in mail.body_text
    assert "Casey Candidate" in mail.subject and "America/New_York" in mail.body_text
    # Sent once: the next passes find it reminded.
    assert work.send_scorecard_reminders(db, now=datetime(2031, 3, 11, 13, 0, tzinfo=UTC)) == 0
    assert work.send_scorecard_reminders(db, now=datetime(2031, 3, 11, 22, 59, tzinfo=UTC)) == 0
    assert work.send_scorecard_reminders(db, now=datetime(2031, 3, 11, 23, 0, tzinfo=UTC)) == 1
    assert sorted(m.to_address for m in _reminders(db)) == ["hm@acme.test", "rec@acme.test"]
    assert work.send_scorecard_reminders(db, now=datetime(2031, 3, 12, 9, 0, tzinfo=UTC)) == 0


def test_a_late_sender_reminds_at_once_but_not_for_scored_cancelled_or_old_interviews(db, acme, applied):
    scored = _schedule(db, acme, applied.id, [acme.manager], days=3)
    cancelled = _schedule(db, acme, applied.id, [acme.manager], days=4)
    old = _schedule(db, acme, applied.id, [acme.manager], days=5)
    owed = _schedule(db, acme, applied.id, [acme.manager], days=6)
    interviews.cancel(db, acme.recruiter, cancelled.id)
    now = datetime.now(UTC)
    for interview, ago in ((scored, 3), (cancelled, 3), (old, 30), (owed, 3)):
        _move_start(db, interview.id, now - timedelta(days=ago))
    scorecards.submit(db, acme.manager, scored.id, {"recommendation": "no"})
    assert work.send_scorecard_reminders(db, now=now) == 1  # days late: at once
    (mail,) = _reminders(db)
    assert f"scorecard={owed.id}" in mail.body_text
    with db.session() as s:
        row = s.get(InterviewInterviewer, (owed.id, acme.manager.user_id))
        assert row is not None and row.reminded_at is not None
    assert work.send_scorecard_reminders(db, now=now + timedelta(hours=1)) == 0


def test_reminders_from_two_senders_at_once_are_sent_once(db, acme, applied):
    view = _schedule(db, acme, applied.id, [acme.manager], days=3)
    _move_start(db, view.id, datetime.now(UTC) - timedelta(days=2))
    import threading

    counts: list[int] = []
    threads = [
        threading.Thread(target=lambda: counts.append(work.send_scorecard_reminders(db))) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 1 and len(_reminders(db)) == 1


def test_the_lists_and_reminders_on_both_engines(any_db):
    from .conftest import make_company

    acme = make_company(any_db, "Acme")
    app = apply(any_db, make_candidate(any_db), acme.job_id)
    notes.add_note(any_db, acme.recruiter, app.id, "@hm have a look")
    ahead = _schedule(any_db, acme, app.id, [acme.manager], days=2)
    ended = _schedule(any_db, acme, app.id, [acme.manager], days=3)
    _move_start(any_db, ended.id, datetime.now(UTC) - timedelta(days=2))
    with any_db.session(write=True) as s:
        s.execute(sa.update(JobStage).values(target_days=1))
        s.execute(sa.update(Application).values(stage_changed_at=datetime.now(UTC) - timedelta(days=3)))
    mine = work.my_work(any_db, acme.manager)
    assert [i.interview_id for i in mine.interviews] == [ahead.id]
    assert [d.interview_id for d in mine.scorecards_due] == [ended.id]
    assert [m.application_id for m in mine.mentions] == [app.id]
    assert [(o.application_id, o.days_in_stage) for o in mine.overdue] == [(app.id, 3)]
    assert work.send_scorecard_reminders(any_db) == 1
    assert work.send_scorecard_reminders(any_db) == 0


def test_target_days_are_set_with_the_jobs_stages(db, acme):
    from flowtrack_ui.core import jobs
    from flowtrack_ui.core.errors import InvalidInput

    stages = [
        {
            "id": st.id,
            "name": st.name,
            "category": st.category,
            "target_days": 5 if st.name == "Screening" else None,
        }
        for st in jobs.get_job(db, acme.recruiter, acme.job_id).stages
    ]
    job = jobs.update_job(db, acme.recruiter, acme.job_id, "Acme Engineer", stages=stages)
    assert {st.name: st.target_days for st in job.stages}["Screening"] == 5
    assert {st.name: st.target_days for st in jobs.get_job(db, acme.manager, acme.job_id).stages} == {
        "Applied": None,
        "Screening": 5,
        "Interview": None,
        "Offer": None,
        "Hired": None,
        "Rejected": None,
        "Withdrawn": None,
    }
    for bad in (0, -3, 366, "soon", 2.5, True):
        with pytest.raises(InvalidInput, match="target"):
            jobs.update_job(
                db,
                acme.recruiter,
                acme.job_id,
                "Acme Engineer",
                stages=[{**st, "target_days": bad} if st["name"] == "Screening" else st for st in stages],
            )
    created = jobs.create_job(
        db,
        acme.recruiter,
        "Designer",
        "Draw",
        "Remote",
        stages=[
            {"name": "Applied", "category": "applied", "target_days": "2"},
            {"name": "Portfolio", "category": "screening"},
        ],
    )
    assert [(st.name, st.target_days) for st in created.stages][:2] == [("Applied", 2), ("Portfolio", None)]


def test_overdue_means_longer_than_the_target_to_the_minute(db, acme, applied):
    now = datetime.now(UTC)
    with db.session(write=True) as s:
        stage_id = s.get(Application, applied.id).stage_id
        s.execute(sa.update(JobStage).where(JobStage.id == stage_id).values(target_days=1))
        s.execute(
            sa.update(Application)
            .where(Application.id == applied.id)
            .values(stage_changed_at=now - timedelta(hours=23))
        )
    assert work.my_work(db, acme.recruiter, now=now).overdue == ()
    (late,) = work.my_work(db, acme.recruiter, now=now + timedelta(hours=1, minutes=1)).overdue
    assert late.days_in_stage == 1 and late.target_days == 1
