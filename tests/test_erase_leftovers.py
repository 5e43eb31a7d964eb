"""Erasing a candidate leaves no personal data behind: not in their interviews (cancelled when still
to come, the interviewers told with a METHOD:CANCEL), not in what colleagues wrote about them (notes,
move and rejection notes, scorecards, other interviews, emails in the outbox), not in the talent
search; the redaction's matching rules, with examples and properties. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.candidates import profile
from flowtrack_ui.core.collaboration import interviews, notes, scorecards
from flowtrack_ui.core.models import (
    ApplicationHistory,
    ApplicationNote,
    CandidateProfile,
    Interview,
    OutboxEmail,
    Scorecard,
    TalentDocument,
    User,
)
from flowtrack_ui.core.pipelines.moves import move_stage
from flowtrack_ui.core.privacy import erase, retention
from flowtrack_ui.core.privacy.redaction import REDACTED, Redactor, name_parts

from .conftest import PASSWORD, make_candidate, make_company

PHONE = "+44 20 7946 0001"
LINKEDIN = "https://www.linkedin.com/in/dave-doomed-7946/"
WEBSITE = "https://dd-portfolio.example.org"
EMAIL = "dave.doomed@example.com"
DAVE = Redactor.of("Dave Doomed", EMAIL, PHONE, (LINKEDIN, WEBSITE))


def leaks(text: str) -> list[str]:
    """What of Dave Doomed a text still shows: each name part as a word, the email, the phone in
    any spacing, the profile URLs."""
    text = unicodedata.normalize("NFC", text)
    found = [w for w in ("dave", "doomed") if re.search(rf"(?<!\w){w}(?!\w)", text, re.IGNORECASE)]
    found += [w for w in ("dave.doomed@", "dave-doomed-7946", "dd-portfolio") if w in text.lower()]
    if re.search(r"7\D{0,3}9\D{0,3}4\D{0,3}6\D{0,3}0\D{0,3}0\D{0,3}0\D{0,3}1", text):
        found.append("phone")
    return found


# --- the redaction ------------------------------------------------------------------------------


def test_each_name_part_goes_as_a_whole_word_only():
    assert name_parts("Dave Doomed") == ["Dave", "Doomed"]
    assert name_parts("Jean-Luc  O'Brien J. (Jr)") == ["Jean", "Luc", "O'Brien", "Jr"]
    assert name_parts("A B") == []
    cases = {
        "Dave was better; ask Doomed": f"{REDACTED} was better; ask {REDACTED}",
        "Better than Dave Doomed at bricks": f"Better than {REDACTED} at bricks",
        "DOOMED, dave - and dave-doomed": f"{REDACTED}, {REDACTED} - and {REDACTED}",
        "Davenport and Doomedness stay; so does daveX": "Davenport and Doomedness stay; so does daveX",
        "Dave's idea, Dave’s too": f"{REDACTED}'s idea, {REDACTED}’s too",
    }
    for text, expected in cases.items():
        assert DAVE.redact(text) == expected, text
    unchanged = "nothing of them here"
    assert DAVE.redact(unchanged) is unchanged and DAVE.redact(None) is None
    # Unicode: any script's letters are word characters, and composed or not is the same name.
    zoe = Redactor.of("Zoë Ångström-Łukasz")
    decomposed = unicodedata.normalize("NFD", "ZOË said ångström; Łukaszewicz and Zoëlle stay")
    assert zoe.redact(decomposed) == f"{REDACTED} said {REDACTED}; Łukaszewicz and Zoëlle stay"
    assert Redactor.of("Ли Вэй").redact("Ли и ЛИ, Лиза") == f"{REDACTED} и {REDACTED}, Лиза"


def test_the_phone_in_any_spacing_and_only_with_enough_digits():
    for written in (
        "+44 20 7946 0001",
        "020 7946 0001",
        "+442079460001",
        "(020) 7946-0001",
        "0044 (0)20 7946 0001",
        "020.7946.0001",
        "+44 2079 460 001",
    ):
        assert DAVE.redact(f"call {written} today") == f"call {REDACTED} today", written
        assert leaks(DAVE.redact(f"call {written}")) == []
    # Other numbers stay: shorter ones, ones with more digits after, and the parts alone.
    for other in ("0001", "7946", "2026-12-01", "020 7946 0002", "+44 20 7946 00012", "order 794600"):
        assert DAVE.redact(other) is other, other
    # A phone too short to tell from other numbers is not redacted at all.
    short = Redactor.of("Quinn Zed", "", "123 456")
    assert short.redact("room 123456, call 123 456") == "room 123456, call 123 456"


def test_email_and_profile_urls_with_or_without_their_scheme():
    text = (
        f"Mail {EMAIL.upper()}; see linkedin.com/in/dave-doomed-7946 and "
        f"http://DD-portfolio.example.org/blog or {LINKEDIN}"
    )
    assert DAVE.redact(text) == (f"Mail {REDACTED}; see {REDACTED} and {REDACTED}/blog or {REDACTED}")
    # An HTML body holds the name escaped.
    obrien = Redactor.of("Pat O'Brien")
    assert obrien.redact("<p>Hello O&#x27;Brien</p>") == f"<p>Hello {REDACTED}</p>"


def test_a_calendar_is_redacted_value_by_value():
    from flowtrack_ui.core.collaboration import calendar

    text, _ = calendar.ics(
        calendar.Invite(
            uid="u-1",
            sequence=0,
            starts_at=datetime(2030, 1, 1, 9, tzinfo=UTC),
            duration_minutes=30,
            summary="Interview of a person whose very long description folds over lines: Dave Doomed",
            description="Call Dave\non 020 7946 0001",
            location=f"Phone: Dave Doomed {PHONE}",
            url="https://meet.example.com/room",
            organizer="FlowTrack <no-reply@flowtrack.test>",
            attendees=(("Dave Doomed", EMAIL), ("Hana", "hana@acme.test")),
        )
    )
    redacted = DAVE.redact_calendar(text)
    event = Calendar.from_ical(redacted).walk("VEVENT")[0]
    assert leaks(str(event["LOCATION"]) + str(event["DESCRIPTION"]) + str(event["SUMMARY"])) == []
    assert leaks(redacted.replace("\r\n ", "")) == [] and "hana@acme.test" in redacted
    assert str(event["UID"]) == "u-1"


_letters = st.text(st.characters(categories=("L",)), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(_letters, min_size=1, max_size=3),
    joiner=st.sampled_from([" ", "-", "  ", " - "]),
    pieces=st.lists(
        st.one_of(
            _letters,
            st.sampled_from([" ", ", ", ".", "-", "'", "’", "@", "(", ")", "\n", "x", "1"]),
            st.integers(0, 9).map(str),
        ),
        max_size=25,
    ),
    inserts=st.lists(st.tuples(st.integers(0, 25), st.integers(0, 2), st.booleans()), max_size=6),
)
def test_property_no_part_of_the_name_is_left_as_a_word(parts, joiner, pieces, inserts):
    full_name = joiner.join(parts)
    wanted = name_parts(full_name)
    person = Redactor.of(full_name)
    for at, which, upper in inserts:
        part = parts[which % len(parts)]
        pieces.insert(at, part.upper() if upper else part)
    text = "".join(pieces)
    out = person.redact(text)
    assert not person.mentions(out)
    assert person.redact(out) == out  # nothing left to take
    bare = unicodedata.normalize("NFC", out.replace(REDACTED, " "))
    for part in wanted:
        pattern = rf"(?<!\w){re.escape(unicodedata.normalize('NFC', part))}(?!\w)"
        assert re.search(pattern, bare, re.IGNORECASE) is None, (part, text, out)


@settings(max_examples=200, deadline=None)
@given(
    seps=st.lists(st.sampled_from(["", " ", "-", ".", " (", ") ", "/"]), min_size=11, max_size=11),
    prefix=st.sampled_from(["+44", "0044", "0", "+44 (0)", "44"]),
    around=st.tuples(st.sampled_from(["", "call ", "x"]), st.sampled_from(["", " now", "!"])),
)
def test_property_the_phone_goes_whatever_its_spacing(seps, prefix, around):
    digits = "2079460001"
    written = prefix + "".join(d + s for d, s in zip(digits, seps[:9] + [""], strict=True))
    text = around[0] + written + around[1]
    assert leaks(DAVE.redact(text)) == [], text


# --- erasing: the review's reproduction, over HTTP ----------------------------------------------


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _schedule(db, who, app_id, days, location, *people, video=""):
    return interviews.schedule(
        db,
        who,
        app_id,
        {
            "starts_at": in_days(days),
            "timezone": "Europe/London",
            "duration_minutes": 45,
            "location": location,
            "video_url": video,
            "interviewer_ids": [p.user_id for p in people],
        },
    )


def _into_the_past(db, interview_id: int) -> None:
    with db.session(write=True) as s:
        row = s.get(Interview, interview_id)
        row.starts_at = datetime.now(UTC) - timedelta(days=2)
        s.add(row)


@pytest.fixture
def doomed(any_db):
    """Acme; Dave Doomed with a phone and profile URLs, a future and a past interview, and what
    colleagues wrote about him on his application and on Alice's and Carol's."""
    db = any_db
    acme = make_company(db, "Acme")
    rec, hm = acme.recruiter, acme.manager
    dave = make_candidate(db, EMAIL, "Dave Doomed")
    profile.update_profile(db, dave, {"phone": PHONE, "linkedin_url": LINKEDIN, "website": WEBSITE})
    alice = make_candidate(db, "alice@example.com", "Alice Keeper")
    carol = make_candidate(db, "carol@example.com", "Carol Other")
    dave_app = apply(db, dave, acme.job_id)
    alice_app = apply(db, alice, acme.job_id)
    carol_app = apply(db, carol, acme.job_id)

    future = _schedule(
        db,
        rec,
        dave_app.id,
        3,
        f"Phone: Dave Doomed {PHONE}",
        rec,
        hm,
        video="https://meet.example.com/dave-doomed",
    )
    past = _schedule(db, rec, dave_app.id, 2, "Room 4, ask for Dave Doomed", hm)
    scorecards.submit(db, hm, past.id, {"recommendation": "yes", "notes": "Doomed is sharp; 020-7946-0001"})
    _into_the_past(db, past.id)
    alice_interview = _schedule(db, rec, alice_app.id, 4, "Room 5, after Dave Doomed (+442079460001)", hm)
    scorecards.submit(
        db,
        hm,
        alice_interview.id,
        {"recommendation": "no", "notes": "Weaker than Doomed; ring (020) 7946 0001"},
    )

    notes.add_note(db, rec, dave_app.id, "Dave was better; ask Doomed")
    notes.add_note(db, rec, alice_app.id, "Dave was better; ask Doomed. @hm agrees, so does Davenport")
    move_stage(db, rec, dave_app.id, "Screening", note="Dave Doomed phoned")
    move_stage(
        db,
        rec,
        alice_app.id,
        "Screening",
        note="Compared with DAVE on 020 7946 0001; see linkedin.com/in/dave-doomed-7946",
    )
    move_stage(db, rec, carol_app.id, "Rejected", note="Dave Doomed (dd-portfolio.example.org) fits better")
    return {
        "db": db,
        "acme": acme,
        "dave": dave,
        "apps": {"dave": dave_app.id, "alice": alice_app.id, "carol": carol_app.id},
        "future": future,
        "past": past,
    }


def _table_dump(db) -> str:
    with db.session() as s:
        rows = []
        for model in (
            ApplicationNote,
            ApplicationHistory,
            Scorecard,
            Interview,
            OutboxEmail,
            TalentDocument,
            User,
            CandidateProfile,
        ):
            for row in s.exec(select(model)).all():
                rows.append(json.dumps(row.model_dump(exclude={"password_hash"}), default=str))
    return "\n".join(rows)


def test_a_recruiters_erase_leaves_no_personal_data_in_any_route(doomed):
    from .test_api import client_for, login

    w = doomed
    db, apps = w["db"], w["apps"]
    c = client_for(db)
    rec = login(c, "rec@acme.test")
    before = {a: len(c.get(f"/api/applications/{i}/scorecards", headers=rec).json()) for a, i in apps.items()}
    assert leaks(c.get(f"/api/applications/{apps['alice']}/activity", headers=rec).text)  # the reproduction
    assert c.get("/api/candidates", params={"q": "doomed"}, headers=rec).json()["total"] == 2

    r = c.delete(f"/api/candidates/{w['dave'].user_id}", headers=rec)
    assert r.status_code == 200 and r.json()["account_erased"] is True, r.text

    seen = {}
    for name, app_id in apps.items():
        for route in ("interviews", "activity", "notes", "scorecards"):
            r = c.get(f"/api/applications/{app_id}/{route}", headers=rec)
            assert r.status_code == 200, (name, route, r.text)
            seen[(name, route)] = r.json()
        for route in (f"/api/history/application/{app_id}", f"/api/history/application/{app_id}/emails"):
            r = c.get(route, headers=rec)
            assert r.status_code == 200, r.text
            seen[(name, route)] = r.json()
    for key, body in seen.items():
        assert leaks(json.dumps(body, ensure_ascii=False)) == [], (key, body)
    assert leaks(_table_dump(db)) == []
    for q in ("doomed", "7946", "dd-portfolio"):
        r = c.get("/api/candidates", params={"q": q}, headers=rec)
        assert r.json()["total"] == 0 and not leaks(r.text), q
    # "dave" is a prefix of Davenport, in Alice's note: hers is the only hit.
    r = c.get("/api/candidates", params={"q": "dave"}, headers=rec)
    assert [h["full_name"] for h in r.json()["candidates"]] == ["Alice Keeper"] and not leaks(r.text)

    # What colleagues wrote keeps its sense (and "Davenport" is not Dave).
    alice_notes = [n["body"] for n in seen[("alice", "notes")]]
    assert alice_notes == [f"{REDACTED} was better; ask {REDACTED}. @hm agrees, so does Davenport"]
    assert c.get("/api/candidates", params={"q": "davenport"}, headers=rec).json()["total"] == 1
    assert seen[("dave", "notes")] == []

    # The future interview is cancelled, the past one stays as history; both lost their text.
    by_id = {i["id"]: i for i in seen[("dave", "interviews")]}
    future, past = by_id[w["future"].id], by_id[w["past"].id]
    assert (future["status"], future["sequence"], future["location"], future["video_url"]) == (
        "cancelled",
        1,
        "",
        "",
    )
    assert (past["status"], past["location"], past["video_url"]) == ("scheduled", "", "")
    # Rows stay, so the counts do.
    after = {a: len(seen[(a, "scorecards")]) for a in apps}
    assert after == before == {"dave": 1, "alice": 1, "carol": 0}
    assert len(seen[("alice", "interviews")]) == 1 and seen[("alice", "interviews")][0]["location"] == (
        f"Room 5, after {REDACTED} ({REDACTED})"
    )

    # The interviewers (and only they) get a METHOD:CANCEL for the future interview.
    with db.session() as s:
        uid = s.get(Interview, w["future"].id).uid
        cancels = s.exec(
            select(OutboxEmail).where(
                OutboxEmail.application_id == apps["dave"], OutboxEmail.kind == "interview_cancelled"
            )
        ).all()
        mail_to_dave = s.exec(select(OutboxEmail).where(OutboxEmail.to_address.contains("doomed"))).all()
        erased_addresses = s.exec(select(User.email).where(User.erased_at.is_not(None))).all()
        to_erased = s.exec(select(OutboxEmail).where(OutboxEmail.to_address.in_(erased_addresses))).all()
    assert mail_to_dave == [] and to_erased == []
    assert sorted(e.to_address for e in cancels) == ["hm@acme.test", "rec@acme.test"]
    for email in cancels:
        assert email.calendar_method == "CANCEL" and email.sent_at is None
        cal = Calendar.from_ical(email.calendar_ics)
        assert str(cal["METHOD"]) == "CANCEL"
        [event] = cal.walk("VEVENT")
        assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (uid, 1, "CANCELLED")
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert sorted(str(a).lower() for a in attendees) == ["mailto:hm@acme.test", "mailto:rec@acme.test"]
        assert "LOCATION" not in event
        assert leaks(email.calendar_ics + email.subject + email.body_text + email.body_html) == []
    # The activity feed shows the cancellation and its emails, anonymously.
    titles = [a["title"] for a in seen[("dave", "activity")]]
    assert "Interview cancelled" in titles
    assert sum(t.startswith("Email queued: Interview cancelled: Erased candidate") for t in titles) == 2
    # The erase is logged, holding nothing of Dave.
    log = c.get("/api/erasures", headers=rec).json()
    assert [e["kind"] for e in log] == ["staff"] and not leaks(json.dumps(log))


# --- every caller of erase: the candidate themself, the retention period, one company of two --------


def _future_interview_state(db, interview_id: int) -> tuple[str, list[str]]:
    with db.session() as s:
        row = s.get(Interview, interview_id)
        sent = s.exec(
            select(OutboxEmail.to_address).where(
                OutboxEmail.application_id == row.application_id,
                OutboxEmail.kind == "interview_cancelled",
            )
        ).all()
        return row.status, sorted(sent)


def test_the_candidate_erasing_themself_cancels_their_interviews_too(doomed):
    w = doomed
    db = w["db"]
    erase.erase_own_account(db, w["dave"], PASSWORD)
    assert _future_interview_state(db, w["future"].id) == ("cancelled", ["hm@acme.test", "rec@acme.test"])
    assert _future_interview_state(db, w["past"].id)[0] == "scheduled"
    assert leaks(_table_dump(db)) == []


def test_the_retention_period_cancels_and_redacts_too(doomed):
    w = doomed
    db, rec = w["db"], w["acme"].recruiter
    move_stage(db, rec, w["apps"]["dave"], "Rejected", note="Dave Doomed withdrew by phone")
    retention.set_retention(db, rec, 1)
    assert retention.run(db, now=datetime.now(UTC) + timedelta(days=62)).erased == 2  # Dave and Carol
    assert _future_interview_state(db, w["future"].id) == ("cancelled", ["hm@acme.test", "rec@acme.test"])
    assert leaks(_table_dump(db)) == []


def test_erasing_one_companys_data_leaves_the_others_interview_alone(doomed):
    w = doomed
    db, dave = w["db"], w["dave"]
    globex = make_company(db, "Globex")
    globex_app = apply(db, dave, globex.job_id)
    theirs = _schedule(db, globex.recruiter, globex_app.id, 5, "Globex HQ", globex.manager)
    done = erase.erase_candidate(db, w["acme"].recruiter, dave.user_id)
    assert not done.account_erased
    assert _future_interview_state(db, w["future"].id) == ("cancelled", ["hm@acme.test", "rec@acme.test"])
    assert _future_interview_state(db, theirs.id) == ("scheduled", [])
    with db.session() as s:
        acme_rows = s.exec(select(ApplicationNote.body)).all() + s.exec(select(Scorecard.notes)).all()
        assert leaks("\n".join(acme_rows)) == []
        assert s.get(Interview, theirs.id).location == "Globex HQ"
