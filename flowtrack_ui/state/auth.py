"""Sign-in, sign-up, company sign-up and invitations. Passwords pass through, never stored in state."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import reflex as rx

from flowtrack_ui.core.accounts import (
    email_ownership,
    invitations,
    password_reset,
    sign_in,
    sign_up,
    two_factor,
)
from flowtrack_ui.core.careers.slugs import MAX_SLUG, slug_from_name
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.permissions import ROLE_LABELS, Role
from flowtrack_ui.core.settings import get_settings

from .session import HOME_BY_ROLE, SessionState, db


def _safe_next(value: str | None) -> str | None:
    """Only same-site paths; never an absolute URL or a protocol-relative one."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


class AuthState(SessionState):
    error: str = ""
    invite_company: str = ""
    invite_email: str = ""
    invite_role: str = ""
    invite_replaces: bool = False
    invite_error: str = ""
    # Where to go after signing in or up (a same-site path), carried between the auth pages.
    next_path: str = ""
    reset_requested: bool = False
    reset_email: str = ""
    reset_error: str = ""
    # Sign-up for an address an unconfirmed account holds: the emailed link makes the account.
    signup_pending: bool = False
    # The /verify/[token] page: "" until the button is pressed, then what the link did (or why not).
    verify_done: str = ""
    verify_error: str = ""
    # The /track/[token] page: why its sign-in link did not work ("" until the button is pressed).
    track_error: str = ""
    # Company sign-up: the careers page's address, made from the name until edited by hand.
    signup_slug: str = ""
    signup_slug_edited: bool = False
    # Two-factor sign-in: the password was right, the code is asked next (the challenge stays
    # on the server, for 5 minutes).
    needs_code: bool = False
    _challenge: str = ""

    @rx.var
    def careers_prefix(self) -> str:
        """What comes before a company's slug: ``https://host/careers/``."""
        return f"{get_settings().public_url}/careers/"

    @rx.event
    def company_name_typed(self, name: str):
        """The address follows the name as it is typed, until the address is edited itself."""
        if not self.signup_slug_edited:
            self.signup_slug = slug_from_name(str(name)[:120]) if str(name).strip() else ""

    @rx.event
    def slug_typed(self, value: str):
        self.signup_slug, self.signup_slug_edited = str(value)[: MAX_SLUG + 10], True

    @rx.var
    def next_suffix(self) -> str:
        """``?next=…`` for links between the sign-in pages, so a candidate comes back to the job."""
        return f"?next={quote(self.next_path, safe='')}" if self.next_path else ""

    def _client(self) -> str:
        return self.router.session.client_ip

    def _signed_in(self, token: str):
        self.token = token
        p = self.principal()
        self._remember(p)
        self.error = ""
        self.needs_code, self._challenge = False, ""
        if p.must_enrol_2fa:  # the company requires a second factor: enrolling comes first
            return [
                rx.redirect("/account#two-factor"),
                rx.toast.info(
                    "Your company requires two-factor sign-in: set it up to continue.", duration=8000
                ),
            ]
        target = _safe_next(self.router.url.query_parameters.get("next")) or HOME_BY_ROLE[p.role]
        return [rx.redirect(target), rx.toast.success(f"Welcome, {self.user_name}!")]

    @rx.event
    def open_auth_page(self):
        """Signed-in visitors skip the sign-in forms."""
        try:
            p = self.principal()
        except DomainError:
            self._forget()  # clears every page state, so the form's own values are set after
            self.next_path = _safe_next(self.router.url.query_parameters.get("next")) or ""
            return None
        self._remember(p)
        return rx.redirect(HOME_BY_ROLE[p.role])

    @rx.event
    def login(self, form: dict):
        try:
            token = sign_in.login(
                db(), str(form.get("email", "")), str(form.get("password", "")), self._client()
            )
            return self._signed_in(token)
        except two_factor.SecondFactorRequired as step:
            self.needs_code, self._challenge, self.error = True, step.challenge_token, ""
        except DomainError as exc:
            self.error = exc.message

    @rx.event
    def login_code(self, form: dict):
        """The second step: a code from the authenticator app, or a recovery code."""
        try:
            token = two_factor.finish_sign_in(
                db(), self._challenge, str(form.get("code", "")), self._client()
            )
            return self._signed_in(token)
        except DomainError as exc:
            self.error = exc.message
            if isinstance(exc, Unauthenticated):  # the challenge expired: start again
                self.needs_code, self._challenge = False, ""

    @rx.event
    def restart_login(self):
        self.needs_code, self._challenge, self.error = False, "", ""

    @rx.event
    def signup(self, form: dict):
        try:
            result = sign_up.register_candidate(
                db(), form.get("email", ""), form.get("password", ""), form.get("full_name", "")
            )
            if result.user is None:
                self.error, self.signup_pending = "", True
                return None
            return [
                *self._signed_in(sign_in.issue_token(db(), result.user.id)),
                rx.toast.info("We sent you a link to confirm your email address.", duration=8000),
            ]
        except DomainError as exc:
            self.error = exc.message

    @rx.event
    def company_signup(self, form: dict):
        try:
            result = sign_up.register_company(
                db(),
                form.get("company_name", ""),
                form.get("email", ""),
                form.get("password", ""),
                form.get("full_name", ""),
                company_slug=form.get("company_slug") or None,
            )
            if result.user is None:
                self.error, self.signup_pending = "", True
                return None
            return [
                *self._signed_in(sign_in.issue_token(db(), result.user.id)),
                rx.toast.info("We sent you a link to confirm your email address.", duration=8000),
            ]
        except DomainError as exc:
            self.error = exc.message

    def _path_token(self, prefix: str) -> str:
        parts = self.router.url.path.rstrip("/").split("/")
        return parts[-1] if len(parts) >= 3 and parts[-2] == prefix else ""

    def _invite_token(self) -> str:
        return self._path_token("invite")

    @rx.event(background=True)
    async def request_reset(self, form: dict):
        """Always the same answer, shown before the work is done: neither it nor its timing tells
        whether an email has an account."""
        async with self:
            self.reset_requested = True
        await asyncio.to_thread(password_reset.request_reset, db(), form.get("email", ""))

    @rx.event
    def load_reset(self):
        self.error = ""
        try:
            self.reset_email = password_reset.check_token(db(), self._path_token("reset-password"))
            self.reset_error = ""
        except DomainError as exc:
            self.reset_email, self.reset_error = "", exc.message

    @rx.event
    async def reset_password(self, form: dict):
        try:
            password_reset.reset_password(db(), self._path_token("reset-password"), form.get("password", ""))
        except DomainError as exc:
            self.error = exc.message
            return None
        await self.forget_everything()
        return [
            rx.redirect("/login"),
            rx.toast.success("Your password is changed. Sign in with the new one.", duration=8000),
        ]

    @rx.event
    def load_verify(self):
        """The page only offers the button: a link scanner that opens the page confirms nothing."""
        self.error, self.verify_done, self.verify_error = "", "", ""

    @rx.event
    async def confirm_email(self):
        try:
            # In a thread: completing a sign-up claim erases the unconfirmed holder of the address.
            done = await asyncio.to_thread(email_ownership.confirm, db(), self._path_token("verify"))
        except DomainError as exc:
            self.verify_error = exc.message
            return None
        self.verify_error = ""
        self.verify_done = (
            "Your email address is confirmed and your account is ready. Sign in to continue."
            if done.account_created
            else "Your email address is confirmed."
        )
        return None

    @rx.event
    def load_track(self):
        """The page of the link emailed after applying only offers the button: a mail scanner that
        opens the link does not use it up (it works once)."""
        self.error, self.track_error = "", ""

    @rx.event
    def use_sign_in_link(self):
        """Sign in with the emailed link and land on the candidate's applications."""
        try:
            token = sign_in.sign_in_with_link(db(), self._path_token("track"))
        except DomainError as exc:
            self.track_error = exc.message
            return None
        self.track_error = ""
        return self._signed_in(token)

    @rx.event
    def load_invitation(self):
        self.error = ""
        try:
            info = invitations.describe_invitation(db(), self._invite_token())
        except DomainError as exc:
            self.invite_error = exc.message
            return
        self.invite_error = ""
        self.invite_company = info["company_name"]
        self.invite_email = info["email"]
        self.invite_role = ROLE_LABELS[Role(info["role"])]
        self.invite_replaces = bool(info["replaces_unconfirmed_account"])

    @rx.event
    async def accept_invitation(self, form: dict):
        try:
            # In a thread: the password hash, and the erase of an unconfirmed holder of the address.
            user = await asyncio.to_thread(
                invitations.accept_invitation,
                db(),
                self._invite_token(),
                form.get("password", ""),
                form.get("full_name", ""),
            )
            return self._signed_in(sign_in.issue_token(db(), user.id))
        except DomainError as exc:
            self.error = exc.message
