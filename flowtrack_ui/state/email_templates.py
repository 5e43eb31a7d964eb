"""The email templates page: the company's templates by kind, an editor with the kind's variables and
a live preview on an example or on one of the company's applications. Recruiters edit; hiring
managers read (the core refuses their writes whatever the page offers)."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.mail import templates
from flowtrack_ui.core.mail.render import KINDS, MAX_BODY, MAX_SUBJECT
from flowtrack_ui.core.mail.templates import MAX_NAME, TemplateView
from flowtrack_ui.core.permissions import STAFF_ROLES

from .session import SessionState, db

BODY_ID = "template-body"


@dataclasses.dataclass
class TemplateRow:
    """A template in the list; ``key`` is its id, or ``builtin:<kind>`` for a built-in one."""

    key: str
    kind: str
    kind_label: str
    name: str
    subject: str
    is_default: bool
    built_in: bool
    first_of_kind: bool


@dataclasses.dataclass
class VariableRow:
    name: str
    description: str
    tag: str  # what clicking it inserts: {{ name }}


@dataclasses.dataclass
class ChoiceRow:
    value: str
    label: str


def _key(v: TemplateView) -> str:
    return str(v.id) if v.id is not None else f"builtin:{v.kind}"


# Inserts text at the body's cursor, then tells React (and so the state) the value changed.
_INSERT = """(() => {
  const el = document.getElementById(%s);
  if (!el || el.disabled) return;
  const start = el.selectionStart ?? el.value.length, end = el.selectionEnd ?? start;
  el.focus();
  el.setRangeText(%s, start, end, "end");
  el.dispatchEvent(new Event("input", {bubbles: true}));
})()"""


class EmailTemplatesState(SessionState):
    loading: bool = True
    can_edit: bool = False
    rows: list[TemplateRow] = []
    choices: list[ChoiceRow] = []
    # The editor: the open template ("" for a new one, or a built-in being customised).
    selected: str = ""
    edit_id: str = ""
    edit_kind: str = "application_received"
    edit_name: str = ""
    edit_subject: str = ""
    edit_body: str = ""
    edit_default: bool = False
    edit_was_default: bool = False  # already the default: another takes over by being made the default
    edit_built_in: bool = False
    variables: list[VariableRow] = []
    preview_on: str = ""  # an application id, or "" for the example candidate
    preview_subject: str = ""
    preview_text: str = ""
    preview_error: str = ""
    form_error: str = ""
    # Unsaved edits: opening another template first asks (``pending`` is what was asked for).
    dirty: bool = False
    pending: str = ""
    version: int = 0  # bumped when another template opens, so the uncontrolled fields take its text
    _views: dict[str, TemplateView] = {}
    _variables: dict[str, list[tuple[str, str]]] = {}

    @rx.var
    def kind_label(self) -> str:
        return KINDS.get(self.edit_kind, "")

    @rx.var
    def editor_title(self) -> str:
        if self.edit_id:
            return f"{self.kind_label}: {self.edit_name}"
        if self.edit_built_in:
            return f"{self.kind_label}: built-in"
        return f"New {self.kind_label.lower()} template"

    def _reload(self) -> None:
        p = self.principal()
        views = templates.list_templates(db(), p)
        self._views = {_key(v): v for v in views}
        self._variables = templates.kind_variables(p)
        self.can_edit = any(v.can_edit for v in views)
        seen: set[str] = set()
        rows = []
        for v in views:
            rows.append(
                TemplateRow(
                    _key(v),
                    v.kind,
                    v.kind_label,
                    v.name,
                    v.subject,
                    v.is_default,
                    v.built_in,
                    v.kind not in seen,
                )
            )
            seen.add(v.kind)
        self.rows = rows
        self.choices = [ChoiceRow("", "Example candidate (Alex Example, Product Designer)")] + [
            ChoiceRow(str(c.application_id), c.label) for c in templates.preview_choices(db(), p)
        ]
        if self.preview_on not in {c.value for c in self.choices}:
            self.preview_on = ""

    def _open(self, view: TemplateView, *, as_new: bool = False) -> None:
        self.selected = "" if as_new else _key(view)
        self.edit_id = "" if as_new or view.id is None else str(view.id)
        self.edit_kind = view.kind
        self.edit_name = "" if as_new else view.name
        self.edit_subject, self.edit_body = view.subject, view.body
        self.edit_default = view.is_default and not as_new
        self.edit_was_default = self.edit_default and view.id is not None
        self.edit_built_in = view.built_in and not as_new
        self.variables = [VariableRow(n, d, "{{ " + n + " }}") for n, d in self._variables.get(view.kind, [])]
        self.form_error = ""
        self.dirty, self.pending = False, ""
        self.version += 1
        self._preview()

    def _preview(self) -> None:
        try:
            shown = templates.preview(
                db(),
                self.principal(),
                {
                    "kind": self.edit_kind,
                    "subject": self.edit_subject,
                    "body": self.edit_body,
                    "application_id": self.preview_on or None,
                },
            )
        except Unauthenticated:
            raise
        except DomainError as exc:
            self.preview_error = exc.message
            return
        self.preview_error = ""
        self.preview_subject, self.preview_text = shown.subject, shown.text

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        try:
            self._reload()
            if self.rows:
                self._open(self._views[self.rows[0].key])
        except DomainError as exc:
            return self.refuse(exc)
        self.loading = False
        return None

    def _asks_first(self, key: str) -> bool:
        """With unsaved edits, another template opens only once the recruiter agrees to drop them."""
        if self.dirty and key != self.selected:
            self.pending = key
            return True
        return False

    @rx.event
    def open(self, key: str):
        key = str(key)
        if self._asks_first(key):
            return None
        view = self._views.get(key)
        if view is None:
            try:
                self._reload()
            except DomainError as exc:
                return self.refuse(exc)
            return rx.toast.error("This template is no longer there; the list is reloaded.")
        self._open(view)
        return None

    @rx.event
    def new(self, kind: str):
        """A new named template of a kind, starting from the built-in words."""
        if self._asks_first(f"new:{kind}"):
            return None
        try:
            self._open(templates.built_in(db(), self.principal(), kind), as_new=True)
        except DomainError as exc:
            return self.refuse(exc)
        return None

    @rx.event
    def discard(self):
        """Drops the unsaved edits and opens what was asked for."""
        wanted, self.pending, self.dirty = self.pending, "", False
        if wanted.startswith("new:"):
            return EmailTemplatesState.new(wanted.removeprefix("new:"))
        return EmailTemplatesState.open(wanted) if wanted else None

    @rx.event
    def keep_editing(self):
        self.pending = ""

    @rx.event
    def discard_dialog_changed(self, opened: bool):
        """Escape closes the question as "keep editing" does."""
        if not opened:
            self.pending = ""

    @rx.event
    def set_subject(self, value: str):
        value = str(value)[: MAX_SUBJECT + 50]
        if value == self.edit_subject:  # leaving the field unchanged, or its change already heard
            return None
        self.edit_subject, self.dirty = value, self.can_edit
        return self._refresh_preview()

    @rx.event
    def set_body(self, value: str):
        value = str(value)[: MAX_BODY + 500]
        if value == self.edit_body:
            return None
        self.edit_body, self.dirty = value, self.can_edit
        return self._refresh_preview()

    @rx.event
    def set_name(self, value: str):
        self.edit_name = str(value)[: MAX_NAME + 10]
        self.dirty = self.can_edit

    @rx.event
    def set_default(self, value: bool):
        self.edit_default = bool(value)
        self.dirty = self.can_edit

    @rx.event
    def set_preview_on(self, value: str):
        self.preview_on = str(value) if str(value) in {c.value for c in self.choices} else ""
        return self._refresh_preview()

    def _refresh_preview(self):
        try:
            self._preview()
        except DomainError as exc:
            return self.refuse(exc)
        return None

    @rx.event
    def insert(self, tag: str):
        """Puts a variable at the body's cursor (the body's change event then updates the preview)."""
        names = {v.tag for v in self.variables}
        if tag not in names:
            return None
        return rx.call_script(_INSERT % (json.dumps(BODY_ID), json.dumps(tag)))

    @rx.event
    def save(self):
        fields: dict[str, object] = {
            "name": self.edit_name,
            "subject": self.edit_subject,
            "body": self.edit_body,
        }
        try:
            p = self.principal()
            if self.edit_id:
                saved = templates.update_template(
                    db(), p, self.edit_id, {**fields, **({"is_default": True} if self.edit_default else {})}
                )
            else:
                saved = templates.create_template(
                    db(),
                    p,
                    {**fields, "kind": self.edit_kind, **({"is_default": True} if self.edit_default else {})},
                )
            self._reload()
        except DomainError as exc:
            self.form_error = exc.message
            return self.refuse(exc) if exc.status_code in (401, 403) else None
        self._open(self._views[_key(saved)])
        return rx.toast.success(f"Saved “{saved.name}”.")

    @rx.event
    def delete(self):
        if not self.edit_id:
            return None
        try:
            templates.delete_template(db(), self.principal(), self.edit_id)
            name = self.edit_name
            self._reload()
        except DomainError as exc:
            self.form_error = exc.message
            return self.refuse(exc) if exc.status_code in (401, 403) else None
        self._open(next(v for k, v in self._views.items() if v.kind == self.edit_kind))
        return rx.toast.success(f"Deleted “{name}”.")
