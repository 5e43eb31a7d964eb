"""Selecting many applications and acting on them at once: a state mixin for any view of a job's
applications (the board, a list).

The host state says which applications are on screen (``_selectable_ids``, in the order a
shift-click range follows), which stages the selection may be moved to (``_bulk_stages``), and how
to read its data again after a batch (``_after_bulk``). Every rule (who may act, which move is
allowed, what happens to the emails) is the core's: ``core/bulk/actions`` runs the batch card by
card through the same use cases as a single card, and these handlers only pass the caller's words
on and show the answer.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import reflex as rx

from flowtrack_ui.core.bulk import actions as bulk_actions
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.jobs import list_jobs
from flowtrack_ui.core.mail import templates as mail_templates
from flowtrack_ui.core.models import TAKES_APPLICATIONS
from flowtrack_ui.core.permissions import Action, may
from flowtrack_ui.core.talent import tags as talent_tags

from .format import counted
from .reject import RejectTerms
from .session import db

if TYPE_CHECKING:
    from flowtrack_ui.core.permissions import Principal

# What a summary calls the applications a batch changed, per action.
DONE = {"move": "moved to {target}", "reject": "rejected", "tag": "tagged", "add_to_job": "added to {target}"}
NOT_DONE = {"move": "not moved", "reject": "not rejected", "tag": "not tagged", "add_to_job": "not added"}
DONE["email"], NOT_DONE["email"] = "emailed{target}", "not emailed"
# When the bulk "Email…" sends: now, or this many minutes later.
EMAIL_WHEN = {"0": "", "60": " (in an hour)", "1440": " (tomorrow)", "2880": " (in two days)"}


@dataclasses.dataclass
class BulkFailureRow:
    """One application a batch left as it was, and the core's reason."""

    id: int
    name: str
    detail: str


@dataclasses.dataclass
class JobChoice:
    id: str
    title: str


def _ids(values: object) -> list[int] | None:
    """A list of positive application ids from the browser, or None when it is not one."""
    if not isinstance(values, list | tuple) or len(values) > 5000:
        return None
    found: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | str):
            return None
        text = str(value).strip()
        if not text.isdigit() or len(text) > 18:
            return None
        found.append(int(text))
    return found


class BulkActions(RejectTerms, mixin=True):
    """Selection, the bulk bar's actions, their dialogs and the last batch's summary; the reject
    dialog is the shared one (``RejectTerms``, components/reject_dialog.py)."""

    selected: list[int] = []
    # Where the next shift-click range starts: the last card (de)selected by itself.
    _anchor: int = 0
    # The stages the selection may be moved to together (the host reads them from the core's moves).
    bulk_stages: list[str] = []

    bulk_reject_open: bool = False
    bulk_tag_open: bool = False
    bulk_add_open: bool = False
    bulk_email_open: bool = False
    bulk_email_templates: list[JobChoice] = []
    bulk_error: str = ""
    bulk_tag_suggestions: list[str] = []
    bulk_tag_draft: str = ""
    bulk_jobs: list[JobChoice] = []

    # The last batch: a sentence, and the applications it left alone with the core's reasons.
    bulk_summary: str = ""
    bulk_failed_heading: str = ""
    bulk_failures: list[BulkFailureRow] = []
    _batch_id: int = 0

    if TYPE_CHECKING:  # given by SessionState, which every host state also derives from

        def principal(self) -> Principal: ...

        def refuse(self, exc: DomainError) -> Any: ...

    # --- what the host state says ------------------------------------------------------------

    def _selectable_ids(self) -> list[int]:
        """The applications on screen, in the order shift-click ranges follow."""
        return []

    def _same_range_group(self, first: int, second: int) -> bool:
        """Whether a shift-click range may span these two (the board keeps it within a column)."""
        return True

    def _bulk_stages(self) -> list[str]:
        """The stages every selected application may be moved to by "Move to…" (none by default)."""
        return []

    def _current_job_id(self) -> int:
        """The job on screen, left out of "Add to job…" (0: none)."""
        return 0

    def _after_bulk(self) -> Any:
        """Read the view's data again after a batch (and return its events, if any)."""
        return None

    def _keep_selectable(self) -> None:
        """After a refresh: applications that left the view drop out of the selection."""
        here = set(self._selectable_ids())
        selected = self.get_value("selected")
        kept = [i for i in selected if i in here]
        if kept != selected:
            self.selected = kept
        if self._anchor not in here:
            self._anchor = 0
        stages = self._bulk_stages() if kept else []
        if stages != self.get_value("bulk_stages"):  # unchanged, it is not sent again
            self.bulk_stages = stages

    # --- selection ---------------------------------------------------------------------------

    @rx.event
    def toggle_select(self, application_id: int, shift: bool = False):
        """A checkbox: one application in or out; with shift, the range from the last one clicked."""
        found = _ids([application_id])
        if not found:
            return rx.toast.error("That is not an application.")
        target, order = found[0], self._selectable_ids()
        if target not in order:
            return None  # not on screen (any more): nothing to select
        chosen = set(self.selected)
        anchor = self._anchor
        if shift is True and anchor in order and anchor != target and self._same_range_group(anchor, target):
            a, b = sorted((order.index(anchor), order.index(target)))
            chosen.update(order[a : b + 1])
        elif target in chosen:
            chosen.discard(target)
        else:
            chosen.add(target)
        self._anchor = target
        self.selected = [i for i in order if i in chosen]
        self.bulk_stages = self._bulk_stages() if self.selected else []
        return None

    @rx.event
    def select_many(self, ids: list[int]):
        """Select these applications (a column's "Select all"); those not on screen are left out."""
        found = _ids(ids)
        if found is None:
            return rx.toast.error("That is not a list of applications.")
        order = self._selectable_ids()
        chosen = set(self.selected) | set(found)
        self.selected = [i for i in order if i in chosen]
        self.bulk_stages = self._bulk_stages() if self.selected else []
        return None

    @rx.event
    def clear_selection(self):
        self.selected, self._anchor, self.bulk_stages = [], 0, []

    @rx.event
    def dismiss_bulk_summary(self):
        self.bulk_summary, self.bulk_failed_heading, self.bulk_failures = "", "", []

    # --- the dialogs -------------------------------------------------------------------------

    @rx.event
    def open_bulk_reject(self):
        """The reject dialog, with the company's reasons and rejection templates (read when it opens)."""
        if not self.selected:
            return rx.toast.info("Select the applications to reject first.")
        try:
            self._load_reject_options()
        except DomainError as exc:
            return self.refuse(exc)
        self.bulk_error, self.bulk_reject_open = "", True
        return None

    @rx.event
    def set_bulk_reject_open(self, value: bool):
        self.bulk_reject_open = value is True and bool(self.selected)

    @rx.event
    def open_bulk_tag(self):
        """The tag dialog, suggesting the tags the company already uses."""
        if not self.selected:
            return rx.toast.info("Select the applications to tag first.")
        try:
            self.bulk_tag_suggestions = [
                label for label, _ in talent_tags.company_tags(db(), self.principal())
            ]
        except DomainError as exc:
            return self.refuse(exc)
        self.bulk_error, self.bulk_tag_draft, self.bulk_tag_open = "", "", True
        return None

    @rx.event
    def set_bulk_tag_open(self, value: bool):
        self.bulk_tag_open = value is True and bool(self.selected)

    @rx.event
    def set_bulk_tag_draft(self, value: str):
        self.bulk_tag_draft = str(value)[:500]

    @rx.event
    def add_tag_suggestion(self, label: str):
        """A suggested tag clicked: added to what is typed (once)."""
        label = str(label).strip()[:100]
        typed = [t.strip() for t in self.bulk_tag_draft.split(",") if t.strip()]
        if label and label.lower() not in {t.lower() for t in typed}:
            typed.append(label)
        self.bulk_tag_draft = ", ".join(typed)

    @rx.event
    def open_bulk_add(self):
        """The add-to-job dialog: the company's other jobs that take applications."""
        if not self.selected:
            return rx.toast.info("Select the candidates to add first.")
        try:
            me = self.principal()
            jobs = list_jobs(db(), me, limit=100)
        except DomainError as exc:
            return self.refuse(exc)
        here = self._current_job_id()
        self.bulk_jobs = [
            JobChoice(str(j.id), j.title)
            for j in jobs
            if j.company_id == me.company_id and j.status in TAKES_APPLICATIONS and j.id != here
        ]
        self.bulk_error, self.bulk_add_open = "", True
        return None

    @rx.event
    def set_bulk_add_open(self, value: bool):
        self.bulk_add_open = value is True and bool(self.selected)

    @rx.event
    def open_bulk_email(self):
        """Email…: the company's templates (messages first) to send to every selected candidate."""
        if not self.selected:
            return rx.toast.info("Select the candidates to email first.")
        try:
            found = mail_templates.list_templates(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        ordered = sorted(found, key=lambda t: (t.kind != "message", t.kind_label, t.name.casefold()))
        self.bulk_email_templates = [
            JobChoice(str(t.id) if t.id is not None else "built-in", f"{t.name} ({t.kind_label})")
            for t in ordered
            if t.id is not None or t.kind == "message"
        ]
        self.bulk_error, self.bulk_email_open = "", True
        return None

    @rx.event
    def set_bulk_email_open(self, value: bool):
        self.bulk_email_open = value is True and bool(self.selected)

    @rx.event
    def bulk_email(self, form: dict):
        """The email dialog: one template to each selected candidate, now or later (the core
        renders it for each, as if written from the application page)."""
        if not isinstance(form, dict):
            self.bulk_error = "The form could not be read; please try again."
            return None
        chosen = str(form.get("template_id") or "")
        if chosen != "built-in" and not (chosen.isdigit() and len(chosen) < 19):
            self.bulk_error = "Choose a template."
            return None
        when = str(form.get("when") or "0")
        if when not in EMAIL_WHEN:
            self.bulk_error = "Choose when to send it."
            return None
        template: int | str = chosen if chosen == "built-in" else int(chosen)
        return self._run("email", EMAIL_WHEN[when], template_id=template, send_in_minutes=int(when))

    # --- the actions -------------------------------------------------------------------------

    def _run(self, action: str, target: str = "", **options: Any):
        """One batch through the core; the summary, the view read again, one toast with Undo."""
        ids = list(self.selected)
        if not ids:
            return rx.toast.info("Nothing is selected.")
        try:
            result = bulk_actions.run_bulk(db(), self.principal(), action, ids, **options)
        except DomainError as exc:
            self.bulk_error = self.reject_error = exc.message
            return self.refuse(exc)
        self.bulk_reject_open = self.bulk_tag_open = self.bulk_add_open = self.bulk_email_open = False
        self.bulk_error = ""
        done = DONE.get(action, "changed").format(target=target)
        self._show_result(result, done, NOT_DONE.get(action, "not changed"))
        self._batch_id = int(result.batch_id or 0) if result.succeeded and result.undo_seconds else 0
        failed = {f.application_id for f in result.failed}
        self.selected = [i for i in ids if i in failed]
        self._anchor = 0
        events = [self._after_bulk()]
        if result.succeeded and result.undo_seconds:
            events.append(
                rx.toast.success(
                    self.bulk_summary,
                    duration=int(result.undo_seconds) * 1000,
                    action={"label": "Undo", "on_click": type(self).undo_batch},  # type: ignore[attr-defined]
                )
            )
        else:
            events.append(rx.toast.success(self.bulk_summary) if result.succeeded else None)
        return [e for e in _flat(events) if e is not None]

    def _show_result(self, result: Any, done: str, not_done: str) -> None:
        ok, failed = len(result.succeeded), list(result.failed)
        summary = f"{counted(ok, 'application')} {done}" if ok else f"None {done}"
        self.bulk_summary = summary + (";" if failed else ".")
        self.bulk_failed_heading = f"{len(failed)} {not_done}:" if failed else ""
        self.bulk_failures = [
            BulkFailureRow(int(f.application_id), str(f.name), str(f.detail)) for f in failed
        ]

    @rx.event
    def bulk_move(self, target: str):
        """ "Move to…": every selected application to one stage, each through the core's moves."""
        if not isinstance(target, str) or not target.strip() or len(target) > 200:
            return rx.toast.error("Choose a stage to move to.")
        return self._run("move", target.strip(), target_stage=target.strip())

    @rx.event
    def bulk_reject(self, form: dict):
        """The reject dialog: a reason, a template, when the candidates hear of it, a note."""
        terms = self._reject_terms(form)
        if isinstance(terms, str):
            self.reject_error = terms
            return None
        options: dict[str, Any] = {
            "reason_id": terms["reason_id"],
            "note": terms["note"],
            "notify": terms.get("notify", True),
            "template_id": terms.get("template_id"),
        }
        if terms.get("send_at") is not None:  # a batch's emails wait from its end: as minutes
            left = terms["send_at"] - datetime.now(UTC)
            options["send_in_minutes"] = max(0, int(left.total_seconds() // 60))
        elif terms.get("send_in_minutes") is not None:
            options["send_in_minutes"] = terms["send_in_minutes"]
        self.reject_error = ""
        return self._run("reject", **options)

    @rx.event
    def bulk_tag(self, form: dict):
        """The tag dialog: tags separated by commas, added to each selected candidate."""
        raw = str(form.get("tags") or "") if isinstance(form, dict) else ""
        labels = [t.strip() for t in raw.split(",") if t.strip()]
        if not labels:
            self.bulk_error = "Type at least one tag."
            return None
        return self._run("tag", tags=labels)

    @rx.event
    def bulk_add_to_job(self, job_id: str):
        """ "Add to job…": each selected candidate gets an application to the chosen job."""
        return self._add_to_job(job_id)

    def _add_to_job(self, job_id: object):
        text = str(job_id).strip() if isinstance(job_id, str | int) and not isinstance(job_id, bool) else ""
        if not text.isdigit() or len(text) > 18:
            self.bulk_error = "Choose a job."
            return None
        title = next((j.title for j in self.bulk_jobs if j.id == text), "the job")
        return self._run("add_to_job", title, job_id=int(text))

    @rx.event
    def bulk_add_form(self, form: dict):
        """The add-to-job dialog's form (its one field: the job)."""
        return self._add_to_job(str(form.get("job_id") or "") if isinstance(form, dict) else "")

    @rx.event
    def undo_batch(self):
        """The toast's Undo: the whole last batch, if the core says it is still within its window."""
        batch = self._batch_id
        if not batch:
            return rx.toast.info("There is nothing to undo.")
        try:
            result = bulk_actions.undo_batch(db(), self.principal(), batch)
        except DomainError as exc:
            self._after_bulk()
            return self.refuse(exc)
        self._batch_id = 0
        self._show_result(result, "back where they were", "not undone")
        events = [
            self._after_bulk(),
            rx.toast.info("Undone: " + self.bulk_summary + " The candidates were not told."),
        ]
        return [e for e in _flat(events) if e is not None]


def _flat(events: list[Any]) -> list[Any]:
    out: list[Any] = []
    for e in events:
        if isinstance(e, list | tuple):
            out.extend(e)
        else:
            out.append(e)
    return out


def can_act_in_bulk(principal: Principal) -> bool:
    """Whether to show checkboxes and the bulk bar (the core checks every batch anyway)."""
    return may(principal, Action.MOVE_STAGE)
