"""Choose an archive to replay: the file, an optional term filter, the pace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from geotweets_desktop.core.terms import TermError, parse_terms
from geotweets_desktop.ui.settings import AppSettings

ARCHIVE_FILTER = "Post archives (*.jsonl *.json *.ndjson *.gz *.txt);;All files (*)"
SPEEDS = (
    ("As fast as possible", None),
    ("100 times the original pace", 100.0),
    ("10 times the original pace", 10.0),
    ("Original pace", 1.0),
)


class ArchiveDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle("Open archive")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        note = QLabel(
            "Replays posts collected earlier: X API v2 stream lines, twarc2 files, "
            "v1.1 statuses (one a line or a JSON array), plain or gzip-compressed."
        )
        note.setWordWrap(True)
        form.addRow(note)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        self.terms_edit = QLineEdit(self)
        self.terms_edit.setPlaceholderText("Optional: only posts with these terms")
        form.addRow("Terms", self.terms_edit)
        self.speed_combo = QComboBox(self)
        for label, speed in SPEEDS:
            self.speed_combo.addItem(label, speed)
        self.speed_combo.setCurrentIndex(max(0, self.speed_combo.findText(settings.replay_pace)))
        form.addRow("Pace", self.speed_combo)
        # What is wrong with the file or the terms, said here rather than in a box.
        self.error_label = QLabel(self)
        self.error_label.setObjectName("archiveError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # quotes a path, terms
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("#archiveError { color: #b3261e; }")
        self.error_label.hide()
        form.addRow(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.terms: list[str] = []

    def _browse(self) -> None:
        folder = self._settings.archive_folder
        path, _ = QFileDialog.getOpenFileName(self, "Open archive", folder, ARCHIVE_FILTER)
        if path:
            self.path_edit.setText(path)

    def _accept(self) -> None:
        path = self.path
        if not path.is_file():
            self._show_error(f"There is no file at {path}.")
            return
        text = self.terms_edit.text().strip()
        try:
            self.terms = parse_terms(text) if text else []
        except TermError as exc:
            self._show_error(str(exc))
            return
        self._settings.archive_folder = str(path.parent)
        self._settings.replay_pace = self.speed_combo.currentText()
        self.accept()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    @property
    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    @property
    def speed(self) -> float | None:
        value = self.speed_combo.currentData()
        return float(value) if value is not None else None
