"""Enter, check, replace or forget the X Bearer token (kept in the OS keyring).

A token typed here is checked with X first, in a background thread, and kept
only if X did not reject it: in the keyring, or, on a computer without one,
in memory for this session. The dialog says once, before anything is typed,
where the token will live, and names its button for what it will do. The
token itself is never shown, logged or put in a message.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from geotweets_desktop import credentials
from geotweets_desktop.sources.x_api import TokenCheck, check_token
from geotweets_desktop.ui.background import BackgroundTask


class CredentialsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("X credentials")
        self.setMinimumWidth(480)
        self.last_check: TokenCheck | None = None
        layout = QVBoxLayout(self)
        self._has_keyring = credentials.keyring_available()
        if self._has_keyring:
            where = (
                "It will be kept in your system keyring "
                f"({credentials.keyring_description()}), never in a file."
            )
            action = "Check and save"
        else:
            where = (
                "This computer has no system keyring, so the token cannot be saved: it "
                "will be used for this session only and forgotten when the app closes."
            )
            action = "Check and use for this session"
        self.intro_label = QLabel(
            "Paste the Bearer token of your X developer app (developer.x.com → your app → "
            f"Keys and tokens). {where}",
            self,
        )
        self.intro_label.setWordWrap(True)
        layout.addWidget(self.intro_label)
        self.token_edit = QLineEdit(self)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("Bearer token")
        layout.addWidget(self.token_edit)
        self.state_label = QLabel(self)
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        self.check_label = QLabel(self)
        self.check_label.setTextFormat(Qt.TextFormat.PlainText)  # X wrote part of it
        self.check_label.setWordWrap(True)
        layout.addWidget(self.check_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = QPushButton(action, self)
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button = QPushButton("Check the token in use", self)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.forget_button = QPushButton("Forget token", self)
        buttons.addButton(self.forget_button, QDialogButtonBox.ButtonRole.ResetRole)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        self.save_button.clicked.connect(self._save)
        self.check_button.clicked.connect(self._check_stored)
        self.forget_button.clicked.connect(self._forget)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        self._typed: str | None = None  # being checked; kept only if X does not reject it
        self._checking: BackgroundTask | None = None
        self._show_state()

    def _show_state(self) -> None:
        token, origin = credentials.resolve_token()
        self.state_label.setText(
            f"A token is in use, from {origin}." if token else "No token is in use yet."
        )
        self.forget_button.setEnabled(
            credentials.load_token() is not None or credentials.SessionOnlyToken.value is not None
        )
        self.check_button.setEnabled(token is not None and self._checking is None)

    def _save(self) -> None:
        token = self.token_edit.text().strip()
        if self._checking is not None:
            return
        if not token:
            self.check_label.setText("Paste a token first.")
            return
        self._typed = token
        self._start_check(token)

    def _keep(self, token: str, result: TokenCheck) -> str:
        """Keep a token X did not reject; the words that say where it went."""
        if self._has_keyring:
            try:
                credentials.save_token(token)
            except credentials.NoKeyringError as exc:
                credentials.SessionOnlyToken.value = token
                return f"{exc} It is used for this session only."
            where = "Saved in your system keyring."
        else:
            credentials.SessionOnlyToken.value = token
            where = "In use for this session only."
        if result.valid is None:
            where += " It will be checked again when a stream starts."
        return where

    def _check_stored(self) -> None:
        token, _origin = credentials.resolve_token()
        if token:
            self._start_check(token)

    def _start_check(self, token: str) -> None:
        self.check_label.setText("Checking the token with X…")
        self.save_button.setEnabled(False)
        self.check_button.setEnabled(False)
        self._checking = BackgroundTask(lambda: check_token(token), "token-check", self)
        self._checking.finished.connect(self._checked)
        self._checking.failed.connect(self._check_failed)
        self._checking.start()

    def _check_failed(self, error: Exception) -> None:
        self._checked(TokenCheck(None, False, f"The check itself failed: {error}"))

    def _checked(self, result: TokenCheck) -> None:
        self._checking = None
        self.last_check = result
        mark = {True: "✔", False: "✘", None: "?"}[result.valid]
        text = f"{mark} {result.message}"
        typed, self._typed = self._typed, None
        if typed is not None:
            if result.valid is False:
                text += " The token was not kept."
            else:
                text += " " + self._keep(typed, result)
                self.token_edit.clear()
        self.check_label.setText(text)
        self.save_button.setEnabled(True)
        self._show_state()

    def _forget(self) -> None:
        credentials.forget_token()
        credentials.SessionOnlyToken.value = None
        self.check_label.setText("The token was forgotten.")
        self._show_state()
