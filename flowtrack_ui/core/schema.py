"""Run the Alembic migrations programmatically (``make run``, the tests and the benchmarks use it)."""

from __future__ import annotations

from alembic.config import Config

from alembic import command

from .db import ensure_private_dir, secure_sqlite_file
from .settings import PROJECT_ROOT, get_settings


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.attributes["configure_logger"] = False
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """``alembic upgrade head`` on ``url`` (default: the configured database)."""
    settings = get_settings()
    target = url or settings.database_url
    if target.startswith("sqlite"):
        if url is None:
            ensure_private_dir(settings.data_dir)
        secure_sqlite_file(target)
    command.upgrade(alembic_config(url), "head")
