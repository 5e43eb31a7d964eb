"""Suggested slots for a panel of 3 interviewers over 10 working days, each with 500 events in a
CalDAV calendar served by Radicale (real HTTP on loopback), on SQLite and PostgreSQL.

Prints the server's time for the whole suggestion (reading the three calendars, FlowTrack's own
interviews, the slot computation), and the slot computation alone, median of 5.
Usage: ``python benchmarks/scheduling.py``.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from common import ENGINES, PASSWORD, company, database_url, median, open_db, pg_available

from flowtrack_ui.core.accounts import invitations, sign_in
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.scheduling import availability, links
from flowtrack_ui.core.scheduling.slots import free_slots, working_days_end
from tests.caldav_support import USERS, Radicale, vevent

EVENTS = 500
RUNS = 5
HOURS = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00", "hours_time_zone": "Europe/Berlin"}


def _fill(dav: Radicale, user: str, start: datetime, rng: random.Random) -> None:
    """500 events from a month ago to a quarter ahead (the server filters them to the window):
    mostly 30–90 minute meetings in working hours, some weekly recurring ones (those begun in the
    past recur into the window), a few all-day, a few transparent."""
    folder = dav.folder / "collections" / "collection-root" / user / "work"
    for i in range(EVENTS):
        day = start + timedelta(days=rng.randrange(-30, 90))  # a quarter ahead, a month behind
        begin = day.replace(
            hour=rng.randrange(6, 17), minute=rng.choice((0, 15, 30, 45)), second=0, microsecond=0
        )
        end = begin + timedelta(minutes=rng.choice((30, 45, 60, 90)))
        lines = f"DTSTART:{begin:%Y%m%dT%H%M%SZ}\nDTEND:{end:%Y%m%dT%H%M%SZ}"
        if i % 50 == 0:
            lines = f"DTSTART;VALUE=DATE:{day:%Y%m%d}\nDTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"
        elif i % 25 == 0:
            lines += "\nRRULE:FREQ=WEEKLY"
        elif i % 10 == 0:
            lines += "\nTRANSP:TRANSPARENT"
        # Straight into Radicale's storage folder (one file per event, as a PUT leaves it): 1,500
        # PUTs take minutes on a busy machine; Radicale reads the folder on every request.
        (folder / f"e{i}.ics").write_text(vevent(f"{user}-e{i}", lines))


def _panel(db, dav: Radicale) -> tuple:
    recruiter = company(db, "Scheduling Bench Co")
    people = [recruiter]
    for n, role in ((1, Role.HIRING_MANAGER), (2, Role.RECRUITER)):
        email = f"panel{n}-{recruiter.company_id}@bench.test"
        inv = invitations.invite_staff(db, recruiter, email, role)
        invitations.accept_invitation(db, inv.token, PASSWORD, f"Panel Member {n}")
        people.append(sign_in.principal_from_token(db, sign_in.login(db, email, PASSWORD)))
    for who, user in zip(people, USERS, strict=True):
        availability.save(
            db,
            who,
            {
                **HOURS,
                "caldav_url": dav.base + f"/{user}/",
                "caldav_username": user,
                "caldav_password": USERS[user],
            },
        )
    return recruiter, [p.user_id for p in people]


def run() -> list[dict]:
    rng = random.Random(29)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        dav = Radicale(Path(folder)).start()
        try:
            now = datetime.now(UTC)
            t = time.perf_counter()
            for user in USERS:
                _fill(dav, user, now, rng)
            for user in USERS:  # Radicale reads and caches new files on the first request: not measured
                httpx.request(
                    "PROPFIND",
                    dav.calendar_url(user),
                    headers={"Depth": "1"},
                    auth=(user, USERS[user]),
                    timeout=600,
                )
            filled = time.perf_counter() - t
            print(f"[scheduling] Radicale filled with {EVENTS} events × {len(USERS)} in {filled:.1f} s")
            for engine in ENGINES:
                if engine == "PostgreSQL" and not pg_available():
                    print("PostgreSQL unreachable: scheduling benchmark on SQLite only")
                    continue
                with database_url(engine) as url:
                    db = open_db(url)
                    recruiter, ids = _panel(db, dav)
                    whole, compute, found = [], [], 0
                    for _ in range(RUNS):
                        t = time.perf_counter()
                        result = links.suggest(
                            db, recruiter, ids, 45, notice_minutes=0, limit=links.MAX_SLOTS
                        )
                        whole.append((time.perf_counter() - t) * 1000)
                        assert not result.unknown, result.warnings
                        found = len(result.slots)
                    end = working_days_end(now, 10, "UTC")
                    panel = availability.panel(db, ids, now, end)
                    busy = sum(len(p.busy) for p in panel.people)
                    for _ in range(RUNS):
                        t = time.perf_counter()
                        free_slots(
                            panel.people, start=now, end=end, duration_minutes=45, now=now, step_minutes=30
                        )
                        compute.append((time.perf_counter() - t) * 1000)
                    db.dispose()
                row = {
                    "engine": engine,
                    "whole_ms": median(whole),
                    "compute_ms": median(compute),
                    "slots": found,
                }
                print(
                    f"[scheduling] {engine}: slots for a panel of 3 over 10 working days, "
                    f"{EVENTS} CalDAV events each ({busy} busy periods in the window): "
                    f"{row['whole_ms']:.0f} ms in all (three calendars read over HTTP), "
                    f"of which the slot computation {row['compute_ms']:.1f} ms; "
                    f"{found} free slots; median of {RUNS}",
                    flush=True,
                )
                rows.append(row)
        finally:
            dav.stop()
    return rows


if __name__ == "__main__":
    run()
