"""core/prebuilt: a move's statements run on the driver (SQLite's, psycopg) give what SQLAlchemy
gives: every test runs on both databases."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event, exc

from flowtrack_ui.core import prebuilt
from flowtrack_ui.core.accounts.sign_in import _CALLER
from flowtrack_ui.core.applications import applying
from flowtrack_ui.core.db import Database
from flowtrack_ui.core.mail import templates as mail_templates
from flowtrack_ui.core.models import Application, CompanyEmailTemplate, Job, User
from flowtrack_ui.core.pipelines.job_stages import pipeline_of
from flowtrack_ui.core.pipelines.moves import _CARD, move_stage

from .conftest import Company, make_candidate, make_company

_APPS, _JOBS = Application.__table__, Job.__table__


@pytest.fixture
def db(any_db: Database) -> Database:
    return any_db


def test_it_takes_the_driver_on_both_databases(db: Database, acme: Company) -> None:
    """Not SQLAlchemy's execution: no execution context is made for a prebuilt statement."""
    contexts: list[object] = []

    def record(conn, cursor, statement, params, context, many) -> None:
        contexts.append(context)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.engine.connect() as conn:
            prebuilt.execute(conn, _CALLER, {"user_id": acme.recruiter.user_id}).one()
            conn.execute(_CALLER, {"user_id": acme.recruiter.user_id}).one()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert contexts[0] is None and contexts[1] is not None


@pytest.fixture
def moved(db: Database, acme: Company) -> tuple[Database, int, int]:
    app_id = applying.apply(db, make_candidate(db), acme.job_id).id
    move_stage(db, acme.recruiter, app_id, "Screening")
    return db, app_id, acme.recruiter.company_id or 0


def test_a_select_reads_what_sqlalchemy_reads_with_its_types(moved) -> None:
    db, app_id, company_id = moved
    params = {"app_id": app_id, "company_id": company_id}
    with db.engine.connect() as conn:
        ours = prebuilt.execute(conn, _CARD, params).one()
        theirs = conn.execute(_CARD, params).one()
    assert tuple(ours) == tuple(theirs)
    assert ours._fields == tuple(theirs._fields)
    assert ours.created_at.tzinfo is not None  # UTCDateTime's own reading, not SQLite's text
    assert ours.has_webhooks in (False, 0) and ours.job_title == theirs.job_title


def test_booleans_and_missing_rows(db: Database, acme: Company) -> None:
    with db.engine.connect() as conn:
        row = prebuilt.execute(conn, _CALLER, {"user_id": acme.recruiter.user_id}).first()
        assert row.is_active is True and row.require_2fa is False
        assert prebuilt.execute(conn, _CALLER, {"user_id": 10**9}).first() is None
        with pytest.raises(exc.NoResultFound):
            prebuilt.execute(conn, _CALLER, {"user_id": 10**9}).one()


def test_an_update_binds_aware_datetimes_and_counts_rows(moved) -> None:
    db, app_id, _ = moved
    when = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    stamp = sa.update(_APPS).where(_APPS.c.id == sa.bindparam("app")).values(updated_at=sa.bindparam("at"))
    with db.session(write=True) as s:
        assert prebuilt.execute(s.connection(), stamp, {"app": app_id, "at": when}).rowcount == 1
        assert prebuilt.execute(s.connection(), stamp, {"app": 10**9, "at": when}).rowcount == 0
    with db.session() as s:
        assert s.get(Application, app_id).updated_at == when
    # A naive time is refused by the column's own type, as it is through SQLAlchemy.
    with pytest.raises((ValueError, exc.StatementError)), db.session(write=True) as s:
        prebuilt.execute(s.connection(), stamp, {"app": app_id, "at": datetime(2026, 3, 1)})


def test_the_statement_s_own_values_and_returning(moved) -> None:
    db, app_id, _ = moved
    bump = (
        sa.update(_APPS)
        .where(_APPS.c.id == sa.bindparam("app"))
        .values(version=_APPS.c.version + 1)
        .returning(_APPS.c.version)
    )
    with db.session() as s:
        before = s.get(Application, app_id).version
    with db.session(write=True) as s:
        assert prebuilt.execute(s.connection(), bump, {"app": app_id}).scalar_one() == before + 1
    with pytest.raises(exc.ArgumentError, match="app"), db.engine.connect() as conn:
        prebuilt.execute(conn, bump, {})


def test_it_runs_inside_the_transaction_and_rolls_back_with_it(moved) -> None:
    db, app_id, _ = moved
    stamp = sa.update(_APPS).where(_APPS.c.id == sa.bindparam("app")).values(source_detail=sa.bindparam("d"))
    with pytest.raises(RuntimeError), db.session(write=True) as s:
        prebuilt.execute(s.connection(), stamp, {"app": app_id, "d": "kept?"})
        raise RuntimeError("the unit of work fails")
    with db.engine.connect() as conn:
        # A plain connection's first statement begins its transaction, as SQLAlchemy's autobegin.
        assert not conn.in_transaction()
        assert prebuilt.execute(conn, _CARD, {"app_id": app_id, "company_id": 0}).first() is None
        assert conn.in_transaction()
    with db.session() as s:
        assert s.get(Application, app_id).source_detail != "kept?"


def test_driver_errors_arrive_as_sqlalchemy_s(db: Database, acme: Company) -> None:
    taken = acme.recruiter.email
    rename = sa.update(User.__table__).where(User.__table__.c.email == sa.bindparam("old"))
    rename = rename.values(email=sa.bindparam("new"))
    other = make_candidate(db, "other@example.com").email
    with pytest.raises(exc.IntegrityError), db.session(write=True) as s:
        prebuilt.execute(s.connection(), rename, {"old": other, "new": taken})


def test_statement_counters_see_every_statement(moved) -> None:
    db, app_id, company_id = moved
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.engine.connect() as conn:
            prebuilt.execute(conn, _CARD, {"app_id": app_id, "company_id": company_id}).one()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("SELECT")


def test_python_side_defaults_go_through_sqlalchemy(moved) -> None:
    """An INSERT whose columns take Python-side defaults needs SQLAlchemy's execution context."""
    db, app_id, _ = moved
    with db.session() as s:
        job_id = s.get(Application, app_id).job_id
        stages = pipeline_of(s, job_id)
    candidate = make_candidate(db, "third@example.com")
    add = sa.insert(_APPS)  # created_at and updated_at come from the model's default factory
    with db.session(write=True) as s:
        result = prebuilt.execute(
            s.connection(),
            add,
            {"job_id": job_id, "candidate_id": candidate.user_id, "stage_id": stages.stages[0].id},
        )
        assert isinstance(result, sa.CursorResult)
    with db.session() as s:
        made = s.exec(
            sa.select(Application).where(Application.candidate_id == candidate.user_id)  # type: ignore[arg-type]
        ).one()[0]
        assert datetime.now(UTC) - made.created_at < timedelta(minutes=1)


def test_a_read_that_replaced_an_orm_select_sees_the_session_s_pending_rows(
    db: Database, acme: Company
) -> None:
    company_id = acme.recruiter.company_id or 0
    with db.session(write=True) as s:
        s.add(
            CompanyEmailTemplate(
                company_id=company_id,
                kind="rejection",
                name="Kind words",
                subject="About your application",
                body="Thank you.",
                is_default=True,
            )
        )
        assert mail_templates.source_for(s, company_id, "rejection") == (
            "About your application",
            "Thank you.",
        )


@pytest.mark.postgres
def test_a_lost_server_connection_invalidates_the_pool_as_sqlalchemy_does(pg_db: Database) -> None:
    """The server ends the sessions (a restart, a failover): the error says the connection was
    invalidated, and every pooled connection opened before it is replaced at its next checkout,
    as SQLAlchemy's own handling does, instead of each failing one more request."""
    db = pg_db
    user_id = make_company(db, "Acme").recruiter.user_id

    def backend(conn) -> int:
        pid = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar())
        conn.rollback()
        return pid

    conn = db.engine.connect()
    with db.engine.connect() as idle:
        pid, pooled = backend(conn), backend(idle)
    # ``idle`` is back in the pool, opened before the failure; the server then ends both sessions.
    outside = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with outside.connect() as killer:
        for each in (pid, pooled):
            killer.exec_driver_sql(f"SELECT pg_terminate_backend({each})")
        for _ in range(100):  # the backends end a moment after being told to
            gone = f"SELECT count(*) FROM pg_stat_activity WHERE pid IN ({pid}, {pooled})"
            if not killer.exec_driver_sql(gone).scalar():
                break
            time.sleep(0.05)
    outside.dispose()
    with pytest.raises(exc.DBAPIError) as lost:
        prebuilt.execute(conn, _CALLER, {"user_id": user_id}).first()
    assert lost.value.connection_invalidated and conn.invalidated
    conn.close()
    with db.engine.connect() as conn:
        assert backend(conn) not in (pid, pooled)  # a fresh connection, not the one left pooled
        assert prebuilt.execute(conn, _CALLER, {"user_id": user_id}).one().id == user_id
