"""Enter, check, replace or forget the X Bearer token (kept in the OS keyring).

The token is checked against X as soon as it is saved, in a background
thread, and the dialog says plainly whether it works, lacks stream access,
or was rejected. The token itself is never shown, logged or put in a message.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
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
        intro = QLabel(
            "Paste the Bearer token of your X developer app (developer.x.com → your app → "
            "Keys and tokens). It is kept in your system keyring, never in a file."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
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
        self.save_button = QPushButton("Save and check", self)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button = QPushButton("Check stored token", self)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.forget_button = QPushButton("Forget token", self)
        buttons.addButton(self.forget_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button.clicked.connect(self._save)
        self.check_button.clicked.connect(self._check_stored)
        self.forget_button.clicked.connect(self._forget)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        self._show_state()

    def _show_state(self) -> None:
        token, origin = credentials.resolve_token()
        if not credentials.keyring_available():
            text = (
                "No system keyring was found on this computer, so a token cannot be saved: "
                "one you enter is used for this session only and forgotten when the app closes."
            )
        elif token:
            text = f"A token is in use, from {origin}."
        else:
            text = "No token is stored yet."
        self.state_label.setText(text)
        self.forget_button.setEnabled(
            credentials.load_token() is not None or credentials.SessionOnlyToken.value is not None
        )
        self.check_button.setEnabled(token is not None)

    def _save(self) -> None:
        token = self.token_edit.text().strip()
        if not token:
            QMessageBox.warning(self, "X credentials", "Paste a token first.")
            return
        try:
            credentials.save_token(token)
        except credentials.NoKeyringError as exc:
            answer = QMessageBox.question(
                self,
                "No keyring",
                f"{exc}\n\nUse the token for this session only? It will not be saved.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            credentials.SessionOnlyToken.value = token
        self.token_edit.clear()
        self._show_state()
        self._start_check(token)

    def _check_stored(self) -> None:
        token, _origin = credentials.resolve_token()
        if token:
            self._start_check(token)

    def _start_check(self, token: str) -> None:
        self.check_label.setText("Checking the token with X…")
        self.save_button.setEnabled(False)
        self.check_button.setEnabled(False)
        task = BackgroundTask(lambda: check_token(token), "token-check", self)
        task.finished.connect(self._checked)
        task.failed.connect(self._check_failed)
        task.start()

    def _check_failed(self, error: Exception) -> None:
        self._checked(TokenCheck(None, False, f"The check itself failed: {error}"))

    def _checked(self, result: TokenCheck) -> None:
        self.last_check = result
        mark = {True: "✔", False: "✘", None: "?"}[result.valid]
        self.check_label.setText(f"{mark} {result.message}")
        self.save_button.setEnabled(True)
        self._show_state()

    def _forget(self) -> None:
        credentials.forget_token()
        credentials.SessionOnlyToken.value = None
        self.check_label.setText("The token was forgotten.")
        self._show_state()
