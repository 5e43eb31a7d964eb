"""The company's time zone, whose business hours (Monday to Friday, 09:00–17:00) emails held "in
business hours" wait for: read by staff, set by recruiters (core/mail/automation.py checks both)."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.core import time_zones
from flowtrack_ui.core.errors import DomainError, InvalidInput
from flowtrack_ui.core.mail import automation
from flowtrack_ui.core.permissions import Action, may

from .session import SessionState, db


class CompanyZoneState(SessionState):
    company_zone: str = ""
    company_zone_can_edit: bool = False
    company_zone_error: str = ""
    # Every zone a company may choose, for the field's suggestions (read once, on first load).
    zone_choices: list[str] = []

    @rx.event
    def load_company_zone(self):
        try:
            principal = self.principal()
            self.company_zone = automation.company_time_zone(db(), principal)
        except DomainError as exc:
            return self.refuse(exc)
        self.company_zone_can_edit = may(principal, Action.EDIT_EMAIL_TEMPLATES)
        self.company_zone_error = ""
        if not self.zone_choices:
            self.zone_choices = list(time_zones.zone_names())
        return None

    @rx.event
    def save_company_zone(self, form: dict):
        """The core refuses anything but an IANA zone name, and anyone but a recruiter."""
        name = str(form.get("company_zone") or "").strip()[:64] if isinstance(form, dict) else ""
        try:
            self.company_zone = automation.set_company_time_zone(db(), self.principal(), name)
        except InvalidInput as exc:  # a name that is no zone: said beside the field
            self.company_zone_error = exc.message
            return None
        except DomainError as exc:
            return self.refuse(exc)
        self.company_zone_error = ""
        return rx.toast.success(f"Business hours are now in {self.company_zone}.")
