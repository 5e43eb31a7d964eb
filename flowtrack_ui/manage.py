"""Maintenance commands: ``python -m flowtrack_ui.manage migrate|seed|setup``, and
``backup FILE`` / ``restore FILE [--force]`` (core/backup.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flowtrack_ui.core import backup, schema
from flowtrack_ui.core.db import default_database
from flowtrack_ui.core.settings import get_settings
from flowtrack_ui.demo import seed as demo


def _private_files() -> None:
    """Files this process creates (database, secret, logs) are readable by its user only."""
    os.umask(0o077)


USAGE = "usage: python -m flowtrack_ui.manage [migrate|seed|setup] | backup FILE | restore FILE [--force]"


def _backup_command(cmd: str, args: list[str]) -> int:
    """``backup FILE`` while the app runs; ``restore FILE [--force]`` with the app stopped."""
    force = "--force" in args
    files = [a for a in args if a != "--force"]
    if len(files) != 1 or (force and cmd == "backup"):
        print(USAGE, file=sys.stderr)
        return 2
    url = get_settings().database_url
    try:
        if cmd == "backup":
            done = backup.backup(url, Path(files[0]))
            print(f"Backed up the {done.engine} database to {done.path} ({done.size} bytes).")
        else:
            done = backup.restore(url, Path(files[0]), force=force)
            schema.upgrade()  # a backup from an older version gets today's schema
            print(f"Restored the {done.engine} database from {files[0]}; its schema is up to date.")
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "setup"
    if cmd in ("backup", "restore"):
        _private_files()
        return _backup_command(cmd, argv[1:])
    if cmd not in ("migrate", "seed", "setup"):
        print(USAGE, file=sys.stderr)
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
