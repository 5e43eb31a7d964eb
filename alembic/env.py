"""Alembic environment: FlowTrack's SQLModel metadata and its database URL."""

from logging.config import fileConfig

from sqlmodel import SQLModel

from alembic import context
from flowtrack_ui.core import models  # noqa: F401  (registers the tables)
from flowtrack_ui.core.db import make_engine, normalize_url
from flowtrack_ui.core.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        settings = get_settings()
        if settings.database_url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        url = settings.database_url
    return normalize_url(url)


def render_item(type_, obj, autogen_context):
    """Render the UTC timestamp type as the plain SQL type it stores."""
    if type_ == "type" and isinstance(obj, models.UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj, name, type_, reflected, compare_to):
    """Leave the engines' own full-text objects (migration 0009) out of autogenerate."""
    table = getattr(getattr(obj, "table", None), "name", None)
    return not models.engine_managed(name or "", type_, table)


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    """On SQLite, foreign keys are off while migrating: batch mode rebuilds a table by copying it,
    and dropping the old copy of a referenced table would fail (SQLite's documented procedure).
    They are checked after the migration and switched back on."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        _migrate(connection)
    finally:
        if sqlite:
            raw = connection.connection.driver_connection
            problems = raw.execute("PRAGMA foreign_key_check").fetchall()
            raw.execute("PRAGMA foreign_keys=ON")
            if problems:
                raise RuntimeError(f"the migration left rows that break foreign keys: {problems[:5]}")


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        render_item=render_item,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
