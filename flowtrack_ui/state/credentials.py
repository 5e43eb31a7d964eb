"""The account page's sign-in security: two-factor sign-in (enrol, recovery codes, turn off) and
personal API tokens (make one, shown once; revoke). Every handler re-reads the caller and calls
``core/accounts/two_factor.py`` or ``api_tokens.py``, which check everything."""

from __future__ import annotations

import dataclasses

import reflex as rx

from flowtrack_ui.core.accounts import api_tokens, two_factor
from flowtrack_ui.core.errors import DomainError, Unauthenticated

from .format import exact
from .session import SessionState, db


@dataclasses.dataclass
class TokenItem:
    id: int
    name: str
    prefix: str
    scopes: str
    created: str
    expires: str
    last_used: str


class CredentialsState(SessionState):
    tf_enabled: bool = False
    tf_required: bool = False
    tf_codes_left: int = 0
    enrolling: bool = False
    qr_svg: str = ""
    setup_secret: str = ""
    recovery_codes: list[str] = []
    tf_error: str = ""
    tokens: list[TokenItem] = []
    new_token: str = ""
    token_error: str = ""

    def _client(self) -> str:
        return self.router.session.client_ip

    def _read(self) -> None:
        p = self.principal()
        status = two_factor.status(db(), p)
        self.tf_enabled, self.tf_required = status.enabled, status.required_by_company
        self.tf_codes_left = status.recovery_codes_left
        zone = self.time_zone
        self.tokens = [
            TokenItem(
                id=t.id,
                name=t.name,
                prefix=t.prefix,
                scopes=" and ".join(t.scopes),
                created=exact(t.created_at, zone),
                expires=exact(t.expires_at, zone) if t.expires_at else "never",
                last_used=exact(t.last_used_at, zone) if t.last_used_at else "not yet",
            )
            for t in api_tokens.mine(db(), p)
        ]

    @rx.event
    def load(self):
        self.tf_error = self.token_error = self.new_token = ""
        self.enrolling, self.qr_svg, self.setup_secret, self.recovery_codes = False, "", "", []
        try:
            self._read()
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError:
            return None
        return None

    @rx.event
    def start_enrolment(self):
        try:
            enrolment = two_factor.start_enrolment(db(), self.principal())
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.tf_error = exc.message
            return None
        self.enrolling, self.qr_svg, self.setup_secret, self.tf_error = (
            True,
            enrolment.qr_svg,
            enrolment.secret,
            "",
        )
        return None

    @rx.event
    def cancel_enrolment(self):
        self.enrolling, self.qr_svg, self.setup_secret, self.tf_error = False, "", "", ""

    @rx.event
    def confirm_enrolment(self, form: dict):
        try:
            codes = two_factor.confirm_enrolment(
                db(), self.principal(), str(form.get("code", "")), self._client()
            )
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.tf_error = exc.message
            return None
        self.enrolling, self.qr_svg, self.setup_secret, self.tf_error = False, "", "", ""
        self.recovery_codes = codes
        self._read()
        return rx.toast.success("Two-factor sign-in is on.")

    @rx.event
    def dismiss_recovery_codes(self):
        self.recovery_codes = []

    @rx.event
    def disable(self, form: dict):
        try:
            two_factor.disable(
                db(),
                self.principal(),
                str(form.get("password", "")),
                str(form.get("code", "")),
                self._client(),
            )
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.tf_error = exc.message
            return None
        self.tf_error = ""
        self._read()
        return rx.toast.info("Two-factor sign-in is off.")

    @rx.event
    def create_token(self, form: dict):
        scopes = ["read", "write"] if form.get("scope") == "write" else ["read"]
        days = str(form.get("expires", "90"))
        try:
            new = api_tokens.create(
                db(),
                self.principal(),
                str(form.get("name", "")),
                scopes,
                None if days == "never" else int(days) if days.isdigit() else -1,
                self._client(),
            )
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            self.token_error = exc.message
            return None
        self.new_token, self.token_error = new.token, ""
        self._read()
        return None

    @rx.event
    def dismiss_new_token(self):
        self.new_token = ""

    @rx.event
    def revoke_token(self, token_id: int):
        try:
            api_tokens.revoke(db(), self.principal(), token_id, self._client())
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self._read()
        return rx.toast.info("The token is revoked: it stops working at once.")
