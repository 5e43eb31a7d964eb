"""Which URLs a webhook may call: HTTPS to public addresses. Private, loopback, link-local and
other non-public targets are refused (no SSRF into the company's own network), unless
``FLOWTRACK_WEBHOOK_ALLOW_PRIVATE=1`` (tests, a developer's laptop), which also allows plain HTTP.

The host is resolved and every address checked when the endpoint is registered and again before
each delivery, which then connects to the address it checked (no second lookup to rebind)."""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import SplitResult, urlsplit

from ..errors import InvalidInput

MAX_URL = 2000
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def allow_private() -> bool:
    """``FLOWTRACK_WEBHOOK_ALLOW_PRIVATE``: read on every call, like every setting."""
    return (os.environ.get("FLOWTRACK_WEBHOOK_ALLOW_PRIVATE") or "").strip().lower() in ("1", "true", "yes")


def check_url(url: object) -> SplitResult:
    """The URL's parts when its form may be a webhook target (its addresses are checked apart)."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("Enter the URL that should receive the events.")
    url = url.strip()
    if len(url) > MAX_URL:
        raise InvalidInput(f"A webhook URL has at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("This is not a valid URL.") from None
    schemes = ("https", "http") if allow_private() else ("https",)
    if parts.scheme not in schemes:
        raise InvalidInput("A webhook URL must start with https://.")
    if not parts.hostname:
        raise InvalidInput("This URL has no host name.")
    if parts.username or parts.password:
        raise InvalidInput("Leave credentials out of the URL: every delivery is signed instead.")
    if parts.fragment:
        raise InvalidInput("A webhook URL has no #fragment.")
    if port == 0:
        raise InvalidInput("This is not a valid URL.")
    return parts


def blocked(ip: IPAddress) -> bool:
    """Anything but a public unicast address: private, loopback, link-local, shared, reserved…"""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address of ``host``; InvalidInput when one of them may not be called."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise InvalidInput(f"The host {host} could not be resolved.") from None
    addresses: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise InvalidInput(f"The host {host} could not be resolved.")
    if not allow_private():
        refused = [str(ip) for ip in addresses if blocked(ip)]
        if refused:
            raise InvalidInput(
                f"{host} points to a private or local address ({', '.join(refused)}): "
                "a webhook may only call a public address."
            )
    return addresses


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def check_target(url: object) -> str:
    """The URL, normalised, when its form and every address of its host may be called."""
    parts = check_url(url)
    resolve(parts.hostname or "", default_port(parts))
    return parts.geturl()
