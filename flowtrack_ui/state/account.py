"""The signed-in user's account page: change the password (which ends every other session); a
candidate downloads their data or erases their account."""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from flowtrack_ui.core import time_zones
from flowtrack_ui.core.accounts import email_ownership, sign_in
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.privacy import erase, export

from .session import SessionState, db


class AccountState(SessionState):
    error: str = ""
    erase_open: bool = False
    erase_error: str = ""
    # False offers a new link to confirm the account's email address.
    email_confirmed: bool = True
    # False (an account made by applying without one): "Choose a password" instead of "Change".
    has_password: bool = True
    # The time zone field as typed (a datalist of IANA names helps); saved by save_time_zone.
    zone_draft: str = ""
    zone_error: str = ""

    @rx.var
    def is_candidate(self) -> bool:
        return self.role == Role.CANDIDATE

    @rx.event
    def load(self):
        self.error = ""
        self.erase_open, self.erase_error = False, ""
        if (p := self.require()) is None:
            return self.guard()
        self.email_confirmed = email_ownership.is_confirmed(db(), p)
        self.has_password = sign_in.has_password(db(), p)
        self.zone_draft, self.zone_error = self.time_zone, ""
        return None

    @rx.event
    def set_zone_draft(self, value: str):
        self.zone_draft, self.zone_error = str(value)[:80], ""

    @rx.event
    def save_time_zone(self, form: dict):
        """The person's own zone: every time FlowTrack shows or asks them for is in it."""
        chosen = str(form.get("time_zone", self.zone_draft)).strip()
        try:
            saved = time_zones.set_time_zone(db(), self.principal(), chosen or None)
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.zone_error = exc.message
            return None
        self.time_zone = self.zone_draft = saved.time_zone or ""
        self.zone_error = ""
        return rx.toast.success(
            f"Times now show in {saved.time_zone}." if saved.time_zone else "Times now show in UTC."
        )

    @rx.event
    def resend_confirmation(self):
        try:
            email_ownership.resend_link(db(), self.principal())
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            return rx.toast.warning(exc.message)
        return rx.toast.success(f"A new link is on its way to {self.user_email}.")

    @rx.event
    def change_password(self, form: dict):
        try:
            token = sign_in.change_password(
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
    async def set_first_password(self, form: dict):
        """A first password for an account made by applying (no current one to give); every
        other session ends, this tab gets a fresh token."""
        try:
            # In a thread: the password hash takes a moment.
            token = await asyncio.to_thread(
                sign_in.set_first_password, db(), self.principal(), str(form.get("password", ""))
            )
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.error = exc.message
            return None
        self.token, self.error, self.has_password = token, "", True
        return rx.toast.success("Your password is set. Sign in with it next time, or with a link.")

    @rx.event
    def download_data(self):
        """A zip of everything the candidate gave and saw (the core checks who asks, here and in
        the API). The browser fetches it from GET /api/me/export with its token, so the zip streams
        over HTTP instead of travelling whole through this socket."""
        try:
            name = export.file_name(self.principal())
        except DomainError as exc:
            return self.refuse(exc)
        return rx.call_script(_DOWNLOAD_SCRIPT.replace("NAME", json.dumps(name)))

    @rx.event
    def set_erase_open(self, value: bool):
        self.erase_open, self.erase_error = bool(value), ""

    @rx.event
    async def erase_account(self, form: dict):
        """Erases the account (the password confirms), then forgets everything this tab held."""
        try:
            # In a thread: the password hash and the redaction of the person's name take time.
            await asyncio.to_thread(
                erase.erase_own_account,
                db(),
                self.principal(),
                str(form.get("password", "")),
                self.router.session.client_ip,
            )
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.erase_error = exc.message
            return None
        await self.forget_everything()
        return [
            rx.redirect("/login"),
            rx.toast.success("Your account and your data were erased."),
        ]


_DOWNLOAD_SCRIPT = """(async () => {
  const token = localStorage.getItem("flowtrack_token") || "";
  const res = await fetch("/api/me/export", {headers: {Authorization: "Bearer " + token}});
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    window.alert("The download failed: " + (body.detail || res.status));
    return;
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = NAME;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
})()"""
