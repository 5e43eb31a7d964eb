"""The conversation with a candidate: writing (with attachments, received by a real SMTP server),
held emails cancelled or sent early, replies read from a real IMAP server (Dovecot) and threaded
to the right application, forged tokens, bounces and auto-replies, nothing crossing companies,
notes never in an email, and who may do what."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import delete, update
from sqlmodel import select

from flowtrack_ui.core import work
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.bulk import actions
from flowtrack_ui.core.collaboration import notes
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge, UnsupportedFile
from flowtrack_ui.core.mail import conversation as conv
from flowtrack_ui.core.mail import inbound, reply_address
from flowtrack_ui.core.mail import templates as mail_templates
from flowtrack_ui.core.models import InboundEmail, InboundUnread, OutboxEmail, ReplyAddress, StoredFile
from flowtrack_ui.core.outbox import Sender
from flowtrack_ui.core.privacy import erase

from .conftest import make_candidate, make_company
from .imap_support import dovecot
from .smtp_support import SmtpServer

DOMAIN = "replies.acme.test"
FROM = "Acme Hiring <jobs@acme.test>"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def imap():
    with dovecot() as server:
        yield server


@pytest.fixture
def world(db, acme, globex, candidate):
    app = apply(db, candidate, acme.job_id)
    other = make_candidate(db, "gina@example.com", "Gina Globex")
    gapp = apply(db, other, globex.job_id)
    return {"db": db, "acme": acme, "globex": globex, "app": app, "gapp": gapp}


def deliver(db, smtp) -> int:
    return Sender(db, smtp.url, FROM, backoff_seconds=0.05, inbound_domain=DOMAIN).deliver_due()


def write(db, who, app_id, body="Hello {{ candidate.first_name }}, see the attached brief.", **kw):
    raw = {"subject": "About {{ job.title }}", "body": body, **kw.pop("raw", {})}
    return conv.compose(db, who, app_id, raw, kw.pop("uploads", ()))


def _messages_to(smtp, address):
    """The recruiters' messages to ``address`` (not FlowTrack's "application received")."""
    return [
        m for m in smtp.handler.messages if address in str(m["To"]) and str(m["Subject"]).startswith("About")
    ]


# --- writing -----------------------------------------------------------------------------------


def test_a_message_with_an_attachment_reaches_the_smtp_server_with_the_reply_address(world, smtp):
    db, acme, app = world["db"], world["acme"], world["app"]
    made = mail_templates.create_template(
        db,
        acme.recruiter,
        {
            "kind": "message",
            "name": "Take-home brief",
            "subject": "Brief",
            "body": "Hi {{ candidate.first_name }}",
        },
    )
    item = write(
        db,
        acme.recruiter,
        app.id,
        raw={"template_id": made.id},
        uploads=[conv.Upload("brief.pdf", PDF_BYTES), conv.Upload("notes.txt", "Bring ideas ✓".encode())],
    )
    assert item.state == conv.QUEUED and item.template_name == "Take-home brief"
    assert item.author == "Acme Recruiter" and item.subject == "About Acme Engineer"
    assert [a.name for a in item.attachments] == ["brief.pdf", "notes.txt"]
    deliver(db, smtp)
    (mail,) = _messages_to(smtp, "cand@example.com")
    assert mail["Subject"] == "About Acme Engineer"
    with db.session() as s:
        token = s.exec(select(ReplyAddress.token).where(ReplyAddress.application_id == app.id)).one()
    assert mail["Reply-To"] == f"reply+{token}@{DOMAIN}" and reply_address.TOKEN.match(token)
    assert "Hello Casey, see the attached brief." in mail.get_body(("plain",)).get_content()
    files = {p.get_filename(): p for p in mail.iter_attachments()}
    assert files["brief.pdf"].get_content_type() == "application/pdf"
    assert files["brief.pdf"].get_content() == PDF_BYTES
    assert files["notes.txt"].get_content().strip() == "Bring ideas ✓"
    # Every email to the candidate carries it (FlowTrack's own too); staff's emails carry none.
    received = [m for m in smtp.handler.messages if "We received" in str(m["Subject"])]
    to_casey = [m for m in received if "cand@example.com" in str(m["To"])]
    assert to_casey and to_casey[0]["Reply-To"] == mail["Reply-To"]
    to_gina = [m for m in received if "gina@example.com" in str(m["To"])]
    assert to_gina and to_gina[0]["Reply-To"] not in (None, mail["Reply-To"])
    staff = [m for m in smtp.handler.messages if str(m["To"]).endswith(".test")]
    assert staff and all(m["Reply-To"] is None for m in staff)
    (after,) = [
        i for i in conv.conversation(db, acme.recruiter, app.id) if i.kind == "email" and i.id == item.id
    ]
    assert after.state == conv.SENT


def test_attachments_are_type_checked_and_size_limited(world):
    db, acme, app = world["db"], world["acme"], world["app"]
    with pytest.raises(UnsupportedFile):
        write(db, acme.recruiter, app.id, uploads=[conv.Upload("run.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04")])
    with pytest.raises(TooLarge):
        write(db, acme.recruiter, app.id, uploads=[conv.Upload("big.pdf", PDF_BYTES + b"0" * (6 << 20))])
    with pytest.raises(InvalidInput):
        write(db, acme.recruiter, app.id, uploads=[conv.Upload(f"{i}.txt", b"x") for i in range(6)])
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    item = write(db, acme.recruiter, app.id, uploads=[conv.Upload("../../offer", docx.getvalue())])
    assert [(a.name, a.content_type) for a in item.attachments] == [
        ("offer.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    ]


def test_unknown_variables_and_bad_times_are_refused(world):
    db, acme, app = world["db"], world["acme"], world["app"]
    with pytest.raises(InvalidInput, match="interview.when"):
        write(db, acme.recruiter, app.id, body="See you {{ interview.when }}")
    with pytest.raises(InvalidInput):
        write(db, acme.recruiter, app.id, body="{{ ''.__class__ }}")
    past = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    with pytest.raises(InvalidInput, match="passed"):
        write(db, acme.recruiter, app.id, raw={"send_at": past})
    with pytest.raises(InvalidInput, match="zone"):
        write(db, acme.recruiter, app.id, raw={"send_at": "2031-01-01T09:00"})
    with pytest.raises(InvalidInput):
        write(db, acme.recruiter, app.id, body="   ")


def test_a_scheduled_message_is_held_then_cancelled_or_sent_early(world, smtp):
    db, acme, app = world["db"], world["acme"], world["app"]
    deliver(db, smtp)  # what applying sent
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    first = write(db, acme.recruiter, app.id, body="First", raw={"send_at": later})
    second = write(db, acme.recruiter, app.id, body="Second", raw={"send_at": later})
    assert first.state == conv.HELD and first.held_until is not None and first.can_cancel
    assert deliver(db, smtp) == 0
    cancelled = conv.cancel_email(db, acme.recruiter, first.id)
    assert cancelled.state == conv.CANCELLED and not cancelled.can_cancel
    early = conv.send_now(db, acme.recruiter, second.id)
    assert early.state == conv.QUEUED
    assert deliver(db, smtp) == 1
    (mail,) = _messages_to(smtp, "cand@example.com")
    assert "Second" in mail.get_body(("plain",)).get_content()
    with pytest.raises(Conflict, match="already been sent"):
        conv.cancel_email(db, acme.recruiter, second.id)
    with pytest.raises(Conflict, match="cancelled"):
        conv.send_now(db, acme.recruiter, first.id)
    states = {i.id: i.state for i in conv.conversation(db, acme.recruiter, app.id) if i.kind == "email"}
    assert states[first.id] == conv.CANCELLED and states[second.id] == conv.SENT


def test_the_hiring_manager_reads_only_recruiters_write_and_another_company_gets_404(world):
    db, acme, globex, app, gapp = world["db"], world["acme"], world["globex"], world["app"], world["gapp"]
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    held = write(db, acme.recruiter, app.id, raw={"send_at": later})
    seen = conv.conversation(db, acme.manager, app.id)
    (mine,) = [i for i in seen if i.kind == "email" and i.id == held.id]
    assert mine.state == conv.HELD and not mine.can_cancel
    with pytest.raises(Forbidden):
        write(db, acme.manager, app.id)
    with pytest.raises(Forbidden):
        conv.cancel_email(db, acme.manager, held.id)
    with pytest.raises(Forbidden):
        conv.send_now(db, acme.manager, held.id)
    for call in (
        lambda: conv.conversation(db, globex.recruiter, app.id),
        lambda: write(db, globex.recruiter, app.id),
        lambda: conv.cancel_email(db, globex.recruiter, held.id),
        lambda: conv.send_now(db, globex.recruiter, held.id),
        lambda: conv.attachment(db, globex.recruiter, app.id, 1),
        lambda: conv.conversation(db, acme.recruiter, gapp.id),
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(InvalidInput):
        conv.cancel_email(db, acme.recruiter, "1; DROP TABLE email_outbox")
    assert [i for i in conv.conversation(db, acme.recruiter, app.id) if i.id == held.id][0].can_cancel


def test_notes_are_in_the_thread_but_never_in_any_email(world, smtp):
    db, acme, app = world["db"], world["acme"], world["app"]
    notes.add_note(db, acme.recruiter, app.id, "SECRET-NOTE: salary expectations too high")
    write(db, acme.recruiter, app.id, body="Could we talk on Monday?")
    kinds = [i.kind for i in conv.conversation(db, acme.manager, app.id)]
    assert "note" in kinds and "email" in kinds
    deliver(db, smtp)
    assert smtp.handler.messages
    for m in smtp.handler.messages:
        assert "SECRET-NOTE" not in m.as_string()


# --- replies -------------------------------------------------------------------------------------


def _reply(to: str, body: str, **headers) -> bytes:
    m = EmailMessage()
    m["From"] = headers.pop("From", "Casey Candidate <cand@example.com>")
    m["To"] = to
    m["Subject"] = headers.pop("Subject", "Re: About Acme Engineer")
    m["Message-ID"] = headers.pop("Message_ID", f"<{abs(hash((to, body)))}@mail.example.com>")
    for name, value in headers.items():
        m[name.replace("_", "-")] = value
    m.set_content(body)
    return bytes(m)


def _token(db, app_id) -> str:
    with db.session(write=True) as s:
        return reply_address.token_for(s, app_id)


def test_a_reply_placed_in_dovecot_is_threaded_to_its_application(world, imap, smtp):
    db, acme, globex, app = world["db"], world["acme"], world["globex"], world["app"]
    write(db, acme.recruiter, app.id, body="Are you free on Monday?")
    deliver(db, smtp)
    (sent,) = _messages_to(smtp, "cand@example.com")
    reply_to = str(sent["Reply-To"])
    m = EmailMessage()
    m["From"] = "Casey Candidate <cand@example.com>"
    m["To"] = reply_to
    m["Subject"] = "Re: About Acme Engineer"
    m["Message-ID"] = "<reply-1@mail.example.com>"
    m["In-Reply-To"] = sent["Message-ID"]
    m.set_content(
        "Yes, Monday works for me.\n\nCasey\n\n"
        "On Mon, 4 May 2026 at 10:00, Acme Recruiter <jobs@acme.test> wrote:\n"
        "> Are you free on Monday?\n"
    )
    m.add_alternative(
        '<p>Yes, Monday works.</p><script>alert(1)</script><img src=x onerror="alert(2)">', subtype="html"
    )
    m.add_attachment(PDF_BYTES, maintype="application", subtype="pdf", filename="portfolio.pdf")
    m.add_attachment(
        b"MZ\x90\x00binary", maintype="application", subtype="octet-stream", filename="virus.exe"
    )
    imap.append(bytes(m))
    imap.append(b"\x00\x01 this is not an email at all \xff" * 3)  # a bad one does not block the rest

    mailbox = inbound.Mailbox(db, imap.url, DOMAIN)
    filed = mailbox.poll()
    assert [(f.application_id, f.kind) for f in filed if not f.duplicate][0] == (app.id, "reply")
    assert all(b"\\Seen" in flags for flags in imap.flags())
    assert mailbox.poll() == []  # read once

    thread = conv.conversation(db, acme.recruiter, app.id)
    (reply,) = [i for i in thread if i.kind == "reply"]
    assert reply.body == "Yes, Monday works for me.\n\nCasey"
    assert reply.unread and reply.state == "reply" and reply.address == "cand@example.com"
    assert [a.name for a in reply.attachments] == ["portfolio.pdf"]
    assert "virus.exe" in reply.error
    with db.session() as s:
        row = s.exec(select(InboundEmail).where(InboundEmail.id == reply.id)).one()
        assert "<script" not in row.body_html and "onerror" not in row.body_html
        unread_for = set(
            s.exec(select(InboundUnread.user_id).where(InboundUnread.inbound_id == reply.id)).all()
        )
    assert unread_for == {acme.recruiter.user_id}
    assert conv.attachment(db, acme.manager, app.id, reply.attachments[0].file_id)[1] == PDF_BYTES
    # "My work" lists it for the recruiters until they open it.
    (listed,) = work.my_work(db, acme.recruiter).replies
    assert (listed.application_id, listed.excerpt) == (app.id, "Yes, Monday works for me.\n\nCasey")
    assert work.my_work(db, acme.manager).replies == () and work.my_work(db, globex.recruiter).replies == ()
    # The hiring manager reads it, but it is unread only for recruiters; reading marks it read.
    assert not [i for i in conv.conversation(db, acme.manager, app.id) if i.kind == "reply"][0].unread
    assert conv.mark_read(db, acme.recruiter, app.id) == 1
    assert not [i for i in conv.conversation(db, acme.recruiter, app.id) if i.kind == "reply"][0].unread
    assert work.my_work(db, acme.recruiter).replies == ()
    # Nothing of it anywhere at Globex.
    assert conv.unmatched(db, globex.recruiter) == []


def test_forged_tokens_bounces_and_auto_replies(world, imap, smtp):
    db, acme, globex, app, gapp = world["db"], world["acme"], world["globex"], world["app"], world["gapp"]
    write(db, acme.recruiter, app.id, body="Hello")
    deliver(db, smtp)
    (sent,) = _messages_to(smtp, "cand@example.com")
    gtoken = _token(db, gapp.id)
    forged = "A" * 32
    # A forged token answering an Acme email: Acme's unmatched list, never Globex's application.
    imap.append(_reply(f"reply+{forged}@{DOMAIN}", "Hi again", In_Reply_To=sent["Message-ID"]))
    # No token and nothing to tell the company: the global bin, seen by nobody.
    imap.append(_reply(f"jobs@{DOMAIN}", "Do you have any openings?", From="stranger@example.org"))
    # A token of the right shape on another domain threads nowhere.
    imap.append(_reply(f"reply+{gtoken}@evil.example", "Sneaky", From="mallory@example.org"))
    # An automatic reply to the candidate's reply address.
    token = _token(db, app.id)
    imap.append(
        _reply(f"reply+{token}@{DOMAIN}", "I am out of office until Monday.", Auto_Submitted="auto-replied")
    )
    imap.append(
        _reply(f"reply+{token}@{DOMAIN}", "Away.", X_Autoreply="yes", Message_ID="<ooo-2@example.com>")
    )
    # A bounce of the email sent: a delivery report quoting its Message-ID.
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.com>"
    bounce["To"] = "jobs@acme.test"
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = "<bounce-1@mx.example.com>"
    bounce.set_content("The mail system could not deliver your message to cand@example.com.")
    original = EmailMessage()
    original["Message-ID"] = sent["Message-ID"]
    original["Subject"] = "About Acme Engineer"
    original.set_content("Hello")
    bounce.add_attachment(original)
    bounce.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    imap.append(bytes(bounce))

    filed = inbound.Mailbox(db, imap.url, DOMAIN).poll()
    assert len(filed) == 6
    by_kind = {}
    for item in conv.conversation(db, acme.recruiter, app.id):
        by_kind.setdefault(item.state, []).append(item)
    assert len(by_kind["auto_reply"]) == 2 and len(by_kind["bounce"]) == 1 and "reply" not in by_kind
    (bounced,) = [e for e in by_kind["failed"] if e.kind == "email"]  # the bounced email failed
    assert bounced.subject == "About Acme Engineer" and "could not deliver" in bounced.error
    unmatched = conv.unmatched(db, acme.recruiter)
    assert [(u.body, u.token) for u in unmatched] == [("Hi again", forged)]
    assert conv.unmatched(db, globex.recruiter) == []
    assert not [i for i in conv.conversation(db, globex.recruiter, gapp.id) if i.kind == "reply"]
    with db.session() as s:
        homeless = s.exec(select(InboundEmail).where(InboundEmail.company_id.is_(None))).all()
    assert sorted(r.from_address for r in homeless) == ["mallory@example.org", "stranger@example.org"]


def test_filing_keeps_companies_apart_on_both_engines(any_db):
    acme, globex = make_company(any_db, "Acme"), make_company(any_db, "Globex")
    cand = make_candidate(any_db)
    app, gapp = apply(any_db, cand, acme.job_id), apply(any_db, cand, globex.job_id)
    token, gtoken = _token(any_db, app.id), _token(any_db, gapp.id)
    assert token != gtoken
    first = inbound.receive(any_db, _reply(f"reply+{gtoken}@{DOMAIN.upper()}", "For Globex"), DOMAIN)
    again = inbound.receive(any_db, _reply(f"reply+{gtoken}@{DOMAIN.upper()}", "For Globex"), DOMAIN)
    assert first.application_id == gapp.id and again.duplicate
    assert [i.body for i in conv.conversation(any_db, globex.manager, gapp.id) if i.kind == "reply"] == [
        "For Globex"
    ]
    assert not [i for i in conv.conversation(any_db, acme.recruiter, app.id) if i.kind == "reply"]
    with pytest.raises(NotFound):
        conv.conversation(any_db, acme.recruiter, gapp.id)


def test_quoted_history_is_trimmed():
    assert inbound.trim_quoted("Sure!\n\n> earlier\n> text\n") == "Sure!"
    outlook = "Works for me.\n\nFrom: Acme <jobs@acme.test>\nSent: Monday\nTo: me\nSubject: x\n\nold"
    assert inbound.trim_quoted(outlook) == "Works for me."
    wrapped = "Thanks.\n\nOn Mon, 4 May 2026 at 10:00, Acme Recruiter\n<jobs@acme.test> wrote:\n> hi"
    assert inbound.trim_quoted(wrapped) == "Thanks."
    assert inbound.trim_quoted("> only a quote") == "> only a quote"


def test_nothing_polls_without_imap_and_a_held_email_is_held_by_one_rule(world):
    db, acme, app = world["db"], world["acme"], world["app"]
    later = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    item = write(db, acme.recruiter, app.id, raw={"send_at": later})
    with db.session(write=True) as s:
        s.execute(update(OutboxEmail).where(OutboxEmail.id == item.id).values(attempts=1))
    (row,) = [
        i for i in conv.conversation(db, acme.recruiter, app.id) if i.kind == "email" and i.id == item.id
    ]
    assert row.state == conv.QUEUED  # a retry waiting for its next attempt is not "held"
    with pytest.raises(InvalidInput):
        inbound.parse_imap_url("http://example.com")
    cfg = inbound.parse_imap_url("imaps://me%40acme.test:p%2Fw@imap.acme.test/Replies")
    assert (cfg.username, cfg.password, cfg.port, cfg.folder, cfg.ssl) == (
        "me@acme.test",
        "p/w",
        993,
        "Replies",
        True,
    )


def test_erasing_forgets_the_conversation(world, smtp):
    db, acme, app = world["db"], world["acme"], world["app"]
    write(db, acme.recruiter, app.id, uploads=[conv.Upload("brief.pdf", PDF_BYTES)])
    raw = _reply(f"reply+{_token(db, app.id)}@{DOMAIN}", "My phone is +44 20 7946 0001")
    inbound.receive(db, raw, DOMAIN)
    with db.session(write=True) as s:
        conv.forget_applications(s, [app.id])
        s.execute(delete(OutboxEmail).where(OutboxEmail.application_id == app.id))  # as erase does next
    assert conv.conversation(db, acme.recruiter, app.id) == []
    with db.session() as s:
        assert s.exec(select(InboundEmail)).all() == [] and s.exec(select(ReplyAddress)).all() == []
        assert s.exec(select(StoredFile).where(StoredFile.original_name == "brief.pdf")).all() == []


def test_the_bulk_email_action_writes_to_each_candidate_through_compose(world, smtp):
    db, acme, globex, app, gapp = world["db"], world["acme"], world["globex"], world["app"], world["gapp"]
    second = apply(db, make_candidate(db, "dana@example.com", "Dana Doe"), acme.job_id)
    made = mail_templates.create_template(
        db,
        acme.recruiter,
        {
            "kind": "message",
            "name": "Update",
            "subject": "News on {{ job.title }}",
            "body": "Hi {{ candidate.first_name }}",
        },
    )
    with pytest.raises(Forbidden):
        actions.run_bulk(db, acme.manager, "email", [app.id], template_id=made.id)
    with pytest.raises(InvalidInput, match="template"):
        actions.run_bulk(db, acme.recruiter, "email", [app.id])
    done = actions.run_bulk(
        db, acme.recruiter, "email", [app.id, second.id, gapp.id], template_id=made.id, send_in_minutes=60
    )
    assert sorted(done.succeeded) == sorted([app.id, second.id]) and [
        f.application_id for f in done.failed
    ] == [gapp.id]
    for app_id, first in ((app.id, "Casey"), (second.id, "Dana")):
        (mail,) = [i for i in conv.conversation(db, acme.recruiter, app_id) if i.template_name == "Update"]
        assert mail.state == conv.HELD and mail.body == f"Hi {first}\n" and mail.author == "Acme Recruiter"
    assert not [i for i in conv.conversation(db, globex.recruiter, gapp.id) if i.template_name == "Update"]


def test_erasing_a_candidate_leaves_nothing_of_the_conversation(world, smtp):
    db, acme, app, candidate_id = world["db"], world["acme"], world["app"], world["app"].candidate_id
    write(db, acme.recruiter, app.id, uploads=[conv.Upload("brief.pdf", PDF_BYTES)])
    deliver(db, smtp)
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Message-ID"] = (
        "cand@example.com",
        f"reply+{_token(db, app.id)}@{DOMAIN}",
        "<e@x>",
    )
    reply.set_content("Call me on +44 20 7946 0001")
    reply.add_attachment(PDF_BYTES, maintype="application", subtype="pdf", filename="cv.pdf")
    assert inbound.receive(db, bytes(reply), DOMAIN).application_id == app.id
    erase.erase_candidate(db, acme.recruiter, candidate_id)
    assert conv.conversation(db, acme.recruiter, app.id) == []
    with db.session() as s:
        assert s.exec(select(InboundEmail)).all() == []
        assert s.exec(select(ReplyAddress).where(ReplyAddress.application_id == app.id)).all() == []
        names = set(s.exec(select(StoredFile.original_name)).all())
    assert not names & {"brief.pdf", "cv.pdf"}
