"""Replies from candidates, read from the reply mailbox over IMAP and threaded into conversations.

Every email to a candidate carries ``Reply-To: reply+{token}@{FLOWTRACK_INBOUND_DOMAIN}``
(mail/reply_address.py). The sender process polls the mailbox (``FLOWTRACK_IMAP_URL``); each
unseen message is parsed defensively (size limits, any MIME damage caught: one bad message is
logged and set aside, never blocks the rest) and filed:

- a known token: into its application's conversation. The text without the quoted history, the
  HTML part sanitised (nh3), accepted attachments stored as files; unread for the company's
  recruiters (their "My work" lists it) and announced to the open application page;
- an unknown or forged token, or none: "unmatched", in the list of the company the message
  answers (its In-Reply-To / References name one of that company's emails). Never another
  company: a token decides alone, and a forged one threads nowhere. With no company to tell, it
  goes to the global bin, which nobody reads in the app (it is logged);
- bounces (delivery reports, MAILER-DAEMON) and automatic replies (Auto-Submitted, X-Autoreply,
  Precedence: bulk / auto_reply) are filed the same way, marked as what they are.

An interviewer's calendar answering an interview invitation (a text/calendar part with
METHOD:REPLY, sent to the ORGANIZER: the application's reply address) is not a reply to the
candidate: its UID, ATTENDEE and PARTSTAT go to the handler the mailer gives
(collaboration/interviews.py ``record_response``, which checks that the UID is an interview of
the token's application and the attendee one of its interviewers), and it is filed nowhere else.

Processed messages are flagged ``\\Seen``; the IMAP search asks only for unseen ones.
"""

from __future__ import annotations

import hashlib
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from urllib.parse import unquote, urlsplit

import nh3
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..db import Database, announce_application_change
from ..errors import InvalidInput
from ..models import (
    Application,
    InboundAttachment,
    InboundEmail,
    InboundUnread,
    Job,
    OutboxEmail,
    StoredFile,
    User,
)
from ..permissions import Role
from . import reply_address
from .conversation import MAX_ATTACHMENT_BYTES, attachment_type

log = logging.getLogger("flowtrack.inbound")

MAX_MESSAGE_BYTES = 25 * 1024 * 1024
MAX_PARTS = 200
MAX_KEPT_ATTACHMENTS = 10
MAX_TEXT = 50_000
MAX_HTML = 200_000
MAX_CALENDAR = 256 * 1024
MAX_CALENDAR_ATTENDEES = 20
REPLY, BOUNCE, AUTO_REPLY, CALENDAR_REPLY = "reply", "bounce", "auto_reply", "calendar_reply"


@dataclass(frozen=True)
class CalendarReply:
    """What an iCalendar METHOD:REPLY says: the event's UID, its SEQUENCE (None when left out) and
    each ATTENDEE's (address, PARTSTAT)."""

    uid: str
    sequence: int | None
    answers: tuple[tuple[str, str], ...]


# (database, application id, UID, attendee address, PARTSTAT, SEQUENCE) → whether it changed anything
CalendarReplyHandler = Callable[[Database, int, str, str, str, int | None], bool]


@dataclass
class Parsed:
    """What FlowTrack keeps of one inbound email."""

    dedupe_key: str
    kind: str
    from_address: str
    from_name: str
    subject: str
    text: str
    html: str
    tokens: list[str]
    references: list[str]
    received_at: datetime
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    calendar: CalendarReply | None = None


# --- reading one message ---------------------------------------------------------------------

_QUOTE_HEADS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.I),
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s*:\s*$", re.I),
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,200}:\s*$", re.I),
    re.compile(r"^\s*El\b.{0,300}\bescribió:\s*$", re.I),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.I),
    re.compile(r"^\s*_{8,}\s*$"),
    re.compile(r"^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$", re.I),
]
_OUTLOOK_FROM = re.compile(r"^\s*\*?From:\*?\s", re.I)


def trim_quoted(text: str) -> str:
    """The reply's own words: everything above the quoted history ("On … wrote:", an Outlook
    header block, "-----Original Message-----", lines quoted with >). Unchanged when nothing of
    the reply would be left."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        joined = line + " " + lines[i + 1] if i + 1 < len(lines) else line
        if any(p.match(line) for p in _QUOTE_HEADS) or (
            line.strip().startswith("On ")
            and not line.rstrip().endswith("wrote:")
            and _QUOTE_HEADS[0].match(joined)
        ):
            cut = i
            break
        if _OUTLOOK_FROM.match(line) and (i == 0 or not lines[i - 1].strip()):
            following = "\n".join(lines[i + 1 : i + 5]).lower()
            if "sent:" in following or "date:" in following or "to:" in following:
                cut = i
                break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    words = "\n".join(kept).strip()
    return words if words else text.strip()


def _html_to_text(html: str) -> str:
    no_tags = nh3.clean(
        re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\b[^>]*>", "\n", html[:MAX_HTML]),
        tags=set(),
        strip_comments=True,
    )
    import html as html_lib

    return re.sub(r"\n{3,}", "\n\n", html_lib.unescape(no_tags)).strip()


def _decoded(part: Message) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else None
    except (LookupError, ValueError, AssertionError, UnicodeError):
        content = None
    if isinstance(content, str):
        return content
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def classify(msg: Message) -> str:
    """A bounce (a delivery status report, or from the mailer daemon), an automatic reply, or a reply."""
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    content_type = msg.get_content_type()
    report_type = str(msg.get_param("report-type", "") or "").lower()
    if (
        (content_type == "multipart/report" and report_type in ("delivery-status", ""))
        or sender.split("@")[0] in ("mailer-daemon", "postmaster")
        or str(msg.get("Return-Path", "")).strip() == "<>"
    ):
        return BOUNCE
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if (
        (auto and auto != "no")
        or msg.get("X-Autoreply") is not None
        or msg.get("X-Autorespond") is not None
        or str(msg.get("X-Auto-Response-Suppress", "")).lower() == "all"
        or precedence in ("bulk", "auto_reply", "junk", "list")
    ):
        return AUTO_REPLY
    return REPLY


_MESSAGE_ID = re.compile(r"<[^<>\s]{3,250}>")


def _embedded_message_ids(msg: Message) -> list[str]:
    """The Message-IDs of the original email a bounce quotes (message/rfc822 or its headers)."""
    found: list[str] = []
    for part in list(msg.walk())[:MAX_PARTS]:
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            text = part.as_string() if ctype == "message/rfc822" else _decoded(part)
            for line in text.splitlines()[:400]:
                if line.lower().startswith("message-id:"):
                    found += _MESSAGE_ID.findall(line)
    return found


def calendar_reply(part: Message) -> CalendarReply | None:
    """The METHOD:REPLY of a text/calendar part (bounded in size), or None for anything else."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload or len(payload) > MAX_CALENDAR:
        return None
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    except Exception:  # damaged calendar text: not an answer FlowTrack can read
        return None
    if str(cal.get("method", "")).strip().upper() != "REPLY":
        return None
    for event in cal.walk("VEVENT")[:1]:
        uid = str(event.get("uid", "")).strip()[:250]
        try:
            sequence: int | None = int(event.get("sequence")) if event.get("sequence") is not None else None
        except (TypeError, ValueError):
            sequence = None
        found = event.get("attendee")
        attendees = found if isinstance(found, list) else [found] if found is not None else []
        answers = []
        for attendee in attendees[:MAX_CALENDAR_ATTENDEES]:
            address = str(attendee).strip()
            if address.lower().startswith("mailto:"):
                address = address[7:]
            partstat = str(getattr(attendee, "params", {}).get("PARTSTAT", "")).strip().upper()
            if address and partstat:
                answers.append((address[:254], partstat[:20]))
        if uid and answers:
            return CalendarReply(uid, sequence, tuple(answers))
    return None


def parse(raw: bytes, domain: str) -> Parsed:
    """One message, read defensively: anything wrong inside becomes InvalidInput, never a crash."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise InvalidInput(f"the message is {len(raw) / 1_048_576:.1f} MiB, over the limit")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        return _parse(msg, raw, domain)
    except InvalidInput:
        raise
    except Exception as exc:  # any damage in untrusted MIME: this message alone is set aside
        raise InvalidInput(f"the message could not be read: {type(exc).__name__}: {exc}") from None


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:
        return ""
    return " ".join(str(value or "").split())


def _parse(msg: Message, raw: bytes, domain: str) -> Parsed:
    message_id = _header(msg, "Message-ID")[:250]
    dedupe = hashlib.sha256((message_id or "").encode() if message_id else raw).hexdigest()
    from_name, from_address = parseaddr(_header(msg, "From"))
    recipients = []
    for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"):
        for value in msg.get_all(name, []) or []:
            recipients += [addr for _n, addr in getaddresses([str(value)])]
    tokens = []
    for addr in recipients:
        token = reply_address.token_in(addr, domain)
        if token and token not in tokens:
            tokens.append(token)
    kind = classify(msg)
    references = _MESSAGE_ID.findall(_header(msg, "In-Reply-To") + " " + _header(msg, "References"))
    if kind == BOUNCE:
        references += _embedded_message_ids(msg)
    try:
        received = parsedate_to_datetime(_header(msg, "Date")).astimezone(UTC)
        if received.year < 2000 or received > datetime.now(UTC):
            received = datetime.now(UTC)
    except (TypeError, ValueError, IndexError):
        received = datetime.now(UTC)
    text, html = "", ""
    attachments: list[tuple[str, str, bytes]] = []
    left_out: list[str] = []
    calendar: CalendarReply | None = None
    for count, part in enumerate(msg.walk()):
        if count >= MAX_PARTS:
            left_out.append("parts beyond the first 200")
            break
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype in ("text/calendar", "application/ics") and calendar is None:
            calendar = calendar_reply(part)
            if calendar is not None:
                continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if filename or disposition == "attachment":
            name = (filename or "attachment")[:150]
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes) or not data:
                continue
            if len(attachments) >= MAX_KEPT_ATTACHMENTS:
                left_out.append(f"{name} (more than {MAX_KEPT_ATTACHMENTS} files)")
            elif len(data) > MAX_ATTACHMENT_BYTES:
                left_out.append(f"{name} (over {MAX_ATTACHMENT_BYTES // 1_048_576} MiB)")
            elif (found_type := attachment_type(data)) is None:
                left_out.append(f"{name} (a type FlowTrack does not keep)")
            else:
                attachments.append((_safe(name), found_type, data))
            continue
        if ctype == "text/plain" and not text:
            text = _decoded(part)[:MAX_TEXT]
        elif ctype == "text/html" and not html:
            html = _decoded(part)[:MAX_HTML]
    if not text and html:
        text = _html_to_text(html)[:MAX_TEXT]
    return Parsed(
        dedupe_key=dedupe,
        kind=kind,
        from_address=from_address[:254],
        from_name=from_name[:200],
        subject=_header(msg, "Subject")[:300],
        text=trim_quoted(text) if kind == REPLY else text.strip(),
        html=nh3.clean(html, link_rel="noopener noreferrer nofollow") if html else "",
        tokens=tokens,
        references=references[:50],
        received_at=received,
        attachments=attachments,
        left_out=left_out,
        calendar=calendar,
    )


def _safe(name: str) -> str:
    cleaned = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())
    return cleaned.strip(" .")[:150] or "attachment"


# --- filing it ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    """Where a message went: its row, the application (None: unmatched) and the company."""

    inbound_id: int | None
    application_id: int | None
    company_id: int | None
    kind: str
    duplicate: bool = False


def _company_of_references(s: Session, references: list[str]) -> tuple[int | None, int | None]:
    """(company, application) of the FlowTrack email these Message-IDs name, if any."""
    if not references:
        return None, None
    row = s.exec(
        select(Job.company_id, Application.id)
        .select_from(OutboxEmail)
        .join(Application, Application.id == OutboxEmail.application_id)
        .join(Job, Job.id == Application.job_id)
        .where(col(OutboxEmail.message_id).in_(references))
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def file_message(db: Database, parsed: Parsed) -> Filed:
    """Store one parsed message where it belongs, in one transaction (see the module's words)."""
    with db.session(write=True) as s:
        if s.exec(select(InboundEmail.id).where(InboundEmail.dedupe_key == parsed.dedupe_key)).first():
            return Filed(None, None, None, parsed.kind, duplicate=True)
        app: Application | None = None
        for token in parsed.tokens:
            found = reply_address.application_of(s, token)
            if found is not None:
                app = s.get(Application, found)
                break
        company_id: int | None
        if app is not None:
            company_id = s.exec(select(Job.company_id).where(Job.id == app.job_id)).one()
        else:
            company_id, referenced_app = _company_of_references(s, parsed.references)
            # A bounce carries no token (it goes to the envelope sender) but quotes the email it
            # bounces: that FlowTrack Message-ID is as unguessable as a token.
            if parsed.kind == BOUNCE and referenced_app is not None and not parsed.tokens:
                app = s.get(Application, referenced_app)
                # The bounced email did not arrive: it shows as failed, with the server's words.
                s.execute(
                    sa.update(OutboxEmail)
                    .where(
                        col(OutboxEmail.message_id).in_(parsed.references),
                        OutboxEmail.application_id == referenced_app,
                        col(OutboxEmail.failed_at).is_(None),
                    )
                    .values(
                        failed_at=datetime.now(UTC),
                        last_error=("Returned by the candidate's mail server: " + parsed.text)[:1000],
                    )
                )
        row = InboundEmail(
            dedupe_key=parsed.dedupe_key,
            company_id=company_id,
            application_id=app.id if app is not None else None,
            kind=parsed.kind,
            from_address=parsed.from_address,
            from_name=parsed.from_name,
            subject=parsed.subject,
            body_text=parsed.text,
            body_html=parsed.html,
            token=(parsed.tokens[0] if parsed.tokens else "")[:80],
            note=("Left out: " + "; ".join(parsed.left_out))[:500] if parsed.left_out else "",
            received_at=parsed.received_at,
        )
        s.add(row)
        try:
            s.flush()
        except IntegrityError:  # another sender filed the same message meanwhile
            s.rollback()
            return Filed(None, None, None, parsed.kind, duplicate=True)
        assert row.id is not None
        if app is None:
            where = f"company {company_id}'s unmatched list" if company_id else "the global unmatched bin"
            log.warning(
                "inbound %s from %s (%r, token %r) matches no application: filed in %s",
                parsed.kind,
                parsed.from_address,
                parsed.subject[:80],
                row.token,
                where,
            )
            return Filed(row.id, None, company_id, parsed.kind)
        assert app.id is not None and company_id is not None
        for position, (name, content_type, data) in enumerate(
            parsed.attachments if parsed.kind == REPLY else []
        ):
            stored = StoredFile(
                owner_id=app.candidate_id,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                content_type=content_type,
                original_name=name,
                data=data,
                preview_status="none",
                text_note="An attachment of a reply; its text is not read.",
            )
            s.add(stored)
            s.flush()
            assert stored.id is not None
            s.add(InboundAttachment(inbound_id=row.id, file_id=stored.id, position=position))
        recruiters = s.exec(
            select(User.id).where(User.company_id == company_id, User.role == Role.RECRUITER, User.is_active)
        ).all()
        for user_id in recruiters:
            s.add(InboundUnread(inbound_id=row.id, user_id=user_id))
        announce_application_change(
            s, app.id, job_id=app.job_id, candidate_id=app.candidate_id, company_id=company_id
        )
        log.info("inbound %s threaded into application %s", parsed.kind, app.id)
        return Filed(row.id, app.id, company_id, parsed.kind)


def file_calendar_reply(db: Database, parsed: Parsed, handler: CalendarReplyHandler | None) -> Filed:
    """An invitation's answer: handed to ``handler`` for the application its token names; never
    filed as a reply to the candidate. A forged or unknown token changes nothing."""
    reply = parsed.calendar
    assert reply is not None
    with db.session() as s:
        application_id = next(
            (
                found
                for token in parsed.tokens
                if (found := reply_address.application_of(s, token)) is not None
            ),
            None,
        )
    changed = False
    if application_id is not None and handler is not None:
        for attendee, partstat in reply.answers:
            changed = handler(db, application_id, reply.uid, attendee, partstat, reply.sequence) or changed
    if not changed:
        log.info(
            "calendar reply from %s (UID %r, application %s) changed nothing",
            parsed.from_address,
            reply.uid[:80],
            application_id,
        )
    return Filed(None, application_id if changed else None, None, CALENDAR_REPLY)


def receive(
    db: Database, raw: bytes, domain: str, on_calendar_reply: CalendarReplyHandler | None = None
) -> Filed:
    """Parse and file one raw message (an invitation's answer goes to ``on_calendar_reply``)."""
    parsed = parse(raw, domain)
    if parsed.calendar is not None:
        return file_calendar_reply(db, parsed, on_calendar_reply)
    return file_message(db, parsed)


# --- the mailbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    username: str
    password: str
    ssl: bool
    folder: str


def parse_imap_url(url: str) -> ImapConfig:
    """``imaps://user:password@host:993/INBOX`` (TLS) or ``imap://…:143/INBOX`` (STARTTLS when offered)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise InvalidInput("FLOWTRACK_IMAP_URL must look like imaps://user:password@host:993/INBOX")
    secure = parts.scheme == "imaps"
    return ImapConfig(
        host=parts.hostname,
        port=parts.port or (993 if secure else 143),
        username=unquote(parts.username),
        password=unquote(parts.password or ""),
        ssl=secure,
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


class Mailbox:
    """The reply mailbox: ``poll`` reads every unseen message once and files it."""

    def __init__(
        self,
        db: Database,
        url: str,
        domain: str,
        *,
        timeout: float = 30,
        batch: int = 50,
        on_calendar_reply: CalendarReplyHandler | None = None,
    ):
        self.db = db
        self.on_calendar_reply = on_calendar_reply
        self.cfg = parse_imap_url(url)
        self.domain = domain
        self.timeout = timeout
        self.batch = batch

    def _connect(self):
        from imapclient import IMAPClient  # type: ignore[import-untyped]

        cfg = self.cfg
        client = IMAPClient(cfg.host, port=cfg.port, ssl=cfg.ssl, timeout=self.timeout)
        if not cfg.ssl and b"STARTTLS" in client.capabilities():
            client.starttls(ssl.create_default_context())
        client.login(cfg.username, cfg.password)
        client.select_folder(cfg.folder)
        return client

    def poll(self) -> list[Filed]:
        """One pass: each unseen message filed (or set aside when unreadable), then flagged \\Seen."""
        filed: list[Filed] = []
        client = self._connect()
        try:
            uids = sorted(client.search(["UNSEEN"]))[: self.batch]
            for uid in uids:
                filed_one = self._one(client, uid)
                if filed_one is not None:
                    filed.append(filed_one)
        finally:
            try:
                client.logout()
            except Exception:
                pass
        return filed

    def _one(self, client, uid: int) -> Filed | None:
        try:
            size = client.fetch([uid], ["RFC822.SIZE"]).get(uid, {}).get(b"RFC822.SIZE", 0)
            if size > MAX_MESSAGE_BYTES:
                raise InvalidInput(f"the message is {size / 1_048_576:.1f} MiB, over the limit")
            raw = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]", b"")
            result = receive(self.db, raw, self.domain, self.on_calendar_reply)
        except InvalidInput as exc:
            log.warning("inbound message %s set aside: %s", uid, exc.message)
            result = None
            client.add_flags([uid], [b"\\Flagged"])
        except Exception:  # the database briefly away: leave it unseen, the next pass tries again
            log.exception("inbound message %s could not be filed; trying again at the next pass", uid)
            return None
        client.add_flags([uid], [b"\\Seen"])
        return result
