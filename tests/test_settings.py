"""Settings are re-read on every call, keyed by exactly the variables they are built from."""

from __future__ import annotations

import re

from flowtrack_ui.core import settings


def test_the_key_holds_every_variable_the_settings_read():
    source = open(settings.__file__).read()
    read = set(re.findall(r'environ\.get\("(FLOWTRACK_[A-Z_]+)"', source))
    assert read and read == set(settings.ENV_NAMES)


def test_a_changed_variable_is_seen_at_once(monkeypatch):
    monkeypatch.setenv("FLOWTRACK_PUBLIC_URL", "https://one.example")
    assert settings.get_settings().public_url == "https://one.example"
    monkeypatch.setenv("FLOWTRACK_PUBLIC_URL", "https://two.example")
    assert settings.get_settings().public_url == "https://two.example"
    monkeypatch.delenv("FLOWTRACK_PUBLIC_URL")
    assert settings.get_settings().public_url.startswith("http://localhost")
