"""The one place FlowTrack reads Reflex's private API: which socket a client token is on.

Reflex has no public call for "is this tab's socket still connected, and is it this socket?",
which the session guard and the live tasks need. Its event namespace keeps a token manager
(``EventNamespace._token_manager``) whose public methods answer it. Everything private is read
here only, and ``tests/test_reflex_internals.py`` fails when a Reflex upgrade changes it.
"""

from __future__ import annotations

from reflex.utils.token_manager import TokenManager


def token_manager() -> TokenManager | None:
    """This worker's Reflex token manager (client token → socket), or None before the app serves."""
    from reflex.utils.prerequisites import get_and_validate_app

    namespace = get_and_validate_app().app.event_namespace
    if namespace is None:
        return None
    manager: TokenManager = namespace._token_manager
    return manager
