"""The conversation on the application page: emails out with their state, replies in (unread
marked), the team's notes; writing to the candidate (a template or blank, now or later, with
attachments); cancelling or sending early a held email.

Live: it follows the application's change topic, so a reply the sender process threads in (or
an email a colleague writes) appears without a reload. A read notes the change feed's mark first,
so the page's own email (read again by its handler) does not wake it a second time; a wake of
stage moves alone reads the thread's emails only (a move may queue or cancel a stage email, never
a note or a reply); anything else reads the thread. Every handler re-reads the caller and asks
the core, which checks the permission and the company on each call.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from flowtrack_ui.core import live_access, time_zones
from flowtrack_ui.core.changes import Change
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.mail import conversation as conv
from flowtrack_ui.core.mail import templates as mail_templates
from flowtrack_ui.core.permissions import Action, may

from . import live
from .application import ApplicationState
from .format import exact, relative
from .profile import size_label
from .session import db

BLANK = "blank"
KIND_LABELS = {"reply": "Reply", "bounce": "Bounce", "auto_reply": "Automatic reply"}


@dataclasses.dataclass
class FileRow:
    file_id: int
    name: str
    info: str


@dataclasses.dataclass
class ThreadRow:
    """One entry of the thread as the page shows it."""

    kind: str  # email, reply, note
    id: int
    when: str
    exact: str
    author: str
    subject: str
    body: str
    state: str  # held, queued, sent, failed, cancelled; reply, bounce, auto_reply; note
    state_label: str
    held_until: str
    template_name: str
    address: str
    unread: bool
    can_cancel: bool
    can_send_now: bool
    attachments: list[FileRow]
    error: str


@dataclasses.dataclass
class TemplateChoice:
    value: str
    label: str


class ConversationState(ApplicationState):
    thread: list[ThreadRow] = []
    can_write: bool = False
    unread_count: int = 0
    compose_open: bool = False
    choices: list[TemplateChoice] = []
    _sources: dict[str, tuple[str, str]] = {}
    template_value: str = BLANK
    draft_subject: str = ""
    draft_body: str = ""
    schedule: bool = False
    send_at_local: str = ""
    attached: list[str] = []
    _uploads: list[tuple[str, bytes]] = []
    compose_error: str = ""
    preview_subject: str = ""
    preview_text: str = ""
    sending: bool = False
    # Remounts the subject and body fields (their text is the browser's while typing) when a
    # template is picked or the dialog opens again.
    compose_key: str = "0"
    _conv_gen: int = 0
    # The thread as the core gave it (a move's wake replaces its emails alone), and the change
    # feed's mark before it was read.
    _items: list[conv.ConversationItem] = []
    _thread_mark: str = ""

    @rx.event
    def load_conversation(self):
        """The thread (its unread replies marked, then read for this reader), and the live watch."""
        if not self.app_id or self.not_found:
            self.thread, self._items = [], []
            return None
        self._conv_gen += 1
        self.compose_open = False
        refused = self._read_thread(mark=True)
        if refused is not None:
            return refused
        return ConversationState.watch_conversation

    def _read_thread(self, mark: bool):
        feed_mark = db().feed.mark()
        try:
            me = self.principal()
            items = conv.conversation(db(), me, self.app_id)
            if mark and any(i.unread for i in items):
                conv.mark_read(db(), me, self.app_id)
        except DomainError as exc:
            return self.refuse(exc)
        self.can_write = may(me, Action.WRITE_TO_CANDIDATES)
        self._thread_mark = feed_mark
        self._show_thread(items)
        return None

    def _show_thread(self, items: list[conv.ConversationItem]) -> None:
        self._items = items
        zone = self.time_zone
        self.unread_count = sum(1 for i in items if i.unread)
        self.thread = [
            ThreadRow(
                kind=i.kind,
                id=i.id,
                when=relative(i.at),
                exact=exact(i.at, zone),
                author=i.author,
                subject=i.subject,
                body=i.body,
                state=i.state,
                state_label=conv.STATE_LABELS.get(i.state) or KIND_LABELS.get(i.state) or "Note",
                held_until=exact(i.held_until, zone) if i.held_until else "",
                template_name=i.template_name,
                address=i.address,
                unread=i.unread,
                can_cancel=i.can_cancel,
                can_send_now=i.can_send_now,
                attachments=[FileRow(a.file_id, a.name, size_label(a.size)) for a in i.attachments],
                error=i.error,
            )
            for i in items
        ]

    @rx.event(background=True)
    async def watch_conversation(self):
        """Live: a reply threaded in by the sender, or a colleague's email or note, appears."""
        async with self:
            gen, app_id = self._conv_gen, self.app_id
        return await live.follow(
            self,
            lambda _signal: live_access.application_topic_for(db(), self.principal(), app_id),
            still_wanted=lambda: self._conv_gen == gen and self.app_id == app_id,
            refresh=lambda: self._read_thread(mark=True),
            read_mark=lambda: self._thread_mark,
            on_changes=self._thread_changes,
        )

    def _thread_changes(self, changes: list[Change], lost: bool):
        """A wake of stage moves alone, this application's among them (each commit names the cards
        it moved, none erased), reads the thread's emails and keeps its notes and replies; anything
        else reads the thread."""
        if lost:
            return self._read_thread(mark=True)
        for change in changes:
            if not change.jobs:
                return self._read_thread(mark=True)
            for job in change.jobs.values():
                if job.seq is None or not job.moves or any(m.to_stage is None for m in job.moves):
                    return self._read_thread(mark=True)
        if not any(
            m.application_id == self.app_id for c in changes for j in c.jobs.values() for m in j.moves
        ):
            # This application changed in that commit, but not by a move: only a read tells what.
            return self._read_thread(mark=True)
        try:
            emails = conv.conversation_emails(db(), self.principal(), self.app_id)
        except DomainError as exc:
            return self.refuse(exc)
        items = [*emails, *(i for i in self._items if i.kind != "email")]
        items.sort(key=lambda i: (i.at, i.kind, i.id), reverse=True)
        self._show_thread(items)
        return None

    # --- held emails ---------------------------------------------------------------------------

    @rx.event
    def cancel_email(self, email_id: int):
        try:
            conv.cancel_email(db(), self.principal(), email_id)
        except DomainError as exc:
            self._read_thread(mark=False)
            return self.refuse(exc)
        self._read_thread(mark=False)
        return rx.toast.success("Cancelled: this email will not be sent.")

    @rx.event
    def send_email_now(self, email_id: int):
        try:
            conv.send_now(db(), self.principal(), email_id)
        except DomainError as exc:
            self._read_thread(mark=False)
            return self.refuse(exc)
        self._read_thread(mark=False)
        return rx.toast.success("It goes now.")

    @rx.event
    def download_file(self, file_id: int):
        try:
            view, data = conv.attachment(db(), self.principal(), self.app_id, file_id)
        except DomainError as exc:
            return self.refuse(exc)
        return rx.download(data=data, filename=view.name)

    # --- writing ---------------------------------------------------------------------------------

    @rx.event
    def open_compose(self):
        """The form, with the company's templates (messages first) to start from, or a blank one."""
        try:
            found = mail_templates.list_templates(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        ordered = sorted(found, key=lambda t: (t.kind != "message", t.kind_label, t.name.casefold()))
        self.choices = [TemplateChoice(BLANK, "Blank message")]
        self._sources = {BLANK: ("", "")}
        for t in ordered:
            value = str(t.id) if t.id is not None else f"built-in:{t.kind}"
            if t.id is None and t.kind != "message":
                continue  # FlowTrack's automatic texts: start from the company's own instead
            self.choices.append(TemplateChoice(value, f"{t.name} ({t.kind_label})"))
            self._sources[value] = (t.subject, t.body)
        message = next((c.value for c in self.choices if c.value != BLANK), BLANK)
        self._pick(message)
        self.schedule, self.send_at_local, self.attached, self._uploads = False, "", [], []
        self.compose_error, self.preview_subject, self.preview_text, self.sending = "", "", "", False
        self.compose_open = True
        return None

    def _pick(self, value: str) -> None:
        self.template_value = value if value in self._sources else BLANK
        self.draft_subject, self.draft_body = self._sources.get(self.template_value, ("", ""))
        if self.template_value == BLANK:
            self.draft_subject = f"About your application for {self.job_title}"[:200]
        self.compose_key = str(int(self.compose_key) + 1)

    @rx.event
    def pick_template(self, value: str):
        if not isinstance(value, str):
            return
        self._pick(value)
        self.preview_subject = self.preview_text = ""

    @rx.event
    def set_compose_open(self, value: bool):
        self.compose_open = value is True

    @rx.event
    def set_draft_subject(self, value: str):
        self.draft_subject = str(value)[:300]

    @rx.event
    def set_draft_body(self, value: str):
        self.draft_body = str(value)[:20_000]

    @rx.event
    def set_schedule(self, value: str):
        self.schedule = value == "later"

    @rx.event
    def set_send_at_local(self, value: str):
        self.send_at_local = str(value)[:40]

    @rx.event
    async def attach(self, files: list[rx.UploadFile]):
        """Files chosen for the message: checked at once (type and size, by the core)."""
        added: list[tuple[str, bytes]] = []
        for f in files[: conv.MAX_ATTACHMENTS + 1]:
            data = await f.read(conv.MAX_ATTACHMENT_BYTES + 1)
            added.append((f.name or "attachment", data))
        candidate = self._uploads + added
        try:
            checked = conv.check_attachments([conv.Upload(n, d) for n, d in candidate])
        except DomainError as exc:
            self.compose_error = exc.message
            return None
        self.compose_error = ""
        self._uploads = [(name, data) for name, _type, data in checked]
        self.attached = [name for name, _d in self._uploads]
        return None

    @rx.event
    def remove_attachment(self, name: str):
        self._uploads = [(n, d) for n, d in self._uploads if n != name]
        self.attached = [n for n, _d in self._uploads]

    def _send_at(self) -> str | None:
        """The scheduled time, entered in the writer's zone, as ISO 8601 with its offset."""
        if not self.schedule:
            return None
        try:
            local = datetime.fromisoformat(self.send_at_local)
        except ValueError:
            return "invalid"
        zone = self.time_zone if time_zones.is_zone(self.time_zone) else time_zones.UTC_NAME
        return local.replace(tzinfo=ZoneInfo(zone)).isoformat()

    @rx.event
    def preview(self):
        """The message as the candidate will read it, variables filled in."""
        try:
            shown = conv.render_message(
                db(), self.principal(), self.app_id, self.draft_subject, self.draft_body
            )
        except DomainError as exc:
            self.compose_error = exc.message
            return None
        self.compose_error, self.preview_subject, self.preview_text = "", shown.subject, shown.text
        return None

    @rx.event
    async def send(self, form: dict):
        """Through the core's compose: the permission, the company, the variables, the files. The
        subject, body and time are the form's as submitted (what the writer sees)."""
        if self.sending:
            return
        if isinstance(form, dict):
            if isinstance(form.get("subject"), str):
                self.draft_subject = form["subject"][:300]
            if isinstance(form.get("body"), str):
                self.draft_body = form["body"][:20_000]
            if isinstance(form.get("send_at"), str):
                self.send_at_local = form["send_at"][:40]
        send_at = self._send_at()
        if send_at == "invalid":
            self.compose_error = "Choose the date and time to send it at."
            return
        template = self.template_value
        raw: dict[str, object] = {
            "subject": self.draft_subject,
            "body": self.draft_body,
            "send_at": send_at,
            "template_id": None
            if template == BLANK
            else ("built-in" if template.startswith("built-in:") else template),
        }
        uploads = [conv.Upload(n, d) for n, d in self._uploads]
        self.sending = True
        yield
        try:
            item = await asyncio.to_thread(conv.compose, db(), self.principal(), self.app_id, raw, uploads)
        except DomainError as exc:
            self.sending = False
            self.compose_error = exc.message
            return
        self.sending, self.compose_open, self._uploads, self.attached = False, False, [], []
        self._read_thread(mark=False)
        if item.state == conv.HELD:
            yield rx.toast.success(f"Scheduled for {exact(item.held_until or item.at, self.time_zone)}.")
        else:
            yield rx.toast.success("Sent to the candidate.")
