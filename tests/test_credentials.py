"""The token lives in the keyring only: an in-memory backend for the logic, and
the real Secret Service (gnome-keyring on D-Bus) when the test run has one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from geotweets_desktop import credentials

TOKEN = "AAAAAAAAAAAAAAAAAAAAAFakeTokenForTests%2Fnot-real"


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv(credentials.ENV_TOKEN, raising=False)
    monkeypatch.setattr(credentials.SessionOnlyToken, "value", None)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv(credentials.ENV_TOKEN, raising=False)
    monkeypatch.setattr(credentials.SessionOnlyToken, "value", None)
    yield
    keyring.set_keyring(previous)


def test_save_load_replace_forget(memory_keyring: MemoryKeyring) -> None:
    assert credentials.load_token() is None
    credentials.save_token(TOKEN)
    assert memory_keyring.items == {(credentials.SERVICE, credentials.BEARER_TOKEN): TOKEN}
    assert credentials.load_token() == TOKEN
    credentials.save_token("second-token")
    assert credentials.load_token() == "second-token"
    credentials.forget_token()
    assert credentials.load_token() is None
    credentials.forget_token()  # forgetting twice is fine


def test_the_token_comes_from_the_keyring_first_then_the_environment(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert credentials.resolve_token() == (None, "")
    monkeypatch.setenv(credentials.ENV_TOKEN, "from-env")
    assert credentials.resolve_token() == ("from-env", "the X_BEARER_TOKEN environment variable")
    credentials.save_token(TOKEN)
    assert credentials.resolve_token() == (TOKEN, "system keyring")


def test_without_a_keyring_nothing_is_written_anywhere(
    no_keyring: None, data_dir: object, tmp_path: object
) -> None:
    assert not credentials.keyring_available()
    assert credentials.keyring_description() == "none"
    with pytest.raises(credentials.NoKeyringError, match="no keyring"):
        credentials.save_token(TOKEN)
    assert credentials.load_token() is None
    # The session-only fallback is memory, chosen by the user in the dialog.
    credentials.SessionOnlyToken.value = TOKEN
    assert credentials.resolve_token() == (TOKEN, "this session only (not saved)")


# CI installs gnome-keyring and sets this, so there a missing Secret Service
# fails the run; elsewhere (D-Bus but no gnome-keyring) the test is skipped.
REQUIRE_SECRET_SERVICE = os.environ.get("GEOTWEETS_TESTS_REQUIRE_SECRET_SERVICE") == "1"


def secret_service_or_skip() -> KeyringBackend:
    """The Secret Service backend on this D-Bus session, or a skip (a failure when required)
    that says what is missing."""
    from keyring.backends import SecretService

    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        reason = "no D-Bus session: run the tests with `make test` for the Secret Service test"
    else:
        try:
            SecretService.Keyring.priority  # noqa: B018 - raises saying why it is unusable
            return SecretService.Keyring()
        except RuntimeError as error:
            reason = f"no Secret Service on this D-Bus session (install gnome-keyring): {error}"
    if REQUIRE_SECRET_SERVICE:
        pytest.fail(f"GEOTWEETS_TESTS_REQUIRE_SECRET_SERVICE=1 but {reason}")
    pytest.skip(reason)


def test_a_real_secret_service_keeps_the_token() -> None:
    from keyring.backends import SecretService

    backend = secret_service_or_skip()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        assert credentials.keyring_description() == "SecretService Keyring"
        credentials.save_token(TOKEN)
        # A second backend object reads it back through D-Bus, from gnome-keyring.
        stored = SecretService.Keyring().get_password(credentials.SERVICE, credentials.BEARER_TOKEN)
        assert stored == TOKEN
        assert credentials.load_token() == TOKEN
        credentials.forget_token()
        assert credentials.load_token() is None
    finally:
        credentials.forget_token()
        keyring.set_keyring(previous)
