"""Export a session (the current one or any stored one) as GeoJSON, CSV, GeoParquet
or a database.

The export runs on a background thread with its own read-only use of the
store, so a large session does not freeze the window; a progress bar counts
the posts written meanwhile (a busy indicator for a database copy, done by
SQLite in one statement).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
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

FORMATS = (
    ("GeoJSON (RFC 7946)", ".geojson", "GeoJSON (*.geojson)"),
    ("CSV (UTF-8, a row a post)", ".csv", "CSV (*.csv)"),
    ("GeoParquet 1.1 (DuckDB, Spark, BigQuery…)", ".parquet", "GeoParquet (*.parquet)"),
    ("Session database (SQLite)", ".db", "SQLite database (*.db)"),
)
COARSENING = (("Exact points", None), ("About 1 km", "1km"), ("About 10 km", "10km"))
_POLL_MS = 100


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
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export")
        self._pending: Future[ExportResult] | None = None
        self._progress: QProgressDialog | None = None
        self._posts = {s.id: s.received for s in sessions}
        self._done = 0  # posts written, set by the export thread
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
        self._done = 0
        self._progress = QProgressDialog(f"Exporting to {out.name}…", "", 0, total, self)
        self._progress.setCancelButton(None)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.show()
        self._pending = self._executor.submit(
            run_export, self._store_path, session_id, out, self.privacy(), self._set_done
        )
        QTimer.singleShot(_POLL_MS, self._poll)

    def _set_done(self, posts: int) -> None:
        """Called on the export thread; read by _poll on the GUI thread."""
        self._done = posts

    def _poll(self) -> None:
        if self._pending is None:
            return
        if not self._pending.done():
            if self._progress is not None and self._progress.maximum():
                self._progress.setValue(min(self._done, self._progress.maximum() - 1))
            QTimer.singleShot(_POLL_MS, self._poll)
            return
        future, self._pending = self._pending, None
        if self._progress is not None:
            self._progress.close()
        try:
            self.result_ = future.result()
        except (ExportError, OSError) as exc:
            QMessageBox.warning(self, "Export", f"The export failed: {exc}")
            self.export_button.setEnabled(True)
            return
        self.accept()

    def done(self, result: int) -> None:
        self._executor.shutdown(wait=True)
        super().done(result)
