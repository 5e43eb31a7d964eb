"""Email notifications: the outbox, written with each change, delivered to a real SMTP server.

The server is aiosmtpd on loopback; it records a message only when it answers 250, so "the
server acknowledged it" is exact.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlmodel import select

from flowtrack_ui.core import queries
from flowtrack_ui.core.accounts import invitations, sign_in, sign_up
from flowtrack_ui.core.applications.applying import apply
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidTransition, NotFound
from flowtrack_ui.core.models import OutboxEmail
from flowtrack_ui.core.outbox import Sender, backoff, parse_smtp_url
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.pipelines.moves import move_stage

from .conftest import PASSWORD, every_stage_emails, make_company
from .e2e_server import ROOT, free_port
from .smtp_support import SmtpServer
from .test_api import client_for, login

FROM = "FlowTrack <jobs@acme.test>"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def sender_for(db, url: str, **kw) -> Sender:
    return Sender(db, url, FROM, backoff_seconds=kw.pop("backoff_seconds", 0.05), **kw)


def outbox(db) -> list[OutboxEmail]:
    with db.session() as s:
        return list(s.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all())


def pass_undo_windows(db) -> None:
    """As if the undo window of every stage change were over: its held emails become due."""
    with db.session(write=True) as s:
        s.execute(
            update(OutboxEmail)
            .where(OutboxEmail.history_id.is_not(None), OutboxEmail.attempts == 0)
            .values(next_attempt_at=datetime.now(UTC))
        )


def deliver_all(sender: Sender, timeout: float = 10) -> None:
    pass_undo_windows(sender.db)
    deadline = time.time() + timeout
    while time.time() < deadline:
        sender.deliver_due()
        if all(r.sent_at or r.failed_at or r.cancelled_at for r in outbox(sender.db)):
            return
        time.sleep(0.05)
    raise AssertionError("the outbox was not emptied in time")


def bodies(msg) -> tuple[str, str]:
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


# --- each event, exactly the expected email ---------------------------------------------------


def test_each_event_sends_exactly_the_expected_emails(any_db, smtp):
    db = any_db
    acme = make_company(db, "Acme")
    invitations.invite_staff(db, acme.recruiter, "second@acme.test", Role.RECRUITER)
    # the recruiter's link to confirm their address (company sign-up), the manager's invitation, the 2nd's
    assert [r.kind for r in outbox(db)] == ["email_verification", "staff_invitation", "staff_invitation"]
    deliver_all(sender_for(db, smtp.url))
    invite = smtp.handler.messages[-1]
    assert invite["To"] == "second@acme.test" and invite["X-Envelope-To"] == "second@acme.test"
    assert invite["From"] == FROM
    text, html = bodies(invite)
    assert "/invite/" in text and "/invite/" in html and "a recruiter" in text
    smtp.handler.messages.clear()

    sign_up.register_candidate(db, "casey@example.com", PASSWORD, "Casey <Candidate>")
    casey = sign_in.principal_from_token(db, sign_in.login(db, "casey@example.com", PASSWORD))
    app = apply(db, casey, acme.job_id)
    deliver_all(sender_for(db, smtp.url))
    by_kind = {m["To"]: m for m in smtp.handler.messages}
    assert sorted(by_kind) == ["casey@example.com", "rec@acme.test"]  # the candidate; the company's recruiter
    received = by_kind["casey@example.com"]
    assert received["Subject"] == "We received your application for Acme Engineer"
    text, html = bodies(received)
    assert "Casey <Candidate>" in text and "Casey &lt;Candidate&gt;" in html  # escaped in HTML only
    assert "http://localhost:3000/my-applications" in text
    new = by_kind["rec@acme.test"]
    assert new["Subject"] == "New applicant for Acme Engineer: Casey <Candidate>"
    assert f"/board?job={acme.job_id}" in bodies(new)[0]
    smtp.handler.messages.clear()

    every_stage_emails(db)
    move_stage(db, acme.recruiter, app.id, "Screening", note="strong CV, ask about gaps")
    move_stage(db, acme.recruiter, app.id, "Rejected", note="internal: salary too high")
    deliver_all(sender_for(db, smtp.url))
    screening, rejected = smtp.handler.messages
    assert [m["To"] for m in smtp.handler.messages] == ["casey@example.com"] * 2
    assert screening["Subject"] == "Your application for Acme Engineer: Screening"
    assert rejected["Subject"] == "Your application for Acme Engineer at Acme"
    text, html = bodies(rejected)
    assert "not to take your application further" in text
    for body in (*bodies(screening), text, html):
        assert "salary" not in body and "gaps" not in body and "internal" not in body
    assert len({*smtp.handler.ids()}) == 2

    timeline = queries.application_emails(db, acme.recruiter, app.id)
    assert [(e.kind, e.status) for e in timeline] == [
        ("application_received", "sent"),
        ("stage_changed", "sent"),
        ("application_rejected", "sent"),
    ]


def test_a_refused_change_writes_no_email(db, smtp):
    acme = make_company(db, "Acme")
    sign_up.register_candidate(db, "casey@example.com", PASSWORD, "Casey")
    casey = sign_in.principal_from_token(db, sign_in.login(db, "casey@example.com", PASSWORD))
    app = apply(db, casey, acme.job_id)
    before = len(outbox(db))
    with pytest.raises(InvalidTransition):
        move_stage(db, acme.recruiter, app.id, "Hired")
    with pytest.raises(Conflict):
        apply(db, casey, acme.job_id)  # twice
    assert len(outbox(db)) == before


def test_only_the_companys_recruiters_see_the_emails(db):
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    sign_up.register_candidate(db, "casey@example.com", PASSWORD, "Casey")
    casey = sign_in.principal_from_token(db, sign_in.login(db, "casey@example.com", PASSWORD))
    app = apply(db, casey, acme.job_id)
    assert len(queries.application_emails(db, acme.recruiter, app.id)) == 1
    for outsider in (globex.recruiter, casey, acme.manager):
        with pytest.raises((Forbidden, NotFound)):
            queries.application_emails(db, outsider, app.id)


# --- the sender ----------------------------------------------------------------------------------


def test_no_smtp_keeps_everything_in_the_outbox_and_logs_it(db, caplog):
    make_company(db, "Acme")
    sender = Sender(db, None, FROM)
    with caplog.at_level("INFO", logger="flowtrack.mailer"):
        assert sender.deliver_due() == 0
        sender.deliver_due()
    assert all(r.sent_at is None and r.attempts == 0 for r in outbox(db))
    lines = [r.message for r in caplog.records if "kept in the outbox" in r.message]
    # the recruiter's confirmation link and the manager's invitation, each logged once, not on every pass
    assert len(lines) == len(outbox(db)) == 2


def test_a_server_that_is_down_then_back_gets_every_email_once(db):
    port = free_port()
    acme = make_company(db, "Acme")
    for i in range(4):
        invitations.invite_staff(db, acme.recruiter, f"r{i}@acme.test", Role.RECRUITER)
    expected = {r.message_id for r in outbox(db)}
    sender = sender_for(db, f"smtp://127.0.0.1:{port}", backoff_seconds=0.05, backoff_ceiling=0.2)
    stop = threading.Event()
    runner = threading.Thread(target=sender.run, args=(stop, 0.05), daemon=True)
    runner.start()
    time.sleep(0.6)  # several passes against a closed port
    assert all(r.sent_at is None for r in outbox(db))
    server = SmtpServer(port).start()
    try:
        deadline = time.time() + 10
        while time.time() < deadline and not all(r.sent_at for r in outbox(db)):
            time.sleep(0.05)
        stop.set()
        runner.join(5)
        assert sorted(server.handler.ids()) == sorted(expected)  # each once, none lost
    finally:
        server.stop()


def test_temporary_refusals_are_retried_with_back_off_and_permanent_ones_are_not(db, smtp):
    acme = make_company(db, "Acme")
    invitations.invite_staff(db, acme.recruiter, "busy@acme.test", Role.RECRUITER)
    invitations.invite_staff(db, acme.recruiter, "gone@acme.test", Role.RECRUITER)
    smtp.handler.refuse = {"busy@acme.test": "451 Try again later", "gone@acme.test": "550 No such user"}
    sender = sender_for(db, smtp.url, backoff_seconds=1.0)
    sender.deliver_due()
    rows = {r.to_address: r for r in outbox(db)}
    assert rows["busy@acme.test"].sent_at is None and rows["busy@acme.test"].attempts == 1
    assert "451" in rows["busy@acme.test"].last_error
    assert rows["busy@acme.test"].next_attempt_at.timestamp() > time.time()  # backing off
    assert rows["gone@acme.test"].failed_at is not None and "550" in rows["gone@acme.test"].last_error
    smtp.handler.refuse = {}
    sender.deliver_due()  # too early: still backing off
    assert outbox(db)[-2].sent_at is None
    time.sleep(1.1)
    sender.deliver_due()
    rows = {r.to_address: r for r in outbox(db)}
    assert rows["busy@acme.test"].sent_at is not None and rows["busy@acme.test"].attempts == 2
    assert rows["gone@acme.test"].sent_at is None and rows["gone@acme.test"].attempts == 1  # not retried
    assert [m["To"] for m in smtp.handler.messages][-1] == "busy@acme.test"


def test_two_senders_share_one_outbox_without_sending_twice(any_db, smtp):
    db = any_db
    acme = make_company(db, "Acme")
    for i in range(12):
        invitations.invite_staff(db, acme.recruiter, f"r{i}@acme.test", Role.RECRUITER)
    a, b = sender_for(db, smtp.url, batch=3), sender_for(db, smtp.url, batch=3)
    for _ in range(8):
        threads = [threading.Thread(target=s.deliver_due) for s in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(smtp.handler.ids()) == sorted(r.message_id for r in outbox(db))


def test_a_sender_killed_mid_batch_sends_nothing_twice_and_loses_nothing(tmp_path, sqlite_template):
    """SIGKILL while the server is taking the third email; the restarted sender finishes the rest."""
    import shutil

    from flowtrack_ui.core.db import Database

    path = tmp_path / "flowtrack.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    acme = make_company(db, "Acme")
    for i in range(6):
        invitations.invite_staff(db, acme.recruiter, f"r{i}@acme.test", Role.RECRUITER)
    expected = sorted(r.message_id for r in outbox(db))
    server = SmtpServer(delay=0.3).start()
    env = {
        **os.environ,
        "FLOWTRACK_DATABASE_URL": f"sqlite:///{path}",
        "FLOWTRACK_SMTP_URL": server.url,
        "FLOWTRACK_MAIL_FROM": FROM,
    }
    cmd = [sys.executable, "-m", "flowtrack_ui.mailer", "--poll-seconds", "0.1", "--lease-seconds", "1"]
    try:
        first = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE)
        with server.handler.began:
            assert server.handler.began.wait_for(lambda: server.handler.started >= 3, timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        acked = server.handler.ids()
        assert len(acked) == 2  # the third was in flight, never acknowledged
        second = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while time.time() < deadline and not all(r.sent_at for r in outbox(db)):
            time.sleep(0.1)
        second.terminate()
        log = second.communicate(timeout=10)[1].decode()
        assert sorted(server.handler.ids()) == expected, log  # every email exactly once
        assert "email sender started" in log
    finally:
        server.stop()
        db.dispose()


# --- pieces ---------------------------------------------------------------------------------------


def test_smtp_urls_and_back_off():
    cfg = parse_smtp_url("smtp://me%40acme.test:p%3Ass@mail.acme.test:587")
    assert (cfg.host, cfg.port, cfg.username, cfg.password, cfg.implicit_tls) == (
        "mail.acme.test",
        587,
        "me@acme.test",
        "p:ss",
        False,
    )
    assert parse_smtp_url("smtps://mail.acme.test").port == 465
    for bad in ("http://mail.acme.test", "smtp://", "mail.acme.test:25"):
        with pytest.raises(Exception, match="FLOWTRACK_SMTP_URL"):
            parse_smtp_url(bad)
    assert [backoff(n, 30, 3600).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_the_mailer_command_runs_and_stops_on_sigterm(tmp_path, sqlite_template):
    import shutil

    path = tmp_path / "flowtrack.db"
    shutil.copy(sqlite_template, path)
    env = {**os.environ, "FLOWTRACK_DATABASE_URL": f"sqlite:///{path}"}
    env.pop("FLOWTRACK_SMTP_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "flowtrack_ui.mailer", "--poll-seconds", "0.1"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
    )
    # SIGTERM once the sender says it started (its handler is installed by then), however long
    # the interpreter takes to import on a busy machine.
    started, deadline = "", time.monotonic() + 60
    waiting = selectors.DefaultSelector()
    waiting.register(proc.stderr, selectors.EVENT_READ)
    while "email sender started" not in started and time.monotonic() < deadline:
        if waiting.select(timeout=1):
            line = proc.stderr.readline().decode()
            if not line:  # the process ended
                break
            started += line
    assert "email sender started, delivering to nowhere (no FLOWTRACK_SMTP_URL)" in started, started
    proc.terminate()
    err = started + proc.communicate(timeout=10)[1].decode()
    assert proc.returncode == 0, err


def test_the_api_lists_an_applications_emails_for_its_recruiters_only(db, smtp):
    acme = make_company(db, "Acme")
    make_company(db, "Globex")
    sign_up.register_candidate(db, "casey@example.com", PASSWORD, "Casey")
    casey = sign_in.principal_from_token(db, sign_in.login(db, "casey@example.com", PASSWORD))
    every_stage_emails(db)
    app = apply(db, casey, acme.job_id)
    move_stage(db, acme.recruiter, app.id, "Screening")
    sender_for(db, smtp.url).deliver_due()
    c = client_for(db)
    r = c.get(f"/api/history/application/{app.id}/emails", headers=login(c, "rec@acme.test"))
    assert r.status_code == 200
    # The stage change's email waits out the undo window in the outbox.
    assert [(e["kind"], e["status"]) for e in r.json()] == [
        ("application_received", "sent"),
        ("stage_changed", "queued"),
    ]
    deliver_all(sender_for(db, smtp.url))
    r = c.get(f"/api/history/application/{app.id}/emails", headers=login(c, "rec@acme.test"))
    assert [(e["kind"], e["status"], e["to_address"]) for e in r.json()] == [
        ("application_received", "sent", "casey@example.com"),
        ("stage_changed", "sent", "casey@example.com"),
    ]
    for who in ("rec@globex.test", "casey@example.com"):
        r = c.get(f"/api/history/application/{app.id}/emails", headers=login(c, who))
        assert r.status_code in (403, 404) and "detail" in r.json()
