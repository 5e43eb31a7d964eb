"""A real OpenID Connect provider for the tests: ``oidc-provider-mock`` in its own process on a
loopback port. Its users and their claims (``email``, ``email_verified``, ``name``) are set over
its HTTP API; signing in at its authorisation page is a form post of the user's ``sub``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx


@dataclass
class Provider:
    process: subprocess.Popen
    url: str

    def set_user(self, sub: str, **claims: object) -> None:
        r = httpx.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        assert r.status_code == 204, r.text

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider() -> Provider:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--require-nonce"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the OpenID Connect provider did not start")
        try:
            if httpx.get(f"{url}/.well-known/openid-configuration", timeout=1).status_code == 200:
                return Provider(process, url)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the OpenID Connect provider did not answer within 20 s")


def sign_in_at_provider(authorization_url: str, sub: str) -> str:
    """What a person does on the provider's page: choose the account. The provider's redirect back
    (the callback URL with ``code`` and ``state``)."""
    r = httpx.post(authorization_url, data={"sub": sub}, timeout=5, follow_redirects=False)
    assert r.status_code in (302, 303), r.text[:500]
    return r.headers["location"]
