"""The session guard: every event a tab sends acts only as the user the tab was hydrated for.

Reflex keys a tab's page states by the tab's client token (kept in the browser's sessionStorage)
and runs any event that arrives over a socket connected with that token. The token alone must
not be worth anything: a closed tab's token, replayed from a script, must neither read the
states' data nor act as their user. This middleware runs before every event's handler, whatever
event comes first:

- A hydrate (the browser sends one on every connect and reconnect, with the JWT it stores) is
  answered only after that JWT is checked through the domain core: unless it is valid for the
  user the states belong to, every page state is reset first, so the snapshot carries no data.
  The hydrate then binds the tab to its socket (``SessionState._bound_sid``); a legitimate
  reconnect re-binds through its own hydrate.
- Any other event arriving over a socket the tab was not hydrated on is refused before its
  handler: every page state is reset and the page is told to reload (a real browser whose state
  the server lost re-hydrates with its JWT; a script gets nothing).
- An event that comes with no socket at all (Reflex's ``/_upload`` posts name only the client
  token and the handler) acts only while the socket the tab was hydrated on is still connected:
  a closed tab's token posted there resets every page state and runs nothing.
- Before every FlowTrack event the tab's JWT is re-read through the core (expiry, sign-out and
  password changes end it): unless it is valid for the states' owner, every page state is reset
  before the handler runs, so no handler can read what the tab held for someone else.
  ``update_vars_internal`` (how the browser syncs the JWT it stores) is checked the same way
  before the new JWT is applied.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import StateUpdate, UpdateVarsInternalState
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.event import Event

from flowtrack_ui.core.accounts import sign_in
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.permissions import Principal

from .live import client_connected_here, socket_connected
from .session import SessionState, db, guard_checked

_HYDRATE_EVENTS = frozenset(f"{rx.State.get_full_name()}.{name}" for name in ("hydrate_and_load", "hydrate"))
_STORAGE_EVENT = f"{UpdateVarsInternalState.get_full_name()}.update_vars_internal"
_PAGE_STATES = SessionState.get_full_name() + "."

# What a page gets for an event its tab was not hydrated for: a reload, hence a hydrate with the
# JWT the browser stores. At most one every 10 s, so nothing can make a page reload in a loop.
_RELOAD = rx.call_script(
    "(() => { const key = 'flowtrack_rehydrated', now = Date.now();"
    " if (now - (Number(sessionStorage.getItem(key)) || 0) > 10000) {"
    " sessionStorage.setItem(key, String(now)); window.location.reload(); } })()"
)


def _token_from(payload: Any) -> str | None:
    """The FlowTrack JWT among the client storage values an event carries (None: it has none).

    Reflex applies every key naming the token, so keys that disagree count as no valid token.
    """
    values = payload.get("vars") if isinstance(payload, dict) else None
    if not isinstance(values, dict):
        return None
    wanted = SessionState.get_full_name()
    found = set()
    for key, value in values.items():
        state_name, _, var_name = str(key).rpartition(".")
        if state_name == wanted and var_name.removesuffix(FIELD_MARKER) == "token":
            found.add(value if isinstance(value, str) else "")
    if not found:
        return None
    return found.pop() if len(found) == 1 else ""


def _principal_or_none(token: str) -> Principal | None:
    """The user a token is valid for (signature, expiry, token version), or None."""
    try:
        return sign_in.principal_from_token(db(), token)
    except DomainError:
        return None


async def hold_only_for(session: SessionState, token: str, *, strict: bool = False) -> None:
    """Make every page state of the tab hold data of ``token``'s user only, before any handler.

    A token that is not valid for the states' owner resets them all (keeping a token that is
    valid for someone else, who becomes the owner). ``strict`` resets them also when the token
    is not valid at all and nobody owns them (a hydrate: the snapshot must carry no form values).
    """
    p = _principal_or_none(token)
    owner = p.user_id if p is not None else 0
    if (session._owner_id and session._owner_id != owner) or (strict and not owner):
        await session.forget_everything()
    if p is not None and session._owner_id != owner:
        session.token = token
        session._owner_id = owner
        session._remember(p)
    if p is not None and session.token == token:
        guard_checked(session.router.session.client_token, token, p)


async def _refuse(state, session: SessionState) -> StateUpdate:
    """An event over a socket the tab was not hydrated on: forgotten, and nothing sent back.

    The reset is not sent either: a delta with the emptied token would sign the browser out of
    every tab, and a page that legitimately lost its state only needs to hydrate again.
    """
    if not client_connected_here(session.router.session.client_token, session.router.session.session_id):
        # A leftover of a connection that has closed (an event it chained, say): nothing to answer.
        return StateUpdate()
    await session.forget_everything()
    state._clean()
    return StateUpdate(events=Event.from_event_type([_RELOAD]))


class ForgetStaleStates(Middleware):
    """The session guard (see the module docstring); registered once on the app."""

    async def preprocess(self, app, state, event) -> StateUpdate | None:
        session = await state.get_state(SessionState)
        sid = session.router.session.session_id
        if event.name in _HYDRATE_EVENTS:
            await hold_only_for(session, _token_from(event.payload) or "", strict=True)
            session._bound_sid = sid
            return None
        if session._bound_sid != sid:
            return await _refuse(state, session)
        if not event.router_data and not await socket_connected(
            session.router.session.client_token, session._bound_sid
        ):
            # No socket sent this (an upload post): the tab it names has closed.
            await session.forget_everything()
            state._clean()
            return StateUpdate()
        if event.name == _STORAGE_EVENT:
            token = _token_from(event.payload)
            if token is not None:  # the browser's stored JWT changed (another tab signed in or out)
                await hold_only_for(session, token)
            return None
        if event.name.startswith(_PAGE_STATES):
            await hold_only_for(session, session.token)
        return None
