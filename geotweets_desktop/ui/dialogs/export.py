"""Export a session (the current one or any stored one) as GeoJSON, CSV, GeoParquet
or a database.

The export runs on a background thread with its own read-only use of the
store, so a large session does not freeze the window; a progress bar counts
the posts written meanwhile (a busy indicator for a database copy, done by
SQLite in one statement).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from geotweets_desktop.core.export import (
    ExportError,
    ExportResult,
    Privacy,
    Progress,
    export_session,
)
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.ui.background import BackgroundTask

FORMATS = (
    ("GeoJSON (RFC 7946)", ".geojson", "GeoJSON (*.geojson)"),
    ("CSV (UTF-8, a row a post)", ".csv", "CSV (*.csv)"),
    ("GeoParquet 1.1 (DuckDB, Spark, BigQuery…)", ".parquet", "GeoParquet (*.parquet)"),
    ("Session database (SQLite)", ".db", "SQLite database (*.db)"),
)
COARSENING = (("Exact points", None), ("About 1 km", "1km"), ("About 10 km", "10km"))


def run_export(
    store_path: Path, session_id: int, out: Path, privacy: Privacy, progress: Progress
) -> ExportResult:
    """One export, on whatever thread calls it (with its own store connection)."""
    store = SessionStore(store_path)
    try:
        return export_session(store, session_id, out, privacy, progress=progress)
    finally:
        store.close()


class ExportDialog(QDialog):
    #: Posts written so far; emitted on the export's thread, received on the GUI's.
    postsWritten = Signal(int)

    def __init__(
        self,
        store_path: Path,
        sessions: list[SessionInfo],
        current: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(460)
        self._store_path = store_path
        self._task: BackgroundTask | None = None
        self._progress: QProgressDialog | None = None
        self._posts = {s.id: s.received for s in sessions}
        self.postsWritten.connect(self._show_written)
        self.result_: ExportResult | None = None
        form = QFormLayout(self)
        self.session_combo = QComboBox(self)
        for s in sessions:
            posts = "1 post" if s.received == 1 else f"{s.received:,} posts"
            what = " · ".join(part for part in (", ".join(s.terms), s.source, posts) if part)
            label = f"{s.id}: {what}"
            self.session_combo.addItem(label, s.id)
        if current is not None:
            self.session_combo.setCurrentIndex(max(0, self.session_combo.findData(current)))
        form.addRow("Session", self.session_combo)
        self.format_combo = QComboBox(self)
        for label, suffix, _filter in FORMATS:
            self.format_combo.addItem(label, suffix)
        form.addRow("Format", self.format_combo)
        self.coarsen_combo = QComboBox(self)
        for label, key in COARSENING:
            self.coarsen_combo.addItem(label, key)
        form.addRow("Locations", self.coarsen_combo)
        self.drop_authors = QCheckBox("Leave out author names and handles", self)
        form.addRow("", self.drop_authors)
        note = QLabel("Post ids and text stay: X can still show who wrote a post.")
        note.setWordWrap(True)
        form.addRow("", note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setEnabled(bool(sessions))
        buttons.accepted.connect(self._choose_file)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def privacy(self) -> Privacy:
        return Privacy(
            coarsen=self.coarsen_combo.currentData(), drop_authors=self.drop_authors.isChecked()
        )

    def _choose_file(self) -> None:
        index = self.format_combo.currentIndex()
        _label, suffix, file_filter = FORMATS[index]
        session_id = self.session_combo.currentData()
        suggested = f"geotweets-session-{session_id}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, "Export to", suggested, file_filter)
        if path:
            out = Path(path)
            self.start(session_id, out if out.suffix else out.with_suffix(suffix))

    def start(self, session_id: int, out: Path) -> None:
        """Export in the background; the dialog closes when it is done."""
        self.export_button.setEnabled(False)
        # A database copy reports nothing until it is done: a busy indicator then.
        total = 0 if out.suffix.lower() == ".db" else self._posts.get(session_id, 0)
        self._progress = QProgressDialog(f"Exporting to {out.name}…", "", 0, total, self)
        self._progress.setCancelButton(None)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.show()
        privacy = self.privacy()
        self._task = BackgroundTask(
            lambda: run_export(self._store_path, session_id, out, privacy, self.postsWritten.emit),
            "export",
            self,
        )
        self._task.finished.connect(self._exported)
        self._task.failed.connect(self._failed)
        self._task.start()

    def _show_written(self, posts: int) -> None:
        if self._progress is not None and self._progress.maximum():
            self._progress.setValue(min(posts, self._progress.maximum() - 1))

    def _exported(self, result: ExportResult) -> None:
        self._close_progress()
        self.result_ = result
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._close_progress()
        if not isinstance(error, ExportError | OSError):
            raise error  # a bug, not a file the user can do something about
        QMessageBox.warning(self, "Export", f"The export failed: {error}")
        self.export_button.setEnabled(True)

    def _close_progress(self) -> None:
        self._task = None
        if self._progress is not None:
            self._progress.close()

    def done(self, result: int) -> None:
        # Closed while exporting: let the file be finished, not left half written.
        if self._task is not None:
            self._task.wait()
        super().done(result)
