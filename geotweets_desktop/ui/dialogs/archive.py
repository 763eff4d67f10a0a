"""Choose an archive to replay: the file, an optional term filter, the pace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from geotweets_desktop.core.terms import TermError, parse_terms

ARCHIVE_FILTER = "Post archives (*.jsonl *.json *.ndjson *.gz *.txt);;All files (*)"
SPEEDS = (
    ("As fast as possible", None),
    ("100 times the original pace", 100.0),
    ("10 times the original pace", 10.0),
    ("Original pace", 1.0),
)


class ArchiveDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, path: str = "") -> None:
        super().__init__(parent)
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
        self.path_edit = QLineEdit(path, self)
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
        form.addRow("Pace", self.speed_combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.terms: list[str] = []

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open archive", "", ARCHIVE_FILTER)
        if path:
            self.path_edit.setText(path)

    def _accept(self) -> None:
        path = Path(self.path_edit.text().strip())
        if not path.is_file():
            QMessageBox.warning(self, "Open archive", f"There is no file at {path}.")
            return
        text = self.terms_edit.text().strip()
        try:
            self.terms = parse_terms(text) if text else []
        except TermError as exc:
            QMessageBox.warning(self, "Open archive", str(exc))
            return
        self.accept()

    @property
    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    @property
    def speed(self) -> float | None:
        value = self.speed_combo.currentData()
        return float(value) if value is not None else None
