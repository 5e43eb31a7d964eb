"""The signed-in user's account page: change the password, which ends every other session."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.core import accounts
from flowtrack_ui.core.errors import DomainError, Unauthenticated

from .session import SessionState, db


class AccountState(SessionState):
    error: str = ""

    @rx.event
    def load(self):
        self.error = ""
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
