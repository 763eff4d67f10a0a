"""Enter, replace or forget the X Bearer token (kept in the OS keyring)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from geotweets_desktop import secrets


class CredentialsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("X credentials")
        self.setMinimumWidth(460)
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
        stored = secrets.load_token() is not None
        self.state_label = QLabel(
            "A token is stored." if stored else "No token is stored yet.", self
        )
        if not secrets.keyring_available():
            self.state_label.setText(
                "No system keyring was found: a token can only be used for this session "
                "and is forgotten when the app closes."
            )
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.forget_button = buttons.addButton(
            "Forget stored token", QDialogButtonBox.ButtonRole.ResetRole
        )
        self.forget_button.setEnabled(stored)
        self.forget_button.clicked.connect(self._forget)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _save(self) -> None:
        token = self.token_edit.text().strip()
        if not token:
            QMessageBox.warning(self, "X credentials", "Paste a token first.")
            return
        try:
            secrets.save_token(token)
        except secrets.NoKeyringError as exc:
            answer = QMessageBox.question(
                self,
                "No keyring",
                f"{exc}\n\nUse the token for this session only? It will not be saved.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            secrets.SessionOnlyToken.value = token
        self.accept()

    def _forget(self) -> None:
        secrets.forget_token()
        secrets.SessionOnlyToken.value = None
        self.state_label.setText("The stored token was forgotten.")
        self.forget_button.setEnabled(False)
