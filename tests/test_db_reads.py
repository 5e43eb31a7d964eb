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
