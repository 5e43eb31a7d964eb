"""The initial migration creates exactly what the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from flowtrack_ui.core import models  # noqa: F401


def _diff(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def test_no_drift_sqlite(sqlite_db):
    assert _diff(sqlite_db) == []


@pytest.mark.postgres
def test_no_drift_postgres(pg_db):
    assert _diff(pg_db) == []
