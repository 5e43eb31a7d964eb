"""Run the Alembic migrations programmatically (``make run``, the tests and the benchmarks use it)."""

from __future__ import annotations

from alembic.config import Config

from alembic import command

from .settings import PROJECT_ROOT


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.attributes["configure_logger"] = False
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """``alembic upgrade head`` on ``url`` (default: the configured database)."""
    command.upgrade(alembic_config(url), "head")
