"""The Offer section of the application page: the current offer, its approval chain, what the
caller may do with it (the core decides; buttons follow ``may`` and the chain), and the dialog
that writes or edits it. Every handler re-reads the caller and calls core/offers.

Live: it follows the application's topic. A read notes the change feed's mark first, so the
section's own step (read again by its handler) does not wake it a second time; a wake of stage
moves alone is skipped (a move never writes an offer or its approvals); anything else reads the
offers again."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, time

import reflex as rx

from flowtrack_ui.core import live_access
from flowtrack_ui.core.changes import Change
from flowtrack_ui.core.collaboration import notes
from flowtrack_ui.core.errors import DomainError, InvalidInput
from flowtrack_ui.core.offers import letters, workflow
from flowtrack_ui.core.offers.workflow import OfferView
from flowtrack_ui.core.permissions import Action, may

from . import live
from .application import ApplicationState
from .format import day, exact
from .session import db

STATUS_LABELS = {
    "draft": "Draft",
    "pending_approval": "Waiting for approval",
    "approved": "Approved, ready to send",
    "sent": "Sent to the candidate",
    "accepted": "Accepted and signed",
    "declined": "Declined by the candidate",
    "withdrawn": "Withdrawn",
    "expired": "Expired",
}
STATUS_COLORS = {
    "draft": "gray",
    "pending_approval": "amber",
    "approved": "blue",
    "sent": "indigo",
    "accepted": "green",
    "declined": "red",
    "withdrawn": "gray",
    "expired": "orange",
}
DECISION_LABELS = {"pending": "Waiting", "approved": "Approved", "declined": "Declined"}
DECISION_COLORS = {"pending": "gray", "approved": "green", "declined": "red"}


@dataclasses.dataclass
class ApprovalRow:
    position: str
    name: str
    decision: str
    color: str
    comment: str
    turn: bool


@dataclasses.dataclass
class VersionRow:
    offer_id: int
    label: str


@dataclasses.dataclass
class ChoiceRow:
    value: str
    label: str


class OfferState(ApplicationState):
    offer_id: int = 0
    offer_status: str = ""
    offer_status_label: str = ""
    offer_color: str = "gray"
    offer_version: int = 0
    offer_salary: str = ""
    offer_start: str = ""
    offer_expires: str = ""
    offer_sent: str = ""
    offer_outcome: str = ""  # "Signed by … on …" or the decline's reason
    offer_hash: str = ""
    offer_has_signed: bool = False
    approvals: list[ApprovalRow] = []
    versions: list[VersionRow] = []
    can_write_offers: bool = False
    my_turn: bool = False
    hire_stage: str = ""
    decision_comment: str = ""
    # The dialog that writes or edits the offer.
    offer_form_open: bool = False
    offer_form_error: str = ""
    form_values: dict[str, str] = {}
    template_choices: list[ChoiceRow] = []
    staff_choices: list[ChoiceRow] = []
    chain: list[ChoiceRow] = []

    @rx.var
    def offer_open(self) -> bool:
        return self.offer_status in ("draft", "pending_approval", "approved", "sent")

    @rx.var
    def can_create_offer(self) -> bool:
        """A first offer, or a new one after a declined, withdrawn or expired one (not after a signature)."""
        return self.can_write_offers and not self.offer_open and self.offer_status != "accepted"

    @rx.var
    def chain_ids(self) -> list[str]:
        return [c.value for c in self.chain]

    _offer_watch_gen: int = 0
    # The change feed's mark before the last read of the offers.
    _offers_mark: str = ""

    @rx.event
    def load_offers(self):
        if self._read_offers() is False:
            return None
        self._offer_watch_gen += 1
        return OfferState.watch_offers

    def _read_offers(self) -> bool:
        mark = db().feed.mark()
        try:
            me = self.principal()
            self.can_write_offers = may(me, Action.MANAGE_OFFERS)
            found = workflow.offers_for_application(db(), me, self.app_id) if self.app_id else []
        except DomainError:
            return False  # the page itself says why (not found, signed out)
        self._show(found)
        self._offers_mark = mark
        return True

    @rx.event(background=True)
    async def watch_offers(self):
        """Live: an approval, a signature or a decline elsewhere shows without a reload."""
        async with self:
            gen, app_id = self._offer_watch_gen, self.app_id
        return await live.follow(
            self,
            lambda _signal: live_access.application_topic_for(db(), self.principal(), app_id),
            still_wanted=lambda: self._offer_watch_gen == gen and self.app_id == app_id,
            refresh=self._live_offers,
            read_mark=lambda: self._offers_mark,
            on_changes=self._offer_changes,
        )

    def _live_offers(self):
        self._read_offers()
        return None

    def _offer_changes(self, changes: list[Change], lost: bool):
        """Skip a wake of stage moves alone, this application's among them (each commit names the
        cards it moved, none erased): a move leaves the offers and their approvals as they were.
        Anything else reads them."""
        if lost:
            return self._live_offers()
        for change in changes:
            if not change.jobs:
                return self._live_offers()
            for job in change.jobs.values():
                if job.seq is None or not job.moves or any(m.to_stage is None for m in job.moves):
                    return self._live_offers()
        if not any(
            m.application_id == self.app_id for c in changes for j in c.jobs.values() for m in j.moves
        ):
            return self._live_offers()  # this application changed in that commit, not by a move
        return None

    def _show(self, found: list[OfferView]) -> None:
        me = self.principal()
        current = found[0] if found else None
        self.versions = [
            VersionRow(o.id, f"Version {o.version} · {STATUS_LABELS.get(o.status, o.status)}")
            for o in found[1:]
        ]
        if current is None:
            self.offer_id, self.offer_status, self.approvals, self.my_turn = 0, "", [], False
            return
        self.offer_id, self.offer_status, self.offer_version = current.id, current.status, current.version
        self.offer_status_label = STATUS_LABELS.get(current.status, current.status)
        self.offer_color = STATUS_COLORS.get(current.status, "gray")
        self.offer_salary = current.salary
        self.offer_start, self.offer_expires = day_of(current.start_date), day_of(current.expires_on)
        self.offer_sent = exact(current.sent_at, self.time_zone) if current.sent_at else ""
        self.offer_hash = current.document_sha256 or ""
        self.offer_has_signed = current.has_signed_pdf
        if current.status == "accepted" and current.responded_at:
            self.offer_outcome = (
                f"Signed by {current.signed_name} on {exact(current.responded_at, self.time_zone)}"
            )
        elif current.status == "declined":
            self.offer_outcome = (
                f"Reason given: {current.decline_reason}" if current.decline_reason else "No reason given."
            )
        else:
            self.offer_outcome = ""
        self.approvals = [
            ApprovalRow(
                str(a.position + 1),
                a.approver_name,
                DECISION_LABELS.get(a.decision, a.decision),
                DECISION_COLORS.get(a.decision, "gray"),
                a.comment,
                current.next_approver_id == a.approver_id,
            )
            for a in current.approvals
        ]
        self.my_turn = current.next_approver_id == me.user_id
        self.hire_stage = ""
        if current.status == "accepted" and self.can_move:
            try:
                stage = workflow.hired_stage(db(), me, self.app_id)
            except DomainError:
                stage = None
            if stage and stage == self.advance_to:  # only where Hired is the next move
                self.hire_stage = stage

    def _reload(self, message: str):
        self._read_offers()
        self.decision_comment = ""
        return rx.toast.success(message)

    # --- the steps ----------------------------------------------------------------------------

    def _step(self, call, message: str):
        try:
            call()
        except DomainError as exc:
            self._read_offers()
            return self.refuse(exc)
        return self._reload(message)

    @rx.event
    def set_decision_comment(self, value: str):
        self.decision_comment = value[: workflow.MAX_TERMS] if isinstance(value, str) else ""

    @rx.event
    def submit_offer(self):
        return self._step(
            lambda: workflow.submit_offer(db(), self.principal(), self.offer_id), "Sent for approval."
        )

    @rx.event
    def approve_offer(self):
        comment = self.decision_comment
        return self._step(
            lambda: workflow.approve_offer(db(), self.principal(), self.offer_id, comment), "Approved."
        )

    @rx.event
    def decline_offer(self):
        comment = self.decision_comment
        return self._step(
            lambda: workflow.decline_offer(db(), self.principal(), self.offer_id, comment),
            "Declined: the offer is back with its recruiter.",
        )

    @rx.event
    async def send_offer(self):
        try:
            await asyncio.to_thread(workflow.send_offer, db(), self.principal(), self.offer_id)
        except DomainError as exc:
            self._read_offers()
            return self.refuse(exc)
        return self._reload("The offer is on its way to the candidate.")

    @rx.event
    def withdraw_offer(self):
        return self._step(
            lambda: workflow.withdraw_offer(db(), self.principal(), self.offer_id, ""), "Offer withdrawn."
        )

    @rx.event
    async def download_offer(self):
        try:
            name, data = await asyncio.to_thread(workflow.offer_pdf, db(), self.principal(), self.offer_id)
        except DomainError as exc:
            return self.refuse(exc)
        return rx.download(data=data, filename=name)

    @rx.event
    def download_signed(self):
        try:
            name, data = workflow.signed_pdf(db(), self.principal(), self.offer_id)
        except DomainError as exc:
            return self.refuse(exc)
        return rx.download(data=data, filename=name)

    @rx.event
    def move_to_hired(self):
        """The prompt after an accepted offer: an ordinary move, with its history row."""
        if not self.hire_stage:
            return rx.toast.info("This application cannot move to Hired from here.")
        answer = self._move(self.hire_stage)
        self._read_offers()
        return answer

    # --- the dialog ---------------------------------------------------------------------------

    def _choices(self) -> None:
        me = self.principal()
        self.template_choices = [
            ChoiceRow(str(t.id), t.name + (" (default)" if t.is_default else ""))
            for t in letters.list_templates(db(), me)
        ]
        self.staff_choices = [ChoiceRow(str(c.user_id), c.name) for c in notes.company_colleagues(db(), me)]

    @rx.event
    def open_new_offer(self):
        try:
            self._choices()
        except DomainError as exc:
            return self.refuse(exc)
        default = next((c.value for c in self.template_choices if c.label.endswith("(default)")), "0")
        self.form_values = {
            "template_id": default,
            "job_title": self.job_title,
            "currency": "EUR",
            "salary_period": "year",
            "signer_name": self.principal().full_name,
        }
        self.chain, self.offer_form_error, self.offer_form_open = [], "", True
        return None

    @rx.event
    def open_edit_offer(self):
        try:
            self._choices()
            o = workflow.get_offer(db(), self.principal(), self.offer_id)
        except DomainError as exc:
            return self.refuse(exc)
        self.form_values = {
            "template_id": "",
            "job_title": o.job_title,
            "start_date": o.start_date.isoformat(),
            "salary": f"{o.salary_cents // 100}.{o.salary_cents % 100:02d}",
            "currency": o.currency,
            "salary_period": o.salary_period,
            "bonus": o.bonus,
            "equity": o.equity,
            "other_terms": o.other_terms,
            "expires_on": o.expires_on.isoformat(),
            "signer_name": o.signer_name,
            "signer_title": o.signer_title,
        }
        names = {c.value: c.label for c in self.staff_choices}
        self.chain = [ChoiceRow(str(i), names.get(str(i), f"#{i}")) for i in o.approver_ids]
        self.offer_form_error, self.offer_form_open = "", True
        return None

    @rx.event
    def set_offer_form_open(self, value: bool):
        self.offer_form_open = value is True

    @rx.event
    def add_approver(self, value: str):
        label = next((c.label for c in self.staff_choices if c.value == value), None)
        if label is not None and value not in self.chain_ids:
            self.chain = [*self.chain, ChoiceRow(value, label)]

    @rx.event
    def remove_approver(self, value: str):
        self.chain = [c for c in self.chain if c.value != value]

    @rx.event
    async def save_offer(self, form: dict):
        """Create or edit: the core checks every field; a refusal is shown in the dialog."""
        if not isinstance(form, dict):
            return rx.toast.error("The form could not be read.")
        keys = (
            "job_title",
            "start_date",
            "salary",
            "currency",
            "salary_period",
            "bonus",
            "equity",
            "other_terms",
            "expires_on",
            "signer_name",
            "signer_title",
        )
        fields: dict[str, object] = {k: str(form.get(k, "")) for k in keys if k in form}
        template = str(form.get("template_id", "") or "")
        if template:
            fields["template_id"] = template
        fields["approver_ids"] = [int(c.value) for c in self.chain]
        me, editing = self.principal(), self.offer_open and self.offer_id
        try:
            if editing:
                await asyncio.to_thread(workflow.update_offer, db(), me, self.offer_id, fields)
            else:
                await asyncio.to_thread(workflow.create_offer, db(), me, self.app_id, fields)
        except InvalidInput as exc:
            self.offer_form_error = exc.message
            return None
        except DomainError as exc:
            self.offer_form_open = False
            return self.refuse(exc)
        self.offer_form_open, self.offer_form_error = False, ""
        return self._reload("Offer saved." if editing else "Offer drafted.")


def day_of(value: date) -> str:
    """A date as the page writes days (``format.day``'s words)."""
    return day(datetime.combine(value, time(12), tzinfo=UTC))
