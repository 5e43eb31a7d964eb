"""Secrets at rest: sealed values round-trip, never hold the plain text, and a wrong key says so."""

from __future__ import annotations

import os
import stat

import pytest

from flowtrack_ui.core import sealed


def test_round_trip_and_no_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWTRACK_SECRET_KEY", "k" * 40)
    token = sealed.seal("app-password-ü")
    assert "app-password" not in token
    assert token != sealed.seal("app-password-ü")  # a fresh IV every time
    assert sealed.unseal(token) == "app-password-ü"


def test_wrong_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWTRACK_SECRET_KEY", "a" * 40)
    token = sealed.seal("secret")
    monkeypatch.setenv("FLOWTRACK_SECRET_KEY", "b" * 40)
    with pytest.raises(sealed.SealedSecretError, match="FLOWTRACK_SECRET_KEY"):
        sealed.unseal(token)
    with pytest.raises(sealed.SealedSecretError):
        sealed.unseal("not a token")


def test_short_key_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWTRACK_SECRET_KEY", "short")
    with pytest.raises(sealed.SealedSecretError, match="32 characters"):
        sealed.seal("x")


def test_generated_key_kept_in_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("FLOWTRACK_SECRET_KEY", raising=False)
    monkeypatch.setenv("FLOWTRACK_DATA_DIR", str(tmp_path))
    token = sealed.seal("kept")
    path = tmp_path / sealed.KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sealed.unseal(token) == "kept"
    path.write_text("another key that is long enough to be used here")
    with pytest.raises(sealed.SealedSecretError):
        sealed.unseal(token)
