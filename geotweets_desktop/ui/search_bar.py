"""The row above the map: where posts come from, the terms, Start and Stop.

A plain row of widgets rather than a QToolBar: a toolbar moves what does not
fit into an overflow menu, and at 900 px that was Stop, Pause and Clear while a
billed stream ran. Here the terms field gives up its width first and the
buttons never leave; the row's minimum width becomes the window's.

Besides the live sources, the source box can hold what is playing now that
was not chosen here: an archive being replayed or a stored session reopened.
It then names that archive or session and the terms box shows its term
filter, or "All posts" when there is none.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from geotweets_desktop.sources import factory

SOURCE_DEMO = factory.DEMO
SOURCE_X_STREAM = factory.X_STREAM
SOURCE_X_SEARCH = factory.X_SEARCH
SOURCE_ARCHIVE = "archive"
SOURCE_SESSION = "session"
LIVE_SOURCES = (SOURCE_DEMO, SOURCE_X_STREAM, SOURCE_X_SEARCH)

TERMS_HINT = 'Words, #hashtags or "quoted phrases", separated by commas'
ALL_POSTS = "All posts"
# Wide enough for a short term or two; the field shrinks to this before any
# button has to go.
TERMS_MIN_WIDTH = 120
SOURCE_MIN_CHARS = 18


class SearchBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBar")
        self.source_combo = QComboBox(self)
        self.source_combo.addItem("Demo (synthetic)", SOURCE_DEMO)
        self.source_combo.addItem("X live stream", SOURCE_X_STREAM)
        self.source_combo.addItem("X recent search (polling)", SOURCE_X_SEARCH)
        self.source_combo.setItemData(
            0, "Made-up posts, generated on this computer", Qt.ItemDataRole.ToolTipRole
        )
        self.source_combo.setItemData(
            2,
            "For X plans without filtered-stream access: polls recent posts",
            Qt.ItemDataRole.ToolTipRole,
        )
        self.source_combo.setToolTip("Where posts come from")
        # A long archive name must not widen the row: the box elides it.
        self.source_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_combo.setMinimumContentsLength(SOURCE_MIN_CHARS)
        self.located_only_check = QCheckBox("Located only", self)
        self.located_only_check.setToolTip(
            "Ask X only for posts that carry a place or a point (has:geo): cheaper, as X "
            "bills every post it delivers, and posts without a location can only be placed "
            "from the author's profile text, if at all."
        )
        self.terms_edit = QLineEdit(self)
        self.terms_edit.setPlaceholderText(TERMS_HINT)
        self.terms_edit.setClearButtonEnabled(True)
        self.terms_edit.setMinimumWidth(TERMS_MIN_WIDTH)
        self.terms_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.terms_edit.setToolTip(
            'Each term is a word, a #hashtag, an @mention or a "quoted phrase"; words '
            "in one term must all appear (rain wind). Separate terms with commas: a post "
            "matching any of them is shown."
        )
        self.start_button = QPushButton("Start", self)
        self.start_button.setToolTip("Start a new search for these terms (Enter)")
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setToolTip("Stop the stream; what arrived stays stored (Ctrl+.)")
        self.pause_button = QPushButton("Pause", self)
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip("Pause or resume an archive replay")
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Clear the map and the counts (stored posts are kept)")
        # Shown next to the terms when they cannot be searched for, instead
        # of a message box that has to be dismissed.
        self.error_label = QLabel(self)
        self.error_label.setObjectName("termsError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # quotes what was typed
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("#termsError { color: #b3261e; }")
        self.error_label.hide()
        self.terms_edit.textEdited.connect(lambda _text: self.show_error(""))

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Source:", self))
        row.addWidget(self.source_combo)
        row.addWidget(self.located_only_check)
        terms_label = QLabel("&Terms:", self)
        terms_label.setBuddy(self.terms_edit)
        row.addSpacing(6)
        row.addWidget(terms_label)
        row.addWidget(self.terms_edit, 1)
        for button in (self.start_button, self.stop_button, self.pause_button, self.clear_button):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            row.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 4)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error_label)
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        self._user_terms = ""
        self._located_only = True  # the user's choice, kept while the box shows another
        self._source_changed()

    @property
    def source_kind(self) -> str:
        return str(self.source_combo.currentData())

    @property
    def located_only(self) -> bool:
        """The user's choice for X sources, whatever the box shows now."""
        check = self.located_only_check
        return check.isChecked() if check.isEnabled() else self._located_only

    def set_located_only(self, value: bool) -> None:
        self._located_only = value
        if self.located_only_check.isEnabled():
            self.located_only_check.setChecked(value)

    def choose_source(self, kind: str) -> None:
        self.source_combo.setCurrentIndex(max(self.source_combo.findData(kind), 0))

    def show_error(self, message: str) -> None:
        """A sentence about the terms under the row (empty: none)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self.terms_edit.setProperty("invalid", bool(message))
        self.terms_edit.setStyleSheet("QLineEdit { border: 1px solid #b3261e; }" if message else "")

    def show_playing(self, kind: str, name: str, detail: str, terms: list[str]) -> None:
        """Name what plays now that was not chosen here (an archive, a stored
        session): its name in the source box, `detail` (the full path) as its
        tooltip, its terms or "All posts" in the terms box."""
        if self.source_kind in LIVE_SOURCES:
            self._user_terms = self.terms_edit.text()
        self._drop_playing()
        self.source_combo.addItem(name, kind)
        index = self.source_combo.count() - 1
        self.source_combo.setItemData(index, detail, Qt.ItemDataRole.ToolTipRole)
        self.source_combo.blockSignals(True)
        self.source_combo.setCurrentIndex(index)
        self.source_combo.blockSignals(False)
        self.source_combo.setToolTip(detail)
        self.terms_edit.setText(", ".join(terms))
        self._source_changed()

    def _drop_playing(self) -> None:
        for index in reversed(range(self.source_combo.count())):
            if self.source_combo.itemData(index) not in LIVE_SOURCES:
                self.source_combo.removeItem(index)

    def _source_changed(self, *_args: object) -> None:
        kind = self.source_kind
        # has:geo only means something to X: elsewhere the box shows what
        # plays (the demo and archives include posts without a location).
        asks_x = kind in (SOURCE_X_STREAM, SOURCE_X_SEARCH)
        if asks_x != self.located_only_check.isEnabled():
            if asks_x:
                self.located_only_check.setChecked(self._located_only)
            else:
                self._located_only = self.located_only_check.isChecked()
                self.located_only_check.setChecked(False)
        self.located_only_check.setEnabled(asks_x)
        if kind == SOURCE_ARCHIVE:
            self.terms_edit.setPlaceholderText(f"{ALL_POSTS} (or terms to keep)")
        elif kind == SOURCE_SESSION:
            self.terms_edit.setPlaceholderText(ALL_POSTS)
        else:
            self.terms_edit.setPlaceholderText(TERMS_HINT)
        # A stored session is what it is: its terms cannot be changed.
        self.terms_edit.setReadOnly(kind == SOURCE_SESSION)
        if kind in LIVE_SOURCES:
            self.source_combo.setToolTip("Where posts come from")
            if (
                self.source_combo.findData(SOURCE_ARCHIVE) >= 0
                or self.source_combo.findData(SOURCE_SESSION) >= 0
            ):
                self._drop_playing()
                self.terms_edit.setText(self._user_terms)
