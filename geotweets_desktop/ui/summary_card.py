"""The summary card: what a session caught, shown over the map when it ends.

It floats over the map's top-left corner (the map stays where it was, and
the card closes with ✕), counts the session's figures in the background
(a million posts take seconds; the card says how far it got), and offers
**Save report…**: the self-contained HTML file of core/report, with a grab
of the map as the window shows it. Text from posts, terms and places is
shown as plain text only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from geotweets_desktop.core.palette import NO_TERM_COLOR, TERM_COLORS
from geotweets_desktop.core.report import (
    MapImage,
    ReportError,
    SessionFigures,
    check_report_path,
    save_report,
    session_figures,
)
from geotweets_desktop.core.report.wording import (
    duration_text,
    located_text,
    peak_text,
    span_text,
    term_name,
)
from geotweets_desktop.core.time_bins import step_label
from geotweets_desktop.ui.background import BackgroundTask
from geotweets_desktop.ui.timeline_strip import TimelineStrip

CARD_WIDTH = 680
MIN_WIDTH = 360
LEGEND_ROOM = 230
MARGIN = 10
TOP_ROWS = 5
MAP_CAPTION = "The map as the window showed it when the report was saved."


def _text(text: str, parent: QWidget, *, bold: bool = False) -> QLabel:
    """A label that shows `text` as text, whatever it holds (never as markup)."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def _column(parent: QWidget, widgets: Sequence[QWidget]) -> QWidget:
    column = QWidget(parent)
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    for widget in widgets:
        widget.setParent(column)
        layout.addWidget(widget)
    layout.addStretch(1)
    return column


class _CountProgress(QObject):
    """How far the count has gone, told from its thread and heard on the GUI thread."""

    moved = Signal(int, float)  # posts read, share of the session's rows read


def counting_text(read: int, share: float) -> str:
    """What the card says while it counts."""
    if share >= 1:
        return f"Read all {read:,} posts; working out the figures…"
    return f"Counting the session's posts… {int(share * 100)} % ({read:,} read)"


class SummaryCard(QFrame):
    def __init__(
        self, store_path: Path, map_widget: QWidget, grab_map: Callable[[], bytes], parent: QWidget
    ) -> None:
        """`grab_map` gives a PNG of the map as shown; the card floats over `map_widget`."""
        super().__init__(parent)
        self.setObjectName("summaryCard")
        self.setStyleSheet(
            "#summaryCard { background: #ffffff; border: 1px solid #b8b8b8; border-radius: 6px; }"
        )
        self._store_path = store_path
        self._map = map_widget
        self._grab_map = grab_map
        self._task: BackgroundTask | None = None
        self.counting: QLabel | None = None  # what it says while it counts
        self._saving: BackgroundTask | None = None
        self.session_id: int | None = None
        self.figures: SessionFigures | None = None
        self.saved_to: Path | None = None

        outer = self._outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 8, 10)
        head = self._head = QHBoxLayout()
        self.title = _text("", self, bold=True)
        self.title.setWordWrap(True)
        head.addWidget(self.title, 1)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Close the summary (Esc)")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        head.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head)
        # The figures scroll when the window is too small for them all.
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._body = QWidget()
        self._body.setObjectName("summaryBody")
        self._body.setStyleSheet("#summaryBody { background: #ffffff; }")
        self._scroll.setWidget(self._body)
        outer.addWidget(self._scroll, 1)
        foot = self._foot = QHBoxLayout()
        self.save_button = QPushButton("Save report…", self)
        self.save_button.clicked.connect(self._choose_file)
        foot.addWidget(self.save_button)
        self.save_status = _text("", self)
        self.save_status.setWordWrap(True)
        foot.addWidget(self.save_status, 1)
        self.open_button = QPushButton("Open report", self)
        self.open_button.clicked.connect(self._open_report)
        foot.addWidget(self.open_button)
        outer.addLayout(foot)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self,
            self.dismiss,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        map_widget.installEventFilter(self)
        self.hide()

    # -- showing ---------------------------------------------------------------

    def show_session(self, session_id: int, why: str) -> None:
        """A session ended (`why`): show the card and count its figures."""
        self.session_id = session_id
        self.figures = None
        self.saved_to = None
        self.title.setText(f"Session {session_id} ended · {why}")
        self.counting = _text("Counting the session's posts…", self._body)
        self._fill_body([self.counting])
        self.save_button.setEnabled(False)
        self.save_status.setText("")
        self.open_button.hide()
        store_path = self._store_path
        task = BackgroundTask(
            lambda: session_figures(store_path, session_id, progress.moved.emit), "summary", self
        )
        progress = _CountProgress(task)  # made before the task starts, which reads it
        progress.moved.connect(lambda read, share: self._count_moved(task, read, share))
        task.finished.connect(lambda figures: self._counted(task, figures))
        task.failed.connect(lambda error: self._count_failed(task, error))
        self._task = task
        task.start()
        self._place()
        self.show()
        self.raise_()

    def dismiss(self) -> None:
        self._task = None  # an answer still on its way is not shown
        self.hide()

    def _count_moved(self, task: BackgroundTask, read: int, share: float) -> None:
        if task is self._task and self.counting is not None:
            self.counting.setText(counting_text(read, share))

    def _counted(self, task: BackgroundTask, figures: SessionFigures) -> None:
        if task is not self._task:
            return
        self._task = None
        self.figures = figures
        self._show_figures(figures)
        self.save_button.setEnabled(True)
        # Once the new labels are shown (Qt shows a visible widget's new
        # children on the next turn of the event loop) they have a size.
        QTimer.singleShot(0, self, self._place)  # not after the card is gone

    def _count_failed(self, task: BackgroundTask, error: Exception) -> None:
        if task is not self._task:
            return
        self._task = None
        if not isinstance(error, OSError | KeyError | sqlite3.Error):
            raise error  # a bug, not a file the user can do something about
        self._fill_body([_text(f"The session's figures could not be read: {error}", self._body)])

    def _fill_body(self, widgets: Sequence[QWidget]) -> None:
        old = self._body.layout()
        if old is not None:
            while (item := old.takeAt(0)) is not None:
                if (widget := item.widget()) is not None:
                    widget.hide()
                    widget.deleteLater()
            QWidget().setLayout(old)  # the old layout goes with a throw-away widget
        layout = QVBoxLayout(self._body)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)

    def _show_figures(self, figures: SessionFigures) -> None:
        body = self._body
        facts = QWidget(body)
        grid = QGridLayout(facts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        rows = (
            ("Duration", duration_text(figures.duration_s)),
            ("Received", f"{figures.received:,} posts"),
            ("Located", located_text(figures)),
            ("Written", span_text(figures)),
            ("Peak minute", peak_text(figures)),
        )
        for row, (name, value) in enumerate(rows):
            grid.addWidget(_text(name, facts, bold=True), row, 0, Qt.AlignmentFlag.AlignTop)
            shown = _text(value, facts)
            shown.setWordWrap(True)
            grid.addWidget(shown, row, 1)
        grid.setColumnStretch(1, 1)
        right: list[QWidget] = []
        if figures.timeline is not None:
            strip = TimelineStrip(body)
            strip.set_timeline(figures.timeline)
            right.append(strip)
            note = _text(
                f"Posts per {step_label(figures.timeline.step)}, by the posts' own time (UTC)",
                body,
            )
            note.setWordWrap(True)
            note.setStyleSheet("color: #666;")
            right.append(note)
        tops = QWidget(body)
        columns = QHBoxLayout(tops)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addWidget(self._top_list("Top places", figures.top_places, ""), 1)
        columns.addWidget(self._top_list("Top hashtags", figures.top_hashtags, "#"), 1)
        right.append(tops)
        # Two columns: a wide, short card leaves the map's lower part (and
        # the page's timeline under it) in view.
        both = QWidget(body)
        halves = QHBoxLayout(both)
        halves.setContentsMargins(0, 0, 0, 0)
        halves.setSpacing(16)
        halves.addWidget(_column(both, [facts, self._terms_table(figures)]), 1)
        halves.addWidget(_column(both, right), 1)
        self._fill_body([both])

    def _terms_table(self, figures: SessionFigures) -> QWidget:
        table = QWidget(self._body)
        grid = QGridLayout(table)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for column, name in enumerate(("Term", "Received", "Located"), start=1):
            header = _text(name, table, bold=True)
            grid.addWidget(header, 0, column, _right if column > 1 else _left)
        for t, row in enumerate(figures.by_term, start=1):
            color = TERM_COLORS[(t - 1) % len(TERM_COLORS)] if row.term else NO_TERM_COLOR
            swatch = QFrame(table)
            swatch.setFixedSize(10, 10)
            swatch.setStyleSheet(f"background: {color}; border-radius: 5px;")
            grid.addWidget(swatch, t, 0)
            term = _text(term_name(row, figures), table)
            term.setWordWrap(True)
            grid.addWidget(term, t, 1)
            grid.addWidget(_text(f"{row.received:,}", table), t, 2, _right)
            grid.addWidget(_text(f"{row.located:,}", table), t, 3, _right)
        grid.setColumnStretch(1, 1)
        return table

    def _top_list(self, title: str, rows: Sequence[tuple[str, int]], prefix: str) -> QWidget:
        box = QWidget(self._body)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(1)
        grid.addWidget(_text(title, box, bold=True), 0, 0, 1, 2)
        if not rows:
            grid.addWidget(_text("none", box), 1, 0)
        for i, (name, count) in enumerate(rows[:TOP_ROWS], start=1):
            label = _text(prefix + name, box)
            label.setWordWrap(True)
            grid.addWidget(label, i, 0)
            grid.addWidget(_text(f"{count:,}", box), i, 1, _right)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(grid.rowCount(), 1)  # the lists side by side start at the top
        return box

    # -- place over the map ----------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._map and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False

    def _place(self) -> None:
        """Top-left over the map, within it however small the window: the
        figures scroll when they do not fit."""
        parent = self.parentWidget()
        corner = self._map.mapTo(parent, QPoint(0, 0)) if parent is not None else QPoint(0, 0)
        room = self._map.width() - 2 * MARGIN
        # Beside the legend (the page's top-right corner) where there is room.
        width = min(CARD_WIDTH, max(room - LEGEND_ROOM, MIN_WIDTH), room)
        body_layout = self._body.layout()
        if body_layout is not None:
            body_layout.activate()
        outer = self._outer
        margins = outer.contentsMargins()
        chrome = (
            margins.top()
            + margins.bottom()
            + self._head.sizeHint().height()
            + self._foot.sizeHint().height()
            + 2 * outer.spacing()
        )
        wanted = chrome + self._body.sizeHint().height() + 2
        height = min(wanted, self._map.height() - 2 * MARGIN)
        self.setGeometry(corner.x() + MARGIN, corner.y() + MARGIN, width, height)

    # -- the report ------------------------------------------------------------

    def _choose_file(self) -> None:
        suggested = f"geotweets-session-{self.session_id}-report.html"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save report", suggested, "Web page (*.html *.htm)"
        )
        if path:
            out = Path(path)
            self.save_to(out if out.suffix else out.with_suffix(".html"))

    def save_to(self, path: Path) -> None:
        """Write the report to `path` in the background; the card says when it is there."""
        figures = self.figures
        if figures is None:
            return
        try:
            check_report_path(path)
        except ReportError as exc:
            self.save_status.setText(f"Not saved: {exc}.")
            return
        image = MapImage(self._grab_map(), "image/png", MAP_CAPTION)
        self.save_button.setEnabled(False)
        self.open_button.hide()
        self.save_status.setText(f"Saving {path.name}…")
        task = BackgroundTask(lambda: save_report(figures, path, image), "report", self)
        task.finished.connect(lambda _result: self._saved(path))
        task.failed.connect(lambda error: self._save_failed(path, error))
        self._saving = task
        task.start()

    def _saved(self, path: Path) -> None:
        self._saving = None
        self.saved_to = path
        self.save_button.setEnabled(True)
        self.save_status.setText(f"Saved to {path.name}")
        self.save_status.setToolTip(str(path))
        self.open_button.show()

    def _save_failed(self, path: Path, error: Exception) -> None:
        self._saving = None
        self.save_button.setEnabled(True)
        if not isinstance(error, OSError):
            raise error
        self.save_status.setText(f"Not saved: {path.name}: {error.strerror or error}")

    def _open_report(self) -> None:
        if self.saved_to is not None and not QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.saved_to))
        ):
            self.save_status.setText(
                f"No web browser could be opened; the report is {self.saved_to}"
            )


_left = Qt.AlignmentFlag.AlignLeft
_right = Qt.AlignmentFlag.AlignRight
