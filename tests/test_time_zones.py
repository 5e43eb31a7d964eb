"""Time zones: a person's zone (validated, defaulted once from the browser, changed by them), how a
time is shown (once when the zones agree, else both), and the interview form's default zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from flowtrack_ui.core import time_zones
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews
from flowtrack_ui.core.errors import InvalidInput
from flowtrack_ui.core.models import Interview, OutboxEmail

BERLIN_WINTER = datetime(2026, 12, 9, 13, 0, tzinfo=UTC)  # 14:00 in Berlin (UTC+1)


def test_zone_names_are_iana_and_unknown_ones_are_refused_by_name():
    assert "Europe/Berlin" in time_zones.zone_names() and "UTC" in time_zones.zone_names()
    assert list(time_zones.zone_names()) == sorted(time_zones.zone_names())
    for bad in ("Mars/Olympus", "", "europe/berlin", "../etc/passwd", 42, None, "Europe/" + "x" * 300):
        assert not time_zones.is_zone(bad)
        with pytest.raises(InvalidInput):
            time_zones.zone(bad)
    with pytest.raises(InvalidInput, match="Mars/Olympus"):
        time_zones.zone("Mars/Olympus")


def test_describe_shows_a_time_once_when_the_zones_agree_else_both():
    assert time_zones.describe(BERLIN_WINTER, "UTC", "UTC") == "Wed 09 Dec 2026, 13:00 UTC"
    assert (
        time_zones.describe(BERLIN_WINTER, "Europe/Berlin", "UTC")
        == "Wed 09 Dec 2026, 14:00 Europe/Berlin (13:00 UTC)"
    )
    # Paris reads the same clock as Berlin: once is enough.
    assert time_zones.describe(BERLIN_WINTER, "Europe/Berlin", "Europe/Paris") == (
        "Wed 09 Dec 2026, 14:00 Europe/Berlin"
    )
    # Another day in the viewer's zone: the day is named too.
    assert time_zones.describe(BERLIN_WINTER, "Europe/Berlin", "Pacific/Kiritimati") == (
        "Wed 09 Dec 2026, 14:00 Europe/Berlin (Thu 10 Dec, 03:00 Pacific/Kiritimati)"
    )
    # A viewer without a zone (a candidate who never said) sees the interview's zone only.
    assert time_zones.describe(BERLIN_WINTER, "Europe/Berlin", None) == "Wed 09 Dec 2026, 14:00 Europe/Berlin"
    assert "UTC (" not in time_zones.describe(BERLIN_WINTER, "UTC", "UTC")


def test_browser_zone_is_stored_only_while_the_person_has_none(db, acme):
    rec = acme.recruiter
    assert time_zones.settings(db, rec).time_zone is None
    assert time_zones.remember_browser_zone(db, rec, "Not/AZone") is None  # a browser's word is checked
    assert time_zones.remember_browser_zone(db, rec, "Europe/Berlin") == "Europe/Berlin"
    assert time_zones.remember_browser_zone(db, rec, "Asia/Tokyo") == "Europe/Berlin"  # never overwritten
    assert time_zones.set_time_zone(db, rec, "America/New_York").time_zone == "America/New_York"
    assert time_zones.remember_browser_zone(db, rec, "Europe/Berlin") == "America/New_York"
    with pytest.raises(InvalidInput, match="Moon/Base"):
        time_zones.set_time_zone(db, rec, "Moon/Base")
    assert time_zones.settings(db, rec).time_zone == "America/New_York"
    assert time_zones.set_time_zone(db, rec, None).time_zone is None
    # Every other account keeps its own.
    assert time_zones.settings(db, acme.manager).time_zone is None


def test_candidates_have_a_zone_too(db, candidate):
    assert time_zones.set_time_zone(db, candidate, "Asia/Kolkata").time_zone == "Asia/Kolkata"
    assert time_zones.settings(db, candidate).time_zone == "Asia/Kolkata"


def _local(days: int, hour: int = 14) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")


def test_an_interview_without_a_zone_is_in_the_schedulers_zone(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    fields = {
        "starts_at": _local(5),
        "duration_minutes": 45,
        "location": "Room 1",
        "interviewer_ids": [acme.manager.user_id],
    }
    first = interviews.schedule(db, acme.recruiter, app.id, fields)
    assert first.timezone == "UTC"  # no zone yet: UTC, shown once
    assert first.when.endswith(":00 UTC") and "(" not in first.when

    time_zones.set_time_zone(db, acme.recruiter, "Europe/Berlin")
    view = interviews.schedule(db, acme.recruiter, app.id, fields)
    assert view.timezone == "Europe/Berlin"
    local = view.starts_at.astimezone(time_zones.zone("Europe/Berlin"))
    assert f"{local:%H:%M}" == "14:00"
    assert view.when.endswith("14:00 Europe/Berlin")  # the scheduler reads it in their own zone: once
    # The interviewer without a zone reads it with UTC beside it; in their email too.
    listed = {i.id: i for i in interviews.for_application(db, acme.manager, app.id)}
    assert "14:00 Europe/Berlin (" in listed[view.id].when and " UTC)" in listed[view.id].when
    with db.session() as s:
        mails = s.exec(
            select(OutboxEmail).where(
                OutboxEmail.kind == "interview_invitation", OutboxEmail.to_address == "hm@acme.test"
            )
        ).all()
    assert any("14:00 Europe/Berlin (" in m.body_text for m in mails)
    assert not any("UTC (" in m.subject for m in mails)


def test_candidates_see_the_interviews_zone_and_their_own(db, acme, candidate):
    app = apply(db, candidate, acme.job_id)
    fields = {
        "starts_at": _local(6),
        "timezone": "Europe/Berlin",
        "duration_minutes": 45,
        "location": "Room 1",
        "interviewer_ids": [acme.manager.user_id],
    }
    interviews.schedule(db, acme.recruiter, app.id, fields)
    (mine,) = interviews.upcoming_for_candidate(db, candidate)
    assert mine.when.endswith("14:00 Europe/Berlin")  # their zone unknown: the interview's only
    time_zones.set_time_zone(db, candidate, "America/New_York")
    (mine,) = interviews.upcoming_for_candidate(db, candidate)
    assert "14:00 Europe/Berlin (08:00 America/New_York)" in mine.when
    with db.session() as s:
        stored = s.exec(select(Interview)).one()
    assert stored.timezone == "Europe/Berlin"


def test_the_activity_feed_reads_interview_times_in_the_readers_zone(db, acme, candidate):
    from flowtrack_ui.core.collaboration import activity

    app = apply(db, candidate, acme.job_id)
    fields = {
        "starts_at": _local(8),
        "timezone": "Europe/Berlin",
        "location": "Room 1",
        "interviewer_ids": [acme.manager.user_id],
    }
    interviews.schedule(db, acme.recruiter, app.id, fields)
    time_zones.set_time_zone(db, acme.manager, "Europe/Paris")
    time_zones.set_time_zone(db, acme.recruiter, "America/New_York")
    said = {
        who: next(a.title for a in activity.feed(db, p, app.id) if a.kind == "interview")
        for who, p in (("manager", acme.manager), ("recruiter", acme.recruiter))
    }
    assert said["manager"].endswith("14:00 Europe/Berlin")  # Paris reads the same clock
    start = interviews.for_application(db, acme.recruiter, app.id)[0].starts_at
    new_york = start.astimezone(time_zones.zone("America/New_York"))
    assert said["recruiter"].endswith(f"14:00 Europe/Berlin ({new_york:%H:%M} America/New_York)")


def test_exact_times_on_pages_read_in_the_readers_zone():
    """Every time shown to a person (history, emails, feed, mentions, tracker) goes through
    ``state.format.exact`` with their zone: not UTC for a Berlin reader, UTC while they have none."""
    from flowtrack_ui.state.format import exact

    winter, summer = datetime(2026, 12, 4, 13, 5, tzinfo=UTC), datetime(2026, 7, 1, 13, 5, tzinfo=UTC)
    assert exact(winter, "Europe/Berlin") == "2026-12-04 14:05 Europe/Berlin"
    assert exact(summer, "Europe/Berlin") == "2026-07-01 15:05 Europe/Berlin"
    assert exact(winter) == exact(winter, "Not/AZone") == "2026-12-04 13:05 UTC"
