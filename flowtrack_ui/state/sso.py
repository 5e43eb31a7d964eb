"""Single sign-on in the browser: "Sign in with SSO" on the sign-in page (find the company by a
work email or its name, then a full page load to ``/sso/{slug}``, which the server answers), and
the ``/sso-complete`` page the callback lands on, which trades its one-time code for the session."""

from __future__ import annotations

import json
from urllib.parse import quote

import reflex as rx

from flowtrack_ui.core.accounts import sso
from flowtrack_ui.core.errors import DomainError

from .session import HOME_BY_ROLE, SessionState, db


def _safe_next(value: str | None) -> str:
    """Only a path of this site (never ``//host``): where to land after signing in."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return ""


class SsoState(SessionState):
    sso_open: bool = False
    sso_error: str = ""
    # The /sso-complete page: what went wrong ("" while it works, or when it worked).
    complete_error: str = ""
    completing: bool = False

    @rx.event
    def toggle_sso(self):
        self.sso_open, self.sso_error = not self.sso_open, ""

    @rx.event
    def start_sso(self, form: dict):
        """Find the company, then leave the app for the server's ``/sso/{slug}`` (a full load)."""
        try:
            slug = sso.find_company(db(), form.get("who", ""))
        except DomainError as exc:
            self.sso_error = exc.message
            return None
        self.sso_error = ""
        path = f"/sso/{quote(slug, safe='')}"
        after = _safe_next(self.router.url.query_parameters.get("next"))
        if after:
            path += f"?next={quote(after, safe='')}"
        return rx.call_script(f"window.location.assign({json.dumps(path)})")

    @rx.event
    def complete(self):
        """The callback's landing: a refusal's reason shown in words, or the code exchanged once."""
        params = self.router.url.query_parameters
        reason, code = params.get("error", ""), params.get("code", "")
        self.complete_error, self.completing = "", True
        if reason or not code:
            self.completing = False
            self.complete_error = sso.REFUSALS.get(reason, sso.REFUSALS["code"])
            return None
        try:
            token, after = sso.exchange(db(), code)
            self.token = token
            p = self.principal()
        except DomainError as exc:
            self.completing = False
            self.complete_error = exc.message
            return None
        self._remember(p)
        self.completing = False
        target = _safe_next(after) or HOME_BY_ROLE[p.role]
        return [rx.redirect(target, replace=True), rx.toast.success(f"Welcome, {self.user_name}!")]
