"""Interviewers' answers to interview invitations: their calendar's iCalendar METHOD:REPLY, sent to
the invitation's ORGANIZER (the application's reply address), read from the reply mailbox
(Dovecot, and ``inbound.receive``) and recorded on the interview; a decline emailed to the
recruiter; forged UIDs, strangers and other companies' interviews change nothing."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from icalendar import Calendar, Event, vCalAddress
from sqlmodel import select

from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.collaboration import interviews
from flowtrack_ui.core.mail import inbound
from flowtrack_ui.core.models import InboundEmail, Interview, OutboxEmail, ReplyAddress

from .conftest import make_candidate
from .imap_support import dovecot
from .test_collaboration import interview_fields, outbox, team  # noqa: F401  (the team fixture)

DOMAIN = "replies.acme.test"


@pytest.fixture
def inbox(monkeypatch):
    monkeypatch.setenv("FLOWTRACK_INBOUND_DOMAIN", DOMAIN)


def _token(db, application_id: int) -> str:
    with db.session() as s:
        return s.exec(select(ReplyAddress.token).where(ReplyAddress.application_id == application_id)).one()


def _reply(uid: str, attendee: str, partstat: str, to: str, sequence: int | None = 0, as_file=False) -> bytes:
    """What a calendar client sends when its owner answers: a text/calendar METHOD:REPLY part."""
    cal = Calendar()
    cal.add("prodid", "-//Example//Calendar//EN")
    cal.add("version", "2.0")
    cal.add("method", "REPLY")
    event = Event()
    event.add("uid", uid)
    if sequence is not None:
        event.add("sequence", sequence)
    who = vCalAddress(f"mailto:{attendee}")
    who.params["PARTSTAT"] = partstat
    event.add("attendee", who)
    cal.add_component(event)
    m = EmailMessage()
    m["From"] = attendee
    m["To"] = to
    m["Subject"] = f"{partstat.title()}: Interview"
    m["Message-ID"] = f"<{uid[:20]}-{attendee}-{partstat}-{sequence}@calendar.example>"
    m.set_content(f"{attendee} has {partstat.lower()} this invitation.")
    if as_file:
        m.add_attachment(cal.to_ical(), maintype="text", subtype="calendar", filename="invite.ics")
    else:
        m.add_alternative(cal.to_ical().decode(), subtype="calendar", params={"method": "REPLY"})
    return bytes(m)


def _responses(db, interview_id: int) -> dict[int, str]:
    with db.session() as s:
        view = interviews._view(s, s.get(Interview, interview_id))
    return dict(view.responses)


@pytest.fixture
def booked(db, team, inbox):  # noqa: F811
    acme, hm2, app = team
    made = interviews.schedule(db, acme.recruiter, app.id, interview_fields(acme.manager, hm2))
    with db.session() as s:
        uid = s.get(Interview, made.id).uid
    return acme, hm2, app, made.id, uid, f"reply+{_token(db, app.id)}@{DOMAIN}"


def test_the_interviewers_invitation_is_organised_by_the_reply_address(db, booked):
    acme, _hm2, app, _iid, uid, address = booked
    staff = [r for r in outbox(db, "interview_invitation") if r.to_address.endswith("@acme.test")]
    (candidate,) = [r for r in outbox(db, "interview_invitation") if r.to_address == "cand@example.com"]
    assert len(staff) == 2
    for row in staff:
        (event,) = Calendar.from_ical(row.calendar_ics).walk("VEVENT")
        assert str(event["organizer"]).lower() == f"mailto:{address}".lower() and str(event["uid"]) == uid
    # The candidate's calendar answers the sender as before: only interviewers' answers are read.
    (event,) = Calendar.from_ical(candidate.calendar_ics).walk("VEVENT")
    assert DOMAIN not in str(event["organizer"])


def test_accepted_tentative_declined_and_the_decline_emailed_to_the_recruiter(db, booked):
    acme, hm2, app, iid, uid, address = booked
    handler = interviews.record_response
    filed = inbound.receive(db, _reply(uid, "hm@acme.test", "ACCEPTED", address), DOMAIN, handler)
    assert (filed.kind, filed.application_id) == (inbound.CALENDAR_REPLY, app.id)
    inbound.receive(db, _reply(uid, "HM2@acme.test", "TENTATIVE", address, as_file=True), DOMAIN, handler)
    assert _responses(db, iid) == {acme.manager.user_id: "accepted", hm2.user_id: "tentative"}
    assert outbox(db, "interview_declined") == []
    # An answer is not a reply of the candidate: nothing in the conversation.
    with db.session() as s:
        assert s.exec(select(InboundEmail)).all() == []

    inbound.receive(db, _reply(uid, "hm@acme.test", "DECLINED", address, sequence=None), DOMAIN, handler)
    assert _responses(db, iid)[acme.manager.user_id] == "declined"
    (flag,) = outbox(db, "interview_declined")
    assert flag.to_address == "rec@acme.test" and flag.application_id == app.id
    assert "Acme Manager declined the interview of Casey Candidate" in flag.body_text
    assert f"/application?id={app.id}" in flag.body_text and "<script" not in flag.body_html
    # The same answer again (a client resending) flags nothing more.
    inbound.receive(db, _reply(uid, "hm@acme.test", "DECLINED", address, sequence=1), DOMAIN, handler)
    assert len(outbox(db, "interview_declined")) == 1

    # Moved: earlier answers no longer hold, and an answer to the earlier version is ignored.
    interviews.reschedule(db, acme.recruiter, iid, {"starts_at": interview_fields(days=5)["starts_at"]})
    assert _responses(db, iid) == {}
    inbound.receive(db, _reply(uid, "hm@acme.test", "ACCEPTED", address, sequence=0), DOMAIN, handler)
    assert _responses(db, iid) == {}
    inbound.receive(db, _reply(uid, "hm@acme.test", "ACCEPTED", address, sequence=1), DOMAIN, handler)
    assert _responses(db, iid) == {acme.manager.user_id: "accepted"}
    # Cancelled: answers change nothing.
    interviews.cancel(db, acme.recruiter, iid)
    inbound.receive(db, _reply(uid, "hm2@acme.test", "DECLINED", address, sequence=2), DOMAIN, handler)
    assert hm2.user_id not in _responses(db, iid) and len(outbox(db, "interview_declined")) == 1


def test_forged_and_foreign_replies_change_nothing(db, booked, globex):
    acme, _hm2, app, iid, uid, address = booked
    other = make_candidate(db, "gina@example.com", "Gina Globex")
    gapp = apply(db, other, globex.job_id)
    gmade = interviews.schedule(db, globex.recruiter, gapp.id, interview_fields(globex.manager))
    with db.session() as s:
        guid = s.get(Interview, gmade.id).uid
    gaddress = f"reply+{_token(db, gapp.id)}@{DOMAIN}"
    handler = interviews.record_response
    forged = [
        _reply("interview-forged@flowtrack.local", "hm@acme.test", "DECLINED", address),  # unknown UID
        _reply(uid, "cand@example.com", "DECLINED", address),  # the candidate is no interviewer
        _reply(uid, "rec@globex.test", "DECLINED", address),  # another company's staff
        _reply(guid, "hm@globex.test", "DECLINED", address),  # Globex's interview, Acme's token
        _reply(uid, "hm@acme.test", "DECLINED", gaddress),  # Acme's interview, Globex's token
        _reply(uid, "hm@acme.test", "DECLINED", f"reply+{'A' * 32}@{DOMAIN}"),  # a forged token
        _reply(uid, "hm@acme.test", "DECLINED", address.replace(DOMAIN, "evil.example")),
        _reply(uid, "hm@acme.test", "NEEDS-ACTION", address),
    ]
    for raw in forged:
        filed = inbound.receive(db, raw, DOMAIN, handler)
        assert filed.kind == inbound.CALENDAR_REPLY and filed.application_id is None
    assert _responses(db, iid) == {} and _responses(db, gmade.id) == {}
    assert outbox(db, "interview_declined") == []
    with db.session() as s:
        assert s.exec(select(InboundEmail)).all() == []  # not filed as anyone's reply either
    # Without a handler (no interviews wired in), an answer is still never a candidate's reply.
    inbound.receive(db, _reply(uid, "hm@acme.test", "DECLINED", address, sequence=7), DOMAIN)
    assert _responses(db, iid) == {}


def test_a_damaged_or_oversized_calendar_is_an_ordinary_message(db, booked):
    _acme, _hm2, app, _iid, _uid, address = booked
    m = EmailMessage()
    m["From"] = "cand@example.com"
    m["To"] = address
    m["Subject"] = "Re: interview"
    m["Message-ID"] = "<damaged@example.com>"
    m.set_content("See you then.")
    m.add_alternative("BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\nbroken", subtype="calendar")
    filed = inbound.receive(db, bytes(m), DOMAIN, interviews.record_response)
    assert (filed.kind, filed.application_id) == ("reply", app.id)
    big = _reply(_uid, "hm@acme.test", "DECLINED", address).replace(
        b"END:VEVENT", b"COMMENT:" + b"x" * (inbound.MAX_CALENDAR + 1) + b"\r\nEND:VEVENT"
    )
    assert inbound.receive(db, big, DOMAIN, interviews.record_response).kind == "reply"
    assert _responses(db, _iid) == {}


def test_without_the_reply_mailbox_the_organizer_is_the_sender(db, team, monkeypatch):  # noqa: F811
    monkeypatch.delenv("FLOWTRACK_INBOUND_DOMAIN", raising=False)
    acme, hm2, app = team
    interviews.schedule(db, acme.recruiter, app.id, interview_fields(hm2))
    (row,) = [r for r in outbox(db, "interview_invitation") if r.to_address == "hm2@acme.test"]
    (event,) = Calendar.from_ical(row.calendar_ics).walk("VEVENT")
    assert "reply+" not in str(event["organizer"])


def test_an_answer_read_from_the_mailbox(db, booked):
    acme, _hm2, app, iid, uid, address = booked
    with dovecot() as imap:
        imap.append(_reply(uid, "hm@acme.test", "DECLINED", address))
        mailbox = inbound.Mailbox(db, imap.url, DOMAIN, on_calendar_reply=interviews.record_response)
        (filed,) = mailbox.poll()
        assert (filed.kind, filed.application_id) == (inbound.CALENDAR_REPLY, app.id)
        assert all(b"\\Seen" in flags for flags in imap.flags())
        assert mailbox.poll() == []
    assert _responses(db, iid) == {acme.manager.user_id: "declined"}
    with db.session() as s:
        assert len(s.exec(select(OutboxEmail).where(OutboxEmail.kind == "interview_declined")).all()) == 1


def test_the_application_page_shows_each_interviewers_answer(db, booked, monkeypatch):
    from flowtrack_ui.state import application, application_team, session
    from flowtrack_ui.state.application_team import TeamState

    from .test_handlers import call, state_for

    for module in (session, application, application_team):
        monkeypatch.setattr(module, "db", lambda: db)
    acme, _hm2, app, _iid, uid, address = booked
    handler = interviews.record_response
    inbound.receive(db, _reply(uid, "hm@acme.test", "DECLINED", address), DOMAIN, handler)
    inbound.receive(db, _reply(uid, "hm2@acme.test", "TENTATIVE", address), DOMAIN, handler)
    st = state_for(TeamState, acme.recruiter)
    st.app_id = app.id
    call(st, TeamState.load_team)
    (row,) = st.interviews_list
    assert [(p.name, p.response) for p in row.people] == [
        ("Acme Manager", "declined"),
        ("Hana Second", "maybe"),
    ]
