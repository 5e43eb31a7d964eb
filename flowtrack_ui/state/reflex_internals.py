"""The one place FlowTrack reads Reflex's private API: which socket a client token is on, and the
state a background task's proxy wraps.

Reflex has no public call for "is this tab's socket still connected, and is it this socket?",
which the session guard and the live tasks need. Its event namespace keeps a token manager
(``EventNamespace._token_manager``) whose public methods answer it. Everything private is read
here only, and ``tests/test_reflex_internals.py`` fails when a Reflex upgrade changes it.
"""

from __future__ import annotations

from typing import Any

from reflex.utils.token_manager import TokenManager


def token_manager() -> TokenManager | None:
    """This worker's Reflex token manager (client token → socket), or None before the app serves."""
    from reflex.utils.prerequisites import get_and_validate_app

    namespace = get_and_validate_app().app.event_namespace
    if namespace is None:
        return None
    manager: TokenManager = namespace._token_manager
    return manager


def unproxied(state: Any) -> Any:
    """The state a background task's ``StateProxy`` wraps (the state itself when not a proxy).

    Only inside ``async with self``, where the proxy has just loaded it under the tab's lock: work
    done on it there is what a plain event handler does (Reflex tracks the changed vars on the
    state, and the proxy sends their delta on leaving the block), without the proxy's wrapping of
    every attribute read and write and of each inherited method it calls.
    """
    return getattr(state, "__wrapped__", state)
