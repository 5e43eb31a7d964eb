"""The reject dialog's choices, shared by every page that rejects (the board, the application page,
the bulk bar): the company's reasons, its rejection templates (one pre-chosen by the reason), and
when the candidate is emailed. A state mixin; the host's submit handler reads the form with
``_reject_terms`` and passes the words to the core, which checks all of them again."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import reflex as rx

from flowtrack_ui.core import time_zones
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.pipelines import moves

from . import session

if TYPE_CHECKING:
    from flowtrack_ui.core.permissions import Principal

# "When": quick choices as minutes from now; "undo" leaves the core's default (the stage's own
# timing, never within the undo window), "days" and "date" read their field, "never" sends none.
WHEN_MINUTES: dict[str, int | None] = {"undo": None, "1d": 24 * 60, "2d": 2 * 24 * 60}
DAY_MINUTES = 24 * 60
MAX_DAYS = 30
# A date chosen for the email: it leaves at this hour of the recruiter's own zone.
SEND_HOUR = time(9, 0)


@dataclasses.dataclass
class ReasonOption:
    id: str
    label: str
    template: str  # the template it pre-chooses ("" : the default)


@dataclasses.dataclass
class TemplateOption:
    id: str  # "" : the company's default (FlowTrack's built-in one when it wrote none)
    name: str


class RejectTerms(rx.State, mixin=True):
    """The reject dialog's lists and its controlled fields."""

    reject_reasons: list[ReasonOption] = []
    reject_templates: list[TemplateOption] = []
    reject_template: str = ""
    reject_when: str = "undo"
    reject_today: str = ""  # the date field's minimum (the recruiter's today)
    reject_error: str = ""

    if TYPE_CHECKING:  # given by SessionState, which every host state also derives from
        time_zone: str

        def principal(self) -> Principal: ...

        def refuse(self, exc: DomainError) -> Any: ...

    def _load_reject_options(self) -> None:
        """Read when a reject dialog opens (raises DomainError for the host to refuse)."""
        options = moves.reject_options(session.db(), self.principal())
        default = next((t for t in options.templates if t.is_default), None)
        self.reject_templates = [
            TemplateOption(
                "" if t.is_default or t.id is None else str(t.id),
                t.name + (" (default)" if t.is_default else ""),
            )
            for t in options.templates
        ]
        default_id = default.id if default is not None else None

        def chosen(template_id: int | None) -> str:
            return "" if template_id is None or template_id == default_id else str(template_id)

        self.reject_reasons = [
            ReasonOption(str(r.id), r.label, chosen(options.template_for_reason.get(r.id)))
            for r in options.reasons
        ]
        self.reject_template, self.reject_when, self.reject_error = "", "undo", ""
        self.reject_today = datetime.now(self._zone()).date().isoformat()

    def _zone(self) -> ZoneInfo:
        name = getattr(self, "time_zone", "") or "UTC"
        return time_zones.zone(name) if time_zones.is_zone(name) else ZoneInfo("UTC")

    @rx.event
    def pick_reject_reason(self, value: str):
        """A reason pre-chooses its template (one named like it), else the default."""
        found = next((r for r in self.reject_reasons if r.id == value), None)
        self.reject_template = found.template if found is not None else ""

    @rx.event
    def set_reject_template(self, value: str):
        known = {t.id for t in self.reject_templates}
        self.reject_template = value if isinstance(value, str) and value in known else ""

    @rx.event
    def set_reject_when(self, value: str):
        allowed = {*WHEN_MINUTES, "days", "date", "never"}
        self.reject_when = value if isinstance(value, str) and value in allowed else "undo"

    def _reject_terms(self, form: object) -> dict[str, Any] | str:
        """The form as the core's words (``moves.reject``'s keywords), or what to fix."""
        if not isinstance(form, dict):
            return "The form could not be read; please try again."
        reason = str(form.get("reason_id") or "").strip()
        terms: dict[str, Any] = {
            "reason_id": int(reason) if reason.isdigit() and len(reason) <= 18 else None,
            "note": str(form.get("note") or "").strip() or None,
        }
        if reason and terms["reason_id"] is None:
            return "Choose one of the reasons."
        when = str(form.get("when") or self.reject_when or "undo")
        if when == "never":
            terms["notify"] = False
            return terms
        template = str(form.get("template_id") or "").strip()
        if template and (not template.isdigit() or len(template) > 18):
            return "Choose one of the templates."
        terms["template_id"] = int(template) if template else None
        if when == "days":
            days = str(form.get("days") or "").strip()
            if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
                return f"Give the number of days as a whole number from 1 to {MAX_DAYS}."
            terms["send_in_minutes"] = int(days) * DAY_MINUTES
        elif when == "date":
            raw = str(form.get("date") or "").strip()
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                return "Choose the date the email leaves."
            zone = self._zone()
            at = datetime.combine(day, SEND_HOUR, tzinfo=zone)
            if at <= datetime.now(UTC):
                return "Choose a date ahead (the email leaves at 09:00 that day)."
            if at > datetime.now(UTC) + timedelta(days=MAX_DAYS):
                return f"Choose a date within {MAX_DAYS} days."
            terms["send_at"] = at.astimezone(UTC)
        elif when in WHEN_MINUTES:
            terms["send_in_minutes"] = WHEN_MINUTES[when]
        else:
            return "Choose when to email the candidate."
        return terms
