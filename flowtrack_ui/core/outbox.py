"""Delivers the email outbox over SMTP: claim a row, send it, mark it sent; retry with back-off.

Every step is its own short transaction, so a sender never holds the database while it talks
to the mail server, and several senders can share one outbox (a claimed row is leased). A row
is marked sent right after the server accepts it; if the sender dies in between, the row is
sent again after its lease ends, with the same Message-ID, which receiving servers use to drop
the copy.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from sqlalchemy import or_, update
from sqlmodel import Session, select

from .changes import application_topic
from .db import Database, announce
from .errors import InvalidInput
from .mail import reply_address
from .models import Application, OutboxAttachment, OutboxEmail, StoredFile, User

log = logging.getLogger("flowtrack.mailer")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool  # smtps://, usually port 465; smtp:// upgrades with STARTTLS when offered


def parse_smtp_url(url: str) -> SmtpConfig:
    """``smtp://user:pass@host:587`` (STARTTLS) or ``smtps://user:pass@host:465``."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InvalidInput("FLOWTRACK_SMTP_URL must look like smtp://user:password@host:587 or smtps://…")
    implicit = parts.scheme == "smtps"
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or (465 if implicit else 587),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit,
    )


def backoff(attempts: int, base: float, ceiling: float) -> timedelta:
    """Wait after the n-th failed attempt: base, 2×base, 4×base … up to the ceiling."""
    return timedelta(seconds=min(ceiling, base * 2 ** max(0, attempts - 1)))


def header_safe(value: str) -> str:
    """One line: every control, line and paragraph separator becomes a space (no header injection)."""
    cleaned = "".join(
        " " if (unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in "\x85") else ch for ch in value
    )
    return " ".join(cleaned.split())


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email as a MIME part."""

    filename: str
    content_type: str
    data: bytes


def to_message(
    row: OutboxEmail, mail_from: str, reply_to: str | None = None, attachments: tuple[Attachment, ...] = ()
) -> EmailMessage:
    """The email as sent: text and HTML, a calendar invitation, the application's Reply-To when
    the email goes to its candidate, and attachments as MIME parts."""
    msg = EmailMessage()
    msg["Message-ID"] = header_safe(row.message_id)
    msg["Date"] = format_datetime(row.created_at)
    msg["From"] = header_safe(mail_from)
    msg["To"] = header_safe(row.to_address)
    msg["Subject"] = header_safe(row.subject)
    if reply_to:
        msg["Reply-To"] = header_safe(reply_to)
    msg.set_content(row.body_text)
    msg.add_alternative(row.body_html, subtype="html")
    if row.calendar_ics:
        # The invitation as calendar clients expect it: a text/calendar alternative with its METHOD.
        method = header_safe(row.calendar_method or "REQUEST").upper()
        msg.add_alternative(row.calendar_ics, subtype="calendar", params={"method": method})
    for file in attachments:
        main, _, sub = file.content_type.partition("/")
        if main == "text":  # checked as UTF-8 when attached: sent with its charset
            msg.add_attachment(
                file.data.decode("utf-8", errors="replace"), subtype=sub, filename=file.filename
            )
            continue
        msg.add_attachment(
            file.data, maintype=main or "application", subtype=sub or "octet-stream", filename=file.filename
        )
    return msg


def reply_to_for(s: Session, row: OutboxEmail, inbound_domain: str | None) -> str | None:
    """``reply+{token}@{domain}`` for an email to the candidate of its application (any kind: a
    stage change, a rejection, a recruiter's message…); None for staff's emails or without a domain."""
    if not inbound_domain or row.application_id is None:
        return None
    candidate_email = s.exec(
        select(User.email)
        .join(Application, Application.candidate_id == User.id)
        .where(Application.id == row.application_id)
    ).first()
    if candidate_email is None or candidate_email.lower() != row.to_address.strip().lower():
        return None
    return reply_address.address(inbound_domain, reply_address.token_for(s, row.application_id))


def attachments_of(s: Session, email_id: int) -> tuple[Attachment, ...]:
    rows = s.exec(
        select(OutboxAttachment.filename, StoredFile.content_type, StoredFile.data)
        .join(StoredFile, StoredFile.id == OutboxAttachment.file_id)
        .where(OutboxAttachment.email_id == email_id)
        .order_by(OutboxAttachment.id)
    ).all()
    return tuple(Attachment(name, content_type, data) for name, content_type, data in rows)


class Sender:
    """One outbox sender. ``deliver_due`` is one pass; ``run`` repeats it until stopped."""

    def __init__(
        self,
        db: Database,
        smtp_url: str | None,
        mail_from: str,
        *,
        lease_seconds: float = 60,
        backoff_seconds: float = 30,
        backoff_ceiling: float = 3600,
        batch: int = 50,
        timeout: float = 30,
        inbound_domain: str | None = None,
    ):
        self.db = db
        self.smtp = parse_smtp_url(smtp_url) if smtp_url else None
        self.mail_from = mail_from
        self.lease = timedelta(seconds=lease_seconds)
        self.backoff_seconds = backoff_seconds
        self.backoff_ceiling = backoff_ceiling
        self.batch = batch
        self.timeout = timeout
        self.inbound_domain = inbound_domain
        self._connect_failures = 0
        self._logged_upto = 0  # without SMTP: the newest email already logged

    # --- the outbox, one short transaction per step ------------------------------------------

    def _due(self, now: datetime):
        return (
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.failed_at.is_(None),
            OutboxEmail.cancelled_at.is_(None),
            OutboxEmail.next_attempt_at <= now,
            or_(OutboxEmail.leased_until.is_(None), OutboxEmail.leased_until < now),
        )

    def claim(self) -> OutboxEmail | None:
        """The oldest due row, leased to this sender; None when nothing is due."""
        while True:
            now = datetime.now(UTC)
            with self.db.session() as s:
                row = s.exec(
                    select(OutboxEmail).where(*self._due(now)).order_by(OutboxEmail.id).limit(1)
                ).first()
            if row is None:
                return None
            with self.db.session(write=True) as s:
                won = s.exec(
                    update(OutboxEmail)
                    .where(OutboxEmail.id == row.id, *self._due(now))
                    .values(leased_until=now + self.lease, attempts=OutboxEmail.attempts + 1)
                ).rowcount
            if won == 1:
                row.attempts += 1
                return row
            # Another sender claimed it between the read and the update: take the next one.

    def _mark(self, row_id: int, **values) -> None:
        """Records what became of an email; an open application page shows its new state."""
        with self.db.session(write=True) as s:
            s.execute(update(OutboxEmail).where(OutboxEmail.id == row_id).values(leased_until=None, **values))
            if "sent_at" in values or "failed_at" in values:
                app_id = s.exec(select(OutboxEmail.application_id).where(OutboxEmail.id == row_id)).first()
                if app_id is not None:
                    announce(s, application_topic(app_id))

    def _retry_later(self, row: OutboxEmail, error: str) -> None:
        wait = backoff(row.attempts, self.backoff_seconds, self.backoff_ceiling)
        self._mark(row.id, next_attempt_at=datetime.now(UTC) + wait, last_error=error[:1000])
        log.warning(
            "email %s to %s failed (attempt %d), next try in %s: %s",
            row.id,
            row.to_address,
            row.attempts,
            wait,
            error,
        )

    def _refused(self, row: OutboxEmail, code: int, reply: bytes | str) -> None:
        """A 5xx reply is final (no such mailbox…); a 4xx one is retried later."""
        error = f"{code} {reply!r}"
        if code >= 500:
            self._mark(row.id, failed_at=datetime.now(UTC), last_error=error)
            log.error("email %s to %s refused for good: %s", row.id, row.to_address, error)
        else:
            self._retry_later(row, error)

    def _unsendable(self, row: OutboxEmail, exc: Exception) -> None:
        error = f"cannot build the message: {type(exc).__name__}: {exc}"[:1000]
        self._mark(row.id, failed_at=datetime.now(UTC), last_error=error)
        log.error("email %s cannot be sent and is marked failed: %s", row.id, error)

    # --- SMTP ---------------------------------------------------------------------------------

    def _connect(self, cfg: SmtpConfig) -> smtplib.SMTP:
        context = ssl.create_default_context()
        conn: smtplib.SMTP
        if cfg.implicit_tls:
            conn = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=self.timeout, context=context)
        else:
            conn = smtplib.SMTP(cfg.host, cfg.port, timeout=self.timeout)
            conn.ehlo()
            if conn.has_extn("starttls"):
                conn.starttls(context=context)
                conn.ehlo()
            elif cfg.username:
                conn.quit()
                raise smtplib.SMTPException(
                    "the server offers no STARTTLS; refusing to send the password in clear"
                )
        if cfg.username:
            conn.login(cfg.username, cfg.password or "")
        return conn

    def deliver_due(self) -> int:
        """Sends what is due (up to one batch); returns how many the server accepted."""
        if self.smtp is None:
            self._log_unsent()
            return 0
        if not self._has_due():
            return 0
        try:
            conn = self._connect(self.smtp)
        except (OSError, smtplib.SMTPException) as exc:
            self._connect_failures += 1
            log.warning("mail server %s:%s unreachable: %s", self.smtp.host, self.smtp.port, exc)
            return 0
        self._connect_failures = 0
        sent = 0
        try:
            for _ in range(self.batch):
                row = self.claim()
                if row is None:
                    break
                try:
                    message = self._message(row)
                except Exception as exc:  # this row cannot become an email: it alone fails
                    self._unsendable(row, exc)
                    continue
                try:
                    conn.send_message(message)
                except smtplib.SMTPResponseException as exc:
                    self._refused(row, exc.smtp_code, exc.smtp_error)
                    continue
                except smtplib.SMTPRecipientsRefused as exc:  # its one recipient was refused
                    (code, reply), *_ = exc.recipients.values()
                    self._refused(row, code, reply)
                    continue
                except (OSError, smtplib.SMTPException) as exc:
                    self._retry_later(row, str(exc) or type(exc).__name__)
                    break  # the connection is gone; the next pass reconnects
                except Exception as exc:  # anything else about this one email: it alone waits
                    self._retry_later(row, f"{type(exc).__name__}: {exc}")
                    break  # the connection may be mid-message; the next pass reconnects
                self._mark(row.id, sent_at=datetime.now(UTC), last_error=None)
                sent += 1
                log.info("email %s sent to %s: %s", row.id, row.to_address, row.subject)
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()
        return sent

    def _message(self, row: OutboxEmail) -> EmailMessage:
        """The row as an email, with what it needs from the database (Reply-To, attachments)."""
        assert row.id is not None
        with self.db.session(write=bool(self.inbound_domain and row.application_id)) as s:
            reply_to = reply_to_for(s, row, self.inbound_domain)
            files = attachments_of(s, row.id)
        return to_message(row, self.mail_from, reply_to, files)

    def _has_due(self) -> bool:
        with self.db.session() as s:
            return (
                s.exec(select(OutboxEmail.id).where(*self._due(datetime.now(UTC))).limit(1)).first()
                is not None
            )

    def _log_unsent(self) -> None:
        """No mail server configured: say once what would be sent; the rows stay in the outbox."""
        with self.db.session() as s:
            rows = s.exec(
                select(OutboxEmail)
                .where(
                    OutboxEmail.id > self._logged_upto,
                    OutboxEmail.sent_at.is_(None),
                    OutboxEmail.failed_at.is_(None),
                    OutboxEmail.cancelled_at.is_(None),
                )
                .order_by(OutboxEmail.id)
                .limit(self.batch)
            ).all()
        for row in rows:
            self._logged_upto = row.id
            log.info(
                "no FLOWTRACK_SMTP_URL: email %s kept in the outbox, to %s: %s",
                row.id,
                row.to_address,
                row.subject,
            )

    def pause(self, poll_seconds: float) -> float:
        """Seconds to wait before the next pass: longer while the mail server stays unreachable."""
        if self._connect_failures:
            return min(self.backoff_ceiling, self.backoff_seconds * 2 ** (self._connect_failures - 1))
        return poll_seconds

    def run(self, stop: threading.Event, poll_seconds: float = 2.0) -> None:
        where = f"{self.smtp.host}:{self.smtp.port}" if self.smtp else "nowhere (no FLOWTRACK_SMTP_URL)"
        log.info("email sender started, delivering to %s", where)
        while not stop.is_set():
            try:
                while self.deliver_due() == self.batch and not stop.is_set():
                    pass
            except Exception:  # the database may be briefly away; the next pass tries again
                log.exception("email sender pass failed")
            stop.wait(self.pause(poll_seconds))
