"""The signed-in user's account page: change the password (which ends every other session); a
candidate downloads their data or erases their account."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.core import accounts
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.privacy import erase, export

from .session import SessionState, db


class AccountState(SessionState):
    error: str = ""
    erase_open: bool = False
    erase_error: str = ""

    @rx.var
    def is_candidate(self) -> bool:
        return self.role == Role.CANDIDATE

    @rx.event
    def load(self):
        self.error = ""
        self.erase_open, self.erase_error = False, ""
        if self.require() is None:
            return self.guard()
        return None

    @rx.event
    def change_password(self, form: dict):
        try:
            token = accounts.change_password(
                db(),
                self.principal(),
                str(form.get("current_password", "")),
                str(form.get("password", "")),
                self.router.session.client_ip,
            )
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.error = exc.message
            return None
        self.token = token
        self.error = ""
        return rx.toast.success("Password changed. Every other session has been signed out.")

    @rx.event
    def download_data(self):
        """A zip of everything the candidate gave and saw (the core checks who asks)."""
        try:
            name, data = export.export_my_data(db(), self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        return rx.download(data=data, filename=name, mime_type="application/zip")

    @rx.event
    def set_erase_open(self, value: bool):
        self.erase_open, self.erase_error = bool(value), ""

    @rx.event
    async def erase_account(self, form: dict):
        """Erases the account (the password confirms), then forgets everything this tab held."""
        try:
            erase.erase_own_account(db(), self.principal(), str(form.get("password", "")))
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.erase_error = exc.message
            return None
        await self.forget_everything()
        return [rx.redirect("/careers"), rx.toast.success("Your account and your data were erased.")]
