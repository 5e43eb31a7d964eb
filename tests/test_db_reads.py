"""The database's connections: PostgreSQL connections pinged only after sitting idle, reads outside
a transaction, and a connection that went away while idle replaced before it is used."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from flowtrack_ui.core import db as db_module
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.errors import DomainError, NotFound, Unauthenticated
from flowtrack_ui.core.live_access import job_board_topic_for_token

from .conftest import PASSWORD, make_candidate, make_company


def _backend_pid(db) -> int:
    with db.reads() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


@pytest.mark.postgres
def test_a_busy_connection_is_not_pinged_and_an_idle_one_is(pg_db, monkeypatch):
    pings = []
    real = pg_db.engine.dialect.do_ping
    monkeypatch.setattr(pg_db.engine.dialect, "do_ping", lambda c: pings.append(1) or real(c))
    pid = _backend_pid(pg_db)
    for _ in range(5):
        assert _backend_pid(pg_db) == pid  # the same pooled connection, handed out without a ping
    assert pings == []
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)
    assert _backend_pid(pg_db) == pid
    assert pings == [1]


@pytest.mark.postgres
def test_a_connection_that_went_away_while_idle_is_replaced_before_use(pg_db, pg_admin, monkeypatch):
    pid = _backend_pid(pg_db)
    with pg_admin.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)  # as if it had sat idle
    assert _backend_pid(pg_db) != pid  # no error reaches the caller


@pytest.mark.postgres
def test_reads_run_outside_a_transaction(pg_db):
    with pg_db.reads() as conn:
        first = conn.execute(text("SELECT txid_current_if_assigned() IS NULL, now()")).one()
        second = conn.execute(text("SELECT now()")).scalar()
    assert first[0] is True
    assert second >= first[1]  # each statement its own transaction (now() moves on)


@pytest.mark.parametrize("engine", ["sqlite_db", pytest.param("pg_db", marks=pytest.mark.postgres)])
def test_the_boards_access_check_reads_the_caller_and_the_job_now(engine, request):
    db = request.getfixturevalue(engine)
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    token = sign_in.login(db, "rec@acme.test", PASSWORD)
    assert job_board_topic_for_token(db, token, acme.job_id).endswith(str(acme.job_id))
    with pytest.raises(NotFound):
        job_board_topic_for_token(db, token, globex.job_id)
    with pytest.raises(NotFound):
        job_board_topic_for_token(db, token, 10**9)
    make_candidate(db)
    with pytest.raises(DomainError) as refused:
        job_board_topic_for_token(db, sign_in.login(db, "cand@example.com", PASSWORD), acme.job_id)
    assert refused.value.status_code == 403
    sign_in.logout(db, acme.recruiter)
    with pytest.raises(Unauthenticated):
        job_board_topic_for_token(db, token, acme.job_id)
    with pytest.raises(Unauthenticated):
        job_board_topic_for_token(db, "", acme.job_id)


def test_tabs_woken_by_one_signal_share_their_sessions_check(sqlite_db, monkeypatch):
    """Every tab of one session that one change woke is answered by one check; another change,
    another session, an answer older than SHARED_CHECK_SECONDS or a refusal is checked again."""
    from flowtrack_ui.core import live_access

    db = sqlite_db
    acme, globex = make_company(db, "Acme"), make_company(db, "Globex")
    token = sign_in.login(db, "rec@acme.test", PASSWORD)
    other = sign_in.login(db, "rec@acme.test", PASSWORD) + " "  # another session's (different) token
    checks: list[str | None] = []
    real = sign_in.principal_from_token
    monkeypatch.setattr(
        sign_in,
        "principal_from_token",
        lambda d, t, conn=None: checks.append(t) or real(d, t.strip(), conn=conn),
    )
    for _ in range(3):
        job_board_topic_for_token(db, token, acme.job_id, "feed:7")
    assert len(checks) == 1
    job_board_topic_for_token(db, token, acme.job_id, "feed:8")
    job_board_topic_for_token(db, other, acme.job_id, "feed:8")
    job_board_topic_for_token(db, token, acme.job_id)  # no signal: a subscription or a timed wake
    assert len(checks) == 4
    for _ in range(2):  # a refusal is not shared
        with pytest.raises(NotFound):
            job_board_topic_for_token(db, token, globex.job_id, "feed:8")
    assert len(checks) == 6
    monkeypatch.setattr(live_access, "SHARED_CHECK_SECONDS", 0.0)  # the answer has aged
    job_board_topic_for_token(db, token, acme.job_id, "feed:8")
    assert len(checks) == 7
    sign_in.logout(db, acme.recruiter)  # the next change's check sees the session ended
    with pytest.raises(Unauthenticated):
        job_board_topic_for_token(db, token, acme.job_id, "feed:9")
