"""Reflex configuration, driven by FlowTrack's environment settings (see README)."""

import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from flowtrack_ui.core.settings import get_settings

os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
# Events a browser sends are small (the largest, a job form, stays under 64 KiB); refuse
# websocket messages over 128 KiB so no client can make the server parse or keep more.
os.environ.setdefault("REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE", str(128 * 1024))
# With Redis (several workers), a worker keeps the page states of the tabs connected to it in memory
# while it holds their lease, instead of reading and writing each state through Redis on every event
# and every live wake; another worker that needs a state breaks the lease (Reflex's oplock).
os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
# Held 19 s of a 20 s lock (Reflex's defaults: 5 s of 10 s): an open board wakes on every change,
# and each new lease costs a lock round, a read and unpickling of the tab's whole state from Redis,
# and at its end a pickling and a write (about 2.4 ms of a worker's CPU; measured over 200 open
# boards, 1.2-1.3 ms per board and move with 9 s leases, 1.0 ms with 19 s). The price: a worker
# killed outright leaves its tabs' states locked until their lock expires, up to 20 s instead of 10
# (a worker that stops normally writes its states back and releases their locks at once).
os.environ.setdefault("REFLEX_REDIS_LOCK_EXPIRATION", "20000")
os.environ.setdefault("REFLEX_OPLOCK_HOLD_TIME_MS", "19000")
# Each Redis client of a worker keeps at most 32 connections, and a caller waits (up to 2 s) for a
# free one instead of opening another: a change that wakes 200 open boards at once otherwise opened
# a connection per board, each costing the Redis client a look through the installed packages.
os.environ.setdefault("REFLEX_REDIS_MAX_CONNECTIONS", "32")

_settings = get_settings()

config = rx.Config(
    app_name="flowtrack_ui",
    telemetry_enabled=False,
    frontend_port=_settings.port,
    backend_port=_settings.port,
    # One port serves the pages, the websocket and /api; behind a proxy set FLOWTRACK_PUBLIC_URL.
    api_url=_settings.public_url,
    deploy_url=_settings.public_url,
    redis_url=_settings.redis_url,
    state_manager_mode="redis" if _settings.redis_url else "memory",
    show_built_with_reflex=False,
    # Only the app's own origin may call it with the user's credentials (FLOWTRACK_CORS_ORIGINS adds).
    cors_allowed_origins=list(_settings.cors_origins),
    backend_host=_settings.host,
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    disable_plugins=[SitemapPlugin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
)
