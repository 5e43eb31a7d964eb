"""Serve FlowTrack in Reflex production mode on one port (pages, websocket and /api)."""

from __future__ import annotations

import os
import subprocess
import sys

from flowtrack_ui.core.settings import PROJECT_ROOT, get_settings
from flowtrack_ui.demo.seed import DEMO_LOGINS, DEMO_PASSWORD


def _private_files() -> None:
    """Files this process creates (database, secret, logs) are readable by its user only."""
    os.umask(0o077)


def main() -> None:
    _private_files()
    settings = get_settings()
    if settings.workers > 1 and not settings.redis_url:
        sys.exit("FLOWTRACK_WORKERS > 1 needs FLOWTRACK_REDIS_URL: workers share page state through Redis.")
    os.environ["GRANIAN_WORKERS"] = str(settings.workers)
    print(f"\nFlowTrack is starting at {settings.public_url}/  (API docs: {settings.public_url}/api/docs)")
    engine = "PostgreSQL" if settings.database_url.startswith("postgres") else "SQLite"
    state = "Redis" if settings.redis_url else "in-memory"
    print(f"Database: {engine}; page state: {state}; backend workers: {settings.workers}")
    print(f"Listening on {settings.host}:{settings.port} (FLOWTRACK_HOST to change)")
    if settings.demo:
        print(f"Demo logins (password: {DEMO_PASSWORD}):")
        for role, email in DEMO_LOGINS.items():
            print(f"  {role:<15} {email}")
    if settings.embedded_mailer:
        # The email sender beside the app; it stops when this process (then reflex) is gone.
        subprocess.Popen([sys.executable, "-m", "flowtrack_ui.mailer", "--parent-pid", str(os.getpid())])
        where = (
            "SMTP " + settings.smtp_url.split("@")[-1]
            if settings.smtp_url
            else "none configured: kept in the outbox"
        )
        print(f"Email: {where}")
    print(flush=True)
    os.chdir(PROJECT_ROOT)
    args = [
        sys.executable,
        "-m",
        "flowtrack_ui.reflex_run",
        "run",
        "--env",
        "prod",
        "--single-port",
        "--frontend-port",
        str(settings.port),
        "--backend-host",
        settings.host,
    ]
    os.execv(sys.executable, args)


if __name__ == "__main__":
    main()
