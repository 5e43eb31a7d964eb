"""/offer-templates: the company's offer letters (recruiters write, staff read), with the letter's
variables and a preview filled in with an example candidate. The core checks every save."""

from __future__ import annotations

import dataclasses

import reflex as rx

from flowtrack_ui.core import markdown
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.mail.render import LETTER_VARIABLES
from flowtrack_ui.core.offers import letters
from flowtrack_ui.core.permissions import STAFF_ROLES, Action, may

from .session import SessionState, db


@dataclasses.dataclass
class LetterRow:
    id: int
    name: str
    is_default: bool
    built_in: bool


@dataclasses.dataclass
class LetterVariable:
    name: str
    description: str


class OfferTemplatesState(SessionState):
    rows: list[LetterRow] = []
    variables: list[LetterVariable] = [LetterVariable(n, d) for n, d in LETTER_VARIABLES.items()]
    can_edit: bool = False
    loading: bool = True
    selected: int = -1  # -1: a new letter; 0: the built-in one; else a stored letter's id
    name: str = ""
    body: str = ""
    is_default: bool = False
    preview_html: str = ""
    error: str = ""

    @rx.var
    def read_only(self) -> bool:
        return (not self.can_edit) or self.selected == 0

    @rx.event
    def load(self):
        if self.require(*STAFF_ROLES) is None:
            return self.guard(*STAFF_ROLES)
        self.can_edit = may(self.principal(), Action.EDIT_OFFER_TEMPLATES)
        refused = self._list()
        if refused is not None:
            return refused
        self.loading = False
        first = self.rows[0] if self.rows else None
        return self._show(first.id if first else 0)

    def _list(self):
        try:
            found = letters.list_templates(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        self.rows = [LetterRow(t.id, t.name, t.is_default, t.built_in) for t in found]
        return None

    def _show(self, template_id: int):
        found = {t.id: t for t in letters.list_templates(db(), self.principal())}
        t = found.get(template_id)
        if t is None:
            return rx.toast.error("That letter no longer exists.")
        self.selected, self.name, self.body, self.is_default, self.error = (
            t.id,
            t.name,
            t.body,
            t.is_default,
            "",
        )
        return self._preview()

    @rx.event
    def open(self, template_id: int):
        try:
            return self._show(int(template_id))
        except (DomainError, ValueError):
            return rx.toast.error("That letter could not be opened.")

    @rx.event
    def new(self):
        self.selected, self.name, self.is_default, self.error = -1, "", False, ""
        self.body = letters.BUILT_IN_BODY
        return self._preview()

    @rx.event
    def set_name(self, value: str):
        self.name = value[: letters.MAX_NAME] if isinstance(value, str) else ""

    @rx.event
    def set_body(self, value: str):
        self.body = value[: letters.MAX_BODY] if isinstance(value, str) else ""
        return self._preview()

    @rx.event
    def set_is_default(self, value: bool):
        self.is_default = value is True

    def _preview(self):
        try:
            self.preview_html = markdown.to_html(letters.preview_markdown(db(), self.principal(), self.body))
            self.error = ""
        except DomainError as exc:
            self.error = exc.message
        return None

    @rx.event
    def save(self):
        fields = {"name": self.name, "body": self.body, "is_default": self.is_default}
        try:
            if self.selected > 0:
                saved = letters.update_template(db(), self.principal(), self.selected, fields)
            else:
                saved = letters.create_template(db(), self.principal(), fields)
        except DomainError as exc:
            self.error = exc.message
            return None
        self._list()
        self.selected, self.error = saved.id, ""
        return rx.toast.success("Letter saved.")

    @rx.event
    def delete(self):
        if self.selected <= 0:
            return None
        try:
            letters.delete_template(db(), self.principal(), self.selected)
        except DomainError as exc:
            return self.refuse(exc)
        self._list()
        self._show(self.rows[0].id if self.rows else 0)
        return rx.toast.success("Letter deleted.")
