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

# The token manager once found: a worker's app has one event namespace for its whole life.
_found: TokenManager | None = None


def token_manager() -> TokenManager | None:
    """This worker's Reflex token manager (client token → socket), or None before the app serves.

    Looked up once: Reflex's ``get_app`` puts the working directory at the front of ``sys.path``
    on every call, so asking it on every event and live wake grew ``sys.path`` by thousands of
    entries an hour, and each import lookup (a Redis connection reads its package's version)
    walked them all.
    """
    global _found
    if _found is not None:
        return _found
    from reflex.utils.prerequisites import get_and_validate_app

    namespace = get_and_validate_app().app.event_namespace
    if namespace is None:
        return None
    _found = namespace._token_manager
    return _found


def unproxied(state: Any) -> Any:
    """The state a background task's ``StateProxy`` wraps (the state itself when not a proxy).

    Only inside ``async with self``, where the proxy has just loaded it under the tab's lock: work
    done on it there is what a plain event handler does (Reflex tracks the changed vars on the
    state, and the proxy sends their delta on leaving the block), without the proxy's wrapping of
    every attribute read and write and of each inherited method it calls.
    """
    return getattr(state, "__wrapped__", state)
