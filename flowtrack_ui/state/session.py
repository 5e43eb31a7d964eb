"""The signed-in session: the token lives in the browser; every handler re-reads the user from it."""

from __future__ import annotations

import time
from urllib.parse import quote

import reflex as rx
from reflex.state import BaseState

from flowtrack_ui.core import time_zones
from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.db import Database, default_database
from flowtrack_ui.core.errors import DomainError, Unauthenticated
from flowtrack_ui.core.permissions import ROLE_LABELS, Principal, Role

# Staff land on "My work" (what waits for them today); the jobs and the overview are in the nav.
HOME_BY_ROLE = {
    Role.RECRUITER: "/work",
    Role.HIRING_MANAGER: "/work",
    Role.CANDIDATE: "/my-applications",
}


def db() -> Database:
    return default_database()


# The caller the session guard has just read for a tab's event, handed to that event's handler so
# it is not read twice: client token -> (JWT, principal, when read). Taken once, and only within
# ``GUARD_CHECK_SECONDS`` of the guard's read (a handler runs right after its guard).
GUARD_CHECK_SECONDS = 0.5
_guard_checked: dict[str, tuple[str, Principal, float]] = {}


def guard_checked(client_token: str, token: str, principal: Principal) -> None:
    """The session guard read ``token``'s user for the event the tab is about to run."""
    if len(_guard_checked) >= 10_000:
        _guard_checked.clear()  # events whose handler never asked: each entry lives half a second
    _guard_checked[client_token] = (token, principal, time.monotonic())


def _take_guard_checked(client_token: str, token: str) -> Principal | None:
    checked = _guard_checked.pop(client_token, None)
    if checked is None or checked[0] != token or time.monotonic() - checked[2] >= GUARD_CHECK_SECONDS:
        return None
    return checked[1]


def all_page_states() -> list[type[BaseState]]:
    """SessionState and every state below it: what a browser tab can hold about a user."""
    found: list[type[BaseState]] = []
    todo: list[type[BaseState]] = [SessionState]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.get_substates())
    return found


class SessionState(rx.State):
    """Base of every page state. Shows who is signed in; never holds a password.

    ``_owner_id`` says whose data the tab's page states hold; ``_bound_sid`` is the websocket
    the tab was last hydrated on. Both are kept by the session guard (``stale_state.py``), which
    every event passes before its handler: an event from another socket is refused, and whenever
    the tab's token stops being valid for the owner (sign-out, password change or reset, expiry,
    another account), every page state is reset, so nothing of the last user survives.
    """

    token: str = rx.LocalStorage("", name="flowtrack_token", sync=True)
    user_name: str = ""
    user_email: str = ""
    role: str = ""
    company_name: str = ""
    # The person's time zone ("" while they have none: the page frame then asks the browser once).
    time_zone: str = ""
    _owner_id: int = 0
    _bound_sid: str = ""
    _zone_asked: bool = False
    # Staff of a company requiring two-factor sign-in who have not enrolled: pages send them to enrol.
    _must_enrol: bool = False

    @rx.var
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)] if self.role else ""

    @rx.var
    def signed_in(self) -> bool:
        return bool(self.role)

    def principal(self) -> Principal:
        """The caller, from the token, re-read from the database (raises Unauthenticated); the
        first call of an event's handler takes what the session guard read for that event.

        Only on the socket the tab was hydrated on: a background task whose tab has since
        been taken over by a connection that did not hydrate stops acting for the user.
        """
        token = self.bound_token()
        checked = _take_guard_checked(self.router.session.client_token, token)
        return checked if checked is not None else sign_in.principal_from_token(db(), token)

    def bound_token(self) -> str:
        """The tab's token, for a core call that re-reads its user itself (``principal``'s first
        check): only on the socket the tab was hydrated on."""
        if self.router.session.session_id != self._bound_sid:
            raise Unauthenticated("This page was opened on another connection; please reload it.")
        return self.token

    def _remember(self, p: Principal) -> None:
        """Shows who is signed in. The guard records the owner before the next event."""
        if self._owner_id and self._owner_id != p.user_id:
            # Another account signed in here just now: what is loaded goes at once, the
            # guard forgets every other page state before the next event (``_owner_id`` tells it).
            token, owner, bound = self.token, self._owner_id, self._bound_sid
            self.reset()
            self.token, self._owner_id, self._bound_sid = token, owner, bound
        me = sign_in.me(db(), p)
        self.user_name, self.user_email, self.role = me.full_name, me.email, me.role
        self.company_name = me.company_name or ""
        self.time_zone = time_zones.settings(db(), p).time_zone or ""

    @rx.event
    def ask_time_zone(self):
        """The browser's time zone, asked once per tab while the person has none (page frame)."""
        if self.time_zone or self._zone_asked or not self.role:
            return None
        self._zone_asked = True
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=SessionState.keep_browser_time_zone
        )

    @rx.event
    def keep_browser_time_zone(self, name: str):
        """The answer to ``ask_time_zone``."""
        return self._keep_zone(name)

    def _keep_zone(self, name: str):
        """Stored only while the person has none (the core checks the name and never overwrites)."""
        try:
            self.time_zone = time_zones.remember_browser_zone(db(), self.principal(), name) or ""
        except Unauthenticated as exc:
            return self.refuse(exc)
        except DomainError:
            return None
        return None

    def _forget(self) -> None:
        """Clear every page state this tab holds (and the token); see ``forget_everything``."""
        bound = self._bound_sid
        self.reset()
        self._bound_sid = bound  # still the tab's own connection

    async def forget_everything(self) -> None:
        """Load every page state of this tab (lazy with Redis) and reset them all.

        The tab stays bound to its connection: what is forgotten is the user, not the socket.
        """
        for cls in all_page_states():
            await self.get_state(cls)
        bound = self._bound_sid
        self.reset()
        self._bound_sid = bound

    @rx.event
    async def wipe(self):
        """Follows a refusal for a lost session: states not loaded by that event are reset too."""
        try:
            if self.principal().user_id == self._owner_id:
                return
        except DomainError:
            pass
        await self.forget_everything()

    def _here(self) -> str:
        url = self.router.url
        return url.path + (f"?{url.query}" if url.query else "")

    def refuse(self, exc: DomainError):
        """What a refused call shows: sign-in for a lost session, a toast otherwise."""
        if isinstance(exc, Unauthenticated):
            here = self._here()
            self._forget()
            return [
                SessionState.wipe,
                rx.toast.warning(exc.message),
                rx.redirect(f"/login?next={quote(here)}"),
            ]
        return rx.toast.error(exc.message, duration=6000)

    def require(self, *roles: Role) -> Principal | None:
        """For on_load: the caller, or None after redirecting (sign-in, or the role's home)."""
        try:
            p = self.principal()
        except Unauthenticated:
            self._forget()
            return None
        self._remember(p)
        self._must_enrol = p.must_enrol_2fa and self.router.url.path.rstrip("/") != "/account"
        if self._must_enrol or (roles and p.role not in roles):
            return None
        return p

    def guard(self, *roles: Role):
        """The redirect for a page this caller may not open (None when allowed)."""
        if not self.role:
            return [SessionState.wipe, rx.redirect(f"/login?next={quote(self._here())}")]
        if self._must_enrol:
            return rx.redirect("/account#two-factor")
        if roles and Role(self.role) not in roles:
            return rx.redirect(HOME_BY_ROLE[Role(self.role)])
        return None

    @rx.event
    def go_home(self):
        try:
            p = self.principal()
        except Unauthenticated:
            self._forget()
            return [SessionState.wipe, rx.redirect("/login")]
        return rx.redirect(HOME_BY_ROLE[p.role])

    @rx.event
    async def sign_out(self):
        """Ends every token of the user and clears every page state this tab holds."""
        try:
            sign_in.logout(db(), self.principal())
        except DomainError:
            pass
        await self.forget_everything()
        return [rx.redirect("/login"), rx.toast.info("You are signed out.")]
