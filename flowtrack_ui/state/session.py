"""The signed-in session: the token lives in the browser; every handler re-reads the user from it."""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from flowtrack_ui.core import accounts
from flowtrack_ui.core.db import Database, default_database
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.permissions import ROLE_LABELS, Principal, Role

HOME_BY_ROLE = {
    Role.RECRUITER: "/jobs",
    Role.HIRING_MANAGER: "/overview",
    Role.CANDIDATE: "/my-applications",
}


def db() -> Database:
    return default_database()


class SessionState(rx.State):
    """Base of every page state. Shows who is signed in; never holds a password."""

    token: str = rx.LocalStorage("", name="flowtrack_token", sync=True)
    user_name: str = ""
    user_email: str = ""
    role: str = ""
    company_name: str = ""

    @rx.var
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)] if self.role else ""

    @rx.var
    def signed_in(self) -> bool:
        return bool(self.role)

    def principal(self) -> Principal:
        """The caller, from the token, re-read from the database (raises Unauthenticated)."""
        return accounts.principal_from_token(db(), self.token)

    def _remember(self, p: Principal) -> None:
        me = accounts.me(db(), p)
        self.user_name, self.user_email, self.role = me.full_name, me.email, me.role
        self.company_name = me.company_name or ""

    def _forget(self) -> None:
        self.token = ""
        self.user_name = self.user_email = self.role = self.company_name = ""

    def _here(self) -> str:
        url = self.router.url
        return url.path + (f"?{url.query}" if url.query else "")

    def refuse(self, exc: DomainError):
        """What a refused call shows: sign-in for a lost session, a toast otherwise."""
        if isinstance(exc, Unauthenticated):
            self._forget()
            return [rx.toast.warning(exc.message), rx.redirect(f"/login?next={quote(self._here())}")]
        return rx.toast.error(exc.message, duration=6000)

    def require(self, *roles: Role) -> Principal | None:
        """For on_load: the caller, or None after redirecting (sign-in, or the role's home)."""
        try:
            p = self.principal()
        except Unauthenticated:
            self._forget()
            return None
        self._remember(p)
        if roles and p.role not in roles:
            return None
        return p

    def guard(self, *roles: Role):
        """The redirect for a page this caller may not open (None when allowed)."""
        if not self.role:
            return rx.redirect(f"/login?next={quote(self._here())}")
        if roles and Role(self.role) not in roles:
            return rx.redirect(HOME_BY_ROLE[Role(self.role)])
        return None

    @rx.event
    def go_home(self):
        try:
            p = self.principal()
        except Unauthenticated:
            self._forget()
            return rx.redirect("/login")
        return rx.redirect(HOME_BY_ROLE[p.role])

    @rx.event
    def sign_out(self):
        try:
            accounts.logout(db(), self.principal())
        except DomainError:
            pass
        self._forget()
        return [rx.redirect("/login"), rx.toast.info("You are signed out.")]
