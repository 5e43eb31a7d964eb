"""The email sender as its own process: ``python -m flowtrack_ui.mailer``.

Beside the outbox it runs the companies' retention periods every hour (privacy/retention.py) and
queues the scorecard reminders that are due every minute (work.py); each pass is idempotent.
With ``FLOWTRACK_IMAP_URL`` (and ``FLOWTRACK_INBOUND_DOMAIN``) it also reads candidates' replies
from the reply mailbox every ``FLOWTRACK_IMAP_POLL_SECONDS`` (mail/inbound.py); without it,
nothing polls and replies stay in the mailbox.

``make run`` starts it beside the app; in production run it as a service of its own (one or
several: they share the outbox safely) and set ``FLOWTRACK_EMBEDDED_MAILER=0`` for the app.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading

from flowtrack_ui.core import logs, work
from flowtrack_ui.core.collaboration import interviews
from flowtrack_ui.core.db import default_database
from flowtrack_ui.core.mail.inbound import Mailbox
from flowtrack_ui.core.outbox import Sender
from flowtrack_ui.core.privacy import retention
from flowtrack_ui.core.scheduling import reminders as interview_reminders
from flowtrack_ui.core.settings import get_settings
from flowtrack_ui.core.webhooks.delivery import WebhookSender

log = logging.getLogger("flowtrack.retention")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flowtrack_ui.mailer", description=__doc__)
    parser.add_argument("--poll-seconds", type=float, default=2.0, help="how often to look for due emails")
    parser.add_argument("--lease-seconds", type=float, default=60, help="how long a claimed email is ours")
    parser.add_argument("--backoff-seconds", type=float, default=30, help="first wait after a failure")
    parser.add_argument("--parent-pid", type=int, default=0, help="stop when this process is gone")
    parser.add_argument(
        "--retention-seconds", type=float, default=3600, help="how often to erase past retention (0: never)"
    )
    parser.add_argument(
        "--reminder-seconds",
        type=float,
        default=float(os.environ.get("FLOWTRACK_REMINDER_SECONDS") or 60),
        help="how often to queue due scorecard reminders (0: never)",
    )
    parser.add_argument(
        "--webhook-seconds",
        type=float,
        default=float(os.environ.get("FLOWTRACK_WEBHOOK_POLL_SECONDS") or 2),
        help="how often to deliver due webhook events (0: never)",
    )
    args = parser.parse_args(argv)

    settings = get_settings()
    logs.configure(settings.log_level)
    sender = Sender(
        default_database(),
        settings.smtp_url,
        settings.mail_from,
        lease_seconds=args.lease_seconds,
        backoff_seconds=args.backoff_seconds,
        inbound_domain=settings.inbound_domain,
    )
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if args.parent_pid:

        def watch_parent() -> None:
            while not stop.wait(1):
                if os.getppid() != args.parent_pid:
                    stop.set()

        threading.Thread(target=watch_parent, daemon=True).start()
    if args.retention_seconds > 0:
        threading.Thread(
            target=run_retention, args=(stop, args.retention_seconds), name="retention", daemon=True
        ).start()
    if args.reminder_seconds > 0:
        threading.Thread(
            target=run_reminders, args=(stop, args.reminder_seconds), name="reminders", daemon=True
        ).start()
    if settings.imap_url and settings.inbound_domain:
        mailbox = Mailbox(
            default_database(),
            settings.imap_url,
            settings.inbound_domain,
            on_calendar_reply=interviews.record_response,  # interviewers' answers to invitations
        )
        threading.Thread(
            target=run_inbound, args=(stop, mailbox, settings.imap_poll_seconds), name="inbound", daemon=True
        ).start()
    elif settings.imap_url:
        log.warning("FLOWTRACK_IMAP_URL is set without FLOWTRACK_INBOUND_DOMAIN: replies are not read")
    if args.webhook_seconds > 0:
        threading.Thread(
            target=run_webhooks, args=(stop, args.webhook_seconds), name="webhooks", daemon=True
        ).start()
    sender.run(stop, args.poll_seconds)


def run_webhooks(stop: threading.Event, every: float) -> None:
    """Deliver the queued webhook events (webhooks/delivery.py) now and every ``every`` seconds,
    in a thread of their own: a slow receiver never delays an email."""
    WebhookSender(default_database()).run(stop, every)


def run_inbound(stop: threading.Event, mailbox: Mailbox, every: float) -> None:
    """Read the reply mailbox now and every ``every`` seconds; an unreachable server or a failed
    pass is logged and tried again at the next one (a bad message is set aside inside the pass)."""
    while not stop.is_set():
        try:
            mailbox.poll()
        except Exception as exc:
            log.warning("reading the reply mailbox %s failed: %s", mailbox.cfg.host, exc)
        stop.wait(every)


def run_retention(stop: threading.Event, every: float) -> None:
    """Erase candidates past their company's retention period now and every ``every`` seconds;
    a failed run is logged and tried again at the next one."""
    while not stop.is_set():
        try:
            retention.run(default_database())
        except Exception:
            log.exception("retention run failed; trying again in %.0f s", every)
        stop.wait(every)


def run_reminders(stop: threading.Event, every: float) -> None:
    """Queue the scorecard reminders that are due (08:00 the morning after, in the interviewer's
    zone) now and every ``every`` seconds; the sender delivers them like any other email."""
    while not stop.is_set():
        try:
            work.send_scorecard_reminders(default_database())
            interview_reminders.send_due(default_database())  # before interviews (scheduling/)
        except Exception:
            log.exception("scorecard reminders failed; trying again in %.0f s", every)
        stop.wait(every)


if __name__ == "__main__":
    main()
