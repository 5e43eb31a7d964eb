"""A tab's page states are only handed to the user they belong to.

Reflex keys page state by the tab's client token and sends all of it on every (re)connect
("hydrate"). Whoever connects with an old client token must not receive the data of the
user who held it: before a hydrate is answered, the JWT the browser sends along is checked
through the domain core, and unless it is valid for the states' owner, every page state is
reset first, so the snapshot carries no data.
"""

from __future__ import annotations

from typing import Any

from reflex.middleware import Middleware

from flowtrack_ui.core import accounts
from flowtrack_ui.core.errors import DomainError

from .session import SessionState, db

_HYDRATE_EVENTS = ("hydrate_and_load", ".hydrate")


def _token_from(payload: dict[str, Any]) -> str:
    """The browser's stored FlowTrack token among the client storage values it sends."""
    wanted = SessionState.get_full_name()
    for key, value in (payload.get("vars") or {}).items():
        state_name, _, var_name = str(key).rpartition(".")
        if state_name == wanted and var_name.startswith("token") and isinstance(value, str):
            return value
    return ""


def token_owner(token: str) -> int | None:
    """The user id a token is valid for, or None."""
    try:
        return accounts.principal_from_token(db(), token).user_id
    except DomainError:
        return None


class ForgetStaleStates(Middleware):
    async def preprocess(self, app, state, event):
        if not event.name.endswith(_HYDRATE_EVENTS):
            return None
        session = await state.get_state(SessionState)
        payload = event.payload if isinstance(event.payload, dict) else {}
        owner = token_owner(_token_from(payload))
        if owner is None or (session._owner_id and owner != session._owner_id):
            await session.forget_everything()
        return None
