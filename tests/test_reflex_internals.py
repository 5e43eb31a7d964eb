"""Reflex's private API that FlowTrack relies on is still there, with the shape it expects.

A Reflex upgrade that renames or reshapes any of it fails here, by name, instead of silently
breaking the session guard or the live tasks at run time.
"""

from __future__ import annotations

import dataclasses
import inspect

from reflex.app import EventNamespace
from reflex.state import BaseState
from reflex.utils.token_manager import LocalTokenManager, SocketRecord, TokenManager

from flowtrack_ui.state import reflex_internals


def test_event_namespace_keeps_a_token_manager():
    source = inspect.getsource(EventNamespace.__init__)
    assert "self._token_manager = TokenManager.create()" in source


def test_token_manager_has_what_flowtrack_reads():
    manager = LocalTokenManager()
    assert isinstance(manager, TokenManager)
    assert isinstance(manager.token_to_socket, dict)
    assert isinstance(manager.instance_id, str) and manager.instance_id
    assert inspect.iscoroutinefunction(TokenManager.is_token_connected)
    assert list(inspect.signature(TokenManager.is_token_connected).parameters) == ["self", "token"]


def test_socket_record_names_its_worker_and_socket():
    fields = {f.name for f in dataclasses.fields(SocketRecord)}
    assert {"instance_id", "sid"} <= fields


def test_state_clean_exists():
    # The session guard (state/stale_state.py) resets a page state's dirty marks with it.
    assert callable(BaseState._clean)


def test_token_manager_is_none_before_the_app_serves(monkeypatch):
    class App:
        event_namespace = None

    class Context:
        app = App()

    monkeypatch.setattr("reflex.utils.prerequisites.get_and_validate_app", lambda: Context())
    monkeypatch.setattr(reflex_internals, "_found", None)
    assert reflex_internals.token_manager() is None


def test_the_token_manager_is_looked_up_once(monkeypatch):
    """Reflex's app lookup grows ``sys.path`` by one entry a call; it runs once per worker, not
    once per event."""
    import sys

    from reflex.utils import prerequisites

    manager = LocalTokenManager()
    calls = []

    class Namespace:
        _token_manager = manager

    class App:
        event_namespace = Namespace()

    class Context:
        app = App()

    def lookup():
        calls.append(1)
        sys.path.insert(0, "/nowhere")  # what get_app does
        return Context()

    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(prerequisites, "get_and_validate_app", lookup)
    monkeypatch.setattr(reflex_internals, "_found", None)
    before = len(sys.path)
    assert all(reflex_internals.token_manager() is manager for _ in range(50))
    assert len(calls) == 1 and len(sys.path) == before + 1


def test_a_background_tasks_proxy_wraps_the_state_and_sends_the_roots_delta():
    """``unproxied``: the proxy is a wrapt ObjectProxy of the state it loaded, and leaving
    ``async with`` sends the delta of the whole state tree, whichever object changed it."""
    import wrapt
    from reflex.istate.proxy import StateProxy

    assert issubclass(StateProxy, wrapt.ObjectProxy)
    leaving = inspect.getsource(StateProxy.__aexit__)
    assert "self.__wrapped__._get_root_state()" in leaving and "_get_resolved_delta()" in leaving
    plain = object()
    assert reflex_internals.unproxied(plain) is plain
    assert reflex_internals.unproxied(wrapt.ObjectProxy(plain)) is plain
