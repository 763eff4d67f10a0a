"""The session browser: every stored session, and a button to reopen one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geotweets_desktop.core.live_stats import format_elapsed
from geotweets_desktop.core.store import SessionInfo

_COLUMNS = ("Session", "Started", "Duration", "Source", "Terms", "Posts", "Located", "State")
_NUMBERS = (0, 2, 5, 6)  # right-aligned columns


class SessionsDialog(QDialog):
    def __init__(self, sessions: list[SessionInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sessions")
        self.resize(760, 380)
        self._sessions = sessions
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Sessions stored on this computer. Open one to see it on the map."))
        table = QTableWidget(len(sessions), len(_COLUMNS), self)
        table.setHorizontalHeaderLabels(_COLUMNS)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        for row, s in enumerate(sessions):
            state = "interrupted" if s.interrupted else "ended"
            lasted = (
                format_elapsed((s.ended_at - s.started_at).total_seconds()) if s.ended_at else ""
            )
            cells = (
                str(s.id),
                s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                lasted,
                s.source,
                ", ".join(s.terms),
                f"{s.received:,}",
                f"{s.located:,}",
                state,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in _NUMBERS:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, col, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        if sessions:
            table.selectRow(0)
        table.doubleClicked.connect(self.accept)
        self.table = table
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = buttons.addButton("Open on map", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setEnabled(bool(sessions))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def selected(self) -> SessionInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self._sessions[rows[0].row()] if rows else None
