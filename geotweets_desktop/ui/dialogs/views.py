"""The saved views of the session on the map: open one, delete one, or save one
to a file to share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geotweets_desktop.core.saved_views import StoredView
from geotweets_desktop.core.view_state import describe_filters


class ViewsDialog(QDialog):
    """Lists `views`. Once accepted, `chosen` is the view picked and `action`
    what to do with it (open, delete, save to a file); the caller does it."""

    OPEN, DELETE, SAVE_FILE = "open", "delete", "save-file"

    def __init__(
        self, session_label: str, views: list[StoredView], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Saved views")
        self.resize(560, 340)
        self.chosen: StoredView | None = None
        self.action = self.OPEN
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Views saved for {session_label}." if views else f"No views saved for {session_label}."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for stored in views:
            state = stored.view.state
            saved = stored.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            where = f"{state.center[0]:.4f}, {state.center[1]:.4f}, zoom {state.zoom:g}"
            item = QListWidgetItem(
                f"{stored.name}\n    {where} · {state.mode} · {describe_filters(state.filters)}"
                f" · saved {saved}"
            )
            item.setData(Qt.ItemDataRole.UserRole, stored.id)
            self.list.addItem(item)
        self._views = {stored.id: stored for stored in views}
        if views:
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self._finish(self.OPEN))
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button = buttons.addButton(
            "Save to file…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.delete_button = buttons.addButton(
            "Delete", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        for button in (self.open_button, self.save_button, self.delete_button):
            button.setEnabled(bool(views))
        self.open_button.clicked.connect(lambda: self._finish(self.OPEN))
        self.save_button.clicked.connect(lambda: self._finish(self.SAVE_FILE))
        self.delete_button.clicked.connect(lambda: self._finish(self.DELETE))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _finish(self, action: str) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = self._views[int(item.data(Qt.ItemDataRole.UserRole))]
        self.action = action
        self.accept()
