"""Slot computation against hand-worked cases: DST, working hours, buffers, notice, recurring,
all-day and transparent events, a panel of three in three zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flowtrack_ui.core.scheduling.calendars import busy_from_ics
from flowtrack_ui.core.scheduling.slots import (
    Person,
    WorkingHours,
    blocks,
    free_slots,
    working_days_end,
    working_windows,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


LONG_AGO = utc(2020, 1, 1)


def starts(slots) -> list[str]:
    return [f"{s.start:%a %H:%M}" for s in slots]


def test_working_hours_follow_the_local_clock_across_a_dst_change():
    # Europe/Berlin leaves summer time on Sunday 25 October 2026: 09:00 is 07:00 UTC on Friday
    # the 23rd and 08:00 UTC on Monday the 26th.
    berlin = WorkingHours("Europe/Berlin", start_minute=9 * 60, end_minute=10 * 60)
    wins = working_windows(berlin, utc(2026, 10, 23), utc(2026, 10, 27))
    assert wins == [
        (utc(2026, 10, 23, 7), utc(2026, 10, 23, 8)),
        (utc(2026, 10, 26, 8), utc(2026, 10, 26, 9)),
    ]
    slots = free_slots(
        [Person(1, berlin)], start=utc(2026, 10, 23), end=utc(2026, 10, 27), duration_minutes=30, now=LONG_AGO
    )
    assert [s.start for s in slots] == [
        utc(2026, 10, 23, 7),
        utc(2026, 10, 23, 7, 30),
        utc(2026, 10, 26, 8),
        utc(2026, 10, 26, 8, 30),
    ]


def test_buffers_keep_clear_of_busy_time():
    # 09:00–12:00 UTC, busy 10:00–11:00, 30 minutes with 15 minutes either side:
    # 09:00 ends 09:30 (+15 = 09:45, clear); 09:30 would run to 10:15 with its buffer; 10:00 and
    # 10:30 overlap; 11:00 starts 10:45 with its buffer; 11:30 is clear.
    person = Person(
        1,
        WorkingHours("UTC", start_minute=9 * 60, end_minute=12 * 60),
        busy=((utc(2026, 12, 7, 10), utc(2026, 12, 7, 11)),),
    )
    slots = free_slots(
        [person],
        start=utc(2026, 12, 7),
        end=utc(2026, 12, 8),
        duration_minutes=30,
        now=LONG_AGO,
        buffer_before=15,
        buffer_after=15,
    )
    assert starts(slots) == ["Mon 09:00", "Mon 11:30"]
    no_buffers = free_slots(
        [person], start=utc(2026, 12, 7), end=utc(2026, 12, 8), duration_minutes=30, now=LONG_AGO
    )
    assert starts(no_buffers) == ["Mon 09:00", "Mon 09:30", "Mon 11:00", "Mon 11:30"]


def test_minimum_notice():
    person = Person(1, WorkingHours("UTC", start_minute=9 * 60, end_minute=12 * 60))
    slots = free_slots(
        [person],
        start=utc(2026, 12, 7),
        end=utc(2026, 12, 8),
        duration_minutes=60,
        now=utc(2026, 12, 7, 9, 10),
        notice_minutes=60,
    )
    assert starts(slots) == ["Mon 10:30", "Mon 11:00"]  # not before 10:10; the day ends at 12:00


CAL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:weekly
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:20261102T090000
DTEND;TZID=Europe/Berlin:20261102T100000
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE;TZID=Europe/Berlin:20261109T090000
SUMMARY:Team meeting
END:VEVENT
BEGIN:VEVENT
UID:allday
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20261118
DTEND;VALUE=DATE:20261119
SUMMARY:Conference
END:VEVENT
BEGIN:VEVENT
UID:free
DTSTAMP:20260101T000000Z
DTSTART:20261117T080000Z
DTEND:20261117T160000Z
TRANSP:TRANSPARENT
SUMMARY:Working from home
END:VEVENT
BEGIN:VEVENT
UID:cancelled
DTSTAMP:20260101T000000Z
DTSTART:20261119T080000Z
DTEND:20261119T090000Z
STATUS:CANCELLED
END:VEVENT
END:VCALENDAR
"""


def test_recurring_all_day_transparent_and_cancelled_events():
    busy = busy_from_ics(CAL, utc(2026, 11, 2), utc(2026, 11, 21), "Europe/Berlin")
    assert sorted(busy) == [
        (utc(2026, 11, 2, 8), utc(2026, 11, 2, 9)),  # Monday 09:00 Berlin (CET)
        # the 9th is an exception (EXDATE)
        (utc(2026, 11, 16, 8), utc(2026, 11, 16, 9)),
        (utc(2026, 11, 17, 23), utc(2026, 11, 18, 23)),  # all day on the 18th, Berlin's day
    ]
    hours = WorkingHours("Europe/Berlin", start_minute=9 * 60, end_minute=11 * 60)
    slots = free_slots(
        [Person(1, hours, tuple(busy))],
        start=utc(2026, 11, 16),
        end=utc(2026, 11, 20),
        duration_minutes=60,
        now=LONG_AGO,
    )
    # Mon 16: 09:00 taken by the meeting → 10:00 only; Tue 17: transparent, free all morning;
    # Wed 18: all day away; Thu 19: the cancelled event takes nothing.
    assert starts(slots) == [
        "Mon 09:00",
        "Tue 08:00",
        "Tue 08:30",
        "Tue 09:00",
        "Thu 08:00",
        "Thu 08:30",
        "Thu 09:00",
    ]


def test_panel_of_three_in_three_zones():
    # 7 December 2026 (winter): Berlin 09–17 is 08–16 UTC, London 09–17 is 09–17 UTC, New York
    # 09–17 is 14–22 UTC. Together: 14:00–16:00 UTC. London is busy 14:30–15:00.
    berlin = Person(1, WorkingHours("Europe/Berlin"))
    london = Person(
        2, WorkingHours("Europe/London"), busy=((utc(2026, 12, 7, 14, 30), utc(2026, 12, 7, 15)),)
    )
    new_york = Person(3, WorkingHours("America/New_York"))
    day = dict(start=utc(2026, 12, 7), end=utc(2026, 12, 8), duration_minutes=60, now=LONG_AGO)
    assert starts(free_slots([berlin, london, new_york], **day)) == ["Mon 15:00"]
    assert starts(free_slots([berlin, new_york], **day)) == ["Mon 14:00", "Mon 14:30", "Mon 15:00"]
    unknown = free_slots([berlin, london, Person(3, WorkingHours("America/New_York"), unknown=True)], **day)
    assert [(s.start, s.unknown, s.free) for s in unknown] == [(utc(2026, 12, 7, 15), (3,), False)]


def test_weekend_is_not_working_time_and_days_are_counted_as_working_days():
    hours = WorkingHours("UTC")
    assert working_windows(hours, utc(2026, 12, 5), utc(2026, 12, 7)) == []  # Saturday and Sunday
    # From Friday the 4th, three working days: Mon 7, Tue 8, Wed 9 → ends at Thursday's midnight.
    assert working_days_end(utc(2026, 12, 4, 15), 3, "UTC") == utc(2026, 12, 10)


def test_blocks_cover_every_overlap():
    assert blocks(utc(2026, 12, 7, 9, 50), utc(2026, 12, 7, 10, 40)) == [
        utc(2026, 12, 7, 9, 45),
        utc(2026, 12, 7, 10, 0),
        utc(2026, 12, 7, 10, 15),
        utc(2026, 12, 7, 10, 30),
    ]
    a = set(blocks(utc(2026, 12, 7, 9), utc(2026, 12, 7, 9, 45)))
    b = set(blocks(utc(2026, 12, 7, 9, 40), utc(2026, 12, 7, 10, 25)))
    assert a & b
    assert not set(blocks(utc(2026, 12, 7, 9), utc(2026, 12, 7, 10))) & set(
        blocks(utc(2026, 12, 7, 10), utc(2026, 12, 7, 11))
    )


def test_a_long_window_stays_fast():
    busy = tuple(
        (utc(2026, 12, 7) + timedelta(minutes=37 * i), utc(2026, 12, 7) + timedelta(minutes=37 * i + 20))
        for i in range(500)
    )
    people = [
        Person(i, WorkingHours(z), busy) for i, z in enumerate(("UTC", "Europe/Berlin", "Europe/London"))
    ]
    slots = free_slots(
        people, start=utc(2026, 12, 7), end=utc(2026, 12, 21), duration_minutes=30, now=LONG_AGO
    )
    assert all(not any(b0 < s.end and b1 > s.start for b0, b1 in busy) for s in slots)
