"""Erase candidates past their company's retention period, once: ``python -m flowtrack_ui.retention``.

The email sender process (``python -m flowtrack_ui.mailer``) already does this every hour; this
command is for a scheduler (cron, a Kubernetes CronJob) when the sender runs elsewhere. Safe to
run beside the senders and as often as wanted: an erased candidate is never erased twice.
"""

from __future__ import annotations

import argparse

from flowtrack_ui.core import logs
from flowtrack_ui.core.db import default_database
from flowtrack_ui.core.privacy import retention
from flowtrack_ui.core.settings import get_settings


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(prog="python -m flowtrack_ui.retention", description=__doc__).parse_args(argv)
    logs.configure(get_settings().log_level)
    done = retention.run(default_database())
    print(
        f"retention: {done.companies} compan{'y' if done.companies == 1 else 'ies'} with a period, "
        f"{done.erased} candidate(s) erased"
    )


if __name__ == "__main__":
    main()
