"""The initial migration creates exactly what the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from flowtrack_ui.core import models  # noqa: F401


def _declared(obj, name, type_, reflected, compare_to):
    table = getattr(getattr(obj, "table", None), "name", None)
    return not models.engine_managed(name or "", type_, table)


def _diff(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _declared})
        return compare_metadata(ctx, SQLModel.metadata)


def test_no_drift_sqlite(sqlite_db):
    assert _diff(sqlite_db) == []


@pytest.mark.postgres
def test_no_drift_postgres(pg_db):
    assert _diff(pg_db) == []


# --- 0007: existing jobs move onto the default pipeline with nothing lost ---------------------

_T = "2026-11-01 10:00:00+00:00"
_PATHS = {  # application id: the stages it went through
    1: ["Applied"],
    2: ["Applied", "Screening", "Interview"],
    3: ["Applied", "Screening", "Rejected"],
    4: ["Applied", "Screening", "Interview", "Offer", "Hired"],
}


def _populate_at_0006(url: str) -> None:
    from sqlalchemy import create_engine, text

    from flowtrack_ui.core.db import normalize_url

    engine = create_engine(normalize_url(url))
    with engine.begin() as c:
        c.execute(
            text(f"INSERT INTO company (id, name, name_key, created_at) VALUES (1, 'Acme', 'acme', '{_T}')")
        )
        users = [(1, "rec@acme.test", "recruiter", 1)] + [
            (10 + i, f"c{i}@x.test", "candidate", None) for i in _PATHS
        ]
        for uid, email, role, company in users:
            c.execute(
                text(
                    "INSERT INTO user_account (id, email, full_name, role, company_id, password_hash, "
                    "is_active, token_version, created_at) "
                    "VALUES (:id, :email, :name, :role, :company, 'x', true, 0, :t)"
                ),
                {
                    "id": uid,
                    "email": email,
                    "name": email.split("@")[0],
                    "role": role,
                    "company": company,
                    "t": _T,
                },
            )
        c.execute(
            text(
                "INSERT INTO job (id, company_id, title, description, location, status, "
                "scorecard_criteria, created_by_id, created_at, updated_at) "
                f"VALUES (1, 1, 'Engineer', '', '', 'open', '[]', 1, '{_T}', '{_T}')"
            )
        )
        hid = 0
        for app_id, path in _PATHS.items():
            c.execute(
                text(
                    "INSERT INTO application (id, job_id, candidate_id, stage, version, stage_changed_at, "
                    "created_at, updated_at) VALUES (:id, 1, :cand, :stage, :v, :t, :t, :t)"
                ),
                {"id": app_id, "cand": 10 + app_id, "stage": path[-1], "v": len(path), "t": _T},
            )
            old = None
            for stage in path:
                hid += 1
                c.execute(
                    text(
                        "INSERT INTO application_history (id, application_id, old_stage, new_stage, "
                        "changed_by_id, changed_at, note) VALUES (:id, :app, :old, :new, :by, :t, :note)"
                    ),
                    {
                        "id": hid,
                        "app": app_id,
                        "old": old,
                        "new": stage,
                        "by": 1 if old else 10 + app_id,
                        "t": _T,
                        "note": "kept" if stage == "Rejected" else None,
                    },
                )
                old = stage
        # What 0009 indexes for the talent pool: a résumé's text, a note, a profile.
        c.execute(
            text(
                "INSERT INTO stored_file (id, owner_id, sha256, size, content_type, original_name, data, "
                "text, created_at) VALUES (1, 11, 'x', 1, 'application/pdf', 'cv.pdf', :data, "
                "'Fortran wizard and punch cards', :t)"
            ),
            {"data": b"%PDF", "t": _T},
        )
        c.execute(text("UPDATE application SET resume_file_id = 1 WHERE id = 1"))
        c.execute(
            text(
                "INSERT INTO candidate_profile (user_id, phone, location, linkedin_url, website, headline, "
                "updated_at) VALUES (12, '+44 20 7946 0958', '', 'https://linkedin.com/in/Twelve', '', "
                "'Zeppelin pilot', :t)"
            ),
            {"t": _T},
        )
        c.execute(
            text(
                "INSERT INTO application_note (id, application_id, author_id, body, created_at) "
                "VALUES (1, 3, 1, 'Knows semaphore', :t)"
            ),
            {"t": _T},
        )
        if engine.dialect.name == "postgresql":
            for table in ("company", "user_account", "job", "application", "application_history"):
                seq = f"pg_get_serial_sequence('{table}', 'id')"
                c.execute(text(f"SELECT setval({seq}, (SELECT max(id) FROM {table}))"))
    engine.dispose()


def _check_0007(url: str) -> None:
    from sqlmodel import select

    from flowtrack_ui.core import queries
    from flowtrack_ui.core.db import Database
    from flowtrack_ui.core.models import Application, ApplicationHistory, JobStage, RejectionReason
    from flowtrack_ui.core.permissions import Principal, Role
    from flowtrack_ui.core.pipelines.moves import move_stage

    from .test_history import assert_chain

    db = Database(url)
    try:
        with db.session() as s:
            stages = s.exec(select(JobStage).order_by(JobStage.position)).all()
            names = ["Applied", "Screening", "Interview", "Offer", "Hired", "Rejected", "Withdrawn"]
            assert [(st.name, st.category) for st in stages] == [(n, n.lower()) for n in names]
            ids = {st.name: st.id for st in stages}
            for app in s.exec(select(Application)).all():
                assert app.stage_id == ids[_PATHS[app.id][-1]]
            kinds = [
                h.kind
                for h in s.exec(select(ApplicationHistory).where(ApplicationHistory.application_id == 3))
            ]
            assert kinds == ["applied", "forward", "reject"]
            assert s.get(Application, 3).previous_stage_id == ids["Screening"]
            assert len(s.exec(select(RejectionReason)).all()) == 7
        for app_id, path in _PATHS.items():
            rows = assert_chain(db, app_id)
            assert [r.new_stage for r in rows] == path
        recruiter = Principal(
            user_id=1, role=Role.RECRUITER, company_id=1, email="rec@acme.test", full_name="rec"
        )
        # the migrated rejection reopens to where it came from; the migrated hire can be corrected
        assert move_stage(db, recruiter, 3, "Screening", note="reopened").kind == "reopen"
        assert move_stage(db, recruiter, 4, "Offer", note="offer withdrawn").kind == "unhire"
        counts = [(c.stage, c.count) for c in queries.board(db, recruiter, 1).columns]
        assert counts == [
            ("Applied", 1),
            ("Screening", 1),
            ("Interview", 1),
            ("Offer", 1),
            ("Hired", 0),
            ("Rejected", 0),
            ("Withdrawn", 0),
        ]
    finally:
        db.dispose()


def _migrate_populated(url: str) -> None:
    from alembic import command
    from flowtrack_ui.core.schema import alembic_config

    command.upgrade(alembic_config(url), "0006")
    _populate_at_0006(url)
    command.upgrade(alembic_config(url), "head")
    _check_0007(url)
    _check_0009(url)


def _check_0009(url: str) -> None:
    """Existing candidates are in the talent pool, searchable by résumé, headline and notes."""
    from flowtrack_ui.core.db import Database
    from flowtrack_ui.core.models import CandidateProfile
    from flowtrack_ui.core.permissions import Principal, Role
    from flowtrack_ui.core.talent import search

    db = Database(url)
    try:
        rec = Principal(user_id=1, role=Role.RECRUITER, company_id=1, email="rec@acme.test", full_name="rec")
        assert search.search(db, rec, "").total == 4
        for word, who in (("fortran", "c1"), ("zeppelin", "c2"), ("semaphore", "c3")):
            assert [c.full_name for c in search.search(db, rec, word).candidates] == [who]
        with db.session() as s:
            profile = s.get(CandidateProfile, 12)
            assert (profile.phone_key, profile.linkedin_key) == ("079460958", "in/twelve")
    finally:
        db.dispose()


def test_0007_moves_a_populated_database_onto_pipelines_sqlite(tmp_path):
    _migrate_populated(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_0007_moves_a_populated_database_onto_pipelines_postgres(pg_admin):
    from .conftest import fresh_pg_database

    with fresh_pg_database(pg_admin) as url:
        _migrate_populated(url)


# --- 0012: the stage name is no longer copied onto the application --------------------------


def _stages_by_name(url: str) -> dict[int, tuple[str, int]]:
    """Each application's (stage name, stage_id), the name read through ``stage_id``."""
    from sqlalchemy import create_engine, text

    from flowtrack_ui.core.db import normalize_url

    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT a.id, js.name, a.stage_id FROM application a "
                    "JOIN job_stage js ON js.id = a.stage_id ORDER BY a.id"
                )
            ).all()
        return {app_id: (name, stage_id) for app_id, name, stage_id in rows}
    finally:
        engine.dispose()


def _application_columns_and_indexes(url: str) -> tuple[set[str], set[str]]:
    from sqlalchemy import create_engine, inspect

    from flowtrack_ui.core.db import normalize_url

    engine = create_engine(normalize_url(url))
    try:
        inspector = inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("application")}
        indexes = {i["name"] for i in inspector.get_indexes("application")}
        return columns, indexes
    finally:
        engine.dispose()


def _drop_and_restore_stage(url: str) -> None:
    """A populated database loses the copied name and keeps every stage (its stage_id); the API
    still answers the name; the downgrade writes the names back from stage_id."""
    from sqlalchemy import create_engine, text

    from alembic import command
    from flowtrack_ui.core.db import Database, normalize_url
    from flowtrack_ui.core.permissions import Principal, Role
    from flowtrack_ui.core.queries import applications_for_job
    from flowtrack_ui.core.schema import alembic_config

    last = {app_id: path[-1] for app_id, path in _PATHS.items()}
    cfg = alembic_config(url)
    command.upgrade(cfg, "0006")
    _populate_at_0006(url)
    command.upgrade(cfg, "0011")
    before = _stages_by_name(url)
    assert {app_id: name for app_id, (name, _) in before.items()} == last

    command.upgrade(cfg, "0012")
    columns, indexes = _application_columns_and_indexes(url)
    assert "stage" not in columns and "stage_id" in columns
    assert "ix_application_job_stage" not in indexes
    assert _stages_by_name(url) == before

    command.downgrade(cfg, "0011")
    columns, indexes = _application_columns_and_indexes(url)
    assert "stage" in columns and "ix_application_job_stage" in indexes
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as c:
            restored = dict(c.execute(text("SELECT id, stage FROM application ORDER BY id")).all())
    finally:
        engine.dispose()
    assert restored == last
    command.upgrade(cfg, "head")
    assert _stages_by_name(url) == before
    db = Database(url)
    try:
        rec = Principal(user_id=1, role=Role.RECRUITER, company_id=1, email="rec@acme.test", full_name="rec")
        assert {a.id: a.stage for a in applications_for_job(db, rec, 1)} == last
    finally:
        db.dispose()


def test_0012_drops_the_copied_stage_name_and_restores_it_sqlite(tmp_path):
    _drop_and_restore_stage(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_0012_drops_the_copied_stage_name_and_restores_it_postgres(pg_admin):
    from .conftest import fresh_pg_database

    with fresh_pg_database(pg_admin) as url:
        _drop_and_restore_stage(url)


# --- 0013: the careers site: job statuses and company slugs ----------------------------------


def _careers_site_upgrade(url: str) -> None:
    """Open jobs become published (dated by their creation), closed stay closed; each company
    gets a slug from its name, two look-alike names two different slugs; the downgrade returns
    the old statuses."""
    from sqlalchemy import create_engine, text

    from alembic import command
    from flowtrack_ui.core.db import normalize_url
    from flowtrack_ui.core.schema import alembic_config

    cfg = alembic_config(url)
    command.upgrade(cfg, "0012")
    engine = create_engine(normalize_url(url))
    try:
        with engine.begin() as c:
            for cid, name in ((1, "Acme Corp."), (2, "ACME corp"), (3, "Ünïcode Labs")):
                c.execute(
                    text("INSERT INTO company (id, name, name_key, created_at) VALUES (:id, :n, :k, :t)"),
                    {"id": cid, "n": name, "k": f"key{cid}", "t": _T},
                )
            c.execute(
                text(
                    "INSERT INTO user_account (id, email, full_name, role, company_id, password_hash, "
                    "is_active, token_version, created_at) VALUES (1, 'r@a.test', 'R', 'recruiter', 1, "
                    "'x', true, 0, :t)"
                ),
                {"t": _T},
            )
            for jid, status in ((1, "open"), (2, "closed")):
                c.execute(
                    text(
                        "INSERT INTO job (id, company_id, title, description, location, status, "
                        "scorecard_criteria, created_by_id, created_at, updated_at) VALUES "
                        "(:id, 1, 'Job', 'Text kept', '', :s, '[]', 1, :t, :t)"
                    ),
                    {"id": jid, "s": status, "t": _T},
                )
        command.upgrade(cfg, "0013")
        with engine.connect() as c:
            slugs = dict(c.execute(text("SELECT id, slug FROM company ORDER BY id")).all())
            jobs = c.execute(
                text("SELECT id, status, description, published_at IS NOT NULL FROM job ORDER BY id")
            ).all()
        assert slugs == {1: "acme-corp", 2: "acme-corp-2", 3: "unicode-labs"}
        assert [tuple(j) for j in jobs] == [
            (1, "published", "Text kept", True),
            (2, "closed", "Text kept", False),
        ]
        command.downgrade(cfg, "0012")
        with engine.connect() as c:
            assert dict(c.execute(text("SELECT id, status FROM job ORDER BY id")).all()) == {
                1: "open",
                2: "closed",
            }
        command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def test_0013_publishes_open_jobs_and_gives_companies_slugs_sqlite(tmp_path):
    _careers_site_upgrade(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_0013_publishes_open_jobs_and_gives_companies_slugs_postgres(pg_admin):
    from .conftest import fresh_pg_database

    with fresh_pg_database(pg_admin) as url:
        _careers_site_upgrade(url)
