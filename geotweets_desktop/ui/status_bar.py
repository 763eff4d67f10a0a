"""The status bar: source, connection state and live figures, always current."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from geotweets_desktop.core.live_stats import format_elapsed
from geotweets_desktop.sources.base import ReportsProgress, StatusEvent
from geotweets_desktop.ui.controller import SessionController

_STATE_WORDS = {
    "starting": "starting…",
    "connecting": "connecting…",
    "live": "live",
    "reconnecting": "reconnecting",
    "stopped": "stopped",
    "error": "error",
}


class SessionStatusBar(QStatusBar):
    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.source_label = QLabel()
        self.state_label = QLabel()
        self.figures_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.usage_label = QLabel()
        self.usage_label.setToolTip("Estimated from the price per post in Settings → X usage")
        # Plain text: messages may quote what a server sent.
        for label in (self.source_label, self.state_label, self.figures_label, self.usage_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.source_label.font()
        font.setBold(True)
        self.source_label.setFont(font)
        self.addWidget(self.source_label)
        self.addWidget(self.state_label, 1)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.usage_label)
        self.addPermanentWidget(self.figures_label)
        controller.statusChanged.connect(self.refresh)
        controller.statsChanged.connect(self.refresh)
        controller.sessionChanged.connect(self.refresh)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self.refresh)
        self._clock.start(1000)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        c = self._controller
        self.source_label.setText(c.source_label or "No source")
        event: StatusEvent = c.state
        words = _STATE_WORDS.get(event.state, event.state)
        if event.retry_in is not None:
            words += f" in {event.retry_in:.0f} s"
        detail = f" — {event.message}" if event.message else ""
        self.state_label.setText(f"{words}{detail}")
        self.state_label.setProperty("state", event.state)
        source = c.source
        reports_progress = isinstance(source, ReportsProgress)
        self.progress.setVisible(reports_progress)
        if isinstance(source, ReportsProgress):
            self.progress.setValue(round(1000 * source.fraction))
        self.usage_label.setVisible(c.usage is not None)
        if c.usage is not None:
            self.usage_label.setText(c.usage.summary())
        s = c.stats
        self.figures_label.setText(
            f"received {s.received:,} · located {s.located:,} · "
            f"{s.per_minute:,.0f}/min · {format_elapsed(s.elapsed)}"
        )
