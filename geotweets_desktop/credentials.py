"""The only module that touches `keyring`: the X Bearer token lives in the OS keyring.

When no keyring backend exists, nothing is written anywhere: the caller may
keep the token in memory for this session only (`SessionOnlyToken`), and the
user is told so. There is no plaintext fallback.
"""

from __future__ import annotations

import contextlib
import os

import keyring
import keyring.errors
from keyring.backends import fail

SERVICE = "GeoTweets Desktop"
BEARER_TOKEN = "x-bearer-token"


class NoKeyringError(RuntimeError):
    """No usable keyring backend on this machine."""


def keyring_available() -> bool:
    backend = keyring.get_keyring()
    return not isinstance(backend, fail.Keyring) and backend.priority > 0


def keyring_description() -> str:
    """The keyring the token would go to, for people ("SecretService Keyring"),
    or "none" when there is none (a packaged app that lost its backends too)."""
    if not keyring_available():
        return "none"
    backend = keyring.get_keyring()
    return str(getattr(backend, "name", type(backend).__name__))


def load_token() -> str | None:
    if not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, BEARER_TOKEN)
    except keyring.errors.KeyringError:
        return None


def save_token(token: str) -> None:
    if not keyring_available():
        raise NoKeyringError("This computer has no keyring to keep the token in.")
    try:
        keyring.set_password(SERVICE, BEARER_TOKEN, token)
    except keyring.errors.KeyringError as exc:
        raise NoKeyringError(
            f"The keyring refused to store the token ({type(exc).__name__})."
        ) from exc


def forget_token() -> None:
    if not keyring_available():
        return
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(SERVICE, BEARER_TOKEN)


class SessionOnlyToken:
    """A token held in memory for this run only, when the keyring is missing."""

    value: str | None = None


ENV_TOKEN = "X_BEARER_TOKEN"


def resolve_token() -> tuple[str | None, str]:
    """The token to use and where it came from, for the user to see.

    Order: the keyring, a session-only token typed this run, then the
    `X_BEARER_TOKEN` environment variable (servers, CI).
    """
    token = load_token()
    if token:
        return token, "system keyring"
    if SessionOnlyToken.value:
        return SessionOnlyToken.value, "this session only (not saved)"
    token = os.environ.get(ENV_TOKEN, "").strip()
    if token:
        return token, f"the {ENV_TOKEN} environment variable"
    return None, ""
