"""Serve FlowTrack in Reflex production mode on one port (pages, websocket and /api)."""

from __future__ import annotations

import os
import sys

from flowtrack_ui.core.demo import DEMO_LOGINS, DEMO_PASSWORD
from flowtrack_ui.core.settings import PROJECT_ROOT, get_settings


def main() -> None:
    settings = get_settings()
    print(f"\nFlowTrack is starting at {settings.public_url}/  (API docs: {settings.public_url}/api/docs)")
    if settings.demo:
        print(f"Demo logins (password: {DEMO_PASSWORD}):")
        for role, email in DEMO_LOGINS.items():
            print(f"  {role:<15} {email}")
    print(flush=True)
    os.chdir(PROJECT_ROOT)
    reflex = os.path.join(os.path.dirname(sys.executable), "reflex")
    args = [reflex, "run", "--env", "prod", "--single-port", "--frontend-port", str(settings.port)]
    os.execv(reflex, args)


if __name__ == "__main__":
    main()
