"""Maintenance commands: ``python -m flowtrack_ui.manage migrate|seed|setup``."""

from __future__ import annotations

import os
import sys

from flowtrack_ui.core import schema
from flowtrack_ui.core.db import default_database
from flowtrack_ui.core.settings import get_settings
from flowtrack_ui.demo import seed as demo


def _private_files() -> None:
    """Files this process creates (database, secret, logs) are readable by its user only."""
    os.umask(0o077)


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "setup"
    if cmd not in ("migrate", "seed", "setup"):
        print("usage: python -m flowtrack_ui.manage [migrate|seed|setup]", file=sys.stderr)
        return 2
    _private_files()
    settings = get_settings()
    if cmd in ("migrate", "setup"):
        schema.upgrade()
        print("Database schema is up to date.")
    if cmd == "seed" or (cmd == "setup" and settings.demo):
        created = demo.seed(default_database())
        print("Demo data created." if created else "Demo data already present.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
