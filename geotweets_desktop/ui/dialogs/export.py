"""Export a session (the current one or any stored one) as GeoJSON, CSV, GeoParquet
or a database; for the session on the map, optionally only the posts its
brush and filters keep (the page's last reported view), and only those in
the part of the map in view.

The export runs on a background thread with its own read-only use of the
store, so a large session does not freeze the window; a progress bar counts
the posts written meanwhile (a busy indicator for a database copy, done by
SQLite in one statement).
"""

from __future__ import annotations

from collections.abc import Sequence
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

from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.export import (
    ExportError,
    ExportResult,
    PostFilter,
    Privacy,
    Progress,
    export_session,
)
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.core.view_state import ViewState, describe_filters
from geotweets_desktop.ui.background import BackgroundTask

FORMATS = (
    ("GeoJSON (RFC 7946)", ".geojson", "GeoJSON (*.geojson)"),
    ("CSV (UTF-8, a row a post)", ".csv", "CSV (*.csv)"),
    ("GeoParquet 1.1 (DuckDB, Spark, BigQuery…)", ".parquet", "GeoParquet (*.parquet)"),
    ("Session database (SQLite)", ".db", "SQLite database (*.db)"),
)
COARSENING = (("Exact points", None), ("About 1 km", "1km"), ("About 10 km", "10km"))


def run_export(
    store_path: Path,
    session_id: int,
    out: Path,
    privacy: Privacy,
    progress: Progress,
    keep: PostFilter | None = None,
    areas: Sequence[Area] = (),
) -> ExportResult:
    """One export, on whatever thread calls it (with its own store connection)."""
    store = SessionStore(store_path)
    try:
        return export_session(store, session_id, out, privacy, areas, progress=progress, keep=keep)
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
        view: ViewState | None = None,
    ) -> None:
        """`view`: what the map shows of session `current` (None: not known)."""
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(460)
        self._store_path = store_path
        self._task: BackgroundTask | None = None
        self._progress: QProgressDialog | None = None
        self._posts = {s.id: s.received for s in sessions}
        self._terms = {s.id: s.terms for s in sessions}
        self._current = current
        self._view = view
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
        self.only_kept = QCheckBox("Only the posts the current brush and filters keep", self)
        self.only_in_view = QCheckBox("Only the posts in the part of the map in view", self)
        self.filters_note = QLabel(self)
        self.filters_note.setTextFormat(Qt.TextFormat.PlainText)  # the text filter is typed text
        self.filters_note.setWordWrap(True)
        form.addRow("What I see", self.only_kept)
        form.addRow("", self.only_in_view)
        form.addRow("", self.filters_note)
        self.session_combo.currentIndexChanged.connect(self._update_view_options)
        self._update_view_options()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setEnabled(bool(sessions))
        buttons.accepted.connect(self._choose_file)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _update_view_options(self) -> None:
        """The map's view is of the session on the map only, and only once reported."""
        usable = self._view is not None and self.session_combo.currentData() == self._current
        for check in (self.only_kept, self.only_in_view):
            check.setEnabled(usable)
            if not usable:
                check.setChecked(False)
        if self._view is None or self._current is None:
            self.filters_note.setText("Only for the session on the map, once it is shown.")
        elif not usable:
            self.filters_note.setText(f"Only for the session on the map ({self._current}).")
        else:
            self.filters_note.setText("Filters now: " + describe_filters(self._view.filters))

    def view_filter(self, session_id: int) -> tuple[PostFilter | None, list[Area]]:
        """What "what I see" asks of an export of `session_id`: a filter and areas."""
        view = self._view
        if view is None or session_id != self._current:
            return None, []
        keep = None
        if self.only_kept.isChecked():
            keep = PostFilter.from_filters(view.filters, self._terms.get(session_id, ()))
        area = view.visible_area() if self.only_in_view.isChecked() else None
        return keep, [area] if area is not None else []

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
        keep, areas = self.view_filter(session_id)
        self._task = BackgroundTask(
            lambda: run_export(
                self._store_path, session_id, out, privacy, self.postsWritten.emit, keep, areas
            ),
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
