"""Single sign-on in the browser: "Sign in with SSO" on the sign-in page (find the company by a
work email or its name, then a full page load to ``/sso/{slug}``, which the server answers), and
the ``/sso-complete`` page the callback lands on, which trades its one-time code for the session."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

import reflex as rx

from flowtrack_ui.core.accounts import sso
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.settings import get_settings

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


class SsoSettingsState(SessionState):
    """The /single-sign-on page: the company's provider as its recruiters set it up."""

    loading: bool = True
    configured: bool = False
    issuer_url: str = ""
    client_id: str = ""
    has_secret: bool = False
    domains: str = ""
    allow_domain_join: bool = False
    sso_only: bool = False
    redirect_uri: str = ""
    start_url: str = ""
    form_error: str = ""
    saving: bool = False
    remove_open: bool = False
    # Bumped on each load, so the uncontrolled fields take the stored values again.
    version: int = 0

    def _show(self, view: sso.SsoConfigView | None) -> None:
        base = get_settings().public_url
        slug = view.company_slug if view else ""
        self.configured = view is not None
        self.issuer_url = view.issuer_url if view else ""
        self.client_id = view.client_id if view else ""
        self.has_secret = bool(view and view.has_secret)
        self.domains = ", ".join(view.domains) if view else ""
        self.allow_domain_join = bool(view and view.allow_domain_join)
        self.sso_only = bool(view and view.sso_only)
        if not slug:
            slug = sso.company_slug(db(), self.principal())
        self.redirect_uri = f"{base}/sso/{quote(slug, safe='')}/callback"
        self.start_url = f"{base}/sso/{quote(slug, safe='')}"
        self.version += 1

    @rx.event
    def load(self):
        if self.require(Role.RECRUITER) is None:
            return self.guard(Role.RECRUITER)
        self.form_error, self.remove_open = "", False
        try:
            self._show(sso.get_config(db(), self.principal()))
        except DomainError as exc:
            return self.refuse(exc)
        self.loading = False
        return None

    @rx.event
    async def save(self, form: dict):
        """Checked by the core (the issuer's discovery document is read, in a worker thread)."""
        fields = {
            "issuer_url": form.get("issuer_url", ""),
            "client_id": form.get("client_id", ""),
            "client_secret": form.get("client_secret", ""),
            "domains": str(form.get("domains", "")),
            "allow_domain_join": bool(form.get("allow_domain_join")),
            "sso_only": bool(form.get("sso_only")),
        }
        try:
            p = self.principal()
            view = await asyncio.to_thread(sso.set_config, db(), p, fields, self.router.session.client_ip)
            self._show(view)
        except DomainError as exc:
            self.form_error = exc.message
            return self.refuse(exc) if exc.status_code == 401 else None
        self.form_error = ""
        return rx.toast.success("Single sign-on saved.")

    @rx.event
    def set_remove_open(self, value: bool):
        self.remove_open = bool(value)

    @rx.event
    def remove(self, _form: dict):
        try:
            sso.remove_config(db(), self.principal(), self.router.session.client_ip)
            self._show(None)
        except DomainError as exc:
            self.remove_open = False
            return self.refuse(exc)
        self.remove_open = False
        return rx.toast.success("Single sign-on is off: staff sign in with their passwords.")
